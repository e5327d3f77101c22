//! The procedure form: what an administrator typed, kept as typed (so a page with
//! errors gives it all back), turned into a catalog entry checked by the same rules as
//! a catalog import, with every problem attached to the field it comes from.

mod entry;
mod read;
#[cfg(test)]
mod tests;

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
            levels: entry.level_names(),
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
}
