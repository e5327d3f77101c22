//! The JSON API under `/api/v1`, described by the OpenAPI document it serves at
//! `/api/v1/openapi.json`.

pub mod calendar;
pub mod desk;
pub mod dossiers;
pub mod me;
pub mod places;
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
        description = "Dịch vụ công trực tuyến và một cửa điện tử: danh mục thủ tục, lịch làm việc, thời hạn giải quyết, nộp hồ sơ trực tuyến, xử lý hồ sơ tại cơ quan.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        procedures::list,
        procedures::suggest,
        procedures::export,
        procedures::detail,
        calendar::holidays,
        calendar::lunar,
        calendar::due,
        me::me,
        places::communes,
        dossiers::create_draft,
        dossiers::get_draft,
        dossiers::save_step,
        dossiers::attach,
        dossiers::submit,
        dossiers::list,
        dossiers::detail,
        desk::queue,
        desk::detail,
        desk::perform,
        desk::note,
        desk::add_result,
        desk::form
    ),
    modifiers(&BearerToken),
    components(schemas(ApiErrorBody, ApiError, FieldError))
)]
pub struct ApiDoc;

/// Declares the `api_token` security scheme (`Authorization: Bearer mct_…`).
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "Khóa API tạo tại trang Tài khoản › Khóa API; gửi dạng `Authorization: Bearer mct_…`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
