//! Dossier codes (mã hồ sơ) and agency codes.
//!
//! Circular 01/2018/TT-VPCP art. 19 gives every dossier the code
//! `<agency electronic identifier code>-YYMMDD-XXXX`: the code of the receiving agency,
//! the date of receipt and the dossier's sequence number among those the agency received
//! that day (at least four digits), e.g. `000.00.00.H49-260223-0001`. Agency codes are the
//! electronic identifiers of Decision 20/2020/QĐ-TTg: at most 35 characters, capitals,
//! digits and dots, the groups read from the left. Circular 04/2025/TT-VPCP adds the form
//! used by the centralised system, `MX1X2.Y1Y2Y3.Z1Z2-YYMMDD-AAXXXX`, whose last part
//! carries a two-character series before the sequence.
//!
//! The sequence comes from a per-agency, per-day counter kept by the store.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Maximum length of an agency code (Decision 20/2020/QĐ-TTg).
const AGENCY_CODE_MAX: usize = 35;
/// Minimum number of digits of the daily sequence.
const SEQUENCE_DIGITS: usize = 4;

/// Why a code was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// The agency code is malformed; the text says why.
    #[error("Mã cơ quan không hợp lệ: {0}")]
    Agency(&'static str),
    /// The dossier code is not made of three parts separated by `-`.
    #[error("Mã hồ sơ phải có dạng <mã cơ quan>-YYMMDD-XXXX")]
    Shape,
    /// The date part is not a valid `YYMMDD` date.
    #[error("Ngày tiếp nhận trong mã hồ sơ không hợp lệ (cần YYMMDD)")]
    Date,
    /// The sequence is not a positive number of at least four digits.
    #[error("Số thứ tự trong mã hồ sơ phải gồm ít nhất 4 chữ số và lớn hơn 0")]
    Sequence,
    /// The series of a centralised-system code is not two capitals or digits.
    #[error("Ký hiệu AA trong mã hồ sơ của hệ thống tập trung phải gồm 2 chữ in hoa hoặc chữ số")]
    Series,
}

/// An agency's electronic identifier code (mã định danh điện tử), e.g. `000.00.00.H49`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgencyCode(String);

impl AgencyCode {
    /// The code as text.
    ///
    /// ```
    /// use motcua_domain::dossier_code::AgencyCode;
    ///
    /// let code: AgencyCode = "000.00.00.H49".parse().unwrap();
    /// assert_eq!(code.as_str(), "000.00.00.H49");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The dot-separated groups, read from the left.
    ///
    /// ```
    /// use motcua_domain::dossier_code::AgencyCode;
    ///
    /// let code: AgencyCode = "000.00.00.H49".parse().unwrap();
    /// assert_eq!(code.groups().collect::<Vec<_>>(), ["000", "00", "00", "H49"]);
    /// ```
    pub fn groups(&self) -> impl Iterator<Item = &str> {
        self.0.split('.')
    }

    fn is_centralised_unit(&self) -> bool {
        let bytes = self.0.as_bytes();
        bytes.len() == 10
            && bytes[0].is_ascii_uppercase()
            && bytes[3] == b'.'
            && bytes[7] == b'.'
            && [1, 2, 4, 5, 6, 8, 9]
                .iter()
                .all(|&i| bytes[i].is_ascii_digit())
    }
}

impl FromStr for AgencyCode {
    type Err = CodeError;

    /// Parses an agency code: 1–35 characters of `A–Z`, `0–9` and `.`, no empty group.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            return Err(CodeError::Agency("mã trống"));
        }
        if text.len() > AGENCY_CODE_MAX {
            return Err(CodeError::Agency("dài quá 35 ký tự"));
        }
        if !text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.')
        {
            return Err(CodeError::Agency(
                "chỉ được gồm chữ in hoa không dấu, chữ số và dấu chấm",
            ));
        }
        if text.split('.').any(str::is_empty) {
            return Err(CodeError::Agency("có nhóm ký tự trống giữa các dấu chấm"));
        }
        Ok(Self(text.to_owned()))
    }
}

