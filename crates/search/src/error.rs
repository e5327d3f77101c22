//! Why building or searching the index failed.

use crate::query::MAX_PER_PAGE;

/// An error of [`crate::CatalogIndex`].
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Two procedures given to `build` have this code.
    #[error("two procedures have the code {0}")]
    DuplicateCode(String),
    /// More procedures than the index can number (over four billion).
    #[error("too many procedures to index")]
    TooManyProcedures,
    /// The page asked for is 0; pages count from 1.
    #[error("the page must be 1 or more")]
    InvalidPage,
    /// The page size is 0 or above the maximum.
    #[error("results per page must be between 1 and {MAX_PER_PAGE}")]
    InvalidPerPage,
    /// Tantivy failed.
    #[error("search index failure: {0}")]
    Index(#[from] tantivy::TantivyError),
}
