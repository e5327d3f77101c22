//! Tax codes (mã số thuế).
//!
//! An enterprise or organisation has a 10-digit code whose last digit is a check digit;
//! its dependent units (branches, representative offices) have that code followed by
//! `-` and a 3-digit number (Circular 105/2020/TT-BTC art. 5). Since 1 July 2025 an
//! individual's tax code is their 12-digit personal identification number (Law on Tax
//! Administration 2019 art. 35(5); Circular 86/2024/TT-BTC).
//!
//! Check digit: N10 = 10 − (31·N1 + 29·N2 + 23·N3 + 19·N4 + 17·N5 + 13·N6 + 7·N7 + 5·N8 +
//! 3·N9) mod 11; a code for which this gives 10 is never issued.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{CitizenId, CitizenIdError};

const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/// Why a tax code was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TaxCodeError {
    /// Not one of the three forms.
    #[error(
        "Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số (đơn vị phụ thuộc), hoặc 12 chữ số (cá nhân)"
    )]
    Format,
    /// The check digit does not match.
    #[error("Mã số thuế không đúng (sai chữ số kiểm tra)")]
    CheckDigit,
    /// The dependent unit's number is 000.
    #[error("Số thứ tự đơn vị phụ thuộc phải từ 001 đến 999")]
    UnitNumber,
    /// A 12-digit code that is not a valid personal identification number.
    #[error("{0}")]
    Individual(CitizenIdError),
}

/// A valid tax code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum TaxCode {
    /// An enterprise or organisation: 10 digits.
    Organisation(String),
    /// A dependent unit: the parent's 10 digits and a 3-digit number.
    DependentUnit {
        /// The parent's 10-digit code.
        parent: String,
        /// The unit's number, `001`–`999`.
        unit: String,
    },
    /// An individual: the personal identification number.
    Individual(CitizenId),
}

impl TaxCode {
    /// The code in its written form, e.g. `0100109106-001`.
    ///
    /// ```
    /// use motcua_domain::validate::TaxCode;
    ///
    /// let code: TaxCode = "0100109106 001".parse().unwrap();
    /// assert_eq!(code.to_string(), "0100109106-001");
    /// ```
    pub fn written(&self) -> String {
        self.to_string()
    }
}

impl FromStr for TaxCode {
    type Err = TaxCodeError;

    /// Parses any of the three forms; spaces, dots and a `-` before the unit number are
    /// accepted.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits = super::compact(text, &['-', '.']);
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TaxCodeError::Format);
        }
        match digits.len() {
            10 => {
                check_digit(&digits)?;
                Ok(Self::Organisation(digits))
            }
            12 => digits
                .parse()
                .map(Self::Individual)
                .map_err(TaxCodeError::Individual),
            13 => {
                let (parent, unit) = digits.split_at(10);
                check_digit(parent)?;
                if unit == "000" {
                    return Err(TaxCodeError::UnitNumber);
                }
                Ok(Self::DependentUnit {
                    parent: parent.to_owned(),
                    unit: unit.to_owned(),
                })
            }
            _ => Err(TaxCodeError::Format),
        }
    }
}

fn check_digit(code: &str) -> Result<(), TaxCodeError> {
    let digits: Vec<u32> = code.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = WEIGHTS.iter().zip(&digits).map(|(w, d)| w * d).sum();
    let expected = 10 - sum % 11;
    if expected == digits[9] {
        Ok(())
    } else {
        Err(TaxCodeError::CheckDigit)
    }
}

impl TryFrom<String> for TaxCode {
    type Error = TaxCodeError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<TaxCode> for String {
    fn from(code: TaxCode) -> Self {
        code.to_string()
    }
}

impl fmt::Display for TaxCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Organisation(code) => f.write_str(code),
            Self::DependentUnit { parent, unit } => write!(f, "{parent}-{unit}"),
            Self::Individual(id) => f.write_str(id.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_and_their_errors() {
        // Viettel (0100109106) and FPT (0101248141) are real codes.
        assert!(matches!("0100109106".parse(), Ok(TaxCode::Organisation(_))));
        assert!(matches!("0101248141".parse(), Ok(TaxCode::Organisation(_))));
        assert_eq!(
            "0100109107".parse::<TaxCode>(),
            Err(TaxCodeError::CheckDigit)
        );
        assert!(matches!(
            "0100109106-012".parse(),
            Ok(TaxCode::DependentUnit { .. })
        ));
        assert_eq!(
            "0100109106-000".parse::<TaxCode>(),
            Err(TaxCodeError::UnitNumber)
        );
        assert!(matches!("001099012345".parse(), Ok(TaxCode::Individual(_))));
        assert_eq!(
            "003099012345".parse::<TaxCode>(),
            Err(TaxCodeError::Individual(CitizenIdError::Province(
                "003".into()
            )))
        );
        assert_eq!("01001091".parse::<TaxCode>(), Err(TaxCodeError::Format));
        assert_eq!("01001091O6".parse::<TaxCode>(), Err(TaxCodeError::Format));
    }

    #[test]
    fn no_code_has_a_check_value_of_ten() {
        // 31·0 + 29·0 + 23·0 + 19·0 + 17·0 + 13·0 + 7·0 + 5·0 + 3·0 = 0 → 10: never valid.
        for last in 0..=9 {
            assert!(format!("000000000{last}").parse::<TaxCode>().is_err());
        }
    }
}
