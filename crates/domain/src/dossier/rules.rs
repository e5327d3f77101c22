//! The transition table of the one-stop process: for each state and action, the next
//! state and the roles allowed to act.
//!
//! Before receipt the reception desk checks the dossier (Decree 118/2025/NĐ-CP): it
//! receives it, asks for supplementation (form 02), asks for the fees, or refuses it
//! (form 03); the applicant may still withdraw it. After receipt the clock runs: the
//! processing unit works on it, may ask for supplementation or suspend processing while
//! the applicant acts (the clock stops), submits a draft result to a leader, who approves
//! it, sends it back, or refuses the request with reasons; the desk returns the result.
//! At the applicant's request processing stops (form 05).

use super::{Action, DossierState, Role};

/// The next state and the allowed roles when `action` is taken in `from`; `received`
/// tells whether the dossier was received (its clock started), which decides where a
/// supplemented dossier goes and whether it can still be withdrawn.
pub(super) fn transition(
    from: DossierState,
    action: Action,
    received: bool,
) -> Option<(DossierState, &'static [Role])> {
    use Action as A;
    use DossierState as S;
    use Role::{Applicant, Leader, ReceptionDesk, Specialist, System};

    let rule: (DossierState, &'static [Role]) = match (from, action) {
        (S::Draft, A::Submit) => (S::Submitted, &[Applicant, ReceptionDesk]),
        (S::Draft | S::Submitted | S::AwaitingPayment, A::Withdraw) => (S::Withdrawn, &[Applicant]),
        (S::AwaitingSupplementation, A::Withdraw) if !received => (S::Withdrawn, &[Applicant]),

        (S::Submitted, A::RequestSupplement) => (S::AwaitingSupplementation, &[ReceptionDesk]),
        (S::InProcessing, A::RequestSupplement) => {
            (S::AwaitingSupplementation, &[Specialist, Leader])
        }
        (S::AwaitingSupplementation, A::Supplement) if received => {
            (S::InProcessing, &[Applicant, ReceptionDesk])
        }
        (S::AwaitingSupplementation, A::Supplement) => (S::Submitted, &[Applicant, ReceptionDesk]),

        (S::Submitted, A::RequestPayment) => (S::AwaitingPayment, &[ReceptionDesk, System]),
        (S::AwaitingPayment, A::ConfirmPayment) => (S::Received, &[System, ReceptionDesk]),
        (S::Submitted, A::Receive) => (S::Received, &[ReceptionDesk]),
        (S::Submitted, A::Refuse) => (S::Refused, &[ReceptionDesk]),
        (S::AwaitingSupplementation, A::Refuse) if !received => (S::Refused, &[ReceptionDesk]),

        (S::Received, A::StartProcessing) => {
            (S::InProcessing, &[ReceptionDesk, Specialist, System])
        }
        (S::InProcessing, A::Pause) => (S::Paused, &[Specialist, Leader]),
        (S::Paused, A::Resume) => (S::InProcessing, &[Specialist, Leader, System]),
        (S::InProcessing, A::SubmitForApproval) => (S::AwaitingApproval, &[Specialist]),
        (S::AwaitingApproval, A::Approve) => (S::ResultReady, &[Leader]),
        (S::AwaitingApproval, A::SendBack) => (S::InProcessing, &[Leader]),
        (S::AwaitingApproval, A::Refuse) => (S::Refused, &[Leader]),
        (S::ResultReady, A::ReturnResult) => (S::Returned, &[ReceptionDesk, System]),

        (S::Received | S::InProcessing | S::Paused | S::AwaitingApproval, A::Stop) => {
            (S::Stopped, &[Applicant, ReceptionDesk])
        }
        (S::AwaitingSupplementation, A::Stop) if received => {
            (S::Stopped, &[Applicant, ReceptionDesk])
        }
        _ => return None,
    };
    Some(rule)
}
