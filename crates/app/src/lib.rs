//! motcua's application layer: the use cases between the HTTP adapters (`motcua-web`)
//! and storage (`motcua-store`). It owns the domain event stream's subscriber side
//! ([`events`]: named handlers, at-least-once delivery, back-off, dead letters) and
//! the notification channels ([`notify`]). Every capability added after the first wave
//! lives here and listens to events instead of being called from handlers.

pub mod events;
pub mod notify;

use std::sync::Arc;

use motcua_store::Store;

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
}

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
        Self {
            inner: Arc::new(Inner {
                store,
                notifier,
                handlers,
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
}
