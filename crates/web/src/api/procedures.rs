//! `/api/v1/procedures…`: search the catalog, read one procedure, export the whole
//! catalog, and suggestions as you type. The same catalog and index serve the pages.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use motcua_domain::catalog::{CATALOG_FORMAT, ProcedureEntry};
use motcua_search::{MAX_PER_PAGE, SearchError, SearchQuery};
use serde::Serialize;
use utoipa::ToSchema;

use super::query::QueryFields;
use crate::catalog::short_name;
use crate::{AppError, AppState};

/// One search result.
#[derive(Serialize, ToSchema)]
pub struct ProcedureSummary {
    #[schema(example = "1.001193")]
    code: String,
    /// The name as people say it, e.g. `Đăng ký khai sinh`.
    name: String,
    /// The official name, e.g. `Thủ tục đăng ký khai sinh`.
    official_name: String,
    field: String,
    /// `ministry`, `province`, `commune`
    levels: Vec<String>,
    /// `full`, `partial`, `none`
    online_service: String,
    /// The procedure's page on the portal.
    url: String,
}

/// A page of search results with facet counts.
#[derive(Serialize, ToSchema)]
pub struct ProcedureList {
    total: usize,
    page: usize,
    per_page: usize,
    results: Vec<ProcedureSummary>,
    /// Per dimension (`field`, `level`, `agency`, `channel`, `online`), the values and
    /// how many results each would give, each computed without its own filter.
    #[schema(value_type = Object)]
    facets: motcua_search::Facets,
}

/// Suggestions for a partly typed query.
#[derive(Serialize, ToSchema)]
pub struct Suggestions {
    #[schema(value_type = Vec<Object>)]
    suggestions: Vec<motcua_search::Suggestion>,
}

fn summary(entry: &ProcedureEntry) -> ProcedureSummary {
    ProcedureSummary {
        code: entry.code.clone(),
        name: short_name(&entry.name),
        official_name: entry.name.clone(),
        field: entry.field.clone(),
        levels: entry.level_names(),
        online_service: entry.online_service.as_str().to_string(),
        url: format!("/thu-tuc/{}", entry.code),
    }
}

/// Search the catalog: text typed with or without diacritics, abbreviations, one typo
/// per word; filters with facet counts.
#[utoipa::path(
    get,
    path = "/api/v1/procedures",
    params(
        ("q" = Option<String>, Query, description = "Từ khóa, có dấu hoặc không dấu"),
        ("field" = Option<String>, Query, description = "Lĩnh vực, ví dụ Hộ tịch"),
        ("level" = Option<String>, Query, description = "ministry | province | commune"),
        ("channel" = Option<String>, Query, description = "online | post | in_person"),
        ("online" = Option<String>, Query, description = "full | partial | none"),
        ("agency" = Option<String>, Query, description = "Cơ quan thực hiện"),
        ("page" = Option<usize>, Query, description = "Trang, từ 1"),
        ("per_page" = Option<usize>, Query, description = "Số kết quả mỗi trang, 1–100 (mặc định 20)")
    ),
    responses(
        (status = 200, body = ProcedureList),
        (status = 422, body = crate::error::ApiErrorBody, description = "Tham số không hợp lệ")
    ),
    tag = "procedures"
)]
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<ProcedureList>, AppError> {
    let mut q = QueryFields::new(query);
    let page = q
        .number::<usize>("page", "Trang phải là số nguyên từ 1")
        .filter(|&p| p >= 1);
    if q.text("page").is_some() && page.is_none() && q.errors.is_empty() {
        q.fail("page", "Trang phải là số nguyên từ 1");
    }
    let per_page_message = format!("Số kết quả mỗi trang từ 1 đến {MAX_PER_PAGE}");
    let per_page = q
        .number::<usize>("per_page", &per_page_message)
        .filter(|n| (1..=MAX_PER_PAGE).contains(n));
    if q.text("per_page").is_some()
        && per_page.is_none()
        && !q.errors.iter().any(|e| e.field == "per_page")
    {
        q.fail("per_page", &per_page_message);
    }
    if !q.errors.is_empty() {
        return Err(AppError::Validation(q.errors));
    }
    let search = SearchQuery {
        text: q.text("q").unwrap_or_default(),
        field: q.text("field"),
        level: q.text("level"),
        channel: q.text("channel"),
        online: q.text("online"),
        agency: q.text("agency"),
        page: page.unwrap_or(1),
        per_page: per_page.unwrap_or(motcua_search::DEFAULT_PER_PAGE),
    };
    let snapshot = state.catalog().current();
    let results = snapshot.index.search(&search).map_err(|e| match e {
        SearchError::InvalidPage => AppError::field("page", "Trang phải là số nguyên từ 1"),
        SearchError::InvalidPerPage => AppError::field("per_page", &per_page_message),
        other => AppError::Internal(other.to_string()),
    })?;
    Ok(Json(ProcedureList {
        total: results.total,
        page: search.page,
        per_page: search.per_page,
        results: results
            .hits
            .iter()
            .filter_map(|hit| snapshot.get(&hit.code))
            .map(|e| summary(e))
            .collect(),
        facets: results.facets,
    }))
}

/// One procedure, in the catalog format (`docs/catalog-format.md`).
#[utoipa::path(
    get,
    path = "/api/v1/procedures/{code}",
    params(("code" = String, Path, description = "Mã thủ tục, ví dụ 1.001193")),
    responses(
        (status = 200, body = Object, description = "Thủ tục theo định dạng motcua-catalog/1"),
        (status = 404, body = crate::error::ApiErrorBody, description = "Không có thủ tục với mã này")
    ),
    tag = "procedures"
)]
pub async fn detail(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<ProcedureEntry>, AppError> {
    let snapshot = state.catalog().current();
    let entry = snapshot.get(&code).ok_or(AppError::NotFound)?;
    Ok(Json(ProcedureEntry::clone(entry)))
}

#[derive(Serialize)]
struct CatalogExport<'a> {
    format: &'static str,
    procedures: Vec<&'a ProcedureEntry>,
}

/// The whole catalog as a `motcua-catalog/1` file, ready for `motcua import catalog`.
#[utoipa::path(
    get,
    path = "/api/v1/procedures/export",
    responses((status = 200, body = Object, description = "Danh mục theo định dạng motcua-catalog/1")),
    tag = "procedures"
)]
pub async fn export(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let snapshot = state.catalog().current();
    let body = CatalogExport {
        format: CATALOG_FORMAT,
        procedures: snapshot.entries().iter().map(|e| e.as_ref()).collect(),
    };
    let json = serde_json::to_string(&body).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"motcua-catalog.json\"",
            ),
        ],
        json,
    ))
}

/// Procedures whose name starts like the text typed so far.
#[utoipa::path(
    get,
    path = "/api/v1/procedures/suggest",
    params(("q" = String, Query, description = "Phần đã gõ")),
    responses((status = 200, body = Suggestions)),
    tag = "procedures"
)]
pub async fn suggest(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Json<Suggestions> {
    let text = query.get("q").map(|t| t.trim()).unwrap_or("");
    let suggestions = if text.is_empty() {
        Vec::new()
    } else {
        state.catalog().current().index.suggest(text, 8)
    };
    Json(Suggestions { suggestions })
}
