//! The dossier state machine against an independent model of the one-stop process:
//! random sequences of actions by random roles, checking every outcome and the
//! invariants (nothing leaves a final state, the clock never runs while the dossier
//! waits, a failed action changes nothing), and that every state is reachable.

use std::collections::{BTreeSet, VecDeque};

use chrono::{DateTime, FixedOffset, TimeDelta};
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::deadline::{Allowance, ProcessingTime};
use motcua_domain::dossier::{
    Action, Command, DossierFlow, DossierState, ReturnChannel, Role, TransitionError,
};
use motcua_domain::money::Dong;
use proptest::prelude::*;

use Action as A;
use DossierState as S;
use Role::{Applicant as Ap, Leader as Le, ReceptionDesk as De, Specialist as Sp, System as Sy};

/// When a rule applies: before receipt, after, or both.
#[derive(Clone, Copy, PartialEq)]
enum When {
    Always,
    BeforeReceipt,
    AfterReceipt,
}

/// The model: the one-stop process written as a table, independently of the crate.
const MODEL: &[(DossierState, Action, When, DossierState, &[Role])] = &[
    (S::Draft, A::Submit, When::Always, S::Submitted, &[Ap, De]),
    (S::Draft, A::Withdraw, When::Always, S::Withdrawn, &[Ap]),
    (S::Submitted, A::Withdraw, When::Always, S::Withdrawn, &[Ap]),
    (
        S::AwaitingPayment,
        A::Withdraw,
        When::Always,
        S::Withdrawn,
        &[Ap],
    ),
    (
        S::AwaitingSupplementation,
        A::Withdraw,
        When::BeforeReceipt,
        S::Withdrawn,
        &[Ap],
    ),
    (
        S::Submitted,
        A::RequestSupplement,
        When::Always,
        S::AwaitingSupplementation,
        &[De],
    ),
    (
        S::InProcessing,
        A::RequestSupplement,
        When::Always,
        S::AwaitingSupplementation,
        &[Sp, Le],
    ),
    (
        S::AwaitingSupplementation,
        A::Supplement,
        When::BeforeReceipt,
        S::Submitted,
        &[Ap, De],
    ),
    (
        S::AwaitingSupplementation,
        A::Supplement,
        When::AfterReceipt,
        S::InProcessing,
        &[Ap, De],
    ),
    (
        S::Submitted,
        A::RequestPayment,
        When::Always,
        S::AwaitingPayment,
        &[De, Sy],
    ),
    (
        S::AwaitingPayment,
        A::ConfirmPayment,
        When::Always,
        S::Received,
        &[Sy, De],
    ),
    (S::Submitted, A::Receive, When::Always, S::Received, &[De]),
    (S::Submitted, A::Refuse, When::Always, S::Refused, &[De]),
    (
        S::AwaitingSupplementation,
        A::Refuse,
        When::BeforeReceipt,
        S::Refused,
        &[De],
    ),
    (
        S::Received,
        A::StartProcessing,
        When::Always,
        S::InProcessing,
        &[De, Sp, Sy],
    ),
    (
        S::InProcessing,
        A::Pause,
        When::Always,
        S::Paused,
        &[Sp, Le],
    ),
    (
        S::Paused,
        A::Resume,
        When::Always,
        S::InProcessing,
        &[Sp, Le, Sy],
    ),
    (
        S::InProcessing,
        A::SubmitForApproval,
        When::Always,
        S::AwaitingApproval,
        &[Sp],
    ),
    (
        S::AwaitingApproval,
        A::Approve,
        When::Always,
        S::ResultReady,
        &[Le],
    ),
    (
        S::AwaitingApproval,
        A::SendBack,
        When::Always,
        S::InProcessing,
        &[Le],
    ),
    (
        S::AwaitingApproval,
        A::Refuse,
        When::Always,
        S::Refused,
        &[Le],
    ),
    (
        S::ResultReady,
        A::ReturnResult,
        When::Always,
        S::Returned,
        &[De, Sy],
    ),
    (S::Received, A::Stop, When::Always, S::Stopped, &[Ap, De]),
    (
        S::InProcessing,
        A::Stop,
        When::Always,
        S::Stopped,
        &[Ap, De],
    ),
    (S::Paused, A::Stop, When::Always, S::Stopped, &[Ap, De]),
    (
        S::AwaitingApproval,
        A::Stop,
        When::Always,
        S::Stopped,
        &[Ap, De],
    ),
    (
        S::AwaitingSupplementation,
        A::Stop,
        When::AfterReceipt,
        S::Stopped,
        &[Ap, De],
    ),
];

fn model(
    state: DossierState,
    action: Action,
    received: bool,
) -> Option<(DossierState, &'static [Role])> {
    MODEL.iter().find_map(|&(from, act, when, to, roles)| {
        let applies = match when {
            When::Always => true,
            When::BeforeReceipt => !received,
            When::AfterReceipt => received,
        };
        (from == state && act == action && applies).then_some((to, roles))
    })
}

