//! Online submission: start a dossier from a procedure page, fill its e-form step by
//! step (every step saved), attach or reuse documents, check the answers, submit once,
//! and see the confirmation.

pub mod assisted;
pub mod documents;
pub mod render;
pub mod review;
pub mod start;
pub mod steps;

use motcua_domain::catalog::{ProcedureEntry, SubmissionChannel};

use crate::auth::Actor;
use crate::{AppError, AppState};

pub use motcua_app::drafts::{
    DraftView, Opening, blockers, load_draft, open_draft, save_step_with, submit as submit_view,
};
pub use motcua_app::procedures::{form_of, online, online_fee};
pub use motcua_app::text::state_label;

/// The procedure as it was in a version (what a draft or dossier was filed under).
pub async fn version_entry(state: &AppState, version_id: i64) -> Result<ProcedureEntry, AppError> {
    Ok(state.procedure_version(version_id).await?.as_ref().clone())
}

/// The procedure's name in a version (empty when it cannot be read).
pub async fn version_name(state: &AppState, version_id: i64) -> Result<String, AppError> {
    Ok(motcua_app::procedures::version_name(state.app(), version_id).await?)
}

/// When a dossier received at `from` is due (`dd/mm/yyyy`), by the online channel's
/// processing time and the agency's working calendar; `None` without a processing time.
pub async fn expected_due(
    state: &AppState,
    entry: &ProcedureEntry,
    agency_code: &str,
    from: i64,
) -> Result<Option<String>, AppError> {
    let Some(allowance) = entry
        .channels
        .iter()
        .find(|c| c.channel == SubmissionChannel::Online)
        .and_then(|c| c.processing_time)
    else {
        return Ok(None);
    };
    let calendar = state.store().db.working_calendar(Some(agency_code)).await?;
    Ok(calendar
        .due(
            motcua_store::time::from_micros(from)
                .with_timezone(&motcua_domain::VIETNAM_TIME)
                .fixed_offset(),
            motcua_domain::deadline::ProcessingTime {
                allowance,
                same_day_cutoff: entry.same_day_cutoff,
            },
        )
        .ok()
        .map(|due| due.format("%d/%m/%Y").to_string()))
}

/// The accounts whose dossiers and drafts the actor files for.
pub async fn applicant_accounts(state: &AppState, actor: &Actor) -> Result<Vec<i64>, AppError> {
    Ok(motcua_app::access::applicant_accounts(&state.store().db, actor).await?)
}

/// The steps' titles and links for the progress list: `(href, title, current)`.
pub fn progress(view: &DraftView, current: &str) -> Vec<(String, String, bool)> {
    let base = view.base();
    let mut list: Vec<(String, String, bool)> = view
        .form
        .steps
        .iter()
        .map(|s| {
            (
                format!("{base}/buoc/{}", s.id),
                s.title.clone(),
                s.id == current,
            )
        })
        .collect();
    list.push((
        format!("{base}/giay-to"),
        "Giấy tờ kèm theo".into(),
        current == "giay-to",
    ));
    list.push((
        format!("{base}/kiem-tra"),
        "Kiểm tra và nộp".into(),
        current == "kiem-tra",
    ));
    list
}
