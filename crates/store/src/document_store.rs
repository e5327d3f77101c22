//! The person's document store: files they uploaded, results and certified copies
//! issued to them, each reusable in any later dossier by reference (the file itself is
//! stored once, by content).

use crate::{Db, StoreResult, time};

/// Where a stored document came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Uploaded,
    Result,
    CertifiedCopy,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Uploaded => "uploaded",
            Origin::Result => "result",
            Origin::CertifiedCopy => "certified_copy",
        }
    }

    /// In Vietnamese, for people.
    pub fn label(name: &str) -> &'static str {
        match name {
            "result" => "Kết quả giải quyết thủ tục",
            "certified_copy" => "Bản sao điện tử có chứng thực",
            _ => "Do bạn tải lên",
        }
    }
}

/// A document of the store, with its file's type and size.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredDocument {
    pub id: i64,
    pub owner_id: i64,
    pub file_id: i64,
    pub title: String,
    pub file_name: String,
    pub origin: String,
    pub dossier_id: Option<i64>,
    pub created_at: i64,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
}

pub(crate) const STORED_COLUMNS: &str = "d.id, d.owner_id, d.file_id, d.title, d.file_name, d.origin, d.dossier_id, \
     d.created_at, f.mime, f.size, f.sha256";

/// A new entry of the store.
#[derive(Clone, Debug)]
pub struct NewStoredDocument<'a> {
    pub owner_id: i64,
    pub file_id: i64,
    pub title: &'a str,
    pub file_name: &'a str,
    pub origin: Origin,
    pub dossier_id: Option<i64>,
}

impl Db {
    pub async fn store_document(&self, new: &NewStoredDocument<'_>) -> StoreResult<StoredDocument> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO stored_document (owner_id, file_id, title, file_name, origin, dossier_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.owner_id)
        .bind(new.file_id)
        .bind(new.title)
        .bind(new.file_name)
        .bind(new.origin.as_str())
        .bind(new.dossier_id)
        .bind(time::now_micros())
        .fetch_one(self.pool())
        .await?;
        self.stored_document(id)
            .await?
            .ok_or(crate::StoreError::NotFound {
                what: "stored document",
            })
    }

    pub async fn stored_document(&self, id: i64) -> StoreResult<Option<StoredDocument>> {
        Ok(
            sqlx::query_as::<_, StoredDocument>(sqlx::AssertSqlSafe(format!(
                "SELECT {STORED_COLUMNS} FROM stored_document d JOIN file f ON f.id = d.file_id \
             WHERE d.id = $1 AND d.deleted_at IS NULL"
            )))
            .bind(id)
            .fetch_optional(self.pool())
            .await?,
        )
    }

    /// The documents a person may reuse, newest first.
    pub async fn documents_of(&self, owner_id: i64) -> StoreResult<Vec<StoredDocument>> {
        Ok(
            sqlx::query_as::<_, StoredDocument>(sqlx::AssertSqlSafe(format!(
                "SELECT {STORED_COLUMNS} FROM stored_document d JOIN file f ON f.id = d.file_id \
             WHERE d.owner_id = $1 AND d.deleted_at IS NULL ORDER BY d.id DESC"
            )))
            .bind(owner_id)
            .fetch_all(self.pool())
            .await?,
        )
    }

    /// Removes a document from its owner's store (dossiers that used it keep it).
    pub async fn forget_document(&self, owner_id: i64, id: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE stored_document SET deleted_at = $1 WHERE id = $2 AND owner_id = $3 AND deleted_at IS NULL",
        )
        .bind(time::now_micros())
        .bind(id)
        .bind(owner_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
