//! The 12-digit personal identification number (số định danh cá nhân) printed on the
//! citizen ID card (căn cước, căn cước công dân).
//!
//! Structure (Decree 137/2015/NĐ-CP art. 13, carried over by Decree 70/2024/NĐ-CP under
//! the Law on Identification 2023): three digits for the province where the birth was
//! registered, one digit for century of birth and sex (0/1: 20th century male/female,
//! 2/3: 21st century), two digits for the year of birth, six random digits. Province
//! codes are the Ministry of Public Security's codes of the 63 provinces before the 2025
//! merger; numbers already issued keep them, and the 34 provinces after the merger kept
//! codes from that list.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Province codes of birth registration.
const PROVINCE_CODES: [&str; 63] = [
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
    "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
    "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
    "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
    "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
];

/// Why a citizen ID number was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CitizenIdError {
    /// Not twelve digits.
    #[error("Số định danh cá nhân phải gồm đúng 12 chữ số")]
    Format,
    /// The first three digits are not a province code.
    #[error("Mã tỉnh nơi đăng ký khai sinh «{0}» (3 chữ số đầu) không tồn tại")]
    Province(String),
    /// The fourth digit is not a century and sex code in use.
    #[error("Chữ số thứ tư (mã thế kỷ và giới tính) không hợp lệ")]
    Century,
    /// The century digit and the two year digits give a year that does not match the
    /// person's known birth year (or lies in the future).
    #[error("Số định danh cho năm sinh {in_id}, không khớp với năm sinh {known}")]
    BirthYear { in_id: i32, known: i32 },
}

/// Sex as encoded in the number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

impl Sex {
    /// The Vietnamese label.
    ///
    /// ```
    /// assert_eq!(motcua_domain::validate::Sex::Female.label(), "Nữ");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Self::Male => "Nam",
            Self::Female => "Nữ",
        }
    }
}

/// A structurally valid citizen ID number.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CitizenId(String);

impl CitizenId {
    /// The twelve digits.
    ///
    /// ```
    /// use motcua_domain::validate::CitizenId;
    ///
    /// let id: CitizenId = "001 099 012 345".parse().unwrap();
    /// assert_eq!(id.as_str(), "001099012345");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code of the province of birth registration.
    ///
    /// ```
    /// use motcua_domain::validate::CitizenId;
    ///
    /// let id: CitizenId = "079203012345".parse().unwrap();
    /// assert_eq!(id.province_code(), "079"); // Hồ Chí Minh City
    /// ```
    pub fn province_code(&self) -> &str {
        &self.0[..3]
    }

    /// Sex.
    ///
    /// ```
    /// use motcua_domain::validate::{CitizenId, Sex};
    ///
    /// assert_eq!("079303012345".parse::<CitizenId>().unwrap().sex(), Sex::Female);
    /// assert_eq!("079203012345".parse::<CitizenId>().unwrap().sex(), Sex::Male);
    /// ```
    pub fn sex(&self) -> Sex {
        if self.digit(3).is_multiple_of(2) {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Year of birth.
    ///
    /// ```
    /// use motcua_domain::validate::CitizenId;
    ///
    /// assert_eq!("001099012345".parse::<CitizenId>().unwrap().birth_year(), 1999);
    /// assert_eq!("079203012345".parse::<CitizenId>().unwrap().birth_year(), 2003);
    /// ```
    pub fn birth_year(&self) -> i32 {
        let century = 1900 + 100 * i32::from(self.digit(3) / 2);
        century + i32::from(self.digit(4)) * 10 + i32::from(self.digit(5))
    }

    fn digit(&self, index: usize) -> u8 {
        self.0.as_bytes()[index] - b'0'
    }
}

impl CitizenId {
    /// Checks that the birth year written in the number (century digit and two year
    /// digits) is the person's known birth year, e.g. from the identity card or e-ID.
    ///
    /// ```
    /// use motcua_domain::validate::{CitizenId, CitizenIdError};
    ///
    /// let id: CitizenId = "056090001234".parse().unwrap();
    /// assert!(id.agrees_with_birth_year(1990).is_ok());
    /// assert_eq!(
    ///     id.agrees_with_birth_year(2090),
    ///     Err(CitizenIdError::BirthYear { in_id: 1990, known: 2090 })
    /// );
    /// ```
    pub fn agrees_with_birth_year(&self, known: i32) -> Result<(), CitizenIdError> {
        let in_id = self.birth_year();
        if in_id == known {
            Ok(())
        } else {
            Err(CitizenIdError::BirthYear { in_id, known })
        }
    }

    /// Parses a number whose holder must already be born in `current_year`: a century
    /// digit of 2 or 3 with a later year ("056290…" read in 2026) is refused.
    ///
    /// ```
    /// use motcua_domain::validate::CitizenId;
    ///
    /// assert!(CitizenId::parse_as_of("056220001234", 2026).is_ok());
    /// assert!(CitizenId::parse_as_of("056290001234", 2026).is_err());
    /// ```
    pub fn parse_as_of(text: &str, current_year: i32) -> Result<Self, CitizenIdError> {
        let id: Self = text.parse()?;
        if id.birth_year() > current_year {
            return Err(CitizenIdError::BirthYear {
                in_id: id.birth_year(),
                known: current_year,
            });
        }
        Ok(id)
    }
}

impl FromStr for CitizenId {
    type Err = CitizenIdError;

    /// Parses twelve digits; spaces are ignored. Century codes 4–9 (births from 2100)
    /// are refused.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits = super::compact(text, &[]);
        if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CitizenIdError::Format);
        }
        if !PROVINCE_CODES.contains(&&digits[..3]) {
            return Err(CitizenIdError::Province(digits[..3].to_owned()));
        }
        if digits.as_bytes()[3] > b'3' {
            return Err(CitizenIdError::Century);
        }
        Ok(Self(digits))
    }
}

impl TryFrom<String> for CitizenId {
    type Error = CitizenIdError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<CitizenId> for String {
    fn from(id: CitizenId) -> Self {
        id.0
    }
}

impl fmt::Display for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structure_is_checked_field_by_field() {
        assert_eq!(
            "00109901234".parse::<CitizenId>(),
            Err(CitizenIdError::Format)
        );
        assert_eq!(
            "0010990123456".parse::<CitizenId>(),
            Err(CitizenIdError::Format)
        );
        assert_eq!(
            "00109901234a".parse::<CitizenId>(),
            Err(CitizenIdError::Format)
        );
        assert_eq!(
            "003099012345".parse::<CitizenId>(),
            Err(CitizenIdError::Province("003".into()))
        );
        assert_eq!(
            "001499012345".parse::<CitizenId>(),
            Err(CitizenIdError::Century)
        );
        let id: CitizenId = "096198012345".parse().unwrap();
        assert_eq!((id.sex(), id.birth_year()), (Sex::Female, 1998));
        assert_eq!(
            CitizenIdError::Province("003".into()).to_string(),
            "Mã tỉnh nơi đăng ký khai sinh «003» (3 chữ số đầu) không tồn tại"
        );
    }
}
