//! `/tai-khoan/khoa-api`: the owner's API tokens: create one (its secret shown once),
//! see when each was last used, revoke. Creation and revocation are security events.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_store::api_tokens::SCOPES;
use motcua_store::time::now_micros;

use super::ways_in::{field_error, push};
use super::{Layout, local_time, respond};
use crate::auth::CurrentSession;
use crate::pages::account::client_ip;
use crate::{AppError, AppState, FieldError};

/// The lifetimes offered, in days.
const DURATIONS: &[(i64, &str)] = &[(30, "30 ngày"), (90, "90 ngày"), (365, "1 năm")];
const DAY_MICROS: i64 = 24 * 3600 * 1_000_000;
/// How recent a sign-in must be to create a token on an account without a password.
const FRESH_SIGN_IN_MICROS: i64 = 10 * 60 * 1_000_000;

struct TokenView {
    id: i64,
    name: String,
    prefix: String,
    scopes: String,
    created: String,
    status: String,
    last_used: Option<String>,
    live: bool,
}

#[derive(Template)]
#[template(path = "account/api_tokens.html")]
struct TokensPage {
    layout: Layout,
    csrf: String,
    new_secret: Option<String>,
    message: Option<String>,
    name: String,
    scopes: Vec<(&'static str, &'static str, bool)>,
    durations: &'static [(i64, &'static str)],
    chosen_days: i64,
    tokens: Vec<TokenView>,
    fields: Vec<FieldError>,
    /// Whether the account has a password to confirm a new token with (otherwise the
    /// sign-in must be recent).
    has_password: bool,
}

impl TokensPage {
    fn error_of(&self, field: &str) -> Option<&str> {
        field_error(&self.fields, field)
    }
}

async fn page(state: &AppState, current: &CurrentSession) -> Result<TokensPage, AppError> {
    let principal = current.signed_in()?;
    let now = now_micros();
    let time = |micros: i64| local_time(micros, "%H:%M %d/%m/%Y");
    let tokens = state
        .store()
        .db
        .api_tokens_of(principal.account.id)
        .await?
        .into_iter()
        .map(|t| TokenView {
            live: t.is_live(now),
            status: match t.revoked_at {
                Some(at) => format!("đã thu hồi {}", time(at)),
                None if t.expires_at <= now => format!("đã hết hạn {}", time(t.expires_at)),
                None => format!("hết hạn {}", time(t.expires_at)),
            },
            last_used: t.last_used_at.map(time),
            created: time(t.created_at),
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            scopes: t.scopes,
        })
        .collect();
    let has_password = state
        .store()
        .db
        .verification(principal.account.id)
        .await?
        .has_password;
    Ok(TokensPage {
        has_password,
        layout: Layout::new("Khóa API"),
        csrf: current.session.csrf_token.clone(),
        new_secret: None,
        message: None,
        name: String::new(),
        scopes: SCOPES.iter().map(|(s, l)| (*s, *l, false)).collect(),
        durations: DURATIONS,
        chosen_days: 90,
        tokens,
        fields: Vec::new(),
    })
}

/// `GET /tai-khoan/khoa-api`.
pub async fn list(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
) -> Result<Response, AppError> {
    respond(page(&state, &current).await?, StatusCode::OK, None)
}

/// `POST /tai-khoan/khoa-api`: form fields `ten`, `pham_vi` (repeated), `thoi_han`.
pub async fn create(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let value = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let chosen: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "pham_vi")
        .map(|(_, v)| v.as_str())
        .collect();
    let mut view = page(&state, &current).await?;
    view.name = value("ten");
    let mut fields = Vec::new();
    let name_length = view.name.chars().count();
    if name_length == 0 {
        push(&mut fields, "ten", "Đặt tên để nhận ra khóa sau này");
    } else if name_length > 80 {
        push(&mut fields, "ten", "Tên dài quá 80 ký tự");
    }
    let scopes: Vec<&'static str> = SCOPES
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| chosen.contains(s))
        .collect();
    if chosen.iter().any(|c| !SCOPES.iter().any(|(s, _)| s == c)) {
        push(&mut fields, "pham_vi", "Có phạm vi không hợp lệ");
    } else if scopes.is_empty() {
        push(&mut fields, "pham_vi", "Chọn ít nhất một phạm vi");
    }
    let db = &state.store().db;
    // A stolen session must not be enough to mint a credential that outlives it.
    if view.has_password {
        let typed = pairs
            .iter()
            .find(|(k, _)| k == "mat_khau")
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        if typed.is_empty() {
            push(
                &mut fields,
                "mat_khau",
                "Nhập mật khẩu hiện tại để tạo khóa",
            );
        } else if !db.check_password(principal.account.id, typed).await? {
            push(&mut fields, "mat_khau", "Mật khẩu không đúng");
        }
    } else if now_micros() - current.session.created_at > FRESH_SIGN_IN_MICROS {
        push(
            &mut fields,
            "mat_khau",
            "Vì an toàn, hãy đăng xuất, đăng nhập lại rồi tạo khóa trong vòng 10 phút",
        );
    }
    let days = value("thoi_han").parse::<i64>().ok();
    match days.filter(|d| DURATIONS.iter().any(|(x, _)| x == d)) {
        Some(days) => view.chosen_days = days,
        None => push(&mut fields, "thoi_han", "Chọn thời hạn trong danh sách"),
    }
    view.scopes = SCOPES
        .iter()
        .map(|(s, l)| (*s, *l, scopes.contains(s)))
        .collect();
    if !fields.is_empty() {
        view.fields = fields;
        return respond(view, StatusCode::UNPROCESSABLE_ENTITY, None);
    }
    let (secret, token) = db
        .create_api_token(
            principal.account.id,
            &view.name,
            &scopes,
            view.chosen_days * DAY_MICROS,
        )
        .await?;
    db.record_security_event(
        Some(principal.account.id),
        "token_created",
        &client_ip(&addr),
        &format!("{} ({}) {}", token.name, token.prefix, token.scopes),
    )
    .await?;
    let mut view = page(&state, &current).await?;
    view.new_secret = Some(secret);
    respond(view, StatusCode::CREATED, None)
}

/// `POST /tai-khoan/khoa-api/{id}/thu-hoi`.
pub async fn revoke(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    let db = &state.store().db;
    // Another account's token is "not found": its existence is not revealed.
    let token = db
        .revoke_api_token(principal.account.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    db.record_security_event(
        Some(principal.account.id),
        "token_revoked",
        &client_ip(&addr),
        &format!("{} ({})", token.name, token.prefix),
    )
    .await?;
    Ok(Redirect::to("/tai-khoan/khoa-api").into_response())
}
