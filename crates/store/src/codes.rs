//! One-time codes: SMS sign-in codes, e-mail verification links, set-up codes handed
//! over at the counter, password reset links. Only their SHA-256 is stored; each
//! expires, allows few attempts, works once, and a new one replaces the old.

use sha2::{Digest, Sha256};

use crate::{Db, StoreResult, time};

/// What a code is for (the `purpose` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    PhoneSignIn,
    PhoneVerify,
    EmailVerify,
    AccountSetup,
    PasswordReset,
    /// The person agrees that a helper at a counter files for them (read out by the
    /// person from their phone or mailbox).
    AssistConsent,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::PhoneSignIn => "phone_sign_in",
            Purpose::PhoneVerify => "phone_verify",
            Purpose::EmailVerify => "email_verify",
            Purpose::AccountSetup => "account_setup",
            Purpose::PasswordReset => "password_reset",
            Purpose::AssistConsent => "assist_consent",
        }
    }
}

/// Wrong guesses allowed before a code is dead.
pub const MAX_ATTEMPTS: i64 = 5;

/// Codes sent to one target per hour at most (SMS and mail cost, and bombing).
pub const MAX_PER_HOUR: i64 = 5;

/// Seconds between two codes to the same target.
pub const RESEND_AFTER_SECS: i64 = 60;

/// Why a code was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeRejection {
    /// No live code for this target (never sent, used, or replaced by a newer one).
    Unknown,
    Expired,
    /// Too many wrong attempts: the code is dead.
    TooManyAttempts,
    /// Wrong; this many attempts remain.
    Wrong {
        attempts_left: i64,
    },
}

/// Why a code was not issued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueRefusal {
    /// Sent less than [`RESEND_AFTER_SECS`] ago; retry after this many seconds.
    TooSoon { retry_after_secs: i64 },
    /// [`MAX_PER_HOUR`] reached.
    HourlyLimit,
}

fn hash(code: &str) -> String {
    hex::encode(Sha256::digest(code.trim().to_uppercase().as_bytes()))
}

/// Six random digits, for SMS.
pub fn random_digits() -> String {
    let n = u32::from_le_bytes(crate::sessions::random_bytes::<4>()) % 1_000_000;
    format!("{n:06}")
}

/// Eight characters easy to read aloud and type (no 0/O, 1/I/L), grouped `ABCD-EFGH`:
/// a set-up code printed for a person at the counter.
pub fn random_setup_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let bytes = crate::sessions::random_bytes::<8>();
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

#[derive(sqlx::FromRow)]
struct Live {
    id: i64,
    account_id: Option<i64>,
    code_hash: String,
    expires_at: i64,
}

