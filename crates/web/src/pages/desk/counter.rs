//! `/can-bo/tiep-nhan-truc-tiep`: the desk records a dossier handed in on paper, so
//! that every dossier is in the system (and online rates are computed honestly): the
//! person's account, the procedure, then the e-form filled from the paper form and each
//! document scanned, through the same draft pages as online filing; submitting it
//! brings the official back to the dossier to receive it (form 01).

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::auth::CurrentSession;
use crate::pages::respond;
use crate::pages::submission::assisted::{AssistedForm, filing_page, open_for};
use crate::{AppError, AppState};

/// The agencies where the principal works at the reception desk, with their codes.
async fn desks(state: &AppState, current: &CurrentSession) -> Result<Vec<(i64, String)>, AppError> {
    let principal = current.signed_in()?;
    let mut desks = Vec::new();
    for grant in principal.roles.iter().filter(|g| g.role == "reception") {
        if let Some(id) = grant.agency_id
            && let Some(agency) = state.store().db.agency(id).await?
        {
            desks.push((id, agency.code));
        }
    }
    if desks.is_empty() {
        return Err(AppError::Forbidden);
    }
    Ok(desks)
}

/// The codes of the procedures the desks' agencies perform.
async fn procedures(state: &AppState, desks: &[(i64, String)]) -> Result<Vec<String>, AppError> {
    let ids: Vec<i64> = desks.iter().map(|(id, _)| *id).collect();
    Ok(state.store().db.procedure_codes_of_agencies(&ids).await?)
}

/// `GET /can-bo/tiep-nhan-truc-tiep`.
pub async fn form(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
) -> Result<Response, AppError> {
    let codes = procedures(&state, &desks(&state, &current).await?).await?;
    respond(
        filing_page(&state, &current, Some(&codes)),
        StatusCode::OK,
        None,
    )
}

/// `POST /can-bo/tiep-nhan-truc-tiep`: opens the counter dossier's draft.
pub async fn start(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<AssistedForm>,
) -> Result<Response, AppError> {
    let desks = desks(&state, &current).await?;
    let codes = procedures(&state, &desks).await?;
    let view = filing_page(&state, &current, Some(&codes));
    // The desk of the agency performing the procedure (the first desk otherwise, which
    // then refuses the procedure with a message).
    let agency_ids = state.store().db.procedure_agency_ids(&form.thu_tuc).await?;
    let desk = desks
        .iter()
        .find(|(id, _)| agency_ids.contains(id))
        .or(desks.first())
        .map(|(id, _)| *id)
        .ok_or(AppError::Forbidden)?;
    open_for(&state, &current, view, form, Some(desk)).await
}
