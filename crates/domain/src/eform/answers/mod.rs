//! Answers to an e-form: read from the posted form of one step, checked with a
//! Vietnamese message per field, normalised for submission, and written out as text
//! for the review page and the exports.
//!
//! Answers are kept as typed (strings, lists, `true`/`false`, objects for addresses and
//! lists of objects for groups), so a draft never loses what was entered, even when it
//! is not valid yet. Paths name answers: `ho_ten`, `noi_cu_tru.commune`, `con[1].ho_ten`.

mod posted;

pub use posted::{ProfileFacts, merge_step, merge_step_json, prefill};

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::model::{Condition, DateRange, Field, FieldType, FormDefinition};
use crate::catalog::Problem;
use crate::validate::{CitizenId, Email, PhoneNumber, TaxCode};

/// Answers by field id.
pub type Answers = Map<String, Value>;

/// The administrative units, to check and name addresses.
pub trait Places {
    /// The name of a province (or centrally-run city) by code.
    fn province(&self, code: &str) -> Option<String>;
    /// The name of a commune (ward, special zone) by code, with its province's code.
    fn commune(&self, code: &str) -> Option<(String, String)>;
}

/// What checking needs besides the answers.
pub struct Context<'a> {
    pub today: NaiveDate,
    pub places: &'a dyn Places,
}

/// Which part of the form to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The fields of one step (when the person moves on from it).
    Step(&'a str),
    /// Everything (before submission).
    Whole,
}

/// Default longest text.
fn max_length(field: &Field) -> usize {
    field.max_length.map_or(
        match field.kind {
            FieldType::LongText => 2000,
            _ => 200,
        },
        |n| n as usize,
    )
}

fn text_of(value: Option<&Value>) -> &str {
    value.and_then(Value::as_str).map_or("", str::trim)
}

/// Whether an answer counts as given.
pub fn has_value(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Bool(b)) => *b,
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::Object(map)) => map.values().any(|v| has_value(Some(v))),
        Some(Value::Number(_)) => true,
    }
}

/// Whether a condition holds, looking first among `local` answers (a group item) and
/// then at the top level.
pub fn holds(condition: &Condition, local: &Answers, top: &Answers) -> bool {
    let value = local
        .get(&condition.field)
        .or_else(|| top.get(&condition.field));
    match (&condition.equals, condition.any_of.is_empty()) {
        (Some(Value::Bool(wanted)), _) => {
            value.and_then(Value::as_bool).unwrap_or(false) == *wanted
        }
        (Some(Value::String(wanted)), _) => matches_text(value, |v| v == wanted),
        (None, false) => matches_text(value, |v| condition.any_of.iter().any(|a| a == v)),
        _ => has_value(value),
    }
}

fn matches_text(value: Option<&Value>, test: impl Fn(&str) -> bool) -> bool {
    match value {
        Some(Value::String(s)) => test(s.trim()),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).any(test),
        _ => false,
    }
}

/// Whether a field is shown, given the answers.
pub fn visible(field: &Field, local: &Answers, top: &Answers) -> bool {
    field
        .show_if
        .as_ref()
        .is_none_or(|condition| holds(condition, local, top))
}

/// Reads a date as typed: `2024-09-05` (date pickers) or `5/9/2024`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .or_else(|_| NaiveDate::parse_from_str(text, "%d-%m-%Y"))
        .ok()
}

/// Reads an amount of money in đồng: digits with `.`, `,` or spaces between groups.
pub fn parse_money(text: &str) -> Option<i64> {
    let digits: String = text
        .trim()
        .trim_end_matches("đồng")
        .trim_end_matches('đ')
        .trim()
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 15 {
        return None;
    }
    digits.parse().ok()
}

