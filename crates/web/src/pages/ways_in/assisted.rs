//! Assisted access: an official at a counter (reception desk or volunteer) opens an
//! account for a person after checking their ID card, and hands over a one-time set-up
//! code; the person sets a password with it at `/kich-hoat`, from any device. For an
//! existing account (a forgotten password, an unreachable phone) the same check gives
//! a new set-up code.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use motcua_domain::validate::PhoneNumber;
use motcua_store::accounts::AccountInput;
use motcua_store::codes::{self, Purpose};
use serde::Deserialize;

use super::{
    SETUP_CODE_TTL, check_person, check_phone, field_error, password_problem, push,
    rejection_message,
};
use crate::auth::CurrentSession;
use crate::pages::account::{client_ip, form_session, sign_in_as};
use crate::pages::{Layout, respond};
use crate::{AppError, AppState, FieldError};

#[derive(Template)]
#[template(path = "admin/open_account.html")]
struct OpenPage {
    layout: Layout,
    csrf: String,
    name: String,
    citizen_id: String,
    birth_year: String,
    phone: String,
    fields: Vec<FieldError>,
    /// After opening: the person's name, citizen ID, the code, and whether the account
    /// existed before.
    opened: Option<(String, String, String, bool)>,
}

impl OpenPage {
    fn error(&self, field: &str) -> Option<&str> {
        field_error(&self.fields, field)
    }

    fn blank(csrf: String) -> Self {
        Self {
            layout: Layout::new("Mở tài khoản tại quầy"),
            csrf,
            name: String::new(),
            citizen_id: String::new(),
            birth_year: String::new(),
            phone: String::new(),
            fields: Vec::new(),
            opened: None,
        }
    }
}

/// `GET /quan-tri/mo-tai-khoan`.
pub async fn form(
    axum::Extension(current): axum::Extension<CurrentSession>,
) -> Result<Response, AppError> {
    respond(
        OpenPage::blank(current.session.csrf_token.clone()),
        StatusCode::OK,
        None,
    )
}

#[derive(Deserialize)]
pub struct OpenForm {
    #[serde(default)]
    ho_ten: String,
    #[serde(default)]
    so_can_cuoc: String,
    #[serde(default)]
    nam_sinh: String,
    #[serde(default)]
    so_dien_thoai: String,
    #[serde(default)]
    da_kiem_tra: Option<String>,
}

/// `POST /quan-tri/mo-tai-khoan`.
pub async fn open(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<OpenForm>,
) -> Result<Response, AppError> {
    let official = current.signed_in()?;
    let db = &state.store().db;
    let mut page = OpenPage::blank(current.session.csrf_token.clone());
    page.citizen_id = form.so_can_cuoc.trim().into();
    page.birth_year = form.nam_sinh.trim().into();
    page.phone = form.so_dien_thoai.trim().into();
    let mut fields = Vec::new();
    let (name, citizen_id) =
        check_person(&form.ho_ten, &form.so_can_cuoc, &form.nam_sinh, &mut fields);
    page.name = name;
    let phone = check_phone(&form.so_dien_thoai, &mut fields);
    if form.da_kiem_tra.is_none() {
        push(
            &mut fields,
            "da_kiem_tra",
            "Cần đối chiếu thẻ căn cước gốc với người đến làm thủ tục trước khi mở tài khoản",
        );
    }
    let (Some(citizen_id), true) = (citizen_id, fields.is_empty()) else {
        page.fields = fields;
        return respond(page, StatusCode::UNPROCESSABLE_ENTITY, None);
    };
    let existing = db.account_by_citizen_id(citizen_id.as_str()).await?;
    let existed = existing.is_some();
    // A new code for an existing account hands it over: only reception (not a
    // volunteer) may, after checking the ID card, and the owner is told.
    if existed && !motcua_app::access::at_reception(official) {
        tracing::warn!(
            official = official.account.id,
            "volunteer asked for a set-up code of an existing account; refused"
        );
        page.fields.push(FieldError {
            field: "so_can_cuoc".into(),
            message: "Người này đã có tài khoản. Chỉ cán bộ Bộ phận Một cửa mới cấp lại mã thiết lập (sau khi đối chiếu thẻ căn cước); người dân cũng có thể dùng “Quên mật khẩu”.".into(),
        });
        return respond(page, StatusCode::FORBIDDEN, None);
    }
    let account = match existing {
        Some(account) => account,
        None => {
            db.create_account(&AccountInput {
                kind: "citizen",
                full_name: &page.name,
                citizen_id: Some(citizen_id.as_str()),
                tax_code: None,
                email: None,
                phone: phone.as_ref().map(PhoneNumber::e164).as_deref(),
                password: None,
            })
            .await?
        }
    };
    if account.kind != "citizen" {
        return Err(AppError::Forbidden);
    }
    db.mark_identity_checked(account.id, Some(official.account.id))
        .await?;
    let code = codes::random_setup_code();
    // The official is at the counter with the person: no waiting between two codes.
    db.revoke_codes(Purpose::AccountSetup, citizen_id.as_str())
        .await?;
    if let Err(refusal) = db
        .issue_code(
            Purpose::AccountSetup,
            citizen_id.as_str(),
            Some(account.id),
            &code,
            SETUP_CODE_TTL,
        )
        .await?
    {
        page.fields.push(FieldError {
            field: "so_can_cuoc".into(),
            message: super::refusal_message(refusal),
        });
        return respond(page, StatusCode::TOO_MANY_REQUESTS, None);
    }
    let ip = client_ip(&addr);
    let detail = format!(
        "{} bởi {} (#{})",
        if existed {
            "cấp mã thiết lập mới"
        } else {
            "mở tài khoản tại quầy"
        },
        official.account.full_name,
        official.account.id
    );
    db.record_security_event(Some(account.id), "assisted_setup", &ip, &detail)
        .await?;
    if existed {
        let when = motcua_app::text::local_time(motcua_store::time::now_micros(), "%H:%M %d/%m/%Y");
        let notice = motcua_app::notify::SecurityNotice {
            account_id: account.id,
            subject: "Tài khoản của bạn vừa được cấp mã thiết lập mới".into(),
            body: format!(
                "motcua: lúc {when}, Bộ phận Một cửa ({}) đã cấp mã thiết lập mới cho tài khoản của bạn sau khi đối chiếu thẻ căn cước. Khi mã được dùng, mật khẩu cũ, mọi phiên đăng nhập và khóa API sẽ hết hiệu lực. Nếu không phải bạn yêu cầu, hãy báo ngay Bộ phận Một cửa.",
                official.account.full_name
            ),
        };
        let key = format!(
            "setup-code-{}-{}",
            account.id,
            motcua_store::time::now_micros()
        );
        motcua_app::notify::queue_security_notice(state.app(), &notice, &key).await?;
    }
    tracing::info!(
        official = official.account.id,
        account = account.id,
        existed,
        "account set-up code issued at a counter"
    );
    page.opened = Some((
        account.full_name.clone(),
        citizen_id.as_str().into(),
        code,
        existed,
    ));
    respond(page, StatusCode::OK, None)
}

