//! `/quan-tri/quy-trinh`: agency administrators define, per procedure, the workflow
//! their agency follows (ordered steps, the role of each, its share of the legal time),
//! validated against the procedure's processing time before it is saved.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_domain::dossier::{Channel, Role, Workflow, WorkflowStep, workflow_hours};
use motcua_store::agencies::Agency;

use super::actions::Posted;
use crate::auth::CurrentSession;
use crate::auth::policy::managed_agencies;
use crate::desk::processing_time;
use crate::pages::{Layout, respond};
use crate::{AppError, AppState};

/// Rows offered on the editing form (blank ones are ignored).
const ROWS: usize = 8;

/// A procedure of an agency: code, short name, whether the agency defined its own
/// workflow.
type ProcedureRow = (String, String, bool);

#[derive(Template)]
#[template(path = "desk/workflows.html")]
struct ListPage {
    layout: Layout,
    /// (agency code, agency name, its procedures).
    agencies: Vec<(String, String, Vec<ProcedureRow>)>,
}

#[derive(Template)]
#[template(path = "desk/workflow_form.html")]
struct FormPage {
    layout: Layout,
    csrf: String,
    agency: String,
    agency_name: String,
    code: String,
    procedure: String,
    total: String,
    hours: u32,
    /// (name, role, hours) per row.
    rows: Vec<(String, String, String)>,
    roles: Vec<(String, String)>,
    problems: Vec<String>,
    saved: bool,
}

async fn administered(state: &AppState, current: &CurrentSession) -> Result<Vec<Agency>, AppError> {
    Ok(managed_agencies(&state.store().db, current.signed_in()?).await?)
}

/// `GET /quan-tri/quy-trinh`.
pub async fn list(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
) -> Result<Response, AppError> {
    let catalog = state.catalog().current();
    let db = &state.store().db;
    let mut agencies = Vec::new();
    for agency in administered(&state, &current).await? {
        let codes = db.procedure_codes_of_agencies(&[agency.id]).await?;
        let mut procedures = Vec::new();
        for entry in catalog.entries().iter().filter(|e| codes.contains(&e.code)) {
            let defined = db.workflow(agency.id, &entry.code).await?.is_some();
            procedures.push((
                entry.code.clone(),
                crate::catalog::short_name(&entry.name),
                defined,
            ));
        }
        if !procedures.is_empty() {
            agencies.push((agency.code, agency.name, procedures));
        }
    }
    let page = ListPage {
        layout: Layout::new("Quy trình giải quyết"),
        agencies,
    };
    respond(page, StatusCode::OK, None)
}

fn role_options() -> Vec<(String, String)> {
    [Role::Specialist, Role::Leader, Role::ReceptionDesk]
        .iter()
        .map(|r| (r.as_str().to_string(), r.label().to_string()))
        .collect()
}

async fn target(
    state: &AppState,
    current: &CurrentSession,
    agency: &str,
    code: &str,
) -> Result<
    (
        Agency,
        std::sync::Arc<motcua_domain::catalog::ProcedureEntry>,
    ),
    AppError,
> {
    let agency = administered(state, current)
        .await?
        .into_iter()
        .find(|a| a.code == agency)
        .ok_or(AppError::NotFound)?;
    let performs = state
        .store()
        .db
        .procedure_agency_ids(code)
        .await?
        .contains(&agency.id);
    let entry = state
        .catalog()
        .current()
        .get(code)
        .filter(|_| performs)
        .cloned()
        .ok_or(AppError::NotFound)?;
    Ok((agency, entry))
}

fn form_page(
    current: &CurrentSession,
    agency: &Agency,
    entry: &motcua_domain::catalog::ProcedureEntry,
    workflow: &Workflow,
    problems: Vec<String>,
    saved: bool,
) -> FormPage {
    let time = processing_time(entry, Channel::Online);
    let mut rows: Vec<(String, String, String)> = workflow
        .steps
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.role.as_str().to_string(),
                s.hours.to_string(),
            )
        })
        .collect();
    while rows.len() < ROWS {
        rows.push((String::new(), String::new(), String::new()));
    }
    FormPage {
        layout: Layout::new("Quy trình giải quyết"),
        csrf: current.session.csrf_token.clone(),
        agency: agency.code.clone(),
        agency_name: agency.name.clone(),
        code: entry.code.clone(),
        procedure: entry.name.clone(),
        total: time.allowance.to_string(),
        hours: workflow_hours(time.allowance),
        rows,
        roles: role_options(),
        problems,
        saved,
    }
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    da_luu: String,
}

/// `GET /quan-tri/quy-trinh/{agency}/{code}`.
pub async fn edit(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path((agency, code)): Path<(String, String)>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let (agency, entry) = target(&state, &current, &agency, &code).await?;
    let time = processing_time(&entry, Channel::Online);
    let workflow = crate::desk::workflow_of(state.app(), agency.id, &entry, time).await?;
    let page = form_page(
        &current,
        &agency,
        &entry,
        &workflow,
        Vec::new(),
        query.da_luu == "1",
    );
    respond(page, StatusCode::OK, None)
}

/// `POST /quan-tri/quy-trinh/{agency}/{code}`: validates and saves.
pub async fn save(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path((agency, code)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let (agency, entry) = target(&state, &current, &agency, &code).await?;
    let form = Posted(pairs);
    let names = form.all_raw("ten");
    let roles = form.all_raw("vai_tro");
    let hours = form.all_raw("gio");
    let mut problems = Vec::new();
    let mut steps = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let name = name.trim();
        let role_text = roles.get(i).map(String::as_str).unwrap_or("");
        let hours_text = hours.get(i).map(|h| h.trim()).unwrap_or("");
        if name.is_empty() && hours_text.is_empty() {
            continue;
        }
        let role = role_text.parse::<Role>().unwrap_or(Role::Specialist);
        let hours = match hours_text.parse::<u32>() {
            Ok(h) if h <= 10_000 => h,
            _ => {
                problems.push(format!("Dòng {}: số giờ phải là số nguyên không âm", i + 1));
                0
            }
        };
        steps.push(WorkflowStep {
            name: name.chars().take(300).collect(),
            role,
            hours,
        });
    }
    let workflow = Workflow { steps };
    let time = processing_time(&entry, Channel::Online);
    problems.extend(
        workflow
            .check(time.allowance)
            .into_iter()
            .map(|p| p.message),
    );
    if !problems.is_empty() {
        let page = form_page(&current, &agency, &entry, &workflow, problems, false);
        return respond(page, StatusCode::UNPROCESSABLE_ENTITY, None);
    }
    let json = serde_json::to_string(&workflow).map_err(|e| AppError::Internal(e.to_string()))?;
    state
        .store()
        .db
        .save_workflow(agency.id, &entry.code, &json, principal.account.id)
        .await?;
    tracing::info!(
        account = principal.account.id,
        agency = %agency.code,
        procedure = %entry.code,
        "workflow saved"
    );
    Ok(Redirect::to(&format!(
        "/quan-tri/quy-trinh/{}/{}?da_luu=1",
        agency.code, entry.code
    ))
    .into_response())
}
