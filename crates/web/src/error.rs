//! The one mapping from errors to responses.
//!
//! Handlers return [`AppError`]; it becomes a bare status plus a marker, and
//! [`render`] (a middleware that knows the request) turns the marker into a Vietnamese
//! HTML page for pages or a JSON body for `/api/` routes, with the request id. Policy:
//! validation → 422 with field messages, not found → 404, forbidden → 403, conflict →
//! 409, anything else → 500, logged with the request id and never leaked.

use askama::Template;
use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use motcua_store::StoreError;
use serde::Serialize;

use crate::pages::Layout;

/// A message about one input field, in Vietnamese.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// No credentials, or credentials no longer valid (API tokens).
    #[error("unauthorized")]
    Unauthorized,
    #[error("conflict: {0}")]
    Conflict(String),
    /// A conflict explained to the person in Vietnamese (what changed, what to do):
    /// 409 with this message on the page and in the API error.
    #[error("refused: {0}")]
    Refused(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// A validation error about one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError {
            field: field.to_string(),
            message: message.into(),
        }])
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        motcua_app::Error::from(error).into()
    }
}

impl From<motcua_app::Error> for AppError {
    fn from(error: motcua_app::Error) -> Self {
        use motcua_app::Error as E;
        match error {
            E::Validation(fields) => AppError::Validation(
                fields
                    .into_iter()
                    .map(|f| FieldError {
                        field: f.field,
                        message: f.message,
                    })
                    .collect(),
            ),
            E::NotFound => AppError::NotFound,
            E::Forbidden => AppError::Forbidden,
            E::Conflict(message) => AppError::Conflict(message),
            E::Refused(message) => AppError::Refused(message),
            E::Internal(message) => AppError::Internal(message),
        }
    }
}

/// The marker left on an error response for [`render`].
#[derive(Clone, Debug)]
struct Problem {
    fields: Vec<FieldError>,
    /// A message for the person, replacing the status's generic one.
    message: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut message = None;
        let (status, fields) = match self {
            AppError::Validation(fields) => (StatusCode::UNPROCESSABLE_ENTITY, fields),
            AppError::Refused(text) => {
                tracing::info!(message = %text, "refused");
                message = Some(text);
                (StatusCode::CONFLICT, Vec::new())
            }
            AppError::NotFound => (StatusCode::NOT_FOUND, Vec::new()),
            AppError::Forbidden => (StatusCode::FORBIDDEN, Vec::new()),
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, Vec::new()),
            AppError::Conflict(message) => {
                tracing::info!(%message, "conflict");
                (StatusCode::CONFLICT, Vec::new())
            }
            AppError::Internal(message) => {
                tracing::error!(%message, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, Vec::new())
            }
        };
        let mut response = status.into_response();
        response
            .extensions_mut()
            .insert(Problem { fields, message });
        response
    }
}

/// The fallback for unknown paths.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// The answer to a panic inside a handler: a 500 like any other.
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    AppError::Internal("handler panicked".into()).into_response()
}

/// What a person reads for each status.
fn describe(status: StatusCode) -> (&'static str, &'static str, &'static str) {
    match status.as_u16() {
        404 => (
            "not_found",
            "Không tìm thấy trang",
            "Trang bạn tìm không tồn tại hoặc đã được chuyển đi.",
        ),
        401 => (
            "unauthorized",
            "Cần xác thực",
            "Thiếu khóa API, hoặc khóa đã hết hạn hay đã bị thu hồi.",
        ),
        403 => (
            "forbidden",
            "Không có quyền truy cập",
            "Tài khoản của bạn không được phép xem nội dung này.",
        ),
        409 => (
            "conflict",
            "Dữ liệu đã thay đổi",
            "Nội dung này vừa được người khác cập nhật. Vui lòng tải lại trang và thử lại.",
        ),
        503 => (
            "timeout",
            "Yêu cầu quá thời gian",
            "Máy chủ không kịp xử lý yêu cầu. Vui lòng thử lại sau ít phút.",
        ),
        400 => (
            "bad_request",
            "Địa chỉ không hợp lệ",
            "Đường dẫn hoặc tham số không đúng định dạng. Vui lòng kiểm tra lại.",
        ),
        405 => (
            "method_not_allowed",
            "Thao tác không được hỗ trợ",
            "Trang này không nhận thao tác bạn vừa gửi.",
        ),
        413 => (
            "payload_too_large",
            "Dữ liệu gửi lên quá lớn",
            "Tệp hoặc nội dung bạn gửi vượt quá dung lượng cho phép.",
        ),
        422 => (
            "validation",
            "Thông tin chưa hợp lệ",
            "Vui lòng kiểm tra lại các trường được đánh dấu.",
        ),
        _ => (
            "internal",
            "Hệ thống đang gặp sự cố",
            "Đã có lỗi ngoài ý muốn. Dữ liệu bạn đã lưu không bị mất; vui lòng thử lại sau.",
        ),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    status: u16,
    title: &'a str,
    message: &'a str,
    fields: &'a [FieldError],
    request_id: &'a str,
}

/// The body of every API error.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    error: ApiError,
}

/// An error: a stable code, a Vietnamese message, field messages (422), the request id.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiError {
    /// `validation`, `not_found`, `unauthorized`, `forbidden`, `conflict`, `timeout`, `payload_too_large`, `internal`
    code: String,
    message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<FieldError>,
    request_id: String,
}

/// Middleware: gives error responses their body (HTML page or JSON), once, here.
pub async fn render(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    // `/readyz` answers 503 with its own JSON body.
    let is_readiness = request.uri().path() == "/readyz";
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let response = next.run(request).await;
    let status = response.status();
    let problem = response.extensions().get::<Problem>().cloned();
    let problem = match problem {
        Some(problem) => problem,
        // Statuses produced by the router and the middleware (bad paths, wrong methods,
        // timeouts, body limits), which carry no marker.
        None if matches!(status.as_u16(), 400 | 405 | 413 | 503) && !is_readiness => Problem {
            fields: Vec::new(),
            message: None,
        },
        None => return response,
    };
    let (code, title, generic) = describe(status);
    let message = problem.message.as_deref().unwrap_or(generic);
    let mut rendered = if is_api {
        Json(ApiErrorBody {
            error: ApiError {
                code: code.to_string(),
                message: problem.message.clone().unwrap_or_else(|| title.to_string()),
                fields: problem.fields.clone(),
                request_id: request_id.clone(),
            },
        })
        .into_response()
    } else {
        let page = ErrorPage {
            layout: Layout::new(title),
            status: status.as_u16(),
            title,
            message,
            fields: &problem.fields,
            request_id: &request_id,
        };
        match page.render() {
            Ok(html) => Html(html).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "error page failed to render");
                title.to_string().into_response()
            }
        }
    };
    *rendered.status_mut() = status;
    // Headers the handler set for the client (the bearer challenge, Retry-After) stay.
    for name in [header::WWW_AUTHENTICATE, header::RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            rendered.headers_mut().insert(name, value.clone());
        }
    }
    if status == StatusCode::SERVICE_UNAVAILABLE || status.is_server_error() {
        rendered
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    rendered
}
