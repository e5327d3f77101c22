//! Checking an e-form definition when a catalog is imported or a procedure saved:
//! every problem with its path (`steps[0].fields[2].options`), in Vietnamese.

use std::collections::HashSet;

use serde_json::Value;

use super::model::{Condition, DocumentRule, FORM_FORMAT, Field, FieldType, FormDefinition};
use crate::catalog::{Document, Problem};

/// Most items a repeating group may allow.
pub const MAX_GROUP_ITEMS: i64 = 50;
/// Longest text a field may allow.
pub const MAX_TEXT: u32 = 10_000;

fn problem(path: String, message: impl Into<String>) -> Problem {
    Problem {
        path,
        message: message.into(),
    }
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && id.len() <= 40
}

/// Parses and checks a definition against the procedure's documents. Paths are
/// relative to the definition (the caller prefixes `form.`).
pub fn parse_definition(
    value: &Value,
    documents: &[Document],
) -> Result<FormDefinition, Vec<Problem>> {
    let definition: FormDefinition = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        vec![problem(
            if path == "." { String::new() } else { path },
            format!("không đọc được: {message}"),
        )]
    })?;
    let problems = check_definition(&definition, documents);
    if problems.is_empty() {
        Ok(definition)
    } else {
        Err(problems)
    }
}

/// Every problem of a parsed definition.
pub fn check_definition(definition: &FormDefinition, documents: &[Document]) -> Vec<Problem> {
    let mut problems = Vec::new();
    if definition.format != FORM_FORMAT {
        problems.push(problem("format".into(), format!("cần \"{FORM_FORMAT}\"")));
    }
    if definition.title.trim().is_empty() {
        problems.push(problem("title".into(), "không được để trống"));
    }
    if definition.steps.is_empty() {
        problems.push(problem("steps".into(), "cần ít nhất một bước"));
    }
    let mut step_ids = HashSet::new();
    // Fields seen so far at the top level, for conditions (which look backwards).
    let mut seen: Vec<&Field> = Vec::new();
    for (s, step) in definition.steps.iter().enumerate() {
        let path = format!("steps[{s}]");
        if !valid_id(&step.id) {
            problems.push(problem(format!("{path}.id"), id_message()));
        } else if !step_ids.insert(step.id.as_str()) {
            problems.push(problem(format!("{path}.id"), "mã bước bị trùng"));
        }
        if step.title.trim().is_empty() {
            problems.push(problem(format!("{path}.title"), "không được để trống"));
        }
        if step.fields.is_empty() {
            problems.push(problem(format!("{path}.fields"), "cần ít nhất một mục"));
        }
        for (f, field) in step.fields.iter().enumerate() {
            let field_path = format!("{path}.fields[{f}]");
            if seen.iter().any(|other| other.id == field.id) {
                problems.push(problem(
                    format!("{field_path}.id"),
                    "mã mục bị trùng trong biểu mẫu",
                ));
            }
            check_field(field, &field_path, &seen, &[], false, &mut problems);
            seen.push(field);
        }
    }
    check_documents(&definition.documents, documents, &seen, &mut problems);
    problems
}

fn id_message() -> &'static str {
    "mã gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ, tối đa 40 ký tự"
}

