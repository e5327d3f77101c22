//! Public holidays (ngày nghỉ lễ, tết) by the Labour Code, compensatory days, and the
//! overrides an agency applies on top of them.
//!
//! Labour Code 2019 (Law 45/2019/QH14), art. 112(1): "Người lao động được nghỉ làm việc,
//! hưởng nguyên lương trong những ngày lễ, tết sau đây: a) Tết Dương lịch: 01 ngày (ngày
//! 01 tháng 01 dương lịch); b) Tết Âm lịch: 05 ngày; c) Ngày Chiến thắng: 01 ngày (ngày 30
//! tháng 4 dương lịch); d) Ngày Quốc tế lao động: 01 ngày (ngày 01 tháng 5 dương lịch);
//! đ) Quốc khánh: 02 ngày (ngày 02 tháng 9 dương lịch và 01 ngày liền kề trước hoặc sau);
//! e) Ngày Giỗ Tổ Hùng Vương: 01 ngày (ngày 10 tháng 3 âm lịch)." Art. 112(3): the Prime
//! Minister fixes the days of b) and đ) each year; those yearly decisions are entered as
//! [`CalendarOverride`]s.
//!
//! Art. 111(3): "Nếu ngày nghỉ hằng tuần trùng với ngày nghỉ lễ, tết quy định tại khoản 1
//! Điều 112 của Bộ luật này thì người lao động được nghỉ bù ngày nghỉ hằng tuần vào ngày
//! làm việc kế tiếp." A holiday on a weekly rest day is therefore taken on the next
//! working day.
//!
//! Before 2021 the Labour Code 2012 (art. 115) applied: the same days, but National Day
//! was a single day. Earlier history (four Tết days before 2013) is not modelled; enter
//! it as overrides when old dossiers need it.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{CalendarOverride, CalendarSettings};
use crate::lunar::{self, LunarDate};
use crate::serde_formats;

/// The first year of the Labour Code 2019, which gave National Day a second day.
const TWO_DAY_NATIONAL_DAY_FROM: i32 = 2021;

/// A day off that is not a weekly rest day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    /// The day.
    #[serde(with = "serde_formats::date")]
    pub date: NaiveDate,
    /// Its Vietnamese name, e.g. "Quốc khánh (2/9)".
    pub name: String,
    /// Where it comes from.
    pub kind: HolidayKind,
}

/// Where a day off comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// A public holiday of the Labour Code (art. 112(1)), on its default date.
    Statutory,
    /// A day taken in compensation for a holiday on a weekly rest day (art. 111(3)).
    Compensatory,
    /// A day off declared by an override (the government's yearly notice, a bridge day).
    Declared,
}

impl HolidayKind {
    /// The stable name, as stored and sent in the API.
    ///
    /// ```
    /// use motcua_domain::calendar::HolidayKind;
    ///
    /// assert_eq!(HolidayKind::Compensatory.as_str(), "compensatory");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Statutory => "statutory",
            Self::Compensatory => "compensatory",
            Self::Declared => "declared",
        }
    }
}

/// The days off of `year` under `settings`, sorted by date: statutory holidays, their
/// compensatory days, and declared days off, less the days the overrides remove.
pub(crate) fn days_off(year: i32, settings: &CalendarSettings) -> Vec<Holiday> {
    let hours = settings.office_hours();
    let is_rest = |date: NaiveDate| hours.day(date.weekday()).is_closed();
    let overrides: Vec<&CalendarOverride> = settings
        .overrides()
        .iter()
        .filter(|change| change.date().year() == year)
        .collect();
    let removed = |date: NaiveDate| {
        overrides.iter().any(|change| {
            change.date() == date
                && matches!(
                    change,
                    CalendarOverride::RemoveDayOff { .. } | CalendarOverride::WorkingDay { .. }
                )
        })
    };

    let mut statutory = statutory_holidays(year, &is_rest);
    statutory.retain(|holiday| !removed(holiday.date));
    let mut days = compensatory_days(&statutory, &is_rest);
    days.retain(|holiday| !removed(holiday.date));
    days.extend(statutory);
    days.extend(overrides.iter().filter_map(|change| match change {
        CalendarOverride::DayOff { date, name } => Some(Holiday {
            date: *date,
            name: name.clone(),
            kind: HolidayKind::Declared,
        }),
        _ => None,
    }));
    days.sort_by_key(|holiday| holiday.date);
    days
}

