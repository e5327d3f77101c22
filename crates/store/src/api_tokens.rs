//! API tokens for integrations: a random secret shown once, stored as its SHA-256,
//! limited to named scopes, expiring, and revocable by its owner.

use sha2::{Digest, Sha256};

use crate::{Db, StoreResult, sessions, time};

/// What a token may do.
pub const SCOPES: &[(&str, &str)] = &[
    ("account:read", "Đọc thông tin tài khoản"),
    ("dossiers:read", "Đọc hồ sơ trong phạm vi của tài khoản"),
    ("dossiers:write", "Nộp và cập nhật hồ sơ thay tài khoản"),
    ("desk:read", "Cán bộ: xem hồ sơ của cơ quan"),
    ("desk:write", "Cán bộ: xử lý hồ sơ của cơ quan"),
];

/// Every token starts with this, so leaked tokens are easy to find in code and logs.
pub const TOKEN_PREFIX: &str = "mct_";

/// A token as stored (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    /// The first characters of the secret, to tell tokens apart.
    pub prefix: String,
    /// Space-separated scopes.
    pub scopes: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

impl ApiToken {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.split(' ').any(|s| s == scope)
    }

    /// Neither revoked nor expired at `now`.
    pub fn is_live(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// Why a presented token is not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenRejection {
    Unknown,
    Expired,
    Revoked,
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

const COLUMNS: &str =
    "id, account_id, name, prefix, scopes, created_at, expires_at, revoked_at, last_used_at";

impl Db {
    /// Creates a token; returns its secret (shown to the owner once) and the record.
    /// `scopes` must be known scopes (checked by the caller).
    pub async fn create_api_token(
        &self,
        account_id: i64,
        name: &str,
        scopes: &[&str],
        ttl_micros: i64,
    ) -> StoreResult<(String, ApiToken)> {
        let secret = format!("{TOKEN_PREFIX}{}", sessions::random_token());
        let now = time::now_micros();
        let token = sqlx::query_as::<_, ApiToken>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO api_token (account_id, name, token_hash, prefix, scopes, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
        )))
        .bind(account_id)
        .bind(name)
        .bind(hash(&secret))
        .bind(&secret[..TOKEN_PREFIX.len() + 8])
        .bind(scopes.join(" "))
        .bind(now)
        .bind(now + ttl_micros)
        .fetch_one(self.pool())
        .await?;
        Ok((secret, token))
    }

    /// The tokens of an account, newest first.
    pub async fn api_tokens_of(&self, account_id: i64) -> StoreResult<Vec<ApiToken>> {
        Ok(sqlx::query_as::<_, ApiToken>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM api_token WHERE account_id = $1 ORDER BY id DESC"
        )))
        .bind(account_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Revokes every live token of an account; returns how many.
    pub async fn revoke_account_api_tokens(&self, account_id: i64) -> StoreResult<u64> {
        Ok(sqlx::query(
            "UPDATE api_token SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
        )
        .bind(time::now_micros())
        .bind(account_id)
        .execute(self.pool())
        .await?
        .rows_affected())
    }

    /// Shuts out whoever holds a session or an API token of the account (after a new
    /// password, "sign out everywhere", a set-up code or an e-ID reclaim): returns how
    /// many sessions ended and how many tokens were revoked.
    pub async fn end_sessions_and_tokens(&self, account_id: i64) -> StoreResult<(u64, u64)> {
        let sessions = self.delete_account_sessions(account_id).await?;
        let tokens = self.revoke_account_api_tokens(account_id).await?;
        Ok((sessions, tokens))
    }

    /// Revokes a token of `account_id`; returns it if it was live until now.
    pub async fn revoke_api_token(
        &self,
        account_id: i64,
        token_id: i64,
    ) -> StoreResult<Option<ApiToken>> {
        Ok(sqlx::query_as::<_, ApiToken>(sqlx::AssertSqlSafe(format!(
            "UPDATE api_token SET revoked_at = $1 \
             WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL RETURNING {COLUMNS}"
        )))
        .bind(time::now_micros())
        .bind(token_id)
        .bind(account_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The live token with this secret, noting its use.
    pub async fn authenticate_api_token(
        &self,
        secret: &str,
    ) -> StoreResult<Result<ApiToken, TokenRejection>> {
        let Some(token) = sqlx::query_as::<_, ApiToken>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM api_token WHERE token_hash = $1"
        )))
        .bind(hash(secret.trim()))
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(Err(TokenRejection::Unknown));
        };
        let now = time::now_micros();
        if token.revoked_at.is_some() {
            return Ok(Err(TokenRejection::Revoked));
        }
        if token.expires_at <= now {
            return Ok(Err(TokenRejection::Expired));
        }
        // Noted at most once a minute: a busy integration does not write on every call.
        if token.last_used_at.is_none_or(|at| now - at > 60_000_000) {
            sqlx::query("UPDATE api_token SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(token.id)
                .execute(self.pool())
                .await?;
        }
        Ok(Ok(token))
    }
}
