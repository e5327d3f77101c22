//! Sign-in sessions kept in the database, so any app node serves any request. The
//! cookie carries a random token; only its SHA-256 is stored, so a copy of the
//! database does not hand out sessions.

use sha2::{Digest, Sha256};

use crate::{Db, StoreResult, time};

/// A session as the web layer sees it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Session {
    pub id_hash: String,
    /// `None` for a visitor who has not signed in (the session still carries the CSRF
    /// token of the sign-in form).
    pub account_id: Option<i64>,
    pub csrf_token: String,
    /// When a second factor was verified in this session.
    pub second_factor_at: Option<i64>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub ip: String,
    pub user_agent: String,
}

const COLUMNS: &str = "id_hash, account_id, csrf_token, second_factor_at, created_at, last_seen_at, expires_at, ip, user_agent";

/// `N` random bytes from the operating system's generator.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::fill(&mut bytes);
    bytes
}

/// 32 random bytes, hex: a session token or a CSRF token.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    hex::encode(bytes)
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Db {
    /// Starts a session; returns the token for the cookie (never stored) and the row.
    pub async fn create_session(
        &self,
        account_id: Option<i64>,
        ttl_micros: i64,
        ip: &str,
        user_agent: &str,
    ) -> StoreResult<(String, Session)> {
        let token = random_token();
        let now = time::now_micros();
        let session = sqlx::query_as::<_, Session>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO web_session (id_hash, account_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent) \
             VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING {COLUMNS}"
        )))
        .bind(hash(&token))
        .bind(account_id)
        .bind(random_token())
        .bind(now)
        .bind(now + ttl_micros)
        .bind(ip)
        .bind(user_agent.chars().take(200).collect::<String>())
        .fetch_one(self.pool())
        .await?;
        Ok((token, session))
    }

    /// The live session of a cookie token, if any.
    pub async fn session(&self, token: &str) -> StoreResult<Option<Session>> {
        Ok(sqlx::query_as::<_, Session>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM web_session WHERE id_hash = $1 AND expires_at > $2"
        )))
        .bind(hash(token))
        .bind(time::now_micros())
        .fetch_optional(self.pool())
        .await?)
    }

    /// Records activity and slides the expiry forward.
    pub async fn touch_session(&self, id_hash: &str, ttl_micros: i64) -> StoreResult<()> {
        let now = time::now_micros();
        sqlx::query("UPDATE web_session SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3")
            .bind(now)
            .bind(now + ttl_micros)
            .bind(id_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM web_session WHERE id_hash = $1")
            .bind(id_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Signs an account out everywhere; returns how many sessions ended.
    pub async fn delete_account_sessions(&self, account_id: i64) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM web_session WHERE account_id = $1")
            .bind(account_id)
            .execute(self.pool())
            .await?
            .rows_affected())
    }

    /// The live sessions of an account, most recent first.
    pub async fn account_sessions(&self, account_id: i64) -> StoreResult<Vec<Session>> {
        Ok(sqlx::query_as::<_, Session>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM web_session WHERE account_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC"
        )))
        .bind(account_id)
        .bind(time::now_micros())
        .fetch_all(self.pool())
        .await?)
    }
}
