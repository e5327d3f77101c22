//! An agency's working calendar: which days are worked and when its office is open,
//! from the Labour Code's public holidays, the government's yearly changes and the
//! agency's office hours. Times are Vietnam time (UTC+7, no daylight saving).
//!
//! Working time is counted in whole seconds; instants are truncated to the second.

mod holidays;
mod office_hours;
mod settings;
mod year_table;

use std::fmt;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeDelta, Timelike};

pub use holidays::{Holiday, HolidayKind};
pub use office_hours::{DayHours, OfficeHours, OfficeInterval};
pub use settings::{CalendarOverride, CalendarSettings};

use crate::lunar::{FIRST_YEAR, LAST_YEAR};
use year_table::{Shifts, YearTable};

/// Vietnam's time zone, Asia/Ho_Chi_Minh: UTC+7 all year.
pub const VIETNAM_TIME: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

/// Errors of calendar settings and calendar arithmetic.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The settings are inconsistent; the message says why, in Vietnamese.
    #[error("Cấu hình lịch làm việc không hợp lệ: {0}")]
    InvalidSettings(String),
    /// A date or a computed instant lies outside the years 1900–2199.
    #[error("Thời điểm nằm ngoài khoảng hỗ trợ của lịch (năm 1900–2199)")]
    OutOfRange,
}

/// The working calendar of one agency, compiled for fast deadline arithmetic.
///
/// Years are compiled on first use and kept; a calendar is cheap to share between
/// threads. Build a new one when the settings change.
///
/// ```
/// use chrono::NaiveDate;
/// use motcua_domain::calendar::WorkingCalendar;
///
/// let calendar = WorkingCalendar::default();
/// let national_day = NaiveDate::from_ymd_opt(2025, 9, 2).unwrap();
/// assert!(!calendar.is_working_day(national_day)?);
/// # Ok::<(), motcua_domain::calendar::CalendarError>(())
/// ```
#[derive(Clone)]
pub struct WorkingCalendar {
    settings: CalendarSettings,
    shifts: Shifts,
    years: Box<[OnceLock<YearTable>]>,
}

/// A point of working time: seconds worked from 1 January of `year`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Position {
    pub(crate) year: i32,
    pub(crate) worked: u32,
}

impl WorkingCalendar {
    /// The calendar of `settings`.
    ///
    /// ```
    /// use motcua_domain::calendar::{CalendarSettings, WorkingCalendar};
    ///
    /// let calendar = WorkingCalendar::new(CalendarSettings::default());
    /// assert_eq!(calendar.working_day_length().num_minutes(), 450);
    /// ```
    pub fn new(settings: CalendarSettings) -> Self {
        let shifts = Shifts::new(&settings);
        let years = (FIRST_YEAR..=LAST_YEAR).map(|_| OnceLock::new()).collect();
        Self {
            settings,
            shifts,
            years,
        }
    }

    /// The settings the calendar was built from.
    ///
    /// ```
    /// use motcua_domain::calendar::WorkingCalendar;
    ///
    /// assert!(WorkingCalendar::default().settings().overrides().is_empty());
    /// ```
    pub fn settings(&self) -> &CalendarSettings {
        &self.settings
    }

    /// The days off of `year` that are not weekly rest days, sorted by date: statutory
    /// holidays (also those falling on a rest day), compensatory days and declared days
    /// off, after the overrides.
    ///
    /// ```
    /// use motcua_domain::calendar::WorkingCalendar;
    ///
    /// let calendar = WorkingCalendar::default();
    /// let holidays = calendar.holidays(2026)?;
    /// let first = &holidays[0];
    /// assert_eq!((first.date.to_string(), first.name.as_str()), ("2026-01-01".into(), "Tết Dương lịch"));
    /// assert!(holidays.iter().any(|h| h.date.to_string() == "2026-02-17"));
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn holidays(&self, year: i32) -> Result<&[Holiday], CalendarError> {
        Ok(self.table(year)?.holidays())
    }

