//! Logins in flight with an OpenID Connect provider (the national e-ID): the state,
//! PKCE verifier and nonce of each authorization request, kept until the provider
//! sends the person back. Only the state's SHA-256 is stored; a login can be taken
//! once, by the browser session that started it, before it expires.

use sha2::{Digest, Sha256};

use crate::{Db, StoreResult, time};

/// An authorization request waiting for its answer.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OidcLogin {
    pub verifier: String,
    pub nonce: String,
    /// Where to go after signing in (a local path).
    pub next: String,
    /// The SHA-256 of the session that started it.
    pub session_hash: String,
    pub expires_at: i64,
}

fn hash(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

impl Db {
    /// Records an authorization request under its `state`; clears expired ones.
    pub async fn save_oidc_login(&self, state: &str, login: &OidcLogin) -> StoreResult<()> {
        let now = time::now_micros();
        sqlx::query("DELETE FROM oidc_login WHERE expires_at < $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        sqlx::query(
            "INSERT INTO oidc_login (state_hash, verifier, nonce, next, session_hash, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(hash(state))
        .bind(&login.verifier)
        .bind(&login.nonce)
        .bind(&login.next)
        .bind(&login.session_hash)
        .bind(login.expires_at)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Takes (and removes) the request of `state`, if it exists and has not expired.
    pub async fn take_oidc_login(&self, state: &str) -> StoreResult<Option<OidcLogin>> {
        let login = sqlx::query_as::<_, OidcLogin>(
            "DELETE FROM oidc_login WHERE state_hash = $1 \
             RETURNING verifier, nonce, next, session_hash, expires_at",
        )
        .bind(hash(state))
        .fetch_optional(self.pool())
        .await?;
        Ok(login.filter(|l| l.expires_at > time::now_micros()))
    }
}
