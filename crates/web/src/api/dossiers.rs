//! `/api/v1/drafts…` and `/api/v1/dossiers…`: online submission for mobile apps and
//! integrators, step for step the same as the pages (and the same rules): open a draft,
//! save each step's answers, attach documents, submit once, follow the dossiers. Calls
//! carry an API token of the applicant (or of a representative of the organisation).

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_domain::dossier::DossierState;
use motcua_domain::eform::{Answers, FormDefinition, Scope, merge_step_json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::ApiCaller;
use crate::uploads::read_upload;
use crate::{AppError, AppState, FieldError};
use motcua_app::access::applicant_accounts;
use motcua_app::documents::{reuse_in_draft, upload_to_draft};
use motcua_app::drafts::{
    DraftView, Opening, check, load_draft, missing_documents, missing_message, open_draft,
    save_step_with, submit as submit_view,
};
use motcua_app::procedures::{online, version_name};
use motcua_app::text::state_label;

/// The answers' problems as field errors, named by the answer's path.
fn field_errors(problems: Vec<motcua_domain::catalog::Problem>) -> Vec<FieldError> {
    problems
        .into_iter()
        .map(|p| FieldError {
            field: p.path,
            message: p.message,
        })
        .collect()
}

/// A document slot of a draft.
#[derive(Serialize, ToSchema)]
pub struct SlotDto {
    /// Position in the procedure's documents (what `slot` refers to).
    index: usize,
    name: String,
    required: bool,
    /// Accepted types, e.g. `application/pdf`.
    accept: Vec<String>,
    /// Ids of the stored documents attached.
    attached: Vec<i64>,
}

/// A draft: the form, the answers so far, the slots, and what still stops submission.
#[derive(Serialize, ToSchema)]
pub struct DraftDto {
    id: String,
    procedure: String,
    /// The e-form definition (format `motcua-form/1`).
    #[schema(value_type = Object)]
    form: FormDefinition,
    #[schema(value_type = Object)]
    answers: Answers,
    current_step: String,
    slots: Vec<SlotDto>,
    /// Problems that stop submission: `field` is an answer path or `documents[i]`.
    problems: Vec<FieldError>,
    /// RFC 3339: when the draft is removed unless saved again.
    expires_at: String,
}

pub(crate) fn rfc3339(micros: i64) -> String {
    motcua_store::time::from_micros(micros)
        .with_timezone(&motcua_domain::VIETNAM_TIME)
        .to_rfc3339()
}

async fn draft_dto(state: &AppState, view: &DraftView) -> Result<DraftDto, AppError> {
    let attached = state.store().db.draft_attachments(view.draft.id).await?;
    let slots = view
        .slots()
        .into_iter()
        .filter(|s| s.shown)
        .map(|s| SlotDto {
            attached: attached
                .iter()
                .filter(|(slot, _)| *slot == s.index as i64)
                .map(|(_, d)| d.id)
                .collect(),
            accept: s.accept.iter().map(|k| k.mime().to_string()).collect(),
            index: s.index,
            name: s.name,
            required: s.required,
        })
        .collect();
    let mut problems = field_errors(check(state.app(), view, Scope::Whole).await?);
    for slot in missing_documents(state.app(), view).await? {
        problems.push(FieldError {
            field: format!("documents[{}]", slot.index),
            message: missing_message(&slot),
        });
    }
    Ok(DraftDto {
        id: view.draft.public_id.clone(),
        procedure: view.code.clone(),
        form: view.form.clone(),
        answers: view.answers.clone(),
        current_step: view.draft.current_step.clone(),
        slots,
        problems,
        expires_at: rfc3339(view.draft.expires_at),
    })
}

/// What opens a draft.
#[derive(Deserialize, ToSchema)]
pub struct NewDraftDto {
    /// The procedure's code, e.g. `1.001193`.
    procedure: String,
    /// The receiving agency's code; the first agency handling the procedure if absent.
    #[serde(default)]
    agency: Option<String>,
    /// The applicant account (an organisation the caller represents); the caller if absent.
    #[serde(default)]
    applicant: Option<i64>,
}

#[utoipa::path(
    post,
    path = "/api/v1/drafts",
    request_body = NewDraftDto,
    responses(
        (status = 201, body = DraftDto),
        (status = 422, body = crate::error::ApiErrorBody, description = "Thủ tục, cơ quan hoặc người nộp không hợp lệ")
    ),
    security(("api_token" = ["dossiers:write"])),
    tag = "submission"
)]
pub async fn create_draft(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Json(body): Json<NewDraftDto>,
) -> Result<Response, AppError> {
    let principal = &caller.principal;
    let db = &state.store().db;
    let catalog = state.catalog().current();
    let Some(entry) = catalog.get(&body.procedure).filter(|e| online(e)) else {
        return Err(AppError::field(
            "procedure",
            "Không có thủ tục nộp trực tuyến với mã này",
        ));
    };
    let applicant = body.applicant.unwrap_or(principal.account.id);
    if !applicant_accounts(&state.store().db, principal)
        .await?
        .contains(&applicant)
    {
        return Err(AppError::field(
            "applicant",
            "Bạn không đại diện cho tài khoản này",
        ));
    }
    let agencies = db.procedure_agency_ids(&entry.code).await?;
    let agency = match &body.agency {
        Some(code) => db
            .agency_by_code(code)
            .await?
            .map(|a| a.id)
            .filter(|id| agencies.contains(id)),
        None => agencies.first().copied(),
    };
    let Some(agency) = agency else {
        return Err(AppError::field(
            "agency",
            "Cơ quan này không nhận thủ tục này",
        ));
    };
    let opening = Opening::online(principal, applicant, agency);
    let draft = open_draft(state.app(), entry, opening).await?;
    let view = load_draft(state.app(), principal, &draft.public_id).await?;
    Ok((StatusCode::CREATED, Json(draft_dto(&state, &view).await?)).into_response())
}

