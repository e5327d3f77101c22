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
    let boundary = match request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(multipart_boundary)
    {
        Some(Err(TooLong)) => {
            tracing::warn!(path = %request.uri().path(), "multipart boundary over 70 characters");
            return AppError::field(
                "_csrf",
                "Biểu mẫu gửi lên không đúng định dạng (ranh giới multipart dài quá 70 ký tự).",
            )
            .into_response();
        }
        Some(Ok(boundary)) => boundary,
        None => None,
    };
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

/// The longest boundary RFC 2046 allows.
const MAX_BOUNDARY: usize = 70;

/// A boundary longer than [`MAX_BOUNDARY`].
#[derive(Debug, PartialEq, Eq)]
struct TooLong;

/// The boundary of a `multipart/form-data` body (none for other types); one longer
/// than RFC 2046 allows is refused, so the scan below stays cheap.
fn multipart_boundary(content_type: &str) -> Result<Option<String>, TooLong> {
    let Some((kind, params)) = content_type.split_once(';') else {
        return Ok(None);
    };
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return Ok(None);
    }
    let boundary = params.split(';').find_map(|p| {
        let (key, value) = p.trim().split_once('=')?;
        key.eq_ignore_ascii_case("boundary")
            .then(|| value.trim_matches('"').to_string())
    });
    match boundary {
        Some(b) if b.is_empty() || b.len() > MAX_BOUNDARY => Err(TooLong),
        other => Ok(other),
    }
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

/// Linear-time substring search (the boundary comes from the client).
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_found_in_a_multipart_body() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"tep\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF name=\"_csrf\"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc123\r\n--XyZ--\r\n";
        let boundary = multipart_boundary("multipart/form-data; boundary=XyZ")
            .unwrap()
            .unwrap();
        assert_eq!(
            multipart_field(body.as_bytes(), &boundary, FIELD).as_deref(),
            Some("abc123")
        );
        assert_eq!(multipart_field(body.as_bytes(), &boundary, "other"), None);
        assert_eq!(
            multipart_boundary("application/x-www-form-urlencoded"),
            Ok(None)
        );
    }

    #[test]
    fn a_boundary_longer_than_rfc_2046_allows_is_refused() {
        let longest = "b".repeat(MAX_BOUNDARY);
        let content_type = format!("multipart/form-data; boundary={longest}");
        assert_eq!(multipart_boundary(&content_type), Ok(Some(longest)));
        let content_type = format!("multipart/form-data; boundary=\"{}\"", "b".repeat(71));
        assert_eq!(multipart_boundary(&content_type), Err(TooLong));
        let content_type = format!("multipart/form-data; boundary={}", "b".repeat(100_000));
        assert_eq!(multipart_boundary(&content_type), Err(TooLong));
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary="),
            Err(TooLong)
        );
    }

    /// The longest boundary over a 16 MB body that almost matches everywhere: a
    /// window-by-window scan compares about a billion bytes; the linear one does not.
    #[test]
    fn a_worst_case_body_is_scanned_in_linear_time() {
        let boundary = format!("{}b", "a".repeat(MAX_BOUNDARY - 1));
        let mut body = b"--".to_vec();
        body.extend_from_slice(boundary.as_bytes());
        body.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"tep\"\r\n\r\n");
        body.extend(std::iter::repeat_n(b'a', 16 * 1024 * 1024));
        let started = std::time::Instant::now();
        assert_eq!(multipart_field(&body, &boundary, FIELD), None);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
    }
}
