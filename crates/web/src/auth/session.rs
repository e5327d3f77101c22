//! Sessions: the `motcua_sid` cookie names a row of `web_session`. A visitor gets a
//! session (without an account) when a form needs a CSRF token; signing in replaces it
//! with a new one, so a session id planted before sign-in is worthless after.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use motcua_app::access::Actor;
use motcua_store::accounts::Account;
use motcua_store::sessions::Session;

use crate::AppState;

pub const COOKIE: &str = "motcua_sid";
/// A session ends after this long without activity.
pub const TTL_MICROS: i64 = 12 * 3600 * 1_000_000;
/// Activity is written back at most this often.
const TOUCH_EVERY_MICROS: i64 = 5 * 60 * 1_000_000;

/// The session of the request, put in its extensions by [`load`].
#[derive(Clone, Debug)]
pub struct CurrentSession {
    pub session: Session,
    /// The signed-in account, once every factor it needs has passed.
    pub principal: Option<Actor>,
    /// An official or administrator who gave the password but not yet the second
    /// factor: signed in for nothing else.
    pub pending_second_factor: Option<Account>,
}

impl CurrentSession {
    /// The signed-in account, or `Forbidden` (for handlers behind a signed-in policy).
    pub fn signed_in(&self) -> Result<&Actor, crate::AppError> {
        self.principal.as_ref().ok_or(crate::AppError::Forbidden)
    }
}

/// Accounts whose powers need a second factor.
pub fn needs_second_factor(account: &Account) -> bool {
    matches!(account.kind.as_str(), "official" | "admin")
}

/// The session token sent by the browser, if any.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `Set-Cookie` for a session token (or, with `None`, one that deletes it).
pub fn set_cookie(token: Option<&str>, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = match token {
        Some(token) => format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}"),
        None => format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&value)
        .unwrap_or_else(|_| HeaderValue::from_static("motcua_sid=; Max-Age=0"))
}

/// Middleware: finds the request's session and account, if any.
pub async fn load(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if let Some(token) = cookie_token(request.headers()) {
        match current(&state, &token).await {
            Ok(Some(current)) => {
                request.extensions_mut().insert(current);
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "cannot read the session"),
        }
    }
    next.run(request).await
}

async fn current(
    state: &AppState,
    token: &str,
) -> motcua_store::StoreResult<Option<CurrentSession>> {
    let db = &state.store().db;
    let Some(session) = db.session(token).await? else {
        return Ok(None);
    };
    if motcua_store::time::now_micros() - session.last_seen_at > TOUCH_EVERY_MICROS {
        db.touch_session(&session.id_hash, TTL_MICROS).await?;
    }
    let account = match session.account_id {
        Some(id) => db.account(id).await?,
        None => None,
    };
    let (principal, pending_second_factor) = match account {
        Some(account) if needs_second_factor(&account) && session.second_factor_at.is_none() => {
            (None, Some(account))
        }
        Some(account) => (
            Some(Actor {
                roles: db.roles_of(account.id).await?,
                account,
            }),
            None,
        ),
        None => (None, None),
    };
    Ok(Some(CurrentSession {
        session,
        principal,
        pending_second_factor,
    }))
}