impl TryFrom<String> for AgencyCode {
    type Error = CodeError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<AgencyCode> for String {
    fn from(code: AgencyCode) -> Self {
        code.0
    }
}

impl fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A dossier code.
///
/// ```
/// use chrono::NaiveDate;
/// use motcua_domain::dossier_code::DossierCode;
///
/// let code: DossierCode = "000.00.00.H49-260223-0001".parse().unwrap();
/// assert_eq!(code.agency().as_str(), "000.00.00.H49");
/// assert_eq!(code.received_on(), NaiveDate::from_ymd_opt(2026, 2, 23).unwrap());
/// assert_eq!(code.sequence(), 1);
/// assert_eq!(code.to_string(), "000.00.00.H49-260223-0001");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode {
    agency: AgencyCode,
    received_on: NaiveDate,
    series: Option<String>,
    sequence: u32,
}

impl DossierCode {
    /// The code of the `sequence`-th dossier `agency` received on `received_on`
    /// (Circular 01/2018/TT-VPCP art. 19). The year must be 2000–2099 (two digits).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use motcua_domain::dossier_code::{AgencyCode, DossierCode};
    ///
    /// let agency: AgencyCode = "000.00.00.H49".parse().unwrap();
    /// let day = NaiveDate::from_ymd_opt(2026, 2, 23).unwrap();
    /// assert_eq!(DossierCode::new(agency.clone(), day, 17).unwrap().to_string(), "000.00.00.H49-260223-0017");
    /// assert_eq!(DossierCode::new(agency.clone(), day, 12345).unwrap().to_string(), "000.00.00.H49-260223-12345");
    /// assert!(DossierCode::new(agency, day, 0).is_err());
    /// ```
    pub fn new(
        agency: AgencyCode,
        received_on: NaiveDate,
        sequence: u32,
    ) -> Result<Self, CodeError> {
        if !(2000..=2099).contains(&received_on.year()) {
            return Err(CodeError::Date);
        }
        if sequence == 0 {
            return Err(CodeError::Sequence);
        }
        Ok(Self {
            agency,
            received_on,
            series: None,
            sequence,
        })
    }

    /// The receiving agency's code (for a centralised-system code, its unit code
    /// `MX1X2.Y1Y2Y3.Z1Z2`).
    ///
    /// ```
    /// use motcua_domain::dossier_code::DossierCode;
    ///
    /// let code: DossierCode = "G22.105.03-250704-DV0012".parse().unwrap();
    /// assert_eq!(code.agency().as_str(), "G22.105.03");
    /// ```
    pub fn agency(&self) -> &AgencyCode {
        &self.agency
    }

    /// The date of receipt.
    ///
    /// ```
    /// use motcua_domain::dossier_code::DossierCode;
    ///
    /// let code: DossierCode = "000.00.00.H49-260223-0001".parse().unwrap();
    /// assert_eq!(code.received_on().to_string(), "2026-02-23");
    /// ```
    pub fn received_on(&self) -> NaiveDate {
        self.received_on
    }

    /// The series `AA` of a centralised-system code (Circular 04/2025/TT-VPCP).
    ///
    /// ```
    /// use motcua_domain::dossier_code::DossierCode;
    ///
    /// let code: DossierCode = "G22.105.03-250704-DV0012".parse().unwrap();
    /// assert_eq!(code.series(), Some("DV"));
    /// let code: DossierCode = "000.00.00.H49-260223-0001".parse().unwrap();
    /// assert_eq!(code.series(), None);
    /// ```
    pub fn series(&self) -> Option<&str> {
        self.series.as_deref()
    }

    /// The sequence number of the dossier among those received that day.
    ///
    /// ```
    /// use motcua_domain::dossier_code::DossierCode;
    ///
    /// let code: DossierCode = "G22.105.03-250704-DV0012".parse().unwrap();
    /// assert_eq!(code.sequence(), 12);
    /// ```
    pub fn sequence(&self) -> u32 {
        self.sequence
    }
}

