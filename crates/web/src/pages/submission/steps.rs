//! `/ho-so-nhap/{id}/buoc/{step}`: one step of the e-form. Every post saves the
//! step's answers first (valid or not), then moves on only when the step is valid.
//! Posts from two devices merge step by step: a post replaces only its own step's
//! answers on top of the latest saved draft.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_domain::catalog::Problem;
use motcua_domain::eform::{Answers, Scope, merge_step};
use serde_json::Value;

use super::render::Render;
use super::{DraftView, load_draft, progress, save_step_with};
use crate::auth::CurrentSession;
use crate::pages::{Layout, local_time, respond};
use crate::{AppError, AppState};
use motcua_app::drafts::check;

#[derive(Template)]
#[template(path = "submission/step.html")]
struct StepPage {
    layout: Layout,
    csrf: String,
    procedure: String,
    progress: Vec<(String, String, bool)>,
    title: String,
    intro: Option<String>,
    notice: Option<String>,
    problems: Vec<(String, String)>,
    action: String,
    fields: String,
    has_back: bool,
    ttl_days: i64,
}

async fn render(
    state: &AppState,
    current: &CurrentSession,
    view: &DraftView,
    step_id: &str,
    problems: &[Problem],
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (index, step) = view.step(step_id).ok_or(AppError::NotFound)?;
    let places = state.places().await?;
    let fields = Render {
        problems,
        places: &places,
    }
    .step(step, &view.answers);
    let page = StepPage {
        layout: Layout::new(&format!("{} – {}", step.title, view.form.title)),
        csrf: current.session.csrf_token.clone(),
        procedure: view.entry.name.clone(),
        progress: progress(view, step_id),
        title: step.title.clone(),
        intro: step.intro.clone(),
        notice,
        problems: problems
            .iter()
            .map(|p| (p.path.clone(), p.message.clone()))
            .collect(),
        action: format!("{}/buoc/{}", view.base(), step.id),
        fields,
        has_back: index > 0,
        ttl_days: state.config().draft_ttl_days,
    };
    respond(page, status, None)
}

/// A submitted draft is a dossier now: it is not edited here.
fn submitted(view: &DraftView) -> bool {
    view.draft.dossier_id.is_some()
}

/// `GET /ho-so-nhap/{id}`: back to where the person left off.
pub async fn resume(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let view = load_draft(state.app(), current.signed_in()?, &id).await?;
    let step = if view.step(&view.draft.current_step).is_some()
        || view.draft.current_step == "giay-to"
        || view.draft.current_step == "kiem-tra"
    {
        view.draft.current_step.clone()
    } else {
        view.form.steps[0].id.clone()
    };
    let target = match step.as_str() {
        "giay-to" | "kiem-tra" => format!("{}/{step}", view.base()),
        _ => format!("{}/buoc/{step}", view.base()),
    };
    Ok(Redirect::to(&target).into_response())
}

/// `GET /ho-so-nhap/{id}/buoc/{step}`.
pub async fn show(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path((id, step)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let view = load_draft(state.app(), current.signed_in()?, &id).await?;
    if submitted(&view) {
        return Ok(
            Redirect::to(&super::review::dossier_link(&state, &view).await?).into_response(),
        );
    }
    render(&state, &current, &view, &step, &[], None, StatusCode::OK).await
}

/// Applies `add:{group}` and `remove:{group}:{index}` to the answers.
fn edit_groups(answers: &mut Answers, action: &str) {
    if let Some(group) = action.strip_prefix("add:") {
        if let Some(Value::Array(items)) = answers.get_mut(group) {
            items.push(Value::Object(Default::default()));
        } else {
            answers.insert(
                group.to_string(),
                Value::Array(vec![Value::Object(Default::default()); 2]),
            );
        }
    } else if let Some(rest) = action.strip_prefix("remove:")
        && let Some((group, index)) = rest.rsplit_once(':')
        && let Ok(index) = index.parse::<usize>()
        && let Some(Value::Array(items)) = answers.get_mut(group)
        && index < items.len()
    {
        items.remove(index);
    }
}

async fn save_step(
    state: &AppState,
    current: &CurrentSession,
    id: &str,
    step: &str,
    pairs: &[(String, String)],
    action: &str,
) -> Result<DraftView, AppError> {
    Ok(save_step_with(
        state.app(),
        current.signed_in()?,
        id,
        step,
        |view, answers| {
            merge_step(&view.form, step, answers, pairs);
            edit_groups(answers, action);
        },
    )
    .await?)
}

/// `POST /ho-so-nhap/{id}/buoc/{step}`: `_action` is `next` (default), `back`,
/// `save`, `autosave` (answers JSON), `add:{group}` or `remove:{group}:{i}`.
pub async fn save(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path((id, step)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let action = pairs
        .iter()
        .find(|(k, _)| k == "_action")
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| "next".into());
    let view = match save_step(&state, &current, &id, &step, &pairs, &action).await {
        Ok(view) => view,
        Err(AppError::Conflict(_)) if action == "autosave" => {
            return Ok((
                StatusCode::CONFLICT,
                Json(serde_json::json!({"saved": false, "message": "Hồ sơ này đã được nộp hoặc đang được sửa ở nơi khác. Hãy tải lại trang."})),
            )
                .into_response());
        }
        Err(AppError::Conflict(_)) => return Err(AppError::Conflict("submitted".into())),
        Err(other) => return Err(other),
    };
    let saved_at = local_time(view.draft.updated_at, "%H:%M");
    let (index, _) = view.step(&step).ok_or(AppError::NotFound)?;
    match action.as_str() {
        "autosave" => Ok(Json(serde_json::json!({"saved": true, "at": saved_at})).into_response()),
        "back" if index > 0 => Ok(Redirect::to(&format!(
            "{}/buoc/{}",
            view.base(),
            view.form.steps[index - 1].id
        ))
        .into_response()),
        "next" => {
            let problems = check(state.app(), &view, Scope::Step(&step)).await?;
            if !problems.is_empty() {
                return render(
                    &state,
                    &current,
                    &view,
                    &step,
                    &problems,
                    Some(format!(
                        "Đã lưu lúc {saved_at}. Hãy sửa các mục được đánh dấu để tiếp tục."
                    )),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
            let target = match view.form.steps.get(index + 1) {
                Some(next) => format!("{}/buoc/{}", view.base(), next.id),
                None => format!("{}/giay-to", view.base()),
            };
            Ok(Redirect::to(&target).into_response())
        }
        _ => {
            render(
                &state,
                &current,
                &view,
                &step,
                &[],
                Some(format!("Đã lưu lúc {saved_at}.")),
                StatusCode::OK,
            )
            .await
        }
    }
}
