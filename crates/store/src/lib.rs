//! motcua storage: one code path over SQLite or PostgreSQL (sqlx `Any` driver), the
//! repositories that speak SQL, the outbox, and file storage (local directory or S3).

pub mod accounts;
pub mod admin_units;
pub mod agencies;
pub mod api_tokens;
pub mod audit;
pub mod calendars;
pub mod codes;
mod db;
pub mod demo;
pub mod desk;
pub mod document_store;
pub mod dossiers;
pub mod drafts;
mod error;
pub mod events;
pub mod files;
pub mod meta;
mod migrate;
mod numbering;
pub mod oidc;
pub mod outbox;
pub mod password;
pub mod procedures;
pub mod profile;
pub mod purge;
pub mod second_factor;
pub mod security;
pub mod sessions;
#[cfg(feature = "testing")]
pub mod testing;
pub mod time;

pub use db::{Backend, Db, DbOptions, WriteTx};
pub use error::{StoreError, StoreResult};
pub use files::{FileRecord, FileStore, StorageConfig};

/// Everything persistent: the database and the file storage.
#[derive(Clone, Debug)]
pub struct Store {
    pub db: Db,
    pub files: FileStore,
}

impl Store {
    /// Connects to both parts; does not migrate (call [`Db::migrate`]).
    pub async fn open(db: DbOptions, files: StorageConfig) -> StoreResult<Self> {
        let db = Db::connect(&db).await?;
        let files = FileStore::open(&files)?;
        Ok(Self { db, files })
    }
}
