//! The dossier state machine: applies an action by a role at an instant, checks it
//! against the transition table and the data it must carry, keeps the deadline clock in
//! step, and yields the event to append to the dossier's history.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{Action, DossierState, ReturnChannel, Role, rules};
use crate::deadline::{ClockError, DeadlineClock, Pause, ProcessingTime};
use crate::money::Dong;
use crate::serde_formats;

/// An action with the data it must carry.
///
/// In JSON, tagged by `action`: `{"action": "refuse", "reason": "..."}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Send the draft.
    Submit,
    /// Withdraw before receipt.
    Withdraw,
    /// Ask for missing documents (form 02).
    RequestSupplement {
        /// What is missing or must be corrected, one entry per item.
        missing_items: Vec<String>,
    },
    /// Supply what was asked.
    Supplement,
    /// Ask for the fees.
    RequestPayment {
        /// The amount due.
        amount: Dong,
    },
    /// Record that the fees were paid; this receives the dossier.
    ConfirmPayment {
        /// The payment's reference (provider transaction, receipt number).
        reference: String,
    },
    /// Receive the dossier (form 01).
    Receive,
    /// Refuse, with reasons (form 03 before receipt).
    Refuse {
        /// Why, as it will be written to the applicant.
        reason: String,
    },
    /// Hand the dossier to the processing unit.
    StartProcessing,
    /// Suspend processing while the applicant acts.
    Pause {
        /// Why, and what the applicant must do.
        reason: String,
    },
    /// Resume processing.
    Resume,
    /// Submit a draft result to a leader.
    SubmitForApproval,
    /// Approve the result.
    Approve,
    /// Send the draft result back for rework.
    SendBack {
        /// What must be reworked.
        reason: String,
    },
    /// Hand over the result.
    ReturnResult {
        /// How the result reaches the applicant.
        channel: ReturnChannel,
    },
    /// Stop processing at the applicant's request (form 05).
    Stop,
}

impl Command {
    /// The action this command performs.
    ///
    /// ```
    /// use motcua_domain::dossier::{Action, Command};
    ///
    /// assert_eq!(Command::Refuse { reason: "Thiếu chữ ký".into() }.action(), Action::Refuse);
    /// ```
    pub fn action(&self) -> Action {
        match self {
            Self::Submit => Action::Submit,
            Self::Withdraw => Action::Withdraw,
            Self::RequestSupplement { .. } => Action::RequestSupplement,
            Self::Supplement => Action::Supplement,
            Self::RequestPayment { .. } => Action::RequestPayment,
            Self::ConfirmPayment { .. } => Action::ConfirmPayment,
            Self::Receive => Action::Receive,
            Self::Refuse { .. } => Action::Refuse,
            Self::StartProcessing => Action::StartProcessing,
            Self::Pause { .. } => Action::Pause,
            Self::Resume => Action::Resume,
            Self::SubmitForApproval => Action::SubmitForApproval,
            Self::Approve => Action::Approve,
            Self::SendBack { .. } => Action::SendBack,
            Self::ReturnResult { .. } => Action::ReturnResult,
            Self::Stop => Action::Stop,
        }
    }

    /// The event data of the command, or the name of the missing field.
    fn data(self) -> Result<EventData, &'static str> {
        let text = |text: String, field| {
            if text.trim().is_empty() {
                Err(field)
            } else {
                Ok(text)
            }
        };
        let mut data = EventData::default();
        match self {
            Self::RequestSupplement { missing_items } => {
                if missing_items.is_empty() || missing_items.iter().any(|i| i.trim().is_empty()) {
                    return Err("danh sách giấy tờ cần bổ sung");
                }
                data.missing_items = missing_items;
            }
            Self::RequestPayment { amount } => {
                if amount <= Dong::ZERO {
                    return Err("số tiền phải nộp");
                }
                data.amount = Some(amount);
            }
            Self::ConfirmPayment { reference } => {
                data.payment_reference = Some(text(reference, "mã giao dịch thanh toán")?);
            }
            Self::Refuse { reason } | Self::Pause { reason } | Self::SendBack { reason } => {
                data.reason = Some(text(reason, "lý do")?);
            }
            Self::ReturnResult { channel } => data.return_channel = Some(channel),
            _ => {}
        }
        Ok(data)
    }
}

