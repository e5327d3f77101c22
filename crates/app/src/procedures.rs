//! Procedure versions as use cases read them: parsed once and kept (versions never
//! change once saved), with the e-form each one is filled with.

use motcua_domain::catalog::{ProcedureEntry, SubmissionChannel};
use motcua_domain::eform::{Field, FieldType, FormDefinition, Prefill, Step, parse_definition};

use crate::{App, Error, Result};

/// The procedure's name in a version (empty when it cannot be read).
pub async fn version_name(app: &App, version_id: i64) -> Result<String> {
    Ok(match app.procedure_version(version_id).await {
        Ok(entry) => entry.name.clone(),
        Err(Error::Internal(e)) => {
            tracing::warn!(error = %e, "unreadable procedure version");
            String::new()
        }
        Err(other) => return Err(other),
    })
}

/// The form of a procedure: its own e-form, or a short general one (who asks, and
/// what for) for procedures without one.
pub fn form_of(entry: &ProcedureEntry) -> FormDefinition {
    if let Some(value) = &entry.form
        && let Ok(form) = parse_definition(value, &entry.documents)
    {
        return form;
    }
    let field = |id: &str, label: &str, kind, required, prefill| Field {
        id: id.into(),
        label: label.into(),
        kind,
        required,
        help: None,
        show_if: None,
        prefill,
        options: Vec::new(),
        max_length: None,
        min: None,
        max: None,
        date_range: None,
        fields: Vec::new(),
        item_label: None,
    };
    FormDefinition {
        format: motcua_domain::eform::FORM_FORMAT.into(),
        title: format!("ĐƠN ĐỀ NGHỊ: {}", entry.name.to_uppercase()),
        template: None,
        steps: vec![Step {
            id: "nguoi_yeu_cau".into(),
            title: "Người yêu cầu và nội dung".into(),
            intro: None,
            fields: vec![
                field(
                    "ho_ten",
                    "Họ, chữ đệm, tên",
                    FieldType::Text,
                    true,
                    Some(Prefill::FullName),
                ),
                field(
                    "so_dinh_danh",
                    "Số định danh cá nhân",
                    FieldType::CitizenId,
                    true,
                    Some(Prefill::CitizenId),
                ),
                field(
                    "dien_thoai",
                    "Số điện thoại liên hệ",
                    FieldType::Phone,
                    false,
                    Some(Prefill::Phone),
                ),
                field(
                    "email",
                    "E-mail",
                    FieldType::Email,
                    false,
                    Some(Prefill::Email),
                ),
                field(
                    "noi_cu_tru",
                    "Nơi cư trú",
                    FieldType::Address,
                    true,
                    Some(Prefill::Address),
                ),
                field(
                    "noi_dung",
                    "Nội dung đề nghị",
                    FieldType::LongText,
                    true,
                    None,
                ),
            ],
        }],
        documents: Vec::new(),
    }
}

/// Whether a procedure can be filed online here.
pub fn online(entry: &ProcedureEntry) -> bool {
    entry
        .channels
        .iter()
        .any(|c| c.channel == SubmissionChannel::Online)
}

/// The online fee of a procedure, in đồng (0 when free or unknown).
pub fn online_fee(entry: &ProcedureEntry) -> i64 {
    entry
        .channels
        .iter()
        .filter(|c| c.channel == SubmissionChannel::Online)
        .flat_map(|c| &c.fees)
        .filter_map(|f| f.online_amount.or(f.amount))
        .map(|d| d.amount())
        .sum()
}
