//! motcua's application layer: the use cases between the HTTP adapters (`motcua-web`)
//! and storage (`motcua-store`). It owns the domain event stream's subscriber side
//! ([`events`]: named handlers, at-least-once delivery, back-off, dead letters) and
//! the notification channels ([`notify`]). Every capability added after the first wave
//! lives here and listens to events instead of being called from handlers.

pub mod access;
pub mod applicant;
pub mod desk;
pub mod documents;
pub mod dossiers;
pub mod drafts;
pub mod error;
pub mod events;
pub mod jobs;
pub mod notify;
pub mod places;
pub mod procedures;
pub mod text;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use motcua_domain::catalog::ProcedureEntry;
use motcua_domain::eform::FormDefinition;
use motcua_store::Store;

pub use access::Actor;
pub use error::{Error, FieldError, Result};

/// What the use cases are configured with.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Days an untouched online draft is kept.
    pub draft_ttl_days: i64,
    /// Largest attachment, in bytes.
    pub max_upload_bytes: usize,
    /// Working days before the due time when a dossier's holder and desk are warned.
    pub deadline_warning_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            draft_ttl_days: 30,
            max_upload_bytes: 20 * 1024 * 1024,
            deadline_warning_days: 2,
        }
    }
}

impl Settings {
    /// The lifetime of an untouched draft, in microseconds (at least a day).
    pub fn draft_ttl_micros(&self) -> i64 {
        self.draft_ttl_days.max(1) * jobs::DAY_MICROS
    }
}

/// The application: storage, the notification channels and the event handlers.
/// Cheap to clone.
#[derive(Clone, Debug)]
pub struct App {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    notifier: notify::Notifier,
    handlers: events::Registry,
    settings: Settings,
    places: tokio::sync::OnceCell<Arc<places::PlaceBook>>,
    /// Procedure versions never change once saved: parsed once, kept.
    versions: RwLock<HashMap<i64, Arc<ProcedureEntry>>>,
    /// The e-form of each procedure version, checked once.
    forms: RwLock<HashMap<i64, Arc<FormDefinition>>>,
}

/// Caches of immutable versions start over past this many entries (a catalog has
/// thousands of versions at most).
const CACHE_LIMIT: usize = 20_000;

impl App {
    /// The application with the standard event handlers.
    pub fn new(store: Store, notifier: notify::Notifier) -> Self {
        Self::with_handlers(store, notifier, events::Registry::standard())
    }

    /// The application with the given event handlers (tests, extra subscribers).
    pub fn with_handlers(
        store: Store,
        notifier: notify::Notifier,
        handlers: events::Registry,
    ) -> Self {
        Self::configured(store, notifier, handlers, Settings::default())
    }

    /// The application with its handlers and settings.
    pub fn configured(
        store: Store,
        notifier: notify::Notifier,
        handlers: events::Registry,
        settings: Settings,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                notifier,
                handlers,
                settings,
                places: tokio::sync::OnceCell::new(),
                versions: RwLock::default(),
                forms: RwLock::default(),
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The SMS and e-mail channels.
    pub fn notifier(&self) -> &notify::Notifier {
        &self.inner.notifier
    }

    /// The event handlers.
    pub fn handlers(&self) -> &events::Registry {
        &self.inner.handlers
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The administrative units in force (loaded on first use).
    pub async fn places(&self) -> motcua_store::StoreResult<Arc<places::PlaceBook>> {
        self.inner
            .places
            .get_or_try_init(|| async {
                places::PlaceBook::load(&self.inner.store.db)
                    .await
                    .map(Arc::new)
            })
            .await
            .cloned()
    }

    /// A procedure version, parsed (cached: versions are immutable).
    pub async fn procedure_version(&self, version_id: i64) -> Result<Arc<ProcedureEntry>> {
        if let Some(entry) = read(&self.inner.versions).get(&version_id) {
            return Ok(entry.clone());
        }
        let (code, data) = self
            .inner
            .store
            .db
            .procedure_version_by_id(version_id)
            .await?
            .ok_or(Error::NotFound)?;
        let entry: Arc<ProcedureEntry> = Arc::new(
            serde_json::from_str(&data)
                .map_err(|e| Error::Internal(format!("procedure {code}: {e}")))?,
        );
        keep(&self.inner.versions, version_id, entry.clone());
        Ok(entry)
    }

    /// The e-form of a procedure version (its own, or the general one), checked once
    /// and kept: versions never change once saved.
    pub async fn version_form(&self, version_id: i64) -> Result<Arc<FormDefinition>> {
        if let Some(form) = read(&self.inner.forms).get(&version_id) {
            return Ok(form.clone());
        }
        let entry = self.procedure_version(version_id).await?;
        let form = Arc::new(procedures::form_of(&entry));
        keep(&self.inner.forms, version_id, form.clone());
        Ok(form)
    }
}

fn read<V>(cache: &RwLock<HashMap<i64, V>>) -> std::sync::RwLockReadGuard<'_, HashMap<i64, V>> {
    cache.read().unwrap_or_else(|e| e.into_inner())
}

fn keep<V>(cache: &RwLock<HashMap<i64, V>>, key: i64, value: V) {
    let mut map = cache.write().unwrap_or_else(|e| e.into_inner());
    if map.len() > CACHE_LIMIT {
        map.clear();
    }
    map.insert(key, value);
}
