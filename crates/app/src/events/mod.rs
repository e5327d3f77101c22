//! The subscriber side of the domain event stream.
//!
//! Every change of a dossier writes one [`DomainEvent`] in the same transaction as
//! the change (`motcua_store::events::record`). A worker round ([`deliver`]) hands new
//! events out to the registered handlers that want their kind, claims due deliveries,
//! runs each handler, and records the outcome. Delivery is at least once: a handler
//! may see an event again after a crash between its work and the record of it, so it
//! receives the delivery's idempotency key (event × handler) to make repeats harmless.
//! Failures back off exponentially; after `MAX_ATTEMPTS` the delivery is a dead letter,
//! listed to system administrators with a retry action.

mod applicant;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use applicant::ApplicantNotices;
pub use motcua_domain::events::DomainEvent;
use motcua_store::StoreResult;
pub use motcua_store::events::{DeadLetter, Delivery, MAX_ATTEMPTS, StoredEvent};

use crate::App;

/// The future a handler returns: `Err` with a reason to be retried later.
pub type Handling<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// A named subscriber of the event stream.
pub trait Handler: Send + Sync + fmt::Debug {
    /// Its stable name: deliveries are kept per name, so renaming one starts afresh.
    fn name(&self) -> &'static str;
    /// Whether it wants events of this kind (`DomainEvent::kind`).
    fn wants(&self, kind: &str) -> bool;
    /// Acts on one delivery; [`Delivery::key`] is its idempotency key.
    fn handle<'a>(&'a self, app: &'a App, delivery: &'a Delivery) -> Handling<'a>;
}

/// Two handlers with one name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an event handler named {0} is already registered")]
pub struct DuplicateHandler(pub &'static str);

/// The registered handlers.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    handlers: Vec<Arc<dyn Handler>>,
}

impl Registry {
    /// No handlers.
    pub fn empty() -> Self {
        Self::default()
    }

    /// motcua's own handlers: the applicant's notices.
    pub fn standard() -> Self {
        Self {
            handlers: vec![Arc::new(ApplicantNotices)],
        }
    }

    /// Adds a handler; its name must be new.
    pub fn register(&mut self, handler: Arc<dyn Handler>) -> Result<(), DuplicateHandler> {
        if self.get(handler.name()).is_some() {
            return Err(DuplicateHandler(handler.name()));
        }
        self.handlers.push(handler);
        Ok(())
    }

    /// The handler of a name.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn Handler>> {
        self.handlers.iter().find(|h| h.name() == name)
    }

    /// The names of the handlers that want a kind of event.
    pub fn wanting(&self, kind: &str) -> Vec<String> {
        self.handlers
            .iter()
            .filter(|h| h.wants(kind))
            .map(|h| h.name().to_string())
            .collect()
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.handlers.iter().map(|h| h.name()).collect()
    }
}

/// Events handed out per round.
const FAN_OUT_BATCH: i64 = 100;
/// Deliveries claimed per round.
const CLAIM_BATCH: i64 = 20;

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// New events handed out to the handlers.
    pub fanned_out: usize,
    /// Deliveries done.
    pub delivered: usize,
    /// Deliveries that failed (retried later, or dead).
    pub failed: usize,
}

/// One worker round: hands new events out, then runs the due deliveries `worker`
/// could claim. Several workers (threads or processes) may run rounds at once.
pub async fn deliver(app: &App, worker: &str) -> StoreResult<Round> {
    let db = &app.store().db;
    let registry = app.handlers();
    let mut round = Round {
        fanned_out: db
            .fan_out_events(FAN_OUT_BATCH, &|kind| registry.wanting(kind))
            .await?,
        ..Round::default()
    };
    for delivery in db.claim_deliveries(worker, CLAIM_BATCH).await? {
        let outcome = match registry.get(&delivery.handler) {
            Some(handler) => handler.handle(app, &delivery).await,
            None => Err(format!(
                "no handler named {} is registered",
                delivery.handler
            )),
        };
        match outcome {
            Ok(()) => {
                if db.complete_delivery(&delivery, worker).await? {
                    round.delivered += 1;
                }
            }
            Err(error) => {
                tracing::warn!(
                    event = delivery.event.id,
                    kind = %delivery.event.kind,
                    handler = %delivery.handler,
                    attempts = delivery.attempts,
                    %error,
                    "event handler failed"
                );
                db.fail_delivery(&delivery, &error).await?;
                round.failed += 1;
            }
        }
    }
    Ok(round)
}
