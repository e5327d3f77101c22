//! The procedure editor of agency administrators: the procedures they may edit, and a
//! form to create one or to change one (each save is a new version; dossiers keep the
//! version they were filed under). System administrators may edit every procedure.

pub mod form;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use motcua_domain::catalog::ProcedureEntry;
use motcua_store::StoreError;
use motcua_store::agencies::Agency;
use motcua_store::procedures::{ProcedureInput, SaveOutcome};
use serde::Deserialize;

use self::form::{FormErrors, ProcedureForm};
use crate::auth::CurrentSession;
use crate::auth::policy::{self, ConfigScope};
use crate::pages::Layout;
use crate::{AppError, AppState};

fn html(page: impl Template, status: StatusCode) -> Result<Response, AppError> {
    let body = page
        .render()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((status, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response())
}

struct Row {
    code: String,
    name: String,
    field: String,
}

#[derive(Template)]
#[template(path = "admin/procedures.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    everything: bool,
}

/// `GET /quan-tri/thu-tuc`: the procedures this administrator may edit.
pub async fn list(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
) -> Result<Response, AppError> {
    let db = &state.store().db;
    let scope = policy::config_scope(db, current.signed_in()?).await?;
    let snapshot = state.catalog().current();
    let codes = match &scope {
        ConfigScope::All => None,
        ConfigScope::Agencies(ids) => Some(db.procedure_codes_of_agencies(ids).await?),
    };
    let rows = snapshot
        .entries()
        .iter()
        .filter(|e| codes.as_ref().is_none_or(|c| c.contains(&e.code)))
        .map(|e| Row {
            code: e.code.clone(),
            name: e.name.clone(),
            field: e.field.clone(),
        })
        .collect();
    html(
        ListPage {
            layout: Layout::new("Quản lý thủ tục"),
            rows,
            everything: scope == ConfigScope::All,
        },
        StatusCode::OK,
    )
}

struct VersionView {
    version: i64,
    at: String,
    author: String,
}

#[derive(Template)]
#[template(path = "admin/procedure_form.html")]
struct FormPage {
    layout: Layout,
    csrf: String,
    form: ProcedureForm,
    errors: FormErrors,
    /// A problem with the whole save (a conflict), shown above the form.
    message: Option<String>,
    saved: Option<String>,
    creating: bool,
    action: String,
    fields: Vec<String>,
    /// Agencies a new procedure may be linked to (creating only).
    agencies: Vec<Agency>,
    chosen_agency: i64,
    history: Vec<VersionView>,
}

impl FormPage {
    fn checked(&self, level: &str) -> bool {
        self.form.has_level(level)
    }
}

async fn form_page(
    state: &AppState,
    current: &CurrentSession,
    form: ProcedureForm,
    creating: bool,
) -> Result<FormPage, AppError> {
    let db = &state.store().db;
    let scope = policy::config_scope(db, current.signed_in()?).await?;
    let mut fields: Vec<String> = state
        .catalog()
        .current()
        .entries()
        .iter()
        .map(|e| e.field.clone())
        .collect();
    fields.sort();
    fields.dedup();
    let agencies = if creating {
        match &scope {
            ConfigScope::All => db.agencies().await?,
            ConfigScope::Agencies(_) => {
                let mut own = Vec::new();
                for id in policy::administered_agencies(current.signed_in()?) {
                    own.extend(db.agency(id).await?);
                }
                own
            }
        }
    } else {
        Vec::new()
    };
    let history = if creating {
        Vec::new()
    } else {
        db.procedure_history(&form.code)
            .await?
            .into_iter()
            .map(|v| VersionView {
                version: v.version,
                at: super::local_time(v.created_at, "%H:%M %d/%m/%Y"),
                author: v.author.unwrap_or_else(|| "Nhập từ tệp danh mục".into()),
            })
            .collect()
    };
    let action = if creating {
        "/quan-tri/thu-tuc/moi".to_string()
    } else {
        format!("/quan-tri/thu-tuc/{}/sua", form.code)
    };
    Ok(FormPage {
        layout: Layout::new(if creating {
            "Thêm thủ tục"
        } else {
            "Sửa thủ tục"
        }),
        csrf: current.session.csrf_token.clone(),
        chosen_agency: agencies.first().map_or(0, |a| a.id),
        form,
        errors: FormErrors::default(),
        message: None,
        saved: None,
        creating,
        action,
        fields,
        agencies,
        history,
    })
}

/// `GET /quan-tri/thu-tuc/moi`.
pub async fn new_form(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
) -> Result<Response, AppError> {
    let page = form_page(&state, &current, ProcedureForm::blank(), true).await?;
    html(page, StatusCode::OK)
}

/// `POST /quan-tri/thu-tuc/moi`.
pub async fn create(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = ProcedureForm::from_pairs(&pairs);
    let chosen: Option<i64> = pairs
        .iter()
        .find(|(k, _)| k == "co_quan_quan_ly")
        .and_then(|(_, v)| v.parse().ok())
        .filter(|id| *id > 0);
    let db = &state.store().db;
    let principal = current.signed_in()?;
    let scope = policy::config_scope(db, principal).await?;
    // Agency administrators link what they create to an agency of theirs.
    let agency = match (&scope, chosen) {
        (ConfigScope::All, chosen) => chosen,
        (ConfigScope::Agencies(_), Some(id))
            if policy::administered_agencies(principal).contains(&id) =>
        {
            Some(id)
        }
        (ConfigScope::Agencies(_), _) => policy::administered_agencies(principal).first().copied(),
    };
    save(&state, &current, form, None, agency).await
}

