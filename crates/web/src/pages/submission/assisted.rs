//! `/quan-tri/nop-ho-tro`: an official or volunteer at an access point files an online
//! dossier for a person who came in (their account, opened at the counter if needed).
//! The draft belongs to the person, is filled by the helper, and the dossier records
//! who assisted; the person follows it later from their own account.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_domain::validate::CitizenId;
use serde::Deserialize;

use motcua_store::accounts::Account;
use motcua_store::codes::{self, Purpose};

use super::online;
use super::start::first_step;
use super::{Opening, open_draft};
use crate::auth::CurrentSession;
use crate::catalog::short_name;
use crate::notify::{ChannelKind, Message};
use crate::pages::ways_in::{Undelivered, refusal_message, rejection_message, send_issued};
use crate::pages::{Layout, respond};
use crate::{AppError, AppState};

/// How long a consent code lives.
const CONSENT_TTL: i64 = 10 * 60;

#[derive(Template)]
#[template(path = "admin/assisted_filing.html")]
pub(crate) struct AssistedPage {
    layout: Layout,
    /// A paper dossier digitised at the desk, rather than online filing for someone.
    counter: bool,
    action: &'static str,
    csrf: String,
    message: Option<String>,
    citizen_id: String,
    id_error: Option<String>,
    procedure: String,
    procedure_error: Option<String>,
    procedures: Vec<(String, String)>,
    /// A consent code was sent to the person: where (masked), and the field's error.
    consent_to: Option<String>,
    consent_error: Option<String>,
}

fn page(state: &AppState, current: &CurrentSession) -> AssistedPage {
    filing_page(state, current, None)
}

/// The filing page: online filing for someone (any procedure filed online), or with
/// `counter_procedures`, a paper dossier at the desk (the procedures its agencies
/// perform, by code, whatever their channels).
pub(crate) fn filing_page(
    state: &AppState,
    current: &CurrentSession,
    counter_procedures: Option<&[String]>,
) -> AssistedPage {
    let catalog = state.catalog().current();
    let procedures = catalog
        .entries()
        .iter()
        .filter(|e| match counter_procedures {
            Some(codes) => codes.contains(&e.code),
            None => online(e),
        })
        .map(|e| {
            (
                e.code.clone(),
                format!("{} ({})", short_name(&e.name), e.code),
            )
        })
        .collect();
    let counter = counter_procedures.is_some();
    AssistedPage {
        layout: Layout::new(if counter {
            "Tiếp nhận hồ sơ trực tiếp"
        } else {
            "Nộp hồ sơ giúp người dân"
        }),
        counter,
        action: if counter {
            "/can-bo/tiep-nhan-truc-tiep"
        } else {
            "/quan-tri/nop-ho-tro"
        },
        csrf: current.session.csrf_token.clone(),
        message: None,
        citizen_id: String::new(),
        id_error: None,
        procedure: String::new(),
        procedure_error: None,
        procedures,
        consent_to: None,
        consent_error: None,
    }
}

/// `GET /quan-tri/nop-ho-tro`.
pub async fn form(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
) -> Result<Response, AppError> {
    respond(page(&state, &current), StatusCode::OK, None)
}

#[derive(Deserialize)]
pub(crate) struct AssistedForm {
    #[serde(default)]
    pub(crate) so_can_cuoc: String,
    #[serde(default)]
    pub(crate) thu_tuc: String,
    pub(crate) da_kiem_tra: Option<String>,
    /// The consent code the person read out (volunteers).
    #[serde(default)]
    pub(crate) ma_dong_y: String,
}

/// `POST /quan-tri/nop-ho-tro`: opens the person's draft, filled by the helper.
pub async fn start(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<AssistedForm>,
) -> Result<Response, AppError> {
    let view = page(&state, &current);
    open_for(&state, &current, view, form, None).await
}

/// The target a consent code is kept under: one helper, one person.
fn consent_target(helper: &crate::auth::Actor, person: &Account) -> String {
    format!("assist:{}:{}", helper.account.id, person.id)
}

/// A volunteer's consent step: without a code typed, sends one to the person's verified
/// phone (or else e-mail) and asks for it (false); with one, checks it (true when
/// right; false with the field's error otherwise).
async fn consent(
    state: &AppState,
    helper: &crate::auth::Actor,
    person: &Account,
    typed: &str,
    view: &mut AssistedPage,
) -> Result<bool, AppError> {
    let db = &state.store().db;
    let target = consent_target(helper, person);
    if !typed.trim().is_empty() {
        return Ok(
            match db
                .consume_code(Purpose::AssistConsent, &target, typed.trim())
                .await?
            {
                Ok(Some(id)) if id == person.id => true,
                Ok(_) => false,
                Err(rejection) => {
                    view.consent_to = Some(String::new());
                    view.consent_error = Some(rejection_message(rejection));
                    false
                }
            },
        );
    }
    let verification = db.verification(person.id).await?;
    let contact = match (
        &person.phone,
        verification.phone_verified_at,
        &person.email,
        verification.email_verified_at,
    ) {
        (Some(phone), Some(_), _, _) => Some((ChannelKind::Sms, phone.clone())),
        (_, _, Some(email), Some(_)) => Some((ChannelKind::Email, email.clone())),
        _ => None,
    };
    let Some((kind, to)) = contact else {
        view.message = Some("Người dân chưa có số điện thoại hay e-mail đã xác nhận để nhận mã đồng ý. Hãy nhờ cán bộ Bộ phận Một cửa đối chiếu thẻ căn cước và nộp giúp.".into());
        view.consent_error = Some(String::new());
        return Ok(false);
    };
    let code = codes::random_digits();
    let message = Message {
        to: to.clone(),
        subject: "Mã đồng ý cho người hỗ trợ nộp hồ sơ".into(),
        body: format!(
            "motcua: nguoi ho tro tai diem mot cua xin khai ho so giup ban. Neu ban dong y, doc ma {code} cho nguoi ho tro (hieu luc 10 phut). Neu ban khong o do, dung doc ma cho ai."
        ),
    };
    let issued = db
        .issue_code(
            Purpose::AssistConsent,
            &target,
            Some(person.id),
            &code,
            CONSENT_TTL,
        )
        .await?;
    let sent = send_issued(state, kind, issued, &message).await;
    match sent {
        Ok(()) => {
            let shown: String = to
                .chars()
                .rev()
                .take(3)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            view.consent_to = Some(format!("…{shown}"));
        }
        Err(Undelivered::Refused(refusal)) => {
            view.consent_to = Some(String::new());
            view.consent_error = Some(refusal_message(refusal));
        }
        Err(Undelivered::NotSent) => {
            view.message = Some("Hiện không gửi được mã đồng ý. Hãy nhờ cán bộ Bộ phận Một cửa đối chiếu thẻ căn cước và nộp giúp.".into());
            view.consent_error = Some(String::new());
        }
    }
    Ok(false)
}

