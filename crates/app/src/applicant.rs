//! What an applicant does to a dossier after submitting it: withdraw it before
//! receipt, ask to stop a received one, answer a supplementation request (documents
//! uploaded for it, the marked answers corrected). Each goes through the desk's one
//! path (`desk::act` as [`Capacity::Applicant`]), so the state machine and the
//! dossier's history decide and record it exactly as for an official.

use bytes::Bytes;
use motcua_domain::catalog::{Problem, ProcedureEntry};
use motcua_domain::dossier::{Action, Command, DossierState, EventData, Role};
use motcua_domain::eform::{
    Answers, FileKind, FormDefinition, Scope, Slot, Step, merge_step, normalize, validate,
};
use motcua_store::dossiers::Dossier;

use crate::desk::{Act, Capacity, DeskAction};
use crate::{Actor, App, Error, Result};

/// A dossier of the actor as applicant (their own or a represented organisation's)
/// with its procedure; anything else is "not found", logged.
pub async fn own(app: &App, actor: &Actor, code: &str) -> Result<(Dossier, ProcedureEntry)> {
    let db = &app.store().db;
    let dossier = db.dossier_by_code(code).await?.ok_or(Error::NotFound)?;
    if !crate::access::is_applicant(db, actor, &dossier).await? {
        tracing::warn!(
            account = actor.account.id,
            dossier = code,
            "access denied: not the applicant"
        );
        return Err(Error::NotFound);
    }
    let entry = app
        .procedure_version(dossier.procedure_version_id)
        .await?
        .as_ref()
        .clone();
    Ok((dossier, entry))
}

/// Whether the applicant may take `action` now (the dossier's own state machine, with
/// its deadline clock once received, decides).
pub fn may(dossier: &Dossier, entry: &ProcedureEntry, action: Action) -> bool {
    crate::desk::flow_of(dossier, entry)
        .map(|flow| flow.allowed_actions(Role::Applicant).contains(&action))
        .unwrap_or(false)
}

async fn move_as_applicant(
    app: &App,
    actor: &Actor,
    dossier: Dossier,
    action: DeskAction,
    note: String,
    version: Option<i64>,
) -> Result<()> {
    let version = version.unwrap_or(dossier.version);
    let desk = crate::desk::describe(app, dossier).await?;
    let request = Act {
        action,
        note,
        expected_version: version,
        capacity: Capacity::Applicant,
    };
    crate::desk::act(app, actor, &desk, request).await?;
    Ok(())
}

/// Withdraws a dossier not yet received. `version` is the one the person saw (`None`: the current one).
pub async fn withdraw(app: &App, actor: &Actor, code: &str, version: Option<i64>) -> Result<()> {
    let (dossier, entry) = own(app, actor, code).await?;
    if !may(&dossier, &entry, Action::Withdraw) {
        return Err(Error::Refused(
            "Hồ sơ đã được tiếp nhận nên không rút được nữa; bạn có thể đề nghị dừng giải quyết"
                .into(),
        ));
    }
    let action = DeskAction::Flow(Command::Withdraw);
    move_as_applicant(app, actor, dossier, action, String::new(), version).await
}

/// Asks to stop processing a received dossier, with the reason (kept to 1,000
/// characters); the agency's notice (form 05) follows.
pub async fn stop(
    app: &App,
    actor: &Actor,
    code: &str,
    reason: &str,
    version: Option<i64>,
) -> Result<()> {
    let (dossier, entry) = own(app, actor, code).await?;
    if !may(&dossier, &entry, Action::Stop) {
        return Err(Error::Refused(
            "Hồ sơ không ở giai đoạn có thể đề nghị dừng giải quyết".into(),
        ));
    }
    let note: String = reason.trim().chars().take(1000).collect();
    move_as_applicant(
        app,
        actor,
        dossier,
        DeskAction::Flow(Command::Stop),
        note,
        version,
    )
    .await
}

/// What the official asked for in the last supplementation request.
#[derive(Clone, Debug, Default)]
pub struct Requested {
    /// Everything to supply, one entry per item.
    pub items: Vec<String>,
    /// E-form field ids to correct.
    pub fields: Vec<String>,
    /// The official's note, if any.
    pub note: Option<String>,
}

fn awaiting(dossier: &Dossier) -> Result<()> {
    if dossier.state == DossierState::AwaitingSupplementation {
        Ok(())
    } else {
        Err(Error::Refused(
            "Hồ sơ không ở trạng thái chờ bổ sung".into(),
        ))
    }
}

