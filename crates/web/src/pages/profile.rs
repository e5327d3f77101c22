//! `/tai-khoan/ho-so`: personal data with what has been verified, the linked ways to
//! sign in, the contact address and notification preferences, and the request to
//! delete the account.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, local_time, respond};
use crate::auth::CurrentSession;
use crate::pages::account::client_ip;
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "account/profile.html")]
struct ProfilePage {
    layout: Layout,
    csrf: String,
    notice: Option<String>,
    name: String,
    /// `(label, value, verification)`.
    identifiers: Vec<(&'static str, String, String)>,
    methods: Vec<String>,
    address: String,
    address_error: Option<String>,
    notify_by_email: bool,
    notify_by_sms: bool,
    deletion_requested: Option<String>,
    deletion_error: Option<String>,
}

fn date(micros: i64) -> String {
    local_time(micros, "%d/%m/%Y")
}

async fn page(state: &AppState, current: &CurrentSession) -> Result<ProfilePage, AppError> {
    let principal = current.signed_in()?;
    let account = &principal.account;
    let db = &state.store().db;
    let verification = db.verification(account.id).await?;
    let profile = db.profile(account.id).await?;
    let verified = |at: Option<i64>| match at {
        Some(at) => format!("(đã xác nhận {})", date(at)),
        None => "(chưa xác nhận)".to_string(),
    };
    let mut identifiers = Vec::new();
    if let Some(id) = &account.citizen_id {
        let checked = match verification.identity_checked_at {
            Some(at) => format!("(danh tính đã xác minh {})", date(at)),
            None => "(danh tính chưa xác minh)".into(),
        };
        identifiers.push(("Số căn cước", id.clone(), checked));
    }
    if let Some(tax) = &account.tax_code {
        identifiers.push(("Mã số thuế", tax.clone(), String::new()));
    }
    if let Some(email) = &account.email {
        identifiers.push((
            "E-mail",
            email.clone(),
            verified(verification.email_verified_at),
        ));
    }
    if let Some(phone) = &account.phone {
        let shown = phone
            .parse::<motcua_domain::validate::PhoneNumber>()
            .map(|p| p.national().to_string())
            .unwrap_or_else(|_| phone.clone());
        identifiers.push((
            "Số điện thoại",
            shown,
            verified(verification.phone_verified_at),
        ));
    }
    let mut methods = Vec::new();
    if verification.has_password {
        methods.push("Mật khẩu".to_string());
    }
    if verification.phone_verified_at.is_some() {
        methods.push("Mã gửi qua tin nhắn tới số điện thoại đã xác nhận".into());
    }
    for (provider, since) in db.identities_of(account.id).await? {
        methods.push(format!(
            "Định danh điện tử ({provider}), liên kết từ {}",
            date(since)
        ));
    }
    if let Some(factor) = db.second_factor(account.id).await?
        && let Some(at) = factor.confirmed_at
    {
        methods.push(format!("Xác thực hai bước bằng ứng dụng, từ {}", date(at)));
    }
    if methods.is_empty() {
        methods.push("Chưa có. Hãy đặt mật khẩu bằng mã thiết lập từ Bộ phận Một cửa.".into());
    }
    Ok(ProfilePage {
        layout: Layout::new("Hồ sơ cá nhân"),
        csrf: current.session.csrf_token.clone(),
        notice: None,
        name: account.full_name.clone(),
        identifiers,
        methods,
        address: profile.address.unwrap_or_default(),
        address_error: None,
        notify_by_email: profile.notify_by_email,
        notify_by_sms: profile.notify_by_sms,
        deletion_requested: profile
            .deletion_requested_at
            .map(|at| local_time(at, "%H:%M %d/%m/%Y")),
        deletion_error: None,
    })
}

/// `GET /tai-khoan/ho-so`.
pub async fn show(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
) -> Result<Response, AppError> {
    respond(page(&state, &current).await?, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    dia_chi: String,
    bao_email: Option<String>,
    bao_sms: Option<String>,
}

/// `POST /tai-khoan/ho-so`: address and notification preferences.
pub async fn save(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<ProfileForm>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let address = form
        .dia_chi
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let (by_email, by_sms) = (form.bao_email.is_some(), form.bao_sms.is_some());
    if address.chars().count() > 300 {
        let mut view = page(&state, &current).await?;
        view.address = address;
        view.notify_by_email = by_email;
        view.notify_by_sms = by_sms;
        view.address_error = Some("Địa chỉ dài quá 300 ký tự".into());
        return respond(view, StatusCode::UNPROCESSABLE_ENTITY, None);
    }
    let db = &state.store().db;
    db.update_profile(
        principal.account.id,
        Some(address.as_str()).filter(|a| !a.is_empty()),
        by_email,
        by_sms,
    )
    .await?;
    db.record_security_event(
        Some(principal.account.id),
        "profile_updated",
        &client_ip(&addr),
        "",
    )
    .await?;
    let mut view = page(&state, &current).await?;
    view.notice = Some("Đã lưu.".into());
    respond(view, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct DeletionForm {
    #[serde(default)]
    xoa: String,
    dong_y: Option<String>,
}

/// `POST /tai-khoan/yeu-cau-xoa`: asks for (`xoa=1`, with `dong_y`) or withdraws
/// (`xoa=0`) the deletion of the account.
pub async fn deletion(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<DeletionForm>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let request = form.xoa == "1";
    if request && form.dong_y.is_none() {
        let mut view = page(&state, &current).await?;
        view.deletion_error = Some("Hãy đánh dấu ô xác nhận nếu bạn muốn xóa tài khoản".into());
        return respond(view, StatusCode::UNPROCESSABLE_ENTITY, None);
    }
    let db = &state.store().db;
    db.set_deletion_request(principal.account.id, request)
        .await?;
    db.record_security_event(
        Some(principal.account.id),
        if request {
            "deletion_requested"
        } else {
            "deletion_withdrawn"
        },
        &client_ip(&addr),
        "",
    )
    .await?;
    Ok(Redirect::to("/tai-khoan/ho-so").into_response())
}
