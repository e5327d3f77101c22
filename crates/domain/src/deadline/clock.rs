//! The deadline clock of one dossier: started at receipt, stopped while the dossier waits
//! for the applicant, stopped for good when the result is ready. It records each waiting
//! period, so the due instant is recomputed from the calendar in force (a government
//! notice published after receipt still moves the deadline) and the dossier can show how
//! long it waited.

use chrono::{DateTime, FixedOffset, TimeDelta};
use serde::{Deserialize, Serialize};

use super::{ProcessingTime, Timeliness};
use crate::calendar::{CalendarError, WorkingCalendar, local_time};
use crate::serde_formats;

/// A period during which the dossier waited for the applicant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// When the wait began.
    #[serde(with = "serde_formats::instant")]
    pub from: DateTime<FixedOffset>,
    /// When the wait ended.
    #[serde(with = "serde_formats::instant")]
    pub to: DateTime<FixedOffset>,
}

/// Why the clock refused a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// The clock was already stopped at that time.
    #[error("Thời hạn giải quyết đang tạm dừng")]
    AlreadyPaused,
    /// The clock is running; there is nothing to resume.
    #[error("Thời hạn giải quyết không ở trạng thái tạm dừng")]
    NotPaused,
    /// The dossier is finished; its clock no longer changes.
    #[error("Hồ sơ đã kết thúc xử lý, thời hạn không còn thay đổi")]
    Finished,
    /// The change is dated before the clock's last change.
    #[error("Thời điểm thao tác sớm hơn thao tác trước đó")]
    OutOfOrder,
}

/// The deadline clock of a received dossier.
///
/// ```
/// use chrono::DateTime;
/// use motcua_domain::calendar::WorkingCalendar;
/// use motcua_domain::deadline::{Allowance, DeadlineClock, Timeliness};
///
/// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
/// let calendar = WorkingCalendar::default();
/// let mut clock = DeadlineClock::start(at("2026-03-02T08:00:00+07:00"), Allowance::WorkingDays(2).into());
/// assert_eq!(clock.due(&calendar)?.unwrap().to_rfc3339(), "2026-03-04T08:00:00+07:00");
///
/// // Waiting for a missing document from Tuesday 8:00 to Wednesday 8:00: one working day.
/// clock.pause(at("2026-03-03T08:00:00+07:00")).unwrap();
/// assert_eq!(clock.due(&calendar)?, None);
/// clock.resume(at("2026-03-04T08:00:00+07:00")).unwrap();
/// assert_eq!(clock.due(&calendar)?.unwrap().to_rfc3339(), "2026-03-05T08:00:00+07:00");
/// assert_eq!(clock.waited().num_hours(), 24);
///
/// clock.finish(at("2026-03-05T07:45:00+07:00")).unwrap();
/// assert_eq!(clock.timeliness(&calendar)?, Some(Timeliness::OnTime));
/// # Ok::<(), motcua_domain::calendar::CalendarError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineClock {
    #[serde(with = "serde_formats::instant")]
    received_at: DateTime<FixedOffset>,
    processing_time: ProcessingTime,
    #[serde(default)]
    pauses: Vec<Pause>,
    #[serde(default, with = "serde_formats::option_instant")]
    paused_since: Option<DateTime<FixedOffset>>,
    #[serde(default, with = "serde_formats::option_instant")]
    finished_at: Option<DateTime<FixedOffset>>,
}

impl DeadlineClock {
    /// A clock for a dossier received at `received_at`.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use motcua_domain::deadline::{Allowance, DeadlineClock};
    ///
    /// let received = DateTime::parse_from_rfc3339("2026-03-02T08:00:00+07:00").unwrap();
    /// let clock = DeadlineClock::start(received, Allowance::WorkingHours(4).into());
    /// assert_eq!(clock.received_at(), received);
    /// ```
    pub fn start(received_at: DateTime<FixedOffset>, processing_time: ProcessingTime) -> Self {
        Self {
            received_at,
            processing_time,
            pauses: Vec::new(),
            paused_since: None,
            finished_at: None,
        }
    }

    /// When the dossier was received.
    ///
    /// ```
    /// # use chrono::DateTime;
    /// # use motcua_domain::deadline::{Allowance, DeadlineClock};
    /// let received = DateTime::parse_from_rfc3339("2026-03-02T08:00:00+07:00").unwrap();
    /// assert_eq!(DeadlineClock::start(received, Allowance::SameDay.into()).received_at(), received);
    /// ```
    pub fn received_at(&self) -> DateTime<FixedOffset> {
        self.received_at
    }

