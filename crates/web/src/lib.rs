//! motcua over HTTP: the portal and back-office pages, the JSON API, health checks and
//! metrics. Handlers are thin: parse, authorize, call the store or the domain, render.

mod api;
mod assets;
pub mod auth;
pub mod catalog;
pub use motcua_app::desk;
mod downloads;
mod error;
mod health;
mod layers;
pub mod metrics;
pub use motcua_app::notify;
pub mod oidc;
mod pages;
pub mod proxy;
pub use motcua_app::places;
mod routes;
mod serve;
mod uploads;

use std::sync::Arc;
use std::time::Duration;

use motcua_store::Store;

pub use error::{AppError, FieldError};
pub use routes::{ExtraRoutes, RouteInfo, app, app_with, route_table};
pub use serve::{serve, shutdown_signal};

/// Settings of the HTTP layer.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// A request taking longer is answered 408 and abandoned.
    pub request_timeout: Duration,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Names this node in readiness probes written to shared storage.
    pub node_id: String,
    /// Mark the session cookie `Secure` (sent over HTTPS only; browsers also accept it
    /// on http://localhost and http://127.0.0.1).
    pub secure_cookies: bool,
    /// The portal's address as people reach it (`https://dichvucong.example.gov.vn`),
    /// for links in e-mails; without it the request's `Host` is used (demo only).
    pub public_url: Option<String>,
    /// The national e-ID (OpenID Connect); without it the e-ID way in is not offered.
    pub oidc: Option<oidc::OidcConfig>,
    /// Days an untouched online draft is kept.
    pub draft_ttl_days: i64,
    /// Largest attachment, in bytes.
    pub max_upload_bytes: usize,
    /// Working days before the due time when a dossier's holder and desk are warned.
    pub deadline_warning_days: u32,
    /// Demo mode: messages go to the sandbox mailbox (and its page exists). Outside
    /// it no message is written anywhere readable; without a configured provider
    /// sending fails with that reason.
    pub demo: bool,
    /// Reverse proxies whose `X-Forwarded-For` gives the client's address.
    pub trusted_proxies: proxy::TrustedProxies,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            body_limit: 25 * 1024 * 1024,
            node_id: "node".into(),
            secure_cookies: true,
            public_url: None,
            oidc: None,
            draft_ttl_days: 30,
            max_upload_bytes: 20 * 1024 * 1024,
            deadline_warning_days: 2,
            demo: false,
            trusted_proxies: proxy::TrustedProxies::default(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    app: motcua_app::App,
    config: WebConfig,
    catalog: Arc<catalog::Catalog>,
    oidc: Option<oidc::OidcClient>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig, catalog: Arc<catalog::Catalog>) -> Self {
        let notifier = if config.demo {
            notify::Notifier::sandbox(store.db.clone())
        } else {
            notify::Notifier::unconfigured()
        };
        let settings = motcua_app::Settings {
            draft_ttl_days: config.draft_ttl_days,
            max_upload_bytes: config.max_upload_bytes,
            deadline_warning_days: config.deadline_warning_days,
        };
        let app = motcua_app::App::configured(
            store,
            notifier,
            motcua_app::events::Registry::standard(),
            settings,
        );
        Self::with_app(app, config, catalog)
    }

    /// The HTTP layer over an application (its handlers chosen by the caller).
    pub fn with_app(
        app: motcua_app::App,
        config: WebConfig,
        catalog: Arc<catalog::Catalog>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                oidc: config.oidc.clone().map(oidc::OidcClient::new),
                app,
                config,
                catalog,
            }),
        }
    }

    /// The procedure catalog and its search index.
    pub fn catalog(&self) -> &catalog::Catalog {
        &self.inner.catalog
    }

    /// The SMS and e-mail channels.
    pub fn notifier(&self) -> &notify::Notifier {
        self.inner.app.notifier()
    }

    /// The application layer.
    pub fn app(&self) -> &motcua_app::App {
        &self.inner.app
    }

    /// The administrative units in force (loaded on first use).
    pub async fn places(&self) -> motcua_store::StoreResult<Arc<places::PlaceBook>> {
        self.inner.app.places().await
    }

    /// A procedure version, parsed (cached: versions are immutable).
    pub async fn procedure_version(
        &self,
        version_id: i64,
    ) -> Result<Arc<motcua_domain::catalog::ProcedureEntry>, AppError> {
        Ok(self.inner.app.procedure_version(version_id).await?)
    }

    /// The e-form of a procedure version (its own, or the general one).
    pub async fn version_form(
        &self,
        version_id: i64,
    ) -> Result<Arc<motcua_domain::eform::FormDefinition>, AppError> {
        Ok(self.inner.app.version_form(version_id).await?)
    }

    /// The national e-ID client, when configured.
    pub fn oidc(&self) -> Option<&oidc::OidcClient> {
        self.inner.oidc.as_ref()
    }

    pub fn store(&self) -> &Store {
        self.inner.app.store()
    }

    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }
}
