//! The fees of a procedure: each item is a fee (phí) or a charge (lệ phí) with a price,
//! and possibly a lower price for dossiers filed online, which provinces use as an
//! incentive to file online.

use serde::{Deserialize, Serialize};

use super::{Dong, Overflow};
use crate::dossier::Channel;

/// Whether an item is a fee or a charge (Law on Fees and Charges 2015).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    /// Phí: pays for a service.
    Fee,
    /// Lệ phí: charged for a state management act.
    Charge,
}

impl FeeKind {
    /// The Vietnamese label.
    ///
    /// ```
    /// use motcua_domain::money::FeeKind;
    ///
    /// assert_eq!(FeeKind::Charge.label(), "Lệ phí");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Self::Fee => "Phí",
            Self::Charge => "Lệ phí",
        }
    }
}

/// One priced item of a procedure's fees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeItem {
    /// What is paid for, e.g. "Lệ phí cấp bản sao trích lục hộ tịch".
    pub name: String,
    /// Fee or charge.
    pub kind: FeeKind,
    /// The price.
    pub amount: Dong,
    /// The price for dossiers filed online, when different.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_amount: Option<Dong>,
}

impl FeeItem {
    /// The price for a dossier filed through `channel`.
    ///
    /// ```
    /// use motcua_domain::dossier::Channel;
    /// use motcua_domain::money::{Dong, FeeItem, FeeKind};
    ///
    /// let item = FeeItem {
    ///     name: "Lệ phí đăng ký kinh doanh".into(),
    ///     kind: FeeKind::Charge,
    ///     amount: Dong::new(100_000),
    ///     online_amount: Some(Dong::new(0)),
    /// };
    /// assert_eq!(item.price(Channel::Counter), Dong::new(100_000));
    /// assert_eq!(item.price(Channel::Online), Dong::ZERO);
    /// ```
    pub fn price(&self, channel: Channel) -> Dong {
        match self.online_amount {
            Some(online) if channel.is_online() => online,
            _ => self.amount,
        }
    }
}

/// Why a fee schedule was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FeeError {
    /// An item has no name.
    #[error("Tên khoản phí, lệ phí không được để trống")]
    EmptyName,
    /// An item has a negative price.
    #[error("Số tiền của «{0}» không được âm")]
    Negative(String),
}

/// The fees of a procedure; in JSON, the list of its items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<FeeItem>", into = "Vec<FeeItem>")]
pub struct FeeSchedule(Vec<FeeItem>);

impl FeeSchedule {
    /// A schedule of `items`, each named and with no negative price.
    ///
    /// ```
    /// use motcua_domain::money::{Dong, FeeItem, FeeKind, FeeSchedule};
    ///
    /// let item = |amount| FeeItem { name: "Phí thẩm định".into(), kind: FeeKind::Fee, amount: Dong::new(amount), online_amount: None };
    /// assert!(FeeSchedule::new(vec![item(50_000)]).is_ok());
    /// assert!(FeeSchedule::new(vec![item(-1)]).is_err());
    /// ```
    pub fn new(items: Vec<FeeItem>) -> Result<Self, FeeError> {
        for item in &items {
            if item.name.trim().is_empty() {
                return Err(FeeError::EmptyName);
            }
            if item.amount < Dong::ZERO || item.online_amount.is_some_and(|a| a < Dong::ZERO) {
                return Err(FeeError::Negative(item.name.clone()));
            }
        }
        Ok(Self(items))
    }

    /// The items.
    ///
    /// ```
    /// assert!(motcua_domain::money::FeeSchedule::default().items().is_empty());
    /// ```
    pub fn items(&self) -> &[FeeItem] {
        &self.0
    }

    /// The total to pay for a dossier filed through `channel`.
    ///
    /// ```
    /// use motcua_domain::dossier::Channel;
    /// use motcua_domain::money::{Dong, FeeItem, FeeKind, FeeSchedule};
    ///
    /// let fees = FeeSchedule::new(vec![
    ///     FeeItem { name: "Phí thẩm định".into(), kind: FeeKind::Fee, amount: Dong::new(1_000_000), online_amount: Some(Dong::new(500_000)) },
    ///     FeeItem { name: "Lệ phí cấp giấy phép".into(), kind: FeeKind::Charge, amount: Dong::new(250_000), online_amount: None },
    /// ])?;
    /// assert_eq!(fees.total(Channel::Counter)?.to_string(), "1.250.000 đ");
    /// assert_eq!(fees.total(Channel::Online)?.to_string(), "750.000 đ");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn total(&self, channel: Channel) -> Result<Dong, Overflow> {
        self.0.iter().try_fold(Dong::ZERO, |total, item| {
            total.checked_add(item.price(channel))
        })
    }
}

impl TryFrom<Vec<FeeItem>> for FeeSchedule {
    type Error = FeeError;

    fn try_from(items: Vec<FeeItem>) -> Result<Self, Self::Error> {
        Self::new(items)
    }
}

impl From<FeeSchedule> for Vec<FeeItem> {
    fn from(schedule: FeeSchedule) -> Self {
        schedule.0
    }
}
