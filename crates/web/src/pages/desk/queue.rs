//! `GET /can-bo/ho-so`: the queue of the official's agencies. Online dossiers come
//! first (they have priority), then the soonest due; filters by state, channel, code,
//! "mine" and deadline; a count for every state.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use motcua_domain::dossier::{Channel, DossierState};
use motcua_store::desk::QueueFilter;
use serde::Deserialize;

use super::time_left;
use crate::auth::CurrentSession;
use crate::desk::desk_agencies;
use crate::pages::submission::state_label;
use crate::pages::{Layout, local_time, respond};
use crate::{AppError, AppState};

/// Deadline warnings this many hours ahead (two working days, roughly).
pub const WARNING_HOURS: i64 = 48;

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    trang_thai: String,
    #[serde(default)]
    kenh: String,
    #[serde(default)]
    ma: String,
    #[serde(default)]
    cua_toi: String,
    #[serde(default)]
    han: String,
}

pub struct Row {
    pub code: String,
    pub procedure: String,
    pub applicant: String,
    pub channel: String,
    pub online: bool,
    pub state: String,
    pub state_name: String,
    pub due: String,
    pub left: String,
    pub urgency: &'static str,
    pub mine: bool,
}

#[derive(Template)]
#[template(path = "desk/queue.html")]
struct QueuePage {
    layout: Layout,
    counts: Vec<(String, String, i64, bool)>,
    rows: Vec<Row>,
    code: String,
    channel: String,
    mine: bool,
    due_filter: String,
    title: String,
}

pub async fn show(
    State(state): State<AppState>,
    axum::Extension(current): axum::Extension<CurrentSession>,
    Query(query): Query<QueueQuery>,
) -> Result<Response, AppError> {
    let principal = current.signed_in()?;
    let agencies = desk_agencies(state.app(), principal).await?;
    let db = &state.store().db;
    let now = motcua_store::time::now_micros();
    let wanted_state = query
        .trang_thai
        .parse::<DossierState>()
        .ok()
        .map(|s| s.as_str());
    let states: Vec<&str> = wanted_state.into_iter().collect();
    let channel = query.kenh.parse::<Channel>().ok().map(|c| c.as_str());
    let code = query.ma.trim().chars().take(40).collect::<String>();
    let mine = query.cua_toi == "1";
    let due_before = match query.han.as_str() {
        "qua-han" => Some(now),
        "sap-den-han" => Some(now + WARNING_HOURS * 3_600_000_000),
        _ => None,
    };
    let entries = db
        .agency_queue(
            &agencies,
            &QueueFilter {
                states: &states,
                channel,
                holder: mine.then_some(principal.account.id),
                due_before,
                code: Some(code.as_str()).filter(|c| !c.is_empty()),
                limit: 200,
            },
        )
        .await?;
    let counted = db.agency_state_counts(&agencies).await?;
    let counts = DossierState::ALL
        .iter()
        .filter(|s| **s != DossierState::Draft)
        .map(|s| {
            let n = counted
                .iter()
                .find(|(name, _)| name == s.as_str())
                .map(|(_, n)| *n)
                .unwrap_or(0);
            (
                s.as_str().to_string(),
                s.label().to_string(),
                n,
                wanted_state == Some(s.as_str()),
            )
        })
        .collect();
    let rows = entries
        .into_iter()
        .map(|e| {
            let due = e.extended_due_at.or(e.due_at);
            let (left, urgency) = time_left(due, now);
            let channel = e.channel;
            Row {
                procedure: crate::catalog::short_name(&e.procedure_name),
                applicant: e.applicant_name.unwrap_or_default(),
                channel: channel.label().to_string(),
                online: channel.is_online(),
                state: e.state.label().to_string(),
                state_name: e.state.to_string(),
                due: due
                    .map(|d| local_time(d, "%H:%M %d/%m/%Y"))
                    .unwrap_or_default(),
                left,
                urgency,
                mine: e.holder_id == Some(principal.account.id),
                code: e.code,
            }
        })
        .collect();
    let title = match (wanted_state, query.han.as_str()) {
        (_, "qua-han") => "Hồ sơ quá hạn".to_string(),
        (_, "sap-den-han") => "Hồ sơ sắp đến hạn".to_string(),
        (Some(s), _) => format!("Hồ sơ {}", state_label(s).to_lowercase()),
        _ => "Hồ sơ đang giải quyết".to_string(),
    };
    let page = QueuePage {
        layout: Layout::new("Hồ sơ cần xử lý"),
        counts,
        rows,
        code,
        channel: channel.unwrap_or("").to_string(),
        mine,
        due_filter: query.han.clone(),
        title,
    };
    respond(page, StatusCode::OK, None)
}
