//! An agency's calendar settings as data: its office hours and the government's changes
//! for particular days (the Prime Minister's yearly notices on Tết and National Day,
//! bridge days, Saturdays worked in exchange). The store keeps them as JSON per agency.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{CalendarError, DayHours, OfficeHours};
use crate::serde_formats;

/// At most this many overrides (three centuries of yearly notices fit many times over);
/// keeps the compiled calendar's shift indices small.
const MAX_OVERRIDES: usize = 10_000;

/// A change to one day of the default calendar.
///
/// In JSON, tagged by `kind`:
/// `{"kind": "day_off", "date": "2026-02-14", "name": "Nghỉ Tết Âm lịch"}`,
/// `{"kind": "remove_day_off", "date": "2025-01-28"}`,
/// `{"kind": "working_day", "date": "2025-02-08", "hours": ["07:30-11:30", "13:30-17:00"]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CalendarOverride {
    /// An extra day off (a bridge day, a Tết day moved by the government's notice).
    DayOff {
        /// The day.
        #[serde(with = "serde_formats::date")]
        date: NaiveDate,
        /// Its name, shown in holiday lists, e.g. "Nghỉ Tết Âm lịch (hoán đổi)".
        name: String,
    },
    /// A default day off (a statutory holiday or a compensatory day) that is not taken
    /// this year; the day becomes an ordinary day of its weekday.
    RemoveDayOff {
        /// The day.
        #[serde(with = "serde_formats::date")]
        date: NaiveDate,
    },
    /// A day worked whatever it would have been (typically a Saturday worked in exchange
    /// for a bridge day); also removes any day off on that date.
    WorkingDay {
        /// The day.
        #[serde(with = "serde_formats::date")]
        date: NaiveDate,
        /// Its hours; by default those of its weekday, or for a weekly rest day those of
        /// the longest weekday.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hours: Option<DayHours>,
    },
}

impl CalendarOverride {
    /// The day the override applies to.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use motcua_domain::calendar::CalendarOverride;
    ///
    /// let date = NaiveDate::from_ymd_opt(2025, 2, 8).unwrap();
    /// assert_eq!(CalendarOverride::WorkingDay { date, hours: None }.date(), date);
    /// ```
    pub fn date(&self) -> NaiveDate {
        match self {
            Self::DayOff { date, .. }
            | Self::RemoveDayOff { date }
            | Self::WorkingDay { date, .. } => *date,
        }
    }
}

/// Everything that makes one agency's working calendar differ from another's: office
/// hours and per-day overrides (at most one per date).
///
/// The default (no overrides, [`OfficeHours::default`]) is the law with the civil
/// service week.
///
/// ```
/// use motcua_domain::calendar::CalendarSettings;
///
/// let json = r#"{
///   "office_hours": {"mon": ["07:30-11:30", "13:30-17:00"], "sat": ["07:30-11:30"]},
///   "overrides": [{"kind": "day_off", "date": "2026-02-14", "name": "Nghỉ Tết"}]
/// }"#;
/// let settings: CalendarSettings = serde_json::from_str(json).unwrap();
/// assert_eq!(settings.overrides().len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSettings", into = "RawSettings")]
pub struct CalendarSettings {
    office_hours: OfficeHours,
    overrides: Vec<CalendarOverride>,
}

impl CalendarSettings {
    /// Settings from office hours and overrides; fails when no weekday has office hours
    /// or when two overrides concern the same date. Overrides are kept sorted by date.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use motcua_domain::calendar::{CalendarOverride, CalendarSettings, OfficeHours};
    ///
    /// let date = NaiveDate::from_ymd_opt(2026, 2, 14).unwrap();
    /// let off = CalendarOverride::DayOff { date, name: "Nghỉ Tết".into() };
    /// assert!(CalendarSettings::new(OfficeHours::default(), vec![off.clone()]).is_ok());
    /// assert!(CalendarSettings::new(OfficeHours::default(), vec![off.clone(), off]).is_err());
    /// assert!(CalendarSettings::new(OfficeHours::closed(), vec![]).is_err());
    /// ```
    pub fn new(
        office_hours: OfficeHours,
        mut overrides: Vec<CalendarOverride>,
    ) -> Result<Self, CalendarError> {
        let open_days = [
            chrono::Weekday::Mon,
            chrono::Weekday::Tue,
            chrono::Weekday::Wed,
            chrono::Weekday::Thu,
            chrono::Weekday::Fri,
            chrono::Weekday::Sat,
            chrono::Weekday::Sun,
        ]
        .into_iter()
        .filter(|day| !office_hours.day(*day).is_closed())
        .count();
        if open_days == 0 {
            return Err(CalendarError::InvalidSettings(
                "cần ít nhất một ngày làm việc trong tuần".into(),
            ));
        }
        if overrides.len() > MAX_OVERRIDES {
            return Err(CalendarError::InvalidSettings(format!(
                "tối đa {MAX_OVERRIDES} ngày điều chỉnh"
            )));
        }
        let mut seen = HashSet::new();
        for change in &overrides {
            if let CalendarOverride::DayOff { name, .. } = change
                && name.trim().is_empty()
            {
                return Err(CalendarError::InvalidSettings(format!(
                    "ngày nghỉ {} cần có tên",
                    change.date().format("%d/%m/%Y")
                )));
            }
            if !seen.insert(change.date()) {
                return Err(CalendarError::InvalidSettings(format!(
                    "ngày {} được điều chỉnh nhiều lần",
                    change.date().format("%d/%m/%Y")
                )));
            }
            if let CalendarOverride::WorkingDay {
                hours: Some(hours), ..
            } = change
                && hours.is_closed()
            {
                return Err(CalendarError::InvalidSettings(format!(
                    "ngày làm việc {} cần có giờ làm việc",
                    change.date().format("%d/%m/%Y")
                )));
            }
        }
        overrides.sort_by_key(CalendarOverride::date);
        Ok(Self {
            office_hours,
            overrides,
        })
    }

