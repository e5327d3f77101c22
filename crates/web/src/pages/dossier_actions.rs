//! What an applicant does to a submitted dossier: withdraw it before receipt, answer a
//! supplementation request (upload the missing documents, correct the answers the
//! official marked), and rate the service once the result is out. Every action goes
//! through the dossier state machine and is recorded in the dossier's history.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bytes::Bytes;
use motcua_domain::catalog::{Problem, ProcedureEntry};
use motcua_domain::dossier::{Action, Command, DossierState, EventData, Role};
use motcua_domain::eform::{Answers, FileKind, Scope, Slot, merge_step, normalize, validate};
use motcua_store::document_store::{NewStoredDocument, Origin};
use motcua_store::dossiers::Dossier;
use serde::Deserialize;

use super::submission::render::Render;
use super::submission::{applicant_accounts, context, form_of};
use super::{Layout, respond};
use crate::auth::CurrentSession;
use crate::desk::DeskAction;
use crate::uploads::read_upload;
use crate::{AppError, AppState};
use motcua_app::documents::refusal;

/// A dossier of the signed-in applicant (their own or a represented organisation's);
/// anything else is "not found", logged.
pub async fn applicant_dossier(
    state: &AppState,
    current: &CurrentSession,
    code: &str,
) -> Result<(Dossier, ProcedureEntry), AppError> {
    let principal = current.signed_in()?;
    let db = &state.store().db;
    let dossier = db.dossier_by_code(code).await?.ok_or(AppError::NotFound)?;
    let mine = dossier
        .applicant_id
        .is_some_and(|id| id == principal.account.id)
        || match dossier.applicant_id {
            Some(id) => applicant_accounts(state, principal).await?.contains(&id),
            None => false,
        };
    if !mine {
        tracing::warn!(
            account = principal.account.id,
            dossier = code,
            "access denied: not the applicant"
        );
        return Err(AppError::NotFound);
    }
    let entry = super::submission::version_entry(state, dossier.procedure_version_id).await?;
    Ok((dossier, entry))
}

/// Whether the applicant may take `action` now (the dossier's own state machine, with
/// its deadline clock once received, decides).
pub fn applicant_may(dossier: &Dossier, entry: &ProcedureEntry, action: Action) -> bool {
    crate::desk::flow_of(dossier, entry)
        .map(|flow| flow.allowed_actions(Role::Applicant).contains(&action))
        .unwrap_or(false)
}

/// Whether the applicant may withdraw now.
pub fn can_withdraw(dossier: &Dossier, entry: &ProcedureEntry) -> bool {
    applicant_may(dossier, entry, Action::Withdraw)
}

/// Moves the applicant's dossier through the back office's one path.
async fn applicant_act(
    state: &AppState,
    current: &CurrentSession,
    dossier: Dossier,
    action: DeskAction,
    note: &str,
    version: i64,
) -> Result<(), AppError> {
    let principal = current.signed_in()?;
    let desk = crate::desk::describe(state.app(), dossier).await?;
    let request = crate::desk::Act {
        action,
        note: note.to_string(),
        expected_version: version,
        capacity: crate::desk::Capacity::Applicant,
    };
    crate::desk::act(state.app(), principal, &desk, request).await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    #[serde(default, rename = "_version")]
    version: String,
    dong_y: Option<String>,
}

/// `POST /ho-so/{code}/rut`.
pub async fn withdraw(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, AppError> {
    let (dossier, entry) = applicant_dossier(&state, &current, &code).await?;
    if form.dong_y.is_none() {
        return Err(AppError::field(
            "dong_y",
            "Đánh dấu ô xác nhận để rút hồ sơ",
        ));
    }
    if !can_withdraw(&dossier, &entry) {
        return Err(AppError::Refused(
            "Hồ sơ đã được tiếp nhận nên không rút được nữa; bạn có thể đề nghị dừng giải quyết"
                .into(),
        ));
    }
    let version = form.version.parse().unwrap_or(dossier.version);
    applicant_act(
        &state,
        &current,
        dossier,
        DeskAction::Flow(Command::Withdraw),
        "",
        version,
    )
    .await?;
    Ok(Redirect::to(&format!("/ho-so/{code}")).into_response())
}

/// The last supplementation request of a dossier: the items and the marked fields.
async fn last_request(
    state: &AppState,
    dossier: &Dossier,
) -> Result<(EventData, Option<String>), AppError> {
    let events = state.store().db.dossier_events(dossier.id).await?;
    let request = events
        .iter()
        .rev()
        .find(|e| e.action == "request_supplement")
        .ok_or(AppError::NotFound)?;
    let data: EventData = serde_json::from_str(&request.data).unwrap_or_default();
    let note = Some(request.note.clone()).filter(|n| !n.trim().is_empty());
    Ok((data, note))
}

#[derive(Template)]
#[template(path = "dossiers/supplement.html")]
struct SupplementPage {
    layout: Layout,
    csrf: String,
    code: String,
    procedure: String,
    items: Vec<String>,
    note: Option<String>,
    problems: Vec<(String, String)>,
    upload_error: Option<String>,
    pending: Vec<String>,
    slots: Vec<(usize, String)>,
    version: i64,
    fields: String,
}

/// What went wrong with a supplement being prepared.
#[derive(Default)]
struct Feedback<'a> {
    problems: &'a [Problem],
    upload_error: Option<String>,
}

