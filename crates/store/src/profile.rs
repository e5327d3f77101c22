//! What a person keeps in their profile beyond the sign-in identifiers: a contact
//! address, how they want to hear about their dossiers, and a request to delete the
//! account (carried out by an administrator, since dossiers must be kept by law).

use crate::{Db, StoreResult, time};

/// The editable part of an account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    pub address: Option<String>,
    pub notify_by_email: bool,
    pub notify_by_sms: bool,
    /// When the owner asked for the account to be deleted, if they did (and did not
    /// withdraw it).
    pub deletion_requested_at: Option<i64>,
}

impl Db {
    pub async fn profile(&self, account_id: i64) -> StoreResult<Profile> {
        let (address, email, sms, deletion): (Option<String>, i64, i64, Option<i64>) =
            sqlx::query_as(
                "SELECT address, notify_by_email, notify_by_sms, deletion_requested_at \
                 FROM account WHERE id = $1",
            )
            .bind(account_id)
            .fetch_one(self.pool())
            .await?;
        Ok(Profile {
            address,
            notify_by_email: email == 1,
            notify_by_sms: sms == 1,
            deletion_requested_at: deletion,
        })
    }

    /// Saves the address and notification preferences.
    pub async fn update_profile(
        &self,
        account_id: i64,
        address: Option<&str>,
        notify_by_email: bool,
        notify_by_sms: bool,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE account SET address = $1, notify_by_email = $2, notify_by_sms = $3, updated_at = $4 \
             WHERE id = $5",
        )
        .bind(address)
        .bind(i64::from(notify_by_email))
        .bind(i64::from(notify_by_sms))
        .bind(time::now_micros())
        .bind(account_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records (`true`) or withdraws (`false`) the owner's request to delete the
    /// account.
    pub async fn set_deletion_request(&self, account_id: i64, requested: bool) -> StoreResult<()> {
        let now = time::now_micros();
        sqlx::query("UPDATE account SET deletion_requested_at = $1, updated_at = $2 WHERE id = $3")
            .bind(requested.then_some(now))
            .bind(now)
            .bind(account_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Accounts whose owners asked for deletion, oldest request first: `(id, name, at)`.
    pub async fn deletion_requests(&self) -> StoreResult<Vec<(i64, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT id, full_name, deletion_requested_at FROM account \
             WHERE deletion_requested_at IS NOT NULL ORDER BY deletion_requested_at",
        )
        .fetch_all(self.pool())
        .await?)
    }
}
