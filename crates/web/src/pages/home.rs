//! The portal's home page.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use crate::pages::Layout;
use crate::{AppError, AppState};

/// An agency that receives dossiers, as listed on the home page.
struct AgencyEntry {
    name: String,
    code: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    agencies: Vec<AgencyEntry>,
    /// The search box starts empty.
    query: String,
}

pub async fn show(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let agencies = state
        .store()
        .db
        .agencies()
        .await?
        .into_iter()
        .map(|a| AgencyEntry {
            name: a.name,
            code: a.code,
        })
        .collect();
    let page = HomePage {
        layout: Layout::new("Cổng dịch vụ công trực tuyến"),
        agencies,
        query: String::new(),
    };
    Ok(Html(
        page.render()
            .map_err(|e| AppError::Internal(e.to_string()))?,
    ))
}
