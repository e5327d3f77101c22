//! The catalog index: built in memory from the procedures, then searched, filtered,
//! counted and paged; also the suggestions as you type.

use std::cmp::{Ordering, Reverse};
use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::merge_policy::NoMergePolicy;
use tantivy::query::Query;
use tantivy::{DocId, IndexWriter, ReloadPolicy, Score, Searcher, SegmentReader};

use crate::analysis::folded_words;
use crate::error::SearchError;
use crate::facets::{Attributes, Facets};
use crate::fold::fold;
use crate::query::{MAX_PER_PAGE, Plan, SearchQuery, Strictness};
use crate::schema::{self, Fields};
use crate::suggest::{MAX_SUGGESTIONS, NameStarts, Suggestion};
use crate::synonyms::{SynonymTable, Synonyms};
use crate::typo::Vocabulary;

/// Memory tantivy may use while indexing; the whole catalog fits in one segment.
const WRITER_MEMORY_BYTES: usize = 64 * 1024 * 1024;

/// One procedure as the search sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureDoc {
    /// Official code, e.g. "1.001193"; unique in a catalog.
    pub code: String,
    /// Name, e.g. "Đăng ký khai sinh".
    pub name: String,
    /// Field (lĩnh vực), e.g. "Hộ tịch".
    pub field: String,
    /// Implementing levels: "province", "commune", …
    pub levels: Vec<String>,
    /// Implementing agencies.
    pub agencies: Vec<String>,
    /// Submission channels: "online", "post", "in_person".
    pub channels: Vec<String>,
    /// Online service type: "full", "partial" or "none".
    pub online: String,
    /// Other searchable text: guide, documents, result.
    pub text: String,
    /// Number of dossiers filed, to break ties between equally relevant procedures.
    pub popularity: u64,
}

/// One procedure found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Official code.
    pub code: String,
    /// Name, as in the catalog.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Relevance to the query text (higher is better); 0 when listing without text.
    pub score: f32,
}

/// One page of results, how many there are in all, and the facet counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The page asked for, best first.
    pub hits: Vec<Hit>,
    /// Number of procedures matching the text and every filter.
    pub total: usize,
    /// Counts per filter value, see [`Facets`].
    pub facets: Facets,
}

/// A searchable, immutable catalog of procedures held in memory.
///
/// Build one whenever the catalog changes and share it (it is `Send + Sync`, cheap to
/// put behind an `Arc`). Results are ordered by relevance, then popularity, then name;
/// without query text, by popularity then name.
pub struct CatalogIndex {
    searcher: Searcher,
    fields: Fields,
    synonyms: SynonymTable,
    vocabulary: Vocabulary,
    attributes: Attributes,
    name_starts: NameStarts,
    procedures: Vec<ProcedureDoc>,
    /// Position of each procedure in alphabetical order of (folded name, name).
    name_rank: Vec<u32>,
    /// Every procedure, by popularity then name: the order of a listing without text.
    by_popularity: Vec<u32>,
}

impl fmt::Debug for CatalogIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CatalogIndex")
            .field("procedures", &self.procedures.len())
            .finish_non_exhaustive()
    }
}

impl CatalogIndex {
    /// Indexes `procedures` with `synonyms`.
    ///
    /// Fails when two procedures share a code, or if tantivy fails.
    pub fn build(procedures: &[ProcedureDoc], synonyms: &Synonyms) -> Result<Self, SearchError> {
        let mut codes = HashSet::with_capacity(procedures.len());
        for procedure in procedures {
            if !codes.insert(procedure.code.trim()) {
                return Err(SearchError::DuplicateCode(procedure.code.clone()));
            }
        }
        let count = u32::try_from(procedures.len()).map_err(|_| SearchError::TooManyProcedures)?;

        let (index, fields) = Fields::create_index();
        let mut writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY_BYTES)?;
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let mut vocabulary = Vocabulary::default();
        for (ord, procedure) in (0..count).zip(procedures) {
            writer.add_document(fields.document(ord, procedure))?;
            let name = folded_words(&procedure.name);
            let body: Vec<String> = schema::body(procedure).flat_map(folded_words).collect();
            vocabulary.add_document(name.iter().chain(&body).map(String::as_str));
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let searcher = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?
            .searcher();

        let mut alphabetical: Vec<u32> = (0..count).collect();
        alphabetical.sort_by_cached_key(|&ord| {
            let name = &procedures[ord as usize].name;
            (fold(name), name.clone())
        });
        let mut name_rank = vec![0; procedures.len()];
        for (rank, &ord) in (0..count).zip(&alphabetical) {
            name_rank[ord as usize] = rank;
        }
        let mut by_popularity = alphabetical;
        by_popularity.sort_by_key(|&ord| Reverse(procedures[ord as usize].popularity));

        Ok(Self {
            searcher,
            fields,
            synonyms: SynonymTable::new(synonyms),
            vocabulary,
            attributes: Attributes::new(procedures),
            name_starts: NameStarts::new(procedures),
            procedures: procedures.to_vec(),
            name_rank,
            by_popularity,
        })
    }