    /// The processing time the clock counts down.
    ///
    /// ```
    /// # use chrono::DateTime;
    /// # use motcua_domain::deadline::{Allowance, DeadlineClock};
    /// let received = DateTime::parse_from_rfc3339("2026-03-02T08:00:00+07:00").unwrap();
    /// let clock = DeadlineClock::start(received, Allowance::SameDay.into());
    /// assert_eq!(clock.processing_time().allowance, Allowance::SameDay);
    /// ```
    pub fn processing_time(&self) -> ProcessingTime {
        self.processing_time
    }

    /// The finished waiting periods, oldest first.
    ///
    /// ```
    /// # use chrono::DateTime;
    /// # use motcua_domain::deadline::{Allowance, DeadlineClock};
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let mut clock = DeadlineClock::start(at("2026-03-02T08:00:00+07:00"), Allowance::SameDay.into());
    /// clock.pause(at("2026-03-02T09:00:00+07:00")).unwrap();
    /// clock.resume(at("2026-03-02T10:00:00+07:00")).unwrap();
    /// assert_eq!(clock.pauses().len(), 1);
    /// ```
    pub fn pauses(&self) -> &[Pause] {
        &self.pauses
    }

    /// When the current wait began, if the clock is stopped.
    ///
    /// ```
    /// # use chrono::DateTime;
    /// # use motcua_domain::deadline::{Allowance, DeadlineClock};
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let mut clock = DeadlineClock::start(at("2026-03-02T08:00:00+07:00"), Allowance::SameDay.into());
    /// clock.pause(at("2026-03-02T09:00:00+07:00")).unwrap();
    /// assert_eq!(clock.paused_since(), Some(at("2026-03-02T09:00:00+07:00")));
    /// ```
    pub fn paused_since(&self) -> Option<DateTime<FixedOffset>> {
        self.paused_since
    }

    /// Whether the clock is stopped for a wait.
    ///
    /// ```
    /// # use chrono::DateTime;
    /// # use motcua_domain::deadline::{Allowance, DeadlineClock};
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let clock = DeadlineClock::start(at("2026-03-02T08:00:00+07:00"), Allowance::SameDay.into());
    /// assert!(!clock.is_paused());
    /// ```
    pub fn is_paused(&self) -> bool {
        self.paused_since.is_some()
    }

    /// When the result was ready (or processing ended), if it has.
    ///
    /// ```
    /// # use chrono::DateTime;
    /// # use motcua_domain::deadline::{Allowance, DeadlineClock};
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let mut clock = DeadlineClock::start(at("2026-03-02T08:00:00+07:00"), Allowance::SameDay.into());
    /// clock.finish(at("2026-03-02T11:00:00+07:00")).unwrap();
    /// assert_eq!(clock.finished_at(), Some(at("2026-03-02T11:00:00+07:00")));
    /// ```
    pub fn finished_at(&self) -> Option<DateTime<FixedOffset>> {
        self.finished_at
    }

    /// Stops the clock: the dossier waits for the applicant from `at`.
    ///
    /// ```
    /// # use chrono::DateTime;
    /// # use motcua_domain::deadline::{Allowance, ClockError, DeadlineClock};
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let mut clock = DeadlineClock::start(at("2026-03-02T08:00:00+07:00"), Allowance::SameDay.into());
    /// clock.pause(at("2026-03-02T09:00:00+07:00")).unwrap();
    /// assert_eq!(clock.pause(at("2026-03-02T10:00:00+07:00")), Err(ClockError::AlreadyPaused));
    /// ```
    pub fn pause(&mut self, at: DateTime<FixedOffset>) -> Result<(), ClockError> {
        self.check_change(at)?;
        if self.is_paused() {
            return Err(ClockError::AlreadyPaused);
        }
        self.paused_since = Some(at);
        Ok(())
    }

