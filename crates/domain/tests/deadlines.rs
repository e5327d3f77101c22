//! Due instants across weekends, Tết, 30/4–1/5 and 2/9, for dossiers received just
//! before and after closing, on a Saturday and on a holiday; and the classification of
//! finished dossiers.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Weekday};
use motcua_domain::calendar::{
    CalendarOverride, CalendarSettings, DayHours, OfficeHours, WorkingCalendar,
};
use motcua_domain::deadline::{Allowance, DeadlineClock, ProcessingTime, Timeliness};

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn same_day_by_15h() -> ProcessingTime {
    ProcessingTime::from(Allowance::SameDay).with_cutoff(NaiveTime::from_hms_opt(15, 0, 0).unwrap())
}

/// The government's 2025 Tết schedule: Monday 27/1 off, swapped for Saturday 8/2; the
/// compensatory Monday 3/2 worked.
fn tet_2025_notice() -> WorkingCalendar {
    let overrides = vec![
        CalendarOverride::DayOff {
            date: ymd(2025, 1, 27),
            name: "Nghỉ Tết Âm lịch (hoán đổi)".into(),
        },
        CalendarOverride::RemoveDayOff {
            date: ymd(2025, 2, 3),
        },
        CalendarOverride::WorkingDay {
            date: ymd(2025, 2, 8),
            hours: None,
        },
    ];
    WorkingCalendar::new(CalendarSettings::new(OfficeHours::default(), overrides).unwrap())
}

fn saturday_desk() -> WorkingCalendar {
    let hours = OfficeHours::default().with_day(
        Weekday::Sat,
        DayHours::new(vec!["07:30-11:30".parse().unwrap()]).unwrap(),
    );
    WorkingCalendar::new(CalendarSettings::new(hours, vec![]).unwrap())
}

