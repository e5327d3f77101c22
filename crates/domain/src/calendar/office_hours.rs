//! Office hours: the intervals of each weekday in which an agency works and the deadline
//! clock runs, e.g. Monday–Friday 7:30–11:30 and 13:30–17:00.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use super::CalendarError;

/// One opening interval of a day, `opens` included, `closes` excluded; written
/// `07:30-11:30` in settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OfficeInterval {
    opens: NaiveTime,
    closes: NaiveTime,
}

impl OfficeInterval {
    /// An interval from `opens` to `closes`, whole minutes, `opens` before `closes`.
    ///
    /// ```
    /// use chrono::NaiveTime;
    /// use motcua_domain::calendar::OfficeInterval;
    ///
    /// let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    /// assert!(OfficeInterval::new(t(7, 30), t(11, 30)).is_ok());
    /// assert!(OfficeInterval::new(t(13, 30), t(11, 30)).is_err());
    /// ```
    pub fn new(opens: NaiveTime, closes: NaiveTime) -> Result<Self, CalendarError> {
        let whole_minutes = |t: NaiveTime| t.second() == 0 && t.nanosecond() == 0;
        if !whole_minutes(opens) || !whole_minutes(closes) {
            return Err(CalendarError::InvalidSettings(
                "giờ làm việc phải tính theo phút tròn".into(),
            ));
        }
        if opens >= closes {
            return Err(CalendarError::InvalidSettings(format!(
                "giờ mở cửa {} phải trước giờ đóng cửa {}",
                opens.format("%H:%M"),
                closes.format("%H:%M")
            )));
        }
        Ok(Self { opens, closes })
    }

    /// When the interval opens.
    ///
    /// ```
    /// let interval: motcua_domain::calendar::OfficeInterval = "07:30-11:30".parse().unwrap();
    /// assert_eq!(interval.opens().to_string(), "07:30:00");
    /// ```
    pub fn opens(&self) -> NaiveTime {
        self.opens
    }

    /// When the interval closes.
    ///
    /// ```
    /// let interval: motcua_domain::calendar::OfficeInterval = "07:30-11:30".parse().unwrap();
    /// assert_eq!(interval.closes().to_string(), "11:30:00");
    /// ```
    pub fn closes(&self) -> NaiveTime {
        self.closes
    }

    pub(crate) fn seconds(&self) -> (u32, u32) {
        (
            self.opens.num_seconds_from_midnight(),
            self.closes.num_seconds_from_midnight(),
        )
    }
}

impl FromStr for OfficeInterval {
    type Err = CalendarError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || {
            CalendarError::InvalidSettings(format!(
                "khoảng giờ làm việc không hợp lệ: {text} (cần dạng 07:30-11:30)"
            ))
        };
        let (opens, closes) = text.trim().split_once('-').ok_or_else(invalid)?;
        let time = |part: &str| NaiveTime::parse_from_str(part.trim(), "%H:%M");
        Self::new(
            time(opens).map_err(|_| invalid())?,
            time(closes).map_err(|_| invalid())?,
        )
    }
}

impl TryFrom<String> for OfficeInterval {
    type Error = CalendarError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<OfficeInterval> for String {
    fn from(interval: OfficeInterval) -> Self {
        interval.to_string()
    }
}

impl fmt::Display for OfficeInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            self.opens.format("%H:%M"),
            self.closes.format("%H:%M")
        )
    }
}

/// The opening intervals of one day, in order and not touching; empty when closed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<OfficeInterval>", into = "Vec<OfficeInterval>")]
pub struct DayHours(Vec<OfficeInterval>);

impl DayHours {
    /// The hours made of `intervals`, which must be in order and separated by a break.
    ///
    /// ```
    /// use motcua_domain::calendar::DayHours;
    ///
    /// let day = DayHours::new(vec!["07:30-11:30".parse()?, "13:30-17:00".parse()?])?;
    /// assert_eq!(day.working_seconds(), 27_000);
    /// assert!(DayHours::new(vec!["07:30-11:30".parse()?, "11:00-17:00".parse()?]).is_err());
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn new(intervals: Vec<OfficeInterval>) -> Result<Self, CalendarError> {
        for pair in intervals.windows(2) {
            if pair[0].closes >= pair[1].opens {
                return Err(CalendarError::InvalidSettings(format!(
                    "các khoảng giờ làm việc {} và {} chồng lấn hoặc liền nhau (hãy gộp lại)",
                    pair[0], pair[1]
                )));
            }
        }
        Ok(Self(intervals))
    }

    /// No opening at all: a rest day.
    ///
    /// ```
    /// assert!(motcua_domain::calendar::DayHours::closed().is_closed());
    /// ```
    pub fn closed() -> Self {
        Self(Vec::new())
    }

    /// Whether the day has no opening.
    ///
    /// ```
    /// use motcua_domain::calendar::OfficeHours;
    ///
    /// assert!(!OfficeHours::default().day(chrono::Weekday::Mon).is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.0.is_empty()
    }

    /// The intervals, in order.
    ///
    /// ```
    /// use motcua_domain::calendar::OfficeHours;
    ///
    /// let monday = OfficeHours::default().day(chrono::Weekday::Mon).intervals().len();
    /// assert_eq!(monday, 2);
    /// ```
    pub fn intervals(&self) -> &[OfficeInterval] {
        &self.0
    }

    /// Total opening time of the day, in seconds.
    ///
    /// ```
    /// use motcua_domain::calendar::OfficeHours;
    ///
    /// // 7:30–11:30 and 13:30–17:00: seven and a half hours.
    /// assert_eq!(OfficeHours::default().day(chrono::Weekday::Fri).working_seconds(), 27_000);
    /// ```
    pub fn working_seconds(&self) -> u32 {
        self.0
            .iter()
            .map(|interval| {
                let (opens, closes) = interval.seconds();
                closes - opens
            })
            .sum()
    }
}

