//! Fresh databases for tests: SQLite always, PostgreSQL too when
//! `MOTCUA_TEST_POSTGRES_URL` is set. Each test database is isolated (its own SQLite
//! file, or its own PostgreSQL schema), so tests run in parallel.

use std::sync::atomic::{AtomicU32, Ordering};

use tempfile::TempDir;

use crate::{Backend, Db, DbOptions};

/// The environment variable naming the PostgreSQL server used by tests.
pub const POSTGRES_URL_VAR: &str = "MOTCUA_TEST_POSTGRES_URL";

/// The backends tests must cover in this environment.
pub fn backends() -> Vec<Backend> {
    let mut list = vec![Backend::Sqlite];
    if std::env::var(POSTGRES_URL_VAR).is_ok_and(|url| !url.is_empty()) {
        list.push(Backend::Postgres);
    }
    list
}

/// An isolated, empty database and a data directory, removed when dropped.
pub struct TestDatabase {
    pub options: DbOptions,
    pub data_dir: TempDir,
    pub backend: Backend,
    schema: Option<(String, String)>,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl TestDatabase {
    /// Creates an empty database of the given backend.
    pub async fn new(backend: Backend) -> Self {
        let data_dir = tempfile::Builder::new()
            .prefix("motcua-test-")
            .tempdir()
            .expect("temporary directory");
        match backend {
            Backend::Sqlite => Self {
                options: DbOptions::sqlite_in(data_dir.path()),
                data_dir,
                backend,
                schema: None,
            },
            Backend::Postgres => {
                let base = std::env::var(POSTGRES_URL_VAR).expect("MOTCUA_TEST_POSTGRES_URL");
                let schema = format!(
                    "motcua_test_{}_{}_{}",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::Relaxed),
                    rand::random::<u32>()
                );
                let admin = Db::connect(&DbOptions {
                    url: Some(base.clone()),
                    max_connections: 1,
                    ..DbOptions::sqlite_in(data_dir.path())
                })
                .await
                .expect("connect to the test PostgreSQL server");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .execute(admin.pool())
                    .await
                    .expect("create test schema");
                admin.close().await;
                let separator = if base.contains('?') { '&' } else { '?' };
                // The application name tags this test's connections, so clean-up can
                // end them even when a dropped transaction still holds locks.
                let url = format!(
                    "{base}{separator}options=-c%20search_path%3D{schema}&application_name={schema}"
                );
                Self {
                    options: DbOptions {
                        url: Some(url),
                        max_connections: 5,
                        ..DbOptions::sqlite_in(data_dir.path())
                    },
                    data_dir,
                    backend,
                    schema: Some((base, schema)),
                }
            }
        }
    }

    /// Connects to the test database (not migrated).
    pub async fn connect(&self) -> Db {
        Db::connect(&self.options)
            .await
            .expect("connect to test database")
    }

    /// Connects and migrates.
    pub async fn migrated(&self) -> Db {
        let db = self.connect().await;
        db.migrate().await.expect("migrate test database");
        db
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((base, schema)) = self.schema.take() else {
            return;
        };
        // Dropping runs inside a test's runtime, which cannot be blocked on: clean up
        // from a thread of its own.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let admin = Db::connect(&DbOptions {
                    url: Some(base),
                    max_connections: 1,
                    ..DbOptions::sqlite_in(std::env::temp_dir())
                })
                .await
                .map_err(std::io::Error::other)?;
                sqlx::query("SET lock_timeout = '10s'")
                    .execute(admin.pool())
                    .await
                    .map_err(std::io::Error::other)?;
                sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1")
                    .bind(&schema)
                    .execute(admin.pool())
                    .await
                    .map_err(std::io::Error::other)?;
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                    .execute(admin.pool())
                    .await
                    .map_err(std::io::Error::other)?;
                admin.close().await;
                Ok::<(), std::io::Error>(())
            })
        });
        let _ = cleanup.join();
    }
}
