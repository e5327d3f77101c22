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
    let boundary = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(multipart_boundary);
    let (parts, body) = request.into_parts();
    // Uploads are bounded by the application's body limit, applied before this.
    let limit = if boundary.is_some() {
        usize::MAX
    } else {
        MAX_FORM_BYTES
    };
    let bytes = match to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => return AppError::Forbidden.into_response(),
    };
    let from_form = match &boundary {
        Some(boundary) => multipart_field(&bytes, boundary, FIELD),
        None => url::form_urlencoded::parse(&bytes)
            .find(|(name, _)| name == FIELD)
            .map(|(_, value)| value.into_owned()),
    };
    let given = from_header.or(from_form).unwrap_or_default();
    if !same(&given, &expected) {
        tracing::warn!(path = %parts.uri.path(), "CSRF token missing or wrong");
        return AppError::Forbidden.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The boundary of a `multipart/form-data` body.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (key, value) = p.trim().split_once('=')?;
        key.eq_ignore_ascii_case("boundary")
            .then(|| value.trim_matches('"').to_string())
    })
}

/// The value of a small text field of a multipart body (the CSRF token).
fn multipart_field(body: &[u8], boundary: &str, name: &str) -> Option<String> {
    let delimiter = format!("--{boundary}");
    let wanted = format!("name=\"{name}\"");
    let text = body;
    let mut rest = text;
    while let Some(start) = find(rest, delimiter.as_bytes()) {
        rest = &rest[start + delimiter.len()..];
        let headers_end = find(rest, b"\r\n\r\n")?;
        let headers = std::str::from_utf8(&rest[..headers_end]).ok()?;
        let content = &rest[headers_end + 4..];
        let end = find(content, format!("\r\n{delimiter}").as_bytes())?;
        let is_wanted = headers.lines().any(|line| {
            line.to_ascii_lowercase().starts_with("content-disposition")
                && line.split(';').any(|p| p.trim() == wanted)
        });
        if is_wanted {
            return std::str::from_utf8(&content[..end])
                .ok()
                .map(str::to_string);
        }
        rest = &content[end..];
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_found_in_a_multipart_body() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"tep\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF name=\"_csrf\"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc123\r\n--XyZ--\r\n";
        let boundary = multipart_boundary("multipart/form-data; boundary=XyZ").unwrap();
        assert_eq!(
            multipart_field(body.as_bytes(), &boundary, FIELD).as_deref(),
            Some("abc123")
        );
        assert_eq!(multipart_field(body.as_bytes(), &boundary, "other"), None);
        assert!(multipart_boundary("application/x-www-form-urlencoded").is_none());
    }
}