impl Db {
    /// Records `code` for `(purpose, target)`, replacing any earlier live code, unless
    /// the target was sent one too recently or too often.
    pub async fn issue_code(
        &self,
        purpose: Purpose,
        target: &str,
        account_id: Option<i64>,
        code: &str,
        ttl_secs: i64,
    ) -> StoreResult<Result<(), IssueRefusal>> {
        let now = time::now_micros();
        let mut tx = self.begin_write().await?;
        let (count, latest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(created_at) FROM one_time_code WHERE purpose = $1 AND target = $2 AND created_at > $3",
        )
        .bind(purpose.as_str())
        .bind(target)
        .bind(now - 3_600_000_000)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(latest) = latest {
            let wait = RESEND_AFTER_SECS - (now - latest) / 1_000_000;
            if wait > 0 {
                return Ok(Err(IssueRefusal::TooSoon {
                    retry_after_secs: wait,
                }));
            }
        }
        if count >= MAX_PER_HOUR {
            return Ok(Err(IssueRefusal::HourlyLimit));
        }
        sqlx::query(
            "UPDATE one_time_code SET used_at = $1 WHERE purpose = $2 AND target = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(purpose.as_str())
        .bind(target)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO one_time_code (purpose, target, account_id, code_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(purpose.as_str())
        .bind(target)
        .bind(account_id)
        .bind(hash(code))
        .bind(now)
        .bind(now + ttl_secs * 1_000_000)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Ends every live code of `(purpose, target)` and forgets when they were sent, so
    /// a new one may follow at once (an official reissuing a code at the counter).
    pub async fn revoke_codes(&self, purpose: Purpose, target: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM one_time_code WHERE purpose = $1 AND target = $2")
            .bind(purpose.as_str())
            .bind(target)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Checks `code` against the live code of `(purpose, target)`; on success it is used
    /// up and the account it was issued for is returned.
    pub async fn consume_code(
        &self,
        purpose: Purpose,
        target: &str,
        code: &str,
    ) -> StoreResult<Result<Option<i64>, CodeRejection>> {
        let live = sqlx::query_as::<_, Live>(
            "SELECT id, account_id, code_hash, expires_at FROM one_time_code \
             WHERE purpose = $1 AND target = $2 AND used_at IS NULL ORDER BY created_at DESC LIMIT 1",
        )
        .bind(purpose.as_str())
        .bind(target)
        .fetch_optional(self.pool())
        .await?;
        self.check_live(live, code).await
    }

    /// Checks a long token (an e-mail link) of `purpose`, found by its hash alone.
    pub async fn consume_token(
        &self,
        purpose: Purpose,
        token: &str,
    ) -> StoreResult<Result<(String, Option<i64>), CodeRejection>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            target: String,
            #[sqlx(flatten)]
            live: Live,
        }
        let row = sqlx::query_as::<_, Row>(
            "SELECT target, id, account_id, code_hash, expires_at FROM one_time_code \
             WHERE purpose = $1 AND code_hash = $2 AND used_at IS NULL",
        )
        .bind(purpose.as_str())
        .bind(hash(token))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(Err(CodeRejection::Unknown));
        };
        Ok(self
            .check_live(Some(row.live), token)
            .await?
            .map(|account| (row.target, account)))
    }

    async fn check_live(
        &self,
        live: Option<Live>,
        code: &str,
    ) -> StoreResult<Result<Option<i64>, CodeRejection>> {
        let Some(live) = live else {
            return Ok(Err(CodeRejection::Unknown));
        };
        let now = time::now_micros();
        if live.expires_at <= now {
            return Ok(Err(CodeRejection::Expired));
        }
        // Take an attempt before comparing, in one statement: parallel guesses each
        // take their own, and none is compared once the attempts are spent.
        let taken: Option<i64> = sqlx::query_scalar(
            "UPDATE one_time_code SET attempts = attempts + 1 \
             WHERE id = $1 AND attempts < $2 AND used_at IS NULL RETURNING attempts",
        )
        .bind(live.id)
        .bind(MAX_ATTEMPTS)
        .fetch_optional(self.pool())
        .await?;
        let Some(attempts) = taken else {
            // Spent, by earlier or parallel attempts (or used meanwhile).
            return Ok(Err(CodeRejection::TooManyAttempts));
        };
        if hash(code) != live.code_hash {
            let left = MAX_ATTEMPTS - attempts;
            return Ok(Err(if left > 0 {
                CodeRejection::Wrong {
                    attempts_left: left,
                }
            } else {
                CodeRejection::TooManyAttempts
            }));
        }
        // Used once: of two simultaneous right answers, one wins.
        let used =
            sqlx::query("UPDATE one_time_code SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
                .bind(now)
                .bind(live.id)
                .execute(self.pool())
                .await?;
        if used.rows_affected() != 1 {
            return Ok(Err(CodeRejection::Unknown));
        }
        Ok(Ok(live.account_id))
    }
}

impl Db {
    /// Records a message "sent" by a sandbox channel, for the sandbox page.
    pub async fn record_sandbox_message(
        &self,
        channel: &str,
        recipient: &str,
        subject: &str,
        body: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sandbox_message (channel, recipient, subject, body, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(channel)
        .bind(recipient)
        .bind(subject)
        .bind(body)
        .bind(time::now_micros())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The newest sandbox messages, newest first.
    pub async fn sandbox_messages(&self, limit: i64) -> StoreResult<Vec<SandboxMessage>> {
        Ok(sqlx::query_as::<_, SandboxMessage>(
            "SELECT id, channel, recipient, subject, body, created_at FROM sandbox_message ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}

/// A message kept by a sandbox channel.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SandboxMessage {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_their_shapes() {
        let digits = random_digits();
        assert_eq!(digits.len(), 6);
        assert!(digits.bytes().all(|b| b.is_ascii_digit()));
        let setup = random_setup_code();
        assert_eq!(setup.len(), 9);
        assert_eq!(&setup[4..5], "-");
        assert!(!setup.contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(hash(" abcd-efgh "), hash("ABCD-EFGH"), "typed in any case");
    }
}
