//! Reading a catalog: every problem of every entry, each with its path, or nothing.

use std::collections::HashSet;

use serde_json::Value;

use super::model::{CATALOG_FORMAT, Catalog, ProcedureEntry, Requirement};
use crate::deadline::Allowance;
use crate::money::Dong;

/// One problem in a catalog, e.g. `procedures[3].channels[1].fees[0].amount`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// Every problem found; an import with any problem imports nothing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} lỗi trong danh mục thủ tục: {}", problems.len(), summary(problems))]
pub struct CatalogError {
    pub problems: Vec<Problem>,
}

fn summary(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.path, p.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Parses and validates a whole catalog file.
///
/// ```
/// use motcua_domain::catalog::parse_catalog;
/// let err = parse_catalog(r#"{"format":"motcua-catalog/1","procedures":[{"code":"x"}]}"#).unwrap_err();
/// assert_eq!(err.problems[0].path, "procedures[0].name");
/// ```
pub fn parse_catalog(json: &str) -> Result<Catalog, CatalogError> {
    let root: Value =
        serde_json::from_str(json).map_err(|e| single("", format!("JSON không hợp lệ: {e}")))?;
    let mut problems = Vec::new();
    match root.get("format").and_then(Value::as_str) {
        Some(CATALOG_FORMAT) => {}
        Some(other) => problems.push(problem(
            "format",
            format!("định dạng \"{other}\" không được hỗ trợ; cần \"{CATALOG_FORMAT}\""),
        )),
        None => problems.push(problem(
            "format",
            format!("thiếu; cần \"{CATALOG_FORMAT}\""),
        )),
    }
    let Some(list) = root.get("procedures").and_then(Value::as_array) else {
        problems.push(problem(
            "procedures",
            "thiếu hoặc không phải danh sách".into(),
        ));
        return Err(CatalogError { problems });
    };
    let mut procedures = Vec::with_capacity(list.len());
    let mut codes = HashSet::new();
    for (i, value) in list.iter().enumerate() {
        let prefix = format!("procedures[{i}]");
        match check_procedure(value, &prefix) {
            Ok(entry) => {
                if !codes.insert(entry.code.clone()) {
                    problems.push(problem(
                        &format!("{prefix}.code"),
                        format!("mã {} bị trùng", entry.code),
                    ));
                }
                procedures.push(entry);
            }
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(Catalog {
            format: CATALOG_FORMAT.into(),
            procedures,
        })
    } else {
        Err(CatalogError { problems })
    }
}

/// Parses and validates one procedure (e.g. from an edit form or the API).
///
/// ```
/// use motcua_domain::catalog::parse_procedure;
/// assert!(parse_procedure("{}").is_err());
/// ```
pub fn parse_procedure(json: &str) -> Result<ProcedureEntry, CatalogError> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| single("", format!("JSON không hợp lệ: {e}")))?;
    check_procedure(&value, "").map_err(|problems| CatalogError { problems })
}

fn single(path: &str, message: String) -> CatalogError {
    CatalogError {
        problems: vec![problem(path, message)],
    }
}

fn problem(path: &str, message: String) -> Problem {
    Problem {
        path: path.trim_start_matches('.').to_string(),
        message,
    }
}

fn join(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), rest.is_empty() || rest == ".") {
        (_, true) => prefix.to_string(),
        (true, false) => rest.to_string(),
        (false, false) if rest.starts_with('[') => format!("{prefix}{rest}"),
        (false, false) => format!("{prefix}.{rest}"),
    }
}

