//! The procedure form: what an administrator typed, kept as typed (so a page with
//! errors gives it all back), turned into a catalog entry checked by the same rules as
//! a catalog import, with every problem attached to the field it comes from.

use std::collections::BTreeMap;

use chrono::NaiveTime;
use motcua_domain::catalog::{self, Presentation, ProcedureEntry, Requirement, SubmissionChannel};
use motcua_domain::deadline::Allowance;
use serde_json::{Map, Value, json};

/// Blank rows offered after the filled ones, to add documents and fees.
const SPARE_DOCUMENTS: usize = 2;
const SPARE_FEES: usize = 1;

/// Problems by form field: `ten`, or `gt_ten.2` for the third document row; the key
/// `""` holds problems that belong to no single field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormErrors(BTreeMap<String, String>);

impl FormErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The problem of a field, if any (for templates).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// The problem of one row's field, e.g. `row("gt_ten", 2)`.
    pub fn row(&self, field: &str, index: &usize) -> Option<&str> {
        self.get(&format!("{field}.{index}"))
    }

    /// The problem of a channel's field, e.g. `of("online", "thoi_han")`.
    pub fn of(&self, channel: &str, field: &str) -> Option<&str> {
        self.get(&format!("{channel}_{field}"))
    }

    /// The problem of a channel's row field, e.g. `of_row("online", "phi_muc", 0)`.
    pub fn of_row(&self, channel: &str, field: &str, index: &usize) -> Option<&str> {
        self.get(&format!("{channel}_{field}.{index}"))
    }

    /// Every problem with the id of its input (empty for the form as a whole), for
    /// the summary at the top of the form.
    pub fn summary(&self) -> Vec<(String, &str)> {
        self.0
            .iter()
            .map(|(k, v)| (k.replace('.', "-"), v.as_str()))
            .collect()
    }
}

/// One fee row as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeeRow {
    pub label: String,
    pub amount: String,
    pub online_amount: String,
}

/// One way of submitting, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelForm {
    /// `online`, `post` or `in_person`: also the prefix of the channel's fields.
    pub key: &'static str,
    pub label: &'static str,
    pub enabled: bool,
    pub amount: String,
    /// `working_days`, `working_hours`, `calendar_days` or `same_day`.
    pub unit: String,
    pub note: String,
    pub fees: Vec<FeeRow>,
}

/// One document row as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentRow {
    pub name: String,
    pub originals: String,
    pub copies: String,
    /// `required`, `optional` or `conditional`.
    pub requirement: String,
    pub condition: String,
    /// `submit` or `show`.
    pub presentation: String,
    pub template: String,
}

impl Default for DocumentRow {
    fn default() -> Self {
        Self {
            name: String::new(),
            originals: "1".into(),
            copies: "0".into(),
            requirement: "required".into(),
            condition: String::new(),
            presentation: "submit".into(),
            template: String::new(),
        }
    }
}

impl DocumentRow {
    fn is_blank(&self) -> bool {
        self.name.trim().is_empty()
            && self.condition.trim().is_empty()
            && self.template.trim().is_empty()
    }
}

/// The whole form, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcedureForm {
    pub code: String,
    pub name: String,
    pub field: String,
    /// `ministry`, `province`, `commune`.
    pub levels: Vec<String>,
    /// One agency per line.
    pub agencies: String,
    pub target_group: String,
    pub online_service: String,
    /// `HH:MM` or empty.
    pub cutoff: String,
    pub fee_note: String,
    pub result: String,
    pub legal_basis: String,
    pub steps: String,
    pub summary: String,
    pub prepare: String,
    pub submit: String,
    pub cost: String,
    pub duration: String,
    pub after: String,
    /// The e-form definition and the workflow, as JSON text.
    pub form_json: String,
    pub workflow_json: String,
    /// The version the editor started from (0 for a new procedure).
    pub version: i64,
    pub channels: Vec<ChannelForm>,
    pub documents: Vec<DocumentRow>,
}

const CHANNELS: [SubmissionChannel; 3] = [
    SubmissionChannel::Online,
    SubmissionChannel::InPerson,
    SubmissionChannel::Post,
];

fn blank_channel(channel: SubmissionChannel) -> ChannelForm {
    ChannelForm {
        key: channel.as_str(),
        label: channel.label(),
        enabled: false,
        amount: String::new(),
        unit: "working_days".into(),
        note: String::new(),
        fees: Vec::new(),
    }
}