#[derive(Template)]
#[template(path = "account/activate.html")]
struct ActivatePage {
    layout: Layout,
    csrf: String,
    citizen_id: String,
    fields: Vec<FieldError>,
}

impl ActivatePage {
    fn error(&self, field: &str) -> Option<&str> {
        field_error(&self.fields, field)
    }
}

/// `GET /kich-hoat`.
pub async fn activate_form(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    current: Option<axum::Extension<CurrentSession>>,
) -> Result<Response, AppError> {
    let (csrf, cookie) = form_session(&state, &addr, &headers, current.as_deref()).await?;
    let page = ActivatePage {
        layout: Layout::new("Đặt mật khẩu bằng mã thiết lập"),
        csrf,
        citizen_id: String::new(),
        fields: Vec::new(),
    };
    respond(page, StatusCode::OK, cookie)
}

#[derive(Deserialize)]
pub struct ActivateForm {
    #[serde(default)]
    so_can_cuoc: String,
    #[serde(default)]
    ma: String,
    #[serde(default)]
    mat_khau: String,
}

/// `POST /kich-hoat`: the set-up code and a new password; signs in.
pub async fn activate(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<ActivateForm>,
) -> Result<Response, AppError> {
    let db = &state.store().db;
    let ip = client_ip(&addr);
    let mut page = ActivatePage {
        layout: Layout::new("Đặt mật khẩu bằng mã thiết lập"),
        csrf: current.session.csrf_token.clone(),
        citizen_id: form.so_can_cuoc.trim().into(),
        fields: Vec::new(),
    };
    if let Some(problem) = password_problem(&form.mat_khau) {
        push(&mut page.fields, "mat_khau", problem);
    }
    if form.ma.trim().is_empty() {
        push(
            &mut page.fields,
            "ma",
            "Nhập mã thiết lập cán bộ đã đưa cho bạn",
        );
    }
    if !page.fields.is_empty() {
        return respond(page, StatusCode::UNPROCESSABLE_ENTITY, None);
    }
    match db
        .consume_code(
            Purpose::AccountSetup,
            form.so_can_cuoc.trim(),
            form.ma.trim(),
        )
        .await?
    {
        Ok(Some(account_id)) => {
            db.set_password(account_id, &form.mat_khau).await?;
            // Whoever held the account before is shut out.
            let (sessions, tokens) = db.end_sessions_and_tokens(account_id).await?;
            db.record_security_event(
                Some(account_id),
                "password_set",
                &ip,
                &format!("mã thiết lập ({sessions} phiên kết thúc, {tokens} khóa API thu hồi)"),
            )
            .await?;
            let account = db.account(account_id).await?.ok_or(AppError::NotFound)?;
            sign_in_as(
                &state,
                Some(&current),
                &account,
                &ip,
                &headers,
                "setup_code",
                "/tai-khoan".into(),
            )
            .await
        }
        Ok(None) => Err(AppError::Internal("set-up code without an account".into())),
        Err(rejection) => {
            db.record_security_event(None, "sign_in_failure", &ip, "set-up code")
                .await?;
            push(&mut page.fields, "ma", rejection_message(rejection));
            respond(page, StatusCode::UNAUTHORIZED, None)
        }
    }
}