#[test]
fn due_instants_table() {
    use Allowance::{CalendarDays, WorkingDays, WorkingHours};
    let standard = WorkingCalendar::default();
    let notice = tet_2025_notice();
    let saturdays = saturday_desk();
    let rows: [(&str, &WorkingCalendar, &str, ProcessingTime, &str); 32] = [
        // Weekends.
        (
            "Friday + 1 day",
            &standard,
            "2026-03-06T10:00:00+07:00",
            WorkingDays(1).into(),
            "2026-03-09T10:00:00+07:00",
        ),
        (
            "Friday 16:59 + 1 day",
            &standard,
            "2026-03-06T16:59:00+07:00",
            WorkingDays(1).into(),
            "2026-03-09T16:59:00+07:00",
        ),
        (
            "Friday 17:01 + 1 day",
            &standard,
            "2026-03-06T17:01:00+07:00",
            WorkingDays(1).into(),
            "2026-03-09T17:00:00+07:00",
        ),
        (
            "Friday 16:00 + 8 hours",
            &standard,
            "2026-03-06T16:00:00+07:00",
            WorkingHours(8).into(),
            "2026-03-09T16:30:00+07:00",
        ),
        // Just before and after closing, on a Saturday, at an opening, at lunch.
        (
            "Monday 16:59 + 3 days",
            &standard,
            "2026-03-02T16:59:00+07:00",
            WorkingDays(3).into(),
            "2026-03-05T16:59:00+07:00",
        ),
        (
            "Monday 17:01 + 3 days",
            &standard,
            "2026-03-02T17:01:00+07:00",
            WorkingDays(3).into(),
            "2026-03-05T17:00:00+07:00",
        ),
        (
            "Saturday + 1 day",
            &standard,
            "2026-03-07T10:00:00+07:00",
            WorkingDays(1).into(),
            "2026-03-09T17:00:00+07:00",
        ),
        (
            "Monday 7:30 + 1 day ends at the close",
            &standard,
            "2026-03-02T07:30:00+07:00",
            WorkingDays(1).into(),
            "2026-03-02T17:00:00+07:00",
        ),
        (
            "lunch break + 4 hours",
            &standard,
            "2026-03-02T12:00:00+07:00",
            WorkingHours(4).into(),
            "2026-03-03T08:00:00+07:00",
        ),
        (
            "morning + 4 hours crosses lunch",
            &standard,
            "2026-03-02T09:00:00+07:00",
            WorkingHours(4).into(),
            "2026-03-02T15:00:00+07:00",
        ),
        // Holidays.
        (
            "on 30/4 (holiday) + 1 day",
            &standard,
            "2026-04-30T09:00:00+07:00",
            WorkingDays(1).into(),
            "2026-05-04T17:00:00+07:00",
        ),
        (
            "before 30/4–1/5 + 2 days",
            &standard,
            "2026-04-29T14:00:00+07:00",
            WorkingDays(2).into(),
            "2026-05-05T14:00:00+07:00",
        ),
        (
            "before Hùng Kings' compensatory day",
            &standard,
            "2026-04-24T10:00:00+07:00",
            WorkingDays(1).into(),
            "2026-04-28T10:00:00+07:00",
        ),
        (
            "before 2/9/2025 + 1 day",
            &standard,
            "2025-08-29T15:00:00+07:00",
            WorkingDays(1).into(),
            "2025-09-03T15:00:00+07:00",
        ),
        (
            "before 2/9/2026 + 2 days",
            &standard,
            "2026-08-31T10:00:00+07:00",
            WorkingDays(2).into(),
            "2026-09-04T10:00:00+07:00",
        ),
        (
            "Tết 2026: Thursday + 5 days",
            &standard,
            "2026-02-12T10:00:00+07:00",
            WorkingDays(5).into(),
            "2026-02-26T10:00:00+07:00",
        ),
        (
            "Tết 2026: Friday 16:30 + 3 days",
            &standard,
            "2026-02-13T16:30:00+07:00",
            WorkingDays(3).into(),
            "2026-02-25T16:30:00+07:00",
        ),
        (
            "Tết 2026: on mùng 1",
            &standard,
            "2026-02-17T09:00:00+07:00",
            WorkingHours(2).into(),
            "2026-02-23T09:30:00+07:00",
        ),
        (
            "Tết 2025 by default + 6 days",
            &standard,
            "2025-01-24T10:00:00+07:00",
            WorkingDays(6).into(),
            "2025-02-10T10:00:00+07:00",
        ),
        (
            "Tết 2025 with the notice + 6 days",
            &notice,
            "2025-01-24T10:00:00+07:00",
            WorkingDays(6).into(),
            "2025-02-08T10:00:00+07:00",
        ),
        (
            "New Year 2026",
            &standard,
            "2025-12-31T16:00:00+07:00",
            WorkingDays(1).into(),
            "2026-01-02T16:00:00+07:00",
        ),
        // Same-day procedures with a 15:00 cut-off.
        (
            "same day, 14:59",
            &standard,
            "2026-03-02T14:59:00+07:00",
            same_day_by_15h(),
            "2026-03-02T17:00:00+07:00",
        ),
        (
            "same day, 15:01",
            &standard,
            "2026-03-02T15:01:00+07:00",
            same_day_by_15h(),
            "2026-03-03T17:00:00+07:00",
        ),
        (
            "same day, Friday 15:30",
            &standard,
            "2026-03-06T15:30:00+07:00",
            same_day_by_15h(),
            "2026-03-09T17:00:00+07:00",
        ),
        (
            "same day, on Saturday",
            &standard,
            "2026-03-07T09:00:00+07:00",
            same_day_by_15h(),
            "2026-03-09T17:00:00+07:00",
        ),
        // Calendar days (Civil Code 2015 arts. 147–148).
        (
            "10 days ending on a Thursday",
            &standard,
            "2026-03-02T10:00:00+07:00",
            CalendarDays(10).into(),
            "2026-03-13T00:00:00+07:00",
        ),
        (
            "10 days ending on a Sunday",
            &standard,
            "2026-03-05T10:00:00+07:00",
            CalendarDays(10).into(),
            "2026-03-17T00:00:00+07:00",
        ),
        (
            "15 days ending in Tết",
            &standard,
            "2026-02-02T10:00:00+07:00",
            CalendarDays(15).into(),
            "2026-02-24T00:00:00+07:00",
        ),
        (
            "15 days ending on 30/4",
            &standard,
            "2026-04-15T10:00:00+07:00",
            CalendarDays(15).into(),
            "2026-05-05T00:00:00+07:00",
        ),
        (
            "10 days from a Saturday",
            &standard,
            "2026-03-07T10:00:00+07:00",
            CalendarDays(10).into(),
            "2026-03-18T00:00:00+07:00",
        ),
        // A desk open on Saturday mornings: Saturday counts for four hours.
        (
            "Saturday desk: Friday 10:00 + 1 day",
            &saturdays,
            "2026-03-06T10:00:00+07:00",
            WorkingDays(1).into(),
            "2026-03-07T10:00:00+07:00",
        ),
        (
            "Saturday desk: Friday 16:00 + 1 day",
            &saturdays,
            "2026-03-06T16:00:00+07:00",
            WorkingDays(1).into(),
            "2026-03-09T10:00:00+07:00",
        ),
    ];
    for (name, calendar, received, time, expected) in rows {
        let due = calendar.due(at(received), time).unwrap();
        assert_eq!(due.to_rfc3339(), expected, "{name}");
    }
}

