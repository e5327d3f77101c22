//! What a person asks for, and how their words become a tantivy query: each word (or
//! synonym expression) must match, exact diacritics and names weigh more, unknown words
//! are corrected by one edit, and neighbouring words found together score higher.

use serde::{Deserialize, Serialize};
use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use crate::analysis::{Word, words};
use crate::schema::Fields;
use crate::synonyms::SynonymTable;
use crate::typo::Vocabulary;

/// The most results one page may hold.
pub const MAX_PER_PAGE: usize = 100;
/// Results per page when not said otherwise.
pub const DEFAULT_PER_PAGE: usize = 20;
/// Words of a query beyond this many are ignored.
pub const MAX_QUERY_WORDS: usize = 16;

/// Weight of a word found in the name, folded.
const NAME: f32 = 3.0;
/// Extra weight of a word found in the name with the query's exact diacritics.
const NAME_EXACT: f32 = 1.5;
/// Weight of a word found in the other text, folded.
const BODY: f32 = 1.0;
/// Extra weight of a word found in the other text with exact diacritics.
const BODY_EXACT: f32 = 0.5;
/// Factor applied to a word reached through a one-edit correction.
const CORRECTED: f32 = 0.4;
/// Weight of two neighbouring query words found next to each other in the name.
const NAME_PAIR: f32 = 3.0;
/// Weight of two neighbouring query words found next to each other in the other text.
const BODY_PAIR: f32 = 2.0;
/// Longest text looked up as a procedure code.
const MAX_CODE_BYTES: usize = 32;
/// Weight of a query that is exactly a procedure's code.
const CODE: f32 = 100.0;

/// A search: text, optional filters and the page wanted.
///
/// A filter is compared folded with the procedures' values (`"ho tich"` selects
/// `"Hộ tịch"`); an empty or blank filter is no filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    /// What the person typed; may be empty to list by filters only.
    pub text: String,
    /// Only procedures of this field (lĩnh vực).
    pub field: Option<String>,
    /// Only procedures implemented at this level ("province", "commune", …).
    pub level: Option<String>,
    /// Only procedures implemented by this agency.
    pub agency: Option<String>,
    /// Only procedures accepting this channel ("online", "post", "in_person").
    pub channel: Option<String>,
    /// Only procedures of this online service type ("full", "partial", "none").
    pub online: Option<String>,
    /// Page wanted, from 1.
    pub page: usize,
    /// Results per page, from 1 to [`MAX_PER_PAGE`].
    pub per_page: usize,
}