impl TryFrom<Vec<OfficeInterval>> for DayHours {
    type Error = CalendarError;

    fn try_from(intervals: Vec<OfficeInterval>) -> Result<Self, Self::Error> {
        Self::new(intervals)
    }
}

impl From<DayHours> for Vec<OfficeInterval> {
    fn from(day: DayHours) -> Self {
        day.0
    }
}

/// The weekly office hours of an agency; a weekday without hours is a weekly rest day.
///
/// The default is the civil service week (Decision 188/1999/QĐ-TTg, five working days):
/// Monday to Friday, 7:30–11:30 and 13:30–17:00, Saturday and Sunday closed. In JSON:
/// `{"mon": ["07:30-11:30", "13:30-17:00"], ..., "sat": [], "sun": []}`; a missing
/// weekday is closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeHours {
    #[serde(default)]
    mon: DayHours,
    #[serde(default)]
    tue: DayHours,
    #[serde(default)]
    wed: DayHours,
    #[serde(default)]
    thu: DayHours,
    #[serde(default)]
    fri: DayHours,
    #[serde(default)]
    sat: DayHours,
    #[serde(default)]
    sun: DayHours,
}

impl OfficeHours {
    /// Office hours with every weekday closed; open days are added with [`Self::with_day`].
    ///
    /// ```
    /// use chrono::Weekday;
    /// use motcua_domain::calendar::OfficeHours;
    ///
    /// assert!(OfficeHours::closed().day(Weekday::Mon).is_closed());
    /// ```
    pub fn closed() -> Self {
        Self {
            mon: DayHours::closed(),
            tue: DayHours::closed(),
            wed: DayHours::closed(),
            thu: DayHours::closed(),
            fri: DayHours::closed(),
            sat: DayHours::closed(),
            sun: DayHours::closed(),
        }
    }

    /// These hours with `weekday` set to `hours`.
    ///
    /// ```
    /// use chrono::Weekday;
    /// use motcua_domain::calendar::{DayHours, OfficeHours};
    ///
    /// // A desk that also opens on Saturday mornings.
    /// let hours = OfficeHours::default()
    ///     .with_day(Weekday::Sat, DayHours::new(vec!["07:30-11:30".parse()?])?);
    /// assert_eq!(hours.day(Weekday::Sat).working_seconds(), 4 * 3600);
    /// # Ok::<(), motcua_domain::calendar::CalendarError>(())
    /// ```
    pub fn with_day(mut self, weekday: Weekday, hours: DayHours) -> Self {
        *self.day_mut(weekday) = hours;
        self
    }

    /// The hours of `weekday`.
    ///
    /// ```
    /// use chrono::Weekday;
    /// use motcua_domain::calendar::OfficeHours;
    ///
    /// assert!(OfficeHours::default().day(Weekday::Sun).is_closed());
    /// ```
    pub fn day(&self, weekday: Weekday) -> &DayHours {
        match weekday {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }

    fn day_mut(&mut self, weekday: Weekday) -> &mut DayHours {
        match weekday {
            Weekday::Mon => &mut self.mon,
            Weekday::Tue => &mut self.tue,
            Weekday::Wed => &mut self.wed,
            Weekday::Thu => &mut self.thu,
            Weekday::Fri => &mut self.fri,
            Weekday::Sat => &mut self.sat,
            Weekday::Sun => &mut self.sun,
        }
    }
}

impl Default for OfficeHours {
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("a valid time");
        let day = DayHours(vec![
            OfficeInterval {
                opens: t(7, 30),
                closes: t(11, 30),
            },
            OfficeInterval {
                opens: t(13, 30),
                closes: t(17, 0),
            },
        ]);
        Self {
            mon: day.clone(),
            tue: day.clone(),
            wed: day.clone(),
            thu: day.clone(),
            fri: day,
            sat: DayHours::closed(),
            sun: DayHours::closed(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_form_is_readable_and_round_trips() {
        let hours = OfficeHours::default();
        let json = serde_json::to_string(&hours).unwrap();
        assert!(json.starts_with(r#"{"mon":["07:30-11:30","13:30-17:00"]"#));
        assert_eq!(serde_json::from_str::<OfficeHours>(&json).unwrap(), hours);
    }

    #[test]
    fn missing_weekdays_are_closed_and_bad_intervals_rejected() {
        let hours: OfficeHours = serde_json::from_str(r#"{"sat": ["08:00-11:00"]}"#).unwrap();
        assert!(hours.day(Weekday::Mon).is_closed());
        assert!(!hours.day(Weekday::Sat).is_closed());
        assert!(serde_json::from_str::<OfficeHours>(r#"{"mon": ["11:00-08:00"]}"#).is_err());
        assert!(serde_json::from_str::<OfficeHours>(r#"{"mon": ["8h-11h"]}"#).is_err());
        assert!(serde_json::from_str::<OfficeHours>(r#"{"monday": []}"#).is_err());
    }
}
