//! Filters (field, level, agency, channel, online type) and their facet counts.
//!
//! The values of each dimension are interned per procedure when the index is built, so
//! filtering and counting a result set is a pass over small integer arrays. Values are
//! matched folded: a filter "ho tich" selects the field "Hộ tịch".

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::fold::fold;
use crate::{ProcedureDoc, SearchQuery};

/// How many results have each value of each dimension.
///
/// Each dimension is counted over the procedures matching the text and every filter
/// except that dimension's own, so the counts tell what choosing another value would
/// give. Values with no result are left out; the most frequent come first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// Counts per field (lĩnh vực).
    pub field: Vec<FacetCount>,
    /// Counts per implementing level ("province", "commune", …).
    pub level: Vec<FacetCount>,
    /// Counts per implementing agency.
    pub agency: Vec<FacetCount>,
    /// Counts per submission channel ("online", "post", "in_person").
    pub channel: Vec<FacetCount>,
    /// Counts per online service type ("full", "partial", "none").
    pub online: Vec<FacetCount>,
}

/// One value of a dimension and how many results have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    /// The value as written in the catalog.
    pub value: String,
    /// Number of results having it.
    pub count: usize,
}

/// The filter dimensions, in the order of [`Facets`]' fields.
#[derive(Debug, Clone, Copy)]
enum Dimension {
    Field,
    Level,
    Agency,
    Channel,
    Online,
}

impl Dimension {
    const ALL: [Dimension; 5] = [
        Dimension::Field,
        Dimension::Level,
        Dimension::Agency,
        Dimension::Channel,
        Dimension::Online,
    ];

    fn values(self, procedure: &ProcedureDoc) -> Vec<&str> {
        match self {
            Dimension::Field => vec![procedure.field.as_str()],
            Dimension::Level => procedure.levels.iter().map(String::as_str).collect(),
            Dimension::Agency => procedure.agencies.iter().map(String::as_str).collect(),
            Dimension::Channel => procedure.channels.iter().map(String::as_str).collect(),
            Dimension::Online => vec![procedure.online.as_str()],
        }
    }

    fn wanted(self, query: &SearchQuery) -> Option<&str> {
        let wanted = match self {
            Dimension::Field => &query.field,
            Dimension::Level => &query.level,
            Dimension::Agency => &query.agency,
            Dimension::Channel => &query.channel,
            Dimension::Online => &query.online,
        };
        wanted.as_deref().filter(|value| !value.trim().is_empty())
    }
}

/// A mask with one bit set per dimension.
const EVERY_DIMENSION: u8 = (1 << Dimension::ALL.len()) - 1;

/// The interned values of one dimension for every procedure.
#[derive(Debug, Clone, Default)]
struct Column {
    /// Each distinct value as first written, by id.
    labels: Vec<String>,
    /// Alphabetical rank (folded) of each value, by id.
    ranks: Vec<u32>,
    /// Id of each folded value.
    ids: HashMap<String, u32>,
    /// `values[starts[ord]..starts[ord + 1]]` are the ids of procedure `ord`.
    starts: Vec<u32>,
    values: Vec<u32>,
}

impl Column {
    fn of(&self, ord: u32) -> &[u32] {
        let ord = ord as usize;
        &self.values[self.starts[ord] as usize..self.starts[ord + 1] as usize]
    }
}

/// The filterable values of every procedure.
#[derive(Debug, Clone)]
pub(crate) struct Attributes {
    columns: [Column; 5],
}

/// What a query's filters want in one dimension.
#[derive(Debug, Clone, Copy)]
enum Wanted {
    Anything,
    Value(u32),
    /// A value no procedure has.
    Nothing,
}

/// A query's filters, resolved to value ids.
#[derive(Debug, Clone)]
pub(crate) struct Filter {
    wanted: [Wanted; 5],
}

impl Attributes {
    /// Interns the values of `procedures`.
    pub(crate) fn new(procedures: &[ProcedureDoc]) -> Self {
        let columns = Dimension::ALL.map(|dimension| {
            let mut column = Column {
                starts: Vec::with_capacity(procedures.len() + 1),
                ..Column::default()
            };
            column.starts.push(0);
            for procedure in procedures {
                let first = column.values.len();
                for label in dimension.values(procedure) {
                    let label = label.trim();
                    if label.is_empty() {
                        continue;
                    }
                    let next_id = column.labels.len() as u32;
                    let id = *column.ids.entry(fold(label)).or_insert(next_id);
                    if id == next_id {
                        column.labels.push(label.to_owned());
                    }
                    if !column.values[first..].contains(&id) {
                        column.values.push(id);
                    }
                }
                column.starts.push(column.values.len() as u32);
            }
            let mut by_name: Vec<u32> = (0..column.labels.len() as u32).collect();
            by_name.sort_by_cached_key(|&id| {
                let label = &column.labels[id as usize];
                (fold(label), label.clone())
            });
            column.ranks = vec![0; by_name.len()];
            for (rank, id) in by_name.into_iter().enumerate() {
                column.ranks[id as usize] = rank as u32;
            }
            column
        });
        Self { columns }
    }

