//! Registration of a citizen account, verified by a link sent to the e-mail address
//! (and, when a phone number is given and free, by an SMS code as well; a number that
//! cannot be verified does not stop the registration).

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use motcua_domain::validate::{Email, PhoneNumber};
use motcua_store::accounts::AccountInput;
use motcua_store::codes::{self, Purpose};
use motcua_store::sessions::random_token;
use serde::Deserialize;

use super::{
    EMAIL_LINK_TTL, SMS_CODE_TTL, check_person, check_phone, field_error, issue_and_send,
    password_problem, push, rejection_message,
};
use crate::auth::CurrentSession;
use crate::notify::{ChannelKind, Message};
use crate::pages::account::{client_ip, form_session, sign_in_as};
use crate::pages::{Layout, respond};
use crate::{AppError, AppState, FieldError};

#[derive(Template)]
#[template(path = "account/register.html")]
struct RegisterPage {
    layout: Layout,
    csrf: String,
    name: String,
    citizen_id: String,
    birth_year: String,
    email: String,
    phone: String,
    fields: Vec<FieldError>,
}

impl RegisterPage {
    fn error(&self, field: &str) -> Option<&str> {
        field_error(&self.fields, field)
    }
}

#[derive(Template)]
#[template(path = "account/registered.html")]
struct RegisteredPage {
    layout: Layout,
    csrf: String,
    email: Option<String>,
    /// Set when an SMS code was sent to verify the phone.
    phone: Option<String>,
    notices: Vec<String>,
    code_error: Option<String>,
}

/// `GET /dang-ky`.
pub async fn form(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    current: Option<axum::Extension<CurrentSession>>,
) -> Result<Response, AppError> {
    let (csrf, cookie) = form_session(&state, &addr, &headers, current.as_deref()).await?;
    let page = RegisterPage {
        layout: Layout::new("Đăng ký tài khoản"),
        csrf,
        name: String::new(),
        citizen_id: String::new(),
        birth_year: String::new(),
        email: String::new(),
        phone: String::new(),
        fields: Vec::new(),
    };
    respond(page, StatusCode::OK, cookie)
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    ho_ten: String,
    #[serde(default)]
    so_can_cuoc: String,
    #[serde(default)]
    nam_sinh: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    so_dien_thoai: String,
    #[serde(default)]
    mat_khau: String,
}

/// The address links in e-mails start with.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    match &state.config().public_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .filter(|h| {
                    h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
                })
                .unwrap_or("127.0.0.1:8080");
            format!("http://{host}")
        }
    }
}

/// What the registration page says when the e-mail could not be sent.
const NOT_SENT: &str = "Chưa gửi được thư xác nhận. Bạn vẫn có thể xác nhận bằng số điện thoại hoặc tại Bộ phận Một cửa.";

