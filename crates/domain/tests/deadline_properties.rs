//! Properties of working-time arithmetic: the due instant is never in closed time
//! except at a closing edge, allowances add up, the working time between receipt and
//! due equals the allowance, and a paused clock does not run.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Timelike, Weekday};
use motcua_domain::VIETNAM_TIME;
use motcua_domain::calendar::{
    CalendarOverride, CalendarSettings, DayHours, OfficeHours, WorkingCalendar,
};
use motcua_domain::deadline::{Allowance, DeadlineClock, ProcessingTime};
use proptest::prelude::*;

fn calendars() -> Vec<WorkingCalendar> {
    let saturdays = OfficeHours::default().with_day(
        Weekday::Sat,
        DayHours::new(vec!["07:30-11:30".parse().unwrap()]).unwrap(),
    );
    let split_shifts = OfficeHours::closed()
        .with_day(
            Weekday::Mon,
            DayHours::new(vec![
                "08:00-12:00".parse().unwrap(),
                "13:00-17:00".parse().unwrap(),
            ])
            .unwrap(),
        )
        .with_day(
            Weekday::Wed,
            DayHours::new(vec![
                "08:00-10:00".parse().unwrap(),
                "14:00-15:30".parse().unwrap(),
            ])
            .unwrap(),
        );
    let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let notice = vec![
        CalendarOverride::DayOff {
            date: ymd(2025, 1, 27),
            name: "Nghỉ Tết".into(),
        },
        CalendarOverride::RemoveDayOff {
            date: ymd(2025, 2, 3),
        },
        CalendarOverride::WorkingDay {
            date: ymd(2025, 2, 8),
            hours: None,
        },
        CalendarOverride::WorkingDay {
            date: ymd(2026, 3, 8),
            hours: Some(DayHours::new(vec!["09:00-10:00".parse().unwrap()]).unwrap()),
        },
    ];
    vec![
        WorkingCalendar::default(),
        WorkingCalendar::new(CalendarSettings::new(saturdays, notice).unwrap()),
        WorkingCalendar::new(CalendarSettings::new(split_shifts, vec![]).unwrap()),
    ]
}

/// Seconds from 2024-01-01T00:00+07:00 to 2027-12-31T00:00+07:00.
const SPAN: i64 = 1_461 * 86_400;

fn instant(offset: i64) -> DateTime<FixedOffset> {
    let origin = NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_time(NaiveTime::MIN);
    (origin + TimeDelta::seconds(offset))
        .and_local_timezone(VIETNAM_TIME)
        .unwrap()
}

fn working_allowance() -> impl Strategy<Value = Allowance> {
    prop_oneof![
        (1u32..=60).prop_map(Allowance::WorkingDays),
        (1u32..=200).prop_map(Allowance::WorkingHours),
        Just(Allowance::SameDay),
    ]
}

fn cutoff() -> impl Strategy<Value = Option<NaiveTime>> {
    prop_oneof![
        Just(None),
        (12u32..17).prop_map(|h| NaiveTime::from_hms_opt(h, 0, 0))
    ]
}