    /// Whether the office works on `date` (it has office hours that day).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use motcua_domain::calendar::WorkingCalendar;
    ///
    /// let calendar = WorkingCalendar::default();
    /// let monday = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    /// assert!(calendar.is_working_day(monday)?);
    /// assert!(!calendar.is_working_day(monday.pred_opt().unwrap())?);
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let table = self.table(date.year())?;
        Ok(self
            .shifts
            .get(table.shift_index(date.ordinal0() as usize))
            .total()
            > 0)
    }

    /// The first working day on or after `date`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use motcua_domain::calendar::WorkingCalendar;
    ///
    /// let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// let calendar = WorkingCalendar::default();
    /// // Saturday 30/8/2025, then Sunday and the National Day holidays of 1–2/9.
    /// assert_eq!(calendar.working_day_on_or_after(ymd(2025, 8, 30))?, ymd(2025, 9, 3));
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let mut year = date.year();
        let mut day = date.ordinal0() as usize;
        loop {
            let table = self.table(year)?;
            if let Some(found) = table.working_day_from(day) {
                return Ok(table.date(found));
            }
            year += 1;
            day = 0;
        }
    }

    /// Whether the office is open at `at`.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use motcua_domain::calendar::WorkingCalendar;
    ///
    /// let calendar = WorkingCalendar::default();
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// assert!(calendar.is_open(at("2026-03-02T16:59:00+07:00"))?);
    /// assert!(!calendar.is_open(at("2026-03-02T17:00:00+07:00"))?);
    /// assert!(!calendar.is_open(at("2026-03-02T12:00:00+07:00"))?);
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn is_open(&self, at: DateTime<FixedOffset>) -> Result<bool, CalendarError> {
        let local = local_time(at);
        let table = self.table(local.year())?;
        let shift = self
            .shifts
            .get(table.shift_index(local.ordinal0() as usize));
        Ok(shift.contains(local.num_seconds_from_midnight()))
    }

    /// `at` itself when the office is open then, otherwise the next opening.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use motcua_domain::calendar::WorkingCalendar;
    ///
    /// let calendar = WorkingCalendar::default();
    /// // Friday 13/2/2026 after closing: the office reopens after Tết, on Monday 23/2.
    /// let friday = DateTime::parse_from_rfc3339("2026-02-13T17:01:00+07:00").unwrap();
    /// assert_eq!(calendar.next_opening(friday)?.to_rfc3339(), "2026-02-23T07:30:00+07:00");
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn next_opening(
        &self,
        at: DateTime<FixedOffset>,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        Ok(to_instant(self.opening_from(local_time(at))?))
    }

    /// Working time from `from` to `to` (negative when `to` is earlier).
    ///
    /// ```
    /// use chrono::DateTime;
    /// use motcua_domain::calendar::WorkingCalendar;
    ///
    /// let calendar = WorkingCalendar::default();
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let worked = calendar.working_time_between(
    ///     at("2026-03-06T16:00:00+07:00"), // Friday
    ///     at("2026-03-09T08:30:00+07:00"), // Monday
    /// )?;
    /// assert_eq!(worked.num_minutes(), 120);
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn working_time_between(
        &self,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
    ) -> Result<TimeDelta, CalendarError> {
        let from = self.position(local_time(from))?;
        let to = self.position(local_time(to))?;
        Ok(TimeDelta::seconds(self.seconds_between(from, to)?))
    }

    /// The earliest instant at which `amount` of working time has passed since `from`:
    /// inside office hours or exactly at a closing time. A zero or negative amount gives
    /// `from` itself.
    ///
    /// ```
    /// use chrono::{DateTime, TimeDelta};
    /// use motcua_domain::calendar::WorkingCalendar;
    ///
    /// let calendar = WorkingCalendar::default();
    /// let from = DateTime::parse_from_rfc3339("2026-03-06T16:00:00+07:00").unwrap();
    /// let due = calendar.add_working_time(from, TimeDelta::hours(2))?;
    /// assert_eq!(due.to_rfc3339(), "2026-03-09T08:30:00+07:00");
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn add_working_time(
        &self,
        from: DateTime<FixedOffset>,
        amount: TimeDelta,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        let local = local_time(from);
        let position = self.position(local)?;
        if amount <= TimeDelta::zero() {
            return Ok(to_instant(local));
        }
        Ok(to_instant(
            self.instant_after(position, amount.num_seconds())?,
        ))
    }

    /// The working time of a standard working day: the longest weekday of the office
    /// hours (7 h 30 min for the default 7:30–11:30 and 13:30–17:00).
    ///
    /// ```
    /// use motcua_domain::calendar::WorkingCalendar;
    ///
    /// assert_eq!(WorkingCalendar::default().working_day_length().num_minutes(), 450);
    /// ```
    pub fn working_day_length(&self) -> TimeDelta {
        TimeDelta::seconds(i64::from(self.shifts.standard_day()))
    }

    pub(crate) fn table(&self, year: i32) -> Result<&YearTable, CalendarError> {
        let slot = usize::try_from(year - FIRST_YEAR)
            .ok()
            .and_then(|index| self.years.get(index))
            .ok_or(CalendarError::OutOfRange)?;
        Ok(slot.get_or_init(|| YearTable::build(year, &self.settings, &self.shifts)))
    }

    /// The working-time position of a local instant.
    pub(crate) fn position(&self, local: NaiveDateTime) -> Result<Position, CalendarError> {
        let table = self.table(local.year())?;
        let day = local.ordinal0() as usize;
        let shift = self.shifts.get(table.shift_index(day));
        Ok(Position {
            year: local.year(),
            worked: table.before_day(day) + shift.elapsed(local.num_seconds_from_midnight()),
        })
    }

    /// `local` itself when the office is open then, otherwise the next opening.
    pub(crate) fn opening_from(
        &self,
        local: NaiveDateTime,
    ) -> Result<NaiveDateTime, CalendarError> {
        // The earliest instant one second of work after `local` is one second after the
        // opening we look for (intervals are whole minutes long).
        let after = self.instant_after(self.position(local)?, 1)?;
        Ok(after - TimeDelta::seconds(1))
    }

    /// The position at the end of the working time of the day of `local`.
    pub(crate) fn end_of_day(&self, local: NaiveDateTime) -> Result<Position, CalendarError> {
        let table = self.table(local.year())?;
        Ok(Position {
            year: local.year(),
            worked: table.before_day(local.ordinal0() as usize + 1),
        })
    }

    /// The earliest local instant `amount` (> 0) working seconds after `position`.
    pub(crate) fn instant_after(
        &self,
        position: Position,
        amount: i64,
    ) -> Result<NaiveDateTime, CalendarError> {
        let mut year = position.year;
        let mut target = i64::from(position.worked) + amount;
        loop {
            let table = self.table(year)?;
            let total = i64::from(table.total());
            if target <= total {
                let worked = u32::try_from(target).map_err(|_| CalendarError::OutOfRange)?;
                let (day, within) = table.day_of(worked);
                let shift = self.shifts.get(table.shift_index(day));
                let second = shift.time_after(within);
                return Ok(table.date(day).and_time(time_of_day(second)));
            }
            target -= total;
            year += 1;
        }
    }

    /// Working seconds from `from` to `to`.
    pub(crate) fn seconds_between(
        &self,
        from: Position,
        to: Position,
    ) -> Result<i64, CalendarError> {
        if (to.year, to.worked) < (from.year, from.worked) {
            return self.seconds_between(to, from).map(|seconds| -seconds);
        }
        let mut seconds = i64::from(to.worked) - i64::from(from.worked);
        for year in from.year..to.year {
            seconds += i64::from(self.table(year)?.total());
        }
        Ok(seconds)
    }
}