impl Default for SearchQuery {
    fn default() -> Self {
        Self {
            text: String::new(),
            field: None,
            level: None,
            agency: None,
            channel: None,
            online: None,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl SearchQuery {
    /// The first page for `text`, without filters.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }
}

/// How strictly a query's words must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strictness {
    /// Every word (or expression) must match; only unknown words are corrected.
    EveryWord,
    /// At least half of them must match; every word of four letters or more may be
    /// corrected. Used when the strict query finds nothing.
    Lenient,
}

/// A word as typed, whether the catalog knows it, and its corrections when it does not.
#[derive(Debug, Clone)]
struct TypedWord {
    word: Word,
    known: bool,
    corrections: Vec<String>,
}

impl TypedWord {
    fn new(word: Word, vocabulary: &Vocabulary) -> Self {
        let known = vocabulary.contains(&word.folded);
        let corrections = if known {
            Vec::new()
        } else {
            vocabulary.corrections(&word.folded)
        };
        Self {
            word,
            known,
            corrections,
        }
    }

    /// The folded word to look for next to its neighbours: the word itself, or its best
    /// correction when it is unknown (words of a synonym expression are never corrected).
    fn in_phrase(&self) -> Option<&String> {
        if self.known {
            Some(&self.word.folded)
        } else {
            self.corrections.first()
        }
    }
}

/// One thing the query asks for, which a procedure must contain.
#[derive(Debug, Clone)]
enum Concept {
    /// A word typed.
    Word(TypedWord),
    /// An expression typed that belongs to a synonym group, with the group's other
    /// expressions (folded words).
    Expression {
        typed: Vec<Word>,
        alternatives: Vec<Vec<String>>,
    },
}

/// A query's words, analysed once and turned into tantivy queries on demand.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    concepts: Vec<Concept>,
    /// Neighbouring query words, folded, that score more when found side by side.
    pairs: Vec<[String; 2]>,
    /// The whole text, trimmed, in case it is a procedure code (a short text without
    /// spaces).
    code: Option<String>,
}

impl Plan {
    /// Analyses `text`; `None` when it has no word.
    pub(crate) fn new(
        text: &str,
        synonyms: &SynonymTable,
        vocabulary: &Vocabulary,
    ) -> Option<Self> {
        let typed: Vec<TypedWord> = words(text)
            .take(MAX_QUERY_WORDS)
            .map(|word| TypedWord::new(word, vocabulary))
            .collect();
        if typed.is_empty() {
            return None;
        }
        let folded: Vec<String> = typed
            .iter()
            .map(|typed| typed.word.folded.clone())
            .collect();
        let mut concepts = Vec::new();
        // Each typed word with the concept it belongs to: neighbouring words score a pair
        // bonus only across concepts, since an expression already scores as a phrase and
        // its synonyms could never earn the bonus of its literal words.
        let mut in_phrase: Vec<(usize, Option<String>)> = Vec::with_capacity(typed.len());
        let mut at = 0;
        while at < typed.len() {
            match synonyms.match_start(&folded[at..]) {
                Some((len, group)) => {
                    let span = &typed[at..at + len];
                    let concept = concepts.len();
                    in_phrase
                        .extend(span.iter().map(|typed| {
                            (concept, typed.known.then(|| typed.word.folded.clone()))
                        }));
                    concepts.push(Concept::Expression {
                        typed: span.iter().map(|typed| typed.word.clone()).collect(),
                        alternatives: synonyms
                            .expressions(group)
                            .iter()
                            .filter(|expression| **expression != folded[at..at + len])
                            .cloned()
                            .collect(),
                    });
                    at += len;
                }
                None => {
                    in_phrase.push((concepts.len(), typed[at].in_phrase().cloned()));
                    concepts.push(Concept::Word(typed[at].clone()));
                    at += 1;
                }
            }
        }
        let pairs = in_phrase
            .windows(2)
            .filter_map(|pair| match pair {
                [(a, Some(first)), (b, Some(second))] if a != b => {
                    Some([first.clone(), second.clone()])
                }
                _ => None,
            })
            .collect();
        Some(Self {
            concepts,
            pairs,
            code: code(text),
        })
    }

    /// The tantivy query for this plan.
    pub(crate) fn query(
        &self,
        fields: &Fields,
        vocabulary: &Vocabulary,
        strictness: Strictness,
    ) -> Box<dyn Query> {
        let concepts: Vec<Box<dyn Query>> = self
            .concepts
            .iter()
            .map(|concept| match concept {
                Concept::Word(typed) => word_query(fields, vocabulary, typed, strictness),
                Concept::Expression {
                    typed,
                    alternatives,
                } => expression_query(fields, typed, alternatives),
            })
            .collect();
        let matching = match strictness {
            Strictness::EveryWord => BooleanQuery::intersection(concepts),
            Strictness::Lenient => {
                let required = concepts.len().div_ceil(2);
                BooleanQuery::union_with_minimum_required_clauses(concepts, required)
            }
        };
        let mut scored: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(matching))];
        for pair in &self.pairs {
            scored.push((Occur::Should, phrase(fields.name, pair, NAME_PAIR)));
            scored.push((Occur::Should, phrase(fields.body, pair, BODY_PAIR)));
        }
        let scored: Box<dyn Query> = Box::new(BooleanQuery::new(scored));
        match &self.code {
            Some(code) => Box::new(BooleanQuery::union(vec![
                scored,
                term(fields.code, code, CODE),
            ])),
            None => scored,
        }
    }
}