/// Reads a number (a decimal comma is accepted).
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim().replace(',', ".");
    if text.is_empty() || text.chars().filter(|c| *c == '.').count() > 1 {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Every problem of the answers in `scope`.
pub fn validate(
    definition: &FormDefinition,
    answers: &Answers,
    scope: Scope<'_>,
    context: &Context<'_>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for step in &definition.steps {
        if let Scope::Step(id) = scope
            && step.id != id
        {
            continue;
        }
        for field in &step.fields {
            if visible(field, answers, answers) {
                check(
                    field,
                    answers.get(&field.id),
                    &field.id,
                    answers,
                    context,
                    &mut problems,
                );
            }
        }
    }
    problems
}

fn push(problems: &mut Vec<Problem>, path: &str, message: impl Into<String>) {
    problems.push(Problem {
        path: path.to_string(),
        message: message.into(),
    });
}

fn check(
    field: &Field,
    value: Option<&Value>,
    path: &str,
    top: &Answers,
    context: &Context<'_>,
    problems: &mut Vec<Problem>,
) {
    if !has_value(value) {
        if field.required {
            let message = match field.kind {
                FieldType::Choice => "Vui lòng chọn một lựa chọn",
                FieldType::MultiChoice => "Vui lòng chọn ít nhất một lựa chọn",
                FieldType::Checkbox => "Vui lòng đánh dấu ô này để tiếp tục",
                FieldType::Address => "Vui lòng chọn tỉnh, xã và nhập địa chỉ",
                FieldType::Group => "Vui lòng thêm ít nhất một mục",
                _ => "Vui lòng điền thông tin này",
            };
            if field.kind == FieldType::Address {
                check_address(field, value, path, context, problems);
            } else {
                push(problems, path, message);
            }
        }
        return;
    }
    let text = text_of(value);
    match field.kind {
        FieldType::Text | FieldType::LongText => {
            let limit = max_length(field);
            if text.chars().count() > limit {
                push(problems, path, format!("Dài quá {limit} ký tự"));
            }
        }
        FieldType::Number => match parse_number(text) {
            None => push(problems, path, "Nhập một số, ví dụ 3 hoặc 2,5"),
            Some(n) => {
                let low = field.min.is_some_and(|m| n < m as f64);
                let high = field.max.is_some_and(|m| n > m as f64);
                if low || high {
                    push(problems, path, range_message(field));
                }
            }
        },
        FieldType::Money => match parse_money(text) {
            None => push(problems, path, "Nhập số tiền bằng chữ số, ví dụ 1.500.000"),
            Some(n) => {
                if field.min.is_some_and(|m| n < m) || field.max.is_some_and(|m| n > m) {
                    push(problems, path, range_message(field));
                }
            }
        },
        FieldType::Date => match parse_date(text) {
            None => push(
                problems,
                path,
                "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 05/09/2024",
            ),
            Some(date) => match field.date_range {
                Some(DateRange::Past) if date > context.today => {
                    push(problems, path, "Ngày không được sau hôm nay")
                }
                Some(DateRange::Future) if date < context.today => {
                    push(problems, path, "Ngày không được trước hôm nay")
                }
                _ => {}
            },
        },
        FieldType::Choice => {
            if !field.options.iter().any(|o| o == text) {
                push(problems, path, "Chọn một trong các lựa chọn có sẵn");
            }
        }
        FieldType::MultiChoice => {
            let all_known = value.and_then(Value::as_array).is_some_and(|items| {
                items.iter().all(|i| {
                    i.as_str()
                        .is_some_and(|s| field.options.iter().any(|o| o == s))
                })
            });
            if !all_known {
                push(problems, path, "Chỉ chọn trong các lựa chọn có sẵn");
            }
        }
        FieldType::Checkbox => {}
        FieldType::CitizenId => {
            use chrono::Datelike;
            if let Err(e) = CitizenId::parse_as_of(text, context.today.year()) {
                push(problems, path, e.to_string());
            }
        }
        FieldType::TaxCode => {
            if let Err(e) = text.parse::<TaxCode>() {
                push(problems, path, e.to_string());
            }
        }
        FieldType::Phone => {
            if let Err(e) = text.parse::<PhoneNumber>() {
                push(problems, path, e.to_string());
            }
        }
        FieldType::Email => {
            if let Err(e) = text.parse::<Email>() {
                push(problems, path, e.to_string());
            }
        }
        FieldType::Address => check_address(field, value, path, context, problems),
        FieldType::Group => {
            let items = value.and_then(Value::as_array).cloned().unwrap_or_default();
            let count = items.len() as i64;
            if let Some(min) = field.min
                && count < min
            {
                push(
                    problems,
                    path,
                    format!("Cần ít nhất {min} {}", item_name(field).to_lowercase()),
                );
            }
            if let Some(max) = field.max
                && count > max
            {
                push(
                    problems,
                    path,
                    format!("Nhiều nhất {max} {}", item_name(field).to_lowercase()),
                );
            }
            for (i, item) in items.iter().enumerate() {
                let empty = Map::new();
                let local = item.as_object().unwrap_or(&empty);
                for sub in &field.fields {
                    if visible(sub, local, top) {
                        check(
                            sub,
                            local.get(&sub.id),
                            &format!("{path}[{i}].{}", sub.id),
                            top,
                            context,
                            problems,
                        );
                    }
                }
            }
        }
    }
}