impl Default for WorkingCalendar {
    /// The law's holidays and the civil-service office hours, without overrides.
    fn default() -> Self {
        Self::new(CalendarSettings::default())
    }
}

impl fmt::Debug for WorkingCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkingCalendar")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// `at` in Vietnam time, truncated to the second.
pub(crate) fn local_time(at: DateTime<FixedOffset>) -> NaiveDateTime {
    let local = at.with_timezone(&VIETNAM_TIME).naive_local();
    local.with_nanosecond(0).unwrap_or(local)
}

/// The instant of a Vietnam local time.
pub(crate) fn to_instant(local: NaiveDateTime) -> DateTime<FixedOffset> {
    let utc = local - TimeDelta::seconds(i64::from(VIETNAM_TIME.local_minus_utc()));
    DateTime::from_naive_utc_and_offset(utc, VIETNAM_TIME)
}

fn time_of_day(second: u32) -> chrono::NaiveTime {
    chrono::NaiveTime::from_num_seconds_from_midnight_opt(second, 0)
        .unwrap_or(chrono::NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn instants_in_other_offsets_are_read_in_vietnam_time() {
        let calendar = WorkingCalendar::default();
        // 01:00 UTC is 08:00 in Hà Nội.
        assert!(calendar.is_open(at("2026-03-02T01:00:00Z")).unwrap());
        let due = calendar
            .add_working_time(at("2026-03-02T01:00:00Z"), TimeDelta::hours(1))
            .unwrap();
        assert_eq!(due.to_rfc3339(), "2026-03-02T09:00:00+07:00");
    }

    #[test]
    fn arithmetic_outside_the_supported_years_is_an_error() {
        let calendar = WorkingCalendar::default();
        assert_eq!(calendar.holidays(1899), Err(CalendarError::OutOfRange));
        let late = at("2199-12-31T16:00:00+07:00");
        assert_eq!(
            calendar.add_working_time(late, TimeDelta::hours(8)),
            Err(CalendarError::OutOfRange)
        );
    }
}