/// The holidays of art. 112(1) on their default dates. Tết is the last day of the old
/// lunar year and days 1–4 of the new one; the day next to National Day is the one that
/// joins it to a weekly rest day (before it when both or neither do).
fn statutory_holidays(year: i32, is_rest: &impl Fn(NaiveDate) -> bool) -> Vec<Holiday> {
    let ymd = |month, day| NaiveDate::from_ymd_opt(year, month, day).expect("a valid date");
    let holiday = |date, name: String| Holiday {
        date,
        name,
        kind: HolidayKind::Statutory,
    };
    let mut days = vec![holiday(ymd(1, 1), "Tết Dương lịch".into())];

    let tet = lunar::lunar_new_year(year);
    let old_year_end = tet.pred_opt().expect("Tết is never on 1 January");
    let last_day = LunarDate::from_solar(old_year_end).map_or(30, |date| date.day);
    days.push(holiday(
        old_year_end,
        format!("Tết Âm lịch ({last_day} tháng Chạp)"),
    ));
    for day in 0..4 {
        days.push(holiday(
            tet + Days::new(day),
            format!("Tết Âm lịch (mùng {})", day + 1),
        ));
    }

    let hung_kings = lunar::known_date(LunarDate {
        day: 10,
        month: 3,
        year,
        leap: false,
    });
    days.push(holiday(
        hung_kings,
        "Giỗ Tổ Hùng Vương (10/3 âm lịch)".into(),
    ));
    days.push(holiday(ymd(4, 30), "Ngày Chiến thắng (30/4)".into()));
    days.push(holiday(ymd(5, 1), "Ngày Quốc tế Lao động (1/5)".into()));
    days.push(holiday(ymd(9, 2), "Quốc khánh (2/9)".into()));
    if year >= TWO_DAY_NATIONAL_DAY_FROM {
        let (before, after) = (ymd(9, 1), ymd(9, 3));
        let adjacent = match (is_rest(before), is_rest(after)) {
            (false, true) => before,
            (true, false) => after,
            (false, false) if !is_rest(ymd(8, 31)) && is_rest(ymd(9, 4)) => after,
            _ => before,
        };
        days.push(holiday(adjacent, "Quốc khánh (ngày liền kề)".into()));
    }
    days.sort_by_key(|holiday| holiday.date);
    days
}

/// Art. 111(3): each holiday on a weekly rest day is taken on the next working day that
/// is not already a day off. Two holidays on the same date (Giỗ Tổ Hùng Vương can fall
/// on 30/4 or 1/5) are read the same way: each is a paid day off, so the second one moves
/// to the next working day.
fn compensatory_days(statutory: &[Holiday], is_rest: &impl Fn(NaiveDate) -> bool) -> Vec<Holiday> {
    let mut taken: Vec<NaiveDate> = Vec::with_capacity(statutory.len() + 4);
    let mut compensatory = Vec::new();
    for holiday in statutory {
        let doubled = taken.contains(&holiday.date);
        taken.push(holiday.date);
        if !doubled && !is_rest(holiday.date) {
            continue;
        }
        let year = holiday.date.year();
        let mut day = holiday.date;
        while let Some(next) = day.succ_opt().filter(|next| next.year() == year) {
            day = next;
            let taken_already = taken.contains(&day) || statutory.iter().any(|h| h.date == day);
            if !is_rest(day) && !taken_already {
                taken.push(day);
                compensatory.push(Holiday {
                    date: day,
                    name: format!("Nghỉ bù {}", holiday.name),
                    kind: HolidayKind::Compensatory,
                });
                break;
            }
        }
    }
    compensatory
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn civil_service_rest(date: NaiveDate) -> bool {
        matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn national_day_pair(year: i32) -> Vec<NaiveDate> {
        statutory_holidays(year, &civil_service_rest)
            .into_iter()
            .filter(|h| h.name.starts_with("Quốc khánh"))
            .map(|h| h.date)
            .collect()
    }

    #[test]
    fn national_day_adjacent_day_matches_the_governments_choices() {
        // 2021: 2/9 Thursday, 3/9 off. 2022: Friday, 1/9 off. 2023: Saturday, 1/9 off.
        // 2024: Monday, 3/9 off. 2025: Tuesday, 1/9 off.
        assert_eq!(national_day_pair(2021), [ymd(2021, 9, 2), ymd(2021, 9, 3)]);
        assert_eq!(national_day_pair(2022), [ymd(2022, 9, 1), ymd(2022, 9, 2)]);
        assert_eq!(national_day_pair(2023), [ymd(2023, 9, 1), ymd(2023, 9, 2)]);
        assert_eq!(national_day_pair(2024), [ymd(2024, 9, 2), ymd(2024, 9, 3)]);
        assert_eq!(national_day_pair(2025), [ymd(2025, 9, 1), ymd(2025, 9, 2)]);
        assert_eq!(national_day_pair(2020), [ymd(2020, 9, 2)]);
    }

    #[test]
    fn holidays_on_weekends_move_to_the_next_working_days_in_order() {
        // 2022: 30/4 Saturday and 1/5 Sunday were taken on Monday 2/5 and Tuesday 3/5.
        let statutory = statutory_holidays(2022, &civil_service_rest);
        let dates: Vec<_> = compensatory_days(&statutory, &civil_service_rest)
            .into_iter()
            .map(|h| h.date)
            .filter(|d| d.month() == 5)
            .collect();
        assert_eq!(dates, [ymd(2022, 5, 2), ymd(2022, 5, 3)]);
    }
}