fn check_field(
    field: &Field,
    path: &str,
    before: &[&Field],
    siblings_before: &[&Field],
    in_group: bool,
    problems: &mut Vec<Problem>,
) {
    let mut report = |key: &str, message: String| {
        problems.push(problem(
            if key.is_empty() {
                path.to_string()
            } else {
                format!("{path}.{key}")
            },
            message,
        ))
    };
    if !valid_id(&field.id) {
        report("id", id_message().into());
    }
    if field.label.trim().is_empty() {
        report("label", "không được để trống".into());
    }
    let choice = matches!(field.kind, FieldType::Choice | FieldType::MultiChoice);
    if choice {
        let mut unique = HashSet::new();
        if field.options.len() < 2 {
            report("options", "cần ít nhất hai lựa chọn".into());
        }
        if field
            .options
            .iter()
            .any(|o| o.trim().is_empty() || !unique.insert(o.as_str()))
        {
            report("options", "lựa chọn không được trống hay trùng nhau".into());
        }
    } else if !field.options.is_empty() {
        report("options", "chỉ dùng cho mục chọn".into());
    }
    match field.max_length {
        Some(n) if !matches!(field.kind, FieldType::Text | FieldType::LongText) => {
            let _ = n;
            report("max_length", "chỉ dùng cho mục văn bản".into());
        }
        Some(n) if n == 0 || n > MAX_TEXT => {
            report("max_length", format!("từ 1 đến {MAX_TEXT}"));
        }
        _ => {}
    }
    match field.kind {
        FieldType::Number | FieldType::Money | FieldType::Group => {
            if let (Some(min), Some(max)) = (field.min, field.max)
                && min > max
            {
                report("min", "không được lớn hơn max".into());
            }
        }
        _ => {
            if field.min.is_some() || field.max.is_some() {
                report(
                    "min",
                    "min/max chỉ dùng cho số, tiền và nhóm lặp lại".into(),
                );
            }
        }
    }
    if field.date_range.is_some() && field.kind != FieldType::Date {
        report("date_range", "chỉ dùng cho mục ngày".into());
    }
    if let Some(source) = field.prefill
        && !source.fits().contains(&field.kind)
    {
        report(
            "prefill",
            "nguồn điền sẵn không hợp với kiểu của mục".into(),
        );
    }
    if field.kind == FieldType::Group {
        if in_group {
            report("type", "không lồng nhóm trong nhóm".into());
        }
        if field.fields.is_empty() {
            report("fields", "nhóm cần ít nhất một mục".into());
        }
        if field.min.is_some_and(|m| m < 0)
            || field
                .max
                .is_some_and(|m| !(1..=MAX_GROUP_ITEMS).contains(&m))
        {
            report("max", format!("số mục của nhóm từ 0 đến {MAX_GROUP_ITEMS}"));
        }
        if field.required && field.min.unwrap_or(1) == 0 {
            report("min", "nhóm bắt buộc cần min ≥ 1".into());
        }
        let mut inner: Vec<&Field> = Vec::new();
        for (i, sub) in field.fields.iter().enumerate() {
            let sub_path = format!("{path}.fields[{i}]");
            if inner.iter().any(|o| o.id == sub.id) {
                problems.push(problem(
                    format!("{sub_path}.id"),
                    "mã mục bị trùng trong nhóm",
                ));
            }
            check_field(sub, &sub_path, before, &inner, true, problems);
            inner.push(sub);
        }
    } else if !field.fields.is_empty() || field.item_label.is_some() {
        problems.push(problem(
            format!("{path}.fields"),
            "chỉ nhóm lặp lại mới có mục con",
        ));
    }
    if let Some(condition) = &field.show_if {
        // In a group, a condition may name an earlier sibling or a top-level field.
        let target = siblings_before
            .iter()
            .chain(before.iter())
            .find(|f| f.id == condition.field)
            .copied();
        check_condition(condition, target, &format!("{path}.show_if"), problems);
    }
}

fn check_condition(
    condition: &Condition,
    target: Option<&Field>,
    path: &str,
    problems: &mut Vec<Problem>,
) {
    let Some(target) = target else {
        problems.push(problem(
            format!("{path}.field"),
            format!(
                "\"{}\" không phải mục đứng trước trong biểu mẫu",
                condition.field
            ),
        ));
        return;
    };
    if target.kind == FieldType::Group {
        problems.push(problem(
            format!("{path}.field"),
            "không đặt điều kiện theo một nhóm lặp lại",
        ));
    }
    if condition.equals.is_some() && !condition.any_of.is_empty() {
        problems.push(problem(
            path.to_string(),
            "chỉ dùng một trong equals hoặc any_of",
        ));
    }
    let mut values: Vec<&str> = condition.any_of.iter().map(String::as_str).collect();
    match &condition.equals {
        Some(Value::String(text)) => values.push(text),
        Some(Value::Bool(_)) if target.kind == FieldType::Checkbox => {}
        Some(_) => problems.push(problem(
            format!("{path}.equals"),
            if target.kind == FieldType::Checkbox {
                "ô đánh dấu so với true hoặc false"
            } else {
                "giá trị so sánh phải là chữ"
            },
        )),
        None => {}
    }
    if matches!(target.kind, FieldType::Choice | FieldType::MultiChoice) {
        for value in values {
            if !target.options.iter().any(|o| o == value) {
                problems.push(problem(
                    path.to_string(),
                    format!(
                        "\"{value}\" không có trong các lựa chọn của \"{}\"",
                        target.id
                    ),
                ));
            }
        }
    }
}

fn check_documents(
    rules: &[DocumentRule],
    documents: &[Document],
    fields: &[&Field],
    problems: &mut Vec<Problem>,
) {
    let mut named = HashSet::new();
    for (i, rule) in rules.iter().enumerate() {
        let path = format!("documents[{i}]");
        if !documents.iter().any(|d| d.name == rule.document) {
            problems.push(problem(
                format!("{path}.document"),
                "không khớp tên giấy tờ nào trong thành phần hồ sơ của thủ tục",
            ));
        }
        if !named.insert(rule.document.as_str()) {
            problems.push(problem(
                format!("{path}.document"),
                "giấy tờ này đã có quy tắc",
            ));
        }
        let mut kinds = HashSet::new();
        if rule.accept.iter().any(|k| !kinds.insert(*k)) {
            problems.push(problem(format!("{path}.accept"), "loại tệp bị trùng"));
        }
        if let Some(condition) = &rule.show_if {
            let target = fields.iter().find(|f| f.id == condition.field).copied();
            check_condition(condition, target, &format!("{path}.show_if"), problems);
        }
    }
}
