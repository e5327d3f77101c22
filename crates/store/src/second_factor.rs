//! The second factor of officials and administrators: a TOTP secret and one-time
//! recovery codes (stored as SHA-256: they are long random strings).

use sha2::{Digest, Sha256};

use crate::{Db, StoreResult, time};

/// An account's TOTP enrolment.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SecondFactor {
    pub account_id: i64,
    /// Base32, as shown to the person when enrolling.
    pub totp_secret: String,
    pub confirmed_at: Option<i64>,
    pub last_step: Option<i64>,
}

/// How recovery codes are stored: upper-cased, without spaces or dashes, hashed.
pub fn recovery_hash(code: &str) -> String {
    let normalised: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex::encode(Sha256::digest(normalised.as_bytes()))
}

impl Db {
    pub async fn second_factor(&self, account_id: i64) -> StoreResult<Option<SecondFactor>> {
        Ok(sqlx::query_as::<_, SecondFactor>(
            "SELECT account_id, totp_secret, confirmed_at, last_step FROM second_factor WHERE account_id = $1",
        )
        .bind(account_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Stores a new, unconfirmed secret, unless one is already confirmed; returns the
    /// enrolment in force.
    pub async fn start_second_factor(
        &self,
        account_id: i64,
        secret: &str,
    ) -> StoreResult<SecondFactor> {
        sqlx::query(
            "INSERT INTO second_factor (account_id, totp_secret, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (account_id) DO UPDATE SET totp_secret = excluded.totp_secret, created_at = excluded.created_at \
             WHERE second_factor.confirmed_at IS NULL",
        )
        .bind(account_id)
        .bind(secret)
        .bind(time::now_micros())
        .execute(self.pool())
        .await?;
        self.second_factor(account_id)
            .await?
            .ok_or(crate::StoreError::NotFound {
                what: "second factor",
            })
    }

    /// Confirms the enrolment with the step of its first code and replaces the recovery
    /// codes, in one transaction.
    pub async fn confirm_second_factor(
        &self,
        account_id: i64,
        step: i64,
        recovery_codes: &[String],
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE second_factor SET confirmed_at = $1, last_step = $2 WHERE account_id = $3",
        )
        .bind(time::now_micros())
        .bind(step)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM recovery_code WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        for code in recovery_codes {
            sqlx::query("INSERT INTO recovery_code (account_id, code_hash) VALUES ($1, $2)")
                .bind(account_id)
                .bind(recovery_hash(code))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records that a code of `step` was used; false if that step (or a later one) was
    /// already used, so a code never works twice, even from two requests at once.
    pub async fn use_totp_step(&self, account_id: i64, step: i64) -> StoreResult<bool> {
        Ok(sqlx::query(
            "UPDATE second_factor SET last_step = $1 \
             WHERE account_id = $2 AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < $1)",
        )
        .bind(step)
        .bind(account_id)
        .execute(self.pool())
        .await?
        .rows_affected()
            == 1)
    }

    /// Spends a recovery code; false if it is unknown or already used.
    pub async fn use_recovery_code(&self, account_id: i64, code: &str) -> StoreResult<bool> {
        Ok(sqlx::query(
            "UPDATE recovery_code SET used_at = $1 WHERE account_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(time::now_micros())
        .bind(account_id)
        .bind(recovery_hash(code))
        .execute(self.pool())
        .await?
        .rows_affected()
            == 1)
    }

    /// Marks a session as having passed the second factor.
    pub async fn mark_second_factor(&self, session_id_hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE web_session SET second_factor_at = $1 WHERE id_hash = $2")
            .bind(time::now_micros())
            .bind(session_id_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