async fn supplement_page(
    state: &AppState,
    current: &CurrentSession,
    (dossier, entry): (&Dossier, &ProcedureEntry),
    answers: &Answers,
    feedback: Feedback<'_>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let Feedback {
        problems,
        upload_error,
    } = feedback;
    let (request, note) = last_request(state, dossier).await?;
    let form = form_of(entry);
    let places = state.places().await?;
    // Only the marked fields, in a step of their own.
    let marked = motcua_domain::eform::Step {
        id: "bo_sung".into(),
        title: String::new(),
        intro: None,
        fields: form
            .steps
            .iter()
            .flat_map(|s| s.fields.iter())
            .filter(|f| request.fields.contains(&f.id))
            .cloned()
            .collect(),
    };
    let fields = Render {
        problems,
        places: &places,
    }
    .step(&marked, answers);
    let pending = state
        .store()
        .db
        .dossier_attachments(dossier.id)
        .await?
        .into_iter()
        .map(|(_, d)| d.file_name)
        .collect();
    let slots = entry
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| (i, d.name.chars().take(90).collect()))
        .collect();
    let page = SupplementPage {
        layout: Layout::new("Bổ sung hồ sơ"),
        csrf: current.session.csrf_token.clone(),
        code: dossier.code.clone(),
        procedure: entry.name.clone(),
        items: request.missing_items,
        note,
        problems: problems
            .iter()
            .map(|p| (p.path.clone(), p.message.clone()))
            .collect(),
        upload_error,
        pending,
        slots,
        version: dossier.version,
        fields,
    };
    respond(page, status, None)
}

fn awaiting_supplement(dossier: &Dossier) -> Result<(), AppError> {
    if dossier.state == DossierState::AwaitingSupplementation {
        Ok(())
    } else {
        Err(AppError::Refused(
            "Hồ sơ không ở trạng thái chờ bổ sung".into(),
        ))
    }
}

