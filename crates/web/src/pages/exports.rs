//! Documents of a dossier: the receipt (PDF, with a QR code to the tracking page) and
//! the filled e-form laid out as an official form (PDF and DOCX with the same text),
//! for the applicant and for the officials handling the dossier.

use crate::downloads::{file, pdf_bytes};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use motcua_app::text::{place_and_date, place_of};
use motcua_docs::{Block, Doc, Paper, national_heading, to_docx};
use motcua_domain::catalog::ProcedureEntry;
use motcua_domain::eform::{Answers, FormDefinition, Places};
use motcua_store::dossiers::Dossier;

use super::submission::review::answer_rows;
use super::submission::{expected_due, form_of, state_label, version_entry};
use super::ways_in::email::base_url;
use crate::auth::CurrentSession;
use crate::{AppError, AppState};

/// The filled form as a document.
pub fn form_document(
    form: &FormDefinition,
    answers: &Answers,
    places: &dyn Places,
    agency: &str,
    signer: &str,
    signed_at: i64,
) -> Doc {
    let mut blocks = national_heading();
    blocks.push(Block::Center {
        text: form.title.clone(),
        bold: true,
        size: 14.0,
    });
    if let Some(template) = &form.template {
        blocks.push(Block::Center {
            text: format!("({template})"),
            bold: false,
            size: 10.5,
        });
    }
    blocks.push(Block::Space(8.0));
    blocks.push(Block::Text {
        text: format!("Kính gửi: {agency}"),
        bold: false,
    });
    blocks.push(Block::Space(4.0));
    for step in &form.steps {
        blocks.push(Block::Text {
            text: step.title.to_uppercase(),
            bold: true,
        });
        for (label, value) in answer_rows(&step.fields, answers, places) {
            blocks.push(Block::Field {
                label,
                value: if value.is_empty() {
                    "…".into()
                } else {
                    value
                },
            });
        }
        blocks.push(Block::Space(4.0));
    }
    blocks.push(Block::Text {
        text: "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về lời cam đoan của mình.".into(),
        bold: false,
    });
    blocks.push(Block::Space(8.0));
    blocks.push(Block::Right {
        lines: vec![
            (place_and_date(&place_of(agency), signed_at), false),
            ("NGƯỜI YÊU CẦU".into(), true),
            ("(Ký, ghi rõ họ, chữ đệm, tên)".into(), false),
            (String::new(), false),
            (String::new(), false),
            (signer.to_string(), true),
        ],
    });
    Doc {
        title: form.title.clone(),
        paper: Paper::A4,
        blocks,
    }
}

/// A dossier with what its documents need, if the principal may see it.
struct Loaded {
    dossier: Dossier,
    entry: ProcedureEntry,
    agency_name: String,
    agency_code: String,
    applicant: String,
    submitted_at: i64,
}

