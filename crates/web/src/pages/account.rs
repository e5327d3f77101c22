//! Signing in and out, and the account page with the active sessions.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use motcua_store::password;
use motcua_store::security::FREE_FAILURES;
use serde::Deserialize;

use motcua_store::accounts::Account;

use crate::auth::session::{self, CurrentSession, TTL_MICROS};
use crate::pages::Layout;
use crate::{AppError, AppState, FieldError};

#[derive(Template)]
#[template(path = "account/sign_in.html")]
struct SignInPage {
    layout: Layout,
    csrf: String,
    identifier: String,
    next: String,
    message: Option<String>,
    fields: Vec<FieldError>,
    /// Whether the national e-ID way in is offered.
    eid: bool,
}

/// Where to go after signing in: a local path only (no open redirect).
pub(crate) fn local_target(next: Option<&str>) -> String {
    match next {
        Some(path) if is_local_path(path) => path.to_string(),
        _ => "/tai-khoan".to_string(),
    }
}

/// Whether `path` names a page of this site however a browser reads it: browsers drop
/// tabs and line breaks and read a backslash as a slash, so a tab after the first
/// slash would leave the site. Anything with a control character, a space or a backslash is refused,
/// and what is left must resolve to a path on this host.
fn is_local_path(path: &str) -> bool {
    const BASE: &str = "http://portal.invalid/";
    path.len() <= 2048
        && path.starts_with('/')
        && !path.starts_with("//")
        && !path
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
        && url::Url::parse(BASE)
            .and_then(|base| base.join(path))
            .is_ok_and(|joined| joined.host_str() == Some("portal.invalid"))
}

pub(crate) fn client_ip(addr: &SocketAddr) -> String {
    addr.ip().to_string()
}

