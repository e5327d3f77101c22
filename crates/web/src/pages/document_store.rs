//! `/tai-khoan/giay-to`: the person's document store (uploads, issued results and
//! certified copies), each reusable in later dossiers by reference.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_store::document_store::Origin;

use super::submission::documents::human_size;
use super::{Layout, local_time, respond};
use crate::auth::CurrentSession;
use crate::{AppError, AppState};

struct DocumentView {
    id: i64,
    title: String,
    origin: &'static str,
    file: String,
    size: String,
    added: String,
}

#[derive(Template)]
#[template(path = "account/documents.html")]
struct DocumentsPage {
    layout: Layout,
    csrf: String,
    documents: Vec<DocumentView>,
}

/// `GET /tai-khoan/giay-to`.
pub async fn list(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let documents = state
        .store()
        .db
        .documents_of(principal.account.id)
        .await?
        .into_iter()
        .map(|d| DocumentView {
            id: d.id,
            title: d.title.chars().take(120).collect(),
            origin: Origin::label(&d.origin),
            file: d.file_name,
            size: human_size(d.size),
            added: local_time(d.created_at, "%d/%m/%Y"),
        })
        .collect();
    let page = DocumentsPage {
        layout: Layout::new("Kho giấy tờ"),
        csrf: current.session.csrf_token.clone(),
        documents,
    };
    respond(page, StatusCode::OK, None)
}

/// `POST /tai-khoan/giay-to/{id}/xoa`: another person's document is "not found".
pub async fn forget(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    if !state
        .store()
        .db
        .forget_document(principal.account.id, id)
        .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/tai-khoan/giay-to").into_response())
}