#[utoipa::path(
    get,
    path = "/api/v1/drafts/{id}",
    params(("id" = String, Path, description = "Mã bản nháp")),
    responses((status = 200, body = DraftDto), (status = 404, body = crate::error::ApiErrorBody)),
    security(("api_token" = ["dossiers:read"])),
    tag = "submission"
)]
pub async fn get_draft(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<DraftDto>, AppError> {
    let view = load_draft(state.app(), &caller.principal, &id).await?;
    Ok(Json(draft_dto(&state, &view).await?))
}

/// The answers of one step.
#[derive(Deserialize, ToSchema)]
pub struct StepAnswers {
    /// Answers by field id, as the form takes them (text, lists, `true`/`false`,
    /// `{"province","commune","street"}` for addresses, lists of objects for groups).
    #[schema(value_type = Object)]
    answers: Answers,
}

/// The saved draft and the problems of the saved step.
#[derive(Serialize, ToSchema)]
pub struct StepSaved {
    version: i64,
    /// Problems of this step; saving never loses answers, valid or not.
    problems: Vec<FieldError>,
}

#[utoipa::path(
    put,
    path = "/api/v1/drafts/{id}/steps/{step}",
    params(("id" = String, Path, description = "Mã bản nháp"), ("step" = String, Path, description = "Mã bước")),
    request_body = StepAnswers,
    responses(
        (status = 200, body = StepSaved),
        (status = 404, body = crate::error::ApiErrorBody),
        (status = 409, body = crate::error::ApiErrorBody, description = "Hồ sơ đã được nộp")
    ),
    security(("api_token" = ["dossiers:write"])),
    tag = "submission"
)]
pub async fn save_step(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path((id, step)): Path<(String, String)>,
    Json(body): Json<StepAnswers>,
) -> Result<Json<StepSaved>, AppError> {
    let view = save_step_with(
        state.app(),
        &caller.principal,
        &id,
        &step,
        |view, answers| {
            merge_step_json(&view.form, &step, answers, &body.answers);
        },
    )
    .await?;
    let problems = field_errors(check(state.app(), &view, Scope::Step(&step)).await?);
    Ok(Json(StepSaved {
        version: view.draft.version,
        problems,
    }))
}

