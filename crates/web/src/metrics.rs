//! Prometheus metrics, served on their own listener so they are never exposed on the
//! public address by accident.

use std::sync::OnceLock;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::AppState;

const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide recorder (once) and returns its handle.
pub fn recorder() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".into()),
                LATENCY_BUCKETS,
            )
            .and_then(|builder| builder.install_recorder())
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "metrics recorder not installed; using a detached one");
                PrometheusBuilder::new().build_recorder().handle()
            })
    })
}

pub(crate) fn record_request(method: &str, route: &str, status: u16, elapsed: Duration) {
    let labels = [
        ("method", method.to_string()),
        ("route", route.to_string()),
        ("status", status.to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!(
        "http_request_duration_seconds",
        &[("method", method.to_string()), ("route", route.to_string())]
    )
    .record(elapsed.as_secs_f64());
}

/// The metrics listener's router: `GET /metrics`, and `GET /readyz` with details.
pub fn metrics_app(state: AppState) -> Router {
    recorder();
    Router::new()
        .route("/metrics", get(render))
        .route("/readyz", get(crate::health::readyz_details))
        .with_state(state)
}

async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let (size, idle) = state.store().db.pool_usage();
    let backend = state.store().db.backend().as_str();
    metrics::gauge!("db_pool_connections", "state" => "idle", "backend" => backend)
        .set(idle as f64);
    metrics::gauge!("db_pool_connections", "state" => "in_use", "backend" => backend)
        .set(size.saturating_sub(idle as u32) as f64);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        recorder().render(),
    )
}
