//! `GET /can-bo/ho-so/{code}`: a dossier as an official sees it: the facts and the
//! deadline, the actions their roles allow now, the e-form answers and its exports,
//! every attachment, the results, the legal forms issued, the full history with who did
//! what, notes between officials and messages to the applicant.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use motcua_domain::dossier::{Action, DossierState, EventData, Role};
use motcua_domain::eform::Answers;

use super::{action_label, time_left, timeliness_text};
use crate::auth::CurrentSession;
use crate::desk::forms::{LegalForm, issued};
use crate::desk::{DeskDossier, available, load, pass_on_command, roles_for};
use crate::pages::submission::form_of;
use crate::pages::submission::review::answer_rows;
use crate::pages::submission::state_label;
use crate::pages::{Layout, local_time, respond};
use crate::{AppError, AppState};

pub struct Event {
    pub at: String,
    pub what: String,
    pub who: String,
    pub detail: String,
}

pub struct NoteRow {
    pub at: String,
    pub author: String,
    pub body: String,
    pub internal: bool,
}

pub struct Official {
    pub id: i64,
    pub name: String,
}

#[derive(Template)]
#[template(path = "desk/dossier.html")]
pub struct DeskPage {
    pub layout: Layout,
    pub csrf: String,
    pub code: String,
    pub version: i64,
    pub procedure: String,
    pub state: String,
    pub state_name: String,
    pub step: String,
    pub holder: String,
    pub agency: String,
    pub working_agency: Option<String>,
    pub channel: String,
    pub applicant: String,
    pub submitted: String,
    pub received: String,
    pub due: String,
    pub left: String,
    pub urgency: &'static str,
    pub extended: String,
    pub timeliness: String,
    pub paused: bool,
    /// Buttons: (action name, label).
    pub actions: Vec<(String, String)>,
    pub pass_on: Option<String>,
    pub can_hand_over: bool,
    pub can_transfer: bool,
    pub can_transfer_back: bool,
    pub can_extend: bool,
    pub can_add_result: bool,
    pub supplement_requested: bool,
    pub next_officials: Vec<Official>,
    pub step_officials: Vec<Official>,
    pub transfer_agencies: Vec<(String, String)>,
    pub form_fields: Vec<(String, String)>,
    pub answers: Vec<(String, String)>,
    pub attachments: Vec<(i64, String, String)>,
    pub results: Vec<(i64, String, String)>,
    pub forms: Vec<(String, String)>,
    pub timeline: Vec<Event>,
    pub notes: Vec<NoteRow>,
    pub return_channels: Vec<(String, String)>,
    /// The drafted apology letter, when the dossier will be late: date, time, reason.
    pub apology: Option<(String, String, String)>,
}

/// `GET /can-bo/ho-so/{code}`.
pub async fn show(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let desk = load(state.app(), principal, &code).await?;
    let roles = roles_for(state.app(), principal, &desk.dossier).await?;
    let page = page(&state, &current, &desk, &roles).await?;
    respond(page, StatusCode::OK, None)
}

async fn names(
    state: &AppState,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    let mut names = std::collections::HashMap::new();
    for id in ids {
        if !names.contains_key(id)
            && let Some(account) = state.store().db.account(*id).await?
        {
            names.insert(*id, account.full_name);
        }
    }
    Ok(names)
}

/// The officials of an agency holding a role.
async fn officials(state: &AppState, agency: i64, role: Role) -> Result<Vec<Official>, AppError> {
    Ok(state
        .store()
        .db
        .officials_of(&[agency])
        .await?
        .into_iter()
        .filter(|(_, grant)| crate::desk::process_role(&grant.role) == Some(role))
        .map(|(account, _)| Official {
            id: account.id,
            name: account.full_name,
        })
        .collect())
}

