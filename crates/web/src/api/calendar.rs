//! `/api/v1/calendar/…`: public holidays, lunar dates and legal due instants.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, FixedOffset, NaiveDate};
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::deadline::{Allowance, ProcessingTime};
use motcua_domain::lunar::LunarDate;
use motcua_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

use super::query::QueryFields;
use crate::{AppError, AppState};

/// A day off.
#[derive(Serialize, ToSchema)]
pub struct HolidayDto {
    /// `YYYY-MM-DD`
    #[schema(example = "2026-02-17")]
    date: String,
    #[schema(example = "Tết Âm lịch (mùng 1)")]
    name: String,
    /// `statutory`, `compensatory`, or a change by the government or the agency
    kind: String,
}

/// The days off of a year.
#[derive(Serialize, ToSchema)]
pub struct Holidays {
    year: i32,
    /// The agency whose calendar was used; absent for the national calendar.
    agency: Option<String>,
    holidays: Vec<HolidayDto>,
}

/// A date of the Vietnamese lunar calendar (UTC+7).
#[derive(Serialize, ToSchema)]
pub struct Lunar {
    day: u8,
    month: u8,
    year: i32,
    /// The month is a leap month (tháng nhuận).
    leap: bool,
    /// `D/M/YYYY`, with ` (nhuận)` in a leap month.
    #[schema(example = "1/1/2026")]
    text: String,
}

/// When a processing time started at `from` ends.
#[derive(Serialize, ToSchema)]
pub struct Due {
    /// RFC 3339
    from: String,
    /// The allowance in words, e.g. `3 ngày làm việc`
    allowance: String,
    /// RFC 3339, in Vietnam's time zone
    #[schema(example = "2026-02-25T16:30:00+07:00")]
    due: String,
    agency: Option<String>,
}

const YEAR_MESSAGE: &str = "Năm phải là số từ 1900 đến 2199";
const DATE_MESSAGE: &str = "Ngày phải theo dạng YYYY-MM-DD, trong khoảng năm 1900–2199";

async fn calendar(state: &AppState, agency: Option<&str>) -> Result<WorkingCalendar, AppError> {
    match state.store().db.working_calendar(agency).await {
        Err(StoreError::NotFound { .. }) => Err(AppError::field(
            "agency",
            format!("Không có cơ quan với mã {}", agency.unwrap_or_default()),
        )),
        other => Ok(other?),
    }
}

/// The public holidays and days off of a year.
#[utoipa::path(
    get,
    path = "/api/v1/calendar/holidays",
    params(
        ("year" = i32, Query, description = "Năm, 1900–2199"),
        ("agency" = Option<String>, Query, description = "Mã định danh của cơ quan (lịch riêng của cơ quan)")
    ),
    responses(
        (status = 200, body = Holidays),
        (status = 422, body = crate::error::ApiErrorBody, description = "Tham số không hợp lệ")
    ),
    tag = "calendar"
)]
pub async fn holidays(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Holidays>, AppError> {
    let mut q = QueryFields::new(query);
    let year = q
        .number::<i32>("year", YEAR_MESSAGE)
        .filter(|y| (1900..=2199).contains(y));
    let year = q.require("year", year, YEAR_MESSAGE);
    let agency = q.text("agency");
    let Some(year) = year else {
        return Err(AppError::Validation(q.errors));
    };
    let calendar = calendar(&state, agency.as_deref()).await?;
    let holidays = calendar
        .holidays(year)
        .map_err(|_| AppError::field("year", YEAR_MESSAGE))?
        .iter()
        .map(|h| HolidayDto {
            date: h.date.format("%Y-%m-%d").to_string(),
            name: h.name.clone(),
            kind: serde_json::to_value(h.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        })
        .collect();
    Ok(Json(Holidays {
        year,
        agency,
        holidays,
    }))
}

/// The lunar date of a solar date.
#[utoipa::path(
    get,
    path = "/api/v1/calendar/lunar",
    params(("date" = String, Query, description = "Ngày dương lịch, YYYY-MM-DD")),
    responses(
        (status = 200, body = Lunar),
        (status = 422, body = crate::error::ApiErrorBody, description = "Tham số không hợp lệ")
    ),
    tag = "calendar"
)]
pub async fn lunar(Query(query): Query<HashMap<String, String>>) -> Result<Json<Lunar>, AppError> {
    let mut q = QueryFields::new(query);
    let date = q.parsed("date", DATE_MESSAGE, |raw| {
        NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .and_then(|d| LunarDate::from_solar(d).ok())
    });
    let Some(lunar) = q.require("date", date, DATE_MESSAGE) else {
        return Err(AppError::Validation(q.errors));
    };
    Ok(Json(Lunar {
        day: lunar.day,
        month: lunar.month,
        year: lunar.year,
        leap: lunar.leap,
        text: lunar.to_string(),
    }))
}

/// The due instant of a processing time: working days or hours skip rest days,
/// holidays and closed hours of the agency; calendar days end at the close of the next
/// working day when the last day is a day off (Civil Code 2015 art. 148).
#[utoipa::path(
    get,
    path = "/api/v1/calendar/due",
    params(
        ("from" = String, Query, description = "Thời điểm tiếp nhận, RFC 3339, ví dụ 2026-02-13T16:30:00+07:00"),
        ("working_days" = Option<u32>, Query, description = "Số ngày làm việc"),
        ("working_hours" = Option<u32>, Query, description = "Số giờ làm việc"),
        ("days" = Option<u32>, Query, description = "Số ngày (theo lịch)"),
        ("agency" = Option<String>, Query, description = "Mã định danh của cơ quan")
    ),
    responses(
        (status = 200, body = Due),
        (status = 422, body = crate::error::ApiErrorBody, description = "Tham số không hợp lệ")
    ),
    tag = "calendar"
)]
pub async fn due(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Due>, AppError> {
    let mut q = QueryFields::new(query);
    const FROM: &str = "Thời điểm tiếp nhận theo dạng RFC 3339, ví dụ 2026-02-13T16:30:00+07:00";
    const AMOUNT: &str = "Phải là số nguyên dương, tối đa 10000";
    let from = q.parsed("from", FROM, |raw| {
        DateTime::<FixedOffset>::parse_from_rfc3339(raw).ok()
    });
    let from = q.require("from", from, FROM);
    let mut amount = |name: &str| {
        q.number::<u32>(name, AMOUNT)
            .filter(|n| (1..=10_000).contains(n))
    };
    let given = [
        amount("working_days").map(Allowance::WorkingDays),
        amount("working_hours").map(Allowance::WorkingHours),
        amount("days").map(Allowance::CalendarDays),
    ];
    let allowance = match given.iter().flatten().collect::<Vec<_>>().as_slice() {
        [one] => Some(**one),
        [] if q.errors.iter().any(|e| e.field != "from") => None,
        _ => {
            q.fail(
                "allowance",
                "Cần đúng một trong các tham số working_days, working_hours, days",
            );
            None
        }
    };
    let (Some(from), Some(allowance)) = (from, allowance) else {
        return Err(AppError::Validation(q.errors));
    };
    if !q.errors.is_empty() {
        return Err(AppError::Validation(q.errors));
    }
    let agency = q.text("agency");
    let calendar = calendar(&state, agency.as_deref()).await?;
    let due = calendar
        .due(
            from,
            ProcessingTime {
                allowance,
                same_day_cutoff: None,
            },
        )
        .map_err(|e| AppError::field("from", e.to_string()))?;
    Ok(Json(Due {
        from: from.to_rfc3339(),
        allowance: allowance.to_string(),
        due: due.to_rfc3339(),
        agency,
    }))
}