/// What one item of a group is called.
pub fn item_name(field: &Field) -> &str {
    field.item_label.as_deref().unwrap_or("mục")
}

fn range_message(field: &Field) -> String {
    match (field.min, field.max) {
        (Some(min), Some(max)) => format!("Giá trị phải từ {min} đến {max}"),
        (Some(min), None) => format!("Giá trị phải từ {min} trở lên"),
        (None, Some(max)) => format!("Giá trị không được quá {max}"),
        (None, None) => String::new(),
    }
}

fn check_address(
    field: &Field,
    value: Option<&Value>,
    path: &str,
    context: &Context<'_>,
    problems: &mut Vec<Problem>,
) {
    let empty = Map::new();
    let parts = value.and_then(Value::as_object).unwrap_or(&empty);
    let province = text_of(parts.get("province"));
    let commune = text_of(parts.get("commune"));
    let street = text_of(parts.get("street"));
    if !field.required && province.is_empty() && commune.is_empty() && street.is_empty() {
        return;
    }
    if context.places.province(province).is_none() {
        push(
            problems,
            &format!("{path}.province"),
            "Chọn tỉnh, thành phố",
        );
        return;
    }
    match context.places.commune(commune) {
        Some((_, of)) if of == province => {}
        _ => push(
            problems,
            &format!("{path}.commune"),
            "Chọn xã, phường thuộc tỉnh, thành phố đã chọn",
        ),
    }
    if street.is_empty() {
        push(
            problems,
            &format!("{path}.street"),
            "Nhập số nhà, tên đường hoặc thôn, tổ dân phố",
        );
    } else if street.chars().count() > 200 {
        push(problems, &format!("{path}.street"), "Dài quá 200 ký tự");
    }
}

/// The answers to submit: only shown fields, each normalised (dates `YYYY-MM-DD`,
/// money and numbers as JSON numbers, phone numbers `+84…`, citizen IDs and tax codes
/// as digits, texts trimmed). Call after [`validate`] found nothing.
pub fn normalize(definition: &FormDefinition, answers: &Answers) -> Answers {
    let mut clean = Map::new();
    for step in &definition.steps {
        for field in &step.fields {
            if visible(field, answers, answers)
                && let Some(value) = normalize_value(field, answers.get(&field.id), answers)
            {
                clean.insert(field.id.clone(), value);
            }
        }
    }
    clean
}

