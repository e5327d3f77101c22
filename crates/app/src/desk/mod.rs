//! The back office's one path for moving a dossier: every page and API call that acts
//! on a dossier goes through [`act`], which rebuilds the dossier's state machine and
//! deadline clock, applies the action for the official's role, works out the workflow
//! step, who holds the dossier and the due time, and writes it all with the event in one
//! transaction guarded by the dossier's version (a concurrent action gets a conflict,
//! never a lost update or a double transition).

pub mod access;
pub mod act;
pub mod deadlines;
pub mod forms;
pub mod register;
pub mod request;
pub mod results;

pub use access::{
    Capacity, acting_roles, desk_agencies, process_role, require_colleague,
    require_working_official, roles_at, roles_for,
};
pub use act::{Act, act, act_at};
pub use deadlines::{ApologyDraft, apology_draft, deadline_sweep};
pub use request::{DeskRequest, decide};
pub use results::add_result;

use chrono::{DateTime, FixedOffset};
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::catalog::{ProcedureEntry, SubmissionChannel};
use motcua_domain::deadline::{Allowance, ProcessingTime, Timeliness};
use motcua_domain::dossier::{Action, Channel, Command, DossierFlow, DossierState, Role, Workflow};
use motcua_store::agencies::Agency;
use motcua_store::dossiers::Dossier;

use crate::{Actor, App, Error};

/// A dossier as the back office sees it.
#[derive(Clone, Debug)]
pub struct DeskDossier {
    pub dossier: Dossier,
    pub entry: ProcedureEntry,
    pub flow: DossierFlow,
    pub workflow: Workflow,
    /// The agency working on it now (its own, or the one it was transferred to).
    pub working_agency: Agency,
    pub agency: Agency,
}

impl DeskDossier {
    pub fn state(&self) -> DossierState {
        self.flow.state()
    }

    /// The due instant in force: the apology letter's new date, else the legal one.
    pub fn due_at(&self) -> Option<i64> {
        self.dossier.extended_due_at.or(self.dossier.due_at)
    }

    /// The name of the workflow step the dossier is at, once in processing.
    pub fn step_name(&self) -> Option<&str> {
        use DossierState as S;
        match self.state() {
            S::InProcessing | S::AwaitingApproval | S::ResultReady | S::Paused => self
                .workflow
                .steps
                .get(self.dossier.step as usize)
                .map(|s| s.name.as_str()),
            _ => None,
        }
    }
}

/// What an official does to a dossier.
#[derive(Clone, Debug)]
pub enum DeskAction {
    /// A transition of the one-stop process.
    Flow(Command),
    /// Pass the dossier to the next workflow step (a transition where the next step
    /// changes the state, e.g. to the leader), optionally to a named official.
    PassOn { to: Option<i64> },
    /// Give the dossier to an official of its current step (or take it).
    Assign { to: i64 },
    /// Send the dossier to another agency for its part (liên thông).
    Transfer { agency: Agency },
    /// The other agency hands the dossier back.
    TransferBack,
    /// Ask for supplementation (form 02): the items, and the e-form answers the
    /// applicant must correct.
    Supplementation {
        items: Vec<String>,
        fields: Vec<String>,
    },
    /// The applicant supplies what was asked: the corrected answers (all of them, as
    /// JSON) and the ids of the fields corrected.
    Supplement {
        form_data: String,
        fields: Vec<String>,
    },
    /// Hand over the result: how, and the postal tracking number when by post.
    Return {
        channel: motcua_domain::dossier::ReturnChannel,
        tracking_number: Option<String>,
    },
    /// Set the new return date of an apology letter (form 04); once.
    Extend {
        new_due: DateTime<FixedOffset>,
        reason: String,
    },
}

/// The processing time of a dossier: that of its channel (counter dossiers take the
/// in-person time), else any the procedure states, else within the day.
pub fn processing_time(entry: &ProcedureEntry, channel: Channel) -> ProcessingTime {
    let wanted = match channel {
        Channel::Counter => SubmissionChannel::InPerson,
        Channel::Post => SubmissionChannel::Post,
        _ => SubmissionChannel::Online,
    };
    let allowance = entry
        .channel(wanted)
        .and_then(|c| c.processing_time)
        .or_else(|| entry.channels.iter().find_map(|c| c.processing_time))
        .unwrap_or(Allowance::SameDay);
    ProcessingTime {
        allowance,
        same_day_cutoff: entry.same_day_cutoff,
    }
}