/// A stored document.
#[derive(Serialize, ToSchema)]
pub struct DocumentDto {
    id: i64,
    file_name: String,
    content_type: String,
    size: i64,
}

#[utoipa::path(
    post,
    path = "/api/v1/drafts/{id}/documents",
    params(("id" = String, Path, description = "Mã bản nháp")),
    request_body(content_type = "multipart/form-data", description = "`slot` (số thứ tự giấy tờ) và `file` (tệp), hoặc `slot` và `document_id` (giấy tờ trong kho)"),
    responses(
        (status = 201, body = DocumentDto),
        (status = 422, body = crate::error::ApiErrorBody, description = "Tệp sai loại, quá lớn, hoặc thiếu")
    ),
    security(("api_token" = ["dossiers:write"])),
    tag = "submission"
)]
pub async fn attach(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let view = load_draft(state.app(), &caller.principal, &id).await?;
    if view.draft.dossier_id.is_some() {
        return Err(AppError::Conflict("the draft was submitted".into()));
    }
    let upload = read_upload(&mut multipart, "file").await?;
    let (slot, reuse): (Option<usize>, Option<i64>) =
        (upload.number("slot"), upload.number("document_id"));
    let file = upload.file;
    let slots = view.slots();
    let Some(slot) = slot.and_then(|i| slots.iter().find(|s| s.index == i && s.shown)) else {
        return Err(AppError::field(
            "slot",
            "Không có giấy tờ với số thứ tự này",
        ));
    };
    let document = match (reuse, file) {
        (Some(document_id), _) => {
            match reuse_in_draft(state.app(), &view, slot, document_id).await {
                Err(motcua_app::Error::NotFound) => {
                    return Err(AppError::field(
                        "document_id",
                        "Không có giấy tờ này trong kho của người nộp",
                    ));
                }
                other => other?,
            }
        }
        (None, Some((name, bytes))) => {
            let max = state.config().max_upload_bytes;
            upload_to_draft(state.app(), &view.draft, slot, &name, bytes, max).await?
        }
        (None, None) => return Err(AppError::field("file", "Thiếu tệp hoặc document_id")),
    };
    Ok((
        StatusCode::CREATED,
        Json(DocumentDto {
            id: document.id,
            file_name: document.file_name,
            content_type: document.mime,
            size: document.size,
        }),
    )
        .into_response())
}

/// A dossier, as its applicant sees it.
#[derive(Serialize, ToSchema)]
pub struct DossierDto {
    code: String,
    procedure: String,
    /// Stable state name, e.g. `submitted`.
    state: String,
    state_label: String,
    /// RFC 3339.
    submitted_at: Option<String>,
    due_at: Option<String>,
    /// Whether this call created it (a repeated submission answers `false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<bool>,
}

#[utoipa::path(
    post,
    path = "/api/v1/drafts/{id}/submit",
    params(("id" = String, Path, description = "Mã bản nháp")),
    responses(
        (status = 201, body = DossierDto, description = "Đã nộp: hồ sơ mới"),
        (status = 200, body = DossierDto, description = "Đã nộp trước đó: cùng hồ sơ"),
        (status = 422, body = crate::error::ApiErrorBody, description = "Còn điều cần sửa trước khi nộp")
    ),
    security(("api_token" = ["dossiers:write"])),
    tag = "submission"
)]
pub async fn submit(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let view = load_draft(state.app(), &caller.principal, &id).await?;
    match submit_view(state.app(), &caller.principal, &view).await? {
        Ok((dossier, created)) => {
            let dto = dossier_dto(&state, &dossier, Some(created)).await?;
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok((status, Json(dto)).into_response())
        }
        Err(problems) => Err(AppError::Validation(
            problems
                .into_iter()
                .map(|(href, message)| FieldError {
                    field: href.rsplit('#').next().unwrap_or_default().to_string(),
                    message,
                })
                .collect(),
        )),
    }
}