/// `POST /dang-ky`.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<RegisterForm>,
) -> Result<Response, AppError> {
    let db = &state.store().db;
    let mut fields = Vec::new();
    let (name, citizen_id) =
        check_person(&form.ho_ten, &form.so_can_cuoc, &form.nam_sinh, &mut fields);
    let email = match form.email.trim() {
        "" => None,
        text => match text.parse::<Email>() {
            Ok(email) => Some(email),
            Err(e) => {
                push(&mut fields, "email", e.to_string());
                None
            }
        },
    };
    let phone = check_phone(&form.so_dien_thoai, &mut fields);
    if form.email.trim().is_empty() && form.so_dien_thoai.trim().is_empty() {
        push(
            &mut fields,
            "email",
            "Nhập e-mail (hoặc số điện thoại) để nhận mã xác nhận",
        );
    }
    if let Some(problem) = password_problem(&form.mat_khau) {
        push(&mut fields, "mat_khau", problem);
    }
    let (Some(citizen_id), true) = (citizen_id, fields.is_empty()) else {
        let page = RegisterPage {
            layout: Layout::new("Đăng ký tài khoản"),
            csrf: current.session.csrf_token.clone(),
            name,
            citizen_id: form.so_can_cuoc.trim().into(),
            birth_year: form.nam_sinh.trim().into(),
            email: form.email.trim().into(),
            phone: form.so_dien_thoai.trim().into(),
            fields,
        };
        return respond(page, StatusCode::UNPROCESSABLE_ENTITY, None);
    };
    let mut page = RegisteredPage {
        layout: Layout::new("Xác nhận tài khoản"),
        csrf: current.session.csrf_token.clone(),
        email: None,
        phone: None,
        notices: Vec::new(),
        code_error: None,
    };
    // A citizen ID or an e-mail that already has an account gets the same answer as
    // a new one (the form must not tell who has an account): nothing is created, and
    // the address given is told why, so its owner knows what to do.
    let taken_id = db
        .account_by_citizen_id(citizen_id.as_str())
        .await?
        .is_some();
    let taken_email = match &email {
        Some(email) => db.account_by_email(email.as_str()).await?.is_some(),
        None => false,
    };
    if taken_id || taken_email {
        // The same work as creating the account, so timing does not tell either.
        let _ = motcua_store::password::hash(&form.mat_khau).await;
        if let Some(email) = &email {
            let base = base_url(&state, &headers);
            let why = if taken_email {
                "Địa chỉ e-mail này đã dùng cho một tài khoản dịch vụ công."
            } else {
                "Số căn cước vừa nhập đã có tài khoản dịch vụ công."
            };
            let message = Message {
                to: email.as_str().into(),
                subject: "Về yêu cầu đăng ký tài khoản dịch vụ công".into(),
                body: format!(
                    "Chào {name},\n\nVừa có yêu cầu đăng ký tài khoản với địa chỉ này. {why} Nếu là bạn, hãy đăng nhập, hoặc đặt lại mật khẩu tại {base}/quen-mat-khau. Nếu không phải bạn đã đăng ký trước đó, hãy mang thẻ căn cước tới Bộ phận Một cửa.\n\nNếu bạn không yêu cầu, hãy bỏ qua thư này."
                ),
            };
            match state.notifier().send(ChannelKind::Email, &message).await {
                Ok(()) => page.email = Some(email.as_str().into()),
                Err(_) => page.notices.push(NOT_SENT.into()),
            }
        }
        if let Some(phone) = &phone {
            page.phone = Some(phone.national().into());
        }
        tracing::info!(
            taken_id,
            taken_email,
            "registration for an existing account answered as usual"
        );
        return respond(page, StatusCode::OK, None);
    }
    let account = db
        .create_account(&AccountInput {
            kind: "citizen",
            full_name: &name,
            citizen_id: Some(citizen_id.as_str()),
            tax_code: None,
            email: email.as_ref().map(Email::as_str),
            phone: phone.as_ref().map(PhoneNumber::e164).as_deref(),
            password: Some(&form.mat_khau),
        })
        .await?;
    if let Some(email) = &email {
        let token = random_token();
        let link = format!("{}/xac-nhan-email?ma={token}", base_url(&state, &headers));
        let message = Message {
            to: email.as_str().into(),
            subject: "Xác nhận e-mail cho tài khoản dịch vụ công".into(),
            body: format!(
                "Chào {name},\n\nBấm vào liên kết sau để xác nhận e-mail và bắt đầu dùng tài khoản (hiệu lực 24 giờ):\n{link}\n\nNếu bạn không đăng ký, hãy bỏ qua thư này."
            ),
        };
        let sent = issue_and_send(
            &state,
            ChannelKind::Email,
            Purpose::EmailVerify,
            account.id,
            &token,
            EMAIL_LINK_TTL,
            &message,
        )
        .await?;
        if sent.is_ok() {
            page.email = Some(email.as_str().into());
        } else {
            page.notices.push(NOT_SENT.into());
        }
    }
    if let Some(phone) = &phone {
        if db.account_by_verified_phone(&phone.e164()).await?.is_some() {
            // Someone else's verified number: no code goes to it, and the page says
            // nothing that would tell (the note under the form says what to do).
            page.phone = Some(phone.national().into());
        } else {
            let code = codes::random_digits();
            let message = Message {
                to: phone.e164(),
                subject: String::new(),
                body: format!(
                    "motcua: ma xac nhan so dien thoai cua ban la {code}, hieu luc 5 phut."
                ),
            };
            let sent = issue_and_send(
                &state,
                ChannelKind::Sms,
                Purpose::PhoneVerify,
                account.id,
                &code,
                SMS_CODE_TTL,
                &message,
            )
            .await?;
            if sent.is_ok() {
                page.phone = Some(phone.national().into());
            } else {
                page.notices.push("Chưa gửi được tin nhắn xác nhận số điện thoại. Bạn vẫn dùng được tài khoản qua e-mail.".into());
            }
        }
    }
    tracing::info!(account = account.id, "citizen account registered");
    respond(page, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct PhoneCodeForm {
    #[serde(default)]
    so_dien_thoai: String,
    #[serde(default)]
    ma: String,
}

/// `POST /dang-ky/xac-nhan-so-dien-thoai`: the SMS code of a registration.
pub async fn verify_phone(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<PhoneCodeForm>,
) -> Result<Response, AppError> {
    let db = &state.store().db;
    let phone = form
        .so_dien_thoai
        .parse::<PhoneNumber>()
        .map_err(|e| AppError::field("so_dien_thoai", e.to_string()))?;
    match db
        .consume_code(Purpose::PhoneVerify, &phone.e164(), form.ma.trim())
        .await?
    {
        Ok(Some(account_id)) => {
            // Someone may have verified the number meanwhile: then it stays theirs.
            if db.account_by_verified_phone(&phone.e164()).await?.is_none() {
                db.mark_phone_verified(account_id).await?;
            }
            let account = db.account(account_id).await?.ok_or(AppError::NotFound)?;
            sign_in_as(
                &state,
                Some(&current),
                &account,
                &client_ip(&addr),
                &headers,
                "sms_code",
                "/tai-khoan".into(),
            )
            .await
        }
        Ok(None) => Err(AppError::Internal(
            "verification code without an account".into(),
        )),
        Err(rejection) => {
            let page = RegisteredPage {
                layout: Layout::new("Xác nhận tài khoản"),
                csrf: current.session.csrf_token.clone(),
                email: None,
                phone: Some(phone.national().into()),
                notices: Vec::new(),
                code_error: Some(rejection_message(rejection)),
            };
            respond(page, StatusCode::UNAUTHORIZED, None)
        }
    }
}

#[derive(Template)]
#[template(path = "account/confirm_email.html")]
struct ConfirmPage {
    layout: Layout,
    csrf: String,
    token: String,
    message: Option<String>,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    ma: String,
}

/// `GET /xac-nhan-email?ma=…`: a button to confirm. The link itself changes nothing,
/// so mail scanners that open links cannot use it up.
pub async fn confirm_form(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    current: Option<axum::Extension<CurrentSession>>,
    Query(query): Query<TokenQuery>,
) -> Result<Response, AppError> {
    let (csrf, cookie) = form_session(&state, &addr, &headers, current.as_deref()).await?;
    let page = ConfirmPage {
        layout: Layout::new("Xác nhận e-mail"),
        csrf,
        token: query.ma,
        message: None,
    };
    respond(page, StatusCode::OK, cookie)
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    ma: String,
}

/// `POST /xac-nhan-email`: verifies the address and signs in.
pub async fn confirm(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    let db = &state.store().db;
    match db
        .consume_token(Purpose::EmailVerify, form.ma.trim())
        .await?
    {
        Ok((email, Some(account_id))) => {
            let account = db.account(account_id).await?.ok_or(AppError::NotFound)?;
            if account.email.as_deref() == Some(email.as_str()) {
                db.mark_email_verified(account_id).await?;
            }
            sign_in_as(
                &state,
                Some(&current),
                &account,
                &client_ip(&addr),
                &headers,
                "email_link",
                "/tai-khoan".into(),
            )
            .await
        }
        Ok((_, None)) => Err(AppError::Internal("e-mail link without an account".into())),
        Err(rejection) => {
            let page = ConfirmPage {
                layout: Layout::new("Xác nhận e-mail"),
                csrf: current.session.csrf_token.clone(),
                token: String::new(),
                message: Some(format!(
                    "Liên kết không dùng được: {}",
                    rejection_message(rejection).to_lowercase()
                )),
            };
            respond(page, StatusCode::UNAUTHORIZED, None)
        }
    }
}
