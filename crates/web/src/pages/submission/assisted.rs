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

use super::online;
use super::start::first_step;
use super::{Opening, open_draft};
use crate::auth::CurrentSession;
use crate::catalog::short_name;
use crate::pages::{Layout, respond};
use crate::{AppError, AppState};

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
