//! What an applicant does to a submitted dossier: withdraw it before receipt, answer a
//! supplementation request (upload the missing documents, correct the answers the
//! official marked), and rate the service once the result is out. Every action goes
//! through the dossier state machine and is recorded in the dossier's history.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bytes::Bytes;
use motcua_domain::catalog::{Problem, ProcedureEntry};
use motcua_domain::dossier::Action;
use motcua_domain::eform::Answers;
use motcua_store::dossiers::Dossier;
use serde::Deserialize;

use super::submission::form_of;
use super::submission::render::Render;
use super::{Layout, respond};
use crate::auth::CurrentSession;
use crate::uploads::read_upload;
use crate::{AppError, AppState};
use motcua_app::applicant::{self, Supplemented};

/// A dossier of the signed-in applicant (their own or a represented organisation's);
/// anything else is "not found", logged.
pub async fn applicant_dossier(
    state: &AppState,
    current: &CurrentSession,
    code: &str,
) -> Result<(Dossier, ProcedureEntry), AppError> {
    Ok(applicant::own(state.app(), current.signed_in()?, code).await?)
}

/// Whether the applicant may withdraw now.
pub fn can_withdraw(dossier: &Dossier, entry: &ProcedureEntry) -> bool {
    applicant::may(dossier, entry, Action::Withdraw)
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    #[serde(default, rename = "_version")]
    version: String,
    dong_y: Option<String>,
}

/// `POST /ho-so/{code}/rut`.
pub async fn withdraw(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    if form.dong_y.is_none() {
        return Err(AppError::field(
            "dong_y",
            "Đánh dấu ô xác nhận để rút hồ sơ",
        ));
    }
    let version = form.version.parse().ok();
    applicant::withdraw(state.app(), principal, &code, version).await?;
    Ok(Redirect::to(&format!("/ho-so/{code}")).into_response())
}

#[derive(Template)]
#[template(path = "dossiers/supplement.html")]
struct SupplementPage {
    layout: Layout,
    csrf: String,
    code: String,
    procedure: String,
    items: Vec<String>,
    note: Option<String>,
    problems: Vec<(String, String)>,
    upload_error: Option<String>,
    pending: Vec<String>,
    slots: Vec<(usize, String)>,
    version: i64,
    fields: String,
}

/// What went wrong with a supplement being prepared.
#[derive(Default)]
struct Feedback<'a> {
    problems: &'a [Problem],
    upload_error: Option<String>,
}

/// The supplement page of the applicant's dossier `code`, showing `answers` (the
/// stored ones when none are given, i.e. nothing typed yet) and what went wrong.
async fn supplement_page(
    state: &AppState,
    current: &CurrentSession,
    code: &str,
    answers: Option<Answers>,
    feedback: Feedback<'_>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let Feedback {
        problems,
        upload_error,
    } = feedback;
    let (dossier, entry) = applicant_dossier(state, current, code).await?;
    let (dossier, entry) = (&dossier, &entry);
    let answers =
        answers.unwrap_or_else(|| serde_json::from_str(&dossier.form_data).unwrap_or_default());
    let answers = &answers;
    let request = applicant::requested(state.app(), dossier).await?;
    let form = form_of(entry);
    let places = state.places().await?;
    let marked = applicant::marked_step(&form, &request.fields);
    let fields = Render {
        problems,
        places: &places,
    }
    .step(&marked, answers);
    let pending = state
        .store()
        .db
        .dossier_attachments(dossier.id)
        .await?
        .into_iter()
        .map(|(_, d)| d.file_name)
        .collect();
    let slots = entry
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| (i, d.name.chars().take(90).collect()))
        .collect();
    let page = SupplementPage {
        layout: Layout::new("Bổ sung hồ sơ"),
        csrf: current.session.csrf_token.clone(),
        code: dossier.code.clone(),
        procedure: entry.name.clone(),
        items: request.items,
        note: request.note,
        problems: problems
            .iter()
            .map(|p| (p.path.clone(), p.message.clone()))
            .collect(),
        upload_error,
        pending,
        slots,
        version: dossier.version,
        fields,
    };
    respond(page, status, None)
}

/// `GET /ho-so/{code}/bo-sung`.
pub async fn supplement_form(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    supplement_page(
        &state,
        &current,
        &code,
        None,
        Feedback::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /ho-so/{code}/bo-sung/tep` (multipart `khe`, `tep`): a document for the
/// supplement, also kept in the applicant's store.
pub async fn supplement_upload(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let upload = read_upload(&mut multipart, "tep").await?;
    let slot: Option<usize> = upload.number("khe");
    let (name, bytes) = upload.file.unwrap_or_default();
    let index = slot.ok_or(AppError::NotFound)?;
    match applicant::attach_to_supplement(state.app(), principal, &code, index, &name, bytes).await
    {
        Err(motcua_app::Error::Validation(fields)) => {
            let message = fields.into_iter().next().map(|f| f.message);
            return supplement_page(
                &state,
                &current,
                &code,
                None,
                Feedback {
                    problems: &[],
                    upload_error: message,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        other => other?,
    }
    Ok(Redirect::to(&format!("/ho-so/{code}/bo-sung")).into_response())
}

/// `POST /ho-so/{code}/bo-sung`: sends the supplement (corrected answers and the
/// documents uploaded for it).
pub async fn supplement(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let version = pairs
        .iter()
        .find(|(k, _)| k == "_version")
        .and_then(|(_, v)| v.parse().ok());
    let sent = applicant::supplement(state.app(), principal, &code, &pairs, version).await?;
    if let Supplemented::Problems { answers, problems } = sent {
        return supplement_page(
            &state,
            &current,
            &code,
            Some(answers),
            Feedback {
                problems: &problems,
                upload_error: None,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    Ok(Redirect::to(&format!("/ho-so/{code}")).into_response())
}

#[derive(Deserialize)]
pub struct StopForm {
    #[serde(default, rename = "_version")]
    version: String,
    #[serde(default)]
    ly_do: String,
    dong_y: Option<String>,
}

/// `POST /ho-so/{code}/dung`: the applicant asks to stop processing a received
/// dossier; the agency's notice (form 05) follows in the dossier.
pub async fn stop(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    Form(form): Form<StopForm>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    if form.dong_y.is_none() {
        return Err(AppError::field(
            "dong_y",
            "Đánh dấu ô xác nhận để đề nghị dừng giải quyết",
        ));
    }
    let version = form.version.parse().ok();
    applicant::stop(state.app(), principal, &code, &form.ly_do, version).await?;
    Ok(Redirect::to(&format!("/ho-so/{code}")).into_response())
}

#[derive(Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    diem: String,
    #[serde(default)]
    nhan_xet: String,
}

/// `POST /ho-so/{code}/danh-gia`: 1–5 and a comment, once.
pub async fn rate(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    Form(form): Form<RatingForm>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let (dossier, _) = applicant_dossier(&state, &current, &code).await?;
    let score = form.diem.trim().parse::<i64>().ok();
    motcua_app::dossiers::rate(state.app(), principal, &dossier, score, &form.nhan_xet).await?;
    Ok(Redirect::to(&format!("/ho-so/{code}")).into_response())
}
