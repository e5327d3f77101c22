//! Procedures and their versions: editing a procedure adds a version, and a dossier
//! keeps the version it was filed under.

use crate::{Db, StoreResult, time};

/// The core fields of a procedure.
#[derive(Clone, Debug)]
pub struct ProcedureInput<'a> {
    /// Official code, e.g. `1.001193`.
    pub code: &'a str,
    pub name: &'a str,
    pub field: &'a str,
    /// `full`, `partial` or `none`.
    pub online_service: &'a str,
    /// The rest of the catalog entry, as JSON.
    pub data: &'a str,
}

/// A procedure version as stored.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ProcedureVersion {
    pub id: i64,
    pub procedure_id: i64,
    pub version: i64,
    pub data: String,
}

impl Db {
    /// Creates the procedure, or records a new version when its data changed; returns
    /// the current version.
    pub async fn save_procedure(
        &self,
        input: &ProcedureInput<'_>,
    ) -> StoreResult<ProcedureVersion> {
        let now = time::now_micros();
        let mut tx = self.pool().begin().await?;
        let existing: Option<(i64, i64)> =
            sqlx::query_as("SELECT id, current_version FROM procedure WHERE code = $1")
                .bind(input.code)
                .fetch_optional(&mut *tx)
                .await?;
        let (procedure_id, version) = match existing {
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO procedure (code, name, field, online_service, current_version, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id",
                )
                .bind(input.code)
                .bind(input.name)
                .bind(input.field)
                .bind(input.online_service)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                (id, 1)
            }
            Some((id, current)) => {
                let current_data: String = sqlx::query_scalar(
                    "SELECT data FROM procedure_version WHERE procedure_id = $1 AND version = $2",
                )
                .bind(id)
                .bind(current)
                .fetch_one(&mut *tx)
                .await?;
                if current_data == input.data {
                    tx.commit().await?;
                    return self.procedure_version(id, current).await;
                }
                sqlx::query(
                    "UPDATE procedure SET name = $1, field = $2, online_service = $3, current_version = $4, updated_at = $5 \
                     WHERE id = $6",
                )
                .bind(input.name)
                .bind(input.field)
                .bind(input.online_service)
                .bind(current + 1)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                (id, current + 1)
            }
        };
        sqlx::query("INSERT INTO procedure_version (procedure_id, version, data, created_at) VALUES ($1, $2, $3, $4)")
            .bind(procedure_id)
            .bind(version)
            .bind(input.data)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.procedure_version(procedure_id, version).await
    }

    pub async fn procedure_version(
        &self,
        procedure_id: i64,
        version: i64,
    ) -> StoreResult<ProcedureVersion> {
        Ok(sqlx::query_as::<_, ProcedureVersion>(
            "SELECT id, procedure_id, version, data FROM procedure_version WHERE procedure_id = $1 AND version = $2",
        )
        .bind(procedure_id)
        .bind(version)
        .fetch_one(self.pool())
        .await?)
    }
}
