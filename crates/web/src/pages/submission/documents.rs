//! `/ho-so-nhap/{id}/giay-to`: a slot per document of the procedure; each takes files
//! uploaded now (type checked by content, size limited) or documents reused from the
//! applicant's store. Every upload also goes into that store.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bytes::Bytes;
use motcua_domain::eform::{FileKind, Slot};
use motcua_store::document_store::{NewStoredDocument, Origin};
use motcua_store::files::detect_mime;
use serde::Deserialize;

use super::{DraftView, load_draft, progress};
use crate::auth::CurrentSession;
use crate::pages::{Layout, respond};
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

/// A size for people: `820 KB`, `3,4 MB`.
pub fn human_size(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    }
}

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
    let stored = db
        .documents_of(view.draft.account_id)
        .await?
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
    let view = load_draft(&state, current.signed_in()?, &id).await?;
    if view.draft.dossier_id.is_some() {
        return Ok(
            Redirect::to(&super::review::dossier_link(&state, &view).await?).into_response(),
        );
    }
    render(&state, &current, &view, None, None, StatusCode::OK).await
}

/// Why a file is refused for a slot, if it is.
pub fn refusal(slot: &Slot, bytes: &[u8], max: usize) -> Option<String> {
    if bytes.is_empty() {
        return Some("Chưa chọn tệp, hoặc tệp trống".into());
    }
    if bytes.len() > max {
        return Some(format!(
            "Tệp lớn {}, quá giới hạn {} MB. Hãy chụp lại với độ phân giải thấp hơn hoặc nén tệp PDF.",
            human_size(bytes.len() as i64),
            max / (1024 * 1024)
        ));
    }
    let mime = detect_mime(bytes);
    if !slot.accept.iter().any(|k| k.mime() == mime) {
        let accepted = slot
            .accept
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join(", ");
        return Some(format!(
            "Nội dung tệp không phải {accepted} (dù tên tệp có thể ghi như vậy). Hãy chọn đúng bản chụp hoặc bản quét của giấy tờ."
        ));
    }
    None
}

/// A file name safe to show and store: no path, no control characters, at most 120
/// characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if cleaned.trim().is_empty() {
        "tep".into()
    } else {
        cleaned
    }
}

/// A posted upload form: its short text fields, and the file (a safe name, the bytes).
pub struct Upload {
    pub texts: Vec<(String, String)>,
    pub file: Option<(String, Bytes)>,
}

impl Upload {
    /// A text field read as a number.
    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        self.texts
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.trim().parse().ok())
    }
}

/// Reads a multipart form whose file is in the field `file_field`.
pub async fn read_upload(multipart: &mut Multipart, file_field: &str) -> Result<Upload, AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        AppError::field(file_field, format!("Không đọc được tệp gửi lên: {e}"))
    };
    let mut upload = Upload {
        texts: Vec::new(),
        file: None,
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == file_field {
            let file_name = clean_name(field.file_name().unwrap_or("tep"));
            let bytes = field.bytes().await.map_err(unreadable)?;
            upload.file = Some((file_name, bytes));
        } else if let Ok(text) = field.text().await {
            upload.texts.push((name, text.chars().take(200).collect()));
        }
    }
    Ok(upload)
}

/// `POST /ho-so-nhap/{id}/giay-to` (multipart: `khe`, `tep`).
pub async fn upload(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let view = load_draft(&state, current.signed_in()?, &id).await?;
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
    if let Some(message) = refusal(slot, &bytes, state.config().max_upload_bytes) {
        return render(
            &state,
            &current,
            &view,
            None,
            Some((slot.index, message)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let record = state.store().save_file(bytes).await?;
    let db = &state.store().db;
    let title: String = slot.name.chars().take(200).collect();
    let document = db
        .store_document(&NewStoredDocument {
            owner_id: view.draft.account_id,
            file_id: record.id,
            title: &title,
            file_name: &name,
            origin: Origin::Uploaded,
            dossier_id: None,
        })
        .await?;
    db.attach_to_draft(view.draft.id, slot.index as i64, document.id)
        .await?;
    Ok(Redirect::to(&format!("{}/giay-to#giay-to-{}", view.base(), slot.index)).into_response())
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
    let view = load_draft(&state, current.signed_in()?, &id).await?;
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
    let db = &state.store().db;
    // Only the applicant's own documents: another person's number is "not found".
    let document = match form.tai_lieu.parse::<i64>() {
        Ok(doc) => db
            .stored_document(doc)
            .await?
            .filter(|d| d.owner_id == view.draft.account_id),
        Err(_) => None,
    };
    let Some(document) = document else {
        tracing::warn!(draft = %view.draft.public_id, "reuse of a document outside the applicant's store refused");
        return Err(AppError::NotFound);
    };
    if !slot.accept.iter().any(|k| k.mime() == document.mime) {
        let message = format!(
            "Giấy tờ này là tệp {}, không dùng được cho mục này.",
            document.mime
        );
        return render(
            &state,
            &current,
            &view,
            None,
            Some((slot.index, message)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    db.attach_to_draft(view.draft.id, slot.index as i64, document.id)
        .await?;
    Ok(Redirect::to(&format!("{}/giay-to#giay-to-{}", view.base(), slot.index)).into_response())
}

/// `POST /ho-so-nhap/{id}/giay-to/bo`: takes a document off a slot (it stays in the
/// store).
pub async fn detach(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<SlotForm>,
) -> Result<Response, AppError> {
    let view = load_draft(&state, current.signed_in()?, &id).await?;
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
