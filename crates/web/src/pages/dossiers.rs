//! "My dossiers" (`/ho-so`): a count for every state, what needs the person's action
//! on top, every dossier and draft; and one dossier (`/ho-so/{code}`): its state, what
//! is asked of the person, the dates, the full timeline, the answers and documents.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use motcua_domain::dossier::DossierState;
use motcua_domain::eform::Answers;

use super::submission::review::answer_rows;
use super::submission::{
    applicant_accounts, form_of, state_label as label, version_entry, version_name,
};
use super::{Layout, local_time, respond};
use crate::auth::CurrentSession;
use crate::{AppError, AppState};

struct Row {
    href: String,
    title: String,
    code: String,
    state: String,
    when: String,
}

#[derive(Template)]
#[template(path = "dossiers/list.html")]
struct ListPage {
    layout: Layout,
    counts: Vec<(&'static str, &'static str, usize)>,
    actions: Vec<Row>,
    all: Vec<Row>,
}

/// States in which the applicant has something to do.
const NEEDS_ACTION: &[DossierState] = &[
    DossierState::AwaitingSupplementation,
    DossierState::AwaitingPayment,
    DossierState::ResultReady,
];

/// `GET /ho-so`.
pub async fn list(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let db = &state.store().db;
    let applicants = applicant_accounts(&state, principal).await?;
    let dossiers = db.dossiers_of_applicants(&applicants).await?;
    let drafts = db.drafts_of(&applicants).await?;
    let counts = DossierState::ALL
        .iter()
        .map(|s| {
            let count = if *s == DossierState::Draft {
                drafts.len()
            } else {
                dossiers.iter().filter(|d| d.state == *s).count()
            };
            (s.as_str(), s.label(), count)
        })
        .collect();
    let mut draft_rows = Vec::new();
    for draft in &drafts {
        let name = version_name(&state, draft.procedure_version_id).await?;
        draft_rows.push(Row {
            href: format!("/ho-so-nhap/{}", draft.public_id),
            title: name,
            code: "Chưa nộp".into(),
            state: DossierState::Draft.label().into(),
            when: format!(
                "lưu lúc {}, giữ đến {}",
                local_time(draft.updated_at, "%H:%M %d/%m/%Y"),
                local_time(draft.expires_at, "%d/%m/%Y")
            ),
        });
    }
    let row = |d: &motcua_store::drafts::DossierSummary| Row {
        href: format!("/ho-so/{}", d.code),
        title: d.procedure_name.clone(),
        code: d.code.clone(),
        state: label(d.state.as_str()),
        when: match (d.due_at, d.submitted_at) {
            (Some(due), _) => format!("hẹn trả {}", local_time(due, "%d/%m/%Y")),
            (None, Some(at)) => format!("nộp {}", local_time(at, "%d/%m/%Y")),
            _ => String::new(),
        },
    };
    let actions = dossiers
        .iter()
        .filter(|d| NEEDS_ACTION.contains(&d.state))
        .map(row)
        .collect();
    let mut all = draft_rows;
    all.extend(dossiers.iter().map(row));
    let page = ListPage {
        layout: Layout::new("Hồ sơ của tôi"),
        counts,
        actions,
        all,
    };
    respond(page, StatusCode::OK, None)
}

#[derive(Template)]
#[template(path = "dossiers/show.html")]
struct DossierPage {
    layout: Layout,
    csrf: String,
    version: i64,
    can_supplement: bool,
    can_withdraw: bool,
    can_stop: bool,
    /// Forms issued to the applicant: (number, title).
    forms: Vec<(String, String)>,
    /// Result files, once returned electronically: (id, title, file name).
    results: Vec<(i64, String, String)>,
    /// Messages from the officials: (when, text).
    messages: Vec<(String, String)>,
    paused: bool,
    can_rate: bool,
    rating: Option<(i64, String)>,
    code: String,
    procedure: String,
    state: String,
    state_name: String,
    todo: Option<String>,
    agency: String,
    submitted: Option<String>,
    due: Option<String>,
    channel: String,
    timeline: Vec<(String, String, String)>,
    answers: Vec<(String, String)>,
    documents: Vec<(String, String)>,
}

/// What the applicant is asked to do in a state.
fn todo(state: &str) -> Option<String> {
    Some(
        match state.parse::<DossierState>().ok()? {
            DossierState::AwaitingPayment => "Thanh toán phí, lệ phí để hồ sơ được tiếp nhận.",
            DossierState::AwaitingSupplementation => {
                "Bổ sung hồ sơ theo yêu cầu của cơ quan (xem diễn biến bên dưới)."
            }
            DossierState::ResultReady => "Kết quả đã có: nhận theo hình thức bạn đã chọn.",
            _ => return None,
        }
        .to_string(),
    )
}

