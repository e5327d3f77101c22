//! Deadlines: the apology letter (form 04) drafted for a dossier that will be late,
//! and the sweep that warns officials of dossiers nearing their due time.

use chrono::{DateTime, FixedOffset};
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::dossier::Role;

use super::{DeskDossier, describe, micros, process_role, step_due};
use crate::{App, Error};

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
    app: &App,
    at: DateTime<FixedOffset>,
    warning_days: u32,
) -> Result<usize, Error> {
    let db = &app.store().db;
    let days = i64::from(warning_days.max(1));
    // Calendar days bound the working days from above, holidays included.
    let horizon = micros(at) + (days * 3 + 14) * 24 * 3_600_000_000;
    let mut warned = 0;
    for dossier in db.dossiers_due_before(horizon, true).await? {
        let code = dossier.code.clone();
        let desk = match describe(app, dossier).await {
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
                .map_err(|e| Error::Internal(e.to_string()))?
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
                crate::notify::tell_account(app, account, "Hồ sơ sắp đến hạn", &body, false).await
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
