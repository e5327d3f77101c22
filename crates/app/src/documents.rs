//! Documents of a draft: a file uploaded now (checked by its content, not its name,
//! and limited in size) or one reused from the applicant's document store, attached
//! to one of the procedure's document slots. Pages and the API attach the same way.

use bytes::Bytes;
use motcua_domain::eform::{FileKind, Slot};
use motcua_store::document_store::{NewStoredDocument, Origin, StoredDocument};
use motcua_store::drafts::Draft;
use motcua_store::files::detect_mime;

use crate::{App, Error, Result};

/// A size for people: `820 KB`, `3,4 MB`.
pub fn human_size(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    }
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

/// Why a result file is refused, if it is: empty, too large, or not a PDF, JPEG or
/// PNG by its content.
pub fn result_refusal(bytes: &[u8], max: usize) -> Option<String> {
    if bytes.is_empty() {
        return Some("Chưa chọn tệp, hoặc tệp trống".into());
    }
    if bytes.len() > max {
        return Some(format!("Tệp quá giới hạn {} MB", max / (1024 * 1024)));
    }
    let mime = detect_mime(bytes);
    let accepted = [FileKind::Pdf, FileKind::Jpeg, FileKind::Png];
    if !accepted.iter().any(|k| k.mime() == mime) {
        return Some(
            "Nội dung tệp không phải PDF, JPEG hoặc PNG (dù tên tệp có thể ghi như vậy)".into(),
        );
    }
    None
}

/// Refuses to change a draft that was submitted.
fn open(draft: &Draft) -> Result<()> {
    match draft.dossier_id {
        Some(_) => Err(Error::Conflict("the draft was submitted".into())),
        None => Ok(()),
    }
}

/// Attaches a file uploaded now to a slot; it also enters the applicant's document
/// store. A refused file is a field error on `file` with the reason.
pub async fn upload_to_draft(
    app: &App,
    draft: &Draft,
    slot: &Slot,
    file_name: &str,
    bytes: Bytes,
    max_bytes: usize,
) -> Result<StoredDocument> {
    open(draft)?;
    if let Some(message) = refusal(slot, &bytes, max_bytes) {
        return Err(Error::field("file", message));
    }
    let document = keep_upload(app, draft.account_id, &slot.name, file_name, bytes).await?;
    app.store()
        .db
        .attach_to_draft(draft.id, slot.index as i64, document.id)
        .await?;
    Ok(document)
}

/// Keeps an uploaded file (already checked) in its owner's document store, titled by
/// the slot it was uploaded for.
pub(crate) async fn keep_upload(
    app: &App,
    owner_id: i64,
    slot_name: &str,
    file_name: &str,
    bytes: Bytes,
) -> Result<StoredDocument> {
    let record = app.store().save_file(bytes).await?;
    let title: String = slot_name.chars().take(200).collect();
    Ok(app
        .store()
        .db
        .store_document(&NewStoredDocument {
            owner_id,
            file_id: record.id,
            title: &title,
            file_name,
            origin: Origin::Uploaded,
            dossier_id: None,
        })
        .await?)
}

/// Attaches a document from the applicant's store to a slot. Another person's
/// document, or any for a helper filling the draft at a counter, is "not found"
/// (logged); one of a type the slot does not take is a field error on `document_id`.
pub async fn reuse_in_draft(
    app: &App,
    view: &crate::drafts::DraftView,
    slot: &Slot,
    document_id: i64,
) -> Result<StoredDocument> {
    let draft = &view.draft;
    open(draft)?;
    if view.by_helper {
        // The person's document store is theirs alone, even for whoever helps them.
        tracing::warn!(draft = %draft.public_id, "a helper tried to reuse from the document store");
        return Err(Error::NotFound);
    }
    let db = &app.store().db;
    let document = db
        .stored_document(document_id)
        .await?
        .filter(|d| d.owner_id == draft.account_id);
    let Some(document) = document else {
        tracing::warn!(draft = %draft.public_id, "reuse of a document outside the applicant's store refused");
        return Err(Error::NotFound);
    };
    if !slot.accept.iter().any(|k| k.mime() == document.mime) {
        return Err(Error::field(
            "document_id",
            format!(
                "Giấy tờ này là tệp {}, không dùng được cho mục này.",
                document.mime
            ),
        ));
    }
    db.attach_to_draft(draft.id, slot.index as i64, document.id)
        .await?;
    Ok(document)
}
