//! The lunar calendar against known dates, and its consistency over 1900–2199.

use chrono::{Datelike, NaiveDate};
use motcua_domain::lunar::{LunarDate, LunarError};
use proptest::prelude::*;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn lunar(day: u8, month: u8, year: i32, leap: bool) -> LunarDate {
    LunarDate {
        day,
        month,
        year,
        leap,
    }
}

#[test]
fn tet_falls_on_the_known_dates() {
    let tet = [
        (2024, ymd(2024, 2, 10)),
        (2025, ymd(2025, 1, 29)),
        (2026, ymd(2026, 2, 17)),
        (2027, ymd(2027, 2, 6)),
        (2028, ymd(2028, 1, 26)),
        // Years in which Vietnam (UTC+7) and China (UTC+8) disagree: Tết Mậu Thân fell
        // on 29/1/1968 (30/1 in China), Tết Ất Sửu on 21/1/1985 (20/2 in China), Tết
        // Đinh Hợi on 17/2/2007 (18/2 in China).
        (1968, ymd(1968, 1, 29)),
        (1985, ymd(1985, 1, 21)),
        (2007, ymd(2007, 2, 17)),
    ];
    for (year, date) in tet {
        assert_eq!(
            LunarDate::from_solar(date),
            Ok(lunar(1, 1, year, false)),
            "{date}"
        );
        assert_eq!(lunar(1, 1, year, false).to_solar(), Ok(date), "{year}");
    }
}

#[test]
fn hung_kings_day_falls_on_the_known_dates() {
    for (year, date) in [(2025, ymd(2025, 4, 7)), (2026, ymd(2026, 4, 26))] {
        assert_eq!(lunar(10, 3, year, false).to_solar(), Ok(date));
        assert_eq!(LunarDate::from_solar(date), Ok(lunar(10, 3, year, false)));
    }
}

#[test]
fn leap_months_are_the_known_ones() {
    // (year, leap month, first day of the leap month)
    let leaps = [
        (2012, 4, ymd(2012, 5, 21)),
        (2014, 9, ymd(2014, 10, 24)),
        (2017, 6, ymd(2017, 7, 23)),
        (2020, 4, ymd(2020, 5, 23)),
        (2023, 2, ymd(2023, 3, 22)),
        (2025, 6, ymd(2025, 7, 25)),
    ];
    for (year, month, first_day) in leaps {
        assert_eq!(
            lunar(1, month, year, true).to_solar(),
            Ok(first_day),
            "{year}"
        );
        for other in (1..=12).filter(|&m| m != month) {
            let missing = lunar(1, other, year, true);
            assert_eq!(missing.to_solar(), Err(LunarError::NoSuchDate(missing)));
        }
    }
    assert_eq!(
        LunarDate::from_solar(ymd(2025, 8, 1)).unwrap().to_string(),
        "8/6/2025 (nhuận)"
    );
}

#[test]
fn days_that_do_not_exist_are_refused() {
    // The twelfth month of Ất Tỵ (2025) has 29 days: Tết Bính Ngọ follows 29 tháng Chạp.
    assert_eq!(lunar(29, 12, 2025, false).to_solar(), Ok(ymd(2026, 2, 16)));
    let thirtieth = lunar(30, 12, 2025, false);
    assert_eq!(thirtieth.to_solar(), Err(LunarError::NoSuchDate(thirtieth)));
    for bad in [
        lunar(0, 1, 2025, false),
        lunar(1, 13, 2025, false),
        lunar(31, 1, 2025, false),
    ] {
        assert_eq!(bad.to_solar(), Err(LunarError::NoSuchDate(bad)));
    }
    assert_eq!(
        lunar(1, 1, 2200, false).to_solar(),
        Err(LunarError::OutOfRange)
    );
    // Lunar 1899 reaches into January 1900, but not its earlier days.
    assert!(LunarDate::from_solar(ymd(1900, 1, 1)).unwrap().year == 1899);
    assert_eq!(
        lunar(1, 1, 1899, false).to_solar(),
        Err(LunarError::OutOfRange)
    );
}

/// Walks every day of 1900–2199: lunar days follow each other, months have 29 or 30
/// days and come in order (a leap month repeats the previous number), years have 12 or
/// 13 months, and every lunar date converts back to its solar date.
#[test]
fn every_day_of_the_range_is_consistent() {
    let mut date = ymd(1900, 1, 1);
    let mut previous = LunarDate::from_solar(date).unwrap();
    let mut months_in_year = 0;
    while date < ymd(2199, 12, 31) {
        date = date.succ_opt().unwrap();
        let today = LunarDate::from_solar(date).unwrap();
        if today.day == 1 {
            assert!(
                matches!(previous.day, 29 | 30),
                "{date}: {previous} → {today}"
            );
            let next_month = if today.leap {
                today.month == previous.month && !previous.leap
            } else if previous.month == 12 {
                today.month == 1 && today.year == previous.year + 1
            } else {
                today.month == previous.month + 1 && today.year == previous.year
            };
            assert!(next_month, "{date}: {previous} → {today}");
            months_in_year += 1;
            if today.month == 1 && !today.leap {
                if previous.year >= 1900 {
                    assert!(matches!(months_in_year, 12 | 13), "{}", previous.year);
                }
                months_in_year = 0;
            }
        } else {
            assert_eq!(
                today,
                LunarDate {
                    day: previous.day + 1,
                    ..previous
                },
                "{date}"
            );
        }
        assert_eq!(today.to_solar(), Ok(date), "{today}");
        previous = today;
    }
}

proptest! {
    #[test]
    fn solar_to_lunar_to_solar_is_the_identity(offset in 0u64..109_572) {
        let date = ymd(1900, 1, 1) + chrono::Days::new(offset);
        prop_assert!(date.year() <= 2199);
        let lunar = LunarDate::from_solar(date).unwrap();
        prop_assert_eq!(lunar.to_solar(), Ok(date));
    }
}
