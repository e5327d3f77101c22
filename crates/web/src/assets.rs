//! Static assets compiled into the binary, served under content-fingerprinted names so
//! browsers may cache them for a year.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::AppError;

struct Asset {
    path: String,
    content: &'static str,
    content_type: &'static str,
}

/// `/static/NAME-FINGERPRINT.EXT` for the content.
fn fingerprinted(name: &str, extension: &str, content: &str) -> String {
    // FNV-1a: a stable fingerprint of the content, enough to bust caches.
    let hash = content.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("/static/{name}-{:08x}.{extension}", hash as u32)
}

static ASSETS: LazyLock<[Asset; 2]> = LazyLock::new(|| {
    let css = include_str!("../assets/app.css");
    let js = include_str!("../assets/app.js");
    [
        Asset {
            path: fingerprinted("app", "css", css),
            content: css,
            content_type: "text/css; charset=utf-8",
        },
        Asset {
            path: fingerprinted("app", "js", js),
            content: js,
            content_type: "text/javascript; charset=utf-8",
        },
    ]
});

/// The URL of the stylesheet, with its fingerprint.
pub fn stylesheet_path() -> &'static str {
    &ASSETS[0].path
}

/// The URL of the script, with its fingerprint.
pub fn script_path() -> &'static str {
    &ASSETS[1].path
}

pub async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    let path = format!("/static/{file}");
    let asset = ASSETS
        .iter()
        .find(|a| a.path == path)
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        asset.content,
    )
        .into_response())
}
