//! Vietnamese mobile phone numbers: ten digits, `0` and a carrier prefix of two digits
//! then seven digits, written `0912 345 678`, `+84 912 345 678` or `84912345678`.
//! Prefixes are those allocated after the 2018 move from 11 to 10 digits.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A mobile network operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    /// Viettel.
    Viettel,
    /// VinaPhone (VNPT).
    Vinaphone,
    /// MobiFone.
    Mobifone,
    /// Vietnamobile.
    Vietnamobile,
    /// Gmobile.
    Gmobile,
    /// iTel (Indochina Telecom, on VinaPhone's network).
    Itel,
    /// Reddi (Wintel, on MobiFone's network).
    Reddi,
}

impl Carrier {
    /// The brand name.
    ///
    /// ```
    /// assert_eq!(motcua_domain::validate::Carrier::Vinaphone.name(), "VinaPhone");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::Viettel => "Viettel",
            Self::Vinaphone => "VinaPhone",
            Self::Mobifone => "MobiFone",
            Self::Vietnamobile => "Vietnamobile",
            Self::Gmobile => "Gmobile",
            Self::Itel => "iTel",
            Self::Reddi => "Reddi",
        }
    }

    fn of_prefix(prefix: &str) -> Option<Self> {
        Some(match prefix {
            "32" | "33" | "34" | "35" | "36" | "37" | "38" | "39" | "86" | "96" | "97" | "98" => {
                Self::Viettel
            }
            "81" | "82" | "83" | "84" | "85" | "88" | "91" | "94" => Self::Vinaphone,
            "70" | "76" | "77" | "78" | "79" | "89" | "90" | "93" => Self::Mobifone,
            "52" | "56" | "58" | "92" => Self::Vietnamobile,
            "59" | "99" => Self::Gmobile,
            "87" => Self::Itel,
            "55" => Self::Reddi,
            _ => return None,
        })
    }
}

/// Why a phone number was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Not ten digits starting with 0 (or +84 and nine digits).
    #[error("Số điện thoại di động phải gồm 10 chữ số, bắt đầu bằng 0 hoặc +84")]
    Format,
    /// The prefix is not a mobile prefix.
    #[error("Đầu số {0} không phải đầu số di động tại Việt Nam")]
    Prefix(String),
}

/// A Vietnamese mobile number, kept in national form (`0912345678`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// The national form, `0912345678`.
    ///
    /// ```
    /// use motcua_domain::validate::PhoneNumber;
    ///
    /// let phone: PhoneNumber = "+84 912 345 678".parse().unwrap();
    /// assert_eq!(phone.national(), "0912345678");
    /// ```
    pub fn national(&self) -> &str {
        &self.0
    }

    /// The international (E.164) form, `+84912345678`, as SMS gateways want it.
    ///
    /// ```
    /// use motcua_domain::validate::PhoneNumber;
    ///
    /// let phone: PhoneNumber = "0912.345.678".parse().unwrap();
    /// assert_eq!(phone.e164(), "+84912345678");
    /// ```
    pub fn e164(&self) -> String {
        format!("+84{}", &self.0[1..])
    }

    /// The operator that was allocated the prefix (numbers can be ported since 2021).
    ///
    /// ```
    /// use motcua_domain::validate::{Carrier, PhoneNumber};
    ///
    /// let phone: PhoneNumber = "0987654321".parse().unwrap();
    /// assert_eq!(phone.carrier(), Carrier::Viettel);
    /// ```
    pub fn carrier(&self) -> Carrier {
        Carrier::of_prefix(&self.0[1..3]).unwrap_or(Carrier::Viettel)
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneError;

    /// Parses `0xxxxxxxxx`, `+84xxxxxxxxx`, `84xxxxxxxxx` or `0084xxxxxxxxx`, ignoring
    /// spaces, dots, dashes and parentheses.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let compact = super::compact(text, &['.', '-', '(', ')']);
        let subscriber = if let Some(rest) = compact.strip_prefix("+84") {
            rest
        } else if let Some(rest) = compact.strip_prefix("0084") {
            rest
        } else if compact.len() == 11
            && let Some(rest) = compact.strip_prefix("84")
        {
            rest
        } else if let Some(rest) = compact.strip_prefix('0') {
            rest
        } else {
            return Err(PhoneError::Format);
        };
        if subscriber.len() != 9 || !subscriber.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PhoneError::Format);
        }
        if Carrier::of_prefix(&subscriber[..2]).is_none() {
            return Err(PhoneError::Prefix(format!("0{}", &subscriber[..2])));
        }
        Ok(Self(format!("0{subscriber}")))
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<PhoneNumber> for String {
    fn from(phone: PhoneNumber) -> Self {
        phone.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_form_normalises_to_the_national_form() {
        for text in [
            "0912345678",
            "+84912345678",
            "84912345678",
            "0084 912 345 678",
            "(091) 234-5678",
        ] {
            let phone: PhoneNumber = text.parse().unwrap();
            assert!(phone.national().starts_with("09"), "{text}");
        }
        assert_eq!(
            "0912345678".parse::<PhoneNumber>().unwrap().carrier(),
            Carrier::Vinaphone
        );
        assert_eq!(
            "0703123456".parse::<PhoneNumber>().unwrap().carrier(),
            Carrier::Mobifone
        );
        assert_eq!(
            "0587123456".parse::<PhoneNumber>().unwrap().carrier(),
            Carrier::Vietnamobile
        );
    }

    #[test]
    fn wrong_lengths_and_landline_or_unknown_prefixes_are_refused() {
        assert_eq!("091234567".parse::<PhoneNumber>(), Err(PhoneError::Format));
        assert_eq!(
            "01234567890".parse::<PhoneNumber>(),
            Err(PhoneError::Format)
        );
        assert_eq!("0912a45678".parse::<PhoneNumber>(), Err(PhoneError::Format));
        assert_eq!(
            "0212 345 678".parse::<PhoneNumber>(),
            Err(PhoneError::Prefix("021".into()))
        );
        assert_eq!(
            "0123456789".parse::<PhoneNumber>(),
            Err(PhoneError::Prefix("012".into()))
        );
    }
}