/// `text` trimmed, when it could be a procedure code such as "1.001193".
fn code(text: &str) -> Option<String> {
    let text = text.trim();
    (text.len() <= MAX_CODE_BYTES && !text.contains(char::is_whitespace)).then(|| text.to_owned())
}

/// A typed word, in the name or the other text, exact or folded; an unknown word through
/// its corrections, and when lenient a known word through its own corrections too.
fn word_query(
    fields: &Fields,
    vocabulary: &Vocabulary,
    typed: &TypedWord,
    strictness: Strictness,
) -> Box<dyn Query> {
    let mut alternatives = Vec::new();
    if typed.known {
        alternatives.extend(exact_and_folded(fields, std::slice::from_ref(&typed.word)));
        if strictness == Strictness::Lenient {
            let corrections = vocabulary.corrections(&typed.word.folded);
            alternatives.extend(corrected(fields, &corrections));
        }
    } else {
        alternatives.extend(corrected(fields, &typed.corrections));
    }
    best_of(alternatives)
}

/// How much the other matches of a word add to its best one.
const TIE_BREAKER: f32 = 0.1;

/// A word scores by its best match (name, other text, a correction, a synonym), plus a
/// little for the others: a word found in the name and again in a document list is
/// still one word, so a procedure cannot outrank a better-named one by mentioning the
/// word more often.
fn best_of(alternatives: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(DisjunctionMaxQuery::with_tie_breaker(
        alternatives,
        TIE_BREAKER,
    ))
}

/// `corrections` of a word, in the name or the other text, weighing less than the word.
fn corrected(fields: &Fields, corrections: &[String]) -> Vec<Box<dyn Query>> {
    corrections
        .iter()
        .flat_map(|correction| {
            [
                term(fields.name, correction, NAME * CORRECTED),
                term(fields.body, correction, BODY * CORRECTED),
            ]
        })
        .collect()
}

/// A typed synonym expression, or any other expression of its group. Each expression
/// weighs as one word however many words it has, so that "bảo hiểm y tế" does not
/// outweigh "BHYT".
fn expression_query(
    fields: &Fields,
    typed: &[Word],
    alternatives: &[Vec<String>],
) -> Box<dyn Query> {
    let mut queries = exact_and_folded(fields, typed);
    for expression in alternatives {
        let scale = per_word(expression.len());
        queries.push(phrase(fields.name, expression, NAME * scale));
        queries.push(phrase(fields.body, expression, BODY * scale));
    }
    best_of(queries)
}

/// `words` as a phrase in the name and in the other text, weighing as one word: each
/// of the two folded, plus a bonus where the diacritics are exactly as typed.
fn exact_and_folded(fields: &Fields, words: &[Word]) -> Vec<Box<dyn Query>> {
    let scale = per_word(words.len());
    let exact: Vec<String> = words.iter().map(|word| word.exact.clone()).collect();
    let folded: Vec<String> = words.iter().map(|word| word.folded.clone()).collect();
    vec![
        Box::new(BooleanQuery::union(vec![
            phrase(fields.name, &folded, NAME * scale),
            phrase(fields.name_exact, &exact, NAME_EXACT * scale),
        ])),
        Box::new(BooleanQuery::union(vec![
            phrase(fields.body, &folded, BODY * scale),
            phrase(fields.body_exact, &exact, BODY_EXACT * scale),
        ])),
    ]
}

/// The factor making a phrase of `len` words weigh about as much as one word (a
/// phrase scores the sum of its words' weights).
fn per_word(len: usize) -> f32 {
    1.0 / len.max(1) as f32
}

/// `words` next to each other in `field` (a single term for a single word).
fn phrase(field: Field, words: &[String], boost: f32) -> Box<dyn Query> {
    if let [word] = words {
        return term(field, word, boost);
    }
    let terms = words
        .iter()
        .map(|word| Term::from_field_text(field, word))
        .collect();
    Box::new(BoostQuery::new(Box::new(PhraseQuery::new(terms)), boost))
}

fn term(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    let query = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    );
    Box::new(BoostQuery::new(Box::new(query), boost))
}
