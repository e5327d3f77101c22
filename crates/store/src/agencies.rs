//! Agencies: the bodies that receive and process dossiers.

use sqlx::AssertSqlSafe;

use crate::{Db, StoreResult, time};

/// An agency as stored.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Agency {
    pub id: i64,
    /// Electronic identifier code (Decision 20/2020/QĐ-TTg), e.g. `000.00.00.H42`.
    pub code: String,
    pub name: String,
    /// `central`, `province`, `department` or `commune`.
    pub level: String,
    pub admin_unit_id: Option<i64>,
    pub parent_id: Option<i64>,
}

/// The fields to create or update an agency, keyed by its code.
#[derive(Clone, Debug)]
pub struct AgencyInput<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub level: &'a str,
    pub admin_unit_id: Option<i64>,
    pub parent_id: Option<i64>,
}

const COLUMNS: &str = "id, code, name, level, admin_unit_id, parent_id";

impl Db {
    /// Creates the agency or updates the one with the same code; returns it.
    pub async fn upsert_agency(&self, input: &AgencyInput<'_>) -> StoreResult<Agency> {
        let now = time::now_micros();
        Ok(sqlx::query_as::<_, Agency>(AssertSqlSafe(format!(
            "INSERT INTO agency (code, name, level, admin_unit_id, parent_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, \
             admin_unit_id = excluded.admin_unit_id, parent_id = excluded.parent_id, updated_at = excluded.updated_at \
             RETURNING {COLUMNS}"
        )))
        .bind(input.code)
        .bind(input.name)
        .bind(input.level)
        .bind(input.admin_unit_id)
        .bind(input.parent_id)
        .bind(now)
        .fetch_one(self.pool())
        .await?)
    }

    pub async fn agency_by_code(&self, code: &str) -> StoreResult<Option<Agency>> {
        Ok(sqlx::query_as::<_, Agency>(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM agency WHERE code = $1"
        )))
        .bind(code)
        .fetch_optional(self.pool())
        .await?)
    }

    /// All agencies, by code.
    pub async fn agencies(&self) -> StoreResult<Vec<Agency>> {
        Ok(sqlx::query_as::<_, Agency>(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM agency ORDER BY code"
        )))
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn count_agencies(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM agency")
            .fetch_one(self.pool())
            .await?)
    }

    /// These agencies and every agency under them, at any depth.
    pub async fn agency_subtree(&self, roots: &[i64]) -> StoreResult<Vec<i64>> {
        let tree: Vec<(i64, Option<i64>)> = sqlx::query_as("SELECT id, parent_id FROM agency")
            .fetch_all(self.pool())
            .await?;
        let mut found: Vec<i64> = roots.to_vec();
        let mut i = 0;
        while i < found.len() {
            let parent = found[i];
            for (id, _) in tree.iter().filter(|(_, p)| *p == Some(parent)) {
                if !found.contains(id) {
                    found.push(*id);
                }
            }
            i += 1;
        }
        found.sort_unstable();
        Ok(found)
    }

    pub async fn agency(&self, id: i64) -> StoreResult<Option<Agency>> {
        Ok(sqlx::query_as::<_, Agency>(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM agency WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }
}