async fn load(state: &AppState, current: &CurrentSession, code: &str) -> Result<Loaded, AppError> {
    let principal = current.signed_in()?;
    let db = &state.store().db;
    let dossier = motcua_app::dossiers::visible(state.app(), principal, code).await?;
    let entry = version_entry(state, dossier.procedure_version_id).await?;
    let agency = db
        .agency(dossier.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let applicant = match dossier.applicant_id {
        Some(id) => db
            .account(id)
            .await?
            .map(|a| a.full_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let submitted_at = dossier
        .submitted_at
        .unwrap_or_else(motcua_store::time::now_micros);
    Ok(Loaded {
        dossier,
        entry,
        agency_name: agency.name,
        agency_code: agency.code,
        applicant,
        submitted_at,
    })
}

async fn filled_form(state: &AppState, loaded: &Loaded) -> Result<Doc, AppError> {
    let form = form_of(&loaded.entry);
    let answers: Answers = serde_json::from_str(&loaded.dossier.form_data).unwrap_or_default();
    let places = state.places().await?;
    // The one who asks signs: the form's own name field, else the applicant account.
    let signer = ["ho_ten"]
        .iter()
        .find_map(|k| answers.get(*k).and_then(|v| v.as_str()).map(str::to_string))
        .unwrap_or_else(|| loaded.applicant.clone());
    Ok(form_document(
        &form,
        &answers,
        places.as_ref(),
        &loaded.agency_name,
        &signer,
        loaded.submitted_at,
    ))
}

/// `GET /ho-so/{code}/to-khai.pdf`.
pub async fn form_pdf(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let loaded = load(&state, &current, &code).await?;
    let doc = filled_form(&state, &loaded).await?;
    let bytes = pdf_bytes(doc).await?;
    Ok(file(
        bytes,
        "application/pdf",
        &format!("to-khai-{code}.pdf"),
    ))
}

/// `GET /ho-so/{code}/to-khai.docx`.
pub async fn form_docx(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let loaded = load(&state, &current, &code).await?;
    let doc = filled_form(&state, &loaded).await?;
    let bytes = to_docx(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(file(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!("to-khai-{code}.docx"),
    ))
}

/// `GET /ho-so/{code}/bien-nhan.pdf`: the receipt of an online submission.
pub async fn receipt_pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let loaded = load(&state, &current, &code).await?;
    let db = &state.store().db;
    let expected = expected_due(
        &state,
        &loaded.entry,
        &loaded.agency_code,
        loaded.submitted_at,
    )
    .await?;
    let documents: Vec<String> = db
        .dossier_attachments(loaded.dossier.id)
        .await?
        .into_iter()
        .map(|(slot, d)| {
            let name = loaded
                .entry
                .documents
                .get(slot as usize)
                .map(|doc| doc.name.chars().take(90).collect::<String>())
                .unwrap_or_default();
            format!("{name} ({})", d.file_name)
        })
        .collect();
    let state_label = state_label(loaded.dossier.state.as_str());
    let tracking = format!(
        "{}/tra-cuu?ma={}",
        base_url(&state, &headers),
        loaded.dossier.code
    );
    let mut blocks = national_heading();
    blocks.push(Block::Center {
        text: "GIẤY XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN".into(),
        bold: true,
        size: 14.0,
    });
    blocks.push(Block::Space(8.0));
    for (label, value) in [
        ("Mã hồ sơ", loaded.dossier.code.clone()),
        ("Thủ tục", loaded.entry.name.clone()),
        ("Người nộp", loaded.applicant.clone()),
        ("Cơ quan tiếp nhận", loaded.agency_name.clone()),
        (
            "Thời điểm nộp",
            crate::pages::local_time(loaded.submitted_at, "%H:%M ngày %d/%m/%Y"),
        ),
        ("Trạng thái", state_label),
    ] {
        blocks.push(Block::Field {
            label: label.into(),
            value,
        });
    }
    if let Some(expected) = expected {
        blocks.push(Block::Field {
            label: "Ngày hẹn trả kết quả (nếu hồ sơ được tiếp nhận ngay khi nộp)".into(),
            value: expected,
        });
    }
    if !documents.is_empty() {
        blocks.push(Block::Text {
            text: "Giấy tờ đã nộp:".into(),
            bold: true,
        });
        for (i, document) in documents.iter().enumerate() {
            blocks.push(Block::Text {
                text: format!("{}. {document}", i + 1),
                bold: false,
            });
        }
    }
    blocks.push(Block::Space(6.0));
    blocks.push(Block::Text {
        text: "Thời hạn giải quyết được tính từ khi cơ quan tiếp nhận hồ sơ. Cơ quan sẽ thông báo nếu hồ sơ cần bổ sung.".into(),
        bold: false,
    });
    blocks.push(Block::Space(6.0));
    blocks.push(Block::Qr {
        data: tracking.clone(),
        caption: format!(
            "Quét mã để tra cứu tình trạng hồ sơ, hoặc mở {tracking} và nhập 4 số cuối số điện thoại hoặc số định danh của người nộp."
        ),
    });
    let doc = Doc {
        title: format!("Giấy xác nhận nộp hồ sơ {}", loaded.dossier.code),
        paper: Paper::A4,
        blocks,
    };
    let bytes = pdf_bytes(doc).await?;
    Ok(file(
        bytes,
        "application/pdf",
        &format!("bien-nhan-{code}.pdf"),
    ))
}
