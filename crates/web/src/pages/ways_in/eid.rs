//! Signing in with the national e-ID over OpenID Connect (authorization code + PKCE).
//! The first time, the e-ID identity is linked to the account with the same citizen
//! ID number, or a citizen account is opened from the verified claims; afterwards the
//! provider's subject finds the account directly. An account whose identity nobody
//! checked (registration checks only the form of a citizen ID) is handed to the e-ID
//! holder with every other way in cleared, so registering in someone else's name
//! does not lie in wait for them. A login started in one browser
//! cannot be finished in another (the request is bound to the session).

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_domain::validate::CitizenId;
use motcua_store::accounts::{Account, AccountInput};
use motcua_store::oidc::OidcLogin;
use serde::Deserialize;

use super::email::base_url;
use crate::auth::CurrentSession;
use crate::auth::session::{self, TTL_MICROS};
use crate::oidc::{IdTokenClaims, OidcClient, OidcError, random_url_token};
use crate::pages::account::{client_ip, local_target, sign_in_as, user_agent};
use crate::pages::{Layout, respond};
use crate::{AppError, AppState};

/// How long the person has to finish at the provider.
const LOGIN_TTL_MICROS: i64 = 10 * 60 * 1_000_000;

const CALLBACK: &str = "/dang-nhap/dinh-danh-dien-tu/ket-qua";

#[derive(Template)]
#[template(path = "account/eid_problem.html")]
struct ProblemPage {
    layout: Layout,
    message: String,
    retry: bool,
}

fn problem(status: StatusCode, message: &str, retry: bool) -> Result<Response, AppError> {
    respond(
        ProblemPage {
            layout: Layout::new("Đăng nhập bằng định danh điện tử"),
            message: message.into(),
            retry,
        },
        status,
        None,
    )
}

fn not_configured() -> Result<Response, AppError> {
    problem(
        StatusCode::NOT_FOUND,
        "Cổng này chưa được kết nối với hệ thống định danh điện tử quốc gia.",
        false,
    )
}

fn unreachable(error: &OidcError) -> Result<Response, AppError> {
    tracing::warn!(%error, "national e-ID provider");
    problem(
        StatusCode::BAD_GATEWAY,
        "Hệ thống định danh điện tử đang không trả lời. Vui lòng thử lại sau ít phút.",
        true,
    )
}

#[derive(Deserialize)]
pub struct StartQuery {
    tiep: Option<String>,
}