pub(crate) fn user_agent(headers: &HeaderMap) -> String {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The visitor's CSRF token, with a new session (and its cookie) when there is none:
/// for public forms.
pub(crate) async fn form_session(
    state: &AppState,
    addr: &SocketAddr,
    headers: &HeaderMap,
    current: Option<&CurrentSession>,
) -> Result<(String, Option<HeaderValue>), AppError> {
    Ok(match current {
        Some(current) => (current.session.csrf_token.clone(), None),
        None => {
            let (token, session) = state
                .store()
                .db
                .create_session(None, TTL_MICROS, &client_ip(addr), &user_agent(headers))
                .await?;
            (
                session.csrf_token,
                Some(session::set_cookie(
                    Some(&token),
                    state.config().secure_cookies,
                )),
            )
        }
    })
}

fn render(
    page: SignInPage,
    status: StatusCode,
    cookie: Option<HeaderValue>,
) -> Result<Response, AppError> {
    super::respond(page, status, cookie)
}

/// A rendered page that is never cached, with a session cookie if one was made.
pub(crate) fn respond(
    page: impl Template,
    status: StatusCode,
    cookie: Option<HeaderValue>,
) -> Result<Response, AppError> {
    let html = page
        .render()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut response = (status, Html(html)).into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    // Pages with a CSRF token are never cached.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Deserialize)]
pub struct NextQuery {
    tiep: Option<String>,
}

/// `GET /dang-nhap`: the form, with a session (and CSRF token) made for it if needed.
pub async fn form(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    current: Option<axum::Extension<CurrentSession>>,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = local_target(query.tiep.as_deref());
    if current.as_ref().is_some_and(|c| c.principal.is_some()) {
        return Ok(Redirect::to(&next).into_response());
    }
    if current
        .as_ref()
        .is_some_and(|c| c.pending_second_factor.is_some())
    {
        return Ok(Redirect::to("/dang-nhap/xac-thuc").into_response());
    }
    let (csrf, cookie) = form_session(&state, &addr, &headers, current.as_deref()).await?;
    let page = SignInPage {
        layout: Layout::new("Đăng nhập"),
        csrf,
        identifier: String::new(),
        next,
        message: None,
        fields: Vec::new(),
        eid: state.oidc().is_some(),
    };
    render(page, StatusCode::OK, cookie)
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    dinh_danh: String,
    #[serde(default)]
    mat_khau: String,
    #[serde(default)]
    tiep: Option<String>,
}

/// `POST /dang-nhap`. Throttled per account and per client address: once blocked,
/// attempts are refused without evaluating the password.
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let db = &state.store().db;
    let ip = client_ip(&addr);
    let identifier = form.dinh_danh.trim().to_string();
    let next = local_target(form.tiep.as_deref());
    let page = |message: Option<String>, fields: Vec<FieldError>| SignInPage {
        layout: Layout::new("Đăng nhập"),
        csrf: current.session.csrf_token.clone(),
        identifier: identifier.clone(),
        next: next.clone(),
        message,
        fields,
        eid: state.oidc().is_some(),
    };
    let mut fields = Vec::new();
    if identifier.is_empty() {
        fields.push(FieldError {
            field: "dinh_danh".into(),
            message: "Nhập số căn cước, mã số thuế, e-mail hoặc số điện thoại".into(),
        });
    }
    if form.mat_khau.is_empty() {
        fields.push(FieldError {
            field: "mat_khau".into(),
            message: "Nhập mật khẩu".into(),
        });
    }
    if !fields.is_empty() {
        return render(page(None, fields), StatusCode::UNPROCESSABLE_ENTITY, None);
    }
    let ip_key = format!("ip:{ip}");
    // A phone number is found however it was written.
    let lookup = identifier
        .parse::<motcua_domain::validate::PhoneNumber>()
        .map_or_else(|_| identifier.clone(), |p| p.e164());
    let found = db.account_for_sign_in(&lookup).await?;
    let account_key = found
        .as_ref()
        .map(|(account, _)| format!("account:{}", account.id));
    // Each attempt is counted before the password is checked, so parallel attempts
    // cannot all pass a check made before any of them was recorded.
    let mut taken = None;
    for key in std::iter::once(&ip_key).chain(account_key.as_ref()) {
        match db.throttle_take(key).await? {
            Ok(throttled) => taken = Some(throttled),
            Err(until) => {
                if key != &ip_key {
                    // The address's attempt was not evaluated: give it back.
                    db.throttle_refund(&ip_key).await?;
                }
                let seconds = super::seconds_until(until);
                let message = format!(
                    "Bạn đã nhập sai nhiều lần. Vui lòng thử lại sau {seconds} giây. Nếu quên mật khẩu, hãy đến Bộ phận Một cửa để được hỗ trợ."
                );
                return render(
                    page(Some(message), Vec::new()),
                    StatusCode::TOO_MANY_REQUESTS,
                    None,
                );
            }
        }
    }
    let verified = match &found {
        Some((_, Some(hash))) => password::verify(&form.mat_khau, hash).await,
        // Same work for unknown accounts, so timing does not tell which exist.
        _ => {
            password::verify(&form.mat_khau, &password::DUMMY_HASH).await;
            false
        }
    };
    let Some((account, _)) = found.filter(|_| verified) else {
        if let Some(key) = &account_key {
            // The last attempt taken is the account's.
            let failures = taken.map_or(0, |t| t.failures);
            let id = key.trim_start_matches("account:").parse::<i64>().ok();
            db.record_security_event(id, "sign_in_failure", &ip, "")
                .await?;
            if failures == FREE_FAILURES + 1 {
                db.record_security_event(
                    id,
                    "lockout",
                    &ip,
                    &format!("{failures} lần sai liên tiếp"),
                )
                .await?;
                // The owner is told (delivered by the notification channels).
                motcua_store::outbox::enqueue(
                    db.pool(),
                    "notify.sign_in_failures",
                    &serde_json::json!({ "account_id": id, "failures": failures, "ip": ip })
                        .to_string(),
                    Some(&format!("sign-in-failures-{}", id.unwrap_or_default())),
                )
                .await?;
            }
        } else {
            db.record_security_event(None, "sign_in_failure", &ip, "unknown identifier")
                .await?;
        }
        let message = "Thông tin đăng nhập không đúng. Vui lòng kiểm tra lại.".to_string();
        return render(
            page(Some(message), Vec::new()),
            StatusCode::UNAUTHORIZED,
            None,
        );
    };
    db.throttle_refund(&ip_key).await?;
    if let Some(key) = &account_key {
        db.throttle_reset(key).await?;
    }
    if account.kind == "citizen" && !db.verification(account.id).await?.any() {
        let message = "Tài khoản chưa được xác nhận. Hãy bấm vào liên kết đã gửi tới e-mail của bạn, hoặc nhờ Bộ phận Một cửa hỗ trợ.".to_string();
        return render(page(Some(message), Vec::new()), StatusCode::FORBIDDEN, None);
    }
    sign_in_as(
        &state,
        Some(&current),
        &account,
        &ip,
        &headers,
        "password",
        next,
    )
    .await
}

/// Starts a signed-in session for `account`, ending the visitor's session (which
/// someone else may know: no session fixation), records how they got in, and sends
/// them on: officials and administrators to their second factor, others to `next`.
pub async fn sign_in_as(
    state: &AppState,
    current: Option<&CurrentSession>,
    account: &Account,
    ip: &str,
    headers: &HeaderMap,
    method: &str,
    next: String,
) -> Result<Response, AppError> {
    let db = &state.store().db;
    if let Some(current) = current {
        db.delete_session(&current.session.id_hash).await?;
    }
    let (token, _) = db
        .create_session(Some(account.id), TTL_MICROS, ip, &user_agent(headers))
        .await?;
    db.record_security_event(Some(account.id), "sign_in", ip, method)
        .await?;
    let target = if session::needs_second_factor(account) {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("tiep", &next)
            .finish();
        format!("/dang-nhap/xac-thuc?{query}")
    } else {
        next
    };
    let mut response = Redirect::to(&target).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session::set_cookie(Some(&token), state.config().secure_cookies),
    );
    Ok(response)
}