/// `GET /ho-so/{code}`: one of the person's dossiers.
pub async fn show(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let db = &state.store().db;
    // Someone else's dossier is "not found" (and the attempt logged).
    let dossier = motcua_app::dossiers::visible(state.app(), principal, &code).await?;
    let entry = version_entry(&state, dossier.procedure_version_id).await?;
    let agency = db
        .agency(dossier.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let submitted_at = dossier.submitted_at;
    let timeline = motcua_app::dossiers::timeline(state.app(), dossier.id)
        .await?
        .into_iter()
        .map(|m| {
            (
                local_time(m.at, "%H:%M %d/%m/%Y"),
                format!("{} → {}", m.label, m.state_label),
                m.note,
            )
        })
        .collect();
    let form = form_of(&entry);
    let answers: Answers = serde_json::from_str(&dossier.form_data).unwrap_or_default();
    let places = state.places().await?;
    let fields: Vec<_> = form.steps.iter().flat_map(|s| s.fields.clone()).collect();
    let documents = db
        .dossier_attachments(dossier.id)
        .await?
        .into_iter()
        .map(|(slot, d)| {
            let name = entry
                .documents
                .get(slot as usize)
                .map(|doc| doc.name.chars().take(100).collect())
                .unwrap_or_else(|| format!("Giấy tờ {slot}"));
            (name, d.file_name)
        })
        .collect();
    // Actions are the applicant's (officials act in the back office).
    let applicant = dossier
        .applicant_id
        .is_some_and(|id| id == principal.account.id)
        || match dossier.applicant_id {
            Some(id) => super::submission::applicant_accounts(&state, principal)
                .await?
                .contains(&id),
            None => false,
        };
    let rating = db.dossier_rating(dossier.id).await?;
    // The back office's view (forms issued, the clock); a record it cannot rebuild
    // still shows, without them.
    let desk = match crate::desk::describe(state.app(), dossier.clone()).await {
        Ok(desk) => Some(desk),
        Err(e) => {
            tracing::warn!(error = ?e, dossier = %dossier.code, "dossier state not rebuilt");
            None
        }
    };
    let events = db.dossier_events(dossier.id).await?;
    let forms = match &desk {
        Some(desk) => crate::desk::forms::issued(desk, &events)
            .into_iter()
            .filter(|f| f.for_applicant())
            .map(|f| (f.number().to_string(), f.title().to_string()))
            .collect(),
        None => Vec::new(),
    };
    let results = if dossier.state == DossierState::Returned {
        db.results(dossier.id)
            .await?
            .into_iter()
            .map(|r| (r.id, r.title, r.file_name))
            .collect()
    } else {
        Vec::new()
    };
    let messages = db
        .notes(dossier.id, false)
        .await?
        .into_iter()
        .map(|n| (local_time(n.created_at, "%H:%M %d/%m/%Y"), n.body))
        .collect();
    let due_at = match &desk {
        Some(desk) => desk.due_at(),
        None => dossier.due_at,
    };
    let page = DossierPage {
        layout: Layout::new(&format!("Hồ sơ {}", dossier.code)),
        csrf: current.session.csrf_token.clone(),
        version: dossier.version,
        can_supplement: applicant && dossier.state == DossierState::AwaitingSupplementation,
        can_withdraw: applicant && super::dossier_actions::can_withdraw(&dossier, &entry),
        can_rate: applicant && motcua_app::dossiers::can_rate(dossier.state),
        can_stop: applicant
            && motcua_app::applicant::may(&dossier, &entry, motcua_domain::dossier::Action::Stop),
        forms,
        results,
        messages,
        paused: desk
            .as_ref()
            .and_then(|d| d.flow.clock())
            .is_some_and(|c| c.is_paused()),
        rating,
        procedure: entry.name.clone(),
        state: label(dossier.state.as_str()),
        todo: todo(dossier.state.as_str()),
        state_name: dossier.state.as_str().to_string(),
        agency: agency.name,
        submitted: submitted_at.map(|at| local_time(at, "%H:%M %d/%m/%Y")),
        due: due_at.map(|at| local_time(at, "%H:%M %d/%m/%Y")),
        channel: dossier.channel.label().to_string(),
        timeline,
        answers: answer_rows(&fields, &answers, places.as_ref()),
        documents,
        code: dossier.code,
    };
    respond(page, StatusCode::OK, None)
}
