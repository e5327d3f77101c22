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

/// An attempt the throttle let through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttled {
    pub failures: i64,
    /// No further attempt is evaluated before this instant (UTC microseconds; 0
    /// when there is no delay).
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

    /// Takes an attempt under `key` (an account or a client address) before it is
    /// evaluated, counting it as a failure until [`Db::throttle_refund`] or
    /// [`Db::throttle_reset`] says otherwise. After [`FREE_FAILURES`] in the window,
    /// each further attempt doubles the delay before the next (2 s, 4 s, 8 s, … up to
    /// 15 minutes). `Err(until)`: refused without evaluation until then.
    ///
    /// Atomic: the row changes only if nobody changed it since it was read, so
    /// parallel attempts each count, and none passes a delay another has just set.
    pub async fn throttle_take(&self, key: &str) -> StoreResult<Result<Throttled, i64>> {
        sqlx::query(
            "INSERT INTO sign_in_throttle (key, failures, first_failure_at, blocked_until) \
             VALUES ($1, 0, $2, 0) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(time::now_micros())
        .execute(self.pool())
        .await?;
        loop {
            let now = time::now_micros();
            let (seen, first, until): (i64, i64, i64) = sqlx::query_as(
                "SELECT failures, first_failure_at, blocked_until FROM sign_in_throttle WHERE key = $1",
            )
            .bind(key)
            .fetch_one(self.pool())
            .await?;
            if until > now {
                return Ok(Err(until));
            }
            let (failures, first_at) = if now - first < WINDOW_MICROS {
                (seen + 1, first)
            } else {
                (1, now)
            };
            let blocked_until = if failures > FREE_FAILURES {
                let exponent = (failures - FREE_FAILURES).min(20) as u32;
                now + 2i64.pow(exponent).min(MAX_DELAY_SECS) * 1_000_000
            } else {
                0
            };
            let changed = sqlx::query(
                "UPDATE sign_in_throttle SET failures = $1, first_failure_at = $2, blocked_until = $3 \
                 WHERE key = $4 AND failures = $5 AND first_failure_at = $6 AND blocked_until = $7",
            )
            .bind(failures)
            .bind(first_at)
            .bind(blocked_until)
            .bind(key)
            .bind(seen)
            .bind(first)
            .bind(until)
            .execute(self.pool())
            .await?
            .rows_affected();
            if changed == 1 {
                return Ok(Ok(Throttled {
                    failures,
                    blocked_until,
                }));
            }
            // Another attempt changed the row first: read it again.
        }
    }

    /// Gives back an attempt taken under `key` that succeeded (a client address shared
    /// by many people is not slowed by their successful sign-ins).
    pub async fn throttle_refund(&self, key: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE sign_in_throttle SET failures = failures - 1, blocked_until = 0 \
             WHERE key = $1 AND failures > 0",
        )
        .bind(key)
        .execute(self.pool())
        .await?;
        Ok(())
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
