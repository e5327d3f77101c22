//! Static assets compiled into the binary, served under a content-hashed name so
//! browsers may cache them for a year.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::AppError;

const STYLESHEET: &str = include_str!("../assets/app.css");

static STYLESHEET_PATH: LazyLock<String> = LazyLock::new(|| {
    // FNV-1a: a stable fingerprint of the content, enough to bust caches.
    let hash = STYLESHEET.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("/static/app-{:08x}.css", hash as u32)
});

/// The URL of the stylesheet, with its fingerprint.
pub fn stylesheet_path() -> &'static str {
    &STYLESHEET_PATH
}

pub async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    if format!("/static/{file}") == *STYLESHEET_PATH {
        Ok((
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            STYLESHEET,
        )
            .into_response())
    } else {
        Err(AppError::NotFound)
    }
}
