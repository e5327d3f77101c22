//! The test harness: the real application, started on 127.0.0.1:0 against a fresh
//! database (SQLite, or an isolated PostgreSQL schema).

#![allow(dead_code)] // Each test binary uses part of the harness.

pub mod documents;
pub mod oidc_provider;
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

/// The configuration with the national e-ID pointed at a loopback provider.
pub fn with_eid(config: Config, provider: &oidc_provider::OidcProvider) -> Config {
    Config {
        oidc_issuer: Some(provider.issuer.clone()),
        oidc_client_id: Some(oidc_provider::CLIENT_ID.into()),
        oidc_client_secret: Some(oidc_provider::CLIENT_SECRET.parse().unwrap()),
        ..config
    }
}

/// Goes through the e-ID sign-in as a browser would: to the provider and back.
/// Returns the portal's answer to the provider's redirect.
pub async fn eid_sign_in(visitor: &mut visitor::Visitor) -> reqwest::Response {
    let to_provider = eid_authorize(visitor).await;
    visitor.get(&to_provider).await
}

/// Starts the e-ID sign-in and lets the provider answer; returns the path (with
/// query) the provider sends the browser back to.
pub async fn eid_authorize(visitor: &mut visitor::Visitor) -> String {
    let start = visitor.get("/dang-nhap/dinh-danh-dien-tu").await;
    assert_eq!(start.status(), reqwest::StatusCode::SEE_OTHER);
    let authorize = start.headers()[reqwest::header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    let answer = visitor.client.get(&authorize).send().await.unwrap();
    assert!(answer.status().is_redirection(), "{}", answer.status());
    let back = answer.headers()[reqwest::header::LOCATION]
        .to_str()
        .unwrap();
    back[back.find("/dang-nhap/").expect("back to the portal")..].to_string()
}

/// The newest sandbox message (SMS or e-mail) sent to `recipient`.
pub async fn last_message_to(db: &motcua_store::Db, recipient: &str) -> Option<String> {
    db.sandbox_messages(50)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.recipient == recipient)
        .map(|m| m.body)
}

/// The six-digit code in a message.
pub fn six_digits(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a six-digit code")
        .to_string()
}

/// Complete answers of the demo marital status certificate (1.004873, no document
/// needed) for An, with the given purpose.
pub fn marital_answers(purpose: &str) -> String {
    serde_json::json!({
        "ho_ten": "Nguyễn Văn An", "so_dinh_danh": "056090001234",
        "noi_cu_tru": {"province": "56", "commune": "22366", "street": "12 Trần Phú"},
        "quan_he": "Bản thân", "xn_ngay_sinh": "1990-03-04", "xn_gioi_tinh": "Nam",
        "tinh_trang": "Chưa đăng ký kết hôn với ai", "muc_dich": purpose, "so_ban": "1"
    })
    .to_string()
}

/// A complete draft of An's marital status certificate at Nha Trang, ready to submit.
pub async fn marital_draft(db: &motcua_store::Db) -> motcua_store::drafts::Draft {
    let an = db
        .account_by_citizen_id("056090001234")
        .await
        .unwrap()
        .unwrap();
    let agency = db.agency_by_code("000.01.66.H34").await.unwrap().unwrap();
    let version = db.current_procedure("1.004873").await.unwrap().unwrap();
    db.create_draft(&motcua_store::drafts::NewDraft {
        account_id: an.id,
        created_by: an.id,
        assisted_by: None,
        procedure_version_id: version.version_id,
        agency_id: agency.id,
        answers: &marital_answers("Để vay vốn ngân hàng"),
        first_step: "nguoi_duoc_xac_nhan",
        ttl_micros: 3_600_000_000,
    })
    .await
    .unwrap()
}
