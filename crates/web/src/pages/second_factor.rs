//! The second factor of officials and administrators: enrolment (a TOTP secret for an
//! authenticator app, then recovery codes shown once) and the code asked after the
//! password. Wrong codes count against the same throttle as wrong passwords.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use motcua_domain::totp;
use motcua_store::accounts::Account;
use motcua_store::time;
use serde::Deserialize;

use super::account::{client_ip, local_target};
use crate::auth::CurrentSession;
use crate::pages::Layout;
use crate::{AppError, AppState};

/// Recovery codes issued at enrolment.
const RECOVERY_CODES: usize = 10;

fn page(html: Result<String, askama::Error>, status: StatusCode) -> Result<Response, AppError> {
    let html = html.map_err(|e| AppError::Internal(e.to_string()))?;
    let mut response = (status, Html(html)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn pending(current: &CurrentSession) -> Result<&Account, AppError> {
    current
        .pending_second_factor
        .as_ref()
        .ok_or(AppError::Forbidden)
}

fn unix_now() -> u64 {
    u64::try_from(time::now_micros() / 1_000_000).unwrap_or(0)
}

#[derive(Deserialize)]
pub struct NextQuery {
    tiep: Option<String>,
}

#[derive(Template)]
#[template(path = "account/second_factor.html")]
struct CodePage {
    layout: Layout,
    csrf: String,
    next: String,
    message: Option<String>,
}

/// `GET /dang-nhap/xac-thuc`: the code, or enrolment first if there is none yet.
pub async fn form(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let account = pending(&current)?;
    let next = local_target(query.tiep.as_deref());
    let enrolled = state
        .store()
        .db
        .second_factor(account.id)
        .await?
        .is_some_and(|f| f.confirmed_at.is_some());
    if !enrolled {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("tiep", &next)
            .finish();
        return Ok(Redirect::to(&format!("/dang-nhap/thiet-lap-xac-thuc?{query}")).into_response());
    }
    let html = CodePage {
        layout: Layout::new("Xác thực hai lớp"),
        csrf: current.session.csrf_token.clone(),
        next,
        message: None,
    }
    .render();
    page(html, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    ma: String,
    #[serde(default)]
    tiep: Option<String>,
}

/// `POST /dang-nhap/xac-thuc`: a code from the app, or a recovery code.
pub async fn verify(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let account = pending(&current)?;
    let db = &state.store().db;
    let ip = client_ip(&addr);
    let next = local_target(form.tiep.as_deref());
    let key = format!("account:{}", account.id);
    let retry = |message: String, status: StatusCode| {
        let html = CodePage {
            layout: Layout::new("Xác thực hai lớp"),
            csrf: current.session.csrf_token.clone(),
            next: next.clone(),
            message: Some(message),
        }
        .render();
        page(html, status)
    };
    if let Err(until) = db.throttle_take(&key).await? {
        let seconds = super::seconds_until(until);
        return retry(
            format!("Bạn đã nhập sai nhiều lần. Vui lòng thử lại sau {seconds} giây."),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let Some(factor) = db
        .second_factor(account.id)
        .await?
        .filter(|f| f.confirmed_at.is_some())
    else {
        // Not enrolled yet: enrolment is the way in.
        return Ok(Redirect::to("/dang-nhap/thiet-lap-xac-thuc").into_response());
    };
    let secret = totp::base32_decode(&factor.totp_secret).ok_or_else(|| {
        AppError::Internal(format!(
            "stored TOTP secret of account {} is not base32",
            account.id
        ))
    })?;
    let last = factor.last_step.and_then(|s| u64::try_from(s).ok());
    let by_app = match totp::verify(&secret, &form.ma, unix_now(), last) {
        Some(step) => {
            db.use_totp_step(account.id, i64::try_from(step).unwrap_or(i64::MAX))
                .await?
        }
        None => false,
    };
    let method = if by_app {
        "totp"
    } else if form.ma.trim().len() > totp::DIGITS as usize
        && db.use_recovery_code(account.id, &form.ma).await?
    {
        "recovery_code"
    } else {
        db.record_security_event(Some(account.id), "second_factor_failure", &ip, "")
            .await?;
        return retry(
            "Mã xác thực không đúng hoặc đã được dùng.".into(),
            StatusCode::UNAUTHORIZED,
        );
    };
    db.throttle_reset(&key).await?;
    db.mark_second_factor(&current.session.id_hash).await?;
    db.record_security_event(Some(account.id), "second_factor", &ip, method)
        .await?;
    Ok(Redirect::to(&next).into_response())
}

#[derive(Template)]
#[template(path = "account/enrol.html")]
struct EnrolPage {
    layout: Layout,
    csrf: String,
    next: String,
    secret: String,
    uri: String,
    message: Option<String>,
}

fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn otpauth_uri(account: &Account, secret: &str) -> String {
    let label = account
        .email
        .clone()
        .or(account.citizen_id.clone())
        .unwrap_or_else(|| account.id.to_string());
    let label: String =
        url::form_urlencoded::byte_serialize(format!("motcua:{label}").as_bytes()).collect();
    format!(
        "otpauth://totp/{label}?secret={secret}&issuer=motcua&algorithm=SHA1&digits=6&period=30"
    )
}

async fn enrol_page(
    state: &AppState,
    current: &CurrentSession,
    next: String,
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let account = pending(current)?;
    let db = &state.store().db;
    let factor = match db.second_factor(account.id).await? {
        Some(factor) if factor.confirmed_at.is_some() => {
            return Ok(Redirect::to("/dang-nhap/xac-thuc").into_response());
        }
        // An enrolment begun earlier keeps its secret, so a reload does not break the app.
        Some(factor) => factor,
        // 160 random bits, as RFC 4226 recommends for HMAC-SHA1 secrets.
        None => {
            let secret = motcua_store::sessions::random_bytes::<20>();
            db.start_second_factor(account.id, &totp::base32_encode(&secret))
                .await?
        }
    };
    let html = EnrolPage {
        layout: Layout::new("Thiết lập xác thực hai lớp"),
        csrf: current.session.csrf_token.clone(),
        next,
        uri: otpauth_uri(account, &factor.totp_secret),
        secret: grouped(&factor.totp_secret),
        message,
    }
    .render();
    page(html, status)
}

/// `GET /dang-nhap/thiet-lap-xac-thuc`.
pub async fn enrol(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    enrol_page(
        &state,
        &current,
        local_target(query.tiep.as_deref()),
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(Template)]
#[template(path = "account/recovery_codes.html")]
struct RecoveryPage {
    layout: Layout,
    codes: Vec<String>,
    next: String,
}

fn recovery_code() -> String {
    let token = motcua_store::sessions::random_token().to_ascii_uppercase();
    format!("{}-{}", &token[..5], &token[5..10])
}

/// `POST /dang-nhap/thiet-lap-xac-thuc`: the first code confirms the app; recovery
/// codes are shown once.
pub async fn confirm(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let account = pending(&current)?;
    let db = &state.store().db;
    let next = local_target(form.tiep.as_deref());
    let factor = match db.second_factor(account.id).await? {
        None => return Ok(Redirect::to("/dang-nhap/thiet-lap-xac-thuc").into_response()),
        // Already enrolled (e.g. in another tab): the code is asked instead.
        Some(factor) if factor.confirmed_at.is_some() => {
            return Ok(Redirect::to("/dang-nhap/xac-thuc").into_response());
        }
        Some(factor) => factor,
    };
    let secret = totp::base32_decode(&factor.totp_secret)
        .ok_or_else(|| AppError::Internal("stored TOTP secret is not base32".into()))?;
    let Some(step) = totp::verify(&secret, &form.ma, unix_now(), None) else {
        let message =
            "Mã chưa đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng xác thực.".to_string();
        return enrol_page(
            &state,
            &current,
            next,
            Some(message),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    db.confirm_second_factor(account.id, i64::try_from(step).unwrap_or(i64::MAX), &codes)
        .await?;
    db.mark_second_factor(&current.session.id_hash).await?;
    db.record_security_event(
        Some(account.id),
        "second_factor_enrolled",
        &client_ip(&addr),
        "totp",
    )
    .await?;
    let html = RecoveryPage {
        layout: Layout::new("Mã dự phòng"),
        codes,
        next,
    }
    .render();
    page(html, StatusCode::OK)
}