#[test]
fn finished_dossiers_are_early_on_time_or_late() {
    let calendar = WorkingCalendar::default();
    let due = calendar
        .due(
            at("2026-03-02T16:59:00+07:00"),
            Allowance::WorkingDays(3).into(),
        )
        .unwrap();
    let classify = |finished| Timeliness::classify(at(finished), due);
    assert_eq!(classify("2026-03-04T16:00:00+07:00"), Timeliness::Early);
    assert_eq!(classify("2026-03-05T08:00:00+07:00"), Timeliness::OnTime);
    assert_eq!(classify("2026-03-05T16:59:00+07:00"), Timeliness::OnTime);
    assert_eq!(classify("2026-03-05T16:59:01+07:00"), Timeliness::Late);
    assert_eq!(classify("2026-03-06T09:00:00+07:00"), Timeliness::Late);

    let due = calendar
        .due(
            at("2026-03-02T10:00:00+07:00"),
            Allowance::CalendarDays(10).into(),
        )
        .unwrap();
    let classify = |finished| Timeliness::classify(at(finished), due);
    assert_eq!(classify("2026-03-11T16:00:00+07:00"), Timeliness::Early);
    assert_eq!(classify("2026-03-12T23:00:00+07:00"), Timeliness::OnTime);
    assert_eq!(classify("2026-03-13T08:00:00+07:00"), Timeliness::Late);
}

#[test]
fn waiting_for_the_applicant_does_not_count() {
    let calendar = WorkingCalendar::default();
    let mut clock = DeadlineClock::start(
        at("2026-03-02T08:00:00+07:00"),
        Allowance::WorkingDays(3).into(),
    );
    assert_eq!(
        clock.due(&calendar).unwrap().unwrap().to_rfc3339(),
        "2026-03-05T08:00:00+07:00"
    );
    // Awaiting supplementation from Tuesday 10:00 to the next Monday 10:00: four
    // working days (5 h + 3 × 7 h 30 + 2 h 30) over six calendar days.
    clock.pause(at("2026-03-03T10:00:00+07:00")).unwrap();
    clock.resume(at("2026-03-09T10:00:00+07:00")).unwrap();
    assert_eq!(
        clock.due(&calendar).unwrap().unwrap().to_rfc3339(),
        "2026-03-11T08:00:00+07:00"
    );
    assert_eq!(clock.waited().num_days(), 6);
    clock.finish(at("2026-03-11T07:55:00+07:00")).unwrap();
    assert_eq!(
        clock.timeliness(&calendar).unwrap(),
        Some(Timeliness::OnTime)
    );
}

#[test]
fn waiting_extends_a_calendar_day_deadline_by_whole_days() {
    let calendar = WorkingCalendar::default();
    let mut clock = DeadlineClock::start(
        at("2026-03-02T10:00:00+07:00"),
        Allowance::CalendarDays(10).into(),
    );
    clock.pause(at("2026-03-04T10:00:00+07:00")).unwrap();
    clock.resume(at("2026-03-07T09:00:00+07:00")).unwrap();
    // 12/3 + 3 days = 15/3, a Sunday: the period ends with Monday 16/3.
    assert_eq!(
        clock.due(&calendar).unwrap().unwrap().to_rfc3339(),
        "2026-03-17T00:00:00+07:00"
    );
}

#[test]
fn a_wait_before_the_clock_starts_is_not_excluded_twice() {
    // Received at 15:30 by a same-day procedure with a 15:00 cut-off: the clock starts
    // on Tuesday morning, so a wait on Monday evening changes nothing.
    let calendar = WorkingCalendar::default();
    let mut clock = DeadlineClock::start(at("2026-03-02T15:30:00+07:00"), same_day_by_15h());
    clock.pause(at("2026-03-02T16:00:00+07:00")).unwrap();
    clock.resume(at("2026-03-02T16:30:00+07:00")).unwrap();
    assert_eq!(
        clock.due(&calendar).unwrap().unwrap().to_rfc3339(),
        "2026-03-03T17:00:00+07:00"
    );
}

#[test]
fn a_notice_published_after_receipt_moves_the_deadline() {
    let received = at("2025-01-24T10:00:00+07:00");
    let clock = DeadlineClock::start(received, Allowance::WorkingDays(6).into());
    let before = clock.due(&WorkingCalendar::default()).unwrap().unwrap();
    let after = clock.due(&tet_2025_notice()).unwrap().unwrap();
    assert_eq!(before.to_rfc3339(), "2025-02-10T10:00:00+07:00");
    assert_eq!(after.to_rfc3339(), "2025-02-08T10:00:00+07:00");
}