/// `GET /ho-so/{code}/bo-sung`.
pub async fn supplement_form(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let (dossier, entry) = applicant_dossier(&state, &current, &code).await?;
    awaiting_supplement(&dossier)?;
    let answers: Answers = serde_json::from_str(&dossier.form_data).unwrap_or_default();
    supplement_page(
        &state,
        &current,
        (&dossier, &entry),
        &answers,
        Feedback::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /ho-so/{code}/bo-sung/tep` (multipart `khe`, `tep`): a document for the
/// supplement, also kept in the applicant's store.
pub async fn supplement_upload(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let (dossier, entry) = applicant_dossier(&state, &current, &code).await?;
    awaiting_supplement(&dossier)?;
    let upload = read_upload(&mut multipart, "tep").await?;
    let slot: Option<usize> = upload.number("khe");
    let file = upload.file;
    let Some(index) = slot.filter(|i| *i < entry.documents.len()) else {
        return Err(AppError::NotFound);
    };
    let (name, bytes) = file.unwrap_or_default();
    let accept = Slot {
        index,
        name: entry.documents[index].name.clone(),
        required: false,
        shown: true,
        condition: None,
        originals: 0,
        copies: 0,
        show_only: false,
        accept: FileKind::DEFAULT.to_vec(),
        template: None,
        by_form: false,
    };
    if let Some(message) = refusal(&accept, &bytes, state.config().max_upload_bytes) {
        let answers: Answers = serde_json::from_str(&dossier.form_data).unwrap_or_default();
        return supplement_page(
            &state,
            &current,
            (&dossier, &entry),
            &answers,
            Feedback {
                problems: &[],
                upload_error: Some(message),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let record = state.store().save_file(bytes).await?;
    let db = &state.store().db;
    let owner = dossier.applicant_id.ok_or(AppError::NotFound)?;
    let title: String = accept.name.chars().take(200).collect();
    let document = db
        .store_document(&NewStoredDocument {
            owner_id: owner,
            file_id: record.id,
            title: &title,
            file_name: &name,
            origin: Origin::Uploaded,
            dossier_id: None,
        })
        .await?;
    db.add_pending_attachment(dossier.id, index as i64, document.id)
        .await?;
    Ok(Redirect::to(&format!("/ho-so/{code}/bo-sung")).into_response())
}

/// `POST /ho-so/{code}/bo-sung`: sends the supplement (corrected answers and the
/// documents uploaded for it).
pub async fn supplement(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (dossier, entry) = applicant_dossier(&state, &current, &code).await?;
    awaiting_supplement(&dossier)?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let version = pairs
        .iter()
        .find(|(k, _)| k == "_version")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(dossier.version);
    let (request, _) = last_request(&state, &dossier).await?;
    let form = form_of(&entry);
    let mut answers: Answers = serde_json::from_str(&dossier.form_data).unwrap_or_default();
    // Read the marked fields as a step of their own, then check them in the whole form.
    let mut corrected = form.clone();
    corrected.steps = vec![motcua_domain::eform::Step {
        id: "bo_sung".into(),
        title: String::new(),
        intro: None,
        fields: form
            .steps
            .iter()
            .flat_map(|s| s.fields.iter())
            .filter(|f| request.fields.contains(&f.id))
            .cloned()
            .collect(),
    }];
    merge_step(&corrected, "bo_sung", &mut answers, &pairs);
    let places = state.places().await?;
    let problems: Vec<Problem> = validate(&form, &answers, Scope::Whole, &context(&places))
        .into_iter()
        .filter(|p| {
            let top = p.path.split(['.', '[']).next().unwrap_or_default();
            request.fields.iter().any(|f| f == top)
        })
        .collect();
    if !problems.is_empty() {
        return supplement_page(
            &state,
            &current,
            (&dossier, &entry),
            &answers,
            Feedback {
                problems: &problems,
                upload_error: None,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let form_data = serde_json::Value::Object(normalize(&form, &answers)).to_string();
    applicant_act(
        &state,
        &current,
        dossier,
        DeskAction::Supplement {
            form_data,
            fields: request.fields.clone(),
        },
        "",
        version,
    )
    .await?;
    Ok(Redirect::to(&format!("/ho-so/{code}")).into_response())
}

#[derive(Deserialize)]
pub struct StopForm {
    #[serde(default, rename = "_version")]
    version: String,
    #[serde(default)]
    ly_do: String,
    dong_y: Option<String>,
}

/// `POST /ho-so/{code}/dung`: the applicant asks to stop processing a received
/// dossier; the agency's notice (form 05) follows in the dossier.
pub async fn stop(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    Form(form): Form<StopForm>,
) -> Result<Response, AppError> {
    let (dossier, entry) = applicant_dossier(&state, &current, &code).await?;
    if form.dong_y.is_none() {
        return Err(AppError::field(
            "dong_y",
            "Đánh dấu ô xác nhận để đề nghị dừng giải quyết",
        ));
    }
    if !applicant_may(&dossier, &entry, Action::Stop) {
        return Err(AppError::Refused(
            "Hồ sơ không ở giai đoạn có thể đề nghị dừng giải quyết".into(),
        ));
    }
    let version = form.version.parse().unwrap_or(dossier.version);
    let note: String = form.ly_do.trim().chars().take(1000).collect();
    applicant_act(
        &state,
        &current,
        dossier,
        DeskAction::Flow(Command::Stop),
        &note,
        version,
    )
    .await?;
    Ok(Redirect::to(&format!("/ho-so/{code}")).into_response())
}

/// States after which the service can be rated (by their stored name).
pub fn can_rate(state: &str) -> bool {
    state
        .parse::<DossierState>()
        .is_ok_and(motcua_app::dossiers::can_rate)
}

#[derive(Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    diem: String,
    #[serde(default)]
    nhan_xet: String,
}

/// `POST /ho-so/{code}/danh-gia`: 1–5 and a comment, once.
pub async fn rate(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    Form(form): Form<RatingForm>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let (dossier, _) = applicant_dossier(&state, &current, &code).await?;
    let score = form.diem.trim().parse::<i64>().ok();
    motcua_app::dossiers::rate(state.app(), principal, &dossier, score, &form.nhan_xet).await?;
    Ok(Redirect::to(&format!("/ho-so/{code}")).into_response())
}