/// `POST /dang-xuat`.
pub async fn sign_out(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::Extension(current): axum::Extension<CurrentSession>,
) -> Result<Response, AppError> {
    let db = &state.store().db;
    db.delete_session(&current.session.id_hash).await?;
    let account = current.principal.as_ref().map(|p| p.account.id);
    db.record_security_event(account, "sign_out", &client_ip(&addr), "")
        .await?;
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session::set_cookie(None, state.config().secure_cookies),
    );
    Ok(response)
}

/// `POST /tai-khoan/dang-xuat-moi-noi`: ends every session of the account.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::Extension(current): axum::Extension<CurrentSession>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let db = &state.store().db;
    let (ended, revoked) = db.end_sessions_and_tokens(principal.account.id).await?;
    db.record_security_event(
        Some(principal.account.id),
        "sign_out_everywhere",
        &client_ip(&addr),
        &format!("{ended} phiên, {revoked} khóa API"),
    )
    .await?;
    let mut response = Redirect::to("/dang-nhap").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session::set_cookie(None, state.config().secure_cookies),
    );
    Ok(response)
}

struct SessionView {
    started: String,
    last_seen: String,
    ip: String,
    device: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "account/overview.html")]
struct AccountPage {
    layout: Layout,
    csrf: String,
    name: String,
    kind: &'static str,
    identifiers: Vec<(String, String)>,
    roles: Vec<String>,
    /// Administration pages this account may open: `(path, label)`.
    tools: Vec<(&'static str, &'static str)>,
    sessions: Vec<SessionView>,
}

fn format_time(micros: i64) -> String {
    super::local_time(micros, "%H:%M %d/%m/%Y")
}

/// `GET /tai-khoan`.
pub async fn overview(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let account = &principal.account;
    let sessions = state
        .store()
        .db
        .account_sessions(account.id)
        .await?
        .into_iter()
        .map(|s| SessionView {
            started: format_time(s.created_at),
            last_seen: format_time(s.last_seen_at),
            current: s.id_hash == current.session.id_hash,
            ip: s.ip,
            device: s.user_agent.chars().take(80).collect(),
        })
        .collect();
    let kind = match account.kind.as_str() {
        "citizen" => "Công dân",
        "organisation" => "Tổ chức",
        "official" => "Cán bộ, công chức",
        _ => "Quản trị hệ thống",
    };
    let mut identifiers = Vec::new();
    for (label, value) in [
        ("Số căn cước", &account.citizen_id),
        ("Mã số thuế", &account.tax_code),
        ("E-mail", &account.email),
        ("Số điện thoại", &account.phone),
    ] {
        if let Some(value) = value {
            identifiers.push((label.to_string(), value.clone()));
        }
    }
    let roles = principal
        .roles
        .iter()
        .map(|r| match r.role.as_str() {
            "reception" => "Tiếp nhận hồ sơ (một cửa)",
            "specialist" => "Chuyên viên xử lý",
            "leader" => "Lãnh đạo",
            "agency_admin" => "Quản trị cơ quan",
            "volunteer" => "Tình nguyện viên hỗ trợ",
            _ => "Quản trị hệ thống",
        })
        .map(str::to_string)
        .collect();
    let mut tools = Vec::new();
    for (path, label) in [
        ("/can-bo/ho-so", "Một cửa: hồ sơ cần xử lý"),
        ("/can-bo/tiep-nhan-truc-tiep", "Tiếp nhận hồ sơ trực tiếp"),
        ("/can-bo/so-theo-doi", "Sổ theo dõi hồ sơ"),
        ("/quan-tri/mo-tai-khoan", "Mở tài khoản tại quầy"),
        (
            "/quan-tri/nop-ho-tro",
            "Nộp hồ sơ trực tuyến giúp người dân",
        ),
        ("/quan-tri/thu-tuc", "Quản lý thủ tục"),
        ("/quan-tri/can-bo", "Cán bộ và vai trò"),
        ("/quan-tri/quy-trinh", "Quy trình giải quyết thủ tục"),
        ("/quan-tri/tu-dong-nghia", "Từ đồng nghĩa khi tìm kiếm"),
        ("/quan-tri/nhat-ky-bao-mat", "Nhật ký bảo mật"),
        ("/quan-tri/su-kien-loi", "Sự kiện xử lý lỗi"),
        ("/quan-tri/hop-thu-thu-nghiem", "Hộp thư thử nghiệm"),
    ] {
        let allowed = crate::routes::route_table()
            .iter()
            .find(|r| r.path == path && r.method == "GET")
            .is_some_and(|r| r.access.allows(Some(&current)));
        if allowed {
            tools.push((path, label));
        }
    }
    let page = AccountPage {
        layout: Layout::new("Tài khoản"),
        tools,
        csrf: current.session.csrf_token.clone(),
        name: account.full_name.clone(),
        kind,
        identifiers,
        roles,
        sessions,
    };
    let html = page
        .render()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}
