//! Event deliveries given up on, for system administrators: which handler failed on
//! which event, how often and why, with a retry action.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::CurrentSession;
use crate::pages::Layout;
use crate::{AppError, AppState};

/// Dead letters shown on the page.
const LIMIT: i64 = 200;

struct LetterView {
    event_id: i64,
    handler: String,
    kind: String,
    dossier: String,
    attempts: i64,
    error: String,
    occurred: String,
    dead: String,
}

#[derive(Template)]
#[template(path = "admin/dead_letters.html")]
struct DeadLettersPage {
    layout: Layout,
    csrf: String,
    letters: Vec<LetterView>,
    pending: i64,
    retried: bool,
}

#[derive(Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    da_thu_lai: Option<String>,
}

/// `GET /quan-tri/su-kien-loi`.
pub async fn show(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    axum::extract::Query(query): axum::extract::Query<ShowQuery>,
) -> Result<Response, AppError> {
    current.signed_in()?;
    let db = &state.store().db;
    let letters = db
        .dead_letters(LIMIT)
        .await?
        .into_iter()
        .map(|d| LetterView {
            event_id: d.event_id,
            handler: d.handler,
            kind: d.kind,
            dossier: d.dossier_code.unwrap_or_default(),
            attempts: d.attempts,
            error: d.last_error.unwrap_or_default(),
            occurred: super::local_time(d.occurred_at, "%H:%M:%S %d/%m/%Y"),
            dead: super::local_time(d.dead_at, "%H:%M:%S %d/%m/%Y"),
        })
        .collect();
    let html = DeadLettersPage {
        layout: Layout::new("Sự kiện xử lý lỗi"),
        csrf: current.session.csrf_token.clone(),
        letters,
        pending: db.pending_deliveries().await?,
        retried: query.da_thu_lai.is_some(),
    }
    .render()
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

#[derive(Deserialize)]
pub struct RetryForm {
    su_kien: String,
    bo_xu_ly: String,
}

/// `POST /quan-tri/su-kien-loi/thu-lai`: gives a dead letter another round of attempts.
pub async fn retry(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<RetryForm>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let event_id = form
        .su_kien
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::field("su_kien", "Mã sự kiện không hợp lệ"))?;
    let handler = form.bo_xu_ly.trim();
    if !state
        .store()
        .db
        .retry_dead_letter(event_id, handler)
        .await?
    {
        return Err(AppError::NotFound);
    }
    tracing::info!(
        account = principal.account.id,
        event = event_id,
        handler,
        "dead letter retried"
    );
    Ok(Redirect::to("/quan-tri/su-kien-loi?da_thu_lai=1").into_response())
}
