//! The one error type of the storage layer.

/// What can go wrong below the domain: the web layer maps each variant to a response.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("file storage error: {0}")]
    Storage(#[from] object_store::Error),
    #[error("invalid database URL: {0}")]
    DatabaseUrl(String),
    #[error("invalid storage configuration: {0}")]
    StorageConfig(String),
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid data: {0}")]
    Invalid(String),
    #[error("integrity check failed: {0}")]
    Integrity(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// True when a database write hit a unique constraint (a duplicate).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}