/// `GET /dang-nhap/dinh-danh-dien-tu`: sends the person to the provider.
pub async fn start(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    current: Option<axum::Extension<CurrentSession>>,
    Query(query): Query<StartQuery>,
) -> Result<Response, AppError> {
    let Some(client) = state.oidc() else {
        return not_configured();
    };
    let db = &state.store().db;
    // The login is bound to this browser's session; one is made if there is none.
    let (session_hash, cookie) = match current.as_deref() {
        Some(current) => (current.session.id_hash.clone(), None),
        None => {
            let (token, session) = db
                .create_session(None, TTL_MICROS, &client_ip(&addr), &user_agent(&headers))
                .await?;
            (
                session.id_hash,
                Some(session::set_cookie(
                    Some(&token),
                    state.config().secure_cookies,
                )),
            )
        }
    };
    let (login_state, nonce, verifier) =
        (random_url_token(), random_url_token(), random_url_token());
    let redirect_uri = format!("{}{CALLBACK}", base_url(&state, &headers));
    let url = match client
        .authorization_url(&redirect_uri, &login_state, &nonce, &verifier)
        .await
    {
        Ok(url) => url,
        Err(error) => return unreachable(&error),
    };
    db.save_oidc_login(
        &login_state,
        &OidcLogin {
            verifier,
            nonce,
            next: local_target(query.tiep.as_deref()),
            session_hash,
            expires_at: motcua_store::time::now_micros() + LOGIN_TTL_MICROS,
        },
    )
    .await?;
    let mut response = Redirect::to(&url).into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /dang-nhap/dinh-danh-dien-tu/ket-qua`: the provider sends the person back.
pub async fn finish(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    current: Option<axum::Extension<CurrentSession>>,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, AppError> {
    let Some(client) = state.oidc() else {
        return not_configured();
    };
    let db = &state.store().db;
    let ip = client_ip(&addr);
    let stale = "Lượt đăng nhập này đã hết hạn, đã được dùng, hoặc được bắt đầu trên trình duyệt khác. Vui lòng thử lại.";
    let Some(login_state) = query.state.as_deref().filter(|s| !s.is_empty()) else {
        return problem(StatusCode::BAD_REQUEST, stale, true);
    };
    let Some(login) = db.take_oidc_login(login_state).await? else {
        return problem(StatusCode::BAD_REQUEST, stale, true);
    };
    let Some(current) = current.filter(|c| c.session.id_hash == login.session_hash) else {
        db.record_security_event(None, "sign_in_failure", &ip, "e-ID: session mismatch")
            .await?;
        return problem(StatusCode::BAD_REQUEST, stale, true);
    };
    if let Some(error) = query.error.as_deref() {
        let message = if error == "access_denied" {
            "Bạn đã hủy đăng nhập tại hệ thống định danh điện tử."
        } else {
            "Hệ thống định danh điện tử không cho đăng nhập lần này."
        };
        return problem(StatusCode::UNAUTHORIZED, message, true);
    }
    let Some(code) = query.code.as_deref().filter(|c| !c.is_empty()) else {
        return problem(StatusCode::BAD_REQUEST, stale, true);
    };
    let redirect_uri = format!("{}{CALLBACK}", base_url(&state, &headers));
    let claims = match client
        .finish(code, &redirect_uri, &login.verifier, &login.nonce)
        .await
    {
        Ok(claims) => claims,
        Err(error @ OidcError::Provider(_)) => return unreachable(&error),
        Err(error @ OidcError::IdToken(_)) => {
            tracing::warn!(%error, "national e-ID");
            db.record_security_event(None, "sign_in_failure", &ip, &format!("e-ID: {error}"))
                .await?;
            return problem(
                StatusCode::UNAUTHORIZED,
                "Không xác minh được thông tin từ hệ thống định danh điện tử. Vui lòng thử lại.",
                true,
            );
        }
    };
    let account = match account_for(&state, client, &claims, &ip).await? {
        Ok(account) => account,
        Err(message) => return problem(StatusCode::CONFLICT, &message, false),
    };
    sign_in_as(
        &state,
        Some(&current),
        &account,
        &ip,
        &headers,
        "eid",
        login.next,
    )
    .await
}

/// The account of an e-ID identity: linked before, or with the same citizen ID
/// number (a citizen account), or opened now. `Err` explains why none can be used.
async fn account_for(
    state: &AppState,
    client: &OidcClient,
    claims: &IdTokenClaims,
    ip: &str,
) -> Result<Result<Account, String>, AppError> {
    let db = &state.store().db;
    if let Some(account) = db
        .account_for_identity(&claims.issuer, &claims.subject)
        .await?
    {
        return Ok(Ok(account));
    }
    let claim = &client.config().citizen_id_claim;
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let Some(citizen_id) = claims
        .text(claim)
        .and_then(|text| CitizenId::parse_as_of(&text, year).ok())
    else {
        tracing::warn!(%claim, "e-ID sent no valid citizen ID number");
        return Ok(Err(
            "Hệ thống định danh điện tử không gửi số định danh cá nhân hợp lệ, nên chưa thể mở tài khoản. Vui lòng dùng cách khác."
                .into(),
        ));
    };
    let name = claims
        .text("name")
        .or_else(|| {
            let parts: Vec<String> = ["family_name", "middle_name", "given_name"]
                .iter()
                .filter_map(|c| claims.text(c))
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        })
        .unwrap_or_else(|| "Công dân".into());
    let account = match db.account_by_citizen_id(citizen_id.as_str()).await? {
        Some(account) if account.kind == "citizen" => {
            if db
                .verification(account.id)
                .await?
                .identity_checked_at
                .is_none()
            {
                // Registering checks only the form of a citizen ID: whoever opened
                // this account may not be its holder. The holder, proven now, gets
                // it, and every way in the other could hold is cleared.
                let (sessions, tokens) = db.reclaim_for_identity(account.id, name.trim()).await?;
                tracing::warn!(
                    account = account.id,
                    sessions,
                    tokens,
                    "unchecked account reclaimed by its e-ID holder"
                );
                db.record_security_event(
                    Some(account.id),
                    "identity_reclaimed",
                    ip,
                    &format!(
                        "định danh điện tử: mật khẩu, liên hệ, {sessions} phiên và {tokens} khóa API đã xóa"
                    ),
                )
                .await?;
                db.account(account.id).await?.ok_or(AppError::NotFound)?
            } else {
                account
            }
        }
        Some(_) => {
            return Ok(Err(
                "Số định danh này gắn với một tài khoản cán bộ hoặc tổ chức. Hãy đăng nhập bằng mật khẩu."
                    .into(),
            ));
        }
        None => {
            let account = db
                .create_account(&AccountInput {
                    kind: "citizen",
                    full_name: name.trim(),
                    citizen_id: Some(citizen_id.as_str()),
                    ..Default::default()
                })
                .await?;
            db.record_security_event(Some(account.id), "account_opened", ip, "e-ID")
                .await?;
            account
        }
    };
    db.mark_identity_checked(account.id, None).await?;
    db.link_identity(&claims.issuer, &claims.subject, account.id)
        .await?;
    db.record_security_event(Some(account.id), "identity_linked", ip, "e-ID")
        .await?;
    Ok(Ok(account))
}
