//! The one-stop forms of Circular 03/2025/TT-VPCP, filled from the dossier and its
//! history: 01 receipt and appointment, 02 supplementation request, 03 refusal, 04
//! apology and new appointment, 05 notice of stopping, 06 process control sheet. Each
//! is an A5 [`Doc`], written out as PDF or DOCX with the same text.

use motcua_docs::{Block, Doc, Paper};
use motcua_domain::dossier::{Action, EventData};
use motcua_domain::eform::{Answers, FieldType};
use motcua_store::dossiers::DossierEvent;

use super::{DeskDossier, timeliness_label};
use crate::text::{local_phone, local_time, place_and_date, place_of};
use crate::{App, Error};

/// A form of the one-stop process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LegalForm {
    Receipt,
    Supplementation,
    Refusal,
    Apology,
    Stop,
    Control,
}

impl LegalForm {
    pub const ALL: [LegalForm; 6] = [
        LegalForm::Receipt,
        LegalForm::Supplementation,
        LegalForm::Refusal,
        LegalForm::Apology,
        LegalForm::Stop,
        LegalForm::Control,
    ];

    /// `01` … `06`, as in the circular and the URLs.
    pub fn number(self) -> &'static str {
        match self {
            LegalForm::Receipt => "01",
            LegalForm::Supplementation => "02",
            LegalForm::Refusal => "03",
            LegalForm::Apology => "04",
            LegalForm::Stop => "05",
            LegalForm::Control => "06",
        }
    }

    pub fn parse(number: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.number() == number)
    }

    pub fn title(self) -> &'static str {
        match self {
            LegalForm::Receipt => "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            LegalForm::Supplementation => "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            LegalForm::Refusal => "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
            LegalForm::Apology => "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
            LegalForm::Stop => "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
            LegalForm::Control => "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        }
    }

    /// The action whose event the form records (none: the whole history).
    fn action(self) -> Option<&'static str> {
        match self {
            LegalForm::Receipt => Some("receive"),
            LegalForm::Supplementation => Some("request_supplement"),
            LegalForm::Refusal => Some("refuse"),
            LegalForm::Apology => Some("extend"),
            LegalForm::Stop => Some("stop"),
            LegalForm::Control => None,
        }
    }

    /// Whether the applicant receives this form (06 is an internal record).
    pub fn for_applicant(self) -> bool {
        self != LegalForm::Control
    }
}

/// What the forms say about the applicant.
struct Applicant {
    name: String,
    id_number: String,
    address: String,
    phone: String,
    email: String,
}

/// The forms a dossier has, in order: those whose event happened (and 06 once
/// received).
pub fn issued(desk: &DeskDossier, events: &[DossierEvent]) -> Vec<LegalForm> {
    LegalForm::ALL
        .into_iter()
        .filter(|form| match form.action() {
            Some(action) => events.iter().any(|e| e.action == action),
            None => desk.dossier.received_at.is_some(),
        })
        .collect()
}

fn when(micros: i64) -> String {
    local_time(micros, "%H giờ %M phút, ngày %d/%m/%Y")
}

fn field(label: &str, value: impl Into<String>) -> Block {
    let value = value.into();
    Block::Field {
        label: label.into(),
        value: if value.trim().is_empty() {
            "…".into()
        } else {
            value
        },
    }
}

fn text(text: impl Into<String>) -> Block {
    Block::Text {
        text: text.into(),
        bold: false,
    }
}

