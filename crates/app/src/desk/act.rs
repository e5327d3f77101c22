//! The one path for moving a dossier (see [`super`]): authorize the action for the
//! actor's roles, turn it into a transition of the state machine (or a hand-over,
//! assignment, transfer or extension), work out step, holder and due time, and write
//! it with its event in one transaction guarded by the dossier's version.

use chrono::{DateTime, FixedOffset};
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::dossier::{
    Action, Command, DossierFlow, DossierState, EventData, Role, TransitionError,
};
use motcua_store::dossiers::{Dossier, EventInput, Progress};

use super::access::{Capacity, acting_roles, require_colleague, require_working_official};
use super::{
    DeskAction, DeskDossier, acting_role, micros, now, pass_on_command, step_timeliness,
    timeliness_name,
};
use crate::{Actor, App, Error, Result};

/// An action as asked: what, with which comment, on the version the actor saw, and
/// in which capacity.
#[derive(Clone, Debug)]
pub struct Act {
    pub action: DeskAction,
    /// A free comment recorded with the event.
    pub note: String,
    /// The dossier's version the actor saw: a dossier changed since is refused with
    /// what changed.
    pub expected_version: i64,
    pub capacity: Capacity,
}

/// Moves a dossier on, now: the one path for every back-office and applicant action.
pub async fn act(app: &App, actor: &Actor, desk: &DeskDossier, act: Act) -> Result<Dossier> {
    act_at(app, actor, desk, act, now()).await
}

/// [`act`] at a given instant (the state machine, the deadline and the event all take
/// it): for replaying a paper record, and for tests that need the calendar.
pub async fn act_at(
    app: &App,
    actor: &Actor,
    desk: &DeskDossier,
    act: Act,
    at: DateTime<FixedOffset>,
) -> Result<Dossier> {
    let roles = acting_roles(app, actor, &desk.dossier, act.capacity).await?;
    if act.expected_version != desk.dossier.version {
        return Err(stale(app, &desk.dossier).await);
    }
    authorize(app, desk, &roles, &act.action).await?;
    let calendar = app
        .store()
        .db
        .working_calendar(Some(&desk.agency.code))
        .await?;
    let mut moving = Moving::of(desk, calendar, at);
    let (action, to) = moving.prepare(app, desk, act.action.clone()).await?;
    let change = moving.apply(desk, &roles, action, to)?;
    moving.write(app, actor, desk, change, &act).await
}

/// The checks an action needs beyond the process's own role rules: who a dossier may
/// be handed to, and which actions only the agency working on it may take.
async fn authorize(
    app: &App,
    desk: &DeskDossier,
    roles: &[Role],
    action: &DeskAction,
) -> Result<()> {
    let dossier = &desk.dossier;
    match action {
        DeskAction::Assign { to } => {
            require_working_official(roles, "giao hồ sơ")?;
            require_colleague(app, desk, *to, None).await?;
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
            require_colleague(app, desk, *to, next).await?;
        }
        DeskAction::TransferBack
            if !roles
                .iter()
                .any(|r| matches!(r, Role::Specialist | Role::Leader)) =>
        {
            return Err(Error::Refused(
                "Chỉ cơ quan phối hợp đang giải quyết hồ sơ mới chuyển trả hồ sơ liên thông".into(),
            ));
        }
        DeskAction::Extend { .. } => {
            require_working_official(roles, "hẹn lại ngày trả kết quả")?;
        }
        _ => {}
    }
    Ok(())
}

/// What an action changes, worked out before it is written.
struct Moving {
    flow: DossierFlow,
    step: i64,
    holder: Option<i64>,
    handling: Option<i64>,
    extended: Option<i64>,
    /// Data carried beside the command (fields to correct, a tracking number).
    extra: EventData,
    /// The applicant's corrected answers (supplementation).
    new_answers: Option<String>,
    calendar: WorkingCalendar,
    at: DateTime<FixedOffset>,
}

/// The event an action writes: its name, data and the state it leads to.
struct Change {
    name: String,
    data: EventData,
    to_state: DossierState,
}

impl Moving {
    fn of(desk: &DeskDossier, calendar: WorkingCalendar, at: DateTime<FixedOffset>) -> Self {
        let dossier = &desk.dossier;
        Self {
            flow: desk.flow.clone(),
            step: dossier.step,
            holder: dossier.holder_id,
            handling: dossier.handling_agency_id,
            extended: dossier.extended_due_at,
            extra: EventData::default(),
            new_answers: None,
            calendar,
            at,
        }
    }

