//! The outbox: background work recorded in the same transaction as the change that
//! caused it, then claimed by workers (several may run at once) and retried with
//! exponential back-off.

use sqlx::{Any, AssertSqlSafe, Executor};

use crate::{Backend, Db, StoreResult, time};

/// A claimed job.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxJob {
    pub id: i64,
    pub topic: String,
    pub payload: String,
    pub attempts: i64,
}

/// A claim older than this is considered abandoned (its worker died) and is claimed again.
const CLAIM_TIMEOUT_MICROS: i64 = 5 * 60 * 1_000_000;

/// Adds a job inside the caller's transaction (or on the pool). A job whose
/// `dedup_key` is already queued (not yet done) is not queued twice.
pub async fn enqueue<'e, E>(
    executor: E,
    topic: &str,
    payload: &str,
    dedup_key: Option<&str>,
) -> StoreResult<()>
where
    E: Executor<'e, Database = Any>,
{
    let now = time::now_micros();
    sqlx::query(
        "INSERT INTO outbox (topic, dedup_key, payload, created_at, available_at) VALUES ($1, $2, $3, $4, $4) \
         ON CONFLICT (dedup_key) WHERE done_at IS NULL DO NOTHING",
    )
    .bind(topic)
    .bind(dedup_key)
    .bind(payload)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

impl Db {
    /// Claims up to `limit` due jobs for `worker`. PostgreSQL skips rows other workers
    /// hold (`FOR UPDATE SKIP LOCKED`); on SQLite the single `UPDATE … RETURNING`
    /// statement takes the database's write lock, so claims never overlap either.
    pub async fn claim_jobs(&self, worker: &str, limit: i64) -> StoreResult<Vec<OutboxJob>> {
        let now = time::now_micros();
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox SET claimed_at = $1, claimed_by = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox WHERE done_at IS NULL AND available_at <= $1 \
             AND (claimed_at IS NULL OR claimed_at < $3) ORDER BY available_at, id LIMIT $4 {lock}) \
             RETURNING id, topic, payload, attempts"
        );
        let mut jobs = sqlx::query_as::<_, OutboxJob>(AssertSqlSafe(sql))
            .bind(now)
            .bind(worker)
            .bind(now - CLAIM_TIMEOUT_MICROS)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        jobs.sort_by_key(|job| job.id);
        Ok(jobs)
    }

    /// Marks a job done.
    pub async fn complete_job(&self, id: i64) -> StoreResult<()> {
        sqlx::query("UPDATE outbox SET done_at = $1, last_error = NULL WHERE id = $2")
            .bind(time::now_micros())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Releases a failed job for a later attempt: 2^attempts seconds later, at most an hour.
    pub async fn fail_job(&self, job: &OutboxJob, error: &str) -> StoreResult<()> {
        let delay_secs = 1i64 << job.attempts.clamp(0, 12);
        let available_at = time::now_micros() + delay_secs.min(3600) * 1_000_000;
        sqlx::query("UPDATE outbox SET claimed_at = NULL, claimed_by = NULL, available_at = $1, last_error = $2 WHERE id = $3")
            .bind(available_at)
            .bind(error)
            .bind(job.id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Jobs not yet done.
    pub async fn pending_jobs(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL")
                .fetch_one(self.pool())
                .await?,
        )
    }
}
