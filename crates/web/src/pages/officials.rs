//! `/quan-tri/can-bo`: agency administrators give and take the roles of officials in
//! their agencies (system administrators in every agency). Nobody changes their own
//! roles here, and every change is a security event naming who made it.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_store::Db;
use serde::Deserialize;

use super::ways_in::{field_error, push};
use super::{Layout, respond};
use crate::auth::Actor;
use crate::auth::CurrentSession;
use crate::pages::account::client_ip;
use crate::{AppError, AppState, FieldError};

/// The roles given here (system administrators are made from the command line).
pub const ROLES: &[(&str, &str)] = &[
    ("reception", "Tiếp nhận hồ sơ (một cửa)"),
    ("specialist", "Chuyên viên xử lý"),
    ("leader", "Lãnh đạo"),
    ("agency_admin", "Quản trị cơ quan"),
    ("volunteer", "Tình nguyện viên hỗ trợ"),
];

struct Row {
    account_id: i64,
    name: String,
    email: String,
    role: String,
    role_label: &'static str,
    agency_id: i64,
    agency: String,
    revocable: bool,
}

#[derive(Template)]
#[template(path = "admin/officials.html")]
struct OfficialsPage {
    layout: Layout,
    csrf: String,
    everything: bool,
    notice: Option<String>,
    email: String,
    role: String,
    agency: i64,
    roles: &'static [(&'static str, &'static str)],
    agencies: Vec<(i64, String)>,
    rows: Vec<Row>,
    fields: Vec<FieldError>,
}

impl OfficialsPage {
    fn error_of(&self, field: &str) -> Option<&str> {
        field_error(&self.fields, field)
    }
}

/// The agencies a principal manages, with their names.
async fn managed_agencies(db: &Db, principal: &Actor) -> Result<Vec<(i64, String)>, AppError> {
    Ok(crate::auth::policy::managed_agencies(db, principal)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

async fn page(state: &AppState, current: &CurrentSession) -> Result<OfficialsPage, AppError> {
    let principal = current.signed_in()?;
    let db = &state.store().db;
    let agencies = managed_agencies(db, principal).await?;
    let ids: Vec<i64> = agencies.iter().map(|(id, _)| *id).collect();
    let rows = db
        .officials_of(&ids)
        .await?
        .into_iter()
        .filter_map(|(account, grant)| {
            let agency_id = grant.agency_id?;
            let role_label = ROLES.iter().find(|(r, _)| *r == grant.role)?.1;
            Some(Row {
                revocable: account.id != principal.account.id,
                account_id: account.id,
                name: account.full_name,
                email: account.email.unwrap_or_default(),
                role: grant.role,
                role_label,
                agency_id,
                agency: agencies
                    .iter()
                    .find(|(id, _)| *id == agency_id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
            })
        })
        .collect();
    Ok(OfficialsPage {
        layout: Layout::new("Cán bộ và vai trò"),
        csrf: current.session.csrf_token.clone(),
        everything: principal.is_system_admin(),
        notice: None,
        email: String::new(),
        role: "specialist".into(),
        agency: ids.first().copied().unwrap_or(0),
        roles: ROLES,
        agencies,
        rows,
        fields: Vec::new(),
    })
}

/// `GET /quan-tri/can-bo`.
pub async fn list(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
) -> Result<Response, AppError> {
    respond(page(&state, &current).await?, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    vai_tro: String,
    #[serde(default)]
    co_quan: String,
}

/// `POST /quan-tri/can-bo`: gives a role at an agency to an official.
pub async fn grant(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<GrantForm>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let db = &state.store().db;
    let mut view = page(&state, &current).await?;
    view.email = form.email.trim().to_string();
    view.role = form.vai_tro.clone();
    let mut fields = Vec::new();
    let role = ROLES.iter().find(|(r, _)| *r == form.vai_tro);
    if role.is_none() {
        push(&mut fields, "vai_tro", "Chọn vai trò trong danh sách");
    }
    let agency = form
        .co_quan
        .parse::<i64>()
        .ok()
        .and_then(|id| view.agencies.iter().find(|(a, _)| *a == id).cloned());
    match &agency {
        Some((id, _)) => view.agency = *id,
        None => push(
            &mut fields,
            "co_quan",
            "Chọn một cơ quan trong phạm vi bạn quản lý",
        ),
    }
    let email = view.email.to_lowercase();
    let target = match db.account_by_email(&email).await? {
        Some(account) if account.kind == "official" => {
            if account.id == principal.account.id {
                push(
                    &mut fields,
                    "email",
                    "Bạn không tự đổi vai trò của mình được; hãy nhờ quản trị cấp trên",
                );
                None
            } else {
                Some(account)
            }
        }
        Some(_) => {
            push(
                &mut fields,
                "email",
                "Tài khoản này không phải tài khoản cán bộ",
            );
            None
        }
        None => {
            push(
                &mut fields,
                "email",
                "Không có tài khoản cán bộ với e-mail này",
            );
            None
        }
    };
    let (Some(target), Some((role, label)), Some((agency_id, agency_name)), true) =
        (target, role, agency, fields.is_empty())
    else {
        view.fields = fields;
        return respond(view, StatusCode::UNPROCESSABLE_ENTITY, None);
    };
    let new = db.grant_role(target.id, Some(agency_id), role).await?;
    if new {
        db.record_security_event(
            Some(target.id),
            "role_granted",
            &client_ip(&addr),
            &format!(
                "{label} tại {agency_name}, do {} (#{}) giao",
                principal.account.full_name, principal.account.id
            ),
        )
        .await?;
    }
    let mut view = page(&state, &current).await?;
    view.notice = Some(if new {
        format!(
            "Đã giao vai trò {label} tại {agency_name} cho {}.",
            target.full_name
        )
    } else {
        format!("{} đã có vai trò này.", target.full_name)
    });
    respond(view, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    tai_khoan: String,
    #[serde(default)]
    vai_tro: String,
    #[serde(default)]
    co_quan: String,
}

/// `POST /quan-tri/can-bo/thu-hoi`: takes a role back.
pub async fn revoke(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let db = &state.store().db;
    let (Ok(account_id), Ok(agency_id)) =
        (form.tai_khoan.parse::<i64>(), form.co_quan.parse::<i64>())
    else {
        return Err(AppError::NotFound);
    };
    let Some((_, label)) = ROLES.iter().find(|(r, _)| *r == form.vai_tro) else {
        return Err(AppError::NotFound);
    };
    let agencies = managed_agencies(db, principal).await?;
    let Some((_, agency_name)) = agencies.iter().find(|(id, _)| *id == agency_id) else {
        tracing::warn!(
            account = principal.account.id,
            agency_id,
            "role change outside scope refused"
        );
        return Err(AppError::Forbidden);
    };
    if account_id == principal.account.id {
        return Err(AppError::Forbidden);
    }
    if db
        .revoke_role(account_id, Some(agency_id), &form.vai_tro)
        .await?
    {
        db.record_security_event(
            Some(account_id),
            "role_revoked",
            &client_ip(&addr),
            &format!(
                "{label} tại {agency_name}, do {} (#{}) thu hồi",
                principal.account.full_name, principal.account.id
            ),
        )
        .await?;
    }
    Ok(Redirect::to("/quan-tri/can-bo").into_response())
}
