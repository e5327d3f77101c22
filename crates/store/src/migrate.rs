//! Schema migrations, one folder per backend, embedded in the binary.

use sqlx::migrate::Migrator;

use crate::{Backend, Db, StoreResult};

static SQLITE: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("migrations/postgres");

impl Db {
    fn migrator(&self) -> &'static Migrator {
        match self.backend() {
            Backend::Sqlite => &SQLITE,
            Backend::Postgres => &POSTGRES,
        }
    }

    /// Applies every pending migration; returns the versions applied now.
    /// Running it again is a no-op.
    pub async fn migrate(&self) -> StoreResult<Vec<i64>> {
        let before = self.applied_migrations().await?;
        self.migrator().run(self.pool()).await?;
        let after = self.applied_migrations().await?;
        Ok(after.into_iter().filter(|v| !before.contains(v)).collect())
    }

    /// Versions recorded in the migrations table (empty on a new database).
    pub async fn applied_migrations(&self) -> StoreResult<Vec<i64>> {
        let exists = match self.backend() {
            Backend::Sqlite => {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
                )
                .fetch_one(self.pool())
                .await?
            }
            Backend::Postgres => {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'",
                )
                .fetch_one(self.pool())
                .await?
            }
        };
        if exists == 0 {
            return Ok(Vec::new());
        }
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// The newest migration this build knows.
    pub fn latest_migration(&self) -> i64 {
        self.migrator().iter().map(|m| m.version).max().unwrap_or(0)
    }
}
