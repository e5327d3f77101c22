//! The e-form definition format `motcua-form/1`, carried by each procedure version as
//! JSON: steps of fields, and rules for the procedure's document slots.
//!
//! ```json
//! {
//!   "format": "motcua-form/1",
//!   "title": "TỜ KHAI ĐĂNG KÝ KHAI SINH",
//!   "steps": [
//!     {"id": "nguoi_yeu_cau", "title": "Người yêu cầu", "fields": [
//!       {"id": "ho_ten", "label": "Họ, chữ đệm, tên", "type": "text", "required": true, "prefill": "full_name"},
//!       {"id": "noi_cu_tru", "label": "Nơi cư trú", "type": "address", "required": true, "prefill": "address"}
//!     ]}
//!   ],
//!   "documents": [{"document": "Giấy chứng sinh", "show_if": {"field": "co_giay_chung_sinh", "equals": true}}]
//! }
//! ```

use serde::{Deserialize, Serialize};

/// The only format understood.
pub const FORM_FORMAT: &str = "motcua-form/1";

/// A procedure's e-form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDefinition {
    pub format: String,
    /// The form's title as printed, e.g. `TỜ KHAI ĐĂNG KÝ KHAI SINH`.
    pub title: String,
    /// The legal template it follows, e.g. `Mẫu số 01, Thông tư 04/2024/TT-BTP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    pub steps: Vec<Step>,
    /// Rules for the procedure's documents (which answers make a conditional document
    /// needed, which file types it takes). Documents without a rule still get a slot.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<DocumentRule>,
}

/// One page of the form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<String>,
    pub fields: Vec<Field>,
}

/// The kind of answer a field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    LongText,
    Number,
    /// Đồng, a whole number.
    Money,
    Date,
    Choice,
    MultiChoice,
    Checkbox,
    CitizenId,
    TaxCode,
    Phone,
    Email,
    /// Province and commune from the administrative units, plus a street line.
    Address,
    /// A repeating group of sub-fields (e.g. several children).
    Group,
}

impl FieldType {
    /// Whether the answer is a single line of text in the form.
    pub fn is_text_like(self) -> bool {
        matches!(
            self,
            FieldType::Text
                | FieldType::LongText
                | FieldType::Number
                | FieldType::Money
                | FieldType::Date
                | FieldType::CitizenId
                | FieldType::TaxCode
                | FieldType::Phone
                | FieldType::Email
        )
    }
}

/// Where an answer can be prefilled from: the applicant's account and profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prefill {
    FullName,
    CitizenId,
    TaxCode,
    Phone,
    Email,
    Address,
}

impl Prefill {
    /// The field type a prefill source fits.
    pub fn fits(self) -> &'static [FieldType] {
        match self {
            Prefill::FullName => &[FieldType::Text],
            Prefill::CitizenId => &[FieldType::CitizenId],
            Prefill::TaxCode => &[FieldType::TaxCode],
            Prefill::Phone => &[FieldType::Phone],
            Prefill::Email => &[FieldType::Email],
            Prefill::Address => &[FieldType::Address, FieldType::Text, FieldType::LongText],
        }
    }
}

/// Which dates are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateRange {
    /// Today or earlier (a birth date).
    Past,
    /// Today or later (an appointment).
    Future,
}

/// A field is shown (and checked) only when another answer, given before it, has a
/// value: any value, one equal to `equals`, or one of `any_of`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_of: Vec<String>,
}

/// One question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Lower-case ASCII, digits and `_`, starting with a letter; unique in its scope.
    pub id: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<Prefill>,
    /// Choices (for `choice` and `multi_choice`); the answer is the text itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Longest text, in characters (text and long text; defaults 200 and 2000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Smallest value (number) or fewest items (group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Largest value (number) or most items (group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_range: Option<DateRange>,
    /// The sub-fields of a group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// What one item of a group is called, e.g. `Con`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_label: Option<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// A file type a document slot accepts (checked by content, not by name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
    Docx,
}

impl FileKind {
    /// What people accept without a rule: scans and photos.
    pub const DEFAULT: &'static [FileKind] = &[FileKind::Pdf, FileKind::Jpeg, FileKind::Png];

    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Jpeg => "JPEG",
            FileKind::Png => "PNG",
            FileKind::Docx => "DOCX",
        }
    }
}

/// A rule for one of the procedure's documents, named exactly as in the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentRule {
    pub document: String,
    /// For a conditional document: the answer that makes it needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<FileKind>,
    /// How the document is handled when the dossier is filed online.
    #[serde(default, skip_serializing_if = "OnlineUse::is_upload")]
    pub online: OnlineUse,
}

/// How a document is handled online.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineUse {
    /// The person attaches a file (or reuses one from their document store).
    #[default]
    Upload,
    /// The e-form itself is this document (an interactive electronic form, or the
    /// paper declaration it replaces): answering the form provides it.
    ByForm,
    /// Only needed on paper or at the counter (e.g. a declaration "if filed in
    /// person"); never asked for online.
    NotNeeded,
}

impl OnlineUse {
    fn is_upload(&self) -> bool {
        *self == OnlineUse::Upload
    }
}
