//! The procedure catalog as the web layer serves it: the current version of every
//! procedure and the search index over them, rebuilt when the catalog changes (here or
//! on another node: a cheap stamp query is polled).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use motcua_domain::catalog::ProcedureEntry;
use motcua_search::{CatalogIndex, ProcedureDoc, Synonyms};
use motcua_store::{Db, StoreError, StoreResult};

/// The `meta` key holding the administrators' synonym list (JSON); the built-in
/// Vietnamese list applies when it is absent.
pub const SYNONYMS_KEY: &str = "search_synonyms";

/// One consistent view of the catalog.
#[derive(Debug)]
pub struct CatalogSnapshot {
    entries: Vec<Arc<ProcedureEntry>>,
    by_code: HashMap<String, usize>,
    pub index: CatalogIndex,
    stamp: String,
}

impl CatalogSnapshot {
    pub fn get(&self, code: &str) -> Option<&Arc<ProcedureEntry>> {
        self.by_code.get(code).map(|&i| &self.entries[i])
    }

    /// Every procedure, by code.
    pub fn entries(&self) -> &[Arc<ProcedureEntry>] {
        &self.entries
    }
}

/// The shared, refreshable catalog.
#[derive(Debug)]
pub struct Catalog {
    current: RwLock<Arc<CatalogSnapshot>>,
}

impl Catalog {
    /// Loads the catalog and builds the index.
    pub async fn load(db: &Db) -> StoreResult<Self> {
        let snapshot = build(db, stamp(db).await?).await?;
        Ok(Self {
            current: RwLock::new(Arc::new(snapshot)),
        })
    }

    /// The current snapshot (cheap: an `Arc` clone).
    pub fn current(&self) -> Arc<CatalogSnapshot> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Rebuilds when the stored catalog changed since the snapshot; true if it did.
    pub async fn refresh(&self, db: &Db) -> StoreResult<bool> {
        let stamp = stamp(db).await?;
        if stamp == self.current().stamp {
            return Ok(false);
        }
        let snapshot = Arc::new(build(db, stamp).await?);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = snapshot;
        Ok(true)
    }
}

/// Changes whenever a procedure or the synonyms change (from ids and content, never
/// from clocks, which differ between nodes).
async fn stamp(db: &Db) -> StoreResult<String> {
    let (count, latest) = db.procedure_stamp().await?;
    let synonyms = db.meta_get(SYNONYMS_KEY).await?.unwrap_or_default();
    // FNV-1a of the synonym list: small, and any edit changes it.
    let hash = synonyms.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    Ok(format!("{count}:{latest}:{hash:016x}"))
}

async fn build(db: &Db, stamp: String) -> StoreResult<CatalogSnapshot> {
    let synonyms = match db.meta_get(SYNONYMS_KEY).await? {
        Some(json) => Synonyms::from_json(&json).map_err(|e| {
            StoreError::Integrity(format!("stored search synonyms are invalid: {e}"))
        })?,
        None => Synonyms::vietnamese(),
    };
    let popularity: HashMap<String, i64> = db
        .dossier_counts_by_procedure()
        .await?
        .into_iter()
        .collect();
    let mut entries = Vec::new();
    for row in db.current_procedures().await? {
        let entry: ProcedureEntry = serde_json::from_str(&row.data).map_err(|e| {
            StoreError::Integrity(format!("procedure {} is stored invalid: {e}", row.code))
        })?;
        entries.push(Arc::new(entry));
    }
    let docs: Vec<ProcedureDoc> = entries
        .iter()
        .map(|entry| search_doc(entry, popularity.get(&entry.code).copied().unwrap_or(0)))
        .collect();
    let index =
        CatalogIndex::build(&docs, &synonyms).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let by_code = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.code.clone(), i))
        .collect();
    Ok(CatalogSnapshot {
        entries,
        by_code,
        index,
        stamp,
    })
}

pub use motcua_domain::catalog::short_name;

fn search_doc(entry: &ProcedureEntry, popularity: i64) -> ProcedureDoc {
    let mut text = vec![entry.guide.summary.clone(), entry.result.clone()];
    text.extend(entry.documents.iter().map(|d| d.name.clone()));
    ProcedureDoc {
        code: entry.code.clone(),
        name: short_name(&entry.name),
        field: entry.field.clone(),
        levels: entry.level_names(),
        agencies: entry.agencies.clone(),
        channels: entry
            .channels
            .iter()
            .map(|c| c.channel.as_str().to_string())
            .collect(),
        online: entry.online_service.as_str().to_string(),
        text: text.join("\n"),
        popularity: u64::try_from(popularity).unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn short_names_drop_the_procedure_prefix() {
        assert_eq!(short_name("Thủ tục đăng ký khai sinh"), "Đăng ký khai sinh");
        assert_eq!(
            short_name("Cấp Phiếu lý lịch tư pháp"),
            "Cấp Phiếu lý lịch tư pháp"
        );
    }
}
