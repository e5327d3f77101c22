//! The procedure catalog (format `motcua-catalog/1`, see `docs/catalog-format.md`):
//! typed entries and the validation that reports every bad entry with its path.

mod model;
mod validate;

pub use model::{
    CATALOG_FORMAT, Catalog, ChannelOffer, Document, Guide, Level, OnlineService, Presentation,
    ProcedureEntry, PublishedFee, Requirement, Source, SubmissionChannel,
};
pub use validate::{CatalogError, Problem, parse_catalog, parse_procedure, resolve};
