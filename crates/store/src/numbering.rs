//! Dossier numbers of the day, per agency: blocks a process takes from the counter row
//! ahead of submissions (PostgreSQL), and numbers given back by submissions that
//! failed. Kept apart from drafts and dossiers so that `db` depends on neither.

use crate::{Db, StoreResult};

/// Dossier numbers a process took from the database and has not used yet, per agency
/// and day. The lock is never held across an await.
pub(crate) type NumberBlocks =
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<(i64, String), NumberPool>>>;

/// Unused numbers: blocks taken (in order), and numbers given back by submissions
/// that failed (used first, smallest first).
#[derive(Debug, Default)]
pub(crate) struct NumberPool {
    blocks: std::collections::VecDeque<(i64, i64)>,
    returned: std::collections::BTreeSet<i64>,
}

impl NumberPool {
    fn is_empty(&self) -> bool {
        self.returned.is_empty() && self.blocks.is_empty()
    }

    fn take(&mut self) -> Option<i64> {
        if let Some(number) = self.returned.pop_first() {
            return Some(number);
        }
        let (next, last) = self.blocks.front_mut()?;
        let number = *next;
        *next += 1;
        if *next > *last {
            self.blocks.pop_front();
        }
        Some(number)
    }
}

/// How many numbers of the day a process takes at a time on PostgreSQL.
const NUMBER_BLOCK: i64 = 20;

impl Db {
    fn number_pools(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<(i64, String), NumberPool>> {
        self.numbers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes sure this process holds an unused number of the agency's day, taking a
    /// block of them from the counter row in a statement of its own when it holds
    /// none: so concurrent submissions never queue on that row for the length of their
    /// transactions (which capped throughput at one commit at a time). Called before a
    /// submission's transaction, so the refill never waits for a connection held by a
    /// transaction waiting for it. Numbers stay unique across nodes; a process that
    /// stops skips its unused numbers, so the day's numbers may have gaps (the register
    /// number, taken at receipt, has none).
    pub(crate) async fn ensure_day_numbers(&self, agency_id: i64, day: &str) -> StoreResult<()> {
        let key = (agency_id, day.to_string());
        if self.number_pools().get(&key).is_some_and(|p| !p.is_empty()) {
            return Ok(());
        }
        let last: i64 = sqlx::query_scalar(
            "INSERT INTO dossier_sequence (agency_id, day, last) VALUES ($1, $2, $3) \
             ON CONFLICT (agency_id, day) DO UPDATE SET last = dossier_sequence.last + $3 RETURNING last",
        )
        .bind(agency_id)
        .bind(day)
        .bind(NUMBER_BLOCK)
        .fetch_one(self.pool())
        .await?;
        let mut pools = self.number_pools();
        let pool = pools.entry(key).or_default();
        pool.blocks.push_back((last - NUMBER_BLOCK + 1, last));
        pool.blocks.make_contiguous().sort_unstable();
        Ok(())
    }

    /// Takes the smallest unused number of the agency's day, if this process has one.
    pub(crate) fn take_day_number(&self, agency_id: i64, day: &str) -> Option<i64> {
        self.number_pools()
            .get_mut(&(agency_id, day.to_string()))
            .and_then(NumberPool::take)
    }

    /// Returns a number a failed submission took.
    pub(crate) fn give_back_number(&self, agency_id: i64, day: &str, number: i64) {
        self.number_pools()
            .entry((agency_id, day.to_string()))
            .or_default()
            .returned
            .insert(number);
    }
}

#[cfg(test)]
mod tests {
    use super::NumberPool;

    #[test]
    fn numbers_given_back_go_first_then_blocks_in_order() {
        let mut pool = NumberPool::default();
        assert!(pool.is_empty());
        pool.blocks.push_back((1, 2));
        pool.blocks.push_back((21, 22));
        pool.returned.insert(5);
        let taken: Vec<i64> = std::iter::from_fn(|| pool.take()).collect();
        assert_eq!(taken, [5, 1, 2, 21, 22]);
        assert!(pool.is_empty());
    }
}
