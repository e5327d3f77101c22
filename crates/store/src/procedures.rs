//! Procedures and their versions: editing a procedure adds a version, and a dossier
//! keeps the version it was filed under. A catalog import is one transaction.

use motcua_domain::catalog::ProcedureEntry;
use sqlx::{Any, Transaction};

use crate::{Db, StoreError, StoreResult, time};

/// The core fields of a procedure plus its full catalog entry as JSON.
#[derive(Clone, Debug)]
pub struct ProcedureInput<'a> {
    /// Official code, e.g. `1.001193`.
    pub code: &'a str,
    pub name: &'a str,
    pub field: &'a str,
    /// `full`, `partial` or `none`.
    pub online_service: &'a str,
    /// The catalog entry, as JSON.
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

/// The current version of a procedure, with its code.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CurrentProcedure {
    pub procedure_id: i64,
    pub version_id: i64,
    pub code: String,
    pub version: i64,
    pub data: String,
}

/// What saving did to one procedure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    Created,
    NewVersion,
    Unchanged,
}

/// What a catalog import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CatalogImportReport {
    pub created: usize,
    pub new_versions: usize,
    pub unchanged: usize,
}

const CURRENT: &str = "SELECT p.id AS procedure_id, v.id AS version_id, p.code, v.version, v.data \
     FROM procedure p JOIN procedure_version v ON v.procedure_id = p.id AND v.version = p.current_version";

impl Db {
    /// Creates the procedure, or records a new version when its data changed; returns
    /// the current version.
    pub async fn save_procedure(
        &self,
        input: &ProcedureInput<'_>,
    ) -> StoreResult<ProcedureVersion> {
        let mut tx = self.begin_write().await?;
        let (procedure_id, version, _) = save_in(&mut tx, input, time::now_micros()).await?;
        tx.commit().await?;
        self.procedure_version(procedure_id, version).await
    }

    /// Saves every entry of a validated catalog in one transaction: all or nothing.
    pub async fn import_catalog(
        &self,
        entries: &[ProcedureEntry],
    ) -> StoreResult<CatalogImportReport> {
        let now = time::now_micros();
        let mut tx = self.begin_write().await?;
        let mut report = CatalogImportReport::default();
        for entry in entries {
            let data =
                serde_json::to_string(entry).map_err(|e| StoreError::Invalid(e.to_string()))?;
            let input = ProcedureInput {
                code: &entry.code,
                name: &entry.name,
                field: &entry.field,
                online_service: entry.online_service.as_str(),
                data: &data,
            };
            match save_in(&mut tx, &input, now).await?.2 {
                SaveOutcome::Created => report.created += 1,
                SaveOutcome::NewVersion => report.new_versions += 1,
                SaveOutcome::Unchanged => report.unchanged += 1,
            }
        }
        tx.commit().await?;
        Ok(report)
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

    /// The current version of every procedure, by code.
    pub async fn current_procedures(&self) -> StoreResult<Vec<CurrentProcedure>> {
        Ok(
            sqlx::query_as::<_, CurrentProcedure>(sqlx::AssertSqlSafe(format!(
                "{CURRENT} ORDER BY p.code"
            )))
            .fetch_all(self.pool())
            .await?,
        )
    }

    /// The current version of one procedure.
    pub async fn current_procedure(&self, code: &str) -> StoreResult<Option<CurrentProcedure>> {
        Ok(
            sqlx::query_as::<_, CurrentProcedure>(sqlx::AssertSqlSafe(format!(
                "{CURRENT} WHERE p.code = $1"
            )))
            .bind(code)
            .fetch_optional(self.pool())
            .await?,
        )
    }

    pub async fn count_procedures(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM procedure")
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// Dossiers filed per procedure code (all versions), for ranking by popularity.
    pub async fn dossier_counts_by_procedure(&self) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as::<_, (String, i64)>(
            "SELECT p.code, COUNT(d.id) FROM procedure p \
             JOIN procedure_version v ON v.procedure_id = p.id \
             JOIN dossier d ON d.procedure_version_id = v.id GROUP BY p.code",
        )
        .fetch_all(self.pool())
        .await?)
    }
}

/// Saves one procedure inside a transaction: `(procedure_id, current version, outcome)`.
async fn save_in(
    tx: &mut Transaction<'_, Any>,
    input: &ProcedureInput<'_>,
    now: i64,
) -> StoreResult<(i64, i64, SaveOutcome)> {
    let existing: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, current_version FROM procedure WHERE code = $1")
            .bind(input.code)
            .fetch_optional(&mut **tx)
            .await?;
    let (procedure_id, version, outcome) = match existing {
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
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| match StoreError::from(e) {
                e if e.is_unique_violation() => {
                    StoreError::Conflict(format!("procedure {} was created by someone else", input.code))
                }
                e => e,
            })?;
            (id, 1, SaveOutcome::Created)
        }
        Some((id, current)) => {
            let current_data: String = sqlx::query_scalar(
                "SELECT data FROM procedure_version WHERE procedure_id = $1 AND version = $2",
            )
            .bind(id)
            .bind(current)
            .fetch_one(&mut **tx)
            .await?;
            if current_data == input.data {
                return Ok((id, current, SaveOutcome::Unchanged));
            }
            let updated = sqlx::query(
                "UPDATE procedure SET name = $1, field = $2, online_service = $3, current_version = $4, updated_at = $5 \
                 WHERE id = $6 AND current_version = $7",
            )
            .bind(input.name)
            .bind(input.field)
            .bind(input.online_service)
            .bind(current + 1)
            .bind(now)
            .bind(id)
            .bind(current)
            .execute(&mut **tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!(
                    "procedure {} was changed by someone else",
                    input.code
                )));
            }
            (id, current + 1, SaveOutcome::NewVersion)
        }
    };
    sqlx::query("INSERT INTO procedure_version (procedure_id, version, data, created_at) VALUES ($1, $2, $3, $4)")
        .bind(procedure_id)
        .bind(version)
        .bind(input.data)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok((procedure_id, version, outcome))
}

impl Db {
    /// `(number of procedures, latest change)`: changes whenever the catalog does.
    pub async fn procedure_stamp(&self) -> StoreResult<(i64, i64)> {
        Ok(sqlx::query_as::<_, (i64, i64)>(
            "SELECT COUNT(*), COALESCE(MAX(updated_at), 0) FROM procedure",
        )
        .fetch_one(self.pool())
        .await?)
    }
}
