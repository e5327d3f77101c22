//! Submission throughput and latency (a benchmark, not a timed test: ignored by
//! default). Run it in release mode:
//!
//! ```sh
//! MOTCUA_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//!   cargo test --release -p motcua --test load -- --ignored --nocapture
//! ```
//!
//! It prepares `MOTCUA_LOAD_SUBMISSIONS` (default 2,000) complete drafts, then 32
//! clients on the same machine submit them through the JSON API on 127.0.0.1, each
//! taking the next draft as soon as its previous answer came. It prints submissions per
//! second and the latency percentiles, for SQLite and (when configured) PostgreSQL.
//! Bounded: every request has a 30 s timeout and the run stops after 5 minutes.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{TestApp, backends};
use motcua_store::drafts::NewDraft;

const CLIENTS: usize = 32;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
async fn submission_throughput() {
    let total: usize = std::env::var("MOTCUA_LOAD_SUBMISSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    for backend in backends() {
        let app = TestApp::start_with(
            backend,
            |c| motcua::config::Config {
                database_max_connections: 32,
                ..c
            },
            Default::default(),
        )
        .await;
        let db = app.db.connect().await;
        let an = db
            .account_by_citizen_id("056090001234")
            .await
            .unwrap()
            .unwrap();
        let agency = db.agency_by_code("000.01.66.H34").await.unwrap().unwrap();
        let version = db.current_procedure("1.004873").await.unwrap().unwrap();
        let (token, _) = db
            .create_api_token(an.id, "đo tải", &["dossiers:write"], 3_600_000_000)
            .await
            .unwrap();
        // Complete drafts of the marital status certificate (no document required).
        let answers = common::marital_answers("Để vay vốn ngân hàng");
        let mut ids = Vec::with_capacity(total);
        for _ in 0..total {
            let draft = db
                .create_draft(&NewDraft {
                    account_id: an.id,
                    created_by: an.id,
                    assisted_by: None,
                    procedure_version_id: version.version_id,
                    agency_id: agency.id,
                    answers: &answers,
                    first_step: "nguoi_duoc_xac_nhan",
                    ttl_micros: 3_600_000_000,
                })
                .await
                .unwrap();
            ids.push(draft.public_id);
        }
        let ids = Arc::new(ids);
        let next = Arc::new(AtomicUsize::new(0));
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(CLIENTS)
            .build()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(300);
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..CLIENTS {
            let (ids, next, client, token) =
                (ids.clone(), next.clone(), client.clone(), token.clone());
            let base = app.base.clone();
            workers.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failures = 0usize;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= ids.len() || Instant::now() > deadline {
                        break;
                    }
                    let sent = Instant::now();
                    let response = client
                        .post(format!("{base}/api/v1/drafts/{}/submit", ids[i]))
                        .bearer_auth(&token)
                        .send()
                        .await;
                    latencies.push(sent.elapsed());
                    match response {
                        Ok(r) if r.status() == reqwest::StatusCode::CREATED => {}
                        _ => failures += 1,
                    }
                }
                (latencies, failures)
            }));
        }
        let mut latencies = Vec::new();
        let mut failures = 0;
        for worker in workers {
            let (mut l, f) = worker.await.unwrap();
            latencies.append(&mut l);
            failures += f;
        }
        let elapsed = started.elapsed();
        latencies.sort();
        let dossiers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dossier")
            .fetch_one(db.pool())
            .await
            .unwrap();
        println!(
            "{backend:?}: {} submissions by {CLIENTS} clients in {:.2} s = {:.0}/s; latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms; failures {failures}",
            latencies.len(),
            elapsed.as_secs_f64(),
            latencies.len() as f64 / elapsed.as_secs_f64(),
            percentile(&latencies, 0.50).as_secs_f64() * 1e3,
            percentile(&latencies, 0.90).as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            latencies.last().unwrap().as_secs_f64() * 1e3,
        );
        assert_eq!(failures, 0, "{backend:?}");
        assert_eq!(
            dossiers as usize,
            latencies.len(),
            "one dossier per submission"
        );
    }
}
