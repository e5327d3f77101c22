//! The security log for system administrators: sign-ins, failures, lock-outs, second
//! factors and sign-outs, newest first.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use crate::pages::Layout;
use crate::{AppError, AppState};

/// Events shown on the page.
const LIMIT: i64 = 200;

struct EventView {
    at: String,
    who: String,
    what: &'static str,
    ip: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin/security_log.html")]
struct SecurityLogPage {
    layout: Layout,
    events: Vec<EventView>,
    /// Accounts whose owners asked for deletion: `(name, when)`.
    deletions: Vec<(String, String)>,
}

fn label(kind: &str) -> &'static str {
    match kind {
        "sign_in" => "Đăng nhập",
        "sign_in_failure" => "Đăng nhập sai",
        "lockout" => "Tạm khóa đăng nhập",
        "second_factor" => "Xác thực hai lớp",
        "second_factor_failure" => "Mã xác thực sai",
        "second_factor_enrolled" => "Bật xác thực hai lớp",
        "sign_out" => "Đăng xuất",
        "sign_out_everywhere" => "Đăng xuất mọi thiết bị",
        "assisted_setup" => "Cấp mã thiết lập tại quầy",
        "password_set" => "Đặt mật khẩu",
        "password_reset" => "Đặt lại mật khẩu",
        "account_opened" => "Mở tài khoản",
        "identity_linked" => "Liên kết định danh điện tử",
        "role_granted" => "Giao vai trò",
        "role_revoked" => "Thu hồi vai trò",
        "token_created" => "Tạo khóa API",
        "token_revoked" => "Thu hồi khóa API",
        "profile_updated" => "Cập nhật hồ sơ cá nhân",
        "deletion_requested" => "Yêu cầu xóa tài khoản",
        "deletion_withdrawn" => "Rút yêu cầu xóa tài khoản",
        _ => "Sự kiện khác",
    }
}

/// `GET /quan-tri/nhat-ky-bao-mat`.
pub async fn show(State(state): State<AppState>) -> Result<Response, AppError> {
    let db = &state.store().db;
    let mut events = Vec::new();
    for event in db.security_events(None, LIMIT).await? {
        let who = match event.account_id {
            Some(id) => match db.account(id).await? {
                Some(account) => account
                    .email
                    .or(account.citizen_id)
                    .map_or(account.full_name.clone(), |identifier| {
                        format!("{} ({identifier})", account.full_name)
                    }),
                None => format!("#{id}"),
            },
            None => "Không xác định".into(),
        };
        events.push(EventView {
            at: super::local_time(event.at, "%H:%M:%S %d/%m/%Y"),
            who,
            what: label(&event.kind),
            ip: event.ip,
            detail: event.detail,
        });
    }
    let deletions = db
        .deletion_requests()
        .await?
        .into_iter()
        .map(|(id, name, at)| (format!("{name} (#{id})"), super::local_time(at, "%d/%m/%Y")))
        .collect();
    let html = SecurityLogPage {
        layout: Layout::new("Nhật ký bảo mật"),
        events,
        deletions,
    }
    .render()
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}