fn normalize_value(field: &Field, value: Option<&Value>, top: &Answers) -> Option<Value> {
    if !has_value(value) {
        return (field.kind == FieldType::Checkbox).then_some(Value::Bool(false));
    }
    let text = text_of(value);
    Some(match field.kind {
        FieldType::Text | FieldType::LongText | FieldType::Choice => {
            Value::String(text.to_string())
        }
        FieldType::Number => {
            let n = parse_number(text)?;
            // Whole numbers (years, counts) stay whole.
            if n.fract() == 0.0 && n.abs() < 1e15 {
                Value::from(n as i64)
            } else {
                serde_json::Number::from_f64(n).map(Value::Number)?
            }
        }
        FieldType::Money => Value::from(parse_money(text)?),
        FieldType::Date => Value::String(parse_date(text)?.format("%Y-%m-%d").to_string()),
        FieldType::MultiChoice => value?.clone(),
        FieldType::Checkbox => Value::Bool(value?.as_bool().unwrap_or(false)),
        FieldType::CitizenId => Value::String(text.chars().filter(char::is_ascii_digit).collect()),
        FieldType::TaxCode => Value::String(text.parse::<TaxCode>().ok()?.written()),
        FieldType::Phone => Value::String(text.parse::<PhoneNumber>().ok()?.e164()),
        FieldType::Email => Value::String(text.parse::<Email>().ok()?.as_str().to_string()),
        FieldType::Address => {
            let parts = value?.as_object()?;
            let mut address = Map::new();
            for key in ["province", "commune", "street"] {
                address.insert(
                    key.into(),
                    Value::String(text_of(parts.get(key)).to_string()),
                );
            }
            Value::Object(address)
        }
        FieldType::Group => Value::Array(
            value?
                .as_array()?
                .iter()
                .map(|item| {
                    let empty = Map::new();
                    let local = item.as_object().unwrap_or(&empty);
                    let mut clean = Map::new();
                    for sub in &field.fields {
                        if visible(sub, local, top)
                            && let Some(v) = normalize_value(sub, local.get(&sub.id), top)
                        {
                            clean.insert(sub.id.clone(), v);
                        }
                    }
                    Value::Object(clean)
                })
                .collect(),
        ),
    })
}

/// An answer as a person reads it (review page, exports): dates `dd/mm/yyyy`, money
/// with thousands separators, addresses with the unit names, ticks as Có/Không.
pub fn display(field: &Field, value: Option<&Value>, places: &dyn Places) -> String {
    if !has_value(value) {
        return if field.kind == FieldType::Checkbox {
            "Không".into()
        } else {
            String::new()
        };
    }
    let text = text_of(value);
    match field.kind {
        FieldType::Checkbox => "Có".into(),
        FieldType::Date => parse_date(text)
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_else(|| text.to_string()),
        FieldType::Money => match value {
            Some(Value::Number(n)) => format!("{} đồng", group_thousands(n.as_i64().unwrap_or(0))),
            _ => parse_money(text)
                .map(|n| format!("{} đồng", group_thousands(n)))
                .unwrap_or_else(|| text.to_string()),
        },
        FieldType::Number => match value {
            Some(Value::Number(n)) => n.to_string().replace('.', ","),
            _ => text.to_string(),
        },
        FieldType::Phone => text
            .parse::<PhoneNumber>()
            .map(|p| p.national().to_string())
            .unwrap_or_else(|_| text.to_string()),
        FieldType::MultiChoice => value
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default(),
        FieldType::Address => {
            let empty = Map::new();
            let parts = value.and_then(Value::as_object).unwrap_or(&empty);
            let street = text_of(parts.get("street"));
            let commune = places.commune(text_of(parts.get("commune"))).map(|c| c.0);
            let province = places.province(text_of(parts.get("province")));
            [Some(street.to_string()), commune, province]
                .into_iter()
                .flatten()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        }
        FieldType::Group => String::new(),
        _ => text.to_string(),
    }
}

/// `1500000` → `1.500.000`.
pub fn group_thousands(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if amount < 0 { format!("-{out}") } else { out }
}
