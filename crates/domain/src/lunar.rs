//! The Vietnamese lunar calendar (âm lịch): conversion between solar (Gregorian) and
//! lunar dates from 1900 to 2199, computed for Vietnam's time zone (UTC+7).
//!
//! The Vietnamese calendar is astronomical and local: a month begins on the day (in
//! UTC+7) of a new moon, the eleventh month is the one containing the winter solstice,
//! and in a year of thirteen months the first month without a major solar term
//! (trung khí) is the leap month. Because the day of a new moon depends on the time zone,
//! the Vietnamese calendar differs from the Chinese one (UTC+8) in some years: Tết 1985
//! fell on 21/01/1985 in Vietnam and on 20/02/1985 in China.
//!
//! Method: Hồ Ngọc Đức, "Thuật toán tính âm lịch" (Leipzig University, 2004,
//! <https://www.informatik.uni-leipzig.de/~duc/amlich/calrules.html>), which computes
//! new moons and the sun's ecliptic longitude with the series of Jean Meeus,
//! "Astronomical Algorithms" (Willmann-Bell, 2nd ed. 1998), chapters 25 and 49.

use std::f64::consts::PI;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The first solar year the conversions support.
pub const FIRST_YEAR: i32 = 1900;
/// The last solar year the conversions support.
pub const LAST_YEAR: i32 = 2199;

/// Hours east of UTC of the meridian the Vietnamese calendar is computed for.
const TIME_ZONE_HOURS: f64 = 7.0;
/// Mean length of a synodic month, in days.
const SYNODIC_MONTH: f64 = 29.530_588_853;
/// Julian day of the new moon of 1900-01-01 (UTC), the origin of lunation numbers.
const NEW_MOON_EPOCH: f64 = 2_415_021.076_998_695;
/// Julian day number of 0001-01-01 minus one (chrono counts days from that date).
const JDN_OF_CE_DAY_ZERO: i64 = 1_721_425;

/// A date of the Vietnamese lunar calendar.
///
/// `year` is the solar year in which the lunar year begins, so Tết Bính Ngọ is
/// `1/1/2026`; `leap` is set for the days of a leap month (tháng nhuận).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LunarDate {
    /// Day of the month, 1–30.
    pub day: u8,
    /// Month, 1–12 (1 is tháng Giêng, 12 is tháng Chạp).
    pub month: u8,
    /// Lunar year, numbered like the solar year in which it begins.
    pub year: i32,
    /// Whether the month is a leap month.
    pub leap: bool,
}

/// Why a date cannot be converted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LunarError {
    /// The date lies outside 1900–2199.
    #[error("Ngày nằm ngoài khoảng hỗ trợ của lịch âm (năm 1900–2199)")]
    OutOfRange,
    /// The lunar date does not exist (day 30 of a short month, a leap flag on a month
    /// that is not leap, a month outside 1–12).
    #[error("Ngày âm lịch {0} không tồn tại")]
    NoSuchDate(LunarDate),
}