    /// Turns "pass on", supplementation and return into commands of the process,
    /// keeping the data they carry; returns the action and whom it hands to.
    async fn prepare(
        &mut self,
        app: &App,
        desk: &DeskDossier,
        action: DeskAction,
    ) -> Result<(DeskAction, Option<i64>)> {
        let db = &app.store().db;
        let dossier = &desk.dossier;
        Ok(match action {
            DeskAction::PassOn { to } => match pass_on_command(desk) {
                Some(command) => (DeskAction::Flow(command), to),
                None => (DeskAction::PassOn { to }, to),
            },
            DeskAction::Supplement { form_data, fields } => {
                self.extra.fields = fields;
                self.new_answers = Some(form_data);
                (DeskAction::Flow(Command::Supplement), None)
            }
            DeskAction::Supplementation { items, fields } => {
                self.extra.fields = fields;
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
                    return Err(Error::field(
                        "channel",
                        "Chưa có tệp kết quả để trả trực tuyến: đính kèm kết quả trước",
                    ));
                }
                self.extra.tracking_number = tracking_number;
                (DeskAction::Flow(Command::ReturnResult { channel }), None)
            }
            other => (other, None),
        })
    }

    /// Applies the action to the state machine and the dossier's step, holder and
    /// agencies.
    fn apply(
        &mut self,
        desk: &DeskDossier,
        roles: &[Role],
        action: DeskAction,
        to: Option<i64>,
    ) -> Result<Change> {
        let dossier = &desk.dossier;
        let (name, data, to_state) = match action {
            DeskAction::Flow(command) => {
                let action_kind = command.action();
                let role = acting_role(desk, roles, action_kind).ok_or_else(|| {
                    Error::Refused(format!(
                        "Bạn không thể «{}» hồ sơ đang ở trạng thái «{}»",
                        action_kind.label(),
                        desk.state().label()
                    ))
                })?;
                let mut event = self
                    .flow
                    .apply(command, role, self.at)
                    .map_err(conflict_from)?;
                match action_kind {
                    Action::StartProcessing => {
                        self.step = 0;
                        self.holder = to;
                    }
                    Action::SubmitForApproval => {
                        event.data.timeliness = step_timeliness(desk, &self.calendar, self.at);
                        self.step += 1;
                        self.holder = to;
                    }
                    Action::Approve => {
                        event.data.timeliness = step_timeliness(desk, &self.calendar, self.at);
                        self.step = desk.workflow.return_step() as i64;
                        self.holder = None;
                    }
                    Action::SendBack => {
                        self.step = desk.workflow.last_specialist_step() as i64;
                        self.holder = None;
                    }
                    Action::Receive | Action::ConfirmPayment => {
                        self.step = 0;
                        self.holder = None;
                    }
                    Action::ReturnResult | Action::Refuse | Action::Stop => self.holder = None,
                    _ => {}
                }
                if let Some(to) = to {
                    event.data.handed_to = Some(to);
                }
                event.data.fields = std::mem::take(&mut self.extra.fields);
                event.data.tracking_number = self.extra.tracking_number.take();
                if matches!(
                    action_kind,
                    Action::StartProcessing
                        | Action::SubmitForApproval
                        | Action::Approve
                        | Action::SendBack
                ) {
                    event.data.step = Some(self.step as u32);
                }
                (action_kind.as_str().to_string(), event.data, event.to)
            }
            DeskAction::PassOn { .. } => {
                // Between two steps of the same role: a hand-over, the state unchanged.
                let next = self.step as usize + 1;
                let same_role = desk.workflow.steps.get(self.step as usize).map(|s| s.role)
                    == desk.workflow.steps.get(next).map(|s| s.role);
                let role = desk.workflow.steps.get(self.step as usize).map(|s| s.role);
                let allowed = same_role
                    && matches!(
                        desk.state(),
                        DossierState::InProcessing | DossierState::AwaitingApproval
                    )
                    && role.is_some_and(|r| roles.contains(&r));
                if !allowed {
                    return Err(Error::Refused(format!(
                        "Không thể chuyển bước khi hồ sơ ở trạng thái «{}»",
                        desk.state().label()
                    )));
                }
                let data = EventData {
                    handed_to: to,
                    step: Some(next as u32),
                    timeliness: step_timeliness(desk, &self.calendar, self.at),
                    ..EventData::default()
                };
                self.step = next as i64;
                self.holder = to;
                ("hand_over".to_string(), data, desk.state())
            }
            DeskAction::Supplementation { .. }
            | DeskAction::Supplement { .. }
            | DeskAction::Return { .. } => {
                unreachable!("turned into commands above")
            }
            DeskAction::Assign { to } => {
                if desk.state().is_final() {
                    return Err(Error::Refused("Hồ sơ đã kết thúc".into()));
                }
                self.holder = Some(to);
                let data = EventData {
                    handed_to: Some(to),
                    ..EventData::default()
                };
                ("assign".to_string(), data, desk.state())
            }
            DeskAction::Transfer { agency } => {
                let movable =
                    matches!(desk.state(), DossierState::InProcessing) && self.handling.is_none();
                if !movable
                    || !roles
                        .iter()
                        .any(|r| matches!(r, Role::Specialist | Role::Leader))
                {
                    return Err(Error::Refused(
                        "Chỉ chuyển liên thông hồ sơ đang xử lý tại cơ quan mình".into(),
                    ));
                }
                if agency.id == desk.agency.id {
                    return Err(Error::field("agency", "Chọn một cơ quan khác"));
                }
                self.handling = Some(agency.id);
                self.holder = None;
                let data = EventData {
                    agency: Some(agency.code.clone()),
                    ..EventData::default()
                };
                ("transfer".to_string(), data, desk.state())
            }
            DeskAction::TransferBack => {
                if self.handling.is_none() {
                    return Err(Error::Refused("Hồ sơ không ở cơ quan liên thông".into()));
                }
                self.handling = None;
                self.holder = None;
                let data = EventData {
                    agency: Some(desk.working_agency.code.clone()),
                    ..EventData::default()
                };
                ("transfer_back".to_string(), data, desk.state())
            }
            DeskAction::Extend { new_due, reason } => {
                let due = dossier.due_at.ok_or_else(|| {
                    Error::Refused("Hồ sơ chưa có hạn trả kết quả để gia hạn".into())
                })?;
                if self.extended.is_some() {
                    return Err(Error::Refused(
                        "Hồ sơ đã được hẹn lại ngày trả kết quả một lần; không hẹn lại lần nữa"
                            .into(),
                    ));
                }
                if desk.state().is_final() || dossier.finished_at.is_some() {
                    return Err(Error::Refused("Hồ sơ đã có kết quả".into()));
                }
                if reason.trim().is_empty() {
                    return Err(Error::field("reason", "Nêu lý do chậm trễ"));
                }
                // The letter must reach the applicant at least one day before the deadline.
                if micros(self.at) > due - 24 * 3600 * 1_000_000 {
                    return Err(Error::Refused(
                        "Văn bản xin lỗi phải gửi người nộp chậm nhất 01 ngày trước hạn trả kết quả; đã quá thời điểm này".into(),
                    ));
                }
                if micros(new_due) <= due {
                    return Err(Error::field(
                        "new_due",
                        "Ngày hẹn mới phải sau hạn trả kết quả hiện tại",
                    ));
                }
                self.extended = Some(micros(new_due));
                let data = EventData {
                    reason: Some(reason.trim().to_string()),
                    new_due: Some(new_due),
                    ..EventData::default()
                };
                ("extend".to_string(), data, desk.state())
            }
        };
        Ok(Change {
            name,
            data,
            to_state,
        })
    }

    /// Writes the change with its event, the clock's due time and the step's holder.
    async fn write(
        self,
        app: &App,
        actor: &Actor,
        desk: &DeskDossier,
        change: Change,
        act: &Act,
    ) -> Result<Dossier> {
        let db = &app.store().db;
        let dossier = &desk.dossier;
        let Change {
            name,
            data,
            to_state,
        } = change;
        let clock = self.flow.clock();
        let due_at = match clock {
            Some(clock) => clock
                .due(&self.calendar)
                .map_err(|e| Error::Internal(e.to_string()))?
                .map(micros),
            None => None,
        };
        let finished_at = clock.and_then(|c| c.finished_at()).map(micros);
        let timeliness = match clock {
            Some(clock) if finished_at.is_some() => clock
                .timeliness(&self.calendar)
                .map_err(|e| Error::Internal(e.to_string()))?,
            _ => None,
        };
        let mut data = data;
        if finished_at.is_some() && dossier.finished_at.is_none() {
            data.timeliness = timeliness;
        }
        let flow_json =
            serde_json::to_string(&self.flow).map_err(|e| Error::Internal(e.to_string()))?;
        let data_json = serde_json::to_string(&data).map_err(|e| Error::Internal(e.to_string()))?;
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
            holder_id: self.holder,
            step: self.step,
            handling_agency_id: self.handling,
            finished_at,
            timeliness: timeliness.map(timeliness_name),
            extended_due_at: self.extended,
            register_year: receiving.then(|| chrono::Datelike::year(&self.at)),
            at: Some(micros(self.at)),
        };
        let moved = db
            .move_dossier(
                dossier.id,
                act.expected_version,
                &EventInput {
                    actor_id: Some(actor.account.id),
                    action: &name,
                    to_state: to_state.as_str(),
                    note: act.note.trim(),
                    data: &data_json,
                },
                &progress,
                self.new_answers.as_deref(),
            )
            .await;
        let (moved, _) = match moved {
            Ok(moved) => moved,
            Err(motcua_store::StoreError::Conflict(_)) => return Err(stale(app, dossier).await),
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
}

fn conflict_from(error: TransitionError) -> Error {
    match error {
        TransitionError::MissingData { field, .. } => {
            Error::field("reason", format!("Cần nhập {field}"))
        }
        other => Error::Refused(other.to_string()),
    }
}

/// The conflict of an action on a dossier that changed meanwhile: its new state, who
/// moved it and when.
async fn stale(app: &App, dossier: &Dossier) -> Error {
    let db = &app.store().db;
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
    let state_label = fresh.as_ref().map(|d| d.state.label()).unwrap_or("");
    let when = last
        .map(|e| crate::text::local_time(e.at, "%H:%M %d/%m/%Y"))
        .unwrap_or_default();
    Error::Refused(format!(
        "Hồ sơ vừa được {} cập nhật lúc {when}, hiện ở trạng thái «{state_label}». Thao tác của bạn chưa được thực hiện: xem lại hồ sơ rồi làm lại nếu vẫn cần.",
        if who.is_empty() {
            "người khác".to_string()
        } else {
            who
        }
    ))
}
