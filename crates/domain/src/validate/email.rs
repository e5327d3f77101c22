//! E-mail addresses, checked the way mail providers accept them in practice: a dot-atom
//! local part (RFC 5322 § 3.2.3, without quoted strings) of at most 64 characters and a
//! domain name of letter-digit-hyphen labels with an alphabetic top-level label, 254
//! characters in all (RFC 5321 § 4.5.3.1). The domain is lower-cased.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why an e-mail address was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// No `@`, or more than one.
    #[error("Địa chỉ thư điện tử phải có dạng ten@ten-mien.vn")]
    Shape,
    /// The part before `@` is empty, too long or has characters not allowed.
    #[error("Phần tên trước dấu @ của địa chỉ thư điện tử không hợp lệ")]
    Local,
    /// The domain is not a valid domain name.
    #[error("Tên miền sau dấu @ của địa chỉ thư điện tử không hợp lệ")]
    Domain,
    /// Longer than 254 characters.
    #[error("Địa chỉ thư điện tử dài quá 254 ký tự")]
    TooLong,
}

/// A valid e-mail address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// The address, domain in lower case.
    ///
    /// ```
    /// use motcua_domain::validate::Email;
    ///
    /// let email: Email = " Nguyen.Van.A@Example.GOV.vn ".parse().unwrap();
    /// assert_eq!(email.as_str(), "Nguyen.Van.A@example.gov.vn");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

const LOCAL_SYMBOLS: &[u8] = b"!#$%&'*+/=?^_`{|}~-";

impl FromStr for Email {
    type Err = EmailError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = text.split_once('@').ok_or(EmailError::Shape)?;
        if domain.contains('@') {
            return Err(EmailError::Shape);
        }
        let atom_char = |b: u8| b.is_ascii_alphanumeric() || LOCAL_SYMBOLS.contains(&b);
        if local.is_empty()
            || local.len() > 64
            || local
                .split('.')
                .any(|atom| atom.is_empty() || !atom.bytes().all(atom_char))
        {
            return Err(EmailError::Local);
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |label: &str| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        let top = labels.last().copied().unwrap_or_default();
        let top_ok = top.len() >= 2
            && (top.bytes().all(|b| b.is_ascii_alphabetic()) || top.starts_with("xn--"));
        if labels.len() < 2 || !labels.iter().all(|label| label_ok(label)) || !top_ok {
            return Err(EmailError::Domain);
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for text in [
            "a@b.vn",
            "mot.cua+ho.so@so-tu-phap.hanoi.gov.vn",
            "x_y@xn--vit-nam-5ya.vn",
        ] {
            assert!(text.parse::<Email>().is_ok(), "{text}");
        }
    }

    #[test]
    fn refuses_malformed_addresses_with_a_reason() {
        let cases = [
            ("nguyenvana.gmail.com", EmailError::Shape),
            ("a@b@c.vn", EmailError::Shape),
            ("@b.vn", EmailError::Local),
            (".a@b.vn", EmailError::Local),
            ("a..b@b.vn", EmailError::Local),
            ("nguyễn@b.vn", EmailError::Local),
            ("a b@b.vn", EmailError::Local),
            ("a@localhost", EmailError::Domain),
            ("a@-b.vn", EmailError::Domain),
            ("a@b..vn", EmailError::Domain),
            ("a@b.v", EmailError::Domain),
            ("a@b.123", EmailError::Domain),
        ];
        for (text, error) in cases {
            assert_eq!(text.parse::<Email>(), Err(error), "{text}");
        }
        let long = format!("{}@{}.vn", "a".repeat(64), "b".repeat(200));
        assert_eq!(long.parse::<Email>(), Err(EmailError::TooLong));
    }
}
