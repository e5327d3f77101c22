//! The administrative units in force, held in memory for address pickers and checks
//! (34 provinces and about 3,300 communes: loaded once, on first use).

use std::collections::HashMap;

use motcua_domain::eform::Places;
use motcua_store::{Db, StoreResult};

/// Provinces and communes by code (codes as text, as forms post them).
#[derive(Debug, Default)]
pub struct PlaceBook {
    provinces: Vec<(String, String)>,
    province_names: HashMap<String, String>,
    communes: HashMap<String, (String, String)>,
    by_province: HashMap<String, Vec<(String, String)>>,
}

impl PlaceBook {
    pub async fn load(db: &Db) -> StoreResult<Self> {
        let mut book = PlaceBook::default();
        for (level, code, name, province) in db.current_places().await? {
            let (code, province) = (code.to_string(), province.to_string());
            if level == "province" {
                book.province_names.insert(code.clone(), name.clone());
                book.provinces.push((code, name));
            } else {
                book.communes
                    .insert(code.clone(), (name.clone(), province.clone()));
                book.by_province
                    .entry(province)
                    .or_default()
                    .push((code, name));
            }
        }
        book.provinces.sort_by(|a, b| a.1.cmp(&b.1));
        for list in book.by_province.values_mut() {
            list.sort_by(|a, b| a.1.cmp(&b.1));
        }
        Ok(book)
    }

    /// Every province: `(code, name)`, by name.
    pub fn provinces(&self) -> &[(String, String)] {
        &self.provinces
    }

    /// The communes of a province: `(code, name)`, by name.
    pub fn communes_of(&self, province: &str) -> &[(String, String)] {
        self.by_province.get(province).map_or(&[], Vec::as_slice)
    }
}

impl Places for PlaceBook {
    fn province(&self, code: &str) -> Option<String> {
        self.province_names.get(code).cloned()
    }

    fn commune(&self, code: &str) -> Option<(String, String)> {
        self.communes.get(code).cloned()
    }
}
