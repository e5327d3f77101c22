//! Procedures and their versions: editing a procedure adds a version, and a dossier
//! keeps the version it was filed under. A catalog import is one transaction.

use motcua_domain::catalog::ProcedureEntry;

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

/// One version in a procedure's history.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct VersionInfo {
    pub version: i64,
    pub created_at: i64,
    /// Who saved it through the editor; `None` for catalog imports.
    pub author: Option<String>,
}

/// Who saves, and from which version (for edits made by people).
#[derive(Clone, Copy, Debug, Default)]
struct Edit {
    author: Option<i64>,
    /// `Some(None)`: must not exist yet; `Some(Some(v))`: must still be at version `v`.
    expected_version: Option<Option<i64>>,
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
        let (procedure_id, version, _) =
            save_in(&mut tx, input, time::now_micros(), &Edit::default()).await?;
        tx.commit().await?;
        self.procedure_version(procedure_id, version).await
    }

    /// Saves a procedure edited by a person: `expected_version` is the version the
    /// editor started from (`None` to create a procedure that must not exist yet); a
    /// procedure changed meanwhile is a [`StoreError::Conflict`]. A new procedure is
    /// linked to `agency_id`, the agency that implements it.
    pub async fn save_procedure_edit(
        &self,
        input: &ProcedureInput<'_>,
        expected_version: Option<i64>,
        author: i64,
        agency_id: Option<i64>,
    ) -> StoreResult<(ProcedureVersion, SaveOutcome)> {
        let mut tx = self.begin_write().await?;
        let edit = Edit {
            author: Some(author),
            expected_version: Some(expected_version),
        };
        let (procedure_id, version, outcome) =
            save_in(&mut tx, input, time::now_micros(), &edit).await?;
        if let (SaveOutcome::Created, Some(agency_id)) = (outcome, agency_id) {
            sqlx::query("INSERT INTO procedure_agency (procedure_id, agency_id) VALUES ($1, $2)")
                .bind(procedure_id)
                .bind(agency_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok((
            self.procedure_version(procedure_id, version).await?,
            outcome,
        ))
    }

    /// The agencies recorded as implementing a procedure.
    pub async fn procedure_agency_ids(&self, code: &str) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT pa.agency_id FROM procedure_agency pa JOIN procedure p ON p.id = pa.procedure_id \
             WHERE p.code = $1 ORDER BY pa.agency_id",
        )
        .bind(code)
        .fetch_all(self.pool())
        .await?)
    }

    /// Codes of the procedures implemented by any of these agencies.
    pub async fn procedure_codes_of_agencies(
        &self,
        agency_ids: &[i64],
    ) -> StoreResult<Vec<String>> {
        if agency_ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = (1..=agency_ids.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT DISTINCT p.code FROM procedure_agency pa JOIN procedure p ON p.id = pa.procedure_id \
             WHERE pa.agency_id IN ({placeholders}) ORDER BY p.code"
        );
        let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
        for id in agency_ids {
            query = query.bind(*id);
        }
        Ok(query.fetch_all(self.pool()).await?)
    }

    /// Records every agency as implementing the procedures of its level (a commune's
    /// People's Committee those of the commune level, a province's bodies those of the
    /// province level, central bodies those of ministries). Used for demo data, where
    /// every agency implements its level's whole catalog. Returns the links added.
    pub async fn link_procedures_by_level(&self) -> StoreResult<usize> {
        let agencies = self.agencies().await?;
        let procedures = self.current_procedures().await?;
        let existing: Vec<(i64, i64)> =
            sqlx::query_as("SELECT procedure_id, agency_id FROM procedure_agency")
                .fetch_all(self.pool())
                .await?;
        let existing: std::collections::HashSet<(i64, i64)> = existing.into_iter().collect();
        let mut tx = self.begin_write().await?;
        let mut added = 0;
        for procedure in &procedures {
            let levels = serde_json::from_str::<ProcedureEntry>(&procedure.data)
                .map(|entry| entry.levels)
                .unwrap_or_default();
            for agency in &agencies {
                let implements = levels.iter().any(|level| {
                    matches!(
                        (level.as_str(), agency.level.as_str()),
                        ("commune", "commune")
                            | ("province", "province" | "department")
                            | ("ministry", "central")
                    )
                });
                if implements && !existing.contains(&(procedure.procedure_id, agency.id)) {
                    sqlx::query(
                        "INSERT INTO procedure_agency (procedure_id, agency_id) VALUES ($1, $2)",
                    )
                    .bind(procedure.procedure_id)
                    .bind(agency.id)
                    .execute(&mut *tx)
                    .await?;
                    added += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    /// Every version of a procedure, newest first, with who made it.
    pub async fn procedure_history(&self, code: &str) -> StoreResult<Vec<VersionInfo>> {
        Ok(sqlx::query_as::<_, VersionInfo>(
            "SELECT v.version, v.created_at, a.full_name AS author FROM procedure_version v \
             JOIN procedure p ON p.id = v.procedure_id LEFT JOIN account a ON a.id = v.created_by \
             WHERE p.code = $1 ORDER BY v.version DESC",
        )
        .bind(code)
        .fetch_all(self.pool())
        .await?)
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
            match save_in(&mut tx, &input, now, &Edit::default()).await?.2 {
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

    /// A version by its id: the procedure's code and the version's data (JSON).
    pub async fn procedure_version_by_id(&self, id: i64) -> StoreResult<Option<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT p.code, v.data FROM procedure_version v JOIN procedure p ON p.id = v.procedure_id WHERE v.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
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
    tx: &mut sqlx::AnyConnection,
    input: &ProcedureInput<'_>,
    now: i64,
    edit: &Edit,
) -> StoreResult<(i64, i64, SaveOutcome)> {
    let existing: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, current_version FROM procedure WHERE code = $1")
            .bind(input.code)
            .fetch_optional(&mut *tx)
            .await?;
    match (edit.expected_version, existing) {
        (Some(None), Some(_)) => {
            return Err(StoreError::Conflict(format!(
                "procedure {} already exists",
                input.code
            )));
        }
        (Some(Some(_)), None) => {
            return Err(StoreError::NotFound { what: "procedure" });
        }
        (Some(Some(expected)), Some((_, current))) if expected != current => {
            return Err(StoreError::Conflict(format!(
                "procedure {} is at version {current}, not {expected}",
                input.code
            )));
        }
        _ => {}
    }
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
            .fetch_one(&mut *tx)
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
            .fetch_one(&mut *tx)
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
            .execute(&mut *tx)
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
    sqlx::query("INSERT INTO procedure_version (procedure_id, version, data, created_at, created_by) VALUES ($1, $2, $3, $4, $5)")
        .bind(procedure_id)
        .bind(version)
        .bind(input.data)
        .bind(now)
        .bind(edit.author)
        .execute(&mut *tx)
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
