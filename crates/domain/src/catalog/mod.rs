//! The procedure catalog (format `motcua-catalog/1`, see `docs/catalog-format.md`):
//! typed entries and the validation that reports every bad entry with its path.

mod model;
mod validate;

pub use model::{
    CATALOG_FORMAT, Catalog, ChannelOffer, Document, Guide, Level, OnlineService, Presentation,
    ProcedureEntry, PublishedFee, Requirement, Source, SubmissionChannel,
};
pub use validate::{CatalogError, Problem, parse_catalog, parse_procedure, resolve};

/// The name people use: official names often start with "Thủ tục", which nobody types.
pub fn short_name(name: &str) -> String {
    let rest = name.strip_prefix("Thủ tục ").unwrap_or(name).trim();
    let mut chars = rest.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name.to_string(),
    }
}
