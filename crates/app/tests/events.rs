//! Delivery of domain events to handlers, on SQLite and PostgreSQL without HTTP: a
//! handler failing three times then succeeding acts once, two workers (two pools, as
//! two processes would have) never deliver one event twice, a handler that keeps
//! failing ends as a dead letter that can be retried, and handlers only get the
//! kinds they want.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use motcua_app::App;
use motcua_app::events::{
    Delivery, DomainEvent, Handler, Handling, MAX_ATTEMPTS, Registry, deliver,
};
use motcua_app::notify::Notifier;
use motcua_store::testing::{TestDatabase, backends};
use motcua_store::{Db, FileStore, StorageConfig, Store};

/// Records what it handled; fails the first `failures` attempts of each event.
#[derive(Debug, Default)]
struct Recorder {
    name: &'static str,
    failures: u32,
    attempts: Mutex<HashMap<i64, u32>>,
    handled: Mutex<Vec<(i64, String)>>,
}

impl Recorder {
    fn new(name: &'static str, failures: u32) -> Arc<Self> {
        Arc::new(Self {
            name,
            failures,
            ..Self::default()
        })
    }

    fn handled(&self) -> Vec<(i64, String)> {
        self.handled.lock().unwrap().clone()
    }
}

impl Handler for Recorder {
    fn name(&self) -> &'static str {
        self.name
    }

    fn wants(&self, kind: &str) -> bool {
        kind != "withdrawn"
    }

    fn handle<'a>(&'a self, _app: &'a App, delivery: &'a Delivery) -> Handling<'a> {
        Box::pin(async move {
            let tries = {
                let mut attempts = self.attempts.lock().unwrap();
                let tries = attempts.entry(delivery.event.id).or_default();
                *tries += 1;
                *tries
            };
            if tries <= self.failures {
                return Err(format!("attempt {tries} failed"));
            }
            // Widen the window in which another worker could take the same delivery.
            tokio::task::yield_now().await;
            self.handled
                .lock()
                .unwrap()
                .push((delivery.event.id, delivery.key()));
            Ok(())
        })
    }
}

async fn app(db: Db, handlers: Vec<Arc<dyn Handler>>) -> App {
    let dir = std::env::temp_dir().join(format!("motcua-app-events-{}", std::process::id()));
    let files = FileStore::open(&StorageConfig::local_in(dir)).unwrap();
    let mut registry = Registry::empty();
    for handler in handlers {
        registry.register(handler).unwrap();
    }
    let notifier = Notifier::sandbox(db.clone());
    App::with_handlers(Store { db, files }, notifier, registry)
}

/// Makes every pending delivery due now (skips the back-off's wait).
async fn due_now(db: &Db) {
    sqlx::query("UPDATE event_delivery SET available_at = 0 WHERE done_at IS NULL")
        .execute(db.pool())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_handler_failing_three_times_then_succeeding_acts_once() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let db = test.migrated().await;
        let flaky = Recorder::new("flaky", 3);
        let steady = Recorder::new("steady", 0);
        let app = app(db.clone(), vec![flaky.clone(), steady.clone()]).await;
        let id = db
            .record_event(None, None, &DomainEvent::Received)
            .await
            .unwrap();
        db.record_event(None, None, &DomainEvent::Withdrawn)
            .await
            .unwrap();

        let first = deliver(&app, "w1").await.unwrap();
        assert_eq!(first.fanned_out, 2, "{backend:?}");
        assert_eq!((first.delivered, first.failed), (1, 1), "{backend:?}");
        // Backed off: not due again at once.
        let early = deliver(&app, "w1").await.unwrap();
        assert_eq!((early.delivered, early.failed), (0, 0), "{backend:?}");
        let (available, error): (i64, Option<String>) = sqlx::query_as(
            "SELECT available_at, last_error FROM event_delivery WHERE handler = 'flaky'",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert!(available > motcua_store::time::now_micros());
        assert_eq!(error.as_deref(), Some("attempt 1 failed"));
        for _ in 0..2 {
            due_now(&db).await;
            assert_eq!(deliver(&app, "w1").await.unwrap().failed, 1);
        }
        due_now(&db).await;
        assert_eq!(deliver(&app, "w1").await.unwrap().delivered, 1);
        due_now(&db).await;
        assert_eq!(deliver(&app, "w1").await.unwrap(), Default::default());

        assert_eq!(
            flaky.handled(),
            [(id, format!("{id}:flaky"))],
            "{backend:?}"
        );
        assert_eq!(steady.handled(), [(id, format!("{id}:steady"))]);
        // Neither wanted the withdrawal: no delivery was made for it.
        let deliveries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM event_delivery")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(deliveries, 2);
        assert_eq!(db.pending_deliveries().await.unwrap(), 0);
    }
}

