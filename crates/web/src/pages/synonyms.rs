//! The search synonyms and abbreviations, edited by system administrators: one group
//! per line, expressions separated by commas. A list with problems is not saved; each
//! problem names its line.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use motcua_search::{
    MAX_EXPRESSION_WORDS, SynonymProblem, SynonymProblemKind, Synonyms, SynonymsError,
};
use serde::Deserialize;

use crate::auth::CurrentSession;
use crate::catalog::SYNONYMS_KEY;
use crate::pages::Layout;
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "admin/synonyms.html")]
struct SynonymsPage {
    layout: Layout,
    csrf: String,
    text: String,
    groups: usize,
    problems: Vec<String>,
    saved: bool,
    custom: bool,
}

/// The editable text of a list: one group per line.
fn to_text(synonyms: &Synonyms) -> String {
    synonyms
        .groups()
        .iter()
        .map(|group| group.join(", "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The groups of the text, each with its line number (blank lines skipped).
fn parse_text(text: &str) -> Vec<(usize, Vec<String>)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let group = line
                .split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_string)
                .collect();
            (i + 1, group)
        })
        .collect()
}

/// A problem in Vietnamese, by line.
fn describe(problem: &SynonymProblem, lines: &[(usize, Vec<String>)]) -> String {
    let line = |group: usize| lines.get(group).map_or(0, |(line, _)| *line);
    let expression = problem
        .expression
        .and_then(|e| lines.get(problem.group).and_then(|(_, g)| g.get(e)))
        .map(|e| format!("“{e}”: "))
        .unwrap_or_default();
    let what = match &problem.kind {
        SynonymProblemKind::TooFewExpressions => {
            "mỗi dòng cần ít nhất hai cách gọi, ngăn bởi dấu phẩy".to_string()
        }
        SynonymProblemKind::Empty => "không có chữ hay số nào".to_string(),
        SynonymProblemKind::TooManyWords => {
            format!("dài quá {MAX_EXPRESSION_WORDS} từ")
        }
        SynonymProblemKind::Repeated { .. } => {
            "trùng với một cách gọi khác trên cùng dòng".to_string()
        }
        SynonymProblemKind::InOtherGroup { other } => {
            format!("đã có ở dòng {}", line(*other))
        }
    };
    format!("Dòng {}: {expression}{what}", line(problem.group))
}

async fn current_list(state: &AppState) -> Result<(Synonyms, bool), AppError> {
    Ok(match state.store().db.meta_get(SYNONYMS_KEY).await? {
        Some(json) => (
            Synonyms::from_json(&json).map_err(|e| AppError::Internal(e.to_string()))?,
            true,
        ),
        None => (Synonyms::vietnamese(), false),
    })
}

fn render(page: SynonymsPage, status: StatusCode) -> Result<Response, AppError> {
    let html = page
        .render()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

#[derive(Deserialize)]
pub struct SavedQuery {
    luu: Option<String>,
}

/// `GET /quan-tri/tu-dong-nghia`.
pub async fn form(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let (synonyms, custom) = current_list(&state).await?;
    render(
        SynonymsPage {
            layout: Layout::new("Từ đồng nghĩa khi tìm kiếm"),
            csrf: current.session.csrf_token.clone(),
            text: to_text(&synonyms),
            groups: synonyms.groups().len(),
            problems: Vec::new(),
            saved: query.luu.is_some(),
            custom,
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct SynonymsForm {
    #[serde(default)]
    danh_sach: String,
    /// Set by the "restore the built-in list" button.
    #[serde(default)]
    mac_dinh: Option<String>,
}

/// `POST /quan-tri/tu-dong-nghia`: validates, saves, and rebuilds the search index.
pub async fn save(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<SynonymsForm>,
) -> Result<Response, AppError> {
    let lines = parse_text(&form.danh_sach);
    let result = if form.mac_dinh.is_some() {
        Ok(Synonyms::vietnamese())
    } else {
        Synonyms::new(lines.iter().map(|(_, g)| g.clone()).collect())
    };
    let synonyms = match result {
        Ok(synonyms) => synonyms,
        Err(error) => {
            let problems = match error {
                SynonymsError::Invalid(problems) => {
                    problems.iter().map(|p| describe(p, &lines)).collect()
                }
                SynonymsError::Json(e) => vec![e.to_string()],
            };
            let (_, custom) = current_list(&state).await?;
            return render(
                SynonymsPage {
                    layout: Layout::new("Từ đồng nghĩa khi tìm kiếm"),
                    csrf: current.session.csrf_token.clone(),
                    text: form.danh_sach.replace("\r\n", "\n"),
                    groups: lines.len(),
                    problems,
                    saved: false,
                    custom,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let db = &state.store().db;
    db.meta_set(SYNONYMS_KEY, &synonyms.to_json()).await?;
    if let Err(e) = state.catalog().refresh(db).await {
        tracing::error!(error = %e, "cannot rebuild the search index after a synonym edit");
    }
    if let Some(principal) = &current.principal {
        tracing::info!(
            account = principal.account.id,
            groups = synonyms.groups().len(),
            "search synonyms saved"
        );
    }
    Ok(Redirect::to("/quan-tri/tu-dong-nghia?luu=1").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_their_lines() {
        let text = "gplx, giấy phép lái xe\n\nlltp\ncccd, căn cước\nbằng lái, GPLX";
        let lines = parse_text(text);
        let Err(SynonymsError::Invalid(problems)) =
            Synonyms::new(lines.iter().map(|(_, g)| g.clone()).collect())
        else {
            panic!("invalid list accepted");
        };
        let described: Vec<String> = problems.iter().map(|p| describe(p, &lines)).collect();
        assert!(
            described.contains(
                &"Dòng 3: mỗi dòng cần ít nhất hai cách gọi, ngăn bởi dấu phẩy".to_string()
            ),
            "{described:?}"
        );
        assert!(
            described.contains(&"Dòng 5: “GPLX”: đã có ở dòng 1".to_string()),
            "{described:?}"
        );
    }

    #[test]
    fn the_built_in_list_round_trips_through_the_text() {
        let built_in = Synonyms::vietnamese();
        let lines = parse_text(&to_text(&built_in));
        let again = Synonyms::new(lines.into_iter().map(|(_, g)| g).collect()).unwrap();
        assert_eq!(again, built_in);
    }
}