pub async fn page(
    state: &AppState,
    current: &CurrentSession,
    desk: &DeskDossier,
    roles: &[Role],
) -> Result<DeskPage, AppError> {
    let db = &state.store().db;
    let dossier = &desk.dossier;
    let now = motcua_store::time::now_micros();
    let events = db.dossier_events(dossier.id).await?;
    let mut people: Vec<i64> = events.iter().filter_map(|e| e.actor_id).collect();
    people.extend(dossier.applicant_id);
    people.extend(dossier.holder_id);
    for event in &events {
        if let Ok(data) = serde_json::from_str::<EventData>(&event.data) {
            people.extend(data.handed_to);
        }
    }
    let names = names(state, &people).await?;
    let name = |id: Option<i64>| id.and_then(|i| names.get(&i).cloned()).unwrap_or_default();
    let timeline = events
        .iter()
        .map(|e| {
            let data: EventData = serde_json::from_str(&e.data).unwrap_or_default();
            let mut detail: Vec<String> = Vec::new();
            if !data.missing_items.is_empty() {
                detail.push(format!("Cần bổ sung: {}", data.missing_items.join("; ")));
            }
            if let Some(reason) = &data.reason {
                detail.push(format!("Lý do: {reason}"));
            }
            if let Some(to) = data.handed_to {
                detail.push(format!("Giao cho: {}", name(Some(to))));
            }
            if let Some(step) = data.step.and_then(|s| desk.workflow.steps.get(s as usize)) {
                detail.push(format!("Bước: {}", step.name));
            }
            if let Some(agency) = &data.agency {
                detail.push(format!("Cơ quan: {agency}"));
            }
            if let Some(channel) = data.return_channel {
                detail.push(format!("Hình thức: {}", channel.label()));
            }
            if let Some(number) = &data.tracking_number {
                detail.push(format!("Mã bưu gửi: {number}"));
            }
            if let Some(new_due) = data.new_due {
                detail.push(format!("Hẹn lại: {}", new_due.format("%H:%M %d/%m/%Y")));
            }
            if let Some(t) = data.timeliness {
                detail.push(timeliness_text(Some(crate::desk::timeliness_name(t))));
            }
            if !e.note.is_empty() {
                detail.push(e.note.clone());
            }
            Event {
                at: local_time(e.at, "%H:%M %d/%m/%Y"),
                what: format!("{} → {}", action_label(&e.action), state_label(&e.to_state)),
                who: name(e.actor_id),
                detail: detail.join(" · "),
            }
        })
        .collect();
    let actions_now = available(desk, roles);
    let pass_on = pass_on_command(desk)
        .map(|c| c.action())
        .filter(|a| actions_now.contains(a))
        .map(|a| a.label().to_string());
    let step = dossier.step as usize;
    let next_step = desk.workflow.steps.get(step + 1).map(|s| s.role);
    let current_role = desk.workflow.steps.get(step).map(|s| s.role);
    let can_hand_over = pass_on.is_none() && crate::desk::can_pass_on(desk, roles);
    let working = desk.working_agency.id;
    let next_officials = match (pass_on_command(desk).map(|c| c.action()), next_step) {
        (Some(Action::StartProcessing), _) => {
            officials(
                state,
                working,
                desk.workflow
                    .steps
                    .first()
                    .map(|s| s.role)
                    .unwrap_or(Role::Specialist),
            )
            .await?
        }
        (Some(Action::SubmitForApproval), Some(role)) => officials(state, working, role).await?,
        (None, Some(role)) if can_hand_over => officials(state, working, role).await?,
        _ => Vec::new(),
    };
    let step_officials = match (desk.state(), current_role) {
        (s, _) if s.is_final() => Vec::new(),
        (DossierState::Submitted | DossierState::Received | DossierState::ResultReady, _) => {
            officials(state, working, Role::ReceptionDesk).await?
        }
        (_, Some(role)) => officials(state, working, role).await?,
        _ => Vec::new(),
    };
    let processing_roles = roles
        .iter()
        .any(|r| matches!(r, Role::Specialist | Role::Leader));
    let can_transfer = desk.state() == DossierState::InProcessing
        && dossier.handling_agency_id.is_none()
        && processing_roles;
    let can_transfer_back = dossier.handling_agency_id.is_some() && !desk.state().is_final();
    let transfer_agencies = if can_transfer {
        db.agencies()
            .await?
            .into_iter()
            .filter(|a| a.id != desk.agency.id)
            .map(|a| (a.code, a.name))
            .collect()
    } else {
        Vec::new()
    };
    let can_extend = dossier.extended_due_at.is_none()
        && dossier.due_at.is_some()
        && dossier.finished_at.is_none()
        && !desk.state().is_final()
        && roles
            .iter()
            .any(|r| matches!(r, Role::Leader | Role::ReceptionDesk | Role::Specialist));
    let can_add_result = matches!(
        desk.state(),
        DossierState::InProcessing | DossierState::AwaitingApproval | DossierState::ResultReady
    ) && !roles.is_empty();
    let form = form_of(&desk.entry);
    let answers_map: Answers = serde_json::from_str(&dossier.form_data).unwrap_or_default();
    let places = state.places().await?;
    let fields: Vec<_> = form.steps.iter().flat_map(|s| s.fields.clone()).collect();
    let form_fields = fields
        .iter()
        .map(|f| (f.id.clone(), f.label.clone()))
        .collect();
    let attachments = db
        .dossier_attachments(dossier.id)
        .await?
        .into_iter()
        .map(|(slot, d)| {
            let slot_name = desk
                .entry
                .documents
                .get(slot as usize)
                .map(|doc| doc.name.chars().take(100).collect())
                .unwrap_or_else(|| format!("Giấy tờ {slot}"));
            (d.id, slot_name, d.file_name)
        })
        .collect();
    let mut results = Vec::new();
    for r in db.results(dossier.id).await? {
        let by = db
            .account(r.added_by)
            .await?
            .map(|a| a.full_name)
            .unwrap_or_default();
        let detail = format!(
            "{} · {} · {}",
            r.file_name,
            by,
            local_time(r.added_at, "%H:%M %d/%m/%Y")
        );
        results.push((r.id, r.title, detail));
    }
    let forms = issued(desk, &events)
        .into_iter()
        .map(|f: LegalForm| (f.number().to_string(), f.title().to_string()))
        .collect();
    let notes = db
        .notes(dossier.id, true)
        .await?
        .into_iter()
        .map(|n| NoteRow {
            at: local_time(n.created_at, "%H:%M %d/%m/%Y"),
            author: n.author_name,
            body: n.body,
            internal: n.audience == "officials",
        })
        .collect();
    let due = desk.due_at();
    let (left, urgency) = if dossier.finished_at.is_some() || desk.state().is_final() {
        (String::new(), "")
    } else {
        time_left(due, now)
    };
    let supplement_requested = events.iter().any(|e| e.action == "request_supplement");
    let calendar = db.working_calendar(Some(&desk.agency.code)).await?;
    let apology = crate::desk::apology_draft(desk, &calendar, crate::desk::now()).map(|d| {
        (
            d.new_due.format("%Y-%m-%d").to_string(),
            d.new_due.format("%H:%M").to_string(),
            d.reason,
        )
    });
    let actions = actions_now
        .iter()
        .filter(|a| Some(**a) != pass_on_command(desk).map(|c| c.action()) || pass_on.is_none())
        .map(|a| (a.as_str().to_string(), a.label().to_string()))
        .collect();
    Ok(DeskPage {
        layout: Layout::new(&format!("Hồ sơ {}", dossier.code)),
        csrf: current.session.csrf_token.clone(),
        code: dossier.code.clone(),
        version: dossier.version,
        procedure: desk.entry.name.clone(),
        state: desk.state().label().to_string(),
        state_name: desk.state().as_str().to_string(),
        step: desk.step_name().unwrap_or("").to_string(),
        holder: name(dossier.holder_id),
        agency: desk.agency.name.clone(),
        working_agency: dossier
            .handling_agency_id
            .map(|_| desk.working_agency.name.clone()),
        channel: dossier.channel.label().to_string(),
        applicant: name(dossier.applicant_id),
        submitted: dossier
            .submitted_at
            .map(|t| local_time(t, "%H:%M %d/%m/%Y"))
            .unwrap_or_default(),
        received: dossier
            .received_at
            .map(|t| local_time(t, "%H:%M %d/%m/%Y"))
            .unwrap_or_default(),
        due: dossier
            .due_at
            .map(|t| local_time(t, "%H:%M %d/%m/%Y"))
            .unwrap_or_default(),
        left,
        urgency,
        extended: dossier
            .extended_due_at
            .map(|t| local_time(t, "%H:%M %d/%m/%Y"))
            .unwrap_or_default(),
        timeliness: timeliness_text(dossier.timeliness.as_deref()),
        paused: desk.flow.clock().is_some_and(|c| c.is_paused()),
        actions,
        pass_on,
        can_hand_over,
        can_transfer,
        can_transfer_back,
        can_extend,
        can_add_result,
        supplement_requested,
        next_officials,
        step_officials,
        transfer_agencies,
        form_fields,
        answers: answer_rows(&fields, &answers_map, places.as_ref()),
        attachments,
        results,
        forms,
        timeline,
        notes,
        return_channels: motcua_domain::dossier::ReturnChannel::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), c.label().to_string()))
            .collect(),
        apology,
    })
}
