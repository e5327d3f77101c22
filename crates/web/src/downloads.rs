//! Files sent to the browser or an integration: inline downloads that are never
//! cached, PDF layout off the async threads, and the one-stop legal forms of a dossier
//! by file name. Shared by the pages and the API.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use motcua_docs::{Doc, to_docx, to_pdf};

use crate::desk::DeskDossier;
use crate::desk::forms::{LegalForm, build};
use crate::{AppError, AppState};

pub fn file(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// Lays a document out as PDF off the async threads (it takes a few milliseconds).
pub async fn pdf_bytes(doc: Doc) -> Result<Vec<u8>, AppError> {
    tokio::task::spawn_blocking(move || to_pdf(&doc))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// `01.pdf` → (form 01, PDF).
pub fn parse_form_file(name: &str) -> Option<(LegalForm, bool)> {
    let (number, extension) = name.split_once('.')?;
    let form = LegalForm::parse(number)?;
    match extension {
        "pdf" => Some((form, true)),
        "docx" => Some((form, false)),
        _ => None,
    }
}

pub async fn form_response(
    state: &AppState,
    desk: &DeskDossier,
    form: LegalForm,
    pdf: bool,
) -> Result<Response, AppError> {
    let doc = build(state.app(), desk, form).await?;
    let name = format!("mau-{}-{}", form.number(), desk.dossier.code);
    Ok(if pdf {
        file(
            pdf_bytes(doc).await?,
            "application/pdf",
            &format!("{name}.pdf"),
        )
    } else {
        file(
            to_docx(&doc).map_err(|e| AppError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &format!("{name}.docx"),
        )
    })
}

/// A form of a dossier by file name (`01.pdf`, `06.docx`).
pub async fn form_file(
    state: &AppState,
    desk: &DeskDossier,
    name: &str,
) -> Result<Response, AppError> {
    let (form, pdf) = parse_form_file(name).ok_or(AppError::NotFound)?;
    form_response(state, desk, form, pdf).await
}
