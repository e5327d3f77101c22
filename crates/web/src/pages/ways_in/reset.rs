//! Password reset by a link sent to the verified e-mail or a code sent to the
//! verified phone. The answer to a request is the same whether or not an account
//! exists (and whether or not a code was actually sent), so the form cannot be used to
//! find out who has an account. A new password ends every session of the account.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use motcua_domain::validate::{Email, PhoneNumber};
use motcua_store::accounts::Account;
use motcua_store::codes::{self, CodeRejection, Purpose};
use motcua_store::sessions::random_token;
use serde::Deserialize;

use super::email::base_url;
use super::{field_error, issue_and_send, password_problem, push, rejection_message};
use crate::auth::CurrentSession;
use crate::notify::{ChannelKind, Message};
use crate::pages::account::{client_ip, form_session};
use crate::pages::{Layout, respond};
use crate::{AppError, AppState, FieldError};

const LINK_TTL: i64 = 3600;
const CODE_TTL: i64 = 15 * 60;

#[derive(Template)]
#[template(path = "account/reset.html")]
struct ResetPage {
    layout: Layout,
    csrf: String,
    /// `ask`, `code` (a code went to a phone), `link` (from the e-mail) or `done`.
    step: &'static str,
    identifier: String,
    code: String,
    notice: Option<String>,
    message: Option<String>,
    fields: Vec<FieldError>,
}

impl ResetPage {
    fn new(csrf: String, step: &'static str) -> Self {
        Self {
            layout: Layout::new("Đặt lại mật khẩu"),
            csrf,
            step,
            identifier: String::new(),
            code: String::new(),
            notice: None,
            message: None,
            fields: Vec::new(),
        }
    }

    fn error_of(&self, field: &str) -> Option<&str> {
        field_error(&self.fields, field)
    }
}

/// `GET /quen-mat-khau`.
pub async fn form(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    current: Option<axum::Extension<CurrentSession>>,
) -> Result<Response, AppError> {
    let (csrf, cookie) = form_session(&state, &addr, &headers, current.as_deref()).await?;
    respond(ResetPage::new(csrf, "ask"), StatusCode::OK, cookie)
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    dinh_danh: String,
    #[serde(default)]
    ma: String,
    #[serde(default)]
    mat_khau: String,
}

/// `POST /quen-mat-khau`: sends a link or a code if the contact belongs to an account.
pub async fn send(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<ResetForm>,
) -> Result<Response, AppError> {
    let csrf = current.session.csrf_token.clone();
    let text = form.dinh_danh.trim();
    let db = &state.store().db;
    if let Ok(phone) = text.parse::<PhoneNumber>() {
        if let Some(account) = db.account_by_verified_phone(&phone.e164()).await? {
            let code = codes::random_digits();
            let message = Message {
                to: phone.e164(),
                subject: String::new(),
                body: format!(
                    "motcua: ma dat lai mat khau cua ban la {code}, hieu luc 15 phut. Neu ban khong yeu cau, hay bo qua tin nay."
                ),
            };
            send_quietly(
                &state,
                ChannelKind::Sms,
                &account,
                &code,
                CODE_TTL,
                &message,
            )
            .await?;
        }
        let mut page = ResetPage::new(csrf, "code");
        page.identifier = phone.national().to_string();
        page.notice = Some(format!(
            "Nếu số {} là số đã xác nhận của một tài khoản, một mã gồm 6 chữ số vừa được gửi tới số đó (hiệu lực 15 phút).",
            phone.national()
        ));
        return respond(page, StatusCode::OK, None);
    }
    match text.parse::<Email>() {
        Ok(email) => {
            if let Some(account) = db.account_by_email(email.as_str()).await?
                && db
                    .verification(account.id)
                    .await?
                    .email_verified_at
                    .is_some()
            {
                let token = random_token();
                let link = format!("{}/dat-lai-mat-khau?ma={token}", base_url(&state, &headers));
                let message = Message {
                    to: email.as_str().into(),
                    subject: "Đặt lại mật khẩu tài khoản dịch vụ công".into(),
                    body: format!(
                        "Chào {},\n\nBấm vào liên kết sau để đặt mật khẩu mới (hiệu lực 1 giờ):\n{link}\n\nNếu bạn không yêu cầu, hãy bỏ qua thư này: mật khẩu cũ vẫn dùng được.",
                        account.full_name
                    ),
                };
                send_quietly(
                    &state,
                    ChannelKind::Email,
                    &account,
                    &token,
                    LINK_TTL,
                    &message,
                )
                .await?;
            }
            let mut page = ResetPage::new(csrf, "sent");
            page.notice = Some(format!(
                "Nếu {} là e-mail đã xác nhận của một tài khoản, thư hướng dẫn đặt lại mật khẩu vừa được gửi tới đó (liên kết có hiệu lực 1 giờ). Hãy kiểm tra cả thư mục thư rác.",
                email.as_str()
            ));
            respond(page, StatusCode::OK, None)
        }
        Err(_) => {
            let mut page = ResetPage::new(csrf, "ask");
            page.identifier = text.to_string();
            push(
                &mut page.fields,
                "dinh_danh",
                "Nhập e-mail (ví dụ ten@example.com) hoặc số điện thoại di động (ví dụ 0912 345 678)",
            );
            respond(page, StatusCode::UNPROCESSABLE_ENTITY, None)
        }
    }
}