fn check_procedure(value: &Value, prefix: &str) -> Result<ProcedureEntry, Vec<Problem>> {
    let entry: ProcedureEntry = serde_path_to_error::deserialize(value).map_err(|e| {
        let mut path = join(prefix, &e.path().to_string());
        let message = e.into_inner().to_string();
        // A missing field is reported at its parent: name the field itself.
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            path = join(&path, field);
        }
        vec![problem(&path, describe_serde(&message))]
    })?;
    let mut problems = Vec::new();
    let mut report = |path: &str, message: &str| {
        problems.push(problem(&join(prefix, path), message.to_string()))
    };

    if !valid_code(&entry.code) {
        report(
            "code",
            "mã thủ tục gồm các nhóm chữ số ngăn bởi dấu chấm, ví dụ 1.001193",
        );
    }
    for (key, text) in [
        ("name", &entry.name),
        ("field", &entry.field),
        ("result", &entry.result),
    ] {
        if text.trim().is_empty() {
            report(key, "không được để trống");
        }
    }
    if entry.levels.is_empty() {
        report("levels", "cần ít nhất một cấp thực hiện");
    }
    if entry.agencies.is_empty() || entry.agencies.iter().any(|a| a.trim().is_empty()) {
        report(
            "agencies",
            "cần ít nhất một cơ quan thực hiện, không để trống",
        );
    }
    if entry.channels.is_empty() {
        report("channels", "cần ít nhất một cách nộp hồ sơ");
    }
    let mut seen = HashSet::new();
    for (i, offer) in entry.channels.iter().enumerate() {
        if !seen.insert(offer.channel) {
            report(
                &format!("channels[{i}].channel"),
                "mỗi cách nộp chỉ khai báo một lần",
            );
        }
        let zero = matches!(
            offer.processing_time,
            Some(
                Allowance::WorkingDays(0) | Allowance::WorkingHours(0) | Allowance::CalendarDays(0)
            )
        );
        if zero {
            report(
                &format!("channels[{i}].processing_time.amount"),
                "thời hạn giải quyết phải lớn hơn 0",
            );
        }
        for (j, fee) in offer.fees.iter().enumerate() {
            if fee.label.trim().is_empty() {
                report(
                    &format!("channels[{i}].fees[{j}].label"),
                    "không được để trống",
                );
            }
            for (key, amount) in [("amount", fee.amount), ("online_amount", fee.online_amount)] {
                if amount.is_some_and(|a| a < Dong::ZERO) {
                    report(
                        &format!("channels[{i}].fees[{j}].{key}"),
                        "số tiền không được âm",
                    );
                }
            }
        }
    }
    let online = entry.channel(super::SubmissionChannel::Online).is_some();
    if entry.online_service != super::OnlineService::None && !online {
        report(
            "online_service",
            "thủ tục trực tuyến phải có cách nộp \"online\"",
        );
    }
    for (i, document) in entry.documents.iter().enumerate() {
        if document.name.trim().is_empty() {
            report(&format!("documents[{i}].name"), "không được để trống");
        }
        let has_condition = document
            .condition
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty());
        if document.requirement == Requirement::Conditional && !has_condition {
            report(
                &format!("documents[{i}].condition"),
                "giấy tờ có điều kiện phải ghi rõ điều kiện",
            );
        }
    }
    let guide = &entry.guide;
    for (key, empty) in [
        ("guide.summary", guide.summary.trim().is_empty()),
        ("guide.prepare", guide.prepare.is_empty()),
        ("guide.submit", guide.submit.is_empty()),
        ("guide.cost", guide.cost.trim().is_empty()),
        ("guide.duration", guide.duration.trim().is_empty()),
        ("guide.after", guide.after.is_empty()),
    ] {
        if empty {
            report(key, "hướng dẫn cho người dân không được để trống");
        }
    }
    for (i, path) in entry.demo_values.iter().enumerate() {
        if resolve(value, path).is_none() {
            report(
                &format!("demo_values[{i}]"),
                &format!("không có giá trị tại \"{path}\""),
            );
        }
    }
    if let Some(form) = &entry.form
        && let Err(found) = crate::eform::parse_definition(form, &entry.documents)
    {
        for found in found {
            report(&join("form", &found.path), &found.message);
        }
    }
    if problems.is_empty() {
        Ok(entry)
    } else {
        Err(problems)
    }
}

/// Turns serde's English wording into Vietnamese for the common cases.
fn describe_serde(message: &str) -> String {
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("thiếu trường {field}");
    }
    if message.starts_with("unknown field") {
        return format!("trường không xác định ({message})");
    }
    if message.starts_with("unknown variant") {
        return format!("giá trị không hợp lệ ({message})");
    }
    if message.starts_with("invalid type") || message.starts_with("invalid value") {
        return format!("sai kiểu dữ liệu ({message})");
    }
    message.to_string()
}

fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 20
        && code
            .split('.')
            .all(|group| !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit()))
        && code.contains('.')
}