impl FromStr for DossierCode {
    type Err = CodeError;

    /// Parses either form; the agency code cannot contain `-`, so the code splits into
    /// exactly three parts.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut parts = text.split('-');
        let (Some(agency), Some(date), Some(last), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CodeError::Shape);
        };
        let agency: AgencyCode = agency.parse()?;
        let received_on = parse_date(date)?;
        let (series, digits) = if agency.is_centralised_unit() {
            let series = last.get(..2).ok_or(CodeError::Series)?;
            if !series
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            {
                return Err(CodeError::Series);
            }
            (Some(series.to_owned()), &last[2..])
        } else {
            (None, last)
        };
        if digits.len() < SEQUENCE_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::Sequence);
        }
        let sequence: u32 = digits.parse().map_err(|_| CodeError::Sequence)?;
        if sequence == 0 {
            return Err(CodeError::Sequence);
        }
        Ok(Self {
            agency,
            received_on,
            series,
            sequence,
        })
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, CodeError> {
    if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeError::Date);
    }
    let number =
        |range: std::ops::Range<usize>| text[range].parse::<u32>().map_err(|_| CodeError::Date);
    let year = 2000 + i32::try_from(number(0..2)?).map_err(|_| CodeError::Date)?;
    NaiveDate::from_ymd_opt(year, number(2..4)?, number(4..6)?).ok_or(CodeError::Date)
}

impl TryFrom<String> for DossierCode {
    type Error = CodeError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<DossierCode> for String {
    fn from(code: DossierCode) -> Self {
        code.to_string()
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{}{:04}",
            self.agency,
            self.received_on.format("%y%m%d"),
            self.series.as_deref().unwrap_or(""),
            self.sequence
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_codes_are_rejected_with_a_reason() {
        let error = |text: &str| text.parse::<DossierCode>().unwrap_err();
        assert_eq!(error("000.00.00.H49-260223"), CodeError::Shape);
        assert_eq!(error("000.00.00.H49-260223-0001-2"), CodeError::Shape);
        assert_eq!(
            error("000.00.00.h49-260223-0001"),
            CodeError::Agency("chỉ được gồm chữ in hoa không dấu, chữ số và dấu chấm")
        );
        assert_eq!(
            error("000..00.H49-260223-0001"),
            CodeError::Agency("có nhóm ký tự trống giữa các dấu chấm")
        );
        assert_eq!(
            error(&format!("{}-260223-0001", "A".repeat(36))),
            CodeError::Agency("dài quá 35 ký tự")
        );
        assert_eq!(error("-260223-0001"), CodeError::Agency("mã trống"));
        assert_eq!(error("000.00.00.H49-260230-0001"), CodeError::Date);
        assert_eq!(error("000.00.00.H49-2602231-0001"), CodeError::Date);
        assert_eq!(error("000.00.00.H49-260223-001"), CodeError::Sequence);
        assert_eq!(error("000.00.00.H49-260223-0000"), CodeError::Sequence);
        assert_eq!(error("000.00.00.H49-260223-00a1"), CodeError::Sequence);
        assert_eq!(error("G22.105.03-250704-d00012"), CodeError::Series);
        assert_eq!(error("G22.105.03-250704-DV001"), CodeError::Sequence);
        assert_eq!(error("G22.105.03-250704-Đ"), CodeError::Series);
    }

    #[test]
    fn codes_round_trip_through_text_and_json() {
        for text in [
            "000.00.00.H49-260223-0001",
            "G22.105.03-250704-DV0012",
            "H49-991231-99999",
        ] {
            let code: DossierCode = text.parse().unwrap();
            assert_eq!(code.to_string(), text);
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(serde_json::from_str::<DossierCode>(&json).unwrap(), code);
        }
        assert!(serde_json::from_str::<DossierCode>(r#""H49-991231-1""#).is_err());
    }
}
