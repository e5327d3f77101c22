//! `/ho-so-nhap/{id}/kiem-tra`: every answer with a link to change it, the documents,
//! and the submit button; `/ho-so-nhap/{id}/nop` submits (once, however often it is
//! posted); `/ho-so/{code}/da-nop` confirms with the code and what happens next.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_domain::eform::{
    Answers, Field, FieldType, Places, Scope, display, group_thousands, item_name, normalize,
    validate, visible,
};
use motcua_store::drafts::Submission;
use serde_json::{Map, Value};

use super::{DraftView, context, load_draft, online_fee, progress};
use crate::auth::policy::may_see_dossier;
use crate::auth::{Actor, CurrentSession};
use crate::pages::{Layout, respond};
use crate::{AppError, AppState};
use motcua_store::dossiers::Dossier;

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

/// Everything that stops the submission: answers (linked to their step) and
/// required documents not attached.
pub async fn blockers(
    state: &AppState,
    view: &DraftView,
) -> Result<Vec<(String, String)>, AppError> {
    let places = state.places().await?;
    let mut problems = Vec::new();
    for problem in validate(&view.form, &view.answers, Scope::Whole, &context(&places)) {
        let top = problem
            .path
            .split(['.', '['])
            .next()
            .unwrap_or_default()
            .to_string();
        let step = view
            .form
            .steps
            .iter()
            .find(|s| s.fields.iter().any(|f| f.id == top))
            .map(|s| s.id.clone())
            .unwrap_or_default();
        let label = view
            .form
            .steps
            .iter()
            .flat_map(|s| &s.fields)
            .find(|f| f.id == top)
            .map(|f| f.label.clone())
            .unwrap_or_default();
        problems.push((
            format!("{}/buoc/{step}#{}", view.base(), problem.path),
            format!("{label}: {}", problem.message),
        ));
    }
    let attached = state.store().db.draft_attachments(view.draft.id).await?;
    for slot in view.slots() {
        if slot.shown && slot.required && !attached.iter().any(|(s, _)| *s == slot.index as i64) {
            problems.push((
                format!("{}/giay-to#giay-to-{}", view.base(), slot.index),
                format!(
                    "Chưa đính kèm: {}",
                    slot.name.chars().take(120).collect::<String>()
                ),
            ));
        }
    }
    Ok(problems)
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
        problems: blockers(state, view).await?,
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
    let view = load_draft(&state, current.signed_in()?, &id).await?;
    if view.draft.dossier_id.is_some() {
        return Ok(Redirect::to(&dossier_link(&state, &view).await?).into_response());
    }
    render(&state, &current, &view, StatusCode::OK).await
}

/// Submits a draft the principal may work on: `Ok(Err(problems))` when something
/// stops it, else the dossier and whether this call created it (a repeat returns the
/// same dossier).
pub async fn submit_view(
    state: &AppState,
    principal: &Actor,
    view: &DraftView,
) -> Result<Result<(Dossier, bool), Vec<(String, String)>>, AppError> {
    let db = &state.store().db;
    if let Some(dossier_id) = view.draft.dossier_id {
        return Ok(Ok((db.dossier(dossier_id).await?, false)));
    }
    let problems = blockers(state, view).await?;
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let agency = db
        .agency(view.draft.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let day = chrono::Utc::now()
        .with_timezone(&motcua_domain::VIETNAM_TIME)
        .format("%y%m%d")
        .to_string();
    let counter = view.draft.channel.as_deref() == Some("counter");
    // Fees of a paper dossier are paid at the desk.
    let state_name = if online_fee(&view.entry) > 0 && !counter {
        "awaiting_payment"
    } else {
        "submitted"
    };
    let channel = if counter {
        "counter"
    } else if view.draft.assisted_by.is_some() {
        "assisted"
    } else {
        "online"
    };
    let form_data = Value::Object(normalize(&view.form, &view.answers)).to_string();
    let event_data = serde_json::json!({
        "procedure": view.code,
        "filed_by": view.draft.created_by,
        "assisted_by": view.draft.assisted_by,
    })
    .to_string();
    Ok(Ok(db
        .submit_draft(
            view.draft.id,
            &Submission {
                agency_code: &agency.code,
                day: &day,
                state: state_name,
                form_data: &form_data,
                channel,
                actor_id: principal.account.id,
                event_data: &event_data,
            },
        )
        .await?))
}

/// `POST /ho-so-nhap/{id}/nop`: submits, once.
pub async fn submit(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let view = load_draft(&state, principal, &id).await?;
    match submit_view(&state, principal, &view).await? {
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
    let dossier = db.dossier_by_code(&code).await?.ok_or(AppError::NotFound)?;
    if !may_see_dossier(db, principal, &dossier).await? {
        return Err(AppError::NotFound);
    }
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
