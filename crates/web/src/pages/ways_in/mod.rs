//! Ways in for citizens besides the password: a code by SMS, registration with an
//! e-mail link, and an account opened at the counter by an official who checked the ID
//! card (the person then sets a password with a one-time set-up code). A phone number
//! that cannot be verified never blocks the others.

pub mod assisted;
pub mod eid;
pub mod email;
pub mod phone;
pub mod reset;
pub mod sandbox;

use motcua_domain::validate::{CitizenId, PhoneNumber};
use motcua_store::StoreResult;
use motcua_store::codes::{CodeRejection, IssueRefusal, Purpose};

use crate::notify::{ChannelKind, Message};
use crate::{AppState, FieldError};

/// Lifetimes of one-time codes, in seconds.
pub const SMS_CODE_TTL: i64 = 5 * 60;
pub const EMAIL_LINK_TTL: i64 = 24 * 3600;
pub const SETUP_CODE_TTL: i64 = 7 * 24 * 3600;

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 8;

/// A password problem, if any (the same rule wherever a password is set).
pub fn password_problem(password: &str) -> Option<&'static str> {
    let length = password.chars().count();
    if length < MIN_PASSWORD {
        Some("Mật khẩu cần ít nhất 8 ký tự")
    } else if length > 128 {
        Some("Mật khẩu dài quá 128 ký tự")
    } else {
        None
    }
}

/// Why a one-time code did not reach its recipient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Undelivered {
    /// Not issued: sent too recently or too often.
    Refused(IssueRefusal),
    /// Issued, but the channel did not take the message.
    NotSent,
}

/// Records `code` for `(purpose, message.to)` and sends `message` (which carries it)
/// at once through the channel of `kind`.
pub async fn issue_and_send(
    state: &AppState,
    kind: ChannelKind,
    purpose: Purpose,
    account_id: i64,
    code: &str,
    ttl_secs: i64,
    message: &Message,
) -> StoreResult<Result<(), Undelivered>> {
    let issued = state
        .store()
        .db
        .issue_code(purpose, &message.to, Some(account_id), code, ttl_secs)
        .await?;
    Ok(send_issued(state, kind, issued, message).await)
}

/// Sends `message` (carrying a code just issued) through the channel of `kind`, unless
/// issuing was refused.
pub async fn send_issued(
    state: &AppState,
    kind: ChannelKind,
    issued: Result<(), IssueRefusal>,
    message: &Message,
) -> Result<(), Undelivered> {
    issued.map_err(Undelivered::Refused)?;
    state
        .notifier()
        .send(kind, message)
        .await
        .map_err(|_| Undelivered::NotSent)
}

/// Why a code was refused, for the person.
pub fn rejection_message(rejection: CodeRejection) -> String {
    match rejection {
        CodeRejection::Unknown => {
            "Mã không đúng, đã dùng hoặc đã được thay bằng mã mới. Hãy xin mã mới.".into()
        }
        CodeRejection::Expired => "Mã đã hết hạn. Hãy xin mã mới.".into(),
        CodeRejection::TooManyAttempts => {
            "Mã đã bị khóa vì nhập sai nhiều lần. Hãy xin mã mới.".into()
        }
        CodeRejection::Wrong { attempts_left } => {
            format!("Mã không đúng. Bạn còn {attempts_left} lần thử.")
        }
    }
}

/// Why a code was not sent, for the person.
pub fn refusal_message(refusal: IssueRefusal) -> String {
    match refusal {
        IssueRefusal::TooSoon { retry_after_secs } => {
            format!("Mã vừa được gửi. Vui lòng đợi {retry_after_secs} giây rồi xin mã mới.")
        }
        IssueRefusal::HourlyLimit => {
            "Đã gửi quá nhiều mã trong một giờ. Vui lòng thử lại sau, hoặc đăng nhập bằng cách khác.".into()
        }
    }
}

/// Adds a field-level problem.
pub fn push(fields: &mut Vec<FieldError>, field: &str, message: impl Into<String>) {
    fields.push(FieldError {
        field: field.into(),
        message: message.into(),
    });
}

/// The problem of a field, for templates.
pub fn field_error<'a>(fields: &'a [FieldError], field: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|f| f.field == field)
        .map(|f| f.message.as_str())
}

/// Checks a person as written on their ID card (fields `ho_ten`, `so_can_cuoc`,
/// `nam_sinh`): the name with spaces tidied, and the citizen ID if it is valid and
/// agrees with the birth year.
pub fn check_person(
    name: &str,
    citizen_id: &str,
    birth_year: &str,
    fields: &mut Vec<FieldError>,
) -> (String, Option<CitizenId>) {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().count() < 2 {
        push(fields, "ho_ten", "Nhập họ và tên như trên thẻ căn cước");
    }
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let id = match CitizenId::parse_as_of(citizen_id, year) {
        Ok(id) => Some(id),
        Err(e) => {
            push(fields, "so_can_cuoc", e.to_string());
            None
        }
    };
    match (birth_year.trim().parse::<i32>(), &id) {
        (Ok(birth), Some(id)) => {
            if let Err(e) = id.agrees_with_birth_year(birth) {
                push(fields, "nam_sinh", e.to_string());
            }
        }
        (Err(_), _) => push(fields, "nam_sinh", "Nhập năm sinh gồm 4 chữ số, ví dụ 1990"),
        _ => {}
    }
    let valid = fields.iter().all(|f| f.field != "nam_sinh");
    (name, id.filter(|_| valid))
}

/// An optional phone number (field `so_dien_thoai`).
pub fn check_phone(text: &str, fields: &mut Vec<FieldError>) -> Option<PhoneNumber> {
    match text.trim() {
        "" => None,
        text => match text.parse::<PhoneNumber>() {
            Ok(phone) => Some(phone),
            Err(e) => {
                push(fields, "so_dien_thoai", e.to_string());
                None
            }
        },
    }
}