    /// The weekly office hours.
    ///
    /// ```
    /// use motcua_domain::calendar::{CalendarSettings, OfficeHours};
    ///
    /// assert_eq!(CalendarSettings::default().office_hours(), &OfficeHours::default());
    /// ```
    pub fn office_hours(&self) -> &OfficeHours {
        &self.office_hours
    }

    /// The overrides, sorted by date.
    ///
    /// ```
    /// assert!(motcua_domain::calendar::CalendarSettings::default().overrides().is_empty());
    /// ```
    pub fn overrides(&self) -> &[CalendarOverride] {
        &self.overrides
    }

    /// An agency's settings layered over these national ones: the agency's office hours
    /// (the default ones when it has none), the national changes, and the agency's own
    /// changes, which win on the same date.
    ///
    /// ```
    /// use motcua_domain::calendar::CalendarSettings;
    ///
    /// let national: CalendarSettings = serde_json::from_str(
    ///     r#"{"overrides":[{"kind":"day_off","date":"2026-02-14","name":"Nghỉ Tết"}]}"#,
    /// ).unwrap();
    /// let agency: CalendarSettings = serde_json::from_str(
    ///     r#"{"overrides":[{"kind":"working_day","date":"2026-02-14"}]}"#,
    /// ).unwrap();
    /// let merged = national.layered(Some(&agency)).unwrap();
    /// assert_eq!(merged.overrides().len(), 1);
    /// assert_eq!(merged.overrides()[0], agency.overrides()[0]);
    /// ```
    pub fn layered(&self, agency: Option<&CalendarSettings>) -> Result<Self, CalendarError> {
        let Some(agency) = agency else {
            return Self::new(OfficeHours::default(), self.overrides.clone());
        };
        let own: HashSet<NaiveDate> = agency
            .overrides
            .iter()
            .map(CalendarOverride::date)
            .collect();
        let overrides = self
            .overrides
            .iter()
            .filter(|change| !own.contains(&change.date()))
            .chain(&agency.overrides)
            .cloned()
            .collect();
        Self::new(agency.office_hours.clone(), overrides)
    }
}

/// The JSON shape of [`CalendarSettings`], validated on the way in.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    #[serde(default)]
    office_hours: OfficeHours,
    #[serde(default)]
    overrides: Vec<CalendarOverride>,
}

impl TryFrom<RawSettings> for CalendarSettings {
    type Error = CalendarError;

    fn try_from(raw: RawSettings) -> Result<Self, Self::Error> {
        Self::new(raw.office_hours, raw.overrides)
    }
}

impl From<CalendarSettings> for RawSettings {
    fn from(settings: CalendarSettings) -> Self {
        Self {
            office_hours: settings.office_hours,
            overrides: settings.overrides,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_keeps_every_kind_of_override() {
        let json = r#"{"office_hours":{},"overrides":[
            {"kind":"working_day","date":"2025-02-08"},
            {"kind":"day_off","date":"2025-01-27","name":"Nghỉ Tết Âm lịch (hoán đổi)"},
            {"kind":"remove_day_off","date":"2025-02-03"},
            {"kind":"working_day","date":"2025-02-15","hours":["08:00-11:00"]}]}"#;
        let error = serde_json::from_str::<CalendarSettings>(json).unwrap_err();
        assert!(error.to_string().contains("ít nhất một ngày làm việc"));

        let json = json.replace(
            r#""office_hours":{}"#,
            r#""office_hours":{"mon":["08:00-17:00"]}"#,
        );
        let settings: CalendarSettings = serde_json::from_str(&json).unwrap();
        let dates: Vec<_> = settings
            .overrides()
            .iter()
            .map(|o| o.date().to_string())
            .collect();
        assert_eq!(
            dates,
            ["2025-01-27", "2025-02-03", "2025-02-08", "2025-02-15"]
        );
        let again = serde_json::to_string(&settings).unwrap();
        assert_eq!(
            serde_json::from_str::<CalendarSettings>(&again).unwrap(),
            settings
        );
    }
}
