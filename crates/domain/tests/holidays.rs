//! Public holidays by the Labour Code, and the government's yearly notices as overrides.

use chrono::{NaiveDate, Weekday};
use motcua_domain::calendar::{
    CalendarOverride, CalendarSettings, DayHours, HolidayKind, OfficeHours, WorkingCalendar,
};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn listing(calendar: &WorkingCalendar, year: i32) -> Vec<(String, String, HolidayKind)> {
    calendar
        .holidays(year)
        .unwrap()
        .iter()
        .map(|h| (h.date.to_string(), h.name.clone(), h.kind))
        .collect()
}

fn row(date: &str, name: &str, kind: HolidayKind) -> (String, String, HolidayKind) {
    (date.into(), name.into(), kind)
}

#[test]
fn holidays_of_2026_by_default() {
    use HolidayKind::{Compensatory, Statutory};
    assert_eq!(
        listing(&WorkingCalendar::default(), 2026),
        [
            row("2026-01-01", "Tết Dương lịch", Statutory),
            row("2026-02-16", "Tết Âm lịch (29 tháng Chạp)", Statutory),
            row("2026-02-17", "Tết Âm lịch (mùng 1)", Statutory),
            row("2026-02-18", "Tết Âm lịch (mùng 2)", Statutory),
            row("2026-02-19", "Tết Âm lịch (mùng 3)", Statutory),
            row("2026-02-20", "Tết Âm lịch (mùng 4)", Statutory),
            // 10/3 lunar is a Sunday: taken on Monday (Labour Code art. 111(3)).
            row("2026-04-26", "Giỗ Tổ Hùng Vương (10/3 âm lịch)", Statutory),
            row(
                "2026-04-27",
                "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)",
                Compensatory
            ),
            row("2026-04-30", "Ngày Chiến thắng (30/4)", Statutory),
            row("2026-05-01", "Ngày Quốc tế Lao động (1/5)", Statutory),
            row("2026-09-01", "Quốc khánh (ngày liền kề)", Statutory),
            row("2026-09-02", "Quốc khánh (2/9)", Statutory),
        ]
    );
}

#[test]
fn holidays_of_2025_by_default() {
    let calendar = WorkingCalendar::default();
    let days: Vec<String> = calendar
        .holidays(2025)
        .unwrap()
        .iter()
        .map(|h| h.date.format("%d/%m").to_string())
        .collect();
    // Tết: 29 tháng Chạp (28/1) to mùng 4 (1/2, a Saturday, taken on Monday 3/2).
    assert_eq!(
        days,
        [
            "01/01", "28/01", "29/01", "30/01", "31/01", "01/02", "03/02", "07/04", "30/04",
            "01/05", "01/09", "02/09"
        ]
    );
}

#[test]
fn two_holidays_on_a_weekend_are_taken_on_the_next_two_working_days() {
    // 2022: 30/4 Saturday, 1/5 Sunday; civil servants were off on 2/5 and 3/5.
    let calendar = WorkingCalendar::default();
    for day in [2, 3] {
        assert!(!calendar.is_working_day(ymd(2022, 5, day)).unwrap());
    }
    assert!(calendar.is_working_day(ymd(2022, 5, 4)).unwrap());
}

/// The Prime Minister's schedule for 2025: Tết from Saturday 25/1 to Sunday 2/2 with
/// Monday 27/1 swapped for Saturday 8/2, and 30/4–1/5 from Wednesday 30/4 to Sunday 4/5
/// with Friday 2/5 swapped for Saturday 26/4.
fn notice_2025() -> Vec<CalendarOverride> {
    let off = |date, name: &str| CalendarOverride::DayOff {
        date,
        name: name.into(),
    };
    vec![
        off(ymd(2025, 1, 27), "Nghỉ Tết Âm lịch (hoán đổi)"),
        CalendarOverride::RemoveDayOff {
            date: ymd(2025, 2, 3),
        },
        CalendarOverride::WorkingDay {
            date: ymd(2025, 2, 8),
            hours: None,
        },
        off(ymd(2025, 5, 2), "Nghỉ lễ 30/4 và 1/5 (hoán đổi)"),
        CalendarOverride::WorkingDay {
            date: ymd(2025, 4, 26),
            hours: None,
        },
    ]
}