/// Issues and sends a reset code; a refusal (sent too recently) or a channel failure
/// is logged but not shown, since showing it would tell that the account exists.
async fn send_quietly(
    state: &AppState,
    kind: ChannelKind,
    account: &Account,
    code: &str,
    ttl: i64,
    message: &Message,
) -> Result<(), AppError> {
    let outcome = issue_and_send(
        state,
        kind,
        Purpose::PasswordReset,
        account.id,
        code,
        ttl,
        message,
    )
    .await?;
    if let Err(undelivered) = outcome {
        tracing::warn!(
            account = account.id,
            ?undelivered,
            "password reset not sent"
        );
    }
    Ok(())
}

#[derive(Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    ma: String,
}

/// `GET /dat-lai-mat-khau?ma=…`: the link from the e-mail; asks for the new password
/// (the link is used only when the form is sent, so mail scanners cannot spend it).
pub async fn link_form(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    current: Option<axum::Extension<CurrentSession>>,
    Query(query): Query<LinkQuery>,
) -> Result<Response, AppError> {
    let (csrf, cookie) = form_session(&state, &addr, &headers, current.as_deref()).await?;
    let mut page = ResetPage::new(csrf, "link");
    page.code = query.ma.trim().to_string();
    respond(page, StatusCode::OK, cookie)
}

/// `POST /dat-lai-mat-khau`: checks the code or link and sets the new password.
pub async fn reset(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<ResetForm>,
) -> Result<Response, AppError> {
    let by_phone = !form.dinh_danh.trim().is_empty();
    let mut page = ResetPage::new(
        current.session.csrf_token.clone(),
        if by_phone { "code" } else { "link" },
    );
    page.identifier = form.dinh_danh.trim().to_string();
    page.code = form.ma.trim().to_string();
    if let Some(problem) = password_problem(&form.mat_khau) {
        push(&mut page.fields, "mat_khau", problem);
        return respond(page, StatusCode::UNPROCESSABLE_ENTITY, None);
    }
    let db = &state.store().db;
    let consumed = if by_phone {
        match form.dinh_danh.parse::<PhoneNumber>() {
            Ok(phone) => db
                .consume_code(Purpose::PasswordReset, &phone.e164(), form.ma.trim())
                .await?
                .map(|account| (account, true)),
            Err(_) => Err(CodeRejection::Unknown),
        }
    } else {
        db.consume_token(Purpose::PasswordReset, form.ma.trim())
            .await?
            .map(|(_, account)| (account, false))
    };
    let (account_id, by_phone) = match consumed {
        Ok((Some(account_id), by_phone)) => (account_id, by_phone),
        Ok((None, _)) => return Err(AppError::Internal("reset code without an account".into())),
        Err(rejection) => {
            let message = rejection_message(rejection);
            db.record_security_event(
                None,
                "sign_in_failure",
                &client_ip(&addr),
                "password reset code",
            )
            .await?;
            if by_phone {
                page.code.clear();
                push(&mut page.fields, "ma", message);
            } else {
                page.step = "ask";
                page.message = Some(format!(
                    "Liên kết không dùng được: {} Bạn có thể xin liên kết mới ở đây.",
                    message.to_lowercase()
                ));
            }
            return respond(page, StatusCode::UNAUTHORIZED, None);
        }
    };
    db.set_password(account_id, &form.mat_khau).await?;
    // The contact that received the code is proven; whoever held the old password or
    // a session is shut out.
    if by_phone {
        db.mark_phone_verified(account_id).await?;
    } else {
        db.mark_email_verified(account_id).await?;
    }
    let (ended, revoked) = db.end_sessions_and_tokens(account_id).await?;
    db.record_security_event(
        Some(account_id),
        "password_reset",
        &client_ip(&addr),
        &format!(
            "{} ({ended} phiên đã kết thúc, {revoked} khóa API thu hồi)",
            if by_phone { "SMS" } else { "e-mail" }
        ),
    )
    .await?;
    let mut done = ResetPage::new(String::new(), "done");
    done.notice = Some(
        "Đã đặt mật khẩu mới. Mọi phiên đăng nhập cũ và khóa API của tài khoản đã hết hiệu lực."
            .into(),
    );
    // When the visitor was signed in to this very account, their session ended too.
    let ended_here = current.session.account_id == Some(account_id);
    let cookie =
        ended_here.then(|| crate::auth::session::set_cookie(None, state.config().secure_cookies));
    respond(done, StatusCode::OK, cookie)
}
