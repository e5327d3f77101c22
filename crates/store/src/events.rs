//! The domain event stream and its delivery.
//!
//! [`record`] writes an event inside the caller's transaction, so an event exists if
//! and only if its change was committed. Workers then hand each new event out to the
//! handlers that want it ([`Db::fan_out_events`]: one `event_delivery` row per event ×
//! handler, the idempotency key), claim due deliveries ([`Db::claim_deliveries`];
//! `FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock on SQLite, so several
//! workers or processes never hold one delivery at once), and record the outcome:
//! done, or failed and available again after an exponential back-off, or dead after
//! [`MAX_ATTEMPTS`], listed to system administrators who can retry it.

use motcua_domain::events::DomainEvent;
use sqlx::{AssertSqlSafe, FromRow};

use crate::{Backend, Db, StoreResult, time};

/// Failed attempts after which a delivery is a dead letter.
pub const MAX_ATTEMPTS: i64 = 8;

/// A claim older than this is abandoned (its worker died): the delivery is due again.
const CLAIM_TIMEOUT_MICROS: i64 = 5 * 60 * 1_000_000;

/// An event of the stream.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct StoredEvent {
    pub id: i64,
    pub kind: String,
    pub dossier_id: Option<i64>,
    pub actor_id: Option<i64>,
    /// The event's JSON ([`DomainEvent`], tagged by `kind`).
    pub payload: String,
    pub occurred_at: i64,
}

impl StoredEvent {
    /// The typed event (an unreadable payload reads as `Other`).
    pub fn event(&self) -> DomainEvent {
        serde_json::from_str(&self.payload).unwrap_or_else(|_| DomainEvent::Other {
            action: self.kind.clone(),
        })
    }
}

/// A claimed delivery: an event for one handler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub event: StoredEvent,
    pub handler: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

impl Delivery {
    /// The idempotency key of this event for this handler.
    pub fn key(&self) -> String {
        format!("{}:{}", self.event.id, self.handler)
    }
}

/// A delivery given up on, for the administrators' page.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct DeadLetter {
    pub event_id: i64,
    pub handler: String,
    pub kind: String,
    pub dossier_code: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub occurred_at: i64,
    pub dead_at: i64,
}

const EVENT_COLUMNS: &str = "e.id, e.kind, e.dossier_id, e.actor_id, e.payload, e.occurred_at";

/// Writes `event` to the stream inside the caller's transaction.
pub async fn record(
    tx: &mut sqlx::AnyConnection,
    dossier_id: Option<i64>,
    actor_id: Option<i64>,
    event: &DomainEvent,
    at: i64,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO domain_event (kind, dossier_id, actor_id, payload, occurred_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(event.kind())
    .bind(dossier_id)
    .bind(actor_id)
    .bind(event.to_json())
    .bind(at)
    .fetch_one(&mut *tx)
    .await?)
}

#[derive(FromRow)]
struct ClaimedRow {
    event_id: i64,
    handler: String,
    attempts: i64,
}

impl Db {
    /// Records an event outside any other change (its own transaction).
    pub async fn record_event(
        &self,
        dossier_id: Option<i64>,
        actor_id: Option<i64>,
        event: &DomainEvent,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let id = record(&mut tx, dossier_id, actor_id, event, time::now_micros()).await;
        crate::dossiers::finish(tx, id).await
    }