    /// Resolves the filters of `query`.
    pub(crate) fn filter(&self, query: &SearchQuery) -> Filter {
        let wanted = Dimension::ALL.map(|dimension| match dimension.wanted(query) {
            None => Wanted::Anything,
            Some(value) => match self.columns[dimension as usize]
                .ids
                .get(&fold(value.trim()))
            {
                Some(&id) => Wanted::Value(id),
                None => Wanted::Nothing,
            },
        });
        Filter { wanted }
    }

    /// Keeps the `candidates` (procedure ord and payload) that pass `filter`, and counts
    /// the facets of all of them.
    pub(crate) fn select<T>(
        &self,
        filter: &Filter,
        candidates: impl IntoIterator<Item = (u32, T)>,
    ) -> (Vec<(u32, T)>, Facets) {
        let mut counts: [Vec<usize>; 5] =
            std::array::from_fn(|dimension| vec![0; self.columns[dimension].labels.len()]);
        let mut kept = Vec::new();
        for (ord, payload) in candidates {
            let passed = self.passed(filter, ord);
            for (dimension, column) in self.columns.iter().enumerate() {
                if passed | (1 << dimension) == EVERY_DIMENSION {
                    for &id in column.of(ord) {
                        counts[dimension][id as usize] += 1;
                    }
                }
            }
            if passed == EVERY_DIMENSION {
                kept.push((ord, payload));
            }
        }
        let [field, level, agency, channel, online] =
            std::array::from_fn(|dimension| self.facet(dimension, &counts[dimension]));
        (
            kept,
            Facets {
                field,
                level,
                agency,
                channel,
                online,
            },
        )
    }

    /// The bits of the dimensions whose filter procedure `ord` passes.
    fn passed(&self, filter: &Filter, ord: u32) -> u8 {
        let mut passed = 0;
        for (dimension, (column, wanted)) in self.columns.iter().zip(filter.wanted).enumerate() {
            let ok = match wanted {
                Wanted::Anything => true,
                Wanted::Value(id) => column.of(ord).contains(&id),
                Wanted::Nothing => false,
            };
            if ok {
                passed |= 1 << dimension;
            }
        }
        passed
    }

    fn facet(&self, dimension: usize, counts: &[usize]) -> Vec<FacetCount> {
        let column = &self.columns[dimension];
        let mut ids: Vec<usize> = (0..counts.len()).filter(|&id| counts[id] > 0).collect();
        ids.sort_unstable_by_key(|&id| (std::cmp::Reverse(counts[id]), column.ranks[id]));
        ids.into_iter()
            .map(|id| FacetCount {
                value: column.labels[id].clone(),
                count: counts[id],
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{Attributes, FacetCount};
    use crate::{ProcedureDoc, SearchQuery};

    fn procedure(field: &str, levels: &[&str], online: &str) -> ProcedureDoc {
        ProcedureDoc {
            field: field.to_owned(),
            levels: levels.iter().map(ToString::to_string).collect(),
            online: online.to_owned(),
            ..ProcedureDoc::default()
        }
    }

    fn count(value: &str, count: usize) -> FacetCount {
        FacetCount {
            value: value.to_owned(),
            count,
        }
    }

    #[test]
    fn each_facet_ignores_its_own_filter() {
        let attributes = Attributes::new(&[
            procedure("Hộ tịch", &["commune"], "none"),
            procedure("Hộ tịch", &["commune", "province"], "full"),
            procedure("Đất đai", &["province"], "none"),
        ]);
        let query = SearchQuery {
            field: Some("ho tich".to_owned()),
            level: Some("province".to_owned()),
            ..SearchQuery::default()
        };
        let (kept, facets) = attributes.select(&attributes.filter(&query), (0..3).map(|o| (o, ())));
        assert_eq!(kept, [(1, ())]);
        assert_eq!(facets.field, [count("Đất đai", 1), count("Hộ tịch", 1)]);
        assert_eq!(facets.level, [count("commune", 2), count("province", 1)]);
        assert_eq!(facets.online, [count("full", 1)]);
        assert!(facets.agency.is_empty());
    }

    #[test]
    fn unknown_filter_value_keeps_nothing_but_still_counts_its_own_dimension() {
        let attributes = Attributes::new(&[procedure("Hộ tịch", &["commune"], "none")]);
        let query = SearchQuery {
            online: Some("toàn trình".to_owned()),
            ..SearchQuery::default()
        };
        let (kept, facets) = attributes.select(&attributes.filter(&query), [(0, ())]);
        assert!(kept.is_empty());
        assert!(facets.field.is_empty());
        assert_eq!(facets.online, [count("none", 1)]);
    }

    #[test]
    fn blank_filter_is_no_filter() {
        let attributes = Attributes::new(&[procedure("Hộ tịch", &[], "")]);
        let query = SearchQuery {
            field: Some(" ".to_owned()),
            ..SearchQuery::default()
        };
        let (kept, facets) = attributes.select(&attributes.filter(&query), [(0, ())]);
        assert_eq!(kept.len(), 1);
        assert!(facets.online.is_empty());
    }
}
