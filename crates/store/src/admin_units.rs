//! Administrative units (provinces and communes) and their import from the official list.
//!
//! Units are never deleted: a unit missing from a newer list is marked superseded (and
//! linked to the unit that replaced it when the list says so), so every record that
//! points to an old unit keeps working. Each change is logged in `admin_unit_change`.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use crate::{Db, StoreError, StoreResult, time};

/// A province in the list format of `data/admin-units-2025.json`.
#[derive(Debug, Deserialize)]
pub struct ProvinceEntry {
    pub code: i64,
    pub name: String,
    pub codename: String,
    pub division_type: String,
    #[serde(default)]
    pub wards: Vec<CommuneEntry>,
    /// Codes of provinces this one absorbed (for a later list with merged units).
    #[serde(default)]
    pub replaces: Vec<i64>,
}

/// A commune, ward or special zone.
#[derive(Debug, Deserialize)]
pub struct CommuneEntry {
    pub code: i64,
    pub name: String,
    pub codename: String,
    pub division_type: String,
    /// Codes of communes this one absorbed.
    #[serde(default)]
    pub replaces: Vec<i64>,
}

/// An administrative unit as stored.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AdminUnit {
    pub id: i64,
    pub level: String,
    pub code: i64,
    pub name: String,
    pub division_type: String,
    pub parent_id: Option<i64>,
    pub superseded_by: Option<i64>,
    pub superseded_at: Option<i64>,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub provinces: usize,
    pub communes: usize,
    pub added: usize,
    pub renamed: usize,
    pub moved: usize,
    pub superseded: usize,
    pub restored: usize,
}