/// The dossier's state machine: as stored by the back office, or (for a dossier it has
/// not moved yet) rebuilt from its state, which then has no clock.
pub fn flow_of(dossier: &Dossier, entry: &ProcedureEntry) -> Result<DossierFlow, Error> {
    if let Some(flow) = &dossier.flow
        && flow.state() == dossier.state
    {
        return Ok(flow.clone());
    }
    DossierFlow::from_parts(dossier.state, processing_time(entry, dossier.channel), None)
        .map_err(|e| Error::Internal(format!("dossier {}: {e}", dossier.code)))
}

/// The workflow of a procedure at an agency: the one its administrators defined, or
/// the standard one for the processing time.
pub async fn workflow_of(
    app: &App,
    agency_id: i64,
    entry: &ProcedureEntry,
    time: ProcessingTime,
) -> Result<Workflow, Error> {
    if let Some(json) = app.store().db.workflow(agency_id, &entry.code).await?
        && let Ok(workflow) = serde_json::from_str::<Workflow>(&json)
        && workflow.check(time.allowance).is_empty()
    {
        return Ok(workflow);
    }
    Ok(Workflow::standard(time.allowance))
}

/// Loads a dossier for the back office; outside the principal's scope it is "not
/// found" (logged).
pub async fn load(app: &App, principal: &Actor, code: &str) -> Result<DeskDossier, Error> {
    let db = &app.store().db;
    let dossier = db.dossier_by_code(code).await?.ok_or(Error::NotFound)?;
    // The agency working on it, or (while it is transferred) its own agency, which
    // follows it without acting on it.
    let working = roles_for(app, principal, &dossier).await?;
    let owning = match dossier.handling_agency_id {
        Some(_) => roles_at(app, principal, dossier.agency_id).await?,
        None => Vec::new(),
    };
    if working.is_empty() && owning.is_empty() {
        tracing::warn!(
            account = principal.account.id,
            dossier = code,
            "access denied: dossier outside the official's agencies"
        );
        return Err(Error::NotFound);
    }
    describe(app, dossier).await
}

/// A dossier with its procedure, state machine, workflow and agencies.
pub async fn describe(app: &App, dossier: Dossier) -> Result<DeskDossier, Error> {
    let db = &app.store().db;
    let entry = app
        .procedure_version(dossier.procedure_version_id)
        .await?
        .as_ref()
        .clone();
    let flow = flow_of(&dossier, &entry)?;
    let agency = db.agency(dossier.agency_id).await?.ok_or(Error::NotFound)?;
    let working_agency = match dossier.handling_agency_id {
        Some(id) => db.agency(id).await?.ok_or(Error::NotFound)?,
        None => agency.clone(),
    };
    let workflow = workflow_of(app, agency.id, &entry, flow.processing_time()).await?;
    Ok(DeskDossier {
        dossier,
        entry,
        flow,
        workflow,
        working_agency,
        agency,
    })
}

/// Now, in Vietnam.
pub fn now() -> DateTime<FixedOffset> {
    chrono::Utc::now()
        .with_timezone(&motcua_domain::VIETNAM_TIME)
        .fixed_offset()
}

pub(crate) fn micros(at: DateTime<FixedOffset>) -> i64 {
    at.timestamp_micros()
}

/// What a workflow step's share means as an allowance of the procedure's own time.
fn share(time: ProcessingTime, hours: u32) -> Allowance {
    match time.allowance {
        Allowance::CalendarDays(_) => Allowance::CalendarDays(hours.div_ceil(24)),
        _ => Allowance::WorkingHours(hours),
    }
}

/// When the current step of a dossier should be done (none before processing).
pub fn step_due(desk: &DeskDossier, calendar: &WorkingCalendar) -> Option<DateTime<FixedOffset>> {
    let clock = desk.flow.clock()?;
    let step = desk.dossier.step as usize;
    let hours = desk.workflow.hours_before(step + 1);
    clock
        .share_due(calendar, share(desk.flow.processing_time(), hours))
        .ok()
}