fn lines(items: &[String]) -> String {
    items.join("\n")
}

fn split_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn optional(text: &str) -> Value {
    match text.trim() {
        "" => Value::Null,
        t => Value::String(t.to_string()),
    }
}

fn pretty(value: Option<&Value>) -> String {
    value
        .map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
        .unwrap_or_default()
}

/// A sum in đồng as people write it: `8000`, `8.000`, `8 000 đ`, `8,000`.
fn parse_amount(text: &str) -> Result<Option<i64>, &'static str> {
    let digits: String = text
        .trim()
        .trim_end_matches("đồng")
        .trim_end_matches('đ')
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("nhập số tiền bằng chữ số, ví dụ 8.000");
    }
    digits
        .parse::<i64>()
        .map(Some)
        .map_err(|_| "số tiền quá lớn")
}

fn parse_count(text: &str) -> Result<u32, &'static str> {
    match text.trim() {
        "" => Ok(0),
        t => t
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= 100)
            .ok_or("nhập số bản từ 0 đến 100"),
    }
}

impl ProcedureForm {
    /// An empty form for a new procedure.
    pub fn blank() -> Self {
        Self {
            code: String::new(),
            name: String::new(),
            field: String::new(),
            levels: Vec::new(),
            agencies: String::new(),
            target_group: String::new(),
            online_service: "none".into(),
            cutoff: String::new(),
            fee_note: String::new(),
            result: String::new(),
            legal_basis: String::new(),
            steps: String::new(),
            summary: String::new(),
            prepare: String::new(),
            submit: String::new(),
            cost: String::new(),
            duration: String::new(),
            after: String::new(),
            form_json: String::new(),
            workflow_json: String::new(),
            version: 0,
            channels: CHANNELS.into_iter().map(blank_channel).collect(),
            documents: Vec::new(),
        }
        .with_spare_rows()
    }

    /// The form filled from a stored entry.
    pub fn from_entry(entry: &ProcedureEntry, version: i64) -> Self {
        // The entry's order first (demo markers name channels by position), then the
        // channels it does not accept.
        let order: Vec<SubmissionChannel> = entry
            .channels
            .iter()
            .map(|c| c.channel)
            .chain(CHANNELS)
            .fold(Vec::new(), |mut order, c| {
                if !order.contains(&c) {
                    order.push(c);
                }
                order
            });
        let channels = order
            .into_iter()
            .map(|channel| {
                let mut form = blank_channel(channel);
                if let Some(offer) = entry.channel(channel) {
                    form.enabled = true;
                    if let Some(allowance) = offer.processing_time {
                        let (unit, amount) = match allowance {
                            Allowance::WorkingDays(n) => ("working_days", n.to_string()),
                            Allowance::WorkingHours(n) => ("working_hours", n.to_string()),
                            Allowance::CalendarDays(n) => ("calendar_days", n.to_string()),
                            Allowance::SameDay => ("same_day", String::new()),
                        };
                        form.unit = unit.into();
                        form.amount = amount;
                    }
                    form.note = offer.note.clone().unwrap_or_default();
                    form.fees = offer
                        .fees
                        .iter()
                        .map(|fee| FeeRow {
                            label: fee.label.clone(),
                            amount: fee
                                .amount
                                .map(|a| a.amount().to_string())
                                .unwrap_or_default(),
                            online_amount: fee
                                .online_amount
                                .map(|a| a.amount().to_string())
                                .unwrap_or_default(),
                        })
                        .collect();
                }
                form
            })
            .collect();
        let documents = entry
            .documents
            .iter()
            .map(|d| DocumentRow {
                name: d.name.clone(),
                originals: d.originals.to_string(),
                copies: d.copies.to_string(),
                requirement: match d.requirement {
                    Requirement::Required => "required",
                    Requirement::Optional => "optional",
                    Requirement::Conditional => "conditional",
                }
                .into(),
                condition: d.condition.clone().unwrap_or_default(),
                presentation: match d.presentation {
                    Presentation::Submit => "submit",
                    Presentation::Show => "show",
                }
                .into(),
                template: d.template.clone().unwrap_or_default(),
            })
            .collect();
        Self {
            code: entry.code.clone(),
            name: entry.name.clone(),
            field: entry.field.clone(),
            levels: entry
                .levels
                .iter()
                .map(|l| l.as_str().to_string())
                .collect(),
            agencies: lines(&entry.agencies),
            target_group: entry.target_group.clone().unwrap_or_default(),
            online_service: entry.online_service.as_str().into(),
            cutoff: entry
                .same_day_cutoff
                .map(|t| t.format("%H:%M").to_string())
                .unwrap_or_default(),
            fee_note: entry.fee_note.clone().unwrap_or_default(),
            result: entry.result.clone(),
            legal_basis: lines(&entry.legal_basis),
            steps: lines(&entry.steps),
            summary: entry.guide.summary.clone(),
            prepare: lines(&entry.guide.prepare),
            submit: lines(&entry.guide.submit),
            cost: entry.guide.cost.clone(),
            duration: entry.guide.duration.clone(),
            after: lines(&entry.guide.after),
            form_json: pretty(entry.form.as_ref()),
            workflow_json: pretty(entry.workflow.as_ref()),
            version,
            channels,
            documents,
        }
        .with_spare_rows()
    }

