//! The security audit log (sign-ins, failures, lock-outs, role changes, tokens) and
//! sign-in throttling with progressive delays.

use crate::{Db, StoreResult, time};

/// One security event.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SecurityEvent {
    pub id: i64,
    pub at: i64,
    pub account_id: Option<i64>,
    /// `sign_in`, `sign_in_failure`, `lockout`, `sign_out`, `sign_out_everywhere`, …
    pub kind: String,
    pub ip: String,
    pub detail: String,
}

/// Failures counted within this window.
const WINDOW_MICROS: i64 = 15 * 60 * 1_000_000;
/// Failures allowed in the window before delays start.
pub const FREE_FAILURES: i64 = 5;
/// The longest delay.
const MAX_DELAY_SECS: i64 = 15 * 60;

/// The throttle's answer after a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttled {
    pub failures: i64,
    /// No attempt is evaluated before this instant (UTC microseconds).
    pub blocked_until: i64,
}

impl Db {
    pub async fn record_security_event(
        &self,
        account_id: Option<i64>,
        kind: &str,
        ip: &str,
        detail: &str,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO security_event (at, account_id, kind, ip, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind(time::now_micros())
            .bind(account_id)
            .bind(kind)
            .bind(ip)
            .bind(detail)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The newest events, for administrators; of one account when given.
    pub async fn security_events(
        &self,
        account_id: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<SecurityEvent>> {
        Ok(sqlx::query_as::<_, SecurityEvent>(
            "SELECT id, at, account_id, kind, ip, detail FROM security_event \
             WHERE ($1 IS NULL OR account_id = $1) ORDER BY id DESC LIMIT $2",
        )
        .bind(account_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Until when attempts under `key` (an account or a client address) are refused
    /// without being evaluated, if they are now.
    pub async fn throttle_blocked_until(&self, key: &str) -> StoreResult<Option<i64>> {
        let now = time::now_micros();
        let until: Option<i64> =
            sqlx::query_scalar("SELECT blocked_until FROM sign_in_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(self.pool())
                .await?;
        Ok(until.filter(|&until| until > now))
    }

    /// Counts a failure: after [`FREE_FAILURES`] in the window, each further failure
    /// doubles the delay (2 s, 4 s, 8 s, … up to 15 minutes).
    pub async fn throttle_failure(&self, key: &str) -> StoreResult<Throttled> {
        let now = time::now_micros();
        let mut tx = self.begin_write().await?;
        let current: Option<(i64, i64)> = sqlx::query_as(
            "SELECT failures, first_failure_at FROM sign_in_throttle WHERE key = $1",
        )
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
        let (failures, first) = match current {
            Some((failures, first)) if now - first < WINDOW_MICROS => (failures + 1, first),
            _ => (1, now),
        };
        let blocked_until = if failures > FREE_FAILURES {
            let exponent = (failures - FREE_FAILURES).min(20) as u32;
            now + 2i64.pow(exponent).min(MAX_DELAY_SECS) * 1_000_000
        } else {
            0
        };
        sqlx::query(
            "INSERT INTO sign_in_throttle (key, failures, first_failure_at, blocked_until) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, \
             first_failure_at = excluded.first_failure_at, blocked_until = excluded.blocked_until",
        )
        .bind(key)
        .bind(failures)
        .bind(first)
        .bind(blocked_until)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Throttled {
            failures,
            blocked_until,
        })
    }

    /// Forgets the failures under `key` (after a successful sign-in).
    pub async fn throttle_reset(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