/// The last supplementation request of a dossier awaiting one.
pub async fn requested(app: &App, dossier: &Dossier) -> Result<Requested> {
    awaiting(dossier)?;
    let events = app.store().db.dossier_events(dossier.id).await?;
    let request = events
        .iter()
        .rev()
        .find(|e| e.action == "request_supplement")
        .ok_or(Error::NotFound)?;
    let data: EventData = serde_json::from_str(&request.data).unwrap_or_default();
    Ok(Requested {
        items: data.missing_items,
        fields: data.fields,
        note: Some(request.note.clone()).filter(|n| !n.trim().is_empty()),
    })
}

/// The fields the official marked, as one step of their own.
pub fn marked_step(form: &FormDefinition, fields: &[String]) -> Step {
    Step {
        id: "bo_sung".into(),
        title: String::new(),
        intro: None,
        fields: form
            .steps
            .iter()
            .flat_map(|s| s.fields.iter())
            .filter(|f| fields.contains(&f.id))
            .cloned()
            .collect(),
    }
}

/// Adds a document to the supplement being prepared for slot `index` of the
/// procedure; it also enters the applicant's document store. A slot that does not
/// exist is "not found"; a refused file is a field error on `file` with the reason.
pub async fn attach_to_supplement(
    app: &App,
    actor: &Actor,
    code: &str,
    index: usize,
    file_name: &str,
    bytes: Bytes,
) -> Result<()> {
    let (dossier, entry) = own(app, actor, code).await?;
    awaiting(&dossier)?;
    let Some(document) = entry.documents.get(index) else {
        return Err(Error::NotFound);
    };
    let slot = Slot {
        index,
        name: document.name.clone(),
        required: false,
        shown: true,
        condition: None,
        originals: 0,
        copies: 0,
        show_only: false,
        accept: FileKind::DEFAULT.to_vec(),
        template: None,
        by_form: false,
    };
    let max = app.settings().max_upload_bytes;
    if let Some(message) = crate::documents::refusal(&slot, &bytes, max) {
        return Err(Error::field("file", message));
    }
    let owner = dossier.applicant_id.ok_or(Error::NotFound)?;
    let stored = crate::documents::keep_upload(app, owner, &slot.name, file_name, bytes).await?;
    let db = &app.store().db;
    db.add_pending_attachment(dossier.id, index as i64, stored.id)
        .await?;
    Ok(())
}

/// A supplement the applicant sent, or why it was not sent.
#[derive(Debug)]
pub enum Supplemented {
    Sent,
    /// The corrected answers have problems; nothing was changed. The answers as
    /// typed, to show again with the problems.
    Problems {
        answers: Answers,
        problems: Vec<Problem>,
    },
}

/// Sends the supplement: the marked answers corrected from `pairs` (form field
/// names as in the e-form), checked within the whole form, and the documents added
/// for it. `version` is the one the person saw (`None`: the current one).
pub async fn supplement(
    app: &App,
    actor: &Actor,
    code: &str,
    pairs: &[(String, String)],
    version: Option<i64>,
) -> Result<Supplemented> {
    let (dossier, entry) = own(app, actor, code).await?;
    let request = requested(app, &dossier).await?;
    let form = crate::procedures::form_of(&entry);
    let mut answers: Answers = serde_json::from_str(&dossier.form_data).unwrap_or_default();
    let mut corrected = form.clone();
    corrected.steps = vec![marked_step(&form, &request.fields)];
    merge_step(&corrected, "bo_sung", &mut answers, pairs);
    let places = app.places().await?;
    let problems: Vec<Problem> = validate(
        &form,
        &answers,
        Scope::Whole,
        &crate::drafts::context(&places),
    )
    .into_iter()
    .filter(|p| {
        let top = p.path.split(['.', '[']).next().unwrap_or_default();
        request.fields.iter().any(|f| f == top)
    })
    .collect();
    if !problems.is_empty() {
        return Ok(Supplemented::Problems { answers, problems });
    }
    let form_data = serde_json::Value::Object(normalize(&form, &answers)).to_string();
    let action = DeskAction::Supplement {
        form_data,
        fields: request.fields,
    };
    move_as_applicant(app, actor, dossier, action, String::new(), version).await?;
    Ok(Supplemented::Sent)
}
