//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database and
//! the file storage work; 503 with the reason otherwise).

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
    database: String,
    storage: String,
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let store = state.store();
    let database = async {
        if let Some(path) = store.db.sqlite_path() {
            let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
            if let Some(dir) = dir {
                motcua_store::files::check_directory(dir)?;
            }
        }
        store.db.ping().await.map_err(|e| e.to_string())
    };
    let storage = store.files.check(&state.config().node_id);
    let (database, storage) = tokio::join!(database, storage);
    let ready = database.is_ok() && storage.is_ok();
    let describe = |r: Result<(), String>| r.map(|()| "ok".to_string()).unwrap_or_else(|e| e);
    let body = Readiness {
        status: if ready { "ready" } else { "unavailable" },
        database: describe(database),
        storage: describe(storage),
    };
    if !ready {
        tracing::warn!(database = %body.database, storage = %body.storage, "not ready");
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}
