//! Procedure search for motcua: an in-memory index that finds Vietnamese procedures
//! whether or not the query has diacritics.
//!
//! Build a [`CatalogIndex`] from plain [`ProcedureDoc`]s and a [`Synonyms`] list, then
//! [`search`](CatalogIndex::search) it with a [`SearchQuery`] (text, filters, page) or
//! ask it for [`suggestions`](CatalogIndex::suggest) as the person types.
//!
//! ```
//! use motcua_search::{CatalogIndex, ProcedureDoc, SearchQuery, Synonyms};
//!
//! let procedures = vec![ProcedureDoc {
//!     code: "1.001193".into(),
//!     name: "Đăng ký khai sinh".into(),
//!     field: "Hộ tịch".into(),
//!     ..ProcedureDoc::default()
//! }];
//! let index = CatalogIndex::build(&procedures, &Synonyms::vietnamese()).unwrap();
//! let results = index.search(&SearchQuery::new("dang ky khai snih")).unwrap();
//! assert_eq!(results.hits[0].code, "1.001193");
//! ```

#![warn(missing_docs)]

mod analysis;
mod error;
mod facets;
mod fold;
mod index;
mod query;
mod schema;
mod suggest;
mod synonyms;
mod typo;

pub use error::SearchError;
pub use facets::{FacetCount, Facets};
pub use fold::fold;
pub use index::{CatalogIndex, Hit, ProcedureDoc, SearchResults};
pub use query::{DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_QUERY_WORDS, SearchQuery};
pub use suggest::{MAX_SUGGESTIONS, Suggestion};
pub use synonyms::{
    MAX_EXPRESSION_WORDS, SynonymProblem, SynonymProblemKind, Synonyms, SynonymsError,
};