    /// Number of procedures indexed.
    pub fn len(&self) -> usize {
        self.procedures.len()
    }

    /// Whether the catalog is empty.
    pub fn is_empty(&self) -> bool {
        self.procedures.is_empty()
    }

    /// Finds the procedures matching `query`: one page of them, their number and the
    /// facet counts.
    ///
    /// Every word of the text must be found (in the name, field, agencies or other
    /// text), with or without diacritics, as typed or through a synonym; a word the
    /// catalog does not know is corrected by one edit when it has four letters or more.
    /// When that finds nothing, half of the words suffice and every word may be
    /// corrected. Text without any word lists every procedure passing the filters.
    ///
    /// Fails when `page` is 0 or `per_page` is not within 1..=[`MAX_PER_PAGE`].
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        if query.page == 0 {
            return Err(SearchError::InvalidPage);
        }
        if query.per_page == 0 || query.per_page > MAX_PER_PAGE {
            return Err(SearchError::InvalidPerPage);
        }
        let filter = self.attributes.filter(query);
        let plan = Plan::new(&query.text, &self.synonyms, &self.vocabulary);
        let ranked = plan.is_some();
        let (mut matches, facets) = match plan {
            Some(plan) => {
                let mut found = self.matching(&plan, Strictness::EveryWord)?;
                if found.is_empty() {
                    found = self.matching(&plan, Strictness::Lenient)?;
                }
                self.attributes.select(&filter, found)
            }
            None => self
                .attributes
                .select(&filter, self.by_popularity.iter().map(|&ord| (ord, 0.0))),
        };
        let total = matches.len();
        let start = (query.page - 1).saturating_mul(query.per_page).min(total);
        let end = start.saturating_add(query.per_page).min(total);
        if ranked && end > 0 {
            let by_relevance = |a: &(u32, Score), b: &(u32, Score)| self.by_relevance(a, b);
            if end < total {
                matches.select_nth_unstable_by(end - 1, by_relevance);
            }
            matches[..end].sort_unstable_by(by_relevance);
        }
        let hits = matches[start..end]
            .iter()
            .map(|&(ord, score)| {
                let procedure = &self.procedures[ord as usize];
                Hit {
                    code: procedure.code.clone(),
                    name: procedure.name.clone(),
                    field: procedure.field.clone(),
                    score,
                }
            })
            .collect();
        Ok(SearchResults {
            hits,
            total,
            facets,
        })
    }

    /// Up to `limit` (at most [`MAX_SUGGESTIONS`]) procedures whose name has a run of
    /// words continuing `prefix`, compared folded, the last word possibly incomplete.
    /// Names starting with the prefix come first, then those continuing it further in;
    /// within each, the most popular first, then the earlier run, then the shorter name.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Vec<Suggestion> {
        let mut found = self.name_starts.continuing(prefix);
        found.sort_unstable_by_key(|&(ord, word)| {
            let procedure = &self.procedures[ord as usize];
            (
                word > 0,
                Reverse(procedure.popularity),
                word,
                procedure.name.len(),
                self.name_rank[ord as usize],
            )
        });
        found
            .into_iter()
            .take(limit.min(MAX_SUGGESTIONS))
            .map(|(ord, _)| {
                let procedure = &self.procedures[ord as usize];
                Suggestion {
                    code: procedure.code.clone(),
                    name: procedure.name.clone(),
                    field: procedure.field.clone(),
                }
            })
            .collect()
    }

    /// Every procedure matching `plan` with its score.
    fn matching(
        &self,
        plan: &Plan,
        strictness: Strictness,
    ) -> Result<Vec<(u32, Score)>, SearchError> {
        let query: Box<dyn Query> = plan.query(&self.fields, &self.vocabulary, strictness);
        Ok(self.searcher.search(query.as_ref(), &EveryMatch)?)
    }

    /// Higher score first, then more popular, then alphabetical.
    fn by_relevance(&self, a: &(u32, Score), b: &(u32, Score)) -> Ordering {
        let popularity = |ord: u32| self.procedures[ord as usize].popularity;
        b.1.total_cmp(&a.1)
            .then_with(|| popularity(b.0).cmp(&popularity(a.0)))
            .then_with(|| self.name_rank[a.0 as usize].cmp(&self.name_rank[b.0 as usize]))
    }
}

/// Collects every matching procedure (its ord) with its score.
struct EveryMatch;

impl Collector for EveryMatch {
    type Fruit = Vec<(u32, Score)>;
    type Child = SegmentMatches;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches {
            ords: segment.fast_fields().u64(schema::ORD_FIELD)?,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u32, Score)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.concat())
    }
}

/// [`EveryMatch`] within one segment.
struct SegmentMatches {
    ords: Column<u64>,
    found: Vec<(u32, Score)>,
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Vec<(u32, Score)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(ord) = self.ords.first(doc) {
            self.found.push((ord as u32, score));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.found
    }
}
