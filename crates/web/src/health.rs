//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database and
//! the file storage work; 503 otherwise, with the reasons on the metrics listener).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::AppState;

#[derive(Serialize)]
pub struct Health {
    status: &'static str,
}

pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

#[derive(Serialize)]
pub struct Readiness {
    status: &'static str,
    /// Details for operators (the metrics listener only).
    #[serde(skip_serializing_if = "Option::is_none")]
    database: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    storage: Option<String>,
}

/// `GET /readyz` on the portal: the status only, from checks that write nothing (the
/// database answers; a local data or file directory is usable), so anyone may call
/// it as often as a load balancer does. Reasons go to the log and to the metrics
/// listener's `/readyz`.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let store = state.store();
    let database = database_check(&state).await;
    let storage = match store.files.local_dir() {
        Some(dir) => motcua_store::files::check_directory(dir),
        None => Ok(()),
    };
    answer(database, storage, false)
}

/// `GET /readyz` on the metrics listener: the full probe (the storage is written,
/// read back and cleaned), with the reason of each failure.
pub async fn readyz_details(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let storage = state.store().files.check(&state.config().node_id);
    let (database, storage) = tokio::join!(database_check(&state), storage);
    answer(database, storage, true)
}

async fn database_check(state: &AppState) -> Result<(), String> {
    let store = state.store();
    if let Some(path) = store.db.sqlite_path() {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(dir) = dir {
            motcua_store::files::check_directory(dir)?;
        }
    }
    store.db.ping().await.map_err(|e| e.to_string())
}

fn answer(
    database: Result<(), String>,
    storage: Result<(), String>,
    details: bool,
) -> (StatusCode, Json<Readiness>) {
    let ready = database.is_ok() && storage.is_ok();
    let describe = |r: Result<(), String>| r.map(|()| "ok".to_string()).unwrap_or_else(|e| e);
    let (database, storage) = (describe(database), describe(storage));
    if !ready {
        tracing::warn!(%database, %storage, "not ready");
    }
    let body = Readiness {
        status: if ready { "ready" } else { "unavailable" },
        database: details.then_some(database),
        storage: details.then_some(storage),
    };
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}
