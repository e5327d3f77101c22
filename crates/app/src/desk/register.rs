//! Form 07, the register of dossiers (Sổ theo dõi hồ sơ) of the agencies an official
//! works for, per field and period, as an XLSX sheet.

use chrono::{Datelike, NaiveDate, TimeZone};
use motcua_docs::Sheet;
use motcua_domain::dossier::{DossierState, EventData, ReturnChannel};
use motcua_store::desk::RegisterRow;

use crate::text::local_time;
use crate::{App, Error};

/// A period of the register: from the first day to the last, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The start and the end (exclusive) in microseconds, Vietnam time.
    pub fn bounds(self) -> (i64, i64) {
        let at = |date: NaiveDate| {
            motcua_domain::VIETNAM_TIME
                .from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
                .single()
                .map(|d| d.timestamp_micros())
                .unwrap_or_default()
        };
        (at(self.from), at(self.to.succ_opt().unwrap_or(self.to)))
    }

    /// This month until today.
    pub fn this_month() -> Self {
        let today = chrono::Utc::now()
            .with_timezone(&motcua_domain::VIETNAM_TIME)
            .date_naive();
        Self {
            from: today.with_day(1).unwrap_or(today),
            to: today,
        }
    }
}

/// The columns of form 07.
pub const HEADER: [&str; 10] = [
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Ngày, giờ nhận hồ sơ",
    "Ngày, giờ hẹn trả kết quả",
    "Ngày, giờ trả kết quả",
    "Hình thức nhận kết quả",
];

/// The rows of the register, one per received dossier.
pub async fn rows(
    app: &App,
    agencies: &[i64],
    period: Period,
    field: Option<&str>,
) -> Result<Vec<Vec<String>>, Error> {
    let db = &app.store().db;
    let (from, until) = period.bounds();
    let entries = db.register(agencies, from, until, field).await?;
    let mut names = std::collections::HashMap::new();
    let mut rows = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        let agency = match names.get(&entry.agency_id) {
            Some(name) => String::clone(name),
            None => {
                let name = db
                    .agency(entry.agency_id)
                    .await?
                    .map(|a| a.name)
                    .unwrap_or_default();
                names.insert(entry.agency_id, name.clone());
                name
            }
        };
        let (returned, channel) = returned(app, &entry).await?;
        rows.push(vec![
            (index + 1).to_string(),
            entry.code.clone(),
            entry.procedure_name.clone(),
            applicant_name(&entry),
            contact(&entry),
            agency,
            entry
                .received_at
                .map(|t| local_time(t, "%H:%M %d/%m/%Y"))
                .unwrap_or_default(),
            entry
                .extended_due_at
                .or(entry.due_at)
                .map(|t| local_time(t, "%H:%M %d/%m/%Y"))
                .unwrap_or_default(),
            returned,
            channel,
        ]);
    }
    Ok(rows)
}

fn answer(entry: &RegisterRow, key: &str) -> String {
    serde_json::from_str::<serde_json::Value>(&entry.form_data)
        .ok()
        .and_then(|v| v.get(key).and_then(|s| s.as_str()).map(str::to_string))
        .unwrap_or_default()
}

fn applicant_name(entry: &RegisterRow) -> String {
    entry
        .applicant_name
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| answer(entry, "ho_ten"))
}

fn contact(entry: &RegisterRow) -> String {
    let street = serde_json::from_str::<serde_json::Value>(&entry.form_data)
        .ok()
        .and_then(|v| {
            v.as_object()?
                .values()
                .find_map(|a| a.get("street").and_then(|s| s.as_str()).map(str::to_string))
        })
        .unwrap_or_default();
    let phone = entry
        .applicant_phone
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(crate::text::local_phone)
        .unwrap_or_else(|| answer(entry, "dien_thoai"));
    [street, phone]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// When and how the result was returned, from the dossier's history.
async fn returned(app: &App, entry: &RegisterRow) -> Result<(String, String), Error> {
    if entry.state != DossierState::Returned {
        return Ok((String::new(), String::new()));
    }
    let events = app.store().db.dossier_events(entry.id).await?;
    let Some(event) = events.iter().rev().find(|e| e.action == "return_result") else {
        return Ok((String::new(), String::new()));
    };
    let data: EventData = serde_json::from_str(&event.data).unwrap_or_default();
    let channel = data
        .return_channel
        .map(|c| {
            let label = c.label().to_string();
            match (c, &data.tracking_number) {
                (ReturnChannel::Post, Some(number)) => format!("{label} (mã bưu gửi {number})"),
                _ => label,
            }
        })
        .unwrap_or_default();
    Ok((local_time(event.at, "%H:%M %d/%m/%Y"), channel))
}

/// The register as a sheet.
pub fn sheet(agency: &str, period: Period, field: Option<&str>, rows: Vec<Vec<String>>) -> Sheet {
    let mut titles = vec![
        agency.to_uppercase(),
        "SỔ THEO DÕI HỒ SƠ (Mẫu số 07 - Thông tư 03/2025/TT-VPCP)".to_string(),
        format!(
            "Từ ngày {} đến ngày {}",
            period.from.format("%d/%m/%Y"),
            period.to.format("%d/%m/%Y")
        ),
    ];
    if let Some(field) = field {
        titles.push(format!("Lĩnh vực: {field}"));
    }
    Sheet {
        name: format!("So theo doi {}", period.from.year()),
        titles,
        header: HEADER.iter().map(|h| h.to_string()).collect(),
        rows,
        widths: vec![5.0, 24.0, 40.0, 24.0, 28.0, 30.0, 17.0, 17.0, 17.0, 26.0],
    }
}
