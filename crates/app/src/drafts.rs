//! The applicant's drafts: open one prefilled from a profile, load it (only for whom
//! it may be worked on), save a step on top of the latest version, list what stops it,
//! and submit it once. Pages and the API do all of this through these functions.

use motcua_domain::catalog::Problem;
use motcua_domain::catalog::ProcedureEntry;
use motcua_domain::eform::{
    Answers, Context, FormDefinition, ProfileFacts, Scope, Slot, Step, document_slots, normalize,
    prefill, validate,
};
use motcua_store::StoreError;
use motcua_store::dossiers::Dossier;
use motcua_store::drafts::{Draft, NewDraft, Submission};
use serde_json::Value;

use crate::procedures::{form_of, online_fee};
use crate::{Actor, App, Error};

/// A draft with everything its pages need.
pub struct DraftView {
    pub draft: Draft,
    pub code: String,
    pub entry: ProcedureEntry,
    pub form: FormDefinition,
    pub answers: Answers,
    /// Opened by someone filling it in for the applicant at a counter: they fill the
    /// form and attach what the person brought, but never see the person's document
    /// store.
    pub by_helper: bool,
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

/// Loads a draft the actor may work on (theirs, an organisation's they represent,
/// or one they filled for someone at a counter); anything else is "not found", logged.
pub async fn load_draft(app: &App, actor: &Actor, public_id: &str) -> Result<DraftView, Error> {
    let db = &app.store().db;
    let Some(draft) = db.draft(public_id).await? else {
        return Err(Error::NotFound);
    };
    let applicant = crate::access::applicant_accounts(&app.store().db, actor)
        .await?
        .contains(&draft.account_id);
    // A helper at a counter keeps the draft they fill only while it is being filled
    // and while they still work at a counter.
    let by_helper = !applicant
        && draft.created_by == actor.account.id
        && draft.dossier_id.is_none()
        && crate::access::at_a_counter(actor);
    if !applicant && !by_helper {
        tracing::warn!(
            account = actor.account.id,
            draft = public_id,
            "access denied: another person's draft"
        );
        return Err(Error::NotFound);
    }
    let entry = app
        .procedure_version(draft.procedure_version_id)
        .await?
        .as_ref()
        .clone();
    let code = entry.code.clone();
    let form = app
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
        by_helper,
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

/// What the applicant's account says about them, for prefilling.
pub async fn profile_facts(app: &App, account_id: i64) -> Result<ProfileFacts, Error> {
    let db = &app.store().db;
    let account = db.account(account_id).await?.ok_or(Error::NotFound)?;
    let profile = db.profile(account_id).await?;
    Ok(ProfileFacts {
        full_name: Some(account.full_name),
        citizen_id: account.citizen_id,
        tax_code: account.tax_code,
        phone: account.phone.map(|p| {
            p.parse::<motcua_domain::validate::PhoneNumber>()
                .map(|n| n.national().to_string())
                .unwrap_or(p)
        }),
        email: account.email,
        address: profile.address,
    })
}

/// Who a draft is for and who fills it.
pub struct Opening {
    /// The applicant account (the person or the organisation).
    pub applicant: i64,
    /// Who fills it in; their details prefill the form unless `prefill_from` says.
    pub filler: i64,
    /// Whose profile prefills the form (the person, when a helper fills it in).
    pub prefill_from: i64,
    /// The official or volunteer helping at an access point.
    pub assisted_by: Option<i64>,
    pub agency: i64,
}

impl Opening {
    /// A draft the actor files online for `applicant` (themselves, or an organisation
    /// they represent) at `agency`, prefilled from the actor's own profile: a
    /// representative fills in their own details as the one asking.
    pub fn online(actor: &Actor, applicant: i64, agency: i64) -> Self {
        Self {
            applicant,
            filler: actor.account.id,
            prefill_from: actor.account.id,
            assisted_by: None,
            agency,
        }
    }
}

/// Opens a draft of the current version of `entry`, prefilled from a profile.
pub async fn open_draft(
    app: &App,
    entry: &motcua_domain::catalog::ProcedureEntry,
    opening: Opening,
) -> Result<motcua_store::drafts::Draft, Error> {
    let db = &app.store().db;
    let version = db
        .current_procedure(&entry.code)
        .await?
        .ok_or(Error::NotFound)?;
    let definition = form_of(entry);
    let mut answers = Answers::new();
    prefill(
        &definition,
        &profile_facts(app, opening.prefill_from).await?,
        &mut answers,
    );
    Ok(db
        .create_draft(&NewDraft {
            account_id: opening.applicant,
            created_by: opening.filler,
            assisted_by: opening.assisted_by,
            procedure_version_id: version.version_id,
            agency_id: opening.agency,
            answers: &serde_json::Value::Object(answers).to_string(),
            first_step: &definition.steps[0].id,
            ttl_micros: app.settings().draft_ttl_micros(),
        })
        .await?)
}

/// Saves one step's answers on top of the latest draft (retrying when another save
/// came in between): `apply` writes the step's answers into the draft's. Returns the
/// saved view.
pub async fn save_step_with(
    app: &App,
    actor: &Actor,
    id: &str,
    step: &str,
    apply: impl Fn(&DraftView, &mut Answers),
) -> Result<DraftView, Error> {
    for _ in 0..4 {
        let mut view = load_draft(app, actor, id).await?;
        if view.draft.dossier_id.is_some() {
            return Err(Error::Conflict("the draft was submitted".into()));
        }
        if view.step(step).is_none() {
            return Err(Error::NotFound);
        }
        let mut answers = view.answers.clone();
        apply(&view, &mut answers);
        view.answers = answers;
        let text = Value::Object(view.answers.clone()).to_string();
        match app
            .store()
            .db
            .save_draft(
                view.draft.id,
                view.draft.version,
                &text,
                step,
                app.settings().draft_ttl_micros(),
            )
            .await
        {
            Ok(draft) => {
                view.draft = draft;
                return Ok(view);
            }
            Err(StoreError::Conflict(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(Error::Conflict("the draft keeps changing".into()))
}

/// What is wrong with the answers: of one step (when the person moves on from it), or
/// of the whole form (before submission).
pub async fn check(app: &App, view: &DraftView, scope: Scope<'_>) -> Result<Vec<Problem>, Error> {
    let places = app.places().await?;
    Ok(validate(
        &view.form,
        &view.answers,
        scope,
        &context(&places),
    ))
}

/// Everything that stops the submission: answers (linked to their step) and
/// required documents not attached.
pub async fn blockers(app: &App, view: &DraftView) -> Result<Vec<(String, String)>, Error> {
    let mut problems = Vec::new();
    for problem in check(app, view, Scope::Whole).await? {
        let top = problem
            .path
            .split(['.', '['])
            .next()
            .unwrap_or_default()
            .to_string();
        let step = view
            .form
            .steps
            .iter()
            .find(|s| s.fields.iter().any(|f| f.id == top))
            .map(|s| s.id.clone())
            .unwrap_or_default();
        let label = view
            .form
            .steps
            .iter()
            .flat_map(|s| &s.fields)
            .find(|f| f.id == top)
            .map(|f| f.label.clone())
            .unwrap_or_default();
        problems.push((
            format!("{}/buoc/{step}#{}", view.base(), problem.path),
            format!("{label}: {}", problem.message),
        ));
    }
    for slot in missing_documents(app, view).await? {
        problems.push((
            format!("{}/giay-to#giay-to-{}", view.base(), slot.index),
            missing_message(&slot),
        ));
    }
    Ok(problems)
}

/// The required documents shown for the answers that have nothing attached.
pub async fn missing_documents(app: &App, view: &DraftView) -> Result<Vec<Slot>, Error> {
    let attached = app.store().db.draft_attachments(view.draft.id).await?;
    Ok(view
        .slots()
        .into_iter()
        .filter(|slot| {
            slot.shown && slot.required && !attached.iter().any(|(s, _)| *s == slot.index as i64)
        })
        .collect())
}

/// What a person reads about a required document not attached.
pub fn missing_message(slot: &Slot) -> String {
    format!(
        "Chưa đính kèm: {}",
        slot.name.chars().take(120).collect::<String>()
    )
}

/// Submits a draft the actor may work on: `Ok(Err(problems))` when something
/// stops it, else the dossier and whether this call created it (a repeat returns the
/// same dossier).
pub async fn submit(
    app: &App,
    actor: &Actor,
    view: &DraftView,
) -> Result<Result<(Dossier, bool), Vec<(String, String)>>, Error> {
    let db = &app.store().db;
    if let Some(dossier_id) = view.draft.dossier_id {
        return Ok(Ok((db.dossier(dossier_id).await?, false)));
    }
    let problems = blockers(app, view).await?;
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let agency = db
        .agency(view.draft.agency_id)
        .await?
        .ok_or(Error::NotFound)?;
    let day = chrono::Utc::now()
        .with_timezone(&motcua_domain::VIETNAM_TIME)
        .format("%y%m%d")
        .to_string();
    let counter = view.draft.channel.as_deref() == Some("counter");
    // Fees of a paper dossier are paid at the desk.
    let state_name = if online_fee(&view.entry) > 0 && !counter {
        "awaiting_payment"
    } else {
        "submitted"
    };
    let channel = if counter {
        "counter"
    } else if view.draft.assisted_by.is_some() {
        "assisted"
    } else {
        "online"
    };
    let form_data = Value::Object(normalize(&view.form, &view.answers)).to_string();
    let event_data = serde_json::json!({
        "procedure": view.code,
        "filed_by": view.draft.created_by,
        "assisted_by": view.draft.assisted_by,
    })
    .to_string();
    Ok(Ok(db
        .submit_draft(
            view.draft.id,
            &Submission {
                agency_code: &agency.code,
                day: &day,
                state: state_name,
                form_data: &form_data,
                channel,
                actor_id: actor.account.id,
                event_data: &event_data,
            },
        )
        .await?))
}
