//! The test harness: the real application, started on 127.0.0.1:0 against a fresh
//! database (SQLite, or an isolated PostgreSQL schema).

#![allow(dead_code)] // Each test binary uses part of the harness.

pub mod visitor;

use motcua::config::{Config, Secret};
use motcua::startup::{self, Prepared, Running};
use motcua_store::Backend;
use motcua_store::testing::TestDatabase;

#[allow(unused_imports)]
pub use motcua_store::testing::backends;

pub struct TestApp {
    pub db: TestDatabase,
    pub config: Config,
    pub prepared: Prepared,
    running: Option<Running>,
    pub base: String,
    pub metrics: String,
}

/// A configuration for a test: loopback ports chosen by the OS, the test's own data.
pub fn test_config(db: &TestDatabase) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        metrics_listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: db.data_dir.path().to_path_buf(),
        database_url: db
            .options
            .url
            .as_deref()
            .map(|u| u.parse::<Secret>().unwrap()),
        ..Config::default()
    }
}

impl TestApp {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |c| c, motcua_web::ExtraRoutes::default()).await
    }

    /// Starts with a changed configuration and extra routes.
    pub async fn start_with(
        backend: Backend,
        configure: impl FnOnce(Config) -> Config,
        extra: motcua_web::ExtraRoutes,
    ) -> Self {
        let db = TestDatabase::new(backend).await;
        let config = configure(test_config(&db));
        let store = startup::open_store(&config).await.expect("open store");
        let prepared = startup::prepare(&store, &config).await.expect("prepare");
        let running = startup::start(store, &config, std::future::pending(), extra)
            .await
            .expect("start");
        let base = format!("http://{}", running.addr);
        let metrics = format!("http://{}", running.metrics_addr);
        Self {
            db,
            config,
            prepared,
            running: Some(running),
            base,
            metrics,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `GET path`, as JSON (whatever the status).
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        reqwest::get(self.url(path))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Stops the servers, letting requests in flight finish.
    pub async fn shutdown(&mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown().await.expect("clean shutdown");
        }
    }
}

/// A client that shows what travels on the wire (no automatic decompression).
pub fn raw_client() -> reqwest::Client {
    reqwest::Client::builder().no_gzip().build().unwrap()
}
