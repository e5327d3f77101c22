//! Files of the back office: the legal forms of a dossier (PDF and DOCX, for officials
//! and, except form 06, for the applicant), result documents (upload, download), the
//! applicant's attachments, and the register (form 07) as XLSX.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use motcua_docs::to_xlsx;
use serde::Deserialize;

use crate::auth::CurrentSession;
use crate::desk::register::{Period, rows, sheet};
use crate::desk::{describe, desk_agencies, load};
use crate::downloads::{file, form_file, form_response, parse_form_file};
use crate::pages::dossier_actions::applicant_dossier;
use crate::pages::{Layout, respond};
use crate::uploads::read_result;
use crate::{AppError, AppState};

/// `GET /can-bo/ho-so/{code}/mau/{file}`: `01.pdf`, `02.docx`, …
pub async fn official_form(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path((code, name)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let desk = load(state.app(), current.signed_in()?, &code).await?;
    form_file(&state, &desk, &name).await
}

/// `GET /ho-so/{code}/mau/{file}`: the forms issued to the applicant.
pub async fn applicant_form(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path((code, name)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (dossier, _) = applicant_dossier(&state, &current, &code).await?;
    let (form, pdf) = parse_form_file(&name).ok_or(AppError::NotFound)?;
    if !form.for_applicant() {
        return Err(AppError::NotFound);
    }
    let desk = describe(state.app(), dossier).await?;
    form_response(&state, &desk, form, pdf).await
}

/// A stored file as a download.
async fn send(state: &AppState, file_id: i64, file_name: &str) -> Result<Response, AppError> {
    let store = state.store();
    let record = store.file_by_id(file_id).await?;
    let bytes = store.read_file(&record).await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = axum::http::HeaderValue::from_str(&record.mime) {
        headers.insert(axum::http::header::CONTENT_TYPE, value);
    }
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(value) =
        axum::http::HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\""))
    {
        headers.insert(axum::http::header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// `GET /can-bo/ho-so/{code}/tep/{id}`: an attachment of the dossier.
pub async fn attachment(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let desk = load(state.app(), current.signed_in()?, &code).await?;
    let document = state
        .store()
        .db
        .dossier_attachments(desk.dossier.id)
        .await?
        .into_iter()
        .map(|(_, d)| d)
        .find(|d| d.id == id)
        .ok_or(AppError::NotFound)?;
    send(&state, document.file_id, &document.file_name).await
}

/// `GET /can-bo/ho-so/{code}/ket-qua/{id}`.
pub async fn official_result(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let desk = load(state.app(), current.signed_in()?, &code).await?;
    let result = state
        .store()
        .db
        .results(desk.dossier.id)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(AppError::NotFound)?;
    send(&state, result.file_id, &result.file_name).await
}

/// `GET /ho-so/{code}/ket-qua/{id}`: the applicant downloads a result once it was
/// returned electronically.
pub async fn applicant_result(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let (dossier, _) = applicant_dossier(&state, &current, &code).await?;
    if dossier.state != "returned" {
        return Err(AppError::NotFound);
    }
    let result = state
        .store()
        .db
        .results(dossier.id)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(AppError::NotFound)?;
    send(&state, result.file_id, &result.file_name).await
}

/// `POST /can-bo/ho-so/{code}/ket-qua` (multipart: `ten`, `tep`): attaches a result.
pub async fn add_result(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let actor = current.signed_in()?;
    let desk = load(state.app(), actor, &code).await?;
    let (title, name, bytes) = read_result(&mut multipart).await?;
    crate::desk::add_result(state.app(), actor, &desk, &title, &name, bytes).await?;
    Ok(Redirect::to(&format!("/can-bo/ho-so/{code}#ket-qua")).into_response())
}

#[derive(Deserialize, Default)]
pub struct RegisterQuery {
    #[serde(default)]
    tu_ngay: String,
    #[serde(default)]
    den_ngay: String,
    #[serde(default)]
    linh_vuc: String,
}

#[derive(Template)]
#[template(path = "desk/register.html")]
struct RegisterPage {
    layout: Layout,
    from: String,
    to: String,
    field: String,
    fields: Vec<String>,
    rows: Vec<Vec<String>>,
    query: String,
}

fn period(query: &RegisterQuery) -> Result<Period, AppError> {
    let default = Period::this_month();
    let parse = |text: &str, key: &str, fallback| {
        if text.trim().is_empty() {
            return Ok(fallback);
        }
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::field(key, "Ngày không hợp lệ (năm-tháng-ngày)"))
    };
    let from = parse(&query.tu_ngay, "tu_ngay", default.from)?;
    let to = parse(&query.den_ngay, "den_ngay", default.to)?;
    if to < from {
        return Err(AppError::field("den_ngay", "Ngày cuối phải sau ngày đầu"));
    }
    if (to - from).num_days() > 366 {
        return Err(AppError::field("den_ngay", "Mỗi lần xem tối đa một năm"));
    }
    Ok(Period { from, to })
}

/// `GET /can-bo/so-theo-doi`: the register on screen, with the XLSX link.
pub async fn register_page(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Query(query): Query<RegisterQuery>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let agencies = desk_agencies(state.app(), principal).await?;
    let period = period(&query)?;
    let field = Some(query.linh_vuc.trim()).filter(|f| !f.is_empty());
    let list = rows(state.app(), &agencies, period, field).await?;
    let fields = {
        let mut fields: Vec<String> = state
            .catalog()
            .current()
            .entries()
            .iter()
            .map(|e| e.field.clone())
            .collect();
        fields.sort();
        fields.dedup();
        fields
    };
    let page = RegisterPage {
        layout: Layout::new("Sổ theo dõi hồ sơ"),
        from: period.from.format("%Y-%m-%d").to_string(),
        to: period.to.format("%Y-%m-%d").to_string(),
        field: field.unwrap_or("").to_string(),
        fields,
        rows: list,
        query: url::form_urlencoded::Serializer::new(String::new())
            .append_pair("tu_ngay", &period.from.format("%Y-%m-%d").to_string())
            .append_pair("den_ngay", &period.to.format("%Y-%m-%d").to_string())
            .append_pair("linh_vuc", field.unwrap_or(""))
            .finish(),
    };
    respond(page, StatusCode::OK, None)
}

/// `GET /can-bo/so-theo-doi.xlsx`: form 07 as a spreadsheet.
pub async fn register_xlsx(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Query(query): Query<RegisterQuery>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let agencies = desk_agencies(state.app(), principal).await?;
    let period = period(&query)?;
    let field = Some(query.linh_vuc.trim()).filter(|f| !f.is_empty());
    let list = rows(state.app(), &agencies, period, field).await?;
    let agency = match agencies.first() {
        Some(id) => state
            .store()
            .db
            .agency(*id)
            .await?
            .map(|a| a.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let bytes = to_xlsx(&sheet(&agency, period, field, list))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(file(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("so-theo-doi-{}-{}.xlsx", period.from, period.to),
    ))
}