/// A command for `action`, with its required data present or (when `valid` is false)
/// blank.
fn command(action: Action, valid: bool) -> Command {
    let text = |t: &str| if valid { t.to_owned() } else { "  ".to_owned() };
    match action {
        A::Submit => Command::Submit,
        A::Withdraw => Command::Withdraw,
        A::RequestSupplement => Command::RequestSupplement {
            missing_items: if valid {
                vec!["Bản sao giấy khai sinh".into()]
            } else {
                vec![]
            },
        },
        A::Supplement => Command::Supplement,
        A::RequestPayment => Command::RequestPayment {
            amount: Dong::new(if valid { 50_000 } else { 0 }),
        },
        A::ConfirmPayment => Command::ConfirmPayment {
            reference: text("VQR-0001"),
        },
        A::Receive => Command::Receive,
        A::Refuse => Command::Refuse {
            reason: text("Không thuộc thẩm quyền"),
        },
        A::StartProcessing => Command::StartProcessing,
        A::Pause => Command::Pause {
            reason: text("Chờ thực hiện nghĩa vụ tài chính"),
        },
        A::Resume => Command::Resume,
        A::SubmitForApproval => Command::SubmitForApproval,
        A::Approve => Command::Approve,
        A::SendBack => Command::SendBack {
            reason: text("Sai tên người được cấp"),
        },
        A::ReturnResult => Command::ReturnResult {
            channel: ReturnChannel::Post,
        },
        A::Stop => Command::Stop,
    }
}

fn carries_data(action: Action) -> bool {
    matches!(
        action,
        A::RequestSupplement
            | A::RequestPayment
            | A::ConfirmPayment
            | A::Refuse
            | A::Pause
            | A::SendBack
    )
}

fn start() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-03-02T08:00:00+07:00").unwrap()
}

fn processing_time() -> ProcessingTime {
    Allowance::WorkingDays(5).into()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn random_action_sequences_follow_the_model(
        steps in prop::collection::vec(
            (
                prop::bool::weighted(0.85),
                any::<usize>(),
                0..Action::ALL.len(),
                0..Role::ALL.len(),
                prop::bool::weighted(0.9),
                0i64..200_000,
            ),
            1..60,
        )
    ) {
        let calendar = WorkingCalendar::default();
        let mut flow = DossierFlow::new(processing_time());
        let mut received = false;
        let mut now = start();
        let mut consumed_when_paused: Option<TimeDelta> = None;

        for (follow_model, pick, action_index, role_index, valid, step) in steps {
            now += TimeDelta::seconds(step);
            // Mostly an action the model allows (so that sequences go deep), sometimes
            // any action by any role.
            let enabled: Vec<(Action, Role)> = Action::ALL
                .iter()
                .filter_map(|&action| model(flow.state(), action, received).map(|(_, roles)| (action, roles)))
                .flat_map(|(action, roles)| roles.iter().map(move |&role| (action, role)))
                .collect();
            let (action, role) = if follow_model && !enabled.is_empty() {
                enabled[pick % enabled.len()]
            } else {
                (Action::ALL[action_index], Role::ALL[role_index])
            };
            let before = flow.clone();
            let result = flow.apply(command(action, valid), role, now);

            match model(before.state(), action, received) {
                None => prop_assert_eq!(
                    result,
                    Err(TransitionError::NotAllowed { action, state: before.state() })
                ),
                Some((_, roles)) if !roles.contains(&role) => prop_assert_eq!(
                    result,
                    Err(TransitionError::Forbidden { action, role })
                ),
                Some(_) if !valid && carries_data(action) => {
                    let missing = matches!(result, Err(TransitionError::MissingData { .. }));
                    prop_assert!(missing, "{:?}", result);
                }
                Some((to, _)) => {
                    let event = result.unwrap();
                    prop_assert_eq!((event.action, event.from, event.to), (action, before.state(), to));
                    prop_assert_eq!((event.actor, event.at), (role, now));
                    prop_assert_eq!(flow.state(), to);
                    prop_assert!(serde_json::to_string(&event).is_ok());
                    received |= to == S::Received;
                }
            }
            if flow == before {
                // A refused action changes nothing, in particular out of a final state.
                prop_assert!(flow.state() == before.state());
            } else {
                prop_assert!(!before.state().is_final(), "left final state {}", before.state());
            }

            // The clock exists from receipt on and matches the state.
            let clock = flow.clock();
            prop_assert_eq!(clock.is_some(), received);
            let waiting = matches!(flow.state(), S::Paused | S::AwaitingSupplementation);
            if let Some(clock) = clock {
                prop_assert_eq!(clock.is_paused(), waiting);
                let finished = matches!(flow.state(), S::ResultReady | S::Returned | S::Refused | S::Stopped);
                prop_assert_eq!(clock.finished_at().is_some(), finished);
                // The clock never runs while the dossier waits.
                let consumed = clock.elapsed(&calendar, now).unwrap();
                match (waiting, consumed_when_paused) {
                    (true, Some(before)) => prop_assert_eq!(consumed, before),
                    (true, None) => consumed_when_paused = Some(consumed),
                    (false, _) => consumed_when_paused = None,
                }
                prop_assert_eq!(clock.due(&calendar).unwrap().is_none(), waiting);
            }
            let rebuilt = DossierFlow::from_parts(flow.state(), flow.processing_time(), flow.clock().cloned());
            prop_assert_eq!(rebuilt, Ok(flow.clone()));
        }
    }
}