/// Opens the person's draft for a helper, or (with `counter_agency`) a counter
/// dossier at that agency's desk.
pub(crate) async fn open_for(
    state: &AppState,
    current: &CurrentSession,
    mut view: AssistedPage,
    form: AssistedForm,
    counter_agency: Option<i64>,
) -> Result<Response, AppError> {
    let state = state.clone();
    let helper = current.signed_in()?;
    view.citizen_id = form.so_can_cuoc.trim().to_string();
    view.procedure = form.thu_tuc.clone();
    let db = &state.store().db;
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let person = match CitizenId::parse_as_of(&form.so_can_cuoc, year) {
        Ok(id) => db.account_by_citizen_id(id.as_str()).await?,
        Err(e) => {
            view.id_error = Some(e.to_string());
            None
        }
    };
    if view.id_error.is_none() && person.is_none() {
        view.message = Some(
            "Người này chưa có tài khoản. <a href=\"/quan-tri/mo-tai-khoan\">Mở tài khoản tại quầy</a> (sau khi đối chiếu thẻ căn cước), rồi quay lại đây.".into(),
        );
    }
    if form.da_kiem_tra.is_none() {
        view.id_error.get_or_insert_with(|| {
            "Hãy đối chiếu thẻ căn cước của người dân trước khi khai thay".into()
        });
    }
    let catalog = state.catalog().current();
    let entry = catalog
        .get(&form.thu_tuc)
        .filter(|e| counter_agency.is_some() || online(e));
    if entry.is_none() {
        view.procedure_error = Some(if counter_agency.is_some() {
            "Chọn một thủ tục trong danh sách".into()
        } else {
            "Chọn một thủ tục nộp trực tuyến được".into()
        });
    }
    let (Some(person), Some(entry), None) = (person, entry, &view.id_error) else {
        return respond(view, StatusCode::UNPROCESSABLE_ENTITY, None);
    };
    if person.kind != "citizen" {
        view.id_error = Some("Số căn cước này không phải của một tài khoản công dân".into());
        return respond(view, StatusCode::UNPROCESSABLE_ENTITY, None);
    }
    // Filling for someone shows their name, contacts and address: reception does it
    // after checking the ID card; a volunteer only with the person's consent, a code
    // sent to the person's own verified phone or e-mail and read out by them.
    let how = if motcua_app::access::at_reception(helper) {
        "đối chiếu thẻ căn cước"
    } else {
        match consent(&state, helper, &person, &form.ma_dong_y, &mut view).await? {
            true => "người dân đồng ý bằng mã",
            false => {
                let status = if view.consent_error.is_some() {
                    StatusCode::UNPROCESSABLE_ENTITY
                } else {
                    StatusCode::OK
                };
                return respond(view, status, None);
            }
        }
    };
    db.record_security_event(
        Some(person.id),
        "assisted_filing",
        "",
        &format!(
            "khai thay bởi {} (#{}), {how}",
            helper.account.full_name, helper.account.id
        ),
    )
    .await?;
    // The helper's own agency when it handles the procedure, else the first that does.
    let agencies = db.procedure_agency_ids(&entry.code).await?;
    let own: Vec<i64> = match counter_agency {
        Some(desk) => vec![desk],
        None => helper.roles.iter().filter_map(|r| r.agency_id).collect(),
    };
    let chosen = agencies.iter().find(|a| own.contains(a)).copied();
    let Some(agency) = chosen.or(agencies
        .first()
        .copied()
        .filter(|_| counter_agency.is_none()))
    else {
        view.procedure_error = Some(if counter_agency.is_some() {
            "Cơ quan của bạn không giải quyết thủ tục này".into()
        } else {
            "Chưa có cơ quan nào nhận thủ tục này trên cổng".into()
        });
        return respond(view, StatusCode::UNPROCESSABLE_ENTITY, None);
    };
    let draft = open_draft(
        state.app(),
        entry,
        Opening {
            applicant: person.id,
            filler: helper.account.id,
            prefill_from: person.id,
            assisted_by: counter_agency.is_none().then_some(helper.account.id),
            agency,
        },
    )
    .await?;
    if counter_agency.is_some() {
        db.mark_counter_draft(draft.id).await?;
    }
    Ok(Redirect::to(&first_step(&draft)).into_response())
}
