//! `/ho-so-nhap/{id}/giay-to`: a slot per document of the procedure; each takes files
//! uploaded now (type checked by content, size limited) or documents reused from the
//! applicant's store. Every upload also goes into that store.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::documents::{reuse_in_draft, upload_to_draft};
use motcua_domain::eform::FileKind;
use serde::Deserialize;

use super::{DraftView, load_draft, progress};
use crate::auth::CurrentSession;
use crate::pages::{Layout, respond};
use crate::uploads::read_upload;
use crate::{AppError, AppState};

pub struct SlotView {
    pub index: usize,
    pub name: String,
    pub required: bool,
    pub condition: Option<String>,
    pub originals: u32,
    pub copies: u32,
    pub show_only: bool,
    pub accept: String,
    /// `(document id, file name, size)`.
    pub attached: Vec<(i64, String, String)>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "submission/documents.html")]
struct DocumentsPage {
    layout: Layout,
    csrf: String,
    procedure: String,
    progress: Vec<(String, String, bool)>,
    base: String,
    notice: Option<String>,
    slots: Vec<SlotView>,
    by_form: Vec<String>,
    stored: Vec<(i64, String)>,
    docx: bool,
    max_mb: usize,
}

pub use motcua_app::documents::human_size;

async fn render(
    state: &AppState,
    current: &CurrentSession,
    view: &DraftView,
    notice: Option<String>,
    error: Option<(usize, String)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let db = &state.store().db;
    let attachments = db.draft_attachments(view.draft.id).await?;
    let slots = view.slots();
    let by_form = slots
        .iter()
        .filter(|s| s.by_form)
        .map(|s| s.name.clone())
        .collect();
    let docx = slots.iter().any(|s| s.accept.contains(&FileKind::Docx));
    let slots = slots
        .into_iter()
        .filter(|s| s.shown)
        .map(|s| SlotView {
            attached: attachments
                .iter()
                .filter(|(slot, _)| *slot == s.index as i64)
                .map(|(_, d)| (d.id, d.file_name.clone(), human_size(d.size)))
                .collect(),
            error: error
                .as_ref()
                .filter(|(i, _)| *i == s.index)
                .map(|(_, m)| m.clone()),
            accept: s
                .accept
                .iter()
                .map(|k| k.mime())
                .collect::<Vec<_>>()
                .join(","),
            index: s.index,
            name: s.name,
            required: s.required,
            condition: s.condition,
            originals: s.originals,
            copies: s.copies,
            show_only: s.show_only,
        })
        .collect();
    // A helper at a counter never sees the person's document store.
    let owned = if view.by_helper {
        Vec::new()
    } else {
        db.documents_of(view.draft.account_id).await?
    };
    let stored = owned
        .into_iter()
        .map(|d| {
            (
                d.id,
                format!(
                    "{} – {} ({})",
                    d.title.chars().take(60).collect::<String>(),
                    d.file_name,
                    crate::pages::local_time(d.created_at, "%d/%m/%Y")
                ),
            )
        })
        .collect();
    let page = DocumentsPage {
        layout: Layout::new("Giấy tờ kèm theo"),
        csrf: current.session.csrf_token.clone(),
        procedure: view.entry.name.clone(),
        progress: progress(view, "giay-to"),
        base: view.base(),
        notice,
        slots,
        by_form,
        stored,
        docx,
        max_mb: state.config().max_upload_bytes / (1024 * 1024),
    };
    respond(page, status, None)
}

/// `GET /ho-so-nhap/{id}/giay-to`.
pub async fn show(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let view = load_draft(state.app(), current.signed_in()?, &id).await?;
    if view.draft.dossier_id.is_some() {
        return Ok(
            Redirect::to(&super::review::dossier_link(&state, &view).await?).into_response(),
        );
    }
    render(&state, &current, &view, None, None, StatusCode::OK).await
}

/// `POST /ho-so-nhap/{id}/giay-to` (multipart: `khe`, `tep`).
pub async fn upload(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let view = load_draft(state.app(), current.signed_in()?, &id).await?;
    if view.draft.dossier_id.is_some() {
        return Err(AppError::Conflict("the draft was submitted".into()));
    }
    let upload = read_upload(&mut multipart, "tep").await?;
    let slot_index: Option<usize> = upload.number("khe");
    let file = upload.file;
    let slots = view.slots();
    let Some(slot) = slot_index.and_then(|i| slots.iter().find(|s| s.index == i && s.shown)) else {
        return Err(AppError::NotFound);
    };
    let (name, bytes) = file.unwrap_or_default();
    let max = state.config().max_upload_bytes;
    let attached = upload_to_draft(state.app(), &view.draft, slot, &name, bytes, max).await;
    after_attaching(&state, &current, &view, slot.index, attached).await
}

/// Back to the slot once a document is attached; a refused one is shown at its slot.
async fn after_attaching(
    state: &AppState,
    current: &CurrentSession,
    view: &DraftView,
    slot: usize,
    attached: motcua_app::Result<motcua_store::document_store::StoredDocument>,
) -> Result<Response, AppError> {
    match attached {
        Ok(_) => {
            Ok(Redirect::to(&format!("{}/giay-to#giay-to-{slot}", view.base())).into_response())
        }
        Err(motcua_app::Error::Validation(fields)) => {
            let message = fields.into_iter().next().map(|f| (slot, f.message));
            render(
                state,
                current,
                view,
                None,
                message,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct SlotForm {
    #[serde(default)]
    khe: String,
    #[serde(default)]
    tai_lieu: String,
}

/// `POST /ho-so-nhap/{id}/giay-to/dung-lai`: attaches a document from the store.
pub async fn reuse(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<SlotForm>,
) -> Result<Response, AppError> {
    let view = load_draft(state.app(), current.signed_in()?, &id).await?;
    if view.draft.dossier_id.is_some() {
        return Err(AppError::Conflict("the draft was submitted".into()));
    }
    let slots = view.slots();
    let slot = form
        .khe
        .parse::<usize>()
        .ok()
        .and_then(|i| slots.iter().find(|s| s.index == i && s.shown))
        .ok_or(AppError::NotFound)?;
    // Only the applicant's own documents: another person's number is "not found".
    let document_id = form
        .tai_lieu
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let attached = reuse_in_draft(state.app(), &view, slot, document_id).await;
    after_attaching(&state, &current, &view, slot.index, attached).await
}

/// `POST /ho-so-nhap/{id}/giay-to/bo`: takes a document off a slot (it stays in the
/// store).
pub async fn detach(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<SlotForm>,
) -> Result<Response, AppError> {
    let view = load_draft(state.app(), current.signed_in()?, &id).await?;
    if view.draft.dossier_id.is_some() {
        return Err(AppError::Conflict("the draft was submitted".into()));
    }
    let (Ok(slot), Ok(document)) = (form.khe.parse::<i64>(), form.tai_lieu.parse::<i64>()) else {
        return Err(AppError::NotFound);
    };
    state
        .store()
        .db
        .detach_from_draft(view.draft.id, slot, document)
        .await?;
    Ok(Redirect::to(&format!("{}/giay-to#giay-to-{slot}", view.base())).into_response())
}
