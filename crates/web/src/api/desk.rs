//! `/api/v1/desk/…`: the back office for integrations (an agency's own software, a
//! provincial dashboard): the queue, a dossier with everything an official sees, every
//! action (the same rules and the same one path as the pages), notes and messages,
//! result documents, and the one-stop forms. Calls carry an official's API token with
//! the `desk:read` or `desk:write` scope; the official's roles decide as on the pages.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::DateTime;
use motcua_domain::dossier::DossierState;
use motcua_store::desk::QueueFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dossiers::rfc3339;
use crate::auth::policy::ApiCaller;
use crate::desk::action_label;
use crate::desk::forms::issued;
use crate::desk::{
    Act, Capacity, DeskRequest, act, available, decide, desk_agencies, load, roles_for,
};
use crate::{AppError, AppState};

/// A dossier in a queue.
#[derive(Serialize, ToSchema)]
pub struct QueueItem {
    code: String,
    procedure: String,
    applicant: Option<String>,
    /// `online`, `assisted`, `counter`, `post`, `inter_agency`.
    channel: String,
    state: String,
    /// The official holding it (account id), if any.
    holder: Option<i64>,
    submitted_at: Option<String>,
    /// The due time in force (the apology letter's new date, else the legal one).
    due_at: Option<String>,
}

/// The queue of the caller's agencies, with a count for every state.
#[derive(Serialize, ToSchema)]
pub struct Queue {
    #[schema(value_type = Object)]
    counts: serde_json::Map<String, serde_json::Value>,
    dossiers: Vec<QueueItem>,
}

#[derive(Deserialize, IntoParams)]
pub struct QueueParams {
    /// Only this state.
    state: Option<String>,
    /// Only this channel.
    channel: Option<String>,
    /// Only dossiers the caller holds.
    #[serde(default)]
    mine: bool,
    /// Only dossiers due before this instant (RFC 3339).
    due_before: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/desk/dossiers",
    params(QueueParams),
    responses((status = 200, body = Queue)),
    security(("api_token" = ["desk:read"])),
    tag = "back office"
)]
pub async fn queue(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Query(params): Query<QueueParams>,
) -> Result<Json<Queue>, AppError> {
    let agencies = desk_agencies(state.app(), &caller.principal).await?;
    let wanted = match params.state.as_deref() {
        Some(name) => Some(
            name.parse::<DossierState>()
                .map_err(|e| AppError::field("state", e.to_string()))?,
        ),
        None => None,
    };
    let states: Vec<&str> = wanted.iter().map(|s| s.as_str()).collect();
    let due_before = match params.due_before.as_deref() {
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text)
                .map_err(|_| AppError::field("due_before", "Cần thời điểm RFC 3339"))?
                .timestamp_micros(),
        ),
        None => None,
    };
    let db = &state.store().db;
    let entries = db
        .agency_queue(
            &agencies,
            &QueueFilter {
                states: &states,
                channel: params.channel.as_deref(),
                holder: params.mine.then_some(caller.principal.account.id),
                due_before,
                code: None,
                limit: 500,
            },
        )
        .await?;
    let counted = db.agency_state_counts(&agencies).await?;
    let mut counts = serde_json::Map::new();
    for s in DossierState::ALL
        .iter()
        .filter(|s| **s != DossierState::Draft)
    {
        let n = counted
            .iter()
            .find(|(name, _)| name == s.as_str())
            .map(|(_, n)| *n)
            .unwrap_or(0);
        counts.insert(s.as_str().into(), n.into());
    }
    Ok(Json(Queue {
        counts,
        dossiers: entries
            .into_iter()
            .map(|e| QueueItem {
                procedure: e.procedure_name,
                applicant: e.applicant_name,
                channel: e.channel.to_string(),
                state: e.state.to_string(),
                holder: e.holder_id,
                submitted_at: e.submitted_at.map(rfc3339),
                due_at: e.extended_due_at.or(e.due_at).map(rfc3339),
                code: e.code,
            })
            .collect(),
    }))
}