/// Parses and validates a list; every problem is reported with its place in the file.
pub fn parse_list(json: &str) -> StoreResult<Vec<ProvinceEntry>> {
    let list: Vec<ProvinceEntry> = serde_json::from_str(json).map_err(|e| {
        StoreError::Invalid(format!("line {}, column {}: {e}", e.line(), e.column()))
    })?;
    let mut problems = Vec::new();
    let mut province_codes = HashSet::new();
    let mut commune_codes = HashSet::new();
    for (i, province) in list.iter().enumerate() {
        if province.name.trim().is_empty() {
            problems.push(format!("[{i}].name: empty"));
        }
        if !province_codes.insert(province.code) {
            problems.push(format!(
                "[{i}].code: province code {} appears twice",
                province.code
            ));
        }
        for (j, commune) in province.wards.iter().enumerate() {
            if commune.name.trim().is_empty() {
                problems.push(format!("[{i}].wards[{j}].name: empty"));
            }
            if !commune_codes.insert(commune.code) {
                problems.push(format!(
                    "[{i}].wards[{j}].code: commune code {} appears twice",
                    commune.code
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(list)
    } else {
        Err(StoreError::Invalid(problems.join("; ")))
    }
}

struct Existing {
    id: i64,
    name: String,
    parent_id: Option<i64>,
    superseded: bool,
}

impl Db {
    /// Imports a list in one transaction: new units are added, renamed or moved units
    /// updated, units absent from the list superseded. Importing the same list twice
    /// changes nothing.
    pub async fn import_admin_units(&self, list: &[ProvinceEntry]) -> StoreResult<ImportReport> {
        let now = time::now_micros();
        let import_id = format!("import-{now}");
        let mut tx = self.begin_write().await?;
        let mut existing = load_existing(&mut tx).await?;
        let mut report = ImportReport::default();
        let mut seen: HashSet<(String, i64)> = HashSet::new();
        let mut replaced_by: HashMap<(String, i64), i64> = HashMap::new();

        for province in list {
            let unit = UnitInput {
                level: "province",
                code: province.code,
                name: &province.name,
                codename: &province.codename,
                division_type: &province.division_type,
                parent_id: None,
            };
            let province_id =
                upsert_unit(&mut tx, &mut existing, &unit, &import_id, now, &mut report).await?;
            report.provinces += 1;
            seen.insert(("province".into(), province.code));
            for old in &province.replaces {
                replaced_by.insert(("province".into(), *old), province_id);
            }
            for commune in &province.wards {
                let unit = UnitInput {
                    level: "commune",
                    code: commune.code,
                    name: &commune.name,
                    codename: &commune.codename,
                    division_type: &commune.division_type,
                    parent_id: Some(province_id),
                };
                let commune_id =
                    upsert_unit(&mut tx, &mut existing, &unit, &import_id, now, &mut report)
                        .await?;
                report.communes += 1;
                seen.insert(("commune".into(), commune.code));
                for old in &commune.replaces {
                    replaced_by.insert(("commune".into(), *old), commune_id);
                }
            }
        }

        for ((level, code), unit) in &existing {
            let key = (level.clone(), *code);
            if unit.superseded || seen.contains(&key) {
                continue;
            }
            let successor = replaced_by.get(&key).copied();
            sqlx::query("UPDATE admin_unit SET superseded_at = $1, superseded_by = $2, updated_at = $1 WHERE id = $3")
                .bind(now)
                .bind(successor)
                .bind(unit.id)
                .execute(&mut *tx)
                .await?;
            log_change(
                &mut tx,
                unit.id,
                "superseded",
                Some(&unit.name),
                successor.map(|s| s.to_string()).as_deref(),
                &import_id,
                now,
            )
            .await?;
            report.superseded += 1;
        }
        tx.commit().await?;
        Ok(report)
    }

    /// Number of units of a level still in force.
    pub async fn count_current_units(&self, level: &str) -> StoreResult<i64> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM admin_unit WHERE level = $1 AND superseded_at IS NULL",
        )
        .bind(level)
        .fetch_one(self.pool())
        .await?)
    }

    pub async fn admin_unit(&self, level: &str, code: i64) -> StoreResult<Option<AdminUnit>> {
        Ok(sqlx::query_as::<_, AdminUnit>(
            "SELECT id, level, code, name, division_type, parent_id, superseded_by, superseded_at \
             FROM admin_unit WHERE level = $1 AND code = $2",
        )
        .bind(level)
        .bind(code)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Provinces in force, by name.
    pub async fn provinces(&self) -> StoreResult<Vec<AdminUnit>> {
        Ok(sqlx::query_as::<_, AdminUnit>(
            "SELECT id, level, code, name, division_type, parent_id, superseded_by, superseded_at \
             FROM admin_unit WHERE level = 'province' AND superseded_at IS NULL ORDER BY name",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Every unit in force: `(level, code, name, province code)` (the province code is
    /// the unit's own for provinces), for address pickers and checks.
    pub async fn current_places(&self) -> StoreResult<Vec<(String, i64, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT u.level, u.code, u.name, COALESCE(p.code, u.code) FROM admin_unit u \
             LEFT JOIN admin_unit p ON p.id = u.parent_id \
             WHERE u.superseded_at IS NULL ORDER BY u.level DESC, u.name",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Communes in force in a province, by name.
    pub async fn communes_of(&self, province_id: i64) -> StoreResult<Vec<AdminUnit>> {
        Ok(sqlx::query_as::<_, AdminUnit>(
            "SELECT id, level, code, name, division_type, parent_id, superseded_by, superseded_at \
             FROM admin_unit WHERE parent_id = $1 AND superseded_at IS NULL ORDER BY name",
        )
        .bind(province_id)
        .fetch_all(self.pool())
        .await?)
    }
}

struct UnitInput<'a> {
    level: &'static str,
    code: i64,
    name: &'a str,
    codename: &'a str,
    division_type: &'a str,
    parent_id: Option<i64>,
}

/// `id, level, code, name, parent_id, superseded_at` of a stored unit.
type UnitRow = (i64, String, i64, String, Option<i64>, Option<i64>);

async fn load_existing(
    tx: &mut sqlx::AnyConnection,
) -> StoreResult<HashMap<(String, i64), Existing>> {
    let rows: Vec<UnitRow> =
        sqlx::query_as("SELECT id, level, code, name, parent_id, superseded_at FROM admin_unit")
            .fetch_all(&mut *tx)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, level, code, name, parent_id, superseded_at)| {
            (
                (level, code),
                Existing {
                    id,
                    name,
                    parent_id,
                    superseded: superseded_at.is_some(),
                },
            )
        })
        .collect())
}

async fn upsert_unit(
    tx: &mut sqlx::AnyConnection,
    existing: &mut HashMap<(String, i64), Existing>,
    unit: &UnitInput<'_>,
    import_id: &str,
    now: i64,
    report: &mut ImportReport,
) -> StoreResult<i64> {
    let key = (unit.level.to_string(), unit.code);
    let Some(current) = existing.get_mut(&key) else {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO admin_unit (level, code, name, codename, division_type, parent_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(unit.level)
        .bind(unit.code)
        .bind(unit.name)
        .bind(unit.codename)
        .bind(unit.division_type)
        .bind(unit.parent_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        log_change(tx, id, "added", None, Some(unit.name), import_id, now).await?;
        report.added += 1;
        return Ok(id);
    };
    let id = current.id;
    if current.name != unit.name {
        sqlx::query("UPDATE admin_unit SET name = $1, codename = $2, division_type = $3, updated_at = $4 WHERE id = $5")
            .bind(unit.name)
            .bind(unit.codename)
            .bind(unit.division_type)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        log_change(
            tx,
            id,
            "renamed",
            Some(&current.name),
            Some(unit.name),
            import_id,
            now,
        )
        .await?;
        current.name = unit.name.to_string();
        report.renamed += 1;
    }
    if current.parent_id != unit.parent_id {
        sqlx::query("UPDATE admin_unit SET parent_id = $1, updated_at = $2 WHERE id = $3")
            .bind(unit.parent_id)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let (old, new) = (
            current.parent_id.map(|p| p.to_string()),
            unit.parent_id.map(|p| p.to_string()),
        );
        log_change(
            tx,
            id,
            "moved",
            old.as_deref(),
            new.as_deref(),
            import_id,
            now,
        )
        .await?;
        current.parent_id = unit.parent_id;
        report.moved += 1;
    }
    if current.superseded {
        sqlx::query("UPDATE admin_unit SET superseded_at = NULL, superseded_by = NULL, updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        log_change(tx, id, "restored", None, None, import_id, now).await?;
        current.superseded = false;
        report.restored += 1;
    }
    Ok(id)
}

async fn log_change(
    tx: &mut sqlx::AnyConnection,
    unit_id: i64,
    change: &str,
    old_value: Option<&str>,
    new_value: Option<&str>,
    import_id: &str,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO admin_unit_change (unit_id, change, old_value, new_value, import_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(unit_id)
    .bind(change)
    .bind(old_value)
    .bind(new_value)
    .bind(import_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
