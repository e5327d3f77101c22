//! From the form to a catalog entry: the JSON a catalog import would carry, checked by
//! the catalog's own rules, each problem traced back to the field it came from.

use super::*;

impl ProcedureForm {
    /// The catalog entry this form describes, checked like an imported one.
    /// `previous` (the entry being edited) supplies what the form does not show: the
    /// source, and the demo markers of values left unchanged.
    pub fn to_entry(
        &self,
        previous: Option<&ProcedureEntry>,
    ) -> Result<ProcedureEntry, FormErrors> {
        let mut errors = FormErrors::default();
        let mut paths = PathMap::default();
        let value = self.to_json(previous, &mut errors, &mut paths);
        let text = value.to_string();
        match catalog::parse_procedure(&text) {
            Ok(entry) if errors.is_empty() => Ok(entry),
            Ok(_) => Err(errors),
            Err(found) => {
                for problem in found.problems {
                    errors.add(paths.field(&problem.path), problem.message);
                }
                Err(errors)
            }
        }
    }

    fn to_json(
        &self,
        previous: Option<&ProcedureEntry>,
        errors: &mut FormErrors,
        paths: &mut PathMap,
    ) -> Value {
        let mut channels = Vec::new();
        for form in self.channels.iter().filter(|c| c.enabled) {
            let prefix = form.key;
            let processing_time = match form.unit.as_str() {
                "same_day" => json!({"unit": "same_day"}),
                unit @ ("working_days" | "working_hours" | "calendar_days") => {
                    match form.amount.trim() {
                        "" => {
                            errors.add(
                                format!("{prefix}_thoi_han"),
                                "nhập thời hạn giải quyết (số ngày hoặc giờ)",
                            );
                            Value::Null
                        }
                        amount => match amount.parse::<u32>() {
                            Ok(n) => json!({"unit": unit, "amount": n}),
                            Err(_) => {
                                errors.add(
                                    format!("{prefix}_thoi_han"),
                                    "thời hạn là một số nguyên dương, ví dụ 5",
                                );
                                Value::Null
                            }
                        },
                    }
                }
                _ => {
                    errors.add(format!("{prefix}_don_vi"), "chọn đơn vị thời hạn");
                    Value::Null
                }
            };
            let mut fees = Vec::new();
            let mut fee_rows = Vec::new();
            for (row, fee) in form.fees.iter().enumerate() {
                if fee == &FeeRow::default() {
                    continue;
                }
                let mut amount_of = |text: &str, field: &str| match parse_amount(text) {
                    Ok(amount) => amount.map_or(Value::Null, Value::from),
                    Err(message) => {
                        errors.add(format!("{prefix}_{field}.{row}"), message);
                        Value::Null
                    }
                };
                let amount = amount_of(&fee.amount, "phi_muc");
                let online = amount_of(&fee.online_amount, "phi_truc_tuyen");
                fees.push(json!({
                    "label": fee.label.trim(),
                    "amount": amount,
                    "online_amount": online,
                }));
                fee_rows.push(row);
            }
            paths.channels.push((prefix, fee_rows));
            channels.push(json!({
                "channel": prefix,
                "processing_time": processing_time,
                "fees": fees,
                "note": optional(&form.note),
            }));
        }

        let mut documents = Vec::new();
        for (row, document) in self.documents.iter().enumerate() {
            if document.is_blank() {
                continue;
            }
            let mut count = |text: &str, field: &str| match parse_count(text) {
                Ok(n) => n,
                Err(message) => {
                    errors.add(format!("{field}.{row}"), message);
                    0
                }
            };
            let originals = count(&document.originals, "gt_chinh");
            let copies = count(&document.copies, "gt_sao");
            if !matches!(
                document.requirement.as_str(),
                "required" | "optional" | "conditional"
            ) {
                errors.add(format!("gt_yeu_cau.{row}"), "chọn mức yêu cầu");
            }
            if !matches!(document.presentation.as_str(), "submit" | "show") {
                errors.add(format!("gt_hinh_thuc.{row}"), "chọn nộp hoặc xuất trình");
            }
            documents.push(json!({
                "name": document.name.trim(),
                "originals": originals,
                "copies": copies,
                "requirement": if document.requirement == "optional" || document.requirement == "conditional" { document.requirement.as_str() } else { "required" },
                "condition": optional(&document.condition),
                "presentation": if document.presentation == "show" { "show" } else { "submit" },
                "template": optional(&document.template),
            }));
            paths.documents.push(row);
        }

        let mut levels = Vec::new();
        for level in &self.levels {
            match level.as_str() {
                "ministry" | "province" | "commune" => levels.push(level.clone()),
                _ => errors.add("cap", "cấp thực hiện không hợp lệ"),
            }
        }
        if !matches!(self.online_service.as_str(), "full" | "partial" | "none") {
            errors.add("truc_tuyen", "chọn mức độ trực tuyến");
        }
        let cutoff = match self.cutoff.trim() {
            "" => Value::Null,
            text => match NaiveTime::parse_from_str(text, "%H:%M") {
                Ok(time) => Value::String(time.format("%H:%M").to_string()),
                Err(_) => {
                    errors.add("gio_chot", "nhập giờ theo dạng HH:MM, ví dụ 15:00");
                    Value::Null
                }
            },
        };
        let mut json_field = |text: &str, field: &str| match text.trim() {
            "" => Value::Null,
            text => match serde_json::from_str::<Value>(text) {
                Ok(value @ Value::Object(_)) => value,
                Ok(_) => {
                    errors.add(field, "cần một đối tượng JSON, bắt đầu bằng {");
                    Value::Null
                }
                Err(e) => {
                    errors.add(field, format!("JSON không hợp lệ: {e}"));
                    Value::Null
                }
            },
        };
        let form = json_field(&self.form_json, "bieu_mau");
        let workflow = json_field(&self.workflow_json, "quy_trinh");

        let mut value = json!({
            "code": self.code.trim(),
            "name": self.name.trim(),
            "field": self.field.trim(),
            "levels": levels,
            "agencies": split_lines(&self.agencies),
            "target_group": optional(&self.target_group),
            "online_service": if matches!(self.online_service.as_str(), "full" | "partial") { self.online_service.as_str() } else { "none" },
            "channels": channels,
            "same_day_cutoff": cutoff,
            "fee_note": optional(&self.fee_note),
            "documents": documents,
            "result": self.result.trim(),
            "legal_basis": split_lines(&self.legal_basis),
            "steps": split_lines(&self.steps),
            "guide": {
                "summary": self.summary.trim(),
                "prepare": split_lines(&self.prepare),
                "submit": split_lines(&self.submit),
                "cost": self.cost.trim(),
                "duration": self.duration.trim(),
                "after": split_lines(&self.after),
            },
            "form": form,
            "workflow": workflow,
        });
        if let (Some(previous), Value::Object(map)) = (previous, &mut value) {
            carry_over(previous, map);
        }
        value
    }
}