/// What an event carries beside its action; empty fields are left out of the JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventData {
    /// Items requested for supplementation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_items: Vec<String>,
    /// E-form answers (field ids) the official marked for correction with a
    /// supplementation request, or the applicant corrected with a supplement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// The reason of a refusal, a pause or a send-back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The amount requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Dong>,
    /// The reference of a confirmed payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_reference: Option<String>,
    /// How the result was returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_channel: Option<ReturnChannel>,
    /// The wait for the applicant that this event ended, which the deadline excludes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_ended: Option<Pause>,
    /// The postal tracking number of a result sent by post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    /// The official the dossier was handed to (account id), on a hand-over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handed_to: Option<i64>,
    /// The workflow step the dossier moved to (its index), on a hand-over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u32>,
    /// The agency the dossier was transferred to or came back from (its code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// Early, on time or late: of a hand-over against its step's allowance, or of the
    /// dossier when its result is done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeliness: Option<crate::deadline::Timeliness>,
    /// The new return date of an apology letter (form 04).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "serde_formats::option_instant"
    )]
    pub new_due: Option<DateTime<FixedOffset>>,
}

/// The record of one transition, to append to the dossier's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierEvent {
    /// What was done.
    pub action: Action,
    /// The state before.
    pub from: DossierState,
    /// The state after.
    pub to: DossierState,
    /// Who did it.
    pub actor: Role,
    /// When.
    #[serde(with = "serde_formats::instant")]
    pub at: DateTime<FixedOffset>,
    /// The data the action carried.
    pub data: EventData,
    /// A free comment by the actor, set by the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Why a transition was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The action is not possible in the dossier's state.
    #[error("Không thể thực hiện «{action}» khi hồ sơ ở trạng thái «{state}»")]
    NotAllowed {
        /// The action tried.
        action: Action,
        /// The dossier's state.
        state: DossierState,
    },
    /// The role may not take the action.
    #[error("Vai trò «{role}» không được thực hiện «{action}»")]
    Forbidden {
        /// The action tried.
        action: Action,
        /// The role that tried.
        role: Role,
    },
    /// A required piece of data is missing or blank.
    #[error("Thao tác «{action}» cần có {field}")]
    MissingData {
        /// The action tried.
        action: Action,
        /// The missing field, in Vietnamese.
        field: &'static str,
    },
    /// The deadline clock refused the change (e.g. an instant earlier than the last one).
    #[error(transparent)]
    Clock(#[from] ClockError),
    /// Stored parts that do not fit together.
    #[error("Dữ liệu trạng thái hồ sơ không nhất quán: {0}")]
    Inconsistent(&'static str),
}

/// Where a dossier is in its process, with its deadline clock once received.
///
/// ```
/// use chrono::DateTime;
/// use motcua_domain::deadline::Allowance;
/// use motcua_domain::dossier::{Command, DossierFlow, DossierState, Role};
///
/// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
/// let mut flow = DossierFlow::new(Allowance::WorkingDays(3).into());
/// flow.apply(Command::Submit, Role::Applicant, at("2026-03-02T08:00:00+07:00"))?;
/// let event = flow.apply(Command::Receive, Role::ReceptionDesk, at("2026-03-02T09:00:00+07:00"))?;
/// assert_eq!((event.from, event.to), (DossierState::Submitted, DossierState::Received));
/// assert!(flow.clock().is_some());
/// assert!(flow.apply(Command::Approve, Role::Leader, at("2026-03-02T10:00:00+07:00")).is_err());
/// # Ok::<(), motcua_domain::dossier::TransitionError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FlowParts", into = "FlowParts")]
pub struct DossierFlow {
    state: DossierState,
    processing_time: ProcessingTime,
    clock: Option<DeadlineClock>,
}

impl DossierFlow {
    /// A new draft of a procedure with `processing_time`.
    ///
    /// ```
    /// use motcua_domain::deadline::Allowance;
    /// use motcua_domain::dossier::{DossierFlow, DossierState};
    ///
    /// assert_eq!(DossierFlow::new(Allowance::SameDay.into()).state(), DossierState::Draft);
    /// ```
    pub fn new(processing_time: ProcessingTime) -> Self {
        Self {
            state: DossierState::Draft,
            processing_time,
            clock: None,
        }
    }

    /// A flow rebuilt from its stored parts, checked for consistency (a received dossier
    /// has a clock, a paused one a stopped clock, a finished one a finished clock).
    ///
    /// ```
    /// use motcua_domain::deadline::Allowance;
    /// use motcua_domain::dossier::{DossierFlow, DossierState};
    ///
    /// let time = Allowance::WorkingDays(3).into();
    /// assert!(DossierFlow::from_parts(DossierState::Submitted, time, None).is_ok());
    /// assert!(DossierFlow::from_parts(DossierState::InProcessing, time, None).is_err());
    /// ```
    pub fn from_parts(
        state: DossierState,
        processing_time: ProcessingTime,
        clock: Option<DeadlineClock>,
    ) -> Result<Self, TransitionError> {
        let flow = Self {
            state,
            processing_time,
            clock,
        };
        flow.check().map_err(TransitionError::Inconsistent)?;
        Ok(flow)
    }

    /// The current state.
    ///
    /// ```
    /// use motcua_domain::deadline::Allowance;
    /// use motcua_domain::dossier::{DossierFlow, DossierState};
    ///
    /// assert!(!DossierFlow::new(Allowance::SameDay.into()).state().is_final());
    /// ```
    pub fn state(&self) -> DossierState {
        self.state
    }

    /// The procedure's processing time.
    ///
    /// ```
    /// use motcua_domain::deadline::Allowance;
    /// use motcua_domain::dossier::DossierFlow;
    ///
    /// let flow = DossierFlow::new(Allowance::WorkingDays(5).into());
    /// assert_eq!(flow.processing_time().allowance, Allowance::WorkingDays(5));
    /// ```
    pub fn processing_time(&self) -> ProcessingTime {
        self.processing_time
    }

    /// The deadline clock, from receipt on.
    ///
    /// ```
    /// use motcua_domain::deadline::Allowance;
    /// use motcua_domain::dossier::DossierFlow;
    ///
    /// assert!(DossierFlow::new(Allowance::SameDay.into()).clock().is_none());
    /// ```
    pub fn clock(&self) -> Option<&DeadlineClock> {
        self.clock.as_ref()
    }

    /// The actions `role` may take now (for the buttons of a page).
    ///
    /// ```
    /// use motcua_domain::deadline::Allowance;
    /// use motcua_domain::dossier::{Action, DossierFlow, Role};
    ///
    /// let flow = DossierFlow::new(Allowance::SameDay.into());
    /// assert_eq!(flow.allowed_actions(Role::Applicant), [Action::Submit, Action::Withdraw]);
    /// assert!(flow.allowed_actions(Role::Leader).is_empty());
    /// ```
    pub fn allowed_actions(&self, role: Role) -> Vec<Action> {
        Action::ALL
            .iter()
            .copied()
            .filter(|&action| {
                rules::transition(self.state, action, self.clock.is_some())
                    .is_some_and(|(_, roles)| roles.contains(&role))
            })
            .collect()
    }

    /// Applies `command` by `actor` at `at`: on success the flow moves and the event to
    /// append is returned; on failure the flow is unchanged.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use motcua_domain::deadline::Allowance;
    /// use motcua_domain::dossier::{Command, DossierFlow, Role, TransitionError};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T08:00:00+07:00").unwrap();
    /// let mut flow = DossierFlow::new(Allowance::WorkingDays(3).into());
    /// flow.apply(Command::Submit, Role::Applicant, at)?;
    /// let refusal = flow.apply(Command::Refuse { reason: " ".into() }, Role::ReceptionDesk, at);
    /// assert!(matches!(refusal, Err(TransitionError::MissingData { .. })));
    /// let request = Command::RequestSupplement { missing_items: vec!["Bản sao giấy khai sinh".into()] };
    /// let event = flow.apply(request, Role::ReceptionDesk, at)?;
    /// assert_eq!(event.data.missing_items, ["Bản sao giấy khai sinh"]);
    /// # Ok::<(), TransitionError>(())
    /// ```
    pub fn apply(
        &mut self,
        command: Command,
        actor: Role,
        at: DateTime<FixedOffset>,
    ) -> Result<DossierEvent, TransitionError> {
        let action = command.action();
        let from = self.state;
        let (to, roles) = rules::transition(from, action, self.clock.is_some()).ok_or(
            TransitionError::NotAllowed {
                action,
                state: from,
            },
        )?;
        if !roles.contains(&actor) {
            return Err(TransitionError::Forbidden {
                action,
                role: actor,
            });
        }
        let mut data = command
            .data()
            .map_err(|field| TransitionError::MissingData { action, field })?;
        let clock = self.next_clock(action, to, at, &mut data)?;
        self.state = to;
        self.clock = clock;
        Ok(DossierEvent {
            action,
            from,
            to,
            actor,
            at,
            data,
            note: None,
        })
    }

    /// The clock after `action` leads to `to` at `at`; records an ended wait in `data`.
    fn next_clock(
        &self,
        action: Action,
        to: DossierState,
        at: DateTime<FixedOffset>,
        data: &mut EventData,
    ) -> Result<Option<DeadlineClock>, ClockError> {
        let Some(mut clock) = self.clock.clone() else {
            return Ok((to == DossierState::Received)
                .then(|| DeadlineClock::start(at, self.processing_time)));
        };
        match (action, to) {
            (Action::RequestSupplement | Action::Pause, _) => clock.pause(at)?,
            (Action::Supplement | Action::Resume, _) => data.wait_ended = Some(clock.resume(at)?),
            (_, DossierState::ResultReady | DossierState::Refused | DossierState::Stopped) => {
                let wait = clock.paused_since().map(|from| Pause { from, to: at });
                clock.finish(at)?;
                data.wait_ended = wait;
            }
            _ => {}
        }
        Ok(Some(clock))
    }

    /// Checks that the state and the clock fit together.
    fn check(&self) -> Result<(), &'static str> {
        use DossierState as S;
        let clock = self.clock.as_ref();
        let running = clock.is_some_and(|c| !c.is_paused() && c.finished_at().is_none());
        let waiting = clock.is_some_and(|c| c.is_paused() && c.finished_at().is_none());
        let finished = clock.is_some_and(|c| c.finished_at().is_some());
        let fits = match self.state {
            S::Draft | S::Submitted | S::AwaitingPayment | S::Withdrawn => clock.is_none(),
            S::Received | S::InProcessing | S::AwaitingApproval => running,
            S::Paused => waiting,
            S::AwaitingSupplementation => clock.is_none() || waiting,
            S::ResultReady | S::Returned | S::Stopped => finished,
            S::Refused => clock.is_none() || finished,
        };
        if fits {
            Ok(())
        } else {
            Err("trạng thái không khớp với đồng hồ thời hạn giải quyết")
        }
    }
}