/// One entry of a dossier's history, as officials see it.
#[derive(Serialize, ToSchema)]
pub struct DeskEvent {
    at: String,
    action: String,
    action_label: String,
    from_state: Option<String>,
    state: String,
    actor: Option<i64>,
    note: String,
    #[schema(value_type = Object)]
    data: serde_json::Value,
}

/// A note between officials (`officials`) or a message to the applicant (`applicant`).
#[derive(Serialize, ToSchema)]
pub struct NoteDto {
    at: String,
    author: String,
    audience: String,
    body: String,
}

/// A file of the dossier.
#[derive(Serialize, ToSchema)]
pub struct FileDto {
    id: i64,
    title: String,
    file_name: String,
    mime: String,
    size: i64,
}

/// A dossier as the back office sees it.
#[derive(Serialize, ToSchema)]
pub struct DeskDossierDto {
    code: String,
    procedure: String,
    agency: String,
    /// The agency working on it while transferred.
    working_agency: Option<String>,
    channel: String,
    state: String,
    state_label: String,
    /// The version to send with the next action.
    version: i64,
    /// The workflow step (0-based) and its name, once in processing.
    step: i64,
    step_name: Option<String>,
    holder: Option<i64>,
    received_at: Option<String>,
    due_at: Option<String>,
    extended_due_at: Option<String>,
    finished_at: Option<String>,
    /// `early`, `on_time` or `late`, once finished.
    timeliness: Option<String>,
    /// The actions the caller may take now.
    actions: Vec<String>,
    #[schema(value_type = Object)]
    answers: serde_json::Value,
    attachments: Vec<FileDto>,
    results: Vec<FileDto>,
    /// Forms issued, by number (`01` … `06`): `/api/v1/desk/dossiers/{code}/forms/01.pdf`.
    forms: Vec<String>,
    timeline: Vec<DeskEvent>,
    notes: Vec<NoteDto>,
}