/// Finds the value at a path like `channels[0].processing_time`.
pub fn resolve<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = root;
    for segment in path.split('.') {
        let (key, indexes) = match segment.find('[') {
            Some(at) => (&segment[..at], &segment[at..]),
            None => (segment, ""),
        };
        if !key.is_empty() {
            current = current.get(key)?;
        }
        for index in indexes.split('[').skip(1) {
            let index: usize = index.strip_suffix(']')?.parse().ok()?;
            current = current.get(index)?;
        }
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> Value {
        serde_json::json!({
            "code": "1.001193", "name": "Thủ tục đăng ký khai sinh", "field": "Hộ tịch",
            "levels": ["commune"], "agencies": ["Ủy ban nhân dân cấp xã"], "online_service": "full",
            "channels": [
                {"channel": "online", "processing_time": {"unit": "working_days", "amount": 1},
                 "fees": [{"label": "Lệ phí", "amount": 0}]},
                {"channel": "in_person", "processing_time": {"unit": "working_days", "amount": 1}, "fees": []}
            ],
            "same_day_cutoff": "15:00",
            "documents": [{"name": "Tờ khai", "originals": 1, "copies": 0, "requirement": "required", "presentation": "submit"}],
            "result": "Giấy khai sinh",
            "guide": {"summary": "s", "prepare": ["p"], "submit": ["n"], "cost": "Miễn phí", "duration": "1 ngày", "after": ["a"]},
            "demo_values": ["online_service"]
        })
    }

    fn catalog(procedures: Vec<Value>) -> String {
        serde_json::json!({"format": CATALOG_FORMAT, "procedures": procedures}).to_string()
    }

    #[test]
    fn a_valid_catalog_parses() {
        let parsed = parse_catalog(&catalog(vec![valid()])).unwrap();
        assert_eq!(parsed.procedures[0].code, "1.001193");
        assert!(parsed.procedures[0].is_demo("online_service"));
    }

    #[test]
    fn every_bad_entry_is_reported_with_its_path() {
        let mut missing_name = valid();
        missing_name.as_object_mut().unwrap().remove("name");
        let mut negative_fee = valid();
        negative_fee["code"] = "1.2".into();
        negative_fee["channels"][0]["fees"][0]["amount"] = (-5).into();
        let mut several = valid();
        several["code"] = "abc".into();
        several["channels"][1]["channel"] = "online".into();
        several["documents"][0]["requirement"] = "conditional".into();
        let mut bad_cutoff = valid();
        bad_cutoff["code"] = "1.3".into();
        bad_cutoff["same_day_cutoff"] = "25:00".into();
        several["demo_values"] = serde_json::json!(["channels[7].fees"]);
        let duplicate = valid();
        let err = parse_catalog(&catalog(vec![
            valid(),
            missing_name,
            negative_fee,
            several,
            bad_cutoff,
            duplicate,
        ]))
        .unwrap_err();
        let paths: Vec<&str> = err.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "procedures[1].name",
                "procedures[2].channels[0].fees[0].amount",
                "procedures[3].code",
                "procedures[3].channels[1].channel",
                "procedures[3].documents[0].condition",
                "procedures[3].demo_values[0]",
                "procedures[4].same_day_cutoff",
                "procedures[5].code",
            ],
            "{err}"
        );
        assert!(err.problems[0].message.contains("thiếu trường"));
        assert!(err.problems[7].message.contains("trùng"));
        assert!(
            err.problems[1].message.contains("âm"),
            "{}",
            err.problems[1].message
        );
    }

    #[test]
    fn the_format_tag_is_checked() {
        let err = parse_catalog(r#"{"format":"other","procedures":[]}"#).unwrap_err();
        assert_eq!(err.problems[0].path, "format");
        let err = parse_catalog("[1,").unwrap_err();
        assert!(err.problems[0].message.starts_with("JSON không hợp lệ"));
    }

    #[test]
    fn online_procedures_need_an_online_channel() {
        let mut entry = valid();
        entry["channels"] = serde_json::json!([{"channel": "in_person", "processing_time": null}]);
        let err = parse_procedure(&entry.to_string()).unwrap_err();
        assert_eq!(err.problems[0].path, "online_service");
    }

    #[test]
    fn paths_resolve() {
        let value = valid();
        assert!(resolve(&value, "channels[0].fees[0].amount").is_some());
        assert!(resolve(&value, "channels[2]").is_none());
        assert!(resolve(&value, "guide.cost").is_some());
    }
}
