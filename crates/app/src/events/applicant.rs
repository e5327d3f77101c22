//! Tells the applicant when their dossier changes in a way that matters to them, and
//! when the desk writes them a message: on the channels they chose.

use motcua_domain::events::DomainEvent;

use super::{Delivery, Handler, Handling};
use crate::App;

/// The applicant's notices (handler `applicant_notices`).
#[derive(Clone, Copy, Debug, Default)]
pub struct ApplicantNotices;

/// What the applicant reads for an event, if anything.
fn what(event: &DomainEvent) -> Option<&'static str> {
    use DomainEvent as E;
    Some(match event {
        // Confirming a payment receives the dossier too.
        E::Received | E::PaymentConfirmed { .. } => "đã được tiếp nhận",
        E::SupplementRequested { .. } => "cần bổ sung, hoàn thiện",
        E::PaymentRequested { .. } => "đang chờ bạn nộp phí, lệ phí",
        E::Refused { .. } => "bị từ chối",
        E::ResultReady => "đã có kết quả",
        E::ResultReturned { .. } => "đã được trả kết quả",
        E::Stopped => "đã dừng giải quyết",
        E::Paused { .. } => "đang tạm dừng chờ bạn thực hiện nghĩa vụ",
        _ => return None,
    })
}

const KINDS: &[&str] = &[
    "received",
    "payment_confirmed",
    "supplement_requested",
    "payment_requested",
    "refused",
    "result_ready",
    "result_returned",
    "stopped",
    "paused",
    "applicant_messaged",
];

impl Handler for ApplicantNotices {
    fn name(&self) -> &'static str {
        "applicant_notices"
    }

    fn wants(&self, kind: &str) -> bool {
        KINDS.contains(&kind)
    }

    fn handle<'a>(&'a self, app: &'a App, delivery: &'a Delivery) -> Handling<'a> {
        Box::pin(async move {
            let db = &app.store().db;
            let Some(dossier_id) = delivery.event.dossier_id else {
                return Ok(());
            };
            let dossier = db.dossier(dossier_id).await.map_err(|e| e.to_string())?;
            let Some(applicant) = dossier.applicant_id else {
                return Ok(());
            };
            let event = delivery.event.event();
            let (subject, body) = match &event {
                DomainEvent::ApplicantMessaged => (
                    "Tin nhắn về hồ sơ của bạn",
                    format!(
                        "motcua: cơ quan giải quyết gửi bạn tin nhắn về hồ sơ {}. Xem trong mục Hồ sơ của tôi.",
                        dossier.code
                    ),
                ),
                other => {
                    let Some(what) = what(other) else {
                        return Ok(());
                    };
                    let name = procedure_name(app, dossier.procedure_version_id).await;
                    let named = if name.is_empty() {
                        String::new()
                    } else {
                        format!(" ({name})")
                    };
                    (
                        "Hồ sơ của bạn có cập nhật",
                        format!(
                            "motcua: hồ sơ {}{named} {what}. Xem chi tiết trong mục Hồ sơ của tôi.",
                            dossier.code
                        ),
                    )
                }
            };
            crate::notify::tell_account(app, applicant, subject, &body, true).await?;
            Ok(())
        })
    }
}

/// The short name of a procedure version (empty when unreadable).
async fn procedure_name(app: &App, version_id: i64) -> String {
    let Ok(Some((_, data))) = app.store().db.procedure_version_by_id(version_id).await else {
        return String::new();
    };
    serde_json::from_str::<motcua_domain::catalog::ProcedureEntry>(&data)
        .map(|entry| motcua_domain::catalog::short_name(&entry.name))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_it_wants_has_a_notice() {
        // The kinds it subscribes to and the notices it writes stay in step.
        let samples = [
            DomainEvent::Received,
            DomainEvent::PaymentConfirmed { reference: None },
            DomainEvent::SupplementRequested {
                items: vec![],
                fields: vec![],
            },
            DomainEvent::PaymentRequested { amount: None },
            DomainEvent::Refused { reason: None },
            DomainEvent::ResultReady,
            DomainEvent::ResultReturned { channel: None },
            DomainEvent::Stopped,
            DomainEvent::Paused { reason: None },
        ];
        for event in &samples {
            assert!(ApplicantNotices.wants(event.kind()), "{}", event.kind());
            assert!(what(event).is_some(), "{}", event.kind());
        }
        assert!(ApplicantNotices.wants("applicant_messaged"));
        assert_eq!(KINDS.len(), samples.len() + 1);
        assert!(!ApplicantNotices.wants("processing_started"));
        assert!(what(&DomainEvent::ProcessingStarted).is_none());
    }
}
