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
use motcua_domain::eform::{Answers, Context, FormDefinition, Slot, Step, document_slots};
use motcua_store::drafts::Draft;

use crate::auth::Actor;
use crate::{AppError, AppState};

/// Owners are warned this long before a draft expires.
use motcua_app::jobs::DAY_MICROS;

/// The lifetime of drafts, from the configuration.
pub fn draft_ttl(state: &AppState) -> i64 {
    state.config().draft_ttl_days.max(1) * DAY_MICROS
}

/// A draft with everything its pages need.
pub struct DraftView {
    pub draft: Draft,
    pub code: String,
    pub entry: ProcedureEntry,
    pub form: FormDefinition,
    pub answers: Answers,
}

impl DraftView {
    /// The step with this id, and its position.
    pub fn step(&self, id: &str) -> Option<(usize, &Step)> {
        self.form.steps.iter().enumerate().find(|(_, s)| s.id == id)
    }

    pub fn slots(&self) -> Vec<Slot> {
        document_slots(Some(&self.form), &self.entry.documents, &self.answers)
    }

    pub fn base(&self) -> String {
        format!("/ho-so-nhap/{}", self.draft.public_id)
    }
}

pub use motcua_app::procedures::form_of;

/// Whether a procedure can be filed online here.
pub fn online(entry: &ProcedureEntry) -> bool {
    entry
        .channels
        .iter()
        .any(|c| c.channel == SubmissionChannel::Online)
}

/// The online fee of a procedure, in đồng (0 when free or unknown).
pub fn online_fee(entry: &ProcedureEntry) -> i64 {
    entry
        .channels
        .iter()
        .filter(|c| c.channel == SubmissionChannel::Online)
        .flat_map(|c| &c.fees)
        .filter_map(|f| f.online_amount.or(f.amount))
        .map(|d| d.amount())
        .sum()
}

/// The procedure as it was in a version (what a draft or dossier was filed under).
pub async fn version_entry(state: &AppState, version_id: i64) -> Result<ProcedureEntry, AppError> {
    Ok(state.procedure_version(version_id).await?.as_ref().clone())
}

/// The procedure's name in a version (empty when it cannot be read).
pub async fn version_name(state: &AppState, version_id: i64) -> Result<String, AppError> {
    Ok(motcua_app::procedures::version_name(state.app(), version_id).await?)
}

/// A dossier state's Vietnamese label (the stored name if it is unknown).
pub fn state_label(name: &str) -> String {
    name.parse::<motcua_domain::dossier::DossierState>()
        .map(|s| s.label().to_string())
        .unwrap_or_else(|_| name.to_string())
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

/// Loads a draft the principal may work on (theirs, an organisation's they represent,
/// or one they filled for someone at a counter); anything else is "not found", logged.
pub async fn load_draft(
    state: &AppState,
    principal: &Actor,
    public_id: &str,
) -> Result<DraftView, AppError> {
    let db = &state.store().db;
    let Some(draft) = db.draft(public_id).await? else {
        return Err(AppError::NotFound);
    };
    let allowed = draft.created_by == principal.account.id
        || applicant_accounts(state, principal)
            .await?
            .contains(&draft.account_id);
    if !allowed {
        tracing::warn!(
            account = principal.account.id,
            draft = public_id,
            "access denied: another person's draft"
        );
        return Err(AppError::NotFound);
    }
    let entry = version_entry(state, draft.procedure_version_id).await?;
    let code = entry.code.clone();
    let form = state
        .version_form(draft.procedure_version_id)
        .await?
        .as_ref()
        .clone();
    let answers: Answers = serde_json::from_str(&draft.answers).unwrap_or_default();
    Ok(DraftView {
        draft,
        code,
        entry,
        form,
        answers,
    })
}

/// A checking context for today, in Vietnam.
pub fn context<'a>(places: &'a crate::places::PlaceBook) -> Context<'a> {
    Context {
        today: chrono::Utc::now()
            .with_timezone(&motcua_domain::VIETNAM_TIME)
            .date_naive(),
        places,
    }
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