    /// A dossier's events, oldest first.
    pub async fn events_of_dossier(&self, dossier_id: i64) -> StoreResult<Vec<StoredEvent>> {
        Ok(sqlx::query_as::<_, StoredEvent>(AssertSqlSafe(format!(
            "SELECT {EVENT_COLUMNS} FROM domain_event e WHERE e.dossier_id = $1 ORDER BY e.id"
        )))
        .bind(dossier_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Events after `after` (an event id), oldest first, at most `limit`.
    pub async fn events_after(&self, after: i64, limit: i64) -> StoreResult<Vec<StoredEvent>> {
        Ok(sqlx::query_as::<_, StoredEvent>(AssertSqlSafe(format!(
            "SELECT {EVENT_COLUMNS} FROM domain_event e WHERE e.id > $1 ORDER BY e.id LIMIT $2"
        )))
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Hands up to `limit` new events out to the handlers: for each, a delivery row for
    /// every handler `wants` (by kind), in one transaction that marks the events
    /// handed out. Concurrent workers skip each other's events. Returns the number of
    /// events handed out.
    pub async fn fan_out_events(
        &self,
        limit: i64,
        wants: &(dyn Fn(&str) -> Vec<String> + Sync),
    ) -> StoreResult<usize> {
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        // A read first: an idle stream never takes the write lock (SQLite has one).
        let pending: Option<i64> =
            sqlx::query_scalar("SELECT id FROM domain_event WHERE fanned_out_at IS NULL LIMIT 1")
                .fetch_optional(self.pool())
                .await?;
        if pending.is_none() {
            return Ok(0);
        }
        let now = time::now_micros();
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query_as::<_, (i64, String)>(AssertSqlSafe(format!(
            "UPDATE domain_event SET fanned_out_at = $1 WHERE id IN \
             (SELECT id FROM domain_event WHERE fanned_out_at IS NULL ORDER BY id LIMIT $2 {lock}) \
             RETURNING id, kind"
        )))
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await;
        let taken = match taken {
            Ok(taken) => taken,
            Err(e) => {
                tx.rollback().await?;
                return Err(e.into());
            }
        };
        for (id, kind) in &taken {
            for handler in wants(kind) {
                let inserted = sqlx::query(
                    "INSERT INTO event_delivery (event_id, handler, available_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (event_id, handler) DO NOTHING",
                )
                .bind(id)
                .bind(&handler)
                .bind(now)
                .execute(&mut *tx)
                .await;
                if let Err(e) = inserted {
                    tx.rollback().await?;
                    return Err(e.into());
                }
            }
        }
        tx.commit().await?;
        Ok(taken.len())
    }

    /// Claims up to `limit` due deliveries for `worker`, oldest event first.
    pub async fn claim_deliveries(&self, worker: &str, limit: i64) -> StoreResult<Vec<Delivery>> {
        let now = time::now_micros();
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        // A read first: with nothing due, no write.
        let due: Option<i64> = sqlx::query_scalar(
            "SELECT event_id FROM event_delivery \
             WHERE done_at IS NULL AND dead_at IS NULL AND available_at <= $1 LIMIT 1",
        )
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "UPDATE event_delivery SET claimed_at = $1, claimed_by = $2, attempts = attempts + 1 \
             WHERE (event_id, handler) IN (SELECT event_id, handler FROM event_delivery \
             WHERE done_at IS NULL AND dead_at IS NULL AND available_at <= $1 \
             AND (claimed_at IS NULL OR claimed_at < $3) ORDER BY event_id, handler LIMIT $4 {lock}) \
             RETURNING event_id, handler, attempts"
        );
        let mut claimed = sqlx::query_as::<_, ClaimedRow>(AssertSqlSafe(sql))
            .bind(now)
            .bind(worker)
            .bind(now - CLAIM_TIMEOUT_MICROS)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        claimed.sort_by(|a, b| (a.event_id, &a.handler).cmp(&(b.event_id, &b.handler)));
        let mut deliveries = Vec::with_capacity(claimed.len());
        for row in claimed {
            let event = sqlx::query_as::<_, StoredEvent>(AssertSqlSafe(format!(
                "SELECT {EVENT_COLUMNS} FROM domain_event e WHERE e.id = $1"
            )))
            .bind(row.event_id)
            .fetch_one(self.pool())
            .await?;
            deliveries.push(Delivery {
                event,
                handler: row.handler,
                attempts: row.attempts,
            });
        }
        Ok(deliveries)
    }

    /// Marks a delivery done (only while `worker` still holds it).
    pub async fn complete_delivery(&self, delivery: &Delivery, worker: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE event_delivery SET done_at = $1, last_error = NULL \
             WHERE event_id = $2 AND handler = $3 AND claimed_by = $4 AND done_at IS NULL",
        )
        .bind(time::now_micros())
        .bind(delivery.event.id)
        .bind(&delivery.handler)
        .bind(worker)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Releases a failed delivery for a later attempt, 2^attempts seconds later (at
    /// most an hour); after [`MAX_ATTEMPTS`] it becomes a dead letter.
    pub async fn fail_delivery(&self, delivery: &Delivery, error: &str) -> StoreResult<()> {
        let now = time::now_micros();
        let delay_secs = (1i64 << delivery.attempts.clamp(0, 12)).min(3600);
        let dead = (delivery.attempts >= MAX_ATTEMPTS).then_some(now);
        let error: String = error.chars().take(2000).collect();
        sqlx::query(
            "UPDATE event_delivery SET claimed_at = NULL, claimed_by = NULL, available_at = $1, \
             last_error = $2, dead_at = $3 WHERE event_id = $4 AND handler = $5 AND done_at IS NULL",
        )
        .bind(now + delay_secs * 1_000_000)
        .bind(error)
        .bind(dead)
        .bind(delivery.event.id)
        .bind(&delivery.handler)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The dead letters, newest first.
    pub async fn dead_letters(&self, limit: i64) -> StoreResult<Vec<DeadLetter>> {
        Ok(sqlx::query_as::<_, DeadLetter>(
            "SELECT d.event_id, d.handler, e.kind, o.code AS dossier_code, d.attempts, d.last_error, \
             e.occurred_at, d.dead_at FROM event_delivery d JOIN domain_event e ON e.id = d.event_id \
             LEFT JOIN dossier o ON o.id = e.dossier_id WHERE d.dead_at IS NOT NULL \
             ORDER BY d.dead_at DESC, d.event_id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Gives a dead letter another round of attempts, due now; false when there is no
    /// such dead letter.
    pub async fn retry_dead_letter(&self, event_id: i64, handler: &str) -> StoreResult<bool> {
        let retried = sqlx::query(
            "UPDATE event_delivery SET dead_at = NULL, attempts = 0, claimed_at = NULL, claimed_by = NULL, \
             available_at = $1 WHERE event_id = $2 AND handler = $3 AND dead_at IS NOT NULL",
        )
        .bind(time::now_micros())
        .bind(event_id)
        .bind(handler)
        .execute(self.pool())
        .await?;
        Ok(retried.rows_affected() == 1)
    }

    /// Deliveries neither done nor dead.
    pub async fn pending_deliveries(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM event_delivery WHERE done_at IS NULL AND dead_at IS NULL",
        )
        .fetch_one(self.pool())
        .await?)
    }
}
