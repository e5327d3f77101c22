//! `/tra-cuu`: public tracking without signing in. The dossier code and the last four
//! digits of the applicant's phone or ID number show the state, the dates and the
//! steps taken; never names, answers, notes or documents. Wrong guesses are throttled
//! per client address with growing delays.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::account::{client_ip, form_session};
use super::{Layout, local_time, respond, seconds_until};
use crate::auth::CurrentSession;
use crate::{AppError, AppState};

struct Tracked {
    procedure: String,
    code: String,
    state: String,
    state_name: String,
    agency: String,
    submitted: Option<String>,
    due: Option<String>,
    timeline: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "dossiers/tracking.html")]
struct TrackingPage {
    layout: Layout,
    csrf: String,
    code: String,
    message: Option<String>,
    result: Option<Tracked>,
}

#[derive(Deserialize)]
pub struct CodeQuery {
    #[serde(default)]
    ma: String,
}

/// `GET /tra-cuu?ma=…`.
pub async fn form(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    current: Option<axum::Extension<CurrentSession>>,
    Query(query): Query<CodeQuery>,
) -> Result<Response, AppError> {
    let (csrf, cookie) = form_session(&state, &addr, &headers, current.as_deref()).await?;
    let page = TrackingPage {
        layout: Layout::new("Tra cứu hồ sơ"),
        csrf,
        code: query.ma.trim().chars().take(60).collect(),
        message: None,
        result: None,
    };
    respond(page, StatusCode::OK, cookie)
}

#[derive(Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    ma: String,
    #[serde(default)]
    bon_so: String,
}

fn last_four(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 4).then(|| digits[digits.len() - 4..].to_string())
}

/// `POST /tra-cuu`.
pub async fn lookup(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<TrackForm>,
) -> Result<Response, AppError> {
    let db = &state.store().db;
    let code = form.ma.trim().to_string();
    let mut page = TrackingPage {
        layout: Layout::new("Tra cứu hồ sơ"),
        csrf: current.session.csrf_token.clone(),
        code: code.chars().take(60).collect(),
        message: None,
        result: None,
    };
    let key = format!("tra-cuu:{}", client_ip(&addr));
    let digits = form.bon_so.trim();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        page.message = Some("Nhập đúng 4 chữ số cuối.".into());
        return respond(page, StatusCode::UNPROCESSABLE_ENTITY, None);
    }
    if let Err(until) = db.throttle_take(&key).await? {
        page.message = Some(format!(
            "Bạn đã nhập sai nhiều lần. Vui lòng đợi {} giây rồi thử lại.",
            seconds_until(until)
        ));
        return respond(page, StatusCode::TOO_MANY_REQUESTS, None);
    }
    let dossier = db.dossier_by_code(&code).await?;
    let applicant = match dossier.as_ref().and_then(|d| d.applicant_id) {
        Some(id) => db.account(id).await?,
        None => None,
    };
    let matches = applicant.as_ref().is_some_and(|a| {
        [&a.phone, &a.citizen_id, &a.tax_code]
            .into_iter()
            .flatten()
            .filter_map(|v| last_four(v))
            .any(|four| four == digits)
    });
    let Some(dossier) = dossier.filter(|_| matches) else {
        page.message = Some(
            "Không tìm thấy hồ sơ khớp với mã và 4 chữ số đã nhập. Hãy kiểm tra lại mã trên giấy xác nhận.".into(),
        );
        return respond(page, StatusCode::NOT_FOUND, None);
    };
    db.throttle_refund(&key).await?;
    let procedure = super::submission::version_name(&state, dossier.procedure_version_id).await?;
    let agency = db
        .agency(dossier.agency_id)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    let label = super::submission::state_label;
    let timeline = motcua_app::dossiers::timeline(state.app(), dossier.id)
        .await?
        .into_iter()
        .map(|m| {
            (
                local_time(m.at, "%H:%M %d/%m/%Y"),
                format!("{} → {}", m.label, m.state_label),
            )
        })
        .collect();
    page.result = Some(Tracked {
        procedure,
        code: dossier.code.clone(),
        state: label(dossier.state.as_str()),
        state_name: dossier.state.as_str().to_string(),
        agency,
        submitted: dossier.submitted_at.map(|at| local_time(at, "%d/%m/%Y")),
        due: dossier.due_at.map(|at| local_time(at, "%d/%m/%Y")),
        timeline,
    });
    respond(page, StatusCode::OK, None)
}
