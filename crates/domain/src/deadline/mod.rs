//! Legal processing times and due instants.
//!
//! A procedure's processing time is a number of working days, working hours or calendar
//! days, or "within the day". For working time the clock runs only during office hours
//! on working days: a dossier received outside office hours starts the clock at the next
//! opening, and a working day is as long as the agency's standard working day (see
//! [`WorkingCalendar::working_day_length`]), so "3 working days" from Monday 10:00 is
//! Thursday 10:00. A procedure may set a same-day cut-off (typically 15:00 for results
//! returned within the day): a dossier received after it counts as received at the
//! next working day's opening. The cut-off is procedure data, not a fixed rule.
//!
//! Calendar days follow the Civil Code 2015: the day of receipt is not counted
//! (art. 147(2)), the period ends at 24:00 of its last day (art. 148(6)), and "Trường hợp
//! ngày cuối cùng của thời hạn là ngày nghỉ cuối tuần hoặc ngày nghỉ lễ thì thời hạn kết
//! thúc tại thời điểm kết thúc ngày làm việc tiếp theo ngày nghỉ đó" (art. 148(5)).
//!
//! Time during which the dossier waits for the applicant (paused, awaiting
//! supplementation) is not counted: see [`DeadlineClock`].

mod clock;

use std::fmt;

use chrono::{DateTime, Days, FixedOffset, NaiveDateTime, NaiveTime, TimeDelta};
use serde::{Deserialize, Serialize};

pub use clock::{ClockError, DeadlineClock, Pause};

use crate::calendar::{CalendarError, Position, WorkingCalendar, local_time, to_instant};
use crate::serde_formats;

/// How long a procedure may take.
///
/// In JSON: `{"unit": "working_days", "amount": 3}`, `{"unit": "same_day"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", content = "amount", rename_all = "snake_case")]
pub enum Allowance {
    /// Working days of the agency's standard length.
    WorkingDays(u32),
    /// Working hours.
    WorkingHours(u32),
    /// Calendar days (Civil Code 2015 arts. 147–148).
    CalendarDays(u32),
    /// Within the working day of receipt: due at its closing time.
    SameDay,
}

/// `3 ngày làm việc`, `4 giờ làm việc`, `15 ngày`, `trong ngày`.
impl fmt::Display for Allowance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WorkingDays(days) => write!(f, "{days} ngày làm việc"),
            Self::WorkingHours(hours) => write!(f, "{hours} giờ làm việc"),
            Self::CalendarDays(days) => write!(f, "{days} ngày"),
            Self::SameDay => f.write_str("trong ngày"),
        }
    }
}

/// A procedure's processing time: the allowance and an optional same-day cut-off.
///
/// In JSON: `{"allowance": {"unit": "same_day"}, "same_day_cutoff": "15:00"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProcessingTime {
    /// How long the procedure may take.
    pub allowance: Allowance,
    /// A dossier received after this time of day counts as received at the next working
    /// day's opening.
    #[serde(default, with = "serde_formats::option_time")]
    pub same_day_cutoff: Option<NaiveTime>,
}

impl ProcessingTime {
    /// This processing time with a same-day cut-off.
    ///
    /// ```
    /// use chrono::NaiveTime;
    /// use motcua_domain::deadline::{Allowance, ProcessingTime};
    ///
    /// let time = ProcessingTime::from(Allowance::SameDay)
    ///     .with_cutoff(NaiveTime::from_hms_opt(15, 0, 0).unwrap());
    /// assert!(time.same_day_cutoff.is_some());
    /// ```
    pub fn with_cutoff(self, cutoff: NaiveTime) -> Self {
        Self {
            same_day_cutoff: Some(cutoff),
            ..self
        }
    }
}

impl From<Allowance> for ProcessingTime {
    fn from(allowance: Allowance) -> Self {
        Self {
            allowance,
            same_day_cutoff: None,
        }
    }
}

/// Whether a finished dossier was dealt with in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Finished on a day before the due day.
    Early,
    /// Finished on the due day, not after the due instant.
    OnTime,
    /// Finished after the due instant.
    Late,
}