#[derive(Deserialize)]
pub struct SavedQuery {
    luu: Option<String>,
}

/// `GET /quan-tri/thu-tuc/{code}/sua`.
pub async fn edit_form(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let (entry, version) = editable(&state, &current, &code).await?;
    let mut page = form_page(
        &state,
        &current,
        ProcedureForm::from_entry(&entry, version),
        false,
    )
    .await?;
    page.saved = match query.luu.as_deref() {
        Some("0") => Some("Không có thay đổi nào để lưu.".into()),
        Some(v) if v.parse::<i64>().is_ok() => Some(format!(
            "Đã lưu phiên bản {v}. Trang thủ tục đã được cập nhật."
        )),
        _ => None,
    };
    html(page, StatusCode::OK)
}

/// `POST /quan-tri/thu-tuc/{code}/sua`.
pub async fn update(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (previous, _) = editable(&state, &current, &code).await?;
    let mut form = ProcedureForm::from_pairs(&pairs);
    // The code names the procedure: it is not edited.
    form.code = code;
    save(&state, &current, form, Some(previous), None).await
}

/// The current entry and version of a procedure this principal may edit.
async fn editable(
    state: &AppState,
    current: &CurrentSession,
    code: &str,
) -> Result<(ProcedureEntry, i64), AppError> {
    let db = &state.store().db;
    let Some(stored) = db.current_procedure(code).await? else {
        return Err(AppError::NotFound);
    };
    let principal = current.signed_in()?;
    if !policy::may_edit_procedure(db, principal, code).await? {
        tracing::warn!(
            account = principal.account.id,
            procedure = code,
            "procedure edit denied: outside the administrator's agencies"
        );
        return Err(AppError::Forbidden);
    }
    let entry = serde_json::from_str(&stored.data)
        .map_err(|e| AppError::Internal(format!("stored procedure {code}: {e}")))?;
    Ok((entry, stored.version))
}

async fn save(
    state: &AppState,
    current: &CurrentSession,
    form: ProcedureForm,
    previous: Option<ProcedureEntry>,
    agency: Option<i64>,
) -> Result<Response, AppError> {
    let creating = previous.is_none();
    let retry = |form: ProcedureForm, errors: FormErrors, message: Option<String>, status| async move {
        let mut page = form_page(state, current, form.with_spare_rows(), creating).await?;
        page.errors = errors;
        page.message = message;
        if let Some(agency) = agency {
            page.chosen_agency = agency;
        }
        html(page, status)
    };
    let entry = match form.to_entry(previous.as_ref()) {
        Ok(entry) => entry,
        Err(errors) => {
            let message = format!(
                "Chưa lưu: {} chỗ cần sửa, xem các ô được đánh dấu.",
                errors.len()
            );
            return retry(
                form,
                errors,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let data = serde_json::to_string(&entry).map_err(|e| AppError::Internal(e.to_string()))?;
    let input = ProcedureInput {
        code: &entry.code,
        name: &entry.name,
        field: &entry.field,
        online_service: entry.online_service.as_str(),
        data: &data,
    };
    let expected = (!creating).then_some(form.version);
    let db = &state.store().db;
    let principal = current.signed_in()?;
    match db
        .save_procedure_edit(&input, expected, principal.account.id, agency)
        .await
    {
        Ok((version, outcome)) => {
            if let Err(e) = state.catalog().refresh(db).await {
                // Saved; the periodic refresh will pick it up.
                tracing::error!(error = %e, "cannot refresh the catalog after an edit");
            }
            tracing::info!(account = principal.account.id, procedure = %entry.code, version = version.version, "procedure saved");
            let shown = if outcome == SaveOutcome::Unchanged {
                0
            } else {
                version.version
            };
            Ok(
                Redirect::to(&format!("/quan-tri/thu-tuc/{}/sua?luu={shown}", entry.code))
                    .into_response(),
            )
        }
        Err(StoreError::Conflict(_)) if creating => {
            let mut errors = FormErrors::default();
            errors.add(
                "ma",
                "đã có thủ tục mang mã này; hãy sửa thủ tục đó thay vì tạo mới",
            );
            retry(form, errors, None, StatusCode::CONFLICT).await
        }
        Err(StoreError::Conflict(_)) => {
            // Keep what was typed; saving again (knowingly) replaces the newer version.
            let mut form = form;
            if let Some(now) = db.current_procedure(&entry.code).await? {
                form.version = now.version;
            }
            let message = format!(
                "Thủ tục vừa được người khác sửa (nay là phiên bản {}) trong lúc bạn nhập. Nội dung bạn nhập vẫn còn dưới đây; nếu bấm Lưu lần nữa, bản của bạn sẽ thay bản đó.",
                form.version
            );
            retry(
                form,
                FormErrors::default(),
                Some(message),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
