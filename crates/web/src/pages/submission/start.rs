//! `/thu-tuc/{code}/nop-truc-tuyen`: who files (the person, or an organisation they
//! represent) and to which agency; then a draft prefilled from the profile.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Opening, applicant_accounts, form_of, online, open_draft};
use crate::auth::{Actor, CurrentSession};
use crate::catalog::short_name;
use crate::pages::{Layout, local_time, respond};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "submission/start.html")]
struct StartPage {
    layout: Layout,
    csrf: String,
    code: String,
    name: String,
    short_name: String,
    applicants: Vec<(i64, String)>,
    agencies: Vec<(i64, String)>,
    agency_error: Option<String>,
    drafts: Vec<(String, String)>,
    steps: usize,
    ttl_days: i64,
}

async fn page(
    state: &AppState,
    current: &CurrentSession,
    code: &str,
) -> Result<StartPage, AppError> {
    let principal = current.signed_in()?;
    let catalog = state.catalog().current();
    let entry = catalog.get(code).ok_or(AppError::NotFound)?;
    if !online(entry) {
        return Err(AppError::NotFound);
    }
    let db = &state.store().db;
    let mut applicants = Vec::new();
    for id in applicant_accounts(state, principal).await? {
        if let Some(account) = db.account(id).await? {
            let label = if id == principal.account.id {
                format!("Bản thân: {}", account.full_name)
            } else if db.agency_of_account(id).await?.is_some() {
                format!("Cơ quan: {}", account.full_name)
            } else {
                format!("Tổ chức: {}", account.full_name)
            };
            applicants.push((id, label));
        }
    }
    let mut agencies = Vec::new();
    for id in db.procedure_agency_ids(code).await? {
        if let Some(agency) = db.agency(id).await? {
            agencies.push((agency.id, agency.name));
        }
    }
    agencies.sort_by(|a, b| a.1.cmp(&b.1));
    let current_version = db
        .current_procedure(code)
        .await?
        .map(|p| p.version_id)
        .unwrap_or_default();
    let drafts = db
        .drafts_of(&applicants.iter().map(|(id, _)| *id).collect::<Vec<_>>())
        .await?
        .into_iter()
        .filter(|d| d.procedure_version_id == current_version)
        .map(|d| {
            (
                format!("/ho-so-nhap/{}", d.public_id),
                local_time(d.updated_at, "%H:%M %d/%m/%Y"),
            )
        })
        .collect();
    Ok(StartPage {
        layout: Layout::new("Nộp hồ sơ trực tuyến"),
        csrf: current.session.csrf_token.clone(),
        code: code.to_string(),
        name: entry.name.clone(),
        short_name: short_name(&entry.name),
        applicants,
        agencies,
        agency_error: None,
        drafts,
        steps: form_of(entry).steps.len(),
        ttl_days: state.config().draft_ttl_days,
    })
}

/// `GET /thu-tuc/{code}/nop-truc-tuyen`.
pub async fn form(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let view = page(&state, &current, &code).await?;
    if view.agencies.is_empty() {
        return respond(
            StartPage {
                agency_error: Some(
                    "Chưa có cơ quan nào nhận hồ sơ trực tuyến cho thủ tục này trên cổng.".into(),
                ),
                ..view
            },
            StatusCode::OK,
            None,
        );
    }
    respond(view, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    nguoi_nop: String,
    #[serde(default)]
    co_quan: String,
}

/// Where a new draft starts.
pub fn first_step(draft: &motcua_store::drafts::Draft) -> String {
    format!(
        "/ho-so-nhap/{}/buoc/{}",
        draft.public_id, draft.current_step
    )
}

/// `POST /thu-tuc/{code}/nop-truc-tuyen`: opens a draft.
pub async fn create(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    Form(form): Form<StartForm>,
) -> Result<Response, AppError> {
    let principal: &Actor = current.signed_in()?;
    let mut view = page(&state, &current, &code).await?;
    let applicant = form
        .nguoi_nop
        .parse::<i64>()
        .ok()
        .filter(|id| view.applicants.iter().any(|(a, _)| a == id));
    let agency = form
        .co_quan
        .parse::<i64>()
        .ok()
        .filter(|id| view.agencies.iter().any(|(a, _)| a == id));
    let (Some(applicant), Some(agency)) = (applicant, agency) else {
        view.agency_error = Some("Chọn cơ quan tiếp nhận trong danh sách".into());
        return respond(view, StatusCode::UNPROCESSABLE_ENTITY, None);
    };
    let catalog = state.catalog().current();
    let entry = catalog.get(&code).ok_or(AppError::NotFound)?;
    let opening = Opening::online(principal, applicant, agency);
    let draft = open_draft(state.app(), entry, opening).await?;
    Ok(Redirect::to(&first_step(&draft)).into_response())
}
