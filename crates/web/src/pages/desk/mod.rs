//! The back office (`/can-bo/…`): the reception queue, a dossier with everything an
//! official needs inline and the actions their roles allow, the legal forms, results,
//! counter dossiers, the register, and the workflow definitions.

pub mod actions;
pub mod counter;
pub mod dossier;
pub mod files;
pub mod queue;
pub mod workflows;

use crate::desk::timeliness_label;

pub use motcua_app::desk::action_label;

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