/// The stored shape of a [`DossierFlow`], checked on the way in.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlowParts {
    state: DossierState,
    processing_time: ProcessingTime,
    #[serde(default)]
    clock: Option<DeadlineClock>,
}

impl TryFrom<FlowParts> for DossierFlow {
    type Error = TransitionError;

    fn try_from(parts: FlowParts) -> Result<Self, Self::Error> {
        Self::from_parts(parts.state, parts.processing_time, parts.clock)
    }
}

impl From<DossierFlow> for FlowParts {
    fn from(flow: DossierFlow) -> Self {
        Self {
            state: flow.state,
            processing_time: flow.processing_time,
            clock: flow.clock,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::Allowance;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn a_supplementation_during_processing_stops_the_clock_and_records_the_wait() {
        let mut flow = DossierFlow::new(Allowance::WorkingDays(3).into());
        flow.apply(
            Command::Submit,
            Role::Applicant,
            at("2026-03-02T08:00:00+07:00"),
        )
        .unwrap();
        flow.apply(
            Command::Receive,
            Role::ReceptionDesk,
            at("2026-03-02T08:10:00+07:00"),
        )
        .unwrap();
        flow.apply(
            Command::StartProcessing,
            Role::System,
            at("2026-03-02T08:10:00+07:00"),
        )
        .unwrap();
        let request = Command::RequestSupplement {
            missing_items: vec!["Tờ khai có chữ ký".into()],
        };
        flow.apply(request, Role::Specialist, at("2026-03-03T10:00:00+07:00"))
            .unwrap();
        assert!(flow.clock().unwrap().is_paused());
        let event = flow
            .apply(
                Command::Supplement,
                Role::Applicant,
                at("2026-03-05T10:00:00+07:00"),
            )
            .unwrap();
        assert_eq!(event.to, DossierState::InProcessing);
        let wait = event.data.wait_ended.unwrap();
        assert_eq!((wait.to - wait.from).num_days(), 2);

        let json = serde_json::to_string(&event).unwrap();
        assert!(json.contains(r#""action":"supplement""#), "{json}");
        assert!(json.contains(r#""wait_ended":{"from":"2026-03-03T10:00:00+07:00""#));
    }

    #[test]
    fn stored_parts_are_checked() {
        let mut flow = DossierFlow::new(Allowance::WorkingDays(3).into());
        let t = at("2026-03-02T08:00:00+07:00");
        flow.apply(Command::Submit, Role::Applicant, t).unwrap();
        flow.apply(Command::Receive, Role::ReceptionDesk, t)
            .unwrap();
        let json = serde_json::to_string(&flow).unwrap();
        assert_eq!(serde_json::from_str::<DossierFlow>(&json).unwrap(), flow);
        let tampered = json.replace(r#""state":"received""#, r#""state":"paused""#);
        assert!(serde_json::from_str::<DossierFlow>(&tampered).is_err());
    }

    #[test]
    fn commands_read_from_tagged_json() {
        let command: Command =
            serde_json::from_str(r#"{"action":"return_result","channel":"post"}"#).unwrap();
        assert_eq!(
            command,
            Command::ReturnResult {
                channel: ReturnChannel::Post
            }
        );
        assert!(serde_json::from_str::<Command>(r#"{"action":"refuse"}"#).is_err());
    }
}
