//! Start-up: open storage, migrate, import the administrative units and demo data on a
//! new database, then serve the portal and the metrics on their own listeners.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use motcua_store::admin_units;
use motcua_store::demo::{self, DemoSignIn};
use motcua_store::{Store, StoreResult};
use motcua_web::catalog::Catalog;
use motcua_web::{AppState, WebConfig};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;

/// The administrative units of 2025, shipped with the binary.
pub const ADMIN_UNITS_2025: &str = include_str!("../../../data/admin-units-2025.json");

/// The demo procedure catalog (48 real procedures, gaps filled with marked demo values).
pub const DEMO_CATALOG: &str = include_str!("../../../data/catalog.json");

/// What start-up did to the data.
#[derive(Debug, Default)]
pub struct Prepared {
    pub migrations_applied: Vec<i64>,
    pub admin_units_imported: bool,
    /// Procedures imported from the demo catalog on this start.
    pub catalog_imported: usize,
    /// Set when demo data is present; `fresh` when it was loaded by this start.
    pub demo: Option<DemoSignIns>,
}

#[derive(Debug)]
pub struct DemoSignIns {
    pub fresh: bool,
    pub sign_ins: Vec<DemoSignIn>,
}

/// Opens the store and migrates it.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    tracing::debug!(?config, "configuration");
    let store = Store::open(config.db_options(), config.storage())
        .await
        .context("cannot open storage")?;
    Ok(store)
}

/// Migrates, and on an empty database imports the administrative units and (unless
/// disabled) the demo data. Idempotent.
pub async fn prepare(store: &Store, config: &Config) -> anyhow::Result<Prepared> {
    store
        .db
        .with_startup_lock(prepare_unlocked(store, config))
        .await
}

async fn prepare_unlocked(store: &Store, config: &Config) -> anyhow::Result<Prepared> {
    let mut prepared = Prepared {
        migrations_applied: store
            .db
            .migrate()
            .await
            .context("cannot migrate the database")?,
        ..Prepared::default()
    };
    if store.db.count_current_units("province").await? == 0 {
        import_admin_units(store, ADMIN_UNITS_2025).await?;
        prepared.admin_units_imported = true;
    }
    if config.demo() && store.db.count_procedures().await? == 0 {
        prepared.catalog_imported = import_catalog(store, DEMO_CATALOG)
            .await
            .context("cannot import the demo catalog")?
            .created;
    }
    if config.demo() && store.db.is_empty().await? {
        let sign_ins = store
            .db
            .load_demo()
            .await
            .context("cannot load demo data")?;
        // In the demo every agency implements its level's whole catalog, so that its
        // administrators can edit those procedures.
        store
            .db
            .link_procedures_by_level()
            .await
            .context("cannot link the demo agencies to their procedures")?;
        prepared.demo = Some(DemoSignIns {
            fresh: true,
            sign_ins,
        });
    } else if config.demo() && store.db.meta_get(demo::DEMO_LOADED_KEY).await?.is_some() {
        prepared.demo = Some(DemoSignIns {
            fresh: false,
            sign_ins: demo::demo_sign_ins()?,
        });
    }
    Ok(prepared)
}

/// Imports a list of administrative units (the format of `data/admin-units-2025.json`).
pub async fn import_admin_units(
    store: &Store,
    json: &str,
) -> StoreResult<admin_units::ImportReport> {
    let list = admin_units::parse_list(json)?;
    store.db.import_admin_units(&list).await
}

/// Why a catalog import failed: every problem, or the storage error.
#[derive(Debug, thiserror::Error)]
pub enum CatalogImportError {
    #[error(transparent)]
    Invalid(#[from] motcua_domain::catalog::CatalogError),
    #[error(transparent)]
    Store(#[from] motcua_store::StoreError),
}

/// Validates a whole catalog, then imports it in one transaction.
pub async fn import_catalog(
    store: &Store,
    json: &str,
) -> Result<motcua_store::procedures::CatalogImportReport, CatalogImportError> {
    let catalog = motcua_domain::catalog::parse_catalog(json)?;
    Ok(store.db.import_catalog(&catalog.procedures).await?)
}

/// How long requests in flight may take to finish after a shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// A running portal.
pub struct Running {
    pub addr: SocketAddr,
    pub metrics_addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Asks both servers to stop, waits for requests in flight, and returns.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let _ = self.stop.send(true);
        self.task.await.map_err(std::io::Error::other)?
    }

    /// Waits until the servers stop on their own (after a shutdown signal).
    pub async fn wait(self) -> std::io::Result<()> {
        self.task.await.map_err(std::io::Error::other)?
    }
}

/// Binds both listeners and serves until `shutdown` completes or [`Running::shutdown`]
/// is called. `extra` routes run through the full middleware stack (tests use them for
/// slow or failing handlers).
pub async fn start(
    store: Store,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
    extra: motcua_web::ExtraRoutes,
) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let metrics_listener = TcpListener::bind(config.metrics_listen)
        .await
        .with_context(|| format!("cannot listen on {} for metrics", config.metrics_listen))?;
    let addr = listener.local_addr()?;
    let metrics_addr = metrics_listener.local_addr()?;
    let catalog = Arc::new(
        Catalog::load(&store.db)
            .await
            .context("cannot load the procedure catalog")?,
    );
    let state = AppState::new(
        store.clone(),
        WebConfig {
            request_timeout: config.request_timeout(),
            body_limit: usize::try_from(config.max_body_mb.saturating_mul(1024 * 1024))
                .unwrap_or(usize::MAX),
            node_id: format!("{}-{}", addr.port(), std::process::id()),
            secure_cookies: config.secure_cookies,
            public_url: config.public_url.clone(),
            oidc: config.oidc(),
            draft_ttl_days: i64::try_from(config.draft_ttl_days).unwrap_or(i64::MAX / 2),
            max_upload_bytes: usize::try_from(config.max_upload_mb.saturating_mul(1024 * 1024))
                .unwrap_or(usize::MAX),
            deadline_warning_days: u32::try_from(config.deadline_warning_days.min(30)).unwrap_or(2),
            demo: config.demo(),
            trusted_proxies: config.trusted_proxies.clone(),
        },
        catalog.clone(),
    );
    let app = motcua_web::app_with(state.clone(), extra);
    let notices = state.clone();
    let metrics = motcua_web::metrics::metrics_app(state);

