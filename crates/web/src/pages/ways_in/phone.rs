//! Signing in with a code sent by SMS to the account's verified phone number. The
//! answer never says whether a number has an account.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use motcua_domain::validate::PhoneNumber;
use motcua_store::codes::{self, CodeRejection, Purpose};
use serde::Deserialize;

use super::{SMS_CODE_TTL, Undelivered, issue_and_send, refusal_message, rejection_message};
use crate::auth::CurrentSession;
use crate::notify::{ChannelKind, Message};
use crate::pages::account::{client_ip, form_session, sign_in_as};
use crate::pages::{Layout, respond};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "account/phone.html")]
struct PhonePage {
    layout: Layout,
    csrf: String,
    phone: String,
    /// The code step is shown once a code was asked for.
    code_step: bool,
    notice: Option<String>,
    phone_error: Option<String>,
    code_error: Option<String>,
}

impl PhonePage {
    fn new(csrf: String) -> Self {
        Self {
            layout: Layout::new("Đăng nhập bằng mã qua tin nhắn"),
            csrf,
            phone: String::new(),
            code_step: false,
            notice: None,
            phone_error: None,
            code_error: None,
        }
    }
}

/// `GET /dang-nhap/qua-tin-nhan`.
pub async fn form(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    current: Option<axum::Extension<CurrentSession>>,
) -> Result<Response, AppError> {
    let (csrf, cookie) = form_session(&state, &addr, &headers, current.as_deref()).await?;
    respond(PhonePage::new(csrf), StatusCode::OK, cookie)
}

#[derive(Deserialize)]
pub struct PhoneForm {
    #[serde(default)]
    so_dien_thoai: String,
    #[serde(default)]
    ma: String,
}

/// `POST /dang-nhap/qua-tin-nhan`: sends a code if the number belongs to an account.
pub async fn send(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<PhoneForm>,
) -> Result<Response, AppError> {
    let mut page = PhonePage::new(current.session.csrf_token.clone());
    page.phone = form.so_dien_thoai.trim().to_string();
    let phone = match form.so_dien_thoai.parse::<PhoneNumber>() {
        Ok(phone) => phone,
        Err(e) => {
            page.phone_error = Some(e.to_string());
            return respond(page, StatusCode::UNPROCESSABLE_ENTITY, None);
        }
    };
    let db = &state.store().db;
    page.code_step = true;
    page.phone = phone.national().to_string();
    // The same answer whether the number has an account or not: a number without one
    // gets a code that is never sent, so the resend and hourly limits refuse it
    // exactly as they would a real one, and a channel failure looks like success
    // (logged; the notice says what to do if no message comes).
    let account = db.account_by_verified_phone(&phone.e164()).await?;
    let code = codes::random_digits();
    let issued = match &account {
        Some(account) => {
            let message = Message {
                to: phone.e164(),
                subject: String::new(),
                body: format!(
                    "motcua: ma dang nhap cua ban la {code}, hieu luc 5 phut. Khong dua ma nay cho bat ky ai, ke ca can bo."
                ),
            };
            issue_and_send(
                &state,
                ChannelKind::Sms,
                Purpose::PhoneSignIn,
                account.id,
                &code,
                SMS_CODE_TTL,
                &message,
            )
            .await?
        }
        None => db
            .issue_code(
                Purpose::PhoneSignIn,
                &phone.e164(),
                None,
                &code,
                SMS_CODE_TTL,
            )
            .await?
            .map_err(Undelivered::Refused),
    };
    match issued {
        Ok(()) => {}
        Err(Undelivered::NotSent) => {
            tracing::warn!("sign-in code not sent: the SMS channel refused it");
        }
        Err(Undelivered::Refused(refusal)) => {
            page.notice = Some(refusal_message(refusal));
            return respond(page, StatusCode::TOO_MANY_REQUESTS, None);
        }
    }
    page.notice = Some(format!(
        "Nếu số {} đã gắn với một tài khoản và đã được xác nhận, một mã gồm 6 chữ số vừa được gửi tới số đó. Mã có hiệu lực 5 phút. Nếu sau 2 phút không có tin nhắn, hãy đăng nhập bằng mật khẩu hoặc nhờ Bộ phận Một cửa hỗ trợ.",
        phone.national()
    ));
    respond(page, StatusCode::OK, None)
}

/// `POST /dang-nhap/qua-tin-nhan/xac-nhan`: the code; signs in.
pub async fn verify(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<PhoneForm>,
) -> Result<Response, AppError> {
    let mut page = PhonePage::new(current.session.csrf_token.clone());
    page.code_step = true;
    page.phone = form.so_dien_thoai.trim().to_string();
    let Ok(phone) = form.so_dien_thoai.parse::<PhoneNumber>() else {
        page.code_step = false;
        page.phone_error = Some("Số điện thoại không hợp lệ".into());
        return respond(page, StatusCode::UNPROCESSABLE_ENTITY, None);
    };
    let db = &state.store().db;
    let ip = client_ip(&addr);
    match db
        .consume_code(Purpose::PhoneSignIn, &phone.e164(), form.ma.trim())
        .await?
    {
        Ok(Some(account_id)) => {
            let Some(account) = db.account(account_id).await? else {
                return Err(AppError::NotFound);
            };
            sign_in_as(
                &state,
                Some(&current),
                &account,
                &ip,
                &headers,
                "sms_code",
                "/tai-khoan".into(),
            )
            .await
        }
        // A code kept for a number without an account (never sent): as if wrong.
        Ok(None) => {
            db.record_security_event(None, "sign_in_failure", &ip, "sms code")
                .await?;
            page.code_error = Some(rejection_message(CodeRejection::Unknown));
            respond(page, StatusCode::UNAUTHORIZED, None)
        }
        Err(rejection) => {
            db.record_security_event(None, "sign_in_failure", &ip, "sms code")
                .await?;
            page.code_error = Some(rejection_message(rejection));
            respond(page, StatusCode::UNAUTHORIZED, None)
        }
    }
}