/// Keeps what the form does not show: the source, and the demo markers whose values
/// the editor left as they were (a value the editor changed is theirs, not a demo).
fn carry_over(previous: &ProcedureEntry, map: &mut Map<String, Value>) {
    let Ok(old) = serde_json::to_value(previous) else {
        return;
    };
    let new = Value::Object(map.clone());
    let kept: Vec<Value> = previous
        .demo_values
        .iter()
        .filter(|path| {
            let before = catalog::resolve(&old, path);
            before.is_some() && before == catalog::resolve(&new, path)
        })
        .map(|path| Value::String(path.clone()))
        .collect();
    map.insert("demo_values".into(), Value::Array(kept));
    if let Some(source) = old.get("source").filter(|s| !s.is_null()) {
        map.insert("source".into(), source.clone());
    }
}

/// Where each entry path comes from in the form, to put problems next to fields.
#[derive(Debug, Default)]
struct PathMap {
    /// Per channel in the entry: its key and the form row of each fee.
    channels: Vec<(&'static str, Vec<usize>)>,
    /// The form row of each document.
    documents: Vec<usize>,
}

/// `documents[3].name` → `("documents", Some(3), "name")`.
fn split_indexed(path: &str) -> Option<(&str, usize, &str)> {
    let (head, rest) = path.split_once('[')?;
    let (index, rest) = rest.split_once(']')?;
    Some((head, index.parse().ok()?, rest.trim_start_matches('.')))
}

impl PathMap {
    fn field(&self, path: &str) -> String {
        let simple = match path {
            "code" => "ma",
            "name" => "ten",
            "field" => "linh_vuc",
            "levels" => "cap",
            "agencies" => "co_quan",
            "target_group" => "doi_tuong",
            "online_service" => "truc_tuyen",
            "same_day_cutoff" => "gio_chot",
            "fee_note" => "ghi_chu_phi",
            "result" => "ket_qua",
            "legal_basis" => "can_cu",
            "steps" => "trinh_tu",
            "channels" => "kenh",
            "documents" => "gt_ten.0",
            "guide.summary" => "hd_tom_tat",
            "guide.prepare" => "hd_chuan_bi",
            "guide.submit" => "hd_nop",
            "guide.cost" => "hd_chi_phi",
            "guide.duration" => "hd_thoi_gian",
            "guide.after" => "hd_sau",
            "form" => "bieu_mau",
            "workflow" => "quy_trinh",
            _ => "",
        };
        if !simple.is_empty() {
            return simple.into();
        }
        let Some((head, index, rest)) = split_indexed(path) else {
            return String::new();
        };
        match head {
            "documents" => {
                let Some(row) = self.documents.get(index) else {
                    return String::new();
                };
                let column = match rest.split('.').next().unwrap_or("") {
                    "originals" => "gt_chinh",
                    "copies" => "gt_sao",
                    "requirement" => "gt_yeu_cau",
                    "condition" => "gt_dieu_kien",
                    "presentation" => "gt_hinh_thuc",
                    "template" => "gt_mau",
                    _ => "gt_ten",
                };
                format!("{column}.{row}")
            }
            "channels" => {
                let Some((key, fee_rows)) = self.channels.get(index) else {
                    return String::new();
                };
                if let Some(("fees", fee, column)) = split_indexed(rest) {
                    let row = fee_rows.get(fee).copied().unwrap_or(0);
                    let column = match column {
                        "amount" => "phi_muc",
                        "online_amount" => "phi_truc_tuyen",
                        _ => "phi_ten",
                    };
                    format!("{key}_{column}.{row}")
                } else if rest.starts_with("note") {
                    format!("{key}_ghi_chu")
                } else {
                    format!("{key}_thoi_han")
                }
            }
            _ => String::new(),
        }
    }
}