impl Timeliness {
    /// Classifies a dossier finished at `finished` against its due instant `due`. A due
    /// instant at exactly midnight (a calendar-day deadline, 24:00) belongs to the day
    /// before.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use motcua_domain::deadline::Timeliness;
    ///
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let due = at("2026-03-04T10:00:00+07:00");
    /// assert_eq!(Timeliness::classify(at("2026-03-03T16:00:00+07:00"), due), Timeliness::Early);
    /// assert_eq!(Timeliness::classify(at("2026-03-04T09:00:00+07:00"), due), Timeliness::OnTime);
    /// assert_eq!(Timeliness::classify(at("2026-03-04T10:00:01+07:00"), due), Timeliness::Late);
    /// ```
    pub fn classify(finished: DateTime<FixedOffset>, due: DateTime<FixedOffset>) -> Self {
        if finished > due {
            return Self::Late;
        }
        let due_day = (local_time(due) - TimeDelta::seconds(1)).date();
        if local_time(finished).date() < due_day {
            Self::Early
        } else {
            Self::OnTime
        }
    }

    /// The stable name, as stored: `early`, `on_time`, `late`.
    ///
    /// ```
    /// assert_eq!(motcua_domain::deadline::Timeliness::OnTime.as_str(), "on_time");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Early => "early",
            Self::OnTime => "on_time",
            Self::Late => "late",
        }
    }

    /// The Vietnamese label: "Trước hạn", "Đúng hạn", "Quá hạn".
    ///
    /// ```
    /// assert_eq!(motcua_domain::deadline::Timeliness::Late.label(), "Quá hạn");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Self::Early => "Trước hạn",
            Self::OnTime => "Đúng hạn",
            Self::Late => "Quá hạn",
        }
    }
}

impl WorkingCalendar {
    /// The due instant of a dossier received at `received_at` with processing time
    /// `time`, returned in Vietnam time.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use motcua_domain::calendar::WorkingCalendar;
    /// use motcua_domain::deadline::Allowance;
    ///
    /// let calendar = WorkingCalendar::default();
    /// // Friday before Tết 2026: the office is closed from 14/2 to 22/2.
    /// let received = DateTime::parse_from_rfc3339("2026-02-13T16:30:00+07:00").unwrap();
    /// let due = calendar.due(received, Allowance::WorkingDays(3).into())?;
    /// assert_eq!(due.to_rfc3339(), "2026-02-25T16:30:00+07:00");
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn due(
        &self,
        received_at: DateTime<FixedOffset>,
        time: ProcessingTime,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        self.due_after_pauses(received_at, time, &[])
    }

    /// The instant the deadline clock starts for a dossier received at `received_at`:
    /// the receipt itself during office hours, otherwise the next opening (after the
    /// cut-off, the next working day's opening).
    ///
    /// ```
    /// use chrono::DateTime;
    /// use motcua_domain::calendar::WorkingCalendar;
    /// use motcua_domain::deadline::Allowance;
    ///
    /// let calendar = WorkingCalendar::default();
    /// let received = DateTime::parse_from_rfc3339("2026-03-06T17:01:00+07:00").unwrap();
    /// let start = calendar.clock_start(received, Allowance::WorkingDays(1).into())?;
    /// assert_eq!(start.to_rfc3339(), "2026-03-09T07:30:00+07:00");
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn clock_start(
        &self,
        received_at: DateTime<FixedOffset>,
        time: ProcessingTime,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        Ok(to_instant(self.start_local(local_time(received_at), time)?))
    }

    fn start_local(
        &self,
        received: NaiveDateTime,
        time: ProcessingTime,
    ) -> Result<NaiveDateTime, CalendarError> {
        match time.same_day_cutoff {
            Some(cutoff) if received.time() > cutoff => {
                let next_day = received
                    .date()
                    .succ_opt()
                    .ok_or(CalendarError::OutOfRange)?;
                self.opening_from(next_day.and_time(NaiveTime::MIN))
            }
            _ => self.opening_from(received),
        }
    }

