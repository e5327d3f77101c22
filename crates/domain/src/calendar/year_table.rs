//! The compiled form of a working calendar: for each day of a year, its office hours and
//! the working time elapsed since 1 January, so that deadline arithmetic jumps over whole
//! days with a binary search instead of walking through time.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::holidays::{self, Holiday};
use super::{CalendarOverride, CalendarSettings, DayHours};

/// A day's opening intervals in seconds from midnight.
#[derive(Clone, Debug, Default)]
pub(crate) struct Shift {
    spans: Vec<(u32, u32)>,
    total: u32,
}

impl Shift {
    pub(crate) fn new(hours: &DayHours) -> Self {
        let spans: Vec<(u32, u32)> = hours.intervals().iter().map(|i| i.seconds()).collect();
        let total = spans.iter().map(|(opens, closes)| closes - opens).sum();
        Self { spans, total }
    }

    /// Working seconds of the day before the time `second` (seconds from midnight).
    pub(crate) fn elapsed(&self, second: u32) -> u32 {
        self.spans
            .iter()
            .map(|&(opens, closes)| second.clamp(opens, closes) - opens)
            .sum()
    }

    /// The earliest time of day at which `worked` seconds (0 < worked ≤ total) have
    /// elapsed: a closing edge rather than the next opening when both qualify.
    pub(crate) fn time_after(&self, mut worked: u32) -> u32 {
        for &(opens, closes) in &self.spans {
            if worked <= closes - opens {
                return opens + worked;
            }
            worked -= closes - opens;
        }
        self.spans.last().map_or(0, |&(_, closes)| closes)
    }

    pub(crate) fn contains(&self, second: u32) -> bool {
        self.spans
            .iter()
            .any(|&(opens, closes)| (opens..closes).contains(&second))
    }

    pub(crate) fn total(&self) -> u32 {
        self.total
    }
}

/// The shifts a calendar uses: index 0 is a closed day, 1–7 the weekdays from Monday,
/// then one per working-day override with its own hours.
#[derive(Clone, Debug)]
pub(crate) struct Shifts {
    shifts: Vec<Shift>,
    /// Shift index of each override of the settings, in the same order (0 if none).
    override_shift: Vec<u16>,
    /// Index of the longest weekday, the default hours of a worked rest day.
    longest_weekday: u16,
}

impl Shifts {
    pub(crate) fn new(settings: &CalendarSettings) -> Self {
        let hours = settings.office_hours();
        let mut shifts = vec![Shift::default()];
        shifts.extend(WEEK.iter().map(|day| Shift::new(hours.day(*day))));
        let longest_weekday = (1..=7u16)
            .max_by_key(|&index| (shifts[usize::from(index)].total, std::cmp::Reverse(index)))
            .unwrap_or(1);
        let mut override_shift = Vec::with_capacity(settings.overrides().len());
        for change in settings.overrides() {
            let index = match change {
                CalendarOverride::WorkingDay {
                    hours: Some(hours), ..
                } => {
                    shifts.push(Shift::new(hours));
                    u16::try_from(shifts.len() - 1).expect("settings hold at most 10 000 overrides")
                }
                CalendarOverride::WorkingDay { date, hours: None } => {
                    let own = weekday_index(date.weekday());
                    if shifts[usize::from(own)].total > 0 {
                        own
                    } else {
                        longest_weekday
                    }
                }
                _ => 0,
            };
            override_shift.push(index);
        }
        Self {
            shifts,
            override_shift,
            longest_weekday,
        }
    }

    pub(crate) fn get(&self, index: u16) -> &Shift {
        &self.shifts[usize::from(index)]
    }

    /// Working seconds of a standard working day: the longest weekday.
    pub(crate) fn standard_day(&self) -> u32 {
        self.get(self.longest_weekday).total
    }
}

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn weekday_index(weekday: Weekday) -> u16 {
    weekday.number_from_monday() as u16
}

/// One year of a calendar, compiled.
#[derive(Clone, Debug)]
pub(crate) struct YearTable {
    first_day: NaiveDate,
    /// Shift index of each day of the year.
    shift_of_day: Vec<u16>,
    /// `cumulative[d]`: working seconds from 1 January to the start of day `d`; one more
    /// entry than days, the last being the year's total.
    cumulative: Vec<u32>,
    holidays: Vec<Holiday>,
}

impl YearTable {
    pub(crate) fn build(year: i32, settings: &CalendarSettings, shifts: &Shifts) -> Self {
        let first_day = NaiveDate::from_yo_opt(year, 1).expect("1 January exists");
        let length = if first_day.leap_year() { 366 } else { 365 };
        let mut shift_of_day: Vec<u16> = (0..length)
            .map(|day| weekday_index((first_day + Days::new(day)).weekday()))
            .collect();
        let holidays = holidays::days_off(year, settings);
        for holiday in &holidays {
            shift_of_day[holiday.date.ordinal0() as usize] = 0;
        }
        for (change, &shift) in settings.overrides().iter().zip(&shifts.override_shift) {
            if change.date().year() == year
                && let CalendarOverride::WorkingDay { date, .. } = change
            {
                shift_of_day[date.ordinal0() as usize] = shift;
            }
        }
        let mut cumulative = Vec::with_capacity(shift_of_day.len() + 1);
        let mut total = 0u32;
        cumulative.push(0);
        for &shift in &shift_of_day {
            total += shifts.get(shift).total;
            cumulative.push(total);
        }
        Self {
            first_day,
            shift_of_day,
            cumulative,
            holidays,
        }
    }

    pub(crate) fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    pub(crate) fn shift_index(&self, day: usize) -> u16 {
        self.shift_of_day[day]
    }

    /// Working seconds from 1 January to the start of day `day` (0-based).
    pub(crate) fn before_day(&self, day: usize) -> u32 {
        self.cumulative[day]
    }

    /// Working seconds of the whole year.
    pub(crate) fn total(&self) -> u32 {
        self.cumulative[self.cumulative.len() - 1]
    }

    /// The day (0-based) in which `worked` seconds (0 < worked ≤ total) of the year have
    /// elapsed, and how many of them fall within that day.
    pub(crate) fn day_of(&self, worked: u32) -> (usize, u32) {
        let day = self.cumulative[1..].partition_point(|&before| before < worked);
        (day, worked - self.cumulative[day])
    }

    /// The first day (0-based) at or after `day` with working time, if any this year.
    pub(crate) fn working_day_from(&self, day: usize) -> Option<usize> {
        let before = self.cumulative[day];
        let found = self.cumulative[day + 1..].partition_point(|&c| c <= before);
        (day + found < self.shift_of_day.len()).then_some(day + found)
    }

    pub(crate) fn date(&self, day: usize) -> NaiveDate {
        self.first_day + Days::new(day as u64)
    }
}