async fn dossier_dto(
    state: &AppState,
    caller: &ApiCaller,
    code: &str,
) -> Result<DeskDossierDto, AppError> {
    let db = &state.store().db;
    let desk = load(state.app(), &caller.principal, code).await?;
    let roles = roles_for(state.app(), &caller.principal, &desk.dossier).await?;
    let events = db.dossier_events(desk.dossier.id).await?;
    let forms = issued(&desk, &events)
        .into_iter()
        .map(|f| f.number().to_string())
        .collect();
    let mut actions: Vec<String> = available(&desk, &roles)
        .into_iter()
        .map(|a| a.as_str().to_string())
        .collect();
    if crate::desk::can_pass_on(&desk, &roles) {
        actions.push("pass_on".into());
    }
    let d = &desk.dossier;
    Ok(DeskDossierDto {
        code: d.code.clone(),
        procedure: desk.entry.name.clone(),
        agency: desk.agency.code.clone(),
        working_agency: d
            .handling_agency_id
            .map(|_| desk.working_agency.code.clone()),
        channel: d.channel.as_str().to_string(),
        state: desk.state().as_str().to_string(),
        state_label: desk.state().label().to_string(),
        version: d.version,
        step: d.step,
        step_name: desk.step_name().map(str::to_string),
        holder: d.holder_id,
        received_at: d.received_at.map(rfc3339),
        due_at: d.due_at.map(rfc3339),
        extended_due_at: d.extended_due_at.map(rfc3339),
        finished_at: d.finished_at.map(rfc3339),
        timeliness: d.timeliness.clone(),
        actions,
        answers: serde_json::from_str(&d.form_data).unwrap_or_default(),
        attachments: db
            .dossier_attachments(d.id)
            .await?
            .into_iter()
            .map(|(_, a)| FileDto {
                id: a.id,
                title: a.title,
                file_name: a.file_name,
                mime: a.mime,
                size: a.size,
            })
            .collect(),
        results: db
            .results(d.id)
            .await?
            .into_iter()
            .map(|r| FileDto {
                id: r.id,
                title: r.title,
                file_name: r.file_name,
                mime: r.mime,
                size: r.size,
            })
            .collect(),
        forms,
        timeline: events
            .into_iter()
            .map(|e| DeskEvent {
                at: rfc3339(e.at),
                action_label: action_label(&e.action),
                action: e.action,
                from_state: e.from_state,
                state: e.to_state,
                actor: e.actor_id,
                note: e.note,
                data: serde_json::from_str(&e.data).unwrap_or_default(),
            })
            .collect(),
        notes: db
            .notes(d.id, true)
            .await?
            .into_iter()
            .map(|n| NoteDto {
                at: rfc3339(n.created_at),
                author: n.author_name,
                audience: n.audience,
                body: n.body,
            })
            .collect(),
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/desk/dossiers/{code}",
    params(("code" = String, Path, description = "Mã hồ sơ")),
    responses((status = 200, body = DeskDossierDto), (status = 404, body = crate::error::ApiErrorBody)),
    security(("api_token" = ["desk:read"])),
    tag = "back office"
)]
pub async fn detail(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(code): Path<String>,
) -> Result<Json<DeskDossierDto>, AppError> {
    Ok(Json(dossier_dto(&state, &caller, &code).await?))
}

/// An action on a dossier. `action` is one of `receive`, `request_supplement`,
/// `refuse`, `request_payment`, `confirm_payment`, `start_processing`, `pass_on`,
/// `assign`, `pause`, `resume`, `submit_for_approval`, `approve`, `send_back`,
/// `return_result`, `stop`, `transfer`, `transfer_back`, `extend`; the other fields
/// are what that action needs.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionDto {
    /// The dossier's version as last read (a changed dossier answers 409).
    version: i64,
    action: String,
    /// Refusal, pause, send-back, extension: the reason, as the applicant reads it.
    #[serde(default)]
    reason: Option<String>,
    /// A free comment recorded with the action.
    #[serde(default)]
    note: Option<String>,
    /// `request_supplement`: everything to supply, one entry per item.
    #[serde(default)]
    items: Vec<String>,
    /// `request_supplement`: e-form field ids the applicant must correct.
    #[serde(default)]
    fields: Vec<String>,
    /// `request_supplement`: confirms a second request (the law allows one).
    #[serde(default)]
    confirm_second_request: bool,
    /// `pass_on`, `assign`: the official (account id) to hand the dossier to.
    #[serde(default)]
    to: Option<i64>,
    /// `request_payment`: the amount in đồng.
    #[serde(default)]
    amount: Option<i64>,
    /// `confirm_payment`: the transaction or receipt reference.
    #[serde(default)]
    reference: Option<String>,
    /// `return_result`: `counter`, `post` or `electronic`.
    #[serde(default)]
    channel: Option<String>,
    /// `return_result` by post: the postal tracking number.
    #[serde(default)]
    tracking_number: Option<String>,
    /// `transfer`: the other agency's code.
    #[serde(default)]
    agency: Option<String>,
    /// `extend`: the new return date (RFC 3339).
    #[serde(default)]
    new_due: Option<String>,
}

