//! The validators with the exact examples of the accounts issue.

use motcua_domain::validate::{CitizenId, CitizenIdError, PhoneNumber, TaxCode};

#[test]
fn phone_numbers_in_any_common_writing_normalise_to_e164() {
    for written in [
        "0912 345 678",
        "+84912345678",
        "84-912-345-678",
        "0912.345.678",
        "(+84) 912 345 678",
    ] {
        let phone: PhoneNumber = written.parse().unwrap_or_else(|e| panic!("{written}: {e}"));
        assert_eq!(phone.e164(), "+84912345678", "{written}");
    }
    for wrong in [
        "0912 345 67",
        "+1 912 345 678",
        "0243 123 4567",
        "số điện thoại",
    ] {
        let error = wrong.parse::<PhoneNumber>().unwrap_err().to_string();
        assert!(
            !error.is_empty() && !error.is_ascii(),
            "{wrong}: a Vietnamese message: {error}"
        );
    }
}

#[test]
fn tax_codes_of_ten_digits_or_branches() {
    let code: TaxCode = "4201234566".parse().unwrap();
    assert_eq!(code.written(), "4201234566");
    let branch: TaxCode = "4201234566-001".parse().unwrap();
    assert_eq!(branch.written(), "4201234566-001");
    assert!(
        "4201234567"
            .parse::<TaxCode>()
            .unwrap_err()
            .to_string()
            .contains("chữ số kiểm tra")
    );
    assert!("4201234566-000".parse::<TaxCode>().is_err());
    assert!(
        "42012345"
            .parse::<TaxCode>()
            .unwrap_err()
            .to_string()
            .starts_with("Mã số thuế phải gồm")
    );
}

#[test]
fn citizen_ids_check_their_structure_and_birth_year() {
    let id: CitizenId = "056 090 001 234".parse().unwrap();
    assert_eq!((id.province_code(), id.birth_year()), ("056", 1990));
    assert_eq!(
        "05609000123".parse::<CitizenId>(),
        Err(CitizenIdError::Format)
    );
    assert!(matches!(
        "999090001234".parse::<CitizenId>(),
        Err(CitizenIdError::Province(_))
    ));
    assert_eq!(
        "056590001234".parse::<CitizenId>(),
        Err(CitizenIdError::Century)
    );
    // The century-and-sex digit must agree with a known birth year.
    assert!(id.agrees_with_birth_year(1990).is_ok());
    let mismatch = id.agrees_with_birth_year(2090).unwrap_err().to_string();
    assert!(mismatch.contains("không khớp"), "{mismatch}");
    assert!(
        CitizenId::parse_as_of("056290001234", 2026).is_err(),
        "born in 2090"
    );
    assert!(
        CitizenId::parse_as_of("056320001234", 2026).is_ok(),
        "a girl born in 2020"
    );
}
