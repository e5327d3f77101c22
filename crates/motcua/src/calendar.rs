//! `motcua calendar …`: holidays, lunar dates and due instants from the command line,
//! with the calendar stored for the agency (or the national one).

use std::io::Write;

use anyhow::Context;
use motcua_domain::deadline::{Allowance, ProcessingTime};
use motcua_domain::lunar::LunarDate;
use motcua_store::{Store, StoreError};

use crate::cli::CalendarCommand;

/// Runs a calendar command, writing its answer to `out`. `store` opens the database
/// only for the commands that need it.
pub async fn run<F, Fut>(
    command: CalendarCommand,
    store: F,
    out: &mut impl Write,
) -> anyhow::Result<()>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Store>>,
{
    match command {
        CalendarCommand::Lunar { date } => {
            let lunar = LunarDate::from_solar(date).map_err(|e| anyhow::anyhow!("{date}: {e}"))?;
            writeln!(out, "{lunar}")?;
        }
        CalendarCommand::Holidays { year, agency } => {
            let store = store().await?;
            let calendar = calendar_of(&store, agency.as_deref()).await?;
            for holiday in calendar
                .holidays(year)
                .map_err(|e| anyhow::anyhow!("{year}: {e}"))?
            {
                writeln!(out, "{} {}", holiday.date.format("%Y-%m-%d"), holiday.name)?;
            }
        }
        CalendarCommand::Due {
            from,
            working_days,
            working_hours,
            days,
            agency,
        } => {
            let allowance = match (working_days, working_hours, days) {
                (Some(n), None, None) => Allowance::WorkingDays(n),
                (None, Some(n), None) => Allowance::WorkingHours(n),
                (None, None, Some(n)) => Allowance::CalendarDays(n),
                _ => anyhow::bail!("give one of --working-days, --working-hours or --days"),
            };
            let store = store().await?;
            let calendar = calendar_of(&store, agency.as_deref()).await?;
            let time = ProcessingTime {
                allowance,
                same_day_cutoff: None,
            };
            let due = calendar
                .due(from, time)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            writeln!(out, "{}", due.to_rfc3339())?;
        }
    }
    Ok(())
}

async fn calendar_of(
    store: &Store,
    agency: Option<&str>,
) -> anyhow::Result<motcua_domain::calendar::WorkingCalendar> {
    match store.db.working_calendar(agency).await {
        Err(StoreError::NotFound { .. }) => {
            anyhow::bail!("no agency with code {}", agency.unwrap_or_default())
        }
        other => other.context("cannot read the working calendar"),
    }
}
