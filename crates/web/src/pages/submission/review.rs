//! `/ho-so-nhap/{id}/kiem-tra`: every answer with a link to change it, the documents,
//! and the submit button; `/ho-so-nhap/{id}/nop` submits (once, however often it is
//! posted); `/ho-so/{code}/da-nop` confirms with the code and what happens next.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_domain::eform::{
    Answers, Field, FieldType, Places, display, group_thousands, item_name, visible,
};
use serde_json::{Map, Value};

use super::{DraftView, blockers, load_draft, online_fee, progress, submit_view};
use crate::auth::CurrentSession;
use crate::pages::{Layout, respond};
use crate::{AppError, AppState};

struct Section {
    title: String,
    href: String,
    rows: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "submission/review.html")]
struct ReviewPage {
    layout: Layout,
    csrf: String,
    procedure: String,
    progress: Vec<(String, String, bool)>,
    base: String,
    problems: Vec<(String, String)>,
    sections: Vec<Section>,
    documents: Vec<(String, String)>,
    fee: i64,
    fee_text: String,
}

/// The page of a submitted draft's dossier.
pub async fn dossier_link(state: &AppState, view: &DraftView) -> Result<String, AppError> {
    let id = view.draft.dossier_id.ok_or(AppError::NotFound)?;
    Ok(format!(
        "/ho-so/{}",
        state.store().db.dossier(id).await?.code
    ))
}

/// The answers of a form as `(label, text)` rows, groups item by item.
pub fn answer_rows(
    fields: &[Field],
    answers: &Answers,
    places: &dyn Places,
) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    for field in fields {
        if !visible(field, answers, answers) {
            continue;
        }
        if field.kind == FieldType::Group {
            let items = answers
                .get(&field.id)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if items.is_empty() {
                rows.push((field.label.clone(), String::new()));
            }
            let empty = Map::new();
            for (i, item) in items.iter().enumerate() {
                let local = item.as_object().unwrap_or(&empty);
                let text = field
                    .fields
                    .iter()
                    .filter(|sub| visible(sub, local, answers))
                    .map(|sub| {
                        format!(
                            "{}: {}",
                            sub.label,
                            display(sub, local.get(&sub.id), places)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                rows.push((format!("{} {}", item_name(field), i + 1), text));
            }
        } else {
            rows.push((
                field.label.clone(),
                display(field, answers.get(&field.id), places),
            ));
        }
    }
    rows
}

async fn render(
    state: &AppState,
    current: &CurrentSession,
    view: &DraftView,
    status: StatusCode,
) -> Result<Response, AppError> {
    let places = state.places().await?;
    let sections = view
        .form
        .steps
        .iter()
        .map(|step| Section {
            title: step.title.clone(),
            href: format!("{}/buoc/{}", view.base(), step.id),
            rows: answer_rows(&step.fields, &view.answers, places.as_ref()),
        })
        .collect();
    let attached = state.store().db.draft_attachments(view.draft.id).await?;
    let documents = view
        .slots()
        .into_iter()
        .filter(|s| s.shown)
        .map(|s| {
            let files = attached
                .iter()
                .filter(|(slot, _)| *slot == s.index as i64)
                .map(|(_, d)| d.file_name.clone())
                .collect::<Vec<_>>()
                .join(", ");
            (s.name.chars().take(160).collect(), files)
        })
        .collect();
    let fee = online_fee(&view.entry);
    let page = ReviewPage {
        layout: Layout::new("Kiểm tra và nộp"),
        csrf: current.session.csrf_token.clone(),
        procedure: view.entry.name.clone(),
        progress: progress(view, "kiem-tra"),
        base: view.base(),
        problems: blockers(state.app(), view).await?,
        sections,
        documents,
        fee,
        fee_text: format!("{} đồng", group_thousands(fee)),
    };
    respond(page, status, None)
}

/// `GET /ho-so-nhap/{id}/kiem-tra`.
pub async fn show(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let view = load_draft(state.app(), current.signed_in()?, &id).await?;
    if view.draft.dossier_id.is_some() {
        return Ok(Redirect::to(&dossier_link(&state, &view).await?).into_response());
    }
    render(&state, &current, &view, StatusCode::OK).await
}

/// `POST /ho-so-nhap/{id}/nop`: submits, once.
pub async fn submit(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let view = load_draft(state.app(), principal, &id).await?;
    match submit_view(state.app(), principal, &view).await? {
        // The desk goes on with a counter dossier: receive it, print form 01.
        Ok((dossier, _)) if dossier.channel == "counter" => {
            Ok(Redirect::to(&format!("/can-bo/ho-so/{}", dossier.code)).into_response())
        }
        Ok((dossier, _)) => {
            Ok(Redirect::to(&format!("/ho-so/{}/da-nop", dossier.code)).into_response())
        }
        Err(_) => render(&state, &current, &view, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

#[derive(Template)]
#[template(path = "submission/submitted.html")]
struct SubmittedPage {
    layout: Layout,
    code: String,
    procedure: String,
    agency: String,
    awaiting_payment: bool,
    fee_text: String,
    expected: Option<String>,
    notify: Option<String>,
}

/// `GET /ho-so/{code}/da-nop`: the confirmation.
pub async fn confirmation(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let db = &state.store().db;
    let dossier = motcua_app::dossiers::visible(state.app(), principal, &code).await?;
    let entry = super::version_entry(&state, dossier.procedure_version_id).await?;
    let agency = db
        .agency(dossier.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let expected = super::expected_due(
        &state,
        &entry,
        &agency.code,
        motcua_store::time::now_micros(),
    )
    .await?;
    let profile = db.profile(principal.account.id).await?;
    let verification = db.verification(principal.account.id).await?;
    let mut channels = Vec::new();
    if profile.notify_by_sms && verification.phone_verified_at.is_some() {
        channels.push("tin nhắn");
    }
    if profile.notify_by_email && verification.email_verified_at.is_some() {
        channels.push("e-mail");
    }
    let fee = online_fee(&entry);
    let page = SubmittedPage {
        layout: Layout::new("Đã nộp hồ sơ"),
        code: dossier.code,
        procedure: entry.name,
        agency: agency.name,
        awaiting_payment: dossier.state == "awaiting_payment",
        fee_text: format!("{} đồng", group_thousands(fee)),
        expected,
        notify: (!channels.is_empty()).then(|| channels.join(" và ")),
    };
    respond(page, StatusCode::OK, None)
}
