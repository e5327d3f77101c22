//! Money in Vietnamese đồng: whole amounts (the đồng has no subunit in use), written
//! `1.250.000 đ` and, on receipts, in words ("Một triệu hai trăm năm mươi nghìn đồng");
//! and the fees (phí, lệ phí) of a procedure, with their online prices.

mod fees;
mod words;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use fees::{FeeError, FeeItem, FeeKind, FeeSchedule};

/// An amount in đồng.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Dong(i64);

/// An amount too large for the arithmetic asked of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Số tiền vượt quá giới hạn cho phép")]
pub struct Overflow;

impl Dong {
    /// Nothing.
    pub const ZERO: Self = Self(0);

    /// An amount of `amount` đồng.
    ///
    /// ```
    /// use motcua_domain::money::Dong;
    ///
    /// assert_eq!(Dong::new(1_250_000).to_string(), "1.250.000 đ");
    /// ```
    pub const fn new(amount: i64) -> Self {
        Self(amount)
    }

    /// The number of đồng.
    ///
    /// ```
    /// use motcua_domain::money::Dong;
    ///
    /// assert_eq!(Dong::new(50_000).amount(), 50_000);
    /// ```
    pub const fn amount(self) -> i64 {
        self.0
    }

    /// The sum, unless it overflows.
    ///
    /// ```
    /// use motcua_domain::money::Dong;
    ///
    /// assert_eq!(Dong::new(20_000).checked_add(Dong::new(30_000)), Ok(Dong::new(50_000)));
    /// assert!(Dong::new(i64::MAX).checked_add(Dong::new(1)).is_err());
    /// ```
    pub fn checked_add(self, other: Self) -> Result<Self, Overflow> {
        self.0.checked_add(other.0).map(Self).ok_or(Overflow)
    }

    /// The amount times `quantity` (e.g. copies of a certificate), unless it overflows.
    ///
    /// ```
    /// use motcua_domain::money::Dong;
    ///
    /// assert_eq!(Dong::new(8_000).checked_mul(3), Ok(Dong::new(24_000)));
    /// ```
    pub fn checked_mul(self, quantity: u32) -> Result<Self, Overflow> {
        self.0
            .checked_mul(i64::from(quantity))
            .map(Self)
            .ok_or(Overflow)
    }

    /// The amount in Vietnamese words, capitalised, as written on receipts.
    ///
    /// ```
    /// use motcua_domain::money::Dong;
    ///
    /// assert_eq!(Dong::new(1_250_000).in_words(), "Một triệu hai trăm năm mươi nghìn đồng");
    /// assert_eq!(Dong::new(105_000).in_words(), "Một trăm linh năm nghìn đồng");
    /// ```
    pub fn in_words(self) -> String {
        words::amount_in_words(self.0)
    }
}

/// `1.250.000 đ`: dots between thousands, a space and `đ`.
impl fmt::Display for Dong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.unsigned_abs().to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 4);
        if self.0 < 0 {
            grouped.push('-');
        }
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(digit);
        }
        write!(f, "{grouped} đ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_dots_between_thousands() {
        let cases = [
            (0, "0 đ"),
            (500, "500 đ"),
            (1_000, "1.000 đ"),
            (25_000, "25.000 đ"),
            (1_250_000, "1.250.000 đ"),
            (-300_000, "-300.000 đ"),
            (i64::MIN, "-9.223.372.036.854.775.808 đ"),
        ];
        for (amount, text) in cases {
            assert_eq!(Dong::new(amount).to_string(), text);
        }
    }

    #[test]
    fn persists_as_a_bare_integer() {
        assert_eq!(
            serde_json::to_string(&Dong::new(1_250_000)).unwrap(),
            "1250000"
        );
        assert_eq!(
            serde_json::from_str::<Dong>("30000").unwrap(),
            Dong::new(30_000)
        );
    }
}
