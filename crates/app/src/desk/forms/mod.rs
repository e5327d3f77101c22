//! The one-stop forms of Circular 03/2025/TT-VPCP, filled from the dossier and its
//! history: 01 receipt and appointment, 02 supplementation request, 03 refusal, 04
//! apology and new appointment, 05 notice of stopping, 06 process control sheet. Each
//! is an A5 [`Doc`], written out as PDF or DOCX with the same text.

mod bodies;

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

/// What the body of a form reads: the dossier, its events and the event the form is
/// issued for, the applicant and who signs.
struct Sheet<'a> {
    app: &'a App,
    desk: &'a DeskDossier,
    events: &'a [DossierEvent],
    event: Option<&'a DossierEvent>,
    data: &'a EventData,
    applicant: &'a Applicant,
    signer: &'a str,
    signed_at: i64,
}

impl Sheet<'_> {
    /// The signature block of the official who issues the form.
    fn signature(&self, title: &str) -> Block {
        Block::Right {
            lines: vec![
                (title.to_string(), true),
                ("(Ký, ghi rõ họ tên)".into(), false),
                (String::new(), false),
                (String::new(), false),
                (self.signer.to_string(), true),
            ],
        }
    }
}

/// Builds form `form` of a dossier: the heading every form shares, then its body;
/// "not found" when its event has not happened.
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
    let sheet = Sheet {
        app,
        desk,
        events: &events,
        event,
        data: &data,
        applicant: &applicant,
        signer: &signer,
        signed_at,
    };
    blocks.extend(match form {
        LegalForm::Receipt => bodies::receipt(&sheet).await?,
        LegalForm::Supplementation => bodies::supplementation(&sheet),
        LegalForm::Refusal => bodies::refusal(&sheet),
        LegalForm::Apology => bodies::apology(&sheet),
        LegalForm::Stop => bodies::stop(&sheet),
        LegalForm::Control => bodies::control(&sheet).await?,
    });
    let code = &desk.dossier.code;
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