async fn dossier_dto(
    state: &AppState,
    dossier: &motcua_store::dossiers::Dossier,
    created: Option<bool>,
) -> Result<DossierDto, AppError> {
    let procedure = version_name(state.app(), dossier.procedure_version_id).await?;
    Ok(DossierDto {
        code: dossier.code.clone(),
        procedure,
        state_label: state_label(dossier.state.as_str()),
        state: dossier.state.as_str().to_string(),
        submitted_at: dossier.submitted_at.map(rfc3339),
        due_at: dossier.due_at.map(rfc3339),
        created,
    })
}

/// The caller's dossiers and drafts, with a count for every state.
#[derive(Serialize, ToSchema)]
pub struct MyDossiers {
    /// Every state (`draft` included), with how many are in it.
    #[schema(value_type = Object)]
    counts: serde_json::Map<String, serde_json::Value>,
    dossiers: Vec<DossierDto>,
    /// Ids of live drafts.
    drafts: Vec<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/dossiers",
    responses((status = 200, body = MyDossiers)),
    security(("api_token" = ["dossiers:read"])),
    tag = "submission"
)]
pub async fn list(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
) -> Result<Json<MyDossiers>, AppError> {
    let db = &state.store().db;
    let applicants = applicant_accounts(&state.store().db, &caller.principal).await?;
    let summaries = db.dossiers_of_applicants(&applicants).await?;
    let drafts = db.drafts_of(&applicants).await?;
    let mut counts = serde_json::Map::new();
    for s in DossierState::ALL {
        let n = if *s == DossierState::Draft {
            drafts.len()
        } else {
            summaries.iter().filter(|d| d.state == s.as_str()).count()
        };
        counts.insert(s.as_str().into(), n.into());
    }
    let mut dossiers = Vec::new();
    for summary in &summaries {
        dossiers.push(dossier_dto(&state, &db.dossier(summary.id).await?, None).await?);
    }
    Ok(Json(MyDossiers {
        counts,
        dossiers,
        drafts: drafts.into_iter().map(|d| d.public_id).collect(),
    }))
}

/// One step of a dossier's history (no notes: they may name people).
#[derive(Serialize, ToSchema)]
pub struct EventDto {
    at: String,
    action: String,
    action_label: String,
    state: String,
}

/// A dossier with its history.
#[derive(Serialize, ToSchema)]
pub struct DossierDetail {
    #[serde(flatten)]
    dossier: DossierDto,
    timeline: Vec<EventDto>,
    #[schema(value_type = Object)]
    answers: serde_json::Value,
}

#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{code}",
    params(("code" = String, Path, description = "Mã hồ sơ")),
    responses((status = 200, body = DossierDetail), (status = 404, body = crate::error::ApiErrorBody)),
    security(("api_token" = ["dossiers:read"])),
    tag = "submission"
)]
pub async fn detail(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(code): Path<String>,
) -> Result<Json<DossierDetail>, AppError> {
    let dossier = motcua_app::dossiers::visible(state.app(), &caller.principal, &code).await?;
    let timeline = motcua_app::dossiers::timeline(state.app(), dossier.id)
        .await?
        .into_iter()
        .map(|m| EventDto {
            at: rfc3339(m.at),
            action_label: m.label,
            action: m.action,
            state: m.to_state,
        })
        .collect();
    Ok(Json(DossierDetail {
        answers: serde_json::from_str(&dossier.form_data).unwrap_or_default(),
        dossier: dossier_dto(&state, &dossier, None).await?,
        timeline,
    }))
}