#[test]
fn a_yearly_notice_moves_days_off_and_makes_saturdays_worked() {
    let settings = CalendarSettings::new(OfficeHours::default(), notice_2025()).unwrap();
    let calendar = WorkingCalendar::new(settings);
    let worked = |date| calendar.is_working_day(date).unwrap();
    assert!(!worked(ymd(2025, 1, 27)));
    assert!(worked(ymd(2025, 2, 3)));
    assert!(worked(ymd(2025, 2, 8)));
    assert!(worked(ymd(2025, 4, 26)));
    assert!(!worked(ymd(2025, 5, 2)));
    let holidays = calendar.holidays(2025).unwrap();
    let swapped = holidays
        .iter()
        .find(|h| h.date == ymd(2025, 1, 27))
        .unwrap();
    assert_eq!(swapped.kind, HolidayKind::Declared);
    assert!(!holidays.iter().any(|h| h.date == ymd(2025, 2, 3)));
    // A worked Saturday gets the hours of a normal weekday.
    let saturday = "2025-02-08T16:00:00+07:00".parse().unwrap();
    assert!(calendar.is_open(saturday).unwrap());
}

#[test]
fn the_tet_2026_notice_closes_a_saturday_desk() {
    // Civil servants were off from Saturday 14/2/2026 to Sunday 22/2/2026 (27 tháng
    // Chạp to mùng 6). For a Monday–Friday office that is the default; a desk that also
    // opens on Saturday mornings needs the notice to close on 14/2 and 21/2.
    let saturdays = OfficeHours::default().with_day(
        Weekday::Sat,
        DayHours::new(vec!["07:30-11:30".parse().unwrap()]).unwrap(),
    );
    let notice: Vec<CalendarOverride> = (14..=22)
        .map(|day| CalendarOverride::DayOff {
            date: ymd(2026, 2, day),
            name: "Nghỉ Tết Âm lịch theo thông báo của Thủ tướng".into(),
        })
        .collect();
    let plain = WorkingCalendar::new(CalendarSettings::new(saturdays.clone(), vec![]).unwrap());
    let with_notice = WorkingCalendar::new(CalendarSettings::new(saturdays, notice).unwrap());
    for day in [14, 21] {
        assert!(plain.is_working_day(ymd(2026, 2, day)).unwrap());
        assert!(!with_notice.is_working_day(ymd(2026, 2, day)).unwrap());
    }
    for day in 14..=22 {
        assert!(!with_notice.is_working_day(ymd(2026, 2, day)).unwrap());
    }
    assert!(with_notice.is_working_day(ymd(2026, 2, 23)).unwrap());
}

#[test]
fn a_desk_open_on_saturdays_takes_no_compensation_for_a_saturday_holiday() {
    // 1/2/2025 (mùng 4 Tết) is a Saturday: a desk that works on Saturdays simply closes
    // that day; the Monday after stays a working day.
    let saturdays = OfficeHours::default().with_day(
        Weekday::Sat,
        DayHours::new(vec!["07:30-11:30".parse().unwrap()]).unwrap(),
    );
    let calendar = WorkingCalendar::new(CalendarSettings::new(saturdays, vec![]).unwrap());
    assert!(!calendar.is_working_day(ymd(2025, 2, 1)).unwrap());
    assert!(calendar.is_working_day(ymd(2025, 2, 3)).unwrap());
}

#[test]
fn national_day_was_a_single_day_before_2021() {
    let calendar = WorkingCalendar::default();
    let september: Vec<NaiveDate> = calendar
        .holidays(2020)
        .unwrap()
        .iter()
        .map(|h| h.date)
        .filter(|d| *d >= ymd(2020, 9, 1))
        .collect();
    assert_eq!(september, [ymd(2020, 9, 2)]);
}

#[test]
fn settings_persist_as_readable_json() {
    let settings = CalendarSettings::new(OfficeHours::default(), notice_2025()).unwrap();
    let json = serde_json::to_string_pretty(&settings).unwrap();
    assert!(json.contains(r#""kind": "day_off""#));
    assert!(json.contains(r#""date": "2025-01-27""#));
    assert!(json.contains(r#""07:30-11:30""#));
    let back: CalendarSettings = serde_json::from_str(&json).unwrap();
    assert_eq!(back, settings);
}
