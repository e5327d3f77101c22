//! The connection pool over SQLite or PostgreSQL, chosen by the database URL.
//!
//! One pool type (`AnyPool`) serves both backends so that every repository is written
//! once; the few places where the dialects differ branch on [`Backend`].

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

use crate::{StoreError, StoreResult};

/// Which database engine is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// How to reach the database.
#[derive(Clone)]
pub struct DbOptions {
    /// `postgres://…` or `sqlite://…`; `None` means the SQLite file in `data_dir`.
    pub url: Option<String>,
    /// Where the default SQLite file lives.
    pub data_dir: PathBuf,
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl std::fmt::Debug for DbOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbOptions")
            .field("url", &self.url.as_deref().map(redact_url))
            .field("data_dir", &self.data_dir)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

impl DbOptions {
    /// The embedded default: `DATA_DIR/motcua.db`.
    pub fn sqlite_in(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            url: None,
            data_dir: data_dir.into(),
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
        }
    }

    fn resolved_url(&self) -> String {
        match &self.url {
            Some(url) => url.clone(),
            None => sqlite_url(&self.data_dir.join("motcua.db")),
        }
    }
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Hides the password of a URL, for logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_string(),
        Err(_) => "<unparsable URL>".to_string(),
    }
}

/// A pool plus the knowledge of which dialect it speaks.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// The SQLite file, when the backend is SQLite.
    sqlite_path: Option<PathBuf>,
    /// Blocks of dossier numbers taken by this process (see `next_day_number`).
    pub(crate) numbers: crate::numbering::NumberBlocks,
    /// The turn of this process's SQLite writers (see `begin_write`).
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// A transaction that writes, holding (on SQLite) this process's writer turn until it
/// ends. It derefs to the connection, as a `sqlx::Transaction` does.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> StoreResult<()> {
        Ok(self.tx.commit().await?)
    }

    pub async fn rollback(self) -> StoreResult<()> {
        Ok(self.tx.rollback().await?)
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl Db {
    /// Opens the pool; SQLite files get WAL, `synchronous=NORMAL`, foreign keys and a
    /// busy timeout on every connection.
    pub async fn connect(options: &DbOptions) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let url = options.resolved_url();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StoreError::DatabaseUrl(format!(
                "{}: expected postgres://… or sqlite://…",
                redact_url(&url)
            )));
        };
        let sqlite_path = match backend {
            Backend::Sqlite => {
                let path = sqlite_file(&url);
                if let Some(parent) = path
                    .as_ref()
                    .and_then(|p| p.parent())
                    .filter(|p| !p.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        StoreError::DatabaseUrl(format!("cannot create {}: {e}", parent.display()))
                    })?;
                }
                path
            }
            Backend::Postgres => None,
        };
        let connect_options = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::DatabaseUrl(format!("{}: {e}", redact_url(&url))))?
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
        let mut pool_options = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout);
        if backend == Backend::Sqlite {
            pool_options = pool_options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                    )
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = pool_options.connect_with(connect_options).await?;
        Ok(Self {
            pool,
            backend,
            sqlite_path,
            numbers: Default::default(),
            writer: Default::default(),
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite database file, if that is the backend.
    pub fn sqlite_path(&self) -> Option<&Path> {
        self.sqlite_path.as_deref()
    }

    /// Connections open and idle, for the metrics endpoint.
    pub fn pool_usage(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a plain `BEGIN` that reads first fails with "database is
    /// locked" when another writer commits in between, whatever the busy timeout.
    ///
    /// SQLite has one writer at a time: writers of this process queue for their turn
    /// in order (an async lock held until commit) instead of polling the file lock
    /// with the busy timeout's growing sleeps, which made the slowest writes wait
    /// seconds under load.
    pub async fn begin_write(&self) -> StoreResult<WriteTx> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let turn =
                    tokio::time::timeout(Duration::from_secs(5), self.writer.clone().lock_owned())
                        .await
                        .map_err(|_| StoreError::Conflict("the database is busy".into()))?;
                WriteTx {
                    tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
                    _turn: Some(turn),
                }
            }
            Backend::Postgres => WriteTx {
                tx: self.pool.begin().await?,
                _turn: None,
            },
        })
    }

    /// Runs `work` while holding an installation-wide lock, so that several nodes
    /// starting together on an empty PostgreSQL database do not each load the first-start
    /// data (SQLite has one process per file, and `BEGIN IMMEDIATE` serialises writers).
    pub async fn with_startup_lock<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: std::future::Future<Output = Result<T, E>>,
        E: From<StoreError>,
    {
        if self.backend == Backend::Sqlite {
            return work.await;
        }
        // An arbitrary constant: "motcua" in ASCII.
        const KEY: i64 = 0x6d6f_7463_7561;
        let mut lock = self.pool.acquire().await.map_err(StoreError::from)?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(KEY)
            .execute(&mut *lock)
            .await
            .map_err(StoreError::from)?;
        let result = work.await;
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(KEY)
            .execute(&mut *lock)
            .await
            .map_err(StoreError::from)?;
        result
    }

    /// A round trip to the database, for readiness checks.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection (waits for those in use).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The file path inside a `sqlite://PATH?…` URL (none for in-memory databases).
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        None
    } else {
        Some(PathBuf::from(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/motcua"),
            "postgres://app:***@db:5432/motcua"
        );
        assert_eq!(redact_url("postgres://db/motcua"), "postgres://db/motcua");
    }

    #[test]
    fn finds_the_sqlite_file() {
        assert_eq!(
            sqlite_file("sqlite://./data/motcua.db?mode=rwc"),
            Some(PathBuf::from("./data/motcua.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }
}
