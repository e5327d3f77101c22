//! The back office (`/can-bo/…`): the reception queue, a dossier with everything an
//! official needs inline and the actions their roles allow, the legal forms, results,
//! counter dossiers, the register, and the workflow definitions.

pub mod actions;
pub mod counter;
pub mod dossier;
pub mod files;
pub mod queue;
pub mod workflows;

use motcua_domain::dossier::Action;

use crate::desk::timeliness_label;

/// The Vietnamese label of a stored action name (back-office hand-overs included).
pub fn action_label(name: &str) -> String {
    name.parse::<Action>()
        .map(|a| a.label().to_string())
        .unwrap_or_else(|_| {
            match name {
                "hand_over" => "Chuyển bước xử lý",
                "assign" => "Giao hồ sơ cho cán bộ",
                "transfer" => "Chuyển liên thông",
                "transfer_back" => "Nhận lại hồ sơ liên thông",
                "extend" => "Xin lỗi và hẹn lại ngày trả kết quả",
                "note" => "Ghi chú",
                "message" => "Tin nhắn cho người nộp",
                "result_added" => "Đính kèm kết quả",
                "counter_submit" => "Tiếp nhận hồ sơ trực tiếp",
                other => other,
            }
            .to_string()
        })
}

/// How much time is left before `due` (microseconds), for lists: "Quá hạn 2 ngày",
/// "Còn 5 giờ".
pub fn time_left(due: Option<i64>, now: i64) -> (String, &'static str) {
    let Some(due) = due else {
        return (String::new(), "");
    };
    let hours = (due - now) / 3_600_000_000;
    if due < now {
        let late = (now - due) / 3_600_000_000;
        let text = if late >= 24 {
            format!("Quá hạn {} ngày", late / 24)
        } else {
            format!("Quá hạn {} giờ", late.max(1))
        };
        (text, "late")
    } else if hours >= 48 {
        (format!("Còn {} ngày", hours / 24), "")
    } else {
        (format!("Còn {} giờ", hours.max(0)), "soon")
    }
}

/// "Trước hạn" and the like for a stored timeliness.
pub fn timeliness_text(name: Option<&str>) -> String {
    name.map(timeliness_label).unwrap_or("").to_string()
}
