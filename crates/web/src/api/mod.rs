//! The JSON API under `/api/v1`, described by the OpenAPI document it serves at
//! `/api/v1/openapi.json`.

pub mod calendar;
pub mod procedures;
mod query;

use axum::Json;
use utoipa::OpenApi;

use crate::FieldError;
use crate::error::{ApiError, ApiErrorBody};

/// The OpenAPI document of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "motcua API",
        description = "Dịch vụ công trực tuyến và một cửa điện tử: danh mục thủ tục, lịch làm việc, thời hạn giải quyết.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        procedures::list,
        procedures::suggest,
        procedures::export,
        procedures::detail,
        calendar::holidays,
        calendar::lunar,
        calendar::due
    ),
    components(schemas(ApiErrorBody, ApiError, FieldError))
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
