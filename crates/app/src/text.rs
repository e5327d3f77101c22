//! How times, places and phone numbers are written on forms, registers and notices.

use chrono::Datelike;

/// An instant in Vietnam's time, formatted (`"%H:%M %d/%m/%Y"`).
pub fn local_time(micros: i64, format: &str) -> String {
    motcua_store::time::from_micros(micros)
        .with_timezone(&motcua_domain::VIETNAM_TIME)
        .format(format)
        .to_string()
}

/// "Nha Trang, ngày 05 tháng 09 năm 2026".
pub fn place_and_date(place: &str, micros: i64) -> String {
    let day = motcua_store::time::from_micros(micros).with_timezone(&motcua_domain::VIETNAM_TIME);
    format!(
        "{place}, ngày {:02} tháng {:02} năm {}",
        day.day(),
        day.month(),
        day.year()
    )
}

/// The place line of a form: the commune of the agency's unit, shortened
/// ("Phường Nha Trang" → "Nha Trang").
pub fn place_of(agency_name: &str) -> String {
    for prefix in [
        "Ủy ban nhân dân phường ",
        "Ủy ban nhân dân xã ",
        "Ủy ban nhân dân tỉnh ",
        "Ủy ban nhân dân thành phố ",
    ] {
        if let Some(rest) = agency_name.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    agency_name
        .rsplit(" tỉnh ")
        .next()
        .unwrap_or(agency_name)
        .to_string()
}

/// A phone number as people write it at home: `+84905123456` → `0905123456`.
pub fn local_phone(phone: &str) -> String {
    match phone.strip_prefix("+84") {
        Some(rest) => format!("0{rest}"),
        None => phone.to_string(),
    }
}

/// A dossier state's Vietnamese label (the stored name if it is unknown).
pub fn state_label(name: &str) -> String {
    name.parse::<motcua_domain::dossier::DossierState>()
        .map(|s| s.label().to_string())
        .unwrap_or_else(|_| name.to_string())
}