    /// Restarts the clock at `at`; returns the waiting period just ended.
    ///
    /// ```
    /// # use chrono::DateTime;
    /// # use motcua_domain::deadline::{Allowance, ClockError, DeadlineClock};
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let mut clock = DeadlineClock::start(at("2026-03-02T08:00:00+07:00"), Allowance::SameDay.into());
    /// assert_eq!(clock.resume(at("2026-03-02T09:00:00+07:00")), Err(ClockError::NotPaused));
    /// ```
    pub fn resume(&mut self, at: DateTime<FixedOffset>) -> Result<Pause, ClockError> {
        self.check_change(at)?;
        let from = self.paused_since.take().ok_or(ClockError::NotPaused)?;
        let pause = Pause { from, to: at };
        self.pauses.push(pause);
        Ok(pause)
    }

    /// Stops the clock for good at `at` (result ready, refusal, processing stopped); a
    /// wait in progress ends then.
    ///
    /// ```
    /// # use chrono::DateTime;
    /// # use motcua_domain::deadline::{Allowance, ClockError, DeadlineClock};
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let mut clock = DeadlineClock::start(at("2026-03-02T08:00:00+07:00"), Allowance::SameDay.into());
    /// clock.finish(at("2026-03-02T11:00:00+07:00")).unwrap();
    /// assert_eq!(clock.pause(at("2026-03-02T12:00:00+07:00")), Err(ClockError::Finished));
    /// ```
    pub fn finish(&mut self, at: DateTime<FixedOffset>) -> Result<(), ClockError> {
        self.check_change(at)?;
        if let Some(from) = self.paused_since.take() {
            self.pauses.push(Pause { from, to: at });
        }
        self.finished_at = Some(at);
        Ok(())
    }

    /// Total wall-clock time of the finished waits.
    ///
    /// ```
    /// # use chrono::DateTime;
    /// # use motcua_domain::deadline::{Allowance, DeadlineClock};
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let mut clock = DeadlineClock::start(at("2026-03-02T08:00:00+07:00"), Allowance::SameDay.into());
    /// clock.pause(at("2026-03-02T09:00:00+07:00")).unwrap();
    /// clock.resume(at("2026-03-02T09:45:00+07:00")).unwrap();
    /// assert_eq!(clock.waited().num_minutes(), 45);
    /// ```
    pub fn waited(&self) -> TimeDelta {
        self.pauses.iter().map(|pause| pause.to - pause.from).sum()
    }

    /// The due instant, waits excluded; `None` while the clock is stopped for a wait,
    /// since the due instant depends on when the wait ends.
    ///
    /// ```
    /// # use chrono::DateTime;
    /// # use motcua_domain::calendar::WorkingCalendar;
    /// # use motcua_domain::deadline::{Allowance, DeadlineClock};
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let clock = DeadlineClock::start(at("2026-03-02T08:00:00+07:00"), Allowance::SameDay.into());
    /// let due = clock.due(&WorkingCalendar::default())?.unwrap();
    /// assert_eq!(due.to_rfc3339(), "2026-03-02T17:00:00+07:00");
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn due(
        &self,
        calendar: &WorkingCalendar,
    ) -> Result<Option<DateTime<FixedOffset>>, CalendarError> {
        if self.is_paused() {
            return Ok(None);
        }
        calendar
            .due_after_pauses(self.received_at, self.processing_time, &self.pauses)
            .map(Some)
    }

    /// When a share of the processing time ends: `allowance` counted from the clock's
    /// start, its finished waits excluded (the due time of a workflow step).
    ///
    /// ```
    /// # use chrono::DateTime;
    /// # use motcua_domain::calendar::WorkingCalendar;
    /// # use motcua_domain::deadline::{Allowance, DeadlineClock};
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let clock = DeadlineClock::start(at("2026-03-02T08:00:00+07:00"), Allowance::WorkingDays(3).into());
    /// let due = clock.share_due(&WorkingCalendar::default(), Allowance::WorkingHours(2))?;
    /// assert_eq!(due.to_rfc3339(), "2026-03-02T10:00:00+07:00");
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn share_due(
        &self,
        calendar: &WorkingCalendar,
        allowance: crate::deadline::Allowance,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        let time = ProcessingTime {
            allowance,
            same_day_cutoff: self.processing_time.same_day_cutoff,
        };
        calendar.due_after_pauses(self.received_at, time, &self.pauses)
    }