impl ActionDto {
    /// The typed request the pages send too.
    fn request(&self) -> Result<DeskRequest, AppError> {
        let new_due = match &self.new_due {
            Some(text) => Some(
                DateTime::parse_from_rfc3339(text)
                    .map_err(|_| AppError::field("new_due", "Cần thời điểm RFC 3339"))?,
            ),
            None => None,
        };
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        Ok(DeskRequest {
            action: self.action.clone(),
            reason: text(&self.reason),
            items: self.items.clone(),
            fields: self.fields.clone(),
            confirm_second_request: self.confirm_second_request,
            to: self.to,
            amount: self.amount,
            reference: text(&self.reference),
            channel: text(&self.channel),
            tracking_number: text(&self.tracking_number),
            agency: text(&self.agency),
            new_due,
        })
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/desk/dossiers/{code}/actions",
    params(("code" = String, Path, description = "Mã hồ sơ")),
    request_body = ActionDto,
    responses(
        (status = 200, body = DeskDossierDto, description = "Đã thực hiện; hồ sơ mới"),
        (status = 409, body = crate::error::ApiErrorBody, description = "Hồ sơ đã thay đổi, hoặc thao tác không hợp lệ ở trạng thái này"),
        (status = 422, body = crate::error::ApiErrorBody, description = "Thiếu hoặc sai dữ liệu của thao tác")
    ),
    security(("api_token" = ["desk:write"])),
    tag = "back office"
)]
pub async fn perform(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(code): Path<String>,
    Json(dto): Json<ActionDto>,
) -> Result<Json<DeskDossierDto>, AppError> {
    let desk = load(state.app(), &caller.principal, &code).await?;
    let action = decide(state.app(), &desk, &dto.request()?).await?;
    let note: String = dto
        .note
        .as_deref()
        .unwrap_or("")
        .trim()
        .chars()
        .take(1000)
        .collect();
    let request = Act {
        action,
        note,
        expected_version: dto.version,
        capacity: Capacity::Official,
    };
    act(state.app(), &caller.principal, &desk, request).await?;
    Ok(Json(dossier_dto(&state, &caller, &code).await?))
}

/// A note or message.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    body: String,
    /// `officials` (internal, the default) or `applicant` (shown to the applicant).
    #[serde(default)]
    audience: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/desk/dossiers/{code}/notes",
    params(("code" = String, Path, description = "Mã hồ sơ")),
    request_body = NewNote,
    responses((status = 201, description = "Đã ghi")),
    security(("api_token" = ["desk:write"])),
    tag = "back office"
)]
pub async fn note(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(code): Path<String>,
    Json(note): Json<NewNote>,
) -> Result<Response, AppError> {
    let desk = load(state.app(), &caller.principal, &code).await?;
    let body: String = note.body.trim().chars().take(2000).collect();
    if body.is_empty() {
        return Err(AppError::field("body", "Nhập nội dung"));
    }
    let audience = match note.audience.as_deref() {
        None | Some("officials") => "officials",
        Some("applicant") => "applicant",
        Some(_) => {
            return Err(AppError::field(
                "audience",
                "Chỉ nhận `officials` hoặc `applicant`",
            ));
        }
    };
    crate::desk::add_note(state.app(), &desk, &caller.principal, audience, &body).await?;
    Ok(StatusCode::CREATED.into_response())
}

#[utoipa::path(
    post,
    path = "/api/v1/desk/dossiers/{code}/results",
    params(("code" = String, Path, description = "Mã hồ sơ")),
    request_body(content_type = "multipart/form-data", description = "`ten`: tên giấy tờ; `tep`: tệp PDF, JPEG hoặc PNG"),
    responses((status = 201, description = "Đã đính kèm kết quả"), (status = 422, body = crate::error::ApiErrorBody)),
    security(("api_token" = ["desk:write"])),
    tag = "back office"
)]
pub async fn add_result(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(code): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let desk = load(state.app(), &caller.principal, &code).await?;
    let (title, name, bytes) = crate::uploads::read_result(&mut multipart).await?;
    crate::desk::add_result(state.app(), &caller.principal, &desk, &title, &name, bytes).await?;
    Ok(StatusCode::CREATED.into_response())
}

#[utoipa::path(
    get,
    path = "/api/v1/desk/dossiers/{code}/forms/{file}",
    params(
        ("code" = String, Path, description = "Mã hồ sơ"),
        ("file" = String, Path, description = "`01.pdf`, `01.docx`, … `06.docx`")
    ),
    responses((status = 200, description = "Biểu mẫu (PDF hoặc DOCX)"), (status = 404, body = crate::error::ApiErrorBody)),
    security(("api_token" = ["desk:read"])),
    tag = "back office"
)]
pub async fn form(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path((code, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let desk = load(state.app(), &caller.principal, &code).await?;
    crate::downloads::form_file(&state, &desk, &file).await
}
