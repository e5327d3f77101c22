//! Due-date computations per second on one core, for allowances of 1–60 working days
//! (target: at least one million per second). Run with `cargo bench -p motcua-domain`.

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta};
use motcua_domain::VIETNAM_TIME;
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::deadline::{Allowance, ProcessingTime};

const COMPUTATIONS: usize = 2_000_000;
const ROUNDS: usize = 5;

/// Receipt instants spread over 2025–2026 (office hours, nights, weekends, holidays) and
/// allowances of 1–60 units, from a fixed linear congruential sequence.
fn inputs(unit: fn(u32) -> Allowance) -> Vec<(DateTime<FixedOffset>, ProcessingTime)> {
    let origin = NaiveDate::from_ymd_opt(2025, 1, 1)
        .unwrap()
        .and_time(NaiveTime::MIN)
        .and_local_timezone(VIETNAM_TIME)
        .unwrap();
    let mut state: u64 = 0x853c_49e6_748f_ea9b;
    (0..COMPUTATIONS)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let seconds = (state >> 33) % (730 * 86_400);
            let amount = 1 + (state >> 13) as u32 % 60;
            (
                origin + TimeDelta::seconds(seconds as i64),
                unit(amount).into(),
            )
        })
        .collect()
}

fn measure(
    name: &str,
    calendar: &WorkingCalendar,
    inputs: &[(DateTime<FixedOffset>, ProcessingTime)],
) {
    let mut best = f64::MAX;
    let mut checksum = 0i64;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for &(received, time) in inputs {
            let due = calendar.due(black_box(received), black_box(time)).unwrap();
            checksum = checksum.wrapping_add(due.timestamp());
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    let rate = inputs.len() as f64 / best;
    println!(
        "{name:<28} {:>12.0} computations/s  ({:.0} ns each, checksum {checksum})",
        rate,
        best * 1e9 / inputs.len() as f64
    );
}

fn main() {
    let calendar = WorkingCalendar::default();
    for year in 2025..=2028 {
        calendar.holidays(year).unwrap();
    }
    println!("{COMPUTATIONS} due dates per round, best of {ROUNDS} rounds, one thread");
    measure(
        "working days (1–60)",
        &calendar,
        &inputs(Allowance::WorkingDays),
    );
    measure(
        "working hours (1–60)",
        &calendar,
        &inputs(Allowance::WorkingHours),
    );
    measure(
        "calendar days (1–60)",
        &calendar,
        &inputs(Allowance::CalendarDays),
    );

    let started = Instant::now();
    let fresh = WorkingCalendar::default();
    fresh.holidays(2026).unwrap();
    println!(
        "compiling one year of a new calendar: {:.1} µs",
        started.elapsed().as_secs_f64() * 1e6
    );
}