    /// Working time the dossier has consumed up to `at`: from the clock's start, waits
    /// excluded, and no further than the finish.
    ///
    /// ```
    /// # use chrono::DateTime;
    /// # use motcua_domain::calendar::WorkingCalendar;
    /// # use motcua_domain::deadline::{Allowance, DeadlineClock};
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let calendar = WorkingCalendar::default();
    /// let mut clock = DeadlineClock::start(at("2026-03-02T08:00:00+07:00"), Allowance::WorkingDays(5).into());
    /// clock.pause(at("2026-03-02T09:00:00+07:00")).unwrap();
    /// // Stopped: nothing more is consumed while the dossier waits.
    /// assert_eq!(clock.elapsed(&calendar, at("2026-03-04T10:00:00+07:00"))?.num_minutes(), 60);
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn elapsed(
        &self,
        calendar: &WorkingCalendar,
        at: DateTime<FixedOffset>,
    ) -> Result<TimeDelta, CalendarError> {
        let until = self.finished_at.map_or(at, |finished| finished.min(at));
        let start = calendar.clock_start(self.received_at, self.processing_time)?;
        let mut pauses = self.pauses.clone();
        if let Some(from) = self.paused_since {
            pauses.push(Pause {
                from,
                to: until.max(from),
            });
        }
        let seconds = calendar.worked_seconds(local_time(start), local_time(until), &pauses)?;
        Ok(TimeDelta::seconds(seconds))
    }

    /// Early, on time or late, once finished.
    ///
    /// ```
    /// # use chrono::DateTime;
    /// # use motcua_domain::calendar::WorkingCalendar;
    /// # use motcua_domain::deadline::{Allowance, DeadlineClock, Timeliness};
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let calendar = WorkingCalendar::default();
    /// let mut clock = DeadlineClock::start(at("2026-03-02T08:00:00+07:00"), Allowance::WorkingDays(1).into());
    /// assert_eq!(clock.timeliness(&calendar)?, None);
    /// clock.finish(at("2026-03-03T08:00:01+07:00")).unwrap();
    /// assert_eq!(clock.timeliness(&calendar)?, Some(Timeliness::Late));
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn timeliness(
        &self,
        calendar: &WorkingCalendar,
    ) -> Result<Option<Timeliness>, CalendarError> {
        let Some(finished) = self.finished_at else {
            return Ok(None);
        };
        let due =
            calendar.due_after_pauses(self.received_at, self.processing_time, &self.pauses)?;
        Ok(Some(Timeliness::classify(finished, due)))
    }

    fn check_change(&self, at: DateTime<FixedOffset>) -> Result<(), ClockError> {
        if self.finished_at.is_some() {
            return Err(ClockError::Finished);
        }
        let last = self
            .pauses
            .last()
            .map(|pause| pause.to)
            .into_iter()
            .chain(self.paused_since)
            .fold(self.received_at, DateTime::max);
        if at < last {
            return Err(ClockError::OutOfOrder);
        }
        Ok(())
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
    fn clock_state_round_trips_through_json() {
        let mut clock = DeadlineClock::start(
            at("2026-03-02T08:00:00+07:00"),
            Allowance::WorkingDays(3).into(),
        );
        clock.pause(at("2026-03-02T09:00:00+07:00")).unwrap();
        clock.resume(at("2026-03-03T09:00:00+07:00")).unwrap();
        clock.pause(at("2026-03-03T10:00:00+07:00")).unwrap();
        let json = serde_json::to_string(&clock).unwrap();
        assert!(json.contains(r#""paused_since":"2026-03-03T10:00:00+07:00""#));
        assert_eq!(serde_json::from_str::<DeadlineClock>(&json).unwrap(), clock);
    }

    #[test]
    fn changes_must_come_in_time_order() {
        let mut clock = DeadlineClock::start(
            at("2026-03-02T08:00:00+07:00"),
            Allowance::WorkingDays(3).into(),
        );
        assert_eq!(
            clock.pause(at("2026-03-01T08:00:00+07:00")),
            Err(ClockError::OutOfOrder)
        );
        clock.pause(at("2026-03-02T09:00:00+07:00")).unwrap();
        assert_eq!(
            clock.finish(at("2026-03-02T08:30:00+07:00")),
            Err(ClockError::OutOfOrder)
        );
        clock.finish(at("2026-03-02T10:00:00+07:00")).unwrap();
        assert_eq!(clock.pauses().len(), 1);
        assert!(!clock.is_paused());
    }
}