proptest! {
    #[test]
    fn due_is_open_time_or_a_closing_edge(
        which in 0usize..3,
        offset in 0..SPAN,
        allowance in working_allowance(),
        cutoff in cutoff(),
    ) {
        let calendar = &calendars()[which];
        let time = ProcessingTime { allowance, same_day_cutoff: cutoff };
        let due = calendar.due(instant(offset), time).unwrap();
        if !calendar.is_open(due).unwrap() {
            prop_assert!(calendar.is_open(due - TimeDelta::seconds(1)).unwrap(), "{due}");
        }
        prop_assert!(due > instant(offset));
    }

    #[test]
    fn adding_a_then_b_is_adding_a_plus_b(
        which in 0usize..3,
        offset in 0..SPAN,
        a in 0u32..40,
        b in 0u32..40,
        seconds_a in 0i64..200_000,
        seconds_b in 0i64..200_000,
    ) {
        let calendar = &calendars()[which];
        let from = instant(offset);
        let days = |at, n| calendar.due(at, Allowance::WorkingDays(n).into()).unwrap();
        prop_assert_eq!(days(days(from, a), b), days(from, a + b));
        let hours = |at, n| calendar.due(at, Allowance::WorkingHours(n).into()).unwrap();
        prop_assert_eq!(hours(hours(from, a), b), hours(from, a + b));
        let add = |at, s| calendar.add_working_time(at, TimeDelta::seconds(s)).unwrap();
        prop_assert_eq!(add(add(from, seconds_a), seconds_b), add(from, seconds_a + seconds_b));
    }

    #[test]
    fn working_time_from_receipt_to_due_is_the_allowance(
        which in 0usize..3,
        offset in 0..SPAN,
        days in 1u32..=60,
        hours in 1u32..=200,
    ) {
        let calendar = &calendars()[which];
        let received = instant(offset);
        let due = calendar.due(received, Allowance::WorkingDays(days).into()).unwrap();
        prop_assert_eq!(
            calendar.working_time_between(received, due).unwrap(),
            calendar.working_day_length() * i32::try_from(days).unwrap()
        );
        let due = calendar.due(received, Allowance::WorkingHours(hours).into()).unwrap();
        prop_assert_eq!(
            calendar.working_time_between(received, due).unwrap(),
            TimeDelta::hours(i64::from(hours))
        );
    }

    #[test]
    fn a_later_receipt_is_never_due_earlier(
        which in 0usize..3,
        offset in 0..SPAN,
        later in 0i64..(10 * 86_400),
        allowance in working_allowance(),
    ) {
        let calendar = &calendars()[which];
        let first = calendar.due(instant(offset), allowance.into()).unwrap();
        let second = calendar.due(instant(offset + later), allowance.into()).unwrap();
        prop_assert!(first <= second);
    }

    #[test]
    fn calendar_day_deadlines_end_at_midnight_after_a_working_day(
        which in 0usize..3,
        offset in 0..SPAN,
        days in 1u32..=90,
    ) {
        let calendar = &calendars()[which];
        let received = instant(offset);
        let due = calendar.due(received, Allowance::CalendarDays(days).into()).unwrap();
        prop_assert_eq!(due.time(), NaiveTime::MIN);
        let last_day = due.date_naive().pred_opt().unwrap();
        prop_assert!(calendar.is_working_day(last_day).unwrap());
        prop_assert!((last_day - received.date_naive()).num_days() >= i64::from(days));
    }

    #[test]
    fn a_paused_clock_does_not_run_and_the_wait_extends_the_due(
        which in 0usize..3,
        offset in 0..SPAN,
        days in 1u32..=30,
        pause_after in 0i64..(20 * 86_400),
        wait in 0i64..(20 * 86_400),
        peek in 0i64..(20 * 86_400),
    ) {
        let calendar = &calendars()[which];
        let received = instant(offset);
        let time = ProcessingTime::from(Allowance::WorkingDays(days));
        let mut clock = DeadlineClock::start(received, time);
        let paused_at = received + TimeDelta::seconds(pause_after);
        let resumed_at = paused_at + TimeDelta::seconds(wait);
        clock.pause(paused_at).unwrap();
        let consumed = clock.elapsed(calendar, paused_at).unwrap();
        let later = paused_at + TimeDelta::seconds(peek.min(wait));
        prop_assert_eq!(clock.elapsed(calendar, later).unwrap(), consumed);
        prop_assert_eq!(clock.due(calendar).unwrap(), None);
        clock.resume(resumed_at).unwrap();

        let start = calendar.clock_start(received, time).unwrap();
        let excluded = calendar
            .working_time_between(paused_at.max(start), resumed_at.max(start))
            .unwrap();
        let plain = calendar.due(received, time).unwrap();
        let expected = calendar.add_working_time(plain, excluded).unwrap();
        prop_assert_eq!(clock.due(calendar).unwrap(), Some(expected));
        prop_assert_eq!(clock.waited(), TimeDelta::seconds(wait));
        prop_assert_eq!(clock.elapsed(calendar, resumed_at).unwrap(), consumed);
    }
}

#[test]
fn instants_are_counted_in_whole_seconds() {
    let calendar = WorkingCalendar::default();
    let received = instant(62 * 86_400 + 9 * 3600)
        .with_nanosecond(500_000_000)
        .unwrap();
    let due = calendar
        .due(received, Allowance::WorkingHours(1).into())
        .unwrap();
    assert_eq!(due.nanosecond(), 0);
}