/// Builds form `form` of a dossier; "not found" when its event has not happened.
pub async fn build(app: &App, desk: &DeskDossier, form: LegalForm) -> Result<Doc, Error> {
    let db = &app.store().db;
    let events = db.dossier_events(desk.dossier.id).await?;
    if !issued(desk, &events).contains(&form) {
        return Err(Error::NotFound);
    }
    let event = form
        .action()
        .and_then(|action| events.iter().rev().find(|e| e.action == action));
    let data: EventData = event
        .map(|e| serde_json::from_str(&e.data).unwrap_or_default())
        .unwrap_or_default();
    // The agency signs: when the applicant acted (a stop they asked for online), the
    // official who received the dossier signs the notice.
    let mut signer_id = event.and_then(|e| e.actor_id);
    if signer_id.is_some() && signer_id == desk.dossier.applicant_id {
        signer_id = events
            .iter()
            .rev()
            .find(|e| e.action == "receive" || e.action == "confirm_payment")
            .and_then(|e| e.actor_id);
    }
    let signer = match signer_id {
        Some(id) => db
            .account(id)
            .await?
            .map(|a| a.full_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    // Dated by its event; form 06 by the last hand-over it records.
    let signed_at = event
        .or(events.last())
        .map(|e| e.at)
        .unwrap_or_else(motcua_store::time::now_micros);
    let applicant = applicant(app, desk).await?;
    let agency = &desk.agency.name;
    let parent = match desk.agency.parent_id {
        Some(id) => db.agency(id).await?.map(|a| a.name.to_uppercase()),
        None => None,
    };
    let mut blocks = vec![Block::Columns {
        left: parent
            .into_iter()
            .map(|p| (p, false))
            .chain([(agency.to_uppercase(), true), ("_______".into(), false)])
            .chain([(
                format!("Số: {}/{}", number(desk, event), form.number()),
                false,
            )])
            .collect(),
        right: vec![
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(), true),
            ("Độc lập - Tự do - Hạnh phúc".into(), true),
            ("_______________".into(), false),
            (place_and_date(&place_of(agency), signed_at), false),
        ],
        left_share: 0.36,
        size: 9.5,
    }];
    blocks.push(Block::Space(6.0));
    blocks.push(Block::Center {
        text: form.title().into(),
        bold: true,
        size: 13.0,
    });
    blocks.push(Block::Center {
        text: format!("Mẫu số {} - Thông tư 03/2025/TT-VPCP", form.number()),
        bold: false,
        size: 10.0,
    });
    blocks.push(Block::Space(6.0));
    let procedure = desk.entry.name.clone();
    let code = desk.dossier.code.clone();
    let received = desk.dossier.received_at;
    let official_signature = |title: &str| Block::Right {
        lines: vec![
            (title.to_string(), true),
            ("(Ký, ghi rõ họ tên)".into(), false),
            (String::new(), false),
            (String::new(), false),
            (signer.clone(), true),
        ],
    };
    match form {
        LegalForm::Receipt => {
            blocks.push(text(format!("{agency} tiếp nhận hồ sơ của:")));
            blocks.push(field("Ông/Bà, tổ chức", &applicant.name));
            blocks.push(field(
                "Số định danh cá nhân / mã số thuế",
                &applicant.id_number,
            ));
            blocks.push(field("Địa chỉ", &applicant.address));
            blocks.push(field("Số điện thoại", &applicant.phone));
            blocks.push(field("Thư điện tử", &applicant.email));
            blocks.push(field(
                "Người được ủy quyền (nếu có)",
                proxy(app, desk).await?,
            ));
            blocks.push(field("Mã hồ sơ", &code));
            blocks.push(field("Nội dung yêu cầu giải quyết", &procedure));
            blocks.push(text("Thành phần hồ sơ và số lượng mỗi loại giấy tờ gồm:"));
            let attached = db.dossier_attachments(desk.dossier.id).await?;
            let mut rows = Vec::new();
            for (i, document) in desk.entry.documents.iter().enumerate() {
                let files = attached
                    .iter()
                    .filter(|(slot, _)| *slot == i as i64)
                    .count();
                if files == 0
                    && document.requirement != motcua_domain::catalog::Requirement::Required
                {
                    continue;
                }
                rows.push(vec![
                    (rows.len() + 1).to_string(),
                    document.name.clone(),
                    document.originals.to_string(),
                    document.copies.to_string(),
                ]);
            }
            blocks.push(Block::Table {
                widths: vec![0.6, 5.0, 1.2, 1.2],
                header: vec![
                    "TT".into(),
                    "Tên giấy tờ".into(),
                    "Bản chính".into(),
                    "Bản sao".into(),
                ],
                rows,
            });
            blocks.push(field("Số lượng hồ sơ", "01 bộ"));
            blocks.push(field(
                "Thời gian giải quyết hồ sơ theo quy định",
                desk.flow.processing_time().allowance.to_string(),
            ));
            blocks.push(field(
                "Thời gian nhận hồ sơ",
                received.map(when).unwrap_or_default(),
            ));
            blocks.push(field(
                "Thời gian trả kết quả giải quyết hồ sơ",
                desk.dossier
                    .due_at
                    .map(when)
                    .unwrap_or_else(|| "khi hồ sơ được tiếp tục xử lý".into()),
            ));
            blocks.push(field(
                "Nhận kết quả tại",
                format!("Bộ phận Tiếp nhận và Trả kết quả, {agency}; hoặc trực tuyến tại tài khoản của người nộp"),
            ));
            blocks.push(field(
                "Vào Sổ theo dõi hồ sơ",
                format!(
                    "Quyển số {}, Số thứ tự {}",
                    received.map(|r| local_time(r, "%Y")).unwrap_or_default(),
                    desk.dossier
                        .register_no
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                ),
            ));
            blocks.push(Block::Space(8.0));
            blocks.push(Block::Columns {
                left: vec![
                    ("NGƯỜI NỘP HỒ SƠ".into(), true),
                    ("(Ký và ghi rõ họ tên)".into(), false),
                    (String::new(), false),
                    (String::new(), false),
                    (applicant.name.clone(), true),
                ],
                right: vec![
                    ("NGƯỜI TIẾP NHẬN HỒ SƠ".into(), true),
                    ("(Ký và ghi rõ họ tên)".into(), false),
                    (String::new(), false),
                    (String::new(), false),
                    (signer.clone(), true),
                ],
                left_share: 0.5,
                size: motcua_docs::BODY_SIZE,
            });
        }
        LegalForm::Supplementation => {
            blocks.push(text(format!(
                "{agency} tiếp nhận hồ sơ của: {}",
                applicant.name
            )));
            blocks.push(field("Mã hồ sơ", &code));
            blocks.push(field("Nội dung yêu cầu giải quyết", &procedure));
            blocks.push(text(
                "Sau khi xem xét, đề nghị ông/bà, tổ chức bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:",
            ));
            for (i, item) in data.missing_items.iter().enumerate() {
                blocks.push(text(format!("{}. {item}", i + 1)));
            }
            if !data.fields.is_empty() {
                blocks.push(text(format!(
                    "{}. Khai lại các mục của tờ khai: {}",
                    data.missing_items.len() + 1,
                    field_labels(desk, &data.fields).join("; ")
                )));
            }
            let note = event.map(|e| e.note.trim().to_string()).unwrap_or_default();
            blocks.push(field(
                "Lý do",
                if note.is_empty() {
                    "Hồ sơ chưa đầy đủ, hợp lệ theo quy định".to_string()
                } else {
                    note
                },
            ));
            blocks.push(text(format!(
                "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ {signer}, {agency} để được hướng dẫn. Hồ sơ được bổ sung trực tuyến tại mục Hồ sơ của tôi hoặc tại Bộ phận Tiếp nhận và Trả kết quả."
            )));
            blocks.push(text("Xin trân trọng thông báo./."));
            blocks.push(Block::Space(6.0));
            blocks.push(official_signature("NGƯỜI HƯỚNG DẪN"));
        }
        LegalForm::Refusal => {
            blocks.push(text(format!(
                "{agency} tiếp nhận hồ sơ của: {}",
                applicant.name
            )));
            blocks.push(field("Mã hồ sơ", &code));
            blocks.push(field("Nội dung yêu cầu giải quyết", &procedure));
            blocks.push(text(format!(
                "Qua xem xét, {agency} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:"
            )));
            blocks.push(text(data.reason.clone().unwrap_or_default()));
            blocks.push(text(
                "Xin thông báo để ông/bà, tổ chức được biết và thực hiện./.",
            ));
            blocks.push(Block::Space(6.0));
            blocks.push(official_signature("NGƯỜI TỪ CHỐI"));
        }
        LegalForm::Apology => {
            blocks.push(text(format!("Kính gửi: {}", applicant.name)));
            blocks.push(text(format!(
                "Ngày {}, {agency} tiếp nhận giải quyết hồ sơ của ông/bà, tổ chức, mã hồ sơ {code}, nội dung yêu cầu giải quyết: {procedure}.",
                received.map(|r| local_time(r, "%d/%m/%Y")).unwrap_or_default()
            )));
            blocks.push(field(
                "Thời gian hẹn trả kết quả giải quyết hồ sơ",
                desk.dossier.due_at.map(when).unwrap_or_default(),
            ));
            blocks.push(text(format!(
                "Tuy nhiên đến nay, {agency} chưa thể trả kết quả giải quyết hồ sơ cho ông/bà, tổ chức đúng hẹn."
            )));
            blocks.push(field("Lý do", data.reason.clone().unwrap_or_default()));
            blocks.push(text(format!(
                "Sự chậm trễ này gây phiền hà cho ông/bà, tổ chức. {agency} trân trọng xin lỗi ông/bà, tổ chức và hẹn trả kết quả giải quyết hồ sơ vào {}.",
                data.new_due.map(|d| d.format("%H giờ %M phút, ngày %d/%m/%Y").to_string()).unwrap_or_default()
            )));
            blocks.push(text("Xin trân trọng thông báo./."));
            blocks.push(Block::Space(6.0));
            blocks.push(official_signature("THỦ TRƯỞNG CƠ QUAN"));
        }
        LegalForm::Stop => {
            blocks.push(text(format!("Kính gửi: {}", applicant.name)));
            blocks.push(text(format!(
                "Ngày {}, {agency} tiếp nhận hồ sơ của ông/bà, tổ chức, mã hồ sơ {code}, nội dung yêu cầu giải quyết: {procedure}.",
                received.map(|r| local_time(r, "%d/%m/%Y")).unwrap_or_default()
            )));
            blocks.push(text(format!(
                "Ngày {}, ông/bà, tổ chức có yêu cầu dừng giải quyết hồ sơ.",
                local_time(signed_at, "%d/%m/%Y")
            )));
            blocks.push(text(format!(
                "{agency} thông báo dừng giải quyết hồ sơ nêu trên theo yêu cầu của người nộp hồ sơ. Hồ sơ (nếu có bản chính) được trả lại tại Bộ phận Tiếp nhận và Trả kết quả."
            )));
            // What the applicant wrote when asking, or the desk's note.
            let asked = event.map(|e| e.note.trim().to_string()).unwrap_or_default();
            if let Some(reason) = data
                .reason
                .clone()
                .or(Some(asked).filter(|a| !a.is_empty()))
            {
                blocks.push(field("Lý do dừng", reason));
            }
            blocks.push(text("Xin trân trọng thông báo./."));
            blocks.push(Block::Space(6.0));
            blocks.push(official_signature("NGƯỜI THÔNG BÁO"));
        }
        LegalForm::Control => {
            blocks.push(field("Mã hồ sơ", &code));
            blocks.push(field("Thủ tục", &procedure));
            blocks.push(field("Cơ quan chủ trì giải quyết", agency.clone()));
            let partners = co_handlers(app, &events).await?;
            blocks.push(field("Cơ quan phối hợp giải quyết", partners.join("; ")));
            blocks.push(field(
                "Thời gian tiếp nhận",
                received.map(when).unwrap_or_default(),
            ));
            blocks.push(field(
                "Thời gian hẹn trả kết quả",
                desk.due_at().map(when).unwrap_or_default(),
            ));
            blocks.push(Block::Table {
                widths: vec![2.4, 2.4, 1.9, 1.3, 2.0],
                header: vec![
                    "Bên giao".into(),
                    "Bên nhận".into(),
                    "Thời gian giao, nhận".into(),
                    "Kết quả".into(),
                    "Ghi chú".into(),
                ],
                rows: handover_rows(app, desk, &events).await?,
            });
            if let Some(timeliness) = &desk.dossier.timeliness {
                blocks.push(field(
                    "Kết quả giải quyết hồ sơ",
                    timeliness_label(timeliness),
                ));
            }
        }
    }
    Ok(Doc {
        title: format!("{} - {code}", form.title()),
        paper: Paper::A5,
        blocks,
    })
}

/// The number of a form: the register entry of the year for forms issued once the
/// dossier was received, the dossier's own number of the day before (so a form keeps
/// the number it was issued with).
fn number(desk: &DeskDossier, event: Option<&DossierEvent>) -> String {
    let received = desk.dossier.received_at;
    let after_receipt = match (event, received) {
        (Some(e), Some(r)) => e.at >= r,
        (None, Some(_)) => true,
        (_, None) => false,
    };
    match desk.dossier.register_no {
        Some(n) if after_receipt => n.to_string(),
        _ => {
            let tail = desk.dossier.code.rsplit('-').next().unwrap_or("");
            tail.trim_start_matches('0').to_string()
        }
    }
}

/// The labels of e-form fields, by id.
fn field_labels(desk: &DeskDossier, ids: &[String]) -> Vec<String> {
    let form = crate::procedures::form_of(&desk.entry);
    ids.iter()
        .map(|id| {
            form.steps
                .iter()
                .flat_map(|s| &s.fields)
                .find(|f| &f.id == id)
                .map(|f| f.label.clone())
                .unwrap_or_else(|| id.clone())
        })
        .collect()
}

async fn applicant(app: &App, desk: &DeskDossier) -> Result<Applicant, Error> {
    let db = &app.store().db;
    let account = match desk.dossier.applicant_id {
        Some(id) => db.account(id).await?,
        None => None,
    };
    let answers: Answers = serde_json::from_str(&desk.dossier.form_data).unwrap_or_default();
    let form = crate::procedures::form_of(&desk.entry);
    let places = app.places().await?;
    let address_field = form
        .steps
        .iter()
        .flat_map(|s| &s.fields)
        .find(|f| f.kind == FieldType::Address && answers.contains_key(&f.id));
    let mut address = address_field
        .map(|f| motcua_domain::eform::display(f, answers.get(&f.id), places.as_ref()))
        .unwrap_or_default();
    if address.is_empty()
        && let Some(account) = &account
    {
        address = db.profile(account.id).await?.address.unwrap_or_default();
    }
    let text = |key: &str| {
        answers
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    Ok(match account {
        Some(a) => Applicant {
            name: a.full_name,
            id_number: a.citizen_id.or(a.tax_code).unwrap_or_default(),
            address,
            phone: local_phone(&a.phone.unwrap_or_default()),
            email: a.email.unwrap_or_default(),
        },
        None => Applicant {
            name: text("ho_ten"),
            id_number: text("so_dinh_danh"),
            address,
            phone: text("dien_thoai"),
            email: text("email"),
        },
    })
}

/// Who filed the dossier for the applicant, if someone else did.
async fn proxy(app: &App, desk: &DeskDossier) -> Result<String, Error> {
    let db = &app.store().db;
    let filer = desk.dossier.assisted_by.or(desk.dossier.filed_by);
    Ok(match filer {
        Some(id) if Some(id) != desk.dossier.applicant_id => db
            .account(id)
            .await?
            .map(|a| {
                if desk.dossier.assisted_by.is_some() {
                    format!("{} (hỗ trợ nộp trực tuyến)", a.full_name)
                } else {
                    a.full_name
                }
            })
            .unwrap_or_default(),
        _ => String::new(),
    })
}

/// The agencies a dossier was transferred to.
async fn co_handlers(app: &App, events: &[DossierEvent]) -> Result<Vec<String>, Error> {
    let mut names = Vec::new();
    for event in events.iter().filter(|e| e.action == "transfer") {
        let data: EventData = serde_json::from_str(&event.data).unwrap_or_default();
        if let Some(code) = data.agency
            && let Some(agency) = app.store().db.agency_by_code(&code).await?
            && !names.contains(&agency.name)
        {
            names.push(agency.name);
        }
    }
    Ok(names)
}

/// One row per hand-over of the dossier: who gave it, who took it, when, and whether
/// the giver was early, on time or late.
pub async fn handover_rows(
    app: &App,
    desk: &DeskDossier,
    events: &[DossierEvent],
) -> Result<Vec<Vec<String>>, Error> {
    let db = &app.store().db;
    let mut names = std::collections::HashMap::new();
    let mut rows = Vec::new();
    for event in events {
        let handover = matches!(
            event.action.as_str(),
            "receive"
                | "confirm_payment"
                | "start_processing"
                | "hand_over"
                | "assign"
                | "submit_for_approval"
                | "approve"
                | "send_back"
                | "transfer"
                | "transfer_back"
                | "return_result"
        );
        if !handover {
            continue;
        }
        let data: EventData = serde_json::from_str(&event.data).unwrap_or_default();
        let mut name_of = async |id: Option<i64>| -> Result<String, Error> {
            let Some(id) = id else {
                return Ok(String::new());
            };
            if let Some(name) = names.get(&id) {
                return Ok(String::clone(name));
            }
            let name = db
                .account(id)
                .await?
                .map(|a| a.full_name)
                .unwrap_or_default();
            names.insert(id, name.clone());
            Ok(name)
        };
        let giver = name_of(event.actor_id).await?;
        let taker = match event.action.as_str() {
            "receive" | "confirm_payment" => "Bộ phận Tiếp nhận và Trả kết quả".to_string(),
            "return_result" => "Người nộp hồ sơ".to_string(),
            "transfer" | "transfer_back" => match &data.agency {
                Some(code) => db
                    .agency_by_code(code)
                    .await?
                    .map(|a| {
                        if event.action == "transfer" {
                            a.name
                        } else {
                            desk.agency.name.clone()
                        }
                    })
                    .unwrap_or_default(),
                None => String::new(),
            },
            _ => {
                let person = name_of(data.handed_to).await?;
                let step = data
                    .step
                    .and_then(|s| desk.workflow.steps.get(s as usize))
                    .map(|s| s.name.clone())
                    .unwrap_or_default();
                match (person.is_empty(), step.is_empty()) {
                    (false, false) => format!("{person} ({step})"),
                    (false, true) => person,
                    (true, _) => step,
                }
            }
        };
        let action = event
            .action
            .parse::<Action>()
            .map(|a| a.label().to_string())
            .unwrap_or_else(|_| match event.action.as_str() {
                "hand_over" => "Chuyển bước".into(),
                "assign" => "Giao xử lý".into(),
                "transfer" => "Chuyển liên thông".into(),
                "transfer_back" => "Trả lại sau liên thông".into(),
                other => other.into(),
            });
        let timeliness = data
            .timeliness
            .map(|t| timeliness_label(super::timeliness_name(t)).to_string())
            .unwrap_or_default();
        let note = [action, event.note.trim().to_string()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(": ");
        rows.push(vec![
            giver,
            taker,
            local_time(event.at, "%H:%M %d/%m/%Y"),
            timeliness,
            note,
        ]);
    }
    Ok(rows)
}