impl LunarDate {
    /// The lunar date of a solar date.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use motcua_domain::lunar::LunarDate;
    ///
    /// let tet = NaiveDate::from_ymd_opt(2026, 2, 17).unwrap();
    /// let lunar = LunarDate::from_solar(tet).unwrap();
    /// assert_eq!((lunar.day, lunar.month, lunar.year, lunar.leap), (1, 1, 2026, false));
    /// ```
    pub fn from_solar(date: NaiveDate) -> Result<Self, LunarError> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
            return Err(LunarError::OutOfRange);
        }
        Ok(solar_to_lunar(julian_day_number(date)))
    }

    /// The solar date of this lunar date.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use motcua_domain::lunar::LunarDate;
    ///
    /// let hung_kings = LunarDate { day: 10, month: 3, year: 2025, leap: false };
    /// assert_eq!(hung_kings.to_solar(), Ok(NaiveDate::from_ymd_opt(2025, 4, 7).unwrap()));
    /// // 2025 has no leap third month.
    /// assert!(LunarDate { leap: true, ..hung_kings }.to_solar().is_err());
    /// ```
    pub fn to_solar(self) -> Result<NaiveDate, LunarError> {
        if !(FIRST_YEAR - 1..=LAST_YEAR).contains(&self.year) {
            return Err(LunarError::OutOfRange);
        }
        if !(1..=12).contains(&self.month) || !(1..=30).contains(&self.day) {
            return Err(LunarError::NoSuchDate(self));
        }
        let jdn = lunar_to_solar(self).ok_or(LunarError::NoSuchDate(self))?;
        let date = date_of_julian_day_number(jdn).ok_or(LunarError::OutOfRange)?;
        if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
            return Err(LunarError::OutOfRange);
        }
        // Day 30 of a 29-day month lands on day 1 of the next month: refuse it.
        if solar_to_lunar(jdn) != self {
            return Err(LunarError::NoSuchDate(self));
        }
        Ok(date)
    }

    /// The Vietnamese name of the month: "Giêng", "Hai", ..., "Mười một", "Chạp".
    ///
    /// ```
    /// use motcua_domain::lunar::LunarDate;
    ///
    /// let date = LunarDate { day: 29, month: 12, year: 2025, leap: false };
    /// assert_eq!(date.month_name(), "Chạp");
    /// ```
    pub fn month_name(&self) -> &'static str {
        const NAMES: [&str; 12] = [
            "Giêng",
            "Hai",
            "Ba",
            "Tư",
            "Năm",
            "Sáu",
            "Bảy",
            "Tám",
            "Chín",
            "Mười",
            "Mười một",
            "Chạp",
        ];
        NAMES[usize::from(self.month.clamp(1, 12)) - 1]
    }
}

/// `D/M/YYYY`, followed by ` (nhuận)` in a leap month.
impl fmt::Display for LunarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.day, self.month, self.year)?;
        if self.leap {
            f.write_str(" (nhuận)")?;
        }
        Ok(())
    }
}

/// The solar date of Tết (1/1 of the lunar year beginning in `year`), for years within
/// the supported range.
pub(crate) fn lunar_new_year(year: i32) -> NaiveDate {
    let first = LunarDate {
        day: 1,
        month: 1,
        year,
        leap: false,
    };
    known_date(first)
}

/// The solar date of a lunar date the caller knows to exist and to lie in range.
pub(crate) fn known_date(date: LunarDate) -> NaiveDate {
    lunar_to_solar(date)
        .and_then(date_of_julian_day_number)
        .expect("a non-leap lunar date of a supported year exists")
}

pub(crate) fn julian_day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + JDN_OF_CE_DAY_ZERO
}

fn date_of_julian_day_number(jdn: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(jdn - JDN_OF_CE_DAY_ZERO).ok()?)
}

/// Julian day (UTC) of the `k`-th new moon after the one of 1900-01-01 (Meeus ch. 49,
/// with the main periodic terms and a ΔT correction).
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let mut c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd1 + c1 - delta_t
}

/// Julian day number of the local (UTC+7) day of the `k`-th new moon.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k) + 0.5 + TIME_ZONE_HOURS / 24.0).floor() as i64
}

/// The sun's apparent ecliptic longitude at Julian day `jd`, in radians in [0, 2π)
/// (Meeus ch. 25, low-precision series).
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin()
        + (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin()
        + 0.000_290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - 2.0 * PI * (l / (2.0 * PI)).floor()
}

/// Which 30° sector (0–11) of the ecliptic the sun is in at the start of local day
/// `jdn`; a month whose first day and next month's first day share a sector contains no
/// major solar term.
fn solar_sector(jdn: i64) -> i64 {
    (sun_longitude(jdn as f64 - 0.5 - TIME_ZONE_HOURS / 24.0) / PI * 6.0).floor() as i64
}

/// Julian day number of the first day of the eleventh lunar month (the one containing
/// the winter solstice) that begins in solar year `year`.
fn month_eleven_start(year: i32) -> i64 {
    let dec31 = NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December exists");
    let offset = julian_day_number(dec31) - 2_415_021;
    let k = (offset as f64 / SYNODIC_MONTH).floor() as i64;
    let start = new_moon_day(k);
    if solar_sector(start) >= 9 {
        new_moon_day(k - 1)
    } else {
        start
    }
}