#[tokio::test]
async fn two_workers_on_one_database_never_deliver_an_event_twice() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let db = test.migrated().await;
        const EVENTS: usize = 120;
        for i in 0..EVENTS {
            let event = if i % 2 == 0 {
                DomainEvent::Received
            } else {
                DomainEvent::Stopped
            };
            db.record_event(None, None, &event).await.unwrap();
        }
        // Two processes: each its own pool and its own application, one handler name.
        let recorders = [Recorder::new("counted", 0), Recorder::new("counted", 0)];
        let mut workers = Vec::new();
        for (n, recorder) in recorders.iter().enumerate() {
            let pool = test.connect().await;
            let app = app(pool, vec![recorder.clone()]).await;
            workers.push(tokio::spawn(async move {
                let name = format!("worker-{n}");
                let mut idle = 0;
                while idle < 3 {
                    let round = deliver(&app, &name).await.unwrap();
                    if round.fanned_out + round.delivered + round.failed == 0 {
                        idle += 1;
                        tokio::task::yield_now().await;
                    } else {
                        idle = 0;
                    }
                }
            }));
        }
        for worker in workers {
            worker.await.unwrap();
        }
        let mut all: Vec<i64> = recorders
            .iter()
            .flat_map(|r| r.handled())
            .map(|(id, _)| id)
            .collect();
        let total = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(total, EVENTS, "{backend:?}: every event delivered once");
        assert_eq!(all.len(), EVENTS, "{backend:?}: no event delivered twice");
        assert_eq!(db.pending_deliveries().await.unwrap(), 0);
    }
}

#[tokio::test]
async fn a_handler_that_keeps_failing_ends_as_a_dead_letter_and_can_be_retried() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let db = test.migrated().await;
        let broken = Recorder::new("broken", MAX_ATTEMPTS as u32);
        let app = app(db.clone(), vec![broken.clone()]).await;
        let id = db
            .record_event(None, None, &DomainEvent::Refused { reason: None })
            .await
            .unwrap();
        for _ in 0..MAX_ATTEMPTS {
            due_now(&db).await;
            assert_eq!(deliver(&app, "w").await.unwrap().failed, 1, "{backend:?}");
        }
        // Dead: no longer attempted, listed with its last error.
        due_now(&db).await;
        assert_eq!(deliver(&app, "w").await.unwrap(), Default::default());
        let dead = db.dead_letters(10).await.unwrap();
        assert_eq!(dead.len(), 1, "{backend:?}");
        assert_eq!(
            (
                dead[0].event_id,
                dead[0].handler.as_str(),
                dead[0].kind.as_str()
            ),
            (id, "broken", "refused")
        );
        assert_eq!(dead[0].attempts, MAX_ATTEMPTS);
        assert_eq!(dead[0].last_error.as_deref(), Some("attempt 8 failed"));
        assert!(broken.handled().is_empty());

        assert!(!db.retry_dead_letter(id, "other").await.unwrap());
        assert!(db.retry_dead_letter(id, "broken").await.unwrap());
        assert!(db.dead_letters(10).await.unwrap().is_empty());
        let round = deliver(&app, "w").await.unwrap();
        assert_eq!(round.delivered, 1, "{backend:?}");
        assert_eq!(broken.handled(), [(id, format!("{id}:broken"))]);
        // Retrying a delivery that is not dead does nothing.
        assert!(!db.retry_dead_letter(id, "broken").await.unwrap());
    }
}

#[test]
fn handler_names_are_unique() {
    let mut registry = Registry::standard();
    assert_eq!(registry.names(), ["applicant_notices"]);
    let again: Arc<dyn Handler> = Arc::new(motcua_app::events::ApplicantNotices);
    assert!(registry.register(again).is_err());
    assert_eq!(registry.wanting("received"), ["applicant_notices"]);
    assert!(registry.wanting("processing_started").is_empty());
}
