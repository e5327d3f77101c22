//! The back office's form posts: `POST /can-bo/ho-so/{code}/thao-tac` (every action
//! on a dossier, through [`crate::desk::act`]) and `POST /can-bo/ho-so/{code}/ghi-chu`
//! (a note between officials or a message to the applicant).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveTime, TimeZone};

use crate::auth::CurrentSession;
use crate::desk::{Act, Capacity, DeskRequest, act, decide, load};
use crate::{AppError, AppState};

/// A posted form, read as pairs so that repeated checkboxes (`truong`) all count.
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    pub fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    /// Every value of `key` in order, blanks included (rows of a table form).
    pub fn all_raw(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }
}

use motcua_app::desk::request::text;

/// The request a posted form makes: the page's fields, read into the typed request
/// the API sends too (what only a page writes, such as a date and a time apart, is
/// checked here).
pub fn desk_request(form: &Posted) -> Result<DeskRequest, AppError> {
    let official = |key: &str| -> Result<Option<i64>, AppError> {
        match form.get(key) {
            "" => Ok(None),
            id => id
                .parse::<i64>()
                .map(Some)
                .map_err(|_| AppError::field(key, "Chọn một cán bộ trong danh sách")),
        }
    };
    let amount =
        match form.get("so_tien").replace(['.', ',', ' '], "") {
            digits if digits.is_empty() => None,
            digits => Some(digits.parse::<i64>().map_err(|_| {
                AppError::field("so_tien", "Nhập số tiền bằng chữ số, ví dụ 50000")
            })?),
        };
    let new_due = match form.get("ngay_hen_moi") {
        "" => None,
        day => {
            let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
                AppError::field("ngay_hen_moi", "Nhập ngày hẹn mới (ngày/tháng/năm)")
            })?;
            let time = match form.get("gio_hen_moi") {
                "" => NaiveTime::from_hms_opt(16, 0, 0).unwrap_or_default(),
                t => NaiveTime::parse_from_str(t, "%H:%M")
                    .map_err(|_| AppError::field("gio_hen_moi", "Giờ không hợp lệ (giờ:phút)"))?,
            };
            let at = motcua_domain::VIETNAM_TIME
                .from_local_datetime(&date.and_time(time))
                .single()
                .ok_or_else(|| AppError::field("ngay_hen_moi", "Ngày giờ không hợp lệ"))?;
            Some(at.fixed_offset())
        }
    };
    Ok(DeskRequest {
        action: form.get("thao_tac").to_string(),
        reason: form.get("ly_do").to_string(),
        items: form.get("danh_sach").lines().map(str::to_string).collect(),
        fields: form.all("truong"),
        confirm_second_request: form.get("lan_hai") == "1",
        to: official("giao_cho")?,
        amount,
        reference: form.get("ma_giao_dich").to_string(),
        channel: form.get("hinh_thuc").to_string(),
        tracking_number: form.get("ma_buu_gui").to_string(),
        agency: form.get("co_quan").to_string(),
        new_due,
    })
}

/// `POST /can-bo/ho-so/{code}/thao-tac`.
pub async fn perform(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let form = Posted(pairs);
    let desk = load(state.app(), principal, &code).await?;
    let expected_version = form
        .get("_version")
        .parse()
        .map_err(|_| AppError::field("_version", "Thiếu phiên bản hồ sơ: tải lại trang"))?;
    let action = decide(state.app(), &desk, &desk_request(&form)?).await?;
    let request = Act {
        action,
        note: text(form.get("ghi_chu"), 1000),
        expected_version,
        capacity: Capacity::Official,
    };
    act(state.app(), principal, &desk, request).await?;
    Ok(Redirect::to(&format!("/can-bo/ho-so/{code}#thao-tac")).into_response())
}

/// `POST /can-bo/ho-so/{code}/ghi-chu`.
pub async fn note(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let form = Posted(pairs);
    let desk = load(state.app(), principal, &code).await?;
    let body = text(form.get("noi_dung"), 2000);
    if body.is_empty() {
        return Err(AppError::field("noi_dung", "Nhập nội dung"));
    }
    let audience = match form.get("gui_toi") {
        "applicant" => "applicant",
        _ => "officials",
    };
    crate::desk::add_note(state.app(), &desk, principal, audience, &body).await?;
    Ok(Redirect::to(&format!("/can-bo/ho-so/{code}#noi_dung")).into_response())
}
