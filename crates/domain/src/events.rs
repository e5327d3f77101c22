//! Domain events: what happened to a dossier, one event per change, written to the
//! event stream in the same transaction as the change (see `motcua-store::events`)
//! and delivered to the application's handlers and outside consumers.
//!
//! In JSON an event is tagged by `kind`: `{"kind": "refused", "reason": "…"}`.

use serde::{Deserialize, Serialize};

use crate::dossier::{DossierState, EventData, ReturnChannel};
use crate::money::Dong;

/// One change of a dossier, with what consumers need to act on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DomainEvent {
    /// Filed (online, assisted, at the counter): waiting for reception.
    DossierSubmitted {
        state: DossierState,
    },
    /// The applicant withdrew it before receipt.
    Withdrawn,
    /// Received (form 01): the deadline clock runs.
    Received,
    /// Supplementation asked for (form 02).
    SupplementRequested {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        items: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        fields: Vec<String>,
    },
    /// The applicant supplied what was asked.
    Supplemented,
    /// Fees asked for.
    PaymentRequested {
        amount: Option<Dong>,
    },
    /// Fees recorded as paid.
    PaymentConfirmed {
        reference: Option<String>,
    },
    /// Handed to the processing unit.
    ProcessingStarted,
    /// Moved between officials or workflow steps without changing state.
    HandedOver {
        to: Option<i64>,
        step: Option<u32>,
    },
    /// Processing suspended while the applicant acts.
    Paused {
        reason: Option<String>,
    },
    /// Processing resumed.
    Resumed,
    /// A draft result went to a leader.
    SubmittedForApproval,
    /// The result was approved: ready to return.
    ResultReady,
    /// The draft result was sent back for rework.
    SentBack {
        reason: Option<String>,
    },
    /// Sent to another agency for its part (liên thông), or back from it.
    Transferred {
        agency: Option<String>,
    },
    TransferredBack {
        agency: Option<String>,
    },
    /// The return date was moved once by an apology letter (form 04).
    DueExtended {
        reason: Option<String>,
    },
    /// The result was handed over.
    ResultReturned {
        channel: Option<ReturnChannel>,
    },
    /// Refused, with the reason.
    Refused {
        reason: Option<String>,
    },
    /// Stopped at the applicant's request (form 05).
    Stopped,
    /// The desk wrote a message the applicant reads.
    ApplicantMessaged,
    /// The due time is within the warning window.
    DeadlineApproaching {
        due_at: i64,
    },
    /// The due time has passed without a result.
    Overdue {
        due_at: i64,
    },
    /// A change the stream has no kind for yet (an action added later): its name.
    Other {
        action: String,
    },
}

impl DomainEvent {
    /// The event a recorded change of a dossier stands for: its action's name, the
    /// state it led to and the data it carried.
    pub fn of_change(action: &str, to: DossierState, data: &EventData) -> Self {
        match action {
            "submit" => Self::DossierSubmitted { state: to },
            "withdraw" => Self::Withdrawn,
            "receive" => Self::Received,
            "request_supplement" => Self::SupplementRequested {
                items: data.missing_items.clone(),
                fields: data.fields.clone(),
            },
            "supplement" => Self::Supplemented,
            "request_payment" => Self::PaymentRequested {
                amount: data.amount,
            },
            // Confirming the payment also receives the dossier.
            "confirm_payment" => Self::PaymentConfirmed {
                reference: data.payment_reference.clone(),
            },
            "start_processing" => Self::ProcessingStarted,
            "hand_over" | "assign" => Self::HandedOver {
                to: data.handed_to,
                step: data.step,
            },
            "pause" => Self::Paused {
                reason: data.reason.clone(),
            },
            "resume" => Self::Resumed,
            "submit_for_approval" => Self::SubmittedForApproval,
            "approve" => Self::ResultReady,
            "send_back" => Self::SentBack {
                reason: data.reason.clone(),
            },
            "transfer" => Self::Transferred {
                agency: data.agency.clone(),
            },
            "transfer_back" => Self::TransferredBack {
                agency: data.agency.clone(),
            },
            "extend" => Self::DueExtended {
                reason: data.reason.clone(),
            },
            "return_result" => Self::ResultReturned {
                channel: data.return_channel,
            },
            "refuse" => Self::Refused {
                reason: data.reason.clone(),
            },
            "stop" => Self::Stopped,
            other => Self::Other {
                action: other.to_string(),
            },
        }
    }

    /// The event's kind, as in its JSON `kind` and the stream's `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::DossierSubmitted { .. } => "dossier_submitted",
            Self::Withdrawn => "withdrawn",
            Self::Received => "received",
            Self::SupplementRequested { .. } => "supplement_requested",
            Self::Supplemented => "supplemented",
            Self::PaymentRequested { .. } => "payment_requested",
            Self::PaymentConfirmed { .. } => "payment_confirmed",
            Self::ProcessingStarted => "processing_started",
            Self::HandedOver { .. } => "handed_over",
            Self::Paused { .. } => "paused",
            Self::Resumed => "resumed",
            Self::SubmittedForApproval => "submitted_for_approval",
            Self::ResultReady => "result_ready",
            Self::SentBack { .. } => "sent_back",
            Self::Transferred { .. } => "transferred",
            Self::TransferredBack { .. } => "transferred_back",
            Self::DueExtended { .. } => "due_extended",
            Self::ResultReturned { .. } => "result_returned",
            Self::Refused { .. } => "refused",
            Self::Stopped => "stopped",
            Self::ApplicantMessaged => "applicant_messaged",
            Self::DeadlineApproaching { .. } => "deadline_approaching",
            Self::Overdue { .. } => "overdue",
            Self::Other { .. } => "other",
        }
    }

    /// The event as stored: its JSON (tagged by `kind`).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| format!(r#"{{"kind":"{}"}}"#, self.kind()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_maps_to_one_kind_and_round_trips() {
        let data = EventData {
            reason: Some("Thiếu giấy tờ".into()),
            ..EventData::default()
        };
        let refused = DomainEvent::of_change("refuse", DossierState::Refused, &data);
        assert_eq!(refused.kind(), "refused");
        let json = refused.to_json();
        assert!(json.contains(r#""kind":"refused""#), "{json}");
        assert_eq!(serde_json::from_str::<DomainEvent>(&json).unwrap(), refused);
        assert_eq!(
            DomainEvent::of_change("approve", DossierState::ResultReady, &data).kind(),
            "result_ready"
        );
        assert_eq!(
            DomainEvent::of_change("submit", DossierState::Submitted, &data),
            DomainEvent::DossierSubmitted {
                state: DossierState::Submitted
            }
        );
        assert_eq!(
            DomainEvent::of_change("something_new", DossierState::Submitted, &data).kind(),
            "other"
        );
    }
}