    /// The due instant once the waiting periods `pauses` are excluded.
    pub(crate) fn due_after_pauses(
        &self,
        received_at: DateTime<FixedOffset>,
        time: ProcessingTime,
        pauses: &[Pause],
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        let received = local_time(received_at);
        let start = self.start_local(received, time)?;
        let (position, mut amount) = match time.allowance {
            Allowance::CalendarDays(days) => {
                return self.calendar_days_due(received, start, days, time, pauses);
            }
            Allowance::SameDay => (self.end_of_day(start)?, 0),
            Allowance::WorkingDays(days) => (
                self.position(start)?,
                i64::from(days) * self.working_day_length().num_seconds(),
            ),
            Allowance::WorkingHours(hours) => (self.position(start)?, i64::from(hours) * 3600),
        };
        for pause in pauses {
            amount += self.waited_working_seconds(start, pause)?;
        }
        if amount == 0 && time.allowance != Allowance::SameDay {
            // Nothing to count: due at receipt, like adding no working time.
            return Ok(to_instant(received));
        }
        Ok(to_instant(self.instant_after(position, amount)?))
    }

    /// Working seconds of `pause` after the clock's `start`.
    fn waited_working_seconds(
        &self,
        start: NaiveDateTime,
        pause: &Pause,
    ) -> Result<i64, CalendarError> {
        let from = local_time(pause.from).max(start);
        let to = local_time(pause.to).max(start);
        self.seconds_between(self.position(from)?, self.position(to)?)
    }

    fn calendar_days_due(
        &self,
        received: NaiveDateTime,
        start: NaiveDateTime,
        days: u32,
        time: ProcessingTime,
        pauses: &[Pause],
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        // After the cut-off the receipt counts from the next working day; otherwise the
        // period counts from the day of receipt, whatever the office hours.
        let first = if time
            .same_day_cutoff
            .is_some_and(|cutoff| received.time() > cutoff)
        {
            start.date()
        } else {
            received.date()
        };
        let mut waited_days = 0u64;
        for pause in pauses {
            let from = local_time(pause.from).date().max(first);
            let to = local_time(pause.to).date().max(first);
            waited_days += u64::try_from((to - from).num_days()).unwrap_or(0);
        }
        let last = first
            .checked_add_days(Days::new(u64::from(days) + waited_days))
            .ok_or(CalendarError::OutOfRange)?;
        let last = self.working_day_on_or_after(last)?;
        let end = last.succ_opt().ok_or(CalendarError::OutOfRange)?;
        Ok(to_instant(end.and_time(NaiveTime::MIN)))
    }

    /// Working seconds from the clock's start to `until`, less the waiting periods.
    pub(crate) fn worked_seconds(
        &self,
        start: NaiveDateTime,
        until: NaiveDateTime,
        pauses: &[Pause],
    ) -> Result<i64, CalendarError> {
        let clamp = |at: NaiveDateTime| at.clamp(start, until.max(start));
        let position = |at| -> Result<Position, CalendarError> { self.position(clamp(at)) };
        let mut worked = self.seconds_between(position(start)?, position(until)?)?;
        for pause in pauses {
            worked -= self.seconds_between(
                position(local_time(pause.from))?,
                position(local_time(pause.to))?,
            )?;
        }
        Ok(worked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowance_reads_in_vietnamese_and_persists_as_tagged_json() {
        assert_eq!(Allowance::WorkingDays(3).to_string(), "3 ngày làm việc");
        assert_eq!(Allowance::SameDay.to_string(), "trong ngày");
        let time = ProcessingTime::from(Allowance::WorkingHours(4))
            .with_cutoff(NaiveTime::from_hms_opt(15, 0, 0).unwrap());
        let json = serde_json::to_string(&time).unwrap();
        assert_eq!(
            json,
            r#"{"allowance":{"unit":"working_hours","amount":4},"same_day_cutoff":"15:00"}"#
        );
        assert_eq!(serde_json::from_str::<ProcessingTime>(&json).unwrap(), time);
        let same_day: ProcessingTime =
            serde_json::from_str(r#"{"allowance":{"unit":"same_day"}}"#).unwrap();
        assert_eq!(same_day, Allowance::SameDay.into());
    }

    #[test]
    fn a_calendar_day_deadline_at_midnight_belongs_to_the_day_before() {
        let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
        let due = at("2026-03-05T00:00:00+07:00");
        assert_eq!(
            Timeliness::classify(at("2026-03-04T20:00:00+07:00"), due),
            Timeliness::OnTime
        );
        assert_eq!(
            Timeliness::classify(at("2026-03-03T20:00:00+07:00"), due),
            Timeliness::Early
        );
    }
}