    /// The form as posted (field names as in `templates/admin/procedure_form.html`).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let one = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.replace("\r\n", "\n"))
                .unwrap_or_default()
        };
        let all = |name: &str| -> Vec<String> {
            pairs
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .collect()
        };
        let column = |values: &[String], i: usize| values.get(i).cloned().unwrap_or_default();
        let enabled = all("kenh");
        // Channels in the order the page showed them.
        let mut order: Vec<SubmissionChannel> = Vec::new();
        for (key, _) in pairs {
            if let Some(channel) = CHANNELS
                .into_iter()
                .find(|c| key.strip_suffix("_don_vi") == Some(c.as_str()))
                && !order.contains(&channel)
            {
                order.push(channel);
            }
        }
        for channel in CHANNELS {
            if !order.contains(&channel) {
                order.push(channel);
            }
        }
        let channels = order
            .into_iter()
            .map(|channel| {
                let key = channel.as_str();
                let labels = all(&format!("{key}_phi_ten"));
                let amounts = all(&format!("{key}_phi_muc"));
                let online = all(&format!("{key}_phi_truc_tuyen"));
                let rows = labels.len().max(amounts.len()).max(online.len());
                ChannelForm {
                    key,
                    label: channel.label(),
                    enabled: enabled.iter().any(|e| e == key),
                    amount: one(&format!("{key}_thoi_han")),
                    unit: one(&format!("{key}_don_vi")),
                    note: one(&format!("{key}_ghi_chu")),
                    fees: (0..rows)
                        .map(|i| FeeRow {
                            label: column(&labels, i),
                            amount: column(&amounts, i),
                            online_amount: column(&online, i),
                        })
                        .collect(),
                }
            })
            .collect();
        let names = all("gt_ten");
        let originals = all("gt_chinh");
        let copies = all("gt_sao");
        let requirements = all("gt_yeu_cau");
        let conditions = all("gt_dieu_kien");
        let presentations = all("gt_hinh_thuc");
        let templates = all("gt_mau");
        let documents = (0..names.len())
            .map(|i| DocumentRow {
                name: column(&names, i),
                originals: column(&originals, i),
                copies: column(&copies, i),
                requirement: column(&requirements, i),
                condition: column(&conditions, i),
                presentation: column(&presentations, i),
                template: column(&templates, i),
            })
            .collect();
        Self {
            code: one("ma").trim().to_string(),
            name: one("ten"),
            field: one("linh_vuc"),
            levels: all("cap"),
            agencies: one("co_quan"),
            target_group: one("doi_tuong"),
            online_service: one("truc_tuyen"),
            cutoff: one("gio_chot"),
            fee_note: one("ghi_chu_phi"),
            result: one("ket_qua"),
            legal_basis: one("can_cu"),
            steps: one("trinh_tu"),
            summary: one("hd_tom_tat"),
            prepare: one("hd_chuan_bi"),
            submit: one("hd_nop"),
            cost: one("hd_chi_phi"),
            duration: one("hd_thoi_gian"),
            after: one("hd_sau"),
            form_json: one("bieu_mau"),
            workflow_json: one("quy_trinh"),
            version: one("phien_ban").trim().parse().unwrap_or(0),
            channels,
            documents,
        }
    }

    /// Drops blank rows, then adds the spare ones offered for new entries.
    pub fn with_spare_rows(mut self) -> Self {
        self.documents.retain(|d| !d.is_blank());
        self.documents
            .extend(std::iter::repeat_with(DocumentRow::default).take(SPARE_DOCUMENTS));
        for channel in &mut self.channels {
            channel.fees.retain(|f| f != &FeeRow::default());
            channel
                .fees
                .extend(std::iter::repeat_with(FeeRow::default).take(SPARE_FEES));
        }
        self
    }

    pub fn has_level(&self, level: &str) -> bool {
        self.levels.iter().any(|l| l == level)
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn valid() -> Vec<(String, String)> {
        pairs(&[
            ("ma", "2.000001"),
            ("ten", "Đăng ký thử nghiệm"),
            ("linh_vuc", "Hộ tịch"),
            ("cap", "commune"),
            ("co_quan", "Ủy ban nhân dân cấp xã\r\n"),
            ("truc_tuyen", "full"),
            ("kenh", "online"),
            ("online_thoi_han", "3"),
            ("online_don_vi", "working_days"),
            ("online_phi_ten", "Lệ phí"),
            ("online_phi_muc", "8.000 đ"),
            ("online_phi_truc_tuyen", ""),
            ("online_phi_ten", ""),
            ("online_phi_muc", ""),
            ("online_phi_truc_tuyen", ""),
            ("gt_ten", "Tờ khai"),
            ("gt_chinh", "1"),
            ("gt_sao", "0"),
            ("gt_yeu_cau", "required"),
            ("gt_dieu_kien", ""),
            ("gt_hinh_thuc", "submit"),
            ("gt_mau", ""),
            ("ket_qua", "Giấy xác nhận"),
            ("hd_tom_tat", "Tóm tắt"),
            ("hd_chuan_bi", "Tờ khai\nCăn cước"),
            ("hd_nop", "Nộp trực tuyến"),
            ("hd_chi_phi", "8.000 đồng"),
            ("hd_thoi_gian", "3 ngày làm việc"),
            ("hd_sau", "Nhận kết quả"),
        ])
    }

    #[test]
    fn a_filled_form_becomes_an_entry() {
        let entry = ProcedureForm::from_pairs(&valid()).to_entry(None).unwrap();
        assert_eq!(entry.code, "2.000001");
        assert_eq!(entry.agencies, ["Ủy ban nhân dân cấp xã"]);
        assert_eq!(entry.guide.prepare, ["Tờ khai", "Căn cước"]);
        let online = entry.channel(SubmissionChannel::Online).unwrap();
        assert_eq!(online.processing_time, Some(Allowance::WorkingDays(3)));
        assert_eq!(online.fees.len(), 1, "the blank fee row is ignored");
        assert_eq!(online.fees[0].amount.unwrap().amount(), 8000);
        assert_eq!(entry.documents.len(), 1);
    }

    #[test]
    fn an_entry_round_trips_through_the_form() {
        let entry = ProcedureForm::from_pairs(&valid()).to_entry(None).unwrap();
        let again = ProcedureForm::from_entry(&entry, 1).to_entry(None).unwrap();
        assert_eq!(again, entry);
    }

    #[test]
    fn every_problem_lands_on_its_field() {
        let mut form = valid();
        for (key, value) in &mut form {
            match key.as_str() {
                "ten" | "hd_tom_tat" => value.clear(),
                "online_thoi_han" => *value = "năm".into(),
                "gt_yeu_cau" => *value = "conditional".into(),
                _ => {}
            }
        }
        form.push(("online_phi_ten".into(), "Phí khác".into()));
        form.push(("online_phi_muc".into(), "abc".into()));
        form.push(("gio_chot".into(), "25:99".into()));
        let errors = ProcedureForm::from_pairs(&form).to_entry(None).unwrap_err();
        assert_eq!(
            errors.get("online_thoi_han"),
            Some("thời hạn là một số nguyên dương, ví dụ 5")
        );
        assert!(errors.get("online_phi_muc.2").is_some(), "{errors:?}");
        assert!(errors.get("gio_chot").is_some());
        // Problems found by the catalog rules, mapped back to the form's fields.
        assert_eq!(errors.get("ten"), Some("không được để trống"));
        assert!(errors.get("hd_tom_tat").is_some());
        assert_eq!(
            errors.row("gt_dieu_kien", &0),
            Some("giấy tờ có điều kiện phải ghi rõ điều kiện")
        );
    }

    #[test]
    fn an_online_procedure_needs_the_online_channel() {
        let form: Vec<_> = valid()
            .into_iter()
            .map(|(k, v)| {
                if k == "kenh" {
                    (k, "in_person".into())
                } else {
                    (k, v)
                }
            })
            .chain([
                ("in_person_thoi_han".into(), "3".into()),
                ("in_person_don_vi".into(), "working_days".into()),
            ])
            .collect();
        let errors = ProcedureForm::from_pairs(&form).to_entry(None).unwrap_err();
        assert!(errors.get("truc_tuyen").is_some(), "{errors:?}");
    }

    #[test]
    fn demo_markers_stay_only_on_unchanged_values() {
        let mut entry = ProcedureForm::from_pairs(&valid()).to_entry(None).unwrap();
        entry.demo_values = vec!["channels[0].processing_time".into(), "guide.cost".into()];
        let mut form = ProcedureForm::from_entry(&entry, 1);
        form.cost = "Miễn phí".into();
        let edited = form.to_entry(Some(&entry)).unwrap();
        assert_eq!(edited.demo_values, ["channels[0].processing_time"]);
    }

    /// What a browser posts for a form filled from `entry`, unchanged.
    fn posted(form: &ProcedureForm) -> Vec<(String, String)> {
        let mut pairs = vec![
            ("ma".to_string(), form.code.clone()),
            ("ten".into(), form.name.clone()),
            ("linh_vuc".into(), form.field.clone()),
            ("co_quan".into(), form.agencies.clone()),
            ("doi_tuong".into(), form.target_group.clone()),
            ("truc_tuyen".into(), form.online_service.clone()),
            ("gio_chot".into(), form.cutoff.clone()),
            ("ghi_chu_phi".into(), form.fee_note.clone()),
            ("ket_qua".into(), form.result.clone()),
            ("can_cu".into(), form.legal_basis.clone()),
            ("trinh_tu".into(), form.steps.clone()),
            ("hd_tom_tat".into(), form.summary.clone()),
            ("hd_chuan_bi".into(), form.prepare.clone()),
            ("hd_nop".into(), form.submit.clone()),
            ("hd_chi_phi".into(), form.cost.clone()),
            ("hd_thoi_gian".into(), form.duration.clone()),
            ("hd_sau".into(), form.after.clone()),
            ("bieu_mau".into(), form.form_json.clone()),
            ("quy_trinh".into(), form.workflow_json.clone()),
        ];
        pairs.extend(form.levels.iter().map(|l| ("cap".to_string(), l.clone())));
        for c in &form.channels {
            if c.enabled {
                pairs.push(("kenh".into(), c.key.into()));
            }
            pairs.push((format!("{}_thoi_han", c.key), c.amount.clone()));
            pairs.push((format!("{}_don_vi", c.key), c.unit.clone()));
            pairs.push((format!("{}_ghi_chu", c.key), c.note.clone()));
            for f in &c.fees {
                pairs.push((format!("{}_phi_ten", c.key), f.label.clone()));
                pairs.push((format!("{}_phi_muc", c.key), f.amount.clone()));
                pairs.push((format!("{}_phi_truc_tuyen", c.key), f.online_amount.clone()));
            }
        }
        for d in &form.documents {
            for (k, v) in [
                ("gt_ten", &d.name),
                ("gt_chinh", &d.originals),
                ("gt_sao", &d.copies),
                ("gt_yeu_cau", &d.requirement),
                ("gt_dieu_kien", &d.condition),
                ("gt_hinh_thuc", &d.presentation),
                ("gt_mau", &d.template),
            ] {
                pairs.push((k.into(), v.clone()));
            }
        }
        pairs
    }

    /// Saving a demo procedure's form unchanged gives back the same entry, so it adds
    /// no version and keeps every demo marker in place.
    #[test]
    fn every_demo_procedure_round_trips_unchanged() {
        let catalog =
            catalog::parse_catalog(include_str!("../../../../../data/catalog.json")).unwrap();
        for entry in &catalog.procedures {
            let form = ProcedureForm::from_entry(entry, 1);
            let again = ProcedureForm::from_pairs(&posted(&form))
                .to_entry(Some(entry))
                .unwrap_or_else(|e| panic!("{}: {e:?}", entry.code));
            assert_eq!(&again, entry, "{}", entry.code);
        }
    }

    #[test]
    fn amounts_are_read_as_people_write_them() {
        assert_eq!(parse_amount("1.250.000 đ"), Ok(Some(1_250_000)));
        assert_eq!(parse_amount("8 000"), Ok(Some(8000)));
        assert_eq!(parse_amount(""), Ok(None));
        assert!(parse_amount("-5").is_err());
        assert!(parse_amount("tám nghìn").is_err());
    }
}
