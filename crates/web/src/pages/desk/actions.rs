//! The back office's form posts: `POST /can-bo/ho-so/{code}/thao-tac` (every action
//! on a dossier, through [`crate::desk::act`]) and `POST /can-bo/ho-so/{code}/ghi-chu`
//! (a note between officials or a message to the applicant).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveTime, TimeZone};
use motcua_domain::dossier::{Command, ReturnChannel};
use motcua_domain::money::Dong;

use crate::auth::CurrentSession;
use crate::desk::{DeskAction, DeskDossier, act, load, roles_for};
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

fn text(value: &str, max: usize) -> String {
    value
        .chars()
        .take(max)
        .collect::<String>()
        .trim()
        .to_string()
}

/// The action a posted form asks for, checked field by field (422 with the field).
pub async fn read_action(
    state: &AppState,
    desk: &DeskDossier,
    form: &Posted,
) -> Result<DeskAction, AppError> {
    let reason = text(form.get("ly_do"), 2000);
    let official = |key: &str| -> Result<Option<i64>, AppError> {
        match form.get(key) {
            "" => Ok(None),
            id => id
                .parse::<i64>()
                .map(Some)
                .map_err(|_| AppError::field(key, "Chọn một cán bộ trong danh sách")),
        }
    };
    let command = match form.get("thao_tac") {
        "pass_on" => {
            return Ok(DeskAction::PassOn {
                to: official("giao_cho")?,
            });
        }
        "assign" => {
            let to = official("giao_cho")?
                .ok_or_else(|| AppError::field("giao_cho", "Chọn cán bộ được giao"))?;
            // That `to` is a colleague is checked by `desk::act`, for every caller.
            return Ok(DeskAction::Assign { to });
        }
        "transfer" => {
            let agency = state
                .store()
                .db
                .agency_by_code(form.get("co_quan"))
                .await?
                .ok_or_else(|| AppError::field("co_quan", "Chọn cơ quan phối hợp"))?;
            return Ok(DeskAction::Transfer { agency });
        }
        "transfer_back" => return Ok(DeskAction::TransferBack),
        "extend" => {
            let date =
                NaiveDate::parse_from_str(form.get("ngay_hen_moi"), "%Y-%m-%d").map_err(|_| {
                    AppError::field("ngay_hen_moi", "Nhập ngày hẹn mới (ngày/tháng/năm)")
                })?;
            let time = match form.get("gio_hen_moi") {
                "" => NaiveTime::from_hms_opt(16, 0, 0).unwrap_or_default(),
                t => NaiveTime::parse_from_str(t, "%H:%M")
                    .map_err(|_| AppError::field("gio_hen_moi", "Giờ không hợp lệ (giờ:phút)"))?,
            };
            let new_due = motcua_domain::VIETNAM_TIME
                .from_local_datetime(&date.and_time(time))
                .single()
                .ok_or_else(|| AppError::field("ngay_hen_moi", "Ngày giờ không hợp lệ"))?
                .fixed_offset();
            return Ok(DeskAction::Extend { new_due, reason });
        }
        "request_supplement" => {
            let missing_items: Vec<String> = form
                .get("danh_sach")
                .lines()
                .map(|l| text(l, 500))
                .filter(|l| !l.is_empty())
                .take(50)
                .collect();
            let fields = form.all("truong");
            if missing_items.is_empty() && fields.is_empty() {
                return Err(AppError::field(
                    "danh_sach",
                    "Ghi các nội dung cần bổ sung (mỗi dòng một nội dung) hoặc chọn mục tờ khai cần khai lại",
                ));
            }
            let earlier = state
                .store()
                .db
                .dossier_events(desk.dossier.id)
                .await?
                .iter()
                .any(|e| e.action == "request_supplement");
            if earlier && form.get("lan_hai") != "1" {
                return Err(AppError::field(
                    "lan_hai",
                    "Hồ sơ đã được yêu cầu bổ sung một lần; pháp luật chỉ cho yêu cầu một lần. Đánh dấu xác nhận nếu vẫn cần yêu cầu lại",
                ));
            }
            let form_fields = crate::pages::submission::form_of(&desk.entry);
            let known = |id: &String| {
                form_fields
                    .steps
                    .iter()
                    .flat_map(|s| &s.fields)
                    .any(|f| &f.id == id)
            };
            if let Some(unknown) = fields.iter().find(|f| !known(f)) {
                return Err(AppError::field(
                    "truong",
                    format!("Tờ khai không có mục «{unknown}»"),
                ));
            }
            // The items listed, and "khai lại" for the marked answers.
            let mut items = missing_items;
            if items.is_empty() {
                items.push("Khai lại các mục tờ khai được đánh dấu".into());
            }
            return Ok(DeskAction::Supplementation { items, fields });
        }
        "receive" => Command::Receive,
        "refuse" => Command::Refuse { reason },
        "pause" => Command::Pause { reason },
        "resume" => Command::Resume,
        "start_processing" => Command::StartProcessing,
        "submit_for_approval" => Command::SubmitForApproval,
        "approve" => Command::Approve,
        "send_back" => Command::SendBack { reason },
        "stop" => Command::Stop,
        "request_payment" => {
            let amount: i64 = form
                .get("so_tien")
                .replace(['.', ',', ' '], "")
                .parse()
                .map_err(|_| AppError::field("so_tien", "Nhập số tiền bằng chữ số, ví dụ 50000"))?;
            Command::RequestPayment {
                amount: Dong::new(amount),
            }
        }
        "confirm_payment" => Command::ConfirmPayment {
            reference: text(form.get("ma_giao_dich"), 100),
        },
        "return_result" => {
            let channel = form
                .get("hinh_thuc")
                .parse::<ReturnChannel>()
                .map_err(|_| AppError::field("hinh_thuc", "Chọn hình thức trả kết quả"))?;
            let tracking = text(form.get("ma_buu_gui"), 40);
            if channel == ReturnChannel::Post && tracking.is_empty() {
                return Err(AppError::field(
                    "ma_buu_gui",
                    "Nhập mã bưu gửi của dịch vụ bưu chính",
                ));
            }
            return Ok(DeskAction::Return {
                channel,
                tracking_number: Some(tracking).filter(|t| !t.is_empty()),
            });
        }
        _ => return Err(AppError::field("thao_tac", "Thao tác không hợp lệ")),
    };
    Ok(DeskAction::Flow(command))
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
    let desk = load(&state, principal, &code).await?;
    let roles = roles_for(&state, principal, &desk.dossier).await?;
    let version = form
        .get("_version")
        .parse()
        .map_err(|_| AppError::field("_version", "Thiếu phiên bản hồ sơ: tải lại trang"))?;
    let action = read_action(&state, &desk, &form).await?;
    let note = text(form.get("ghi_chu"), 1000);
    act(&state, &desk, principal, &roles, action, &note, version).await?;
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
    let desk = load(&state, principal, &code).await?;
    let body = text(form.get("noi_dung"), 2000);
    if body.is_empty() {
        return Err(AppError::field("noi_dung", "Nhập nội dung"));
    }
    let audience = match form.get("gui_toi") {
        "applicant" => "applicant",
        _ => "officials",
    };
    crate::desk::add_note(&state, &desk, principal, audience, &body).await?;
    Ok(Redirect::to(&format!("/can-bo/ho-so/{code}#noi_dung")).into_response())
}
