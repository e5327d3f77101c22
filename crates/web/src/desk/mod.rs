//! The back office's one path for moving a dossier: every page and API call that acts
//! on a dossier goes through [`act`], which rebuilds the dossier's state machine and
//! deadline clock, applies the action for the official's role, works out the workflow
//! step, who holds the dossier and the due time, and writes it all with the event in one
//! transaction guarded by the dossier's version (a concurrent action gets a conflict,
//! never a lost update or a double transition).

pub mod forms;
pub mod register;

use chrono::{DateTime, FixedOffset};
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::catalog::{ProcedureEntry, SubmissionChannel};
use motcua_domain::deadline::{Allowance, ProcessingTime, Timeliness};
use motcua_domain::dossier::{
    Action, Channel, Command, DossierFlow, DossierState, EventData, Role, TransitionError, Workflow,
};
use motcua_store::agencies::Agency;
use motcua_store::dossiers::{Dossier, EventInput, Progress};

use crate::auth::Principal;
use crate::{AppError, AppState};

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
pub fn processing_time(entry: &ProcedureEntry, channel: &str) -> ProcessingTime {
    let wanted = match channel.parse::<Channel>() {
        Ok(Channel::Counter) => SubmissionChannel::InPerson,
        Ok(Channel::Post) => SubmissionChannel::Post,
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
pub fn flow_of(dossier: &Dossier, entry: &ProcedureEntry) -> Result<DossierFlow, AppError> {
    if let Some(json) = &dossier.flow {
        let flow: DossierFlow = serde_json::from_str(json)
            .map_err(|e| AppError::Internal(format!("dossier {} flow: {e}", dossier.code)))?;
        if flow.state().as_str() == dossier.state {
            return Ok(flow);
        }
    }
    let state = dossier
        .state
        .parse::<DossierState>()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    DossierFlow::from_parts(state, processing_time(entry, &dossier.channel), None)
        .map_err(|e| AppError::Internal(format!("dossier {}: {e}", dossier.code)))
}

/// The workflow of a procedure at an agency: the one its administrators defined, or
/// the standard one for the processing time.
pub async fn workflow_of(
    state: &AppState,
    agency_id: i64,
    entry: &ProcedureEntry,
    time: ProcessingTime,
) -> Result<Workflow, AppError> {
    if let Some(json) = state.store().db.workflow(agency_id, &entry.code).await?
        && let Ok(workflow) = serde_json::from_str::<Workflow>(&json)
        && workflow.check(time.allowance).is_empty()
    {
        return Ok(workflow);
    }
    Ok(Workflow::standard(time.allowance))
}

/// Loads a dossier for the back office; outside the principal's scope it is "not
/// found" (logged).
pub async fn load(
    state: &AppState,
    principal: &Principal,
    code: &str,
) -> Result<DeskDossier, AppError> {
    let db = &state.store().db;
    let dossier = db.dossier_by_code(code).await?.ok_or(AppError::NotFound)?;
    // The agency working on it, or (while it is transferred) its own agency, which
    // follows it without acting on it.
    let working = roles_for(state, principal, &dossier).await?;
    let owning = match dossier.handling_agency_id {
        Some(_) => roles_at(state, principal, dossier.agency_id).await?,
        None => Vec::new(),
    };
    if working.is_empty() && owning.is_empty() {
        tracing::warn!(
            account = principal.account.id,
            dossier = code,
            "access denied: dossier outside the official's agencies"
        );
        return Err(AppError::NotFound);
    }
    describe(state, dossier).await
}

/// A dossier with its procedure, state machine, workflow and agencies.
pub async fn describe(state: &AppState, dossier: Dossier) -> Result<DeskDossier, AppError> {
    let db = &state.store().db;
    let entry =
        crate::pages::submission::version_entry(state, dossier.procedure_version_id).await?;
    let flow = flow_of(&dossier, &entry)?;
    let agency = db
        .agency(dossier.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let working_agency = match dossier.handling_agency_id {
        Some(id) => db.agency(id).await?.ok_or(AppError::NotFound)?,
        None => agency.clone(),
    };
    let workflow = workflow_of(state, agency.id, &entry, flow.processing_time()).await?;
    Ok(DeskDossier {
        dossier,
        entry,
        flow,
        workflow,
        working_agency,
        agency,
    })
}

/// The process roles a principal holds for a dossier: those granted at the agency
/// working on it, and leadership of an agency above it.
pub async fn roles_for(
    state: &AppState,
    principal: &Principal,
    dossier: &Dossier,
) -> Result<Vec<Role>, AppError> {
    roles_at(
        state,
        principal,
        dossier.handling_agency_id.unwrap_or(dossier.agency_id),
    )
    .await
}

/// The process roles a principal holds at an agency (leaders: also below theirs).
pub async fn roles_at(
    state: &AppState,
    principal: &Principal,
    working: i64,
) -> Result<Vec<Role>, AppError> {
    let mut roles = Vec::new();
    for grant in &principal.roles {
        let Some(agency) = grant.agency_id else {
            continue;
        };
        let Some(role) = process_role(&grant.role) else {
            continue;
        };
        let covers = agency == working
            || (role == Role::Leader
                && state
                    .store()
                    .db
                    .agency_subtree(&[agency])
                    .await?
                    .contains(&working));
        if covers && !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// The process role of a role grant (`reception`, `specialist`, `leader`).
pub fn process_role(grant: &str) -> Option<Role> {
    match grant {
        "reception" => Some(Role::ReceptionDesk),
        "specialist" => Some(Role::Specialist),
        "leader" => Some(Role::Leader),
        _ => None,
    }
}

/// Refuses an action that only the officials of the agency working on the dossier
/// may take (the agency that follows a transferred dossier only reads it).
pub fn require_working_official(roles: &[Role], what: &str) -> Result<(), AppError> {
    if roles
        .iter()
        .any(|r| matches!(r, Role::ReceptionDesk | Role::Specialist | Role::Leader))
    {
        return Ok(());
    }
    Err(AppError::Refused(format!(
        "Chỉ cán bộ của cơ quan đang giải quyết hồ sơ mới được {what}"
    )))
}

/// Checks that `to` is an official of the agency working on the dossier (with
/// `role`, when given): a dossier is handed only to a colleague.
pub async fn require_colleague(
    state: &AppState,
    desk: &DeskDossier,
    to: i64,
    role: Option<Role>,
) -> Result<(), AppError> {
    let colleague = state
        .store()
        .db
        .officials_of(&[desk.working_agency.id])
        .await?
        .iter()
        .any(|(account, grant)| {
            account.id == to
                && process_role(&grant.role).is_some_and(|r| role.is_none_or(|wanted| r == wanted))
        });
    if colleague {
        return Ok(());
    }
    Err(AppError::field(
        "giao_cho",
        "Cán bộ này không thuộc cơ quan đang giải quyết hồ sơ",
    ))
}

/// The agencies whose dossiers a principal works on: where they hold a process role,
/// and for leaders every agency below.
pub async fn desk_agencies(state: &AppState, principal: &Principal) -> Result<Vec<i64>, AppError> {
    let mut own = Vec::new();
    let mut led = Vec::new();
    for grant in &principal.roles {
        match (grant.role.as_str(), grant.agency_id) {
            ("leader", Some(agency)) => led.push(agency),
            ("reception" | "specialist", Some(agency)) => own.push(agency),
            _ => {}
        }
    }
    own.extend(state.store().db.agency_subtree(&led).await?);
    own.sort_unstable();
    own.dedup();
    Ok(own)
}

/// Now, in Vietnam.
pub fn now() -> DateTime<FixedOffset> {
    chrono::Utc::now()
        .with_timezone(&motcua_domain::VIETNAM_TIME)
        .fixed_offset()
}

fn micros(at: DateTime<FixedOffset>) -> i64 {
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

fn conflict_from(error: TransitionError) -> AppError {
    match error {
        TransitionError::MissingData { field, .. } => {
            AppError::field("ly_do", format!("Cần nhập {field}"))
        }
        other => AppError::Refused(other.to_string()),
    }
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

/// Moves a dossier on: the one path for every back-office action (see the module).
/// `expected_version` is the version the official saw; a dossier changed since gives
/// a conflict naming its new state.
pub async fn act(
    state: &AppState,
    desk: &DeskDossier,
    actor: &Principal,
    roles: &[Role],
    action: DeskAction,
    note: &str,
    expected_version: i64,
) -> Result<Dossier, AppError> {
    act_at(
        state,
        desk,
        actor,
        roles,
        action,
        note,
        expected_version,
        now(),
    )
    .await
}

/// [`act`] at a given instant (the state machine, the deadline and the event all take
/// it): for replaying a paper record, and for tests that need the calendar.
#[allow(clippy::too_many_arguments)]
pub async fn act_at(
    state: &AppState,
    desk: &DeskDossier,
    actor: &Principal,
    roles: &[Role],
    action: DeskAction,
    note: &str,
    expected_version: i64,
    at: DateTime<FixedOffset>,
) -> Result<Dossier, AppError> {
    let db = &state.store().db;
    let dossier = &desk.dossier;
    if expected_version != dossier.version {
        return Err(stale(state, dossier).await);
    }
    let calendar = db.working_calendar(Some(&desk.agency.code)).await?;
    let mut flow = desk.flow.clone();
    let mut step = dossier.step;
    let mut holder = dossier.holder_id;
    let mut handling = dossier.handling_agency_id;
    let mut extended = dossier.extended_due_at;
    // "Pass on" is a transition where the next step changes the state; a
    // supplementation request and a return carry data beside their command.
    let mut extra = EventData::default();
    let mut new_answers: Option<String> = None;
    match &action {
        DeskAction::Assign { to } => {
            require_working_official(roles, "giao hồ sơ")?;
            require_colleague(state, desk, *to, None).await?;
        }
        DeskAction::PassOn { to: Some(to) } => {
            // To an official of the step the dossier goes to.
            let next = desk
                .workflow
                .steps
                .get(dossier.step as usize + 1)
                .map(|s| s.role)
                .filter(|_| desk.state() != DossierState::Received)
                .or_else(|| desk.workflow.steps.first().map(|s| s.role));
            require_colleague(state, desk, *to, next).await?;
        }
        DeskAction::TransferBack
            if !roles
                .iter()
                .any(|r| matches!(r, Role::Specialist | Role::Leader)) =>
        {
            return Err(AppError::Refused(
                "Chỉ cơ quan phối hợp đang giải quyết hồ sơ mới chuyển trả hồ sơ liên thông".into(),
            ));
        }
        DeskAction::Extend { .. } => {
            require_working_official(roles, "hẹn lại ngày trả kết quả")?;
        }
        _ => {}
    }
    let (action, to) = match action {
        DeskAction::PassOn { to } => match pass_on_command(desk) {
            Some(command) => (DeskAction::Flow(command), to),
            None => (DeskAction::PassOn { to }, to),
        },
        DeskAction::Supplement { form_data, fields } => {
            extra.fields = fields;
            new_answers = Some(form_data);
            (DeskAction::Flow(Command::Supplement), None)
        }
        DeskAction::Supplementation { items, fields } => {
            extra.fields = fields;
            (
                DeskAction::Flow(Command::RequestSupplement {
                    missing_items: items,
                }),
                None,
            )
        }
        DeskAction::Return {
            channel,
            tracking_number,
        } => {
            if channel == motcua_domain::dossier::ReturnChannel::Electronic
                && db.results(dossier.id).await?.is_empty()
            {
                return Err(AppError::field(
                    "hinh_thuc",
                    "Chưa có tệp kết quả để trả trực tuyến: đính kèm kết quả trước",
                ));
            }
            extra.tracking_number = tracking_number;
            (DeskAction::Flow(Command::ReturnResult { channel }), None)
        }
        other => (other, None),
    };
    let (name, data, to_state) = match action {
        DeskAction::Flow(command) => {
            let action_kind = command.action();
            let role = acting_role(desk, roles, action_kind).ok_or_else(|| {
                AppError::Refused(format!(
                    "Bạn không thể «{}» hồ sơ đang ở trạng thái «{}»",
                    action_kind.label(),
                    desk.state().label()
                ))
            })?;
            let mut event = flow.apply(command, role, at).map_err(conflict_from)?;
            match action_kind {
                Action::StartProcessing => {
                    step = 0;
                    holder = to;
                }
                Action::SubmitForApproval => {
                    event.data.timeliness = step_timeliness(desk, &calendar, at);
                    step += 1;
                    holder = to;
                }
                Action::Approve => {
                    event.data.timeliness = step_timeliness(desk, &calendar, at);
                    step = desk.workflow.return_step() as i64;
                    holder = None;
                }
                Action::SendBack => {
                    step = desk.workflow.last_specialist_step() as i64;
                    holder = None;
                }
                Action::Receive | Action::ConfirmPayment => {
                    step = 0;
                    holder = None;
                }
                Action::ReturnResult | Action::Refuse | Action::Stop => holder = None,
                _ => {}
            }
            if let Some(to) = to {
                event.data.handed_to = Some(to);
            }
            event.data.fields = std::mem::take(&mut extra.fields);
            event.data.tracking_number = extra.tracking_number.take();
            if matches!(
                action_kind,
                Action::StartProcessing
                    | Action::SubmitForApproval
                    | Action::Approve
                    | Action::SendBack
            ) {
                event.data.step = Some(step as u32);
            }
            (action_kind.as_str().to_string(), event.data, event.to)
        }
        DeskAction::PassOn { .. } => {
            // Between two steps of the same role: a hand-over, the state unchanged.
            let next = step as usize + 1;
            let same_role = desk.workflow.steps.get(step as usize).map(|s| s.role)
                == desk.workflow.steps.get(next).map(|s| s.role);
            let role = desk.workflow.steps.get(step as usize).map(|s| s.role);
            let allowed = same_role
                && matches!(
                    desk.state(),
                    DossierState::InProcessing | DossierState::AwaitingApproval
                )
                && role.is_some_and(|r| roles.contains(&r));
            if !allowed {
                return Err(AppError::Refused(format!(
                    "Không thể chuyển bước khi hồ sơ ở trạng thái «{}»",
                    desk.state().label()
                )));
            }
            let data = EventData {
                handed_to: to,
                step: Some(next as u32),
                timeliness: step_timeliness(desk, &calendar, at),
                ..EventData::default()
            };
            step = next as i64;
            holder = to;
            ("hand_over".to_string(), data, desk.state())
        }
        DeskAction::Supplementation { .. }
        | DeskAction::Supplement { .. }
        | DeskAction::Return { .. } => {
            unreachable!("turned into commands above")
        }
        DeskAction::Assign { to } => {
            if desk.state().is_final() {
                return Err(AppError::Refused("Hồ sơ đã kết thúc".into()));
            }
            holder = Some(to);
            let data = EventData {
                handed_to: Some(to),
                ..EventData::default()
            };
            ("assign".to_string(), data, desk.state())
        }
        DeskAction::Transfer { agency } => {
            let movable = matches!(desk.state(), DossierState::InProcessing) && handling.is_none();
            if !movable
                || !roles
                    .iter()
                    .any(|r| matches!(r, Role::Specialist | Role::Leader))
            {
                return Err(AppError::Refused(
                    "Chỉ chuyển liên thông hồ sơ đang xử lý tại cơ quan mình".into(),
                ));
            }
            if agency.id == desk.agency.id {
                return Err(AppError::field("co_quan", "Chọn một cơ quan khác"));
            }
            handling = Some(agency.id);
            holder = None;
            let data = EventData {
                agency: Some(agency.code.clone()),
                ..EventData::default()
            };
            ("transfer".to_string(), data, desk.state())
        }
        DeskAction::TransferBack => {
            if handling.is_none() {
                return Err(AppError::Refused("Hồ sơ không ở cơ quan liên thông".into()));
            }
            handling = None;
            holder = None;
            let data = EventData {
                agency: Some(desk.working_agency.code.clone()),
                ..EventData::default()
            };
            ("transfer_back".to_string(), data, desk.state())
        }
        DeskAction::Extend { new_due, reason } => {
            let due = dossier.due_at.ok_or_else(|| {
                AppError::Refused("Hồ sơ chưa có hạn trả kết quả để gia hạn".into())
            })?;
            if extended.is_some() {
                return Err(AppError::Refused(
                    "Hồ sơ đã được hẹn lại ngày trả kết quả một lần; không hẹn lại lần nữa".into(),
                ));
            }
            if desk.state().is_final() || dossier.finished_at.is_some() {
                return Err(AppError::Refused("Hồ sơ đã có kết quả".into()));
            }
            if reason.trim().is_empty() {
                return Err(AppError::field("ly_do", "Nêu lý do chậm trễ"));
            }
            // The letter must reach the applicant at least one day before the deadline.
            if micros(at) > due - 24 * 3600 * 1_000_000 {
                return Err(AppError::Refused(
                    "Văn bản xin lỗi phải gửi người nộp chậm nhất 01 ngày trước hạn trả kết quả; đã quá thời điểm này".into(),
                ));
            }
            if micros(new_due) <= due {
                return Err(AppError::field(
                    "ngay_hen_moi",
                    "Ngày hẹn mới phải sau hạn trả kết quả hiện tại",
                ));
            }
            extended = Some(micros(new_due));
            let data = EventData {
                reason: Some(reason.trim().to_string()),
                new_due: Some(new_due),
                ..EventData::default()
            };
            ("extend".to_string(), data, desk.state())
        }
    };
    let clock = flow.clock();
    let due_at = match clock {
        Some(clock) => clock
            .due(&calendar)
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map(micros),
        None => None,
    };
    let finished_at = clock.and_then(|c| c.finished_at()).map(micros);
    let timeliness = match clock {
        Some(clock) if finished_at.is_some() => clock
            .timeliness(&calendar)
            .map_err(|e| AppError::Internal(e.to_string()))?,
        _ => None,
    };
    let mut data = data;
    if finished_at.is_some() && dossier.finished_at.is_none() {
        data.timeliness = timeliness;
    }
    let flow_json = serde_json::to_string(&flow).map_err(|e| AppError::Internal(e.to_string()))?;
    let data_json = serde_json::to_string(&data).map_err(|e| AppError::Internal(e.to_string()))?;
    let receiving = dossier.register_no.is_none() && to_state == DossierState::Received;
    let progress = Progress {
        flow: &flow_json,
        received_at: clock.map(|c| micros(c.received_at())),
        due_at: if to_state.is_final() && finished_at.is_none() {
            dossier.due_at
        } else {
            due_at.or(if clock.is_some_and(|c| c.is_paused()) {
                None
            } else {
                dossier.due_at
            })
        },
        holder_id: holder,
        step,
        handling_agency_id: handling,
        finished_at,
        timeliness: timeliness.map(timeliness_name),
        extended_due_at: extended,
        register_year: receiving.then(|| chrono::Datelike::year(&at)),
        at: Some(micros(at)),
    };
    let moved = db
        .move_dossier(
            dossier.id,
            expected_version,
            &EventInput {
                actor_id: Some(actor.account.id),
                action: &name,
                to_state: to_state.as_str(),
                note: note.trim(),
                data: &data_json,
            },
            &progress,
            new_answers.as_deref(),
        )
        .await;
    let (moved, _) = match moved {
        Ok(moved) => moved,
        Err(motcua_store::StoreError::Conflict(_)) => return Err(stale(state, dossier).await),
        Err(other) => return Err(other.into()),
    };
    if moved.extended_due_at != dossier.extended_due_at {
        // A new return date: warn again before it.
        db.reset_dossier_warning(moved.id).await?;
    }
    if to_state == DossierState::Returned
        && data.return_channel == Some(motcua_domain::dossier::ReturnChannel::Electronic)
        && let Some(applicant) = moved.applicant_id
    {
        // Returned electronically: the results enter the applicant's document store.
        db.issue_results(moved.id, applicant).await?;
    }
    // The applicant hears of it from the event stream (`applicant_notices`).
    Ok(moved)
}

/// Adds a note between officials, or a message the applicant sees (and is told of,
/// through the event stream).
/// Notes are kept apart from the hash-chained history: they change nothing in the
/// dossier, so they never make a colleague's pending action stale.
pub async fn add_note(
    state: &AppState,
    desk: &DeskDossier,
    author: &Principal,
    audience: &str,
    body: &str,
) -> Result<i64, AppError> {
    let id = state
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
fn step_timeliness(
    desk: &DeskDossier,
    calendar: &WorkingCalendar,
    at: DateTime<FixedOffset>,
) -> Option<Timeliness> {
    step_due(desk, calendar).map(|due| Timeliness::classify(at, due))
}

/// The conflict of an action on a dossier that changed meanwhile: its new state, who
/// moved it and when.
async fn stale(state: &AppState, dossier: &Dossier) -> AppError {
    let db = &state.store().db;
    let fresh = db.dossier(dossier.id).await.ok();
    let last = db
        .dossier_events(dossier.id)
        .await
        .ok()
        .and_then(|events| events.into_iter().last());
    let who = match last.as_ref().and_then(|e| e.actor_id) {
        Some(id) => db
            .account(id)
            .await
            .ok()
            .flatten()
            .map(|a| a.full_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let state_label = fresh
        .as_ref()
        .and_then(|d| d.state.parse::<DossierState>().ok())
        .map(|s| s.label())
        .unwrap_or("");
    let when = last
        .map(|e| crate::pages::local_time(e.at, "%H:%M %d/%m/%Y"))
        .unwrap_or_default();
    AppError::Refused(format!(
        "Hồ sơ vừa được {} cập nhật lúc {when}, hiện ở trạng thái «{state_label}». Thao tác của bạn chưa được thực hiện: xem lại hồ sơ rồi làm lại nếu vẫn cần.",
        if who.is_empty() {
            "người khác".to_string()
        } else {
            who
        }
    ))
}

/// A proposed apology letter (form 04) for a dossier that will be late: the new
/// return date and the reason, for the official to check and issue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApologyDraft {
    pub new_due: DateTime<FixedOffset>,
    pub reason: String,
}

/// The apology letter the system drafts when a dossier will be late: its current step
/// is already behind its share of the time, and the letter can still reach the
/// applicant a day before the deadline (form 04 sets a new date once). The new date
/// moves the deadline by the working time the step is behind, rounded up to whole
/// working days.
pub fn apology_draft(
    desk: &DeskDossier,
    calendar: &WorkingCalendar,
    at: DateTime<FixedOffset>,
) -> Option<ApologyDraft> {
    if desk.dossier.extended_due_at.is_some() || desk.state().is_final() {
        return None;
    }
    let clock = desk.flow.clock()?;
    if clock.finished_at().is_some() || clock.is_paused() {
        return None;
    }
    let due = clock.due(calendar).ok()??;
    if at > due - chrono::TimeDelta::days(1) {
        return None;
    }
    let step_end = step_due(desk, calendar)?;
    if at <= step_end {
        return None;
    }
    let behind = calendar.working_time_between(step_end, at).ok()?;
    let day = calendar.working_day_length();
    let days = (behind.num_seconds() + day.num_seconds() - 1) / day.num_seconds().max(1);
    let new_due = calendar
        .add_working_time(due, day * i32::try_from(days.max(1)).ok()?)
        .ok()?;
    let step = desk
        .workflow
        .steps
        .get(desk.dossier.step as usize)
        .map(|s| s.name.clone())
        .unwrap_or_else(|| "Tiếp nhận, chuyển xử lý".into());
    Some(ApologyDraft {
        new_due,
        reason: format!(
            "Bước «{step}» cần thêm thời gian để thẩm định, xử lý hồ sơ theo đúng quy định"
        ),
    })
}

/// Warns of dossiers nearing their due time (within the configured working days, not
/// yet warned): the official holding each, else its step's officials, and the desk of
/// the agency working on it; the warning says when an apology letter was drafted.
/// Returns how many dossiers were warned.
pub async fn deadline_sweep(
    state: &AppState,
    at: DateTime<FixedOffset>,
) -> Result<usize, AppError> {
    let db = &state.store().db;
    let days = i64::from(state.config().deadline_warning_days.max(1));
    // Calendar days bound the working days from above, holidays included.
    let horizon = micros(at) + (days * 3 + 14) * 24 * 3_600_000_000;
    let mut warned = 0;
    for dossier in db.dossiers_due_before(horizon, true).await? {
        let code = dossier.code.clone();
        let desk = match describe(state, dossier).await {
            Ok(desk) => desk,
            Err(e) => {
                tracing::warn!(error = ?e, dossier = %code, "cannot read dossier for deadline warning");
                continue;
            }
        };
        let calendar = db.working_calendar(Some(&desk.agency.code)).await?;
        let Some(due) = desk.due_at().map(motcua_store::time::from_micros) else {
            continue;
        };
        let due = due
            .with_timezone(&motcua_domain::VIETNAM_TIME)
            .fixed_offset();
        let left = if due <= at {
            chrono::TimeDelta::zero()
        } else {
            calendar
                .working_time_between(at, due)
                .map_err(|e| AppError::Internal(e.to_string()))?
        };
        if left > calendar.working_day_length() * i32::try_from(days).unwrap_or(2) {
            continue;
        }
        let draft = apology_draft(&desk, &calendar, at);
        let mut recipients: Vec<i64> = desk.dossier.holder_id.into_iter().collect();
        let working = desk.working_agency.id;
        for (account, grant) in db.officials_of(&[working]).await? {
            let step_role = desk
                .workflow
                .steps
                .get(desk.dossier.step as usize)
                .map(|s| s.role);
            let role = process_role(&grant.role);
            let in_step = desk.dossier.holder_id.is_none() && role.is_some() && role == step_role;
            if (role == Some(Role::ReceptionDesk) || in_step) && !recipients.contains(&account.id) {
                recipients.push(account.id);
            }
        }
        let when = due.format("%H:%M %d/%m/%Y");
        let body = match &draft {
            Some(d) => format!(
                "motcua: hồ sơ {code} đến hạn trả kết quả lúc {when} và có thể trễ hạn. Đã có dự thảo văn bản xin lỗi, hẹn lại ngày {} (Mẫu 04): kiểm tra và gửi người nộp chậm nhất 01 ngày trước hạn.",
                d.new_due.format("%d/%m/%Y")
            ),
            None if due <= at => format!("motcua: hồ sơ {code} đã quá hạn trả kết quả ({when})."),
            None => format!("motcua: hồ sơ {code} sắp đến hạn trả kết quả lúc {when}."),
        };
        for account in recipients {
            if let Err(e) =
                crate::notify::tell_account(state.app(), account, "Hồ sơ sắp đến hạn", &body, false)
                    .await
            {
                tracing::warn!(error = %e, dossier = %code, "cannot send a deadline warning");
            }
        }
        let due_micros = due.timestamp_micros();
        let event = if due <= at {
            motcua_domain::events::DomainEvent::Overdue { due_at: due_micros }
        } else {
            motcua_domain::events::DomainEvent::DeadlineApproaching { due_at: due_micros }
        };
        db.mark_dossier_warned(desk.dossier.id, &event).await?;
        warned += 1;
    }
    Ok(warned)
}