    let (stop, mut stopped) = watch::channel(false);
    let mut stopped_metrics = stop.subscribe();
    let stop_on_signal = stop.clone();
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_on_signal.send(true);
    });
    tokio::spawn(refresh_catalog(
        catalog,
        store,
        Duration::from_secs(config.catalog_refresh_secs.max(1)),
        stop.subscribe(),
    ));
    tokio::spawn(deliver_notices(
        notices,
        format!("{}-{}", addr.port(), std::process::id()),
        config.audit_key(),
        stop.subscribe(),
    ));
    let mut stopping = stop.subscribe();
    let task = tokio::spawn(async move {
        let portal = motcua_web::serve(listener, app, async move {
            let _ = stopped.wait_for(|s| *s).await;
        });
        let metrics = motcua_web::serve(metrics_listener, metrics, async move {
            let _ = stopped_metrics.wait_for(|s| *s).await;
        });
        let servers = async {
            let (portal, metrics) = tokio::join!(portal, metrics);
            portal.and(metrics)
        };
        // Requests in flight get a grace period once stopping starts; a client that
        // never finishes its request must not hold the process forever.
        let deadline = async {
            let _ = stopping.wait_for(|s| *s).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        };
        tokio::select! {
            result = servers => result,
            () = deadline => {
                tracing::warn!("requests still in flight after {SHUTDOWN_GRACE:?}; stopping anyway");
                Ok(())
            }
        }
    });
    Ok(Running {
        addr,
        metrics_addr,
        stop,
        task,
    })
}

/// Rebuilds the catalog and its index whenever the stored catalog changes (an import or
/// an edit, on this node or another), until the servers stop.
/// Delivers queued notifications (the outbox's `notify.*` jobs) and domain events to
/// their handlers, every second, until stopped.
/// Also, once a minute, warns of drafts about to expire and removes expired ones; every
/// ten minutes, deletes expired sessions and spent codes, and (with an audit key) seals
/// the dossier events.
async fn deliver_notices(
    state: AppState,
    worker: String,
    audit_key: Option<motcua_store::audit::AuditKey>,
    mut stop: watch::Receiver<bool>,
) {
    let mut ticks: u64 = 0;
    let mut sealed_up_to: i64 = 0;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        if let Err(e) = motcua_web::notify::deliver_pending(state.app(), &worker).await {
            tracing::warn!(error = %e, "cannot deliver notifications");
        }
        // Domain events to their handlers: until a round finds nothing more to do (at
        // most 50 rounds a tick, so stopping is never held up for long).
        for _ in 0..50 {
            match motcua_app::events::deliver(state.app(), &worker).await {
                Ok(round) if round.fanned_out + round.delivered + round.failed > 0 => {}
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot deliver domain events");
                    break;
                }
            }
        }
        ticks += 1;
        if ticks % 600 == 3
            && let Some(key) = &audit_key
        {
            // Seal up to the newest event seen ten minutes ago: every transaction that
            // took a smaller id has committed by now.
            let db = &state.store().db;
            if sealed_up_to > 0 {
                match db.seal_events(key, sealed_up_to).await {
                    Ok(Some(last)) => tracing::info!(last, "dossier events sealed"),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "cannot seal the dossier events"),
                }
            }
            match db.last_event_id().await {
                Ok(id) => sealed_up_to = id,
                Err(e) => tracing::warn!(error = %e, "cannot read the newest event"),
            }
        }
        if ticks % 600 == 2 {
            match state.store().db.purge_expired_now().await {
                Ok(purged) if purged.total() == 0 => {}
                Ok(purged) => tracing::info!(?purged, "expired sessions and codes purged"),
                Err(e) => tracing::warn!(error = %e, "cannot purge expired sessions and codes"),
            }
        }
        if ticks % 60 == 1 {
            match motcua_app::jobs::tidy_drafts(state.app(), state.config().public_url.as_deref())
                .await
            {
                Ok((0, 0)) => {}
                Ok((warned, removed)) => tracing::info!(warned, removed, "drafts tidied"),
                Err(e) => tracing::warn!(error = %e, "cannot tidy drafts"),
            }
            match motcua_app::desk::deadline_sweep(
                state.app(),
                motcua_app::desk::now(),
                state.config().deadline_warning_days,
            )
            .await
            {
                Ok(0) => {}
                Ok(warned) => tracing::info!(warned, "deadline warnings sent"),
                Err(e) => tracing::warn!(error = %e, "cannot send deadline warnings"),
            }
        }
    }
}

async fn refresh_catalog(
    catalog: Arc<Catalog>,
    store: Store,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        match catalog.refresh(&store.db).await {
            Ok(true) => tracing::info!("procedure catalog changed; search index rebuilt"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "cannot refresh the procedure catalog"),
        }
    }
}