/// The role a principal acts in for `action`: the first of theirs the process allows.
pub fn acting_role(desk: &DeskDossier, roles: &[Role], action: Action) -> Option<Role> {
    roles
        .iter()
        .copied()
        .find(|role| desk.flow.allowed_actions(*role).contains(&action))
}

/// What a principal may do to a dossier now, for the buttons of its page.
pub fn available(desk: &DeskDossier, roles: &[Role]) -> Vec<Action> {
    let mut actions: Vec<Action> = Vec::new();
    for role in roles {
        for action in desk.flow.allowed_actions(*role) {
            if !actions.contains(&action) && action != Action::Submit {
                actions.push(action);
            }
        }
    }
    actions
}

/// The command "pass on" means at the dossier's state and step: start processing at
/// the desk, hand over between specialists or leaders, submit to the first leader,
/// approve at the last leader.
pub fn pass_on_command(desk: &DeskDossier) -> Option<Command> {
    use DossierState as S;
    let step = desk.dossier.step as usize;
    let next = desk.workflow.steps.get(step + 1).map(|s| s.role);
    match (desk.state(), next) {
        (S::Received, _) => Some(Command::StartProcessing),
        (S::InProcessing, Some(Role::Leader)) => Some(Command::SubmitForApproval),
        (S::AwaitingApproval, Some(Role::ReceptionDesk)) => Some(Command::Approve),
        _ => None,
    }
}

/// Whether "pass on" means something for these roles now: a transition to the next
/// step that the roles may take, or a hand-over between two steps of the same role.
pub fn can_pass_on(desk: &DeskDossier, roles: &[Role]) -> bool {
    if let Some(command) = pass_on_command(desk) {
        return available(desk, roles).contains(&command.action());
    }
    let step = desk.dossier.step as usize;
    let current = desk.workflow.steps.get(step).map(|s| s.role);
    let next = desk.workflow.steps.get(step + 1).map(|s| s.role);
    matches!(
        desk.state(),
        DossierState::InProcessing | DossierState::AwaitingApproval
    ) && next.is_some()
        && next == current
        && current.is_some_and(|r| roles.contains(&r))
}

/// Adds a note between officials, or a message the applicant sees (and is told of,
/// through the event stream).
/// Notes are kept apart from the hash-chained history: they change nothing in the
/// dossier, so they never make a colleague's pending action stale.
pub async fn add_note(
    app: &App,
    desk: &DeskDossier,
    author: &Actor,
    audience: &str,
    body: &str,
) -> Result<i64, Error> {
    let id = app
        .store()
        .db
        .add_note(desk.dossier.id, author.account.id, audience, body)
        .await?;
    // A message to the applicant is an event: `applicant_notices` tells them.
    Ok(id)
}

/// The stored name of a timeliness.
pub fn timeliness_name(timeliness: Timeliness) -> &'static str {
    match timeliness {
        Timeliness::Early => "early",
        Timeliness::OnTime => "on_time",
        Timeliness::Late => "late",
    }
}

/// "Trước hạn", "Đúng hạn", "Quá hạn".
pub fn timeliness_label(name: &str) -> &'static str {
    match name {
        "early" => "Trước hạn",
        "on_time" => "Đúng hạn",
        "late" => "Quá hạn",
        _ => "",
    }
}

/// Early, on time or late for the current step, handed over at `at`.
pub(crate) fn step_timeliness(
    desk: &DeskDossier,
    calendar: &WorkingCalendar,
    at: DateTime<FixedOffset>,
) -> Option<Timeliness> {
    step_due(desk, calendar).map(|due| Timeliness::classify(at, due))
}

/// The Vietnamese label of a stored action name (back-office hand-overs included).
pub fn action_label(name: &str) -> String {
    name.parse::<Action>()
        .map(|a| a.label().to_string())
        .unwrap_or_else(|_| {
            match name {
                "hand_over" => "Chuyển bước xử lý",
                "assign" => "Giao hồ sơ cho cán bộ",
                "transfer" => "Chuyển liên thông",
                "transfer_back" => "Nhận lại hồ sơ liên thông",
                "extend" => "Xin lỗi và hẹn lại ngày trả kết quả",
                "note" => "Ghi chú",
                "message" => "Tin nhắn cho người nộp",
                "result_added" => "Đính kèm kết quả",
                "counter_submit" => "Tiếp nhận hồ sơ trực tiếp",
                other => other,
            }
            .to_string()
        })
}
