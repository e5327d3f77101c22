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

/// Page reads beside a burst of sign-ins (a benchmark; ignored by default): first 8
/// clients read a procedure page for 10 s alone, then the same while
/// `MOTCUA_LOAD_SIGNERS` (default 8) more clients sign in with wrong passwords, each from its own address behind a trusted proxy (so
/// every attempt is evaluated, as from many people on the Internet). Prints reads per
/// second and their latency in both phases, and sign-ins per second.
///
/// ```sh
/// cargo test --release -p motcua --test load sign_ins -- --ignored --nocapture
/// ```
#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
async fn sign_ins_beside_page_reads() {
    const PHASE: Duration = Duration::from_secs(10);
    let app = TestApp::start_with(
        motcua_store::Backend::Sqlite,
        |c| motcua::config::Config {
            trusted_proxies: "127.0.0.1".parse().unwrap(),
            ..c
        },
        Default::default(),
    )
    .await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let page = app.url("/thu-tuc/1.004873");
    let reads = |until: Instant| {
        (0..8)
            .map(|_| {
                let (client, page) = (client.clone(), page.clone());
                tokio::spawn(async move {
                    let mut times = Vec::new();
                    while Instant::now() < until {
                        let started = Instant::now();
                        let status = client.get(&page).send().await.unwrap().status();
                        assert_eq!(status, 200);
                        times.push(started.elapsed());
                    }
                    times
                })
            })
            .collect::<Vec<_>>()
    };
    let report = |name: &str, times: &mut Vec<Duration>| {
        times.sort();
        println!(
            "{name}: {:.0} reads/s, p50 {:.1} ms, p99 {:.1} ms",
            times.len() as f64 / PHASE.as_secs_f64(),
            percentile(times, 0.5).as_secs_f64() * 1000.0,
            percentile(times, 0.99).as_secs_f64() * 1000.0
        );
    };
    let mut alone = Vec::new();
    for reader in reads(Instant::now() + PHASE) {
        alone.extend(reader.await.unwrap());
    }
    report("page reads alone", &mut alone);

    let mut visitor = common::visitor::Visitor::new(&app);
    let csrf = visitor.csrf().await;
    let cookie = visitor.cookie.clone().unwrap();
    let until = Instant::now() + PHASE;
    let readers = reads(until);
    let signers: u32 = std::env::var("MOTCUA_LOAD_SIGNERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let signers: Vec<_> = (0..signers)
        .map(|n| {
            let (client, url) = (client.clone(), app.url("/dang-nhap"));
            let (csrf, cookie) = (csrf.clone(), cookie.clone());
            tokio::spawn(async move {
                let mut done = 0u32;
                while Instant::now() < until {
                    let from = format!("10.{n}.{}.{}", done / 250 % 250, done % 250 + 1);
                    let status = client
                        .post(&url)
                        .header("cookie", format!("motcua_sid={cookie}"))
                        .header("x-forwarded-for", from)
                        .form(&[
                            ("_csrf", csrf.as_str()),
                            ("dinh_danh", "khong-co@example.net"),
                            ("mat_khau", "sai-mat-khau"),
                        ])
                        .send()
                        .await
                        .unwrap()
                        .status();
                    assert_eq!(status, 401);
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut beside = Vec::new();
    for reader in readers {
        beside.extend(reader.await.unwrap());
    }
    let mut sign_ins = 0;
    for signer in signers {
        sign_ins += signer.await.unwrap();
    }
    report("page reads beside sign-ins", &mut beside);
    println!(
        "sign-ins: {:.0}/s (each a full argon2id verification)",
        f64::from(sign_ins) / PHASE.as_secs_f64()
    );
}