/// Lunation number of the new moon that starts the month beginning on `jdn`.
fn lunation_of(jdn: i64) -> i64 {
    ((jdn as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5).floor() as i64
}

/// Number of months after month eleven (starting at `month_eleven`) until the leap
/// month, in a thirteen-month year.
fn leap_month_offset(month_eleven: i64) -> i64 {
    let k = lunation_of(month_eleven);
    let mut i = 1;
    let mut sector = solar_sector(new_moon_day(k + i));
    loop {
        let last = sector;
        i += 1;
        sector = solar_sector(new_moon_day(k + i));
        if sector == last || i >= 14 {
            return i - 1;
        }
    }
}

fn solar_to_lunar(jdn: i64) -> LunarDate {
    // The last new moon on or before `jdn`. Ho Ngọc Đức's code tries lunations k + 1
    // and k only; a true new moon can fall more than a day after the mean one (e.g.
    // before 8/5/2054), so keep stepping back until one is not after `jdn`.
    let mut k = ((jdn as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH).floor() as i64 + 1;
    let mut month_start = new_moon_day(k);
    while month_start > jdn {
        k -= 1;
        month_start = new_moon_day(k);
    }
    let solar_year = date_of_julian_day_number(jdn)
        .expect("a date in range")
        .year();
    let mut a11 = month_eleven_start(solar_year);
    let mut b11 = a11;
    let mut year = if a11 >= month_start {
        a11 = month_eleven_start(solar_year - 1);
        solar_year
    } else {
        b11 = month_eleven_start(solar_year + 1);
        solar_year + 1
    };
    let day = jdn - month_start + 1;
    let diff = (month_start - a11) / 29;
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11);
        if diff >= leap_offset {
            month = diff + 10;
            leap = diff == leap_offset;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        year -= 1;
    }
    LunarDate {
        day: u8::try_from(day).expect("a lunar day is 1–30"),
        month: u8::try_from(month).expect("a lunar month is 1–12"),
        year,
        leap,
    }
}

/// Julian day number of a lunar date, or `None` when the leap flag is set on a month
/// that is not leap. Does not check the day against the month's length.
fn lunar_to_solar(date: LunarDate) -> Option<i64> {
    let month = i64::from(date.month);
    let (a11, b11) = if month < 11 {
        (
            month_eleven_start(date.year - 1),
            month_eleven_start(date.year),
        )
    } else {
        (
            month_eleven_start(date.year),
            month_eleven_start(date.year + 1),
        )
    };
    let k = lunation_of(a11);
    let mut offset = (month - 11).rem_euclid(12);
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11);
        let leap_month = (leap_offset - 2).rem_euclid(12);
        if date.leap && month != leap_month {
            return None;
        }
        if date.leap || offset >= leap_offset {
            offset += 1;
        }
    } else if date.leap {
        return None;
    }
    Some(new_moon_day(k + offset) + i64::from(date.day) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn julian_day_number_matches_the_astronomical_epoch() {
        assert_eq!(julian_day_number(ymd(2000, 1, 1)), 2_451_545);
        assert_eq!(date_of_julian_day_number(2_451_545), Some(ymd(2000, 1, 1)));
    }

    #[test]
    fn leap_month_of_a_thirteen_month_year() {
        // Lunar 2023 had a leap second month: 22/3/2023 is 1/2 (nhuận).
        let date = LunarDate::from_solar(ymd(2023, 3, 22)).unwrap();
        assert_eq!(date.to_string(), "1/2/2023 (nhuận)");
    }

    #[test]
    fn range_is_enforced() {
        assert_eq!(
            LunarDate::from_solar(ymd(1899, 12, 31)),
            Err(LunarError::OutOfRange)
        );
        assert_eq!(
            LunarDate::from_solar(ymd(2200, 1, 1)),
            Err(LunarError::OutOfRange)
        );
    }
}
