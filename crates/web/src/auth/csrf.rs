//! CSRF protection for every state-changing form: the form's `_csrf` field (or the
//! `x-csrf-token` header) must equal the token of the visitor's session. Checked once,
//! in a middleware, so no form can forget it. The API does not use cookies (it takes
//! bearer tokens) and is not concerned.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::session::CurrentSession;
use crate::AppError;

/// The form field carrying the token.
pub const FIELD: &str = "_csrf";

/// Largest form read for the check (uploads will send the header instead).
const MAX_FORM_BYTES: usize = 1024 * 1024;

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Middleware: refuses a state-changing page request without the session's token.
pub async fn check(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let Some(expected) = request
        .extensions()
        .get::<CurrentSession>()
        .map(|s| s.session.csrf_token.clone())
    else {
        tracing::warn!(path = %request.uri().path(), "form posted without a session");
        return AppError::Forbidden.into_response();
    };
    let from_header = request
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return AppError::Forbidden.into_response(),
    };
    let from_form = url::form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == FIELD)
        .map(|(_, value)| value.into_owned());
    let given = from_header.or(from_form).unwrap_or_default();
    if !same(&given, &expected) {
        tracing::warn!(path = %parts.uri.path(), "CSRF token missing or wrong");
        return AppError::Forbidden.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
