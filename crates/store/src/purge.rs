//! Removing what has stopped mattering, on a schedule: expired sessions, spent or
//! expired one-time codes (kept an hour, as the hourly sending limit counts them),
//! expired e-ID logins, and throttles whose window has passed.

use crate::{Db, StoreResult, time};

/// How long a spent or expired code is kept (the hourly limit counts codes sent).
const KEEP_CODES_MICROS: i64 = 3_600_000_000;
/// How long a throttle row outlives its window.
const KEEP_THROTTLES_MICROS: i64 = 24 * 3_600_000_000;

/// What one purge removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub codes: u64,
    pub logins: u64,
    pub throttles: u64,
}

impl Purged {
    pub fn total(&self) -> u64 {
        self.sessions + self.codes + self.logins + self.throttles
    }
}

impl Db {
    /// Deletes what expired before `now` (UTC microseconds).
    pub async fn purge_expired(&self, now: i64) -> StoreResult<Purged> {
        let run = |sql: &'static str, at: i64| async move {
            Ok::<u64, crate::StoreError>(
                sqlx::query(sql)
                    .bind(at)
                    .execute(self.pool())
                    .await?
                    .rows_affected(),
            )
        };
        Ok(Purged {
            sessions: run("DELETE FROM web_session WHERE expires_at < $1", now).await?,
            codes: run(
                "DELETE FROM one_time_code WHERE created_at < $1 \
                 AND (used_at IS NOT NULL OR expires_at < $1)",
                now - KEEP_CODES_MICROS,
            )
            .await?,
            logins: run("DELETE FROM oidc_login WHERE expires_at < $1", now).await?,
            throttles: run(
                "DELETE FROM sign_in_throttle WHERE first_failure_at < $1 AND blocked_until < $1",
                now - KEEP_THROTTLES_MICROS,
            )
            .await?,
        })
    }

    /// [`Db::purge_expired`] as of now.
    pub async fn purge_expired_now(&self) -> StoreResult<Purged> {
        self.purge_expired(time::now_micros()).await
    }
}
