//! What an official asks for, read the same way from the back-office page's form and
//! from the JSON API: one typed request, checked field by field into a [`DeskAction`].

use chrono::{DateTime, FixedOffset};
use motcua_domain::dossier::{Command, ReturnChannel};
use motcua_domain::money::Dong;

use super::{DeskAction, DeskDossier};
use crate::{App, Error, Result};

/// A back-office request. Field errors name these fields (the API's names).
#[derive(Clone, Debug, Default)]
pub struct DeskRequest {
    /// `receive`, `request_supplement`, `refuse`, `request_payment`, `confirm_payment`,
    /// `start_processing`, `pass_on`, `assign`, `pause`, `resume`,
    /// `submit_for_approval`, `approve`, `send_back`, `return_result`, `stop`,
    /// `transfer`, `transfer_back`, `extend`.
    pub action: String,
    /// Refusal, pause, send-back, extension: the reason, as the applicant reads it.
    pub reason: String,
    /// `request_supplement`: everything to supply, one entry per item.
    pub items: Vec<String>,
    /// `request_supplement`: e-form field ids the applicant must correct.
    pub fields: Vec<String>,
    /// `request_supplement`: confirms a second request (the law allows one).
    pub confirm_second_request: bool,
    /// `pass_on`, `assign`: the official (account id) to hand the dossier to.
    pub to: Option<i64>,
    /// `request_payment`: the amount in đồng.
    pub amount: Option<i64>,
    /// `confirm_payment`: the transaction or receipt reference.
    pub reference: String,
    /// `return_result`: `counter`, `post` or `electronic`.
    pub channel: String,
    /// `return_result` by post: the postal tracking number.
    pub tracking_number: String,
    /// `transfer`: the other agency's code.
    pub agency: String,
    /// `extend`: the new return date.
    pub new_due: Option<DateTime<FixedOffset>>,
}

/// Free text as kept: at most `max` characters, trimmed.
pub fn text(value: &str, max: usize) -> String {
    value
        .chars()
        .take(max)
        .collect::<String>()
        .trim()
        .to_string()
}

/// The action a request asks for, checked field by field (422 with the field).
pub async fn decide(app: &App, desk: &DeskDossier, request: &DeskRequest) -> Result<DeskAction> {
    let reason = text(&request.reason, 2000);
    let command = match request.action.as_str() {
        "pass_on" => return Ok(DeskAction::PassOn { to: request.to }),
        "assign" => {
            let to = request
                .to
                .ok_or_else(|| Error::field("to", "Chọn cán bộ được giao"))?;
            // That `to` is a colleague is checked by `act`, for every caller.
            return Ok(DeskAction::Assign { to });
        }
        "transfer" => {
            let agency = app
                .store()
                .db
                .agency_by_code(request.agency.trim())
                .await?
                .ok_or_else(|| Error::field("agency", "Chọn cơ quan phối hợp"))?;
            return Ok(DeskAction::Transfer { agency });
        }
        "transfer_back" => return Ok(DeskAction::TransferBack),
        "extend" => {
            let new_due = request
                .new_due
                .ok_or_else(|| Error::field("new_due", "Nhập ngày hẹn mới (ngày/tháng/năm)"))?;
            return Ok(DeskAction::Extend { new_due, reason });
        }
        "request_supplement" => return supplementation(app, desk, request).await,
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
            let amount = request
                .amount
                .filter(|a| *a > 0)
                .ok_or_else(|| Error::field("amount", "Nhập số tiền bằng chữ số, ví dụ 50000"))?;
            Command::RequestPayment {
                amount: Dong::new(amount),
            }
        }
        "confirm_payment" => Command::ConfirmPayment {
            reference: text(&request.reference, 100),
        },
        "return_result" => {
            let channel = request
                .channel
                .trim()
                .parse::<ReturnChannel>()
                .map_err(|_| Error::field("channel", "Chọn hình thức trả kết quả"))?;
            let tracking = text(&request.tracking_number, 40);
            if channel == ReturnChannel::Post && tracking.is_empty() {
                return Err(Error::field(
                    "tracking_number",
                    "Nhập mã bưu gửi của dịch vụ bưu chính",
                ));
            }
            return Ok(DeskAction::Return {
                channel,
                tracking_number: Some(tracking).filter(|t| !t.is_empty()),
            });
        }
        _ => return Err(Error::field("action", "Thao tác không hợp lệ")),
    };
    Ok(DeskAction::Flow(command))
}

/// A supplementation request (form 02): the items listed, the e-form answers to
/// correct, and the confirmation a second request needs.
async fn supplementation(
    app: &App,
    desk: &DeskDossier,
    request: &DeskRequest,
) -> Result<DeskAction> {
    let missing_items: Vec<String> = request
        .items
        .iter()
        .map(|l| text(l, 500))
        .filter(|l| !l.is_empty())
        .take(50)
        .collect();
    let fields: Vec<String> = request
        .fields
        .iter()
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect();
    if missing_items.is_empty() && fields.is_empty() {
        return Err(Error::field(
            "items",
            "Ghi các nội dung cần bổ sung (mỗi dòng một nội dung) hoặc chọn mục tờ khai cần khai lại",
        ));
    }
    let earlier = app
        .store()
        .db
        .dossier_events(desk.dossier.id)
        .await?
        .iter()
        .any(|e| e.action == "request_supplement");
    if earlier && !request.confirm_second_request {
        return Err(Error::field(
            "confirm_second_request",
            "Hồ sơ đã được yêu cầu bổ sung một lần; pháp luật chỉ cho yêu cầu một lần. Đánh dấu xác nhận nếu vẫn cần yêu cầu lại",
        ));
    }
    let form = crate::procedures::form_of(&desk.entry);
    let known = |id: &String| {
        form.steps
            .iter()
            .flat_map(|s| &s.fields)
            .any(|f| &f.id == id)
    };
    if let Some(unknown) = fields.iter().find(|f| !known(f)) {
        return Err(Error::field(
            "fields",
            format!("Tờ khai không có mục «{unknown}»"),
        ));
    }
    // The items listed, and "khai lại" for the marked answers.
    let mut items = missing_items;
    if items.is_empty() {
        items.push("Khai lại các mục tờ khai được đánh dấu".into());
    }
    Ok(DeskAction::Supplementation { items, fields })
}