/// Breadth-first search over the real machine from a draft, trying every action by
/// every role: all thirteen states are reachable and every action is used.
#[test]
fn every_state_is_reachable_and_every_action_used() {
    let mut seen_states = BTreeSet::new();
    let mut used_actions = BTreeSet::new();
    let mut seen = Vec::new();
    let mut queue = VecDeque::from([DossierFlow::new(processing_time())]);
    let mut now = start();
    while let Some(flow) = queue.pop_front() {
        seen_states.insert(flow.state());
        for &action in Action::ALL {
            for &role in Role::ALL {
                let mut next = flow.clone();
                now += TimeDelta::minutes(1);
                if next.apply(command(action, true), role, now).is_ok() {
                    used_actions.insert(action);
                    let key = (next.state(), next.clock().is_some());
                    if !seen.contains(&key) {
                        seen.push(key);
                        queue.push_back(next);
                    }
                }
            }
        }
    }
    assert_eq!(
        seen_states.len(),
        DossierState::ALL.len(),
        "{seen_states:?}"
    );
    assert_eq!(used_actions.len(), Action::ALL.len());
}

#[test]
fn roles_are_enforced() {
    let at = start();
    let mut flow = DossierFlow::new(processing_time());
    assert_eq!(
        flow.apply(Command::Receive, Role::ReceptionDesk, at),
        Err(TransitionError::NotAllowed {
            action: A::Receive,
            state: S::Draft
        })
    );
    flow.apply(Command::Submit, Role::Applicant, at).unwrap();
    let forbidden = flow
        .apply(Command::Receive, Role::Applicant, at)
        .unwrap_err();
    assert_eq!(
        forbidden.to_string(),
        "Vai trò «Người nộp hồ sơ» không được thực hiện «Tiếp nhận hồ sơ»"
    );
    flow.apply(
        Command::RequestPayment {
            amount: Dong::new(50_000),
        },
        Role::System,
        at,
    )
    .unwrap();
    flow.apply(
        Command::ConfirmPayment {
            reference: "VQR-1".into(),
        },
        Role::System,
        at,
    )
    .unwrap();
    assert_eq!(flow.state(), S::Received);
    assert_eq!(flow.allowed_actions(Role::Applicant), [A::Stop]);
    assert_eq!(flow.allowed_actions(Role::Specialist), [A::StartProcessing]);
}

#[test]
fn a_happy_path_records_the_deadline_outcome() {
    let calendar = WorkingCalendar::default();
    let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    let mut flow = DossierFlow::new(processing_time());
    let steps = [
        (Command::Submit, Ap, "2026-03-01T20:00:00+07:00"),
        (Command::Receive, De, "2026-03-02T08:00:00+07:00"),
        (Command::StartProcessing, Sy, "2026-03-02T08:00:00+07:00"),
        (
            Command::Pause {
                reason: "Chờ nộp lệ phí trước bạ".into(),
            },
            Sp,
            "2026-03-03T08:00:00+07:00",
        ),
        (Command::Resume, Sp, "2026-03-04T08:00:00+07:00"),
        (Command::SubmitForApproval, Sp, "2026-03-09T08:00:00+07:00"),
        (Command::Approve, Le, "2026-03-09T15:00:00+07:00"),
        (
            Command::ReturnResult {
                channel: ReturnChannel::Electronic,
            },
            Sy,
            "2026-03-09T15:01:00+07:00",
        ),
    ];
    for (command, role, time) in steps {
        flow.apply(command, role, at(time)).unwrap();
    }
    assert_eq!(flow.state(), S::Returned);
    let clock = flow.clock().unwrap();
    // 5 working days from Monday 8:00, plus the one-day pause: Tuesday 10/3 8:00.
    assert_eq!(
        clock.due(&calendar).unwrap().unwrap().to_rfc3339(),
        "2026-03-10T08:00:00+07:00"
    );
    assert_eq!(clock.finished_at(), Some(at("2026-03-09T15:00:00+07:00")));
    assert_eq!(
        clock.timeliness(&calendar).unwrap(),
        Some(motcua_domain::deadline::Timeliness::Early)
    );
}
