//! Synonyms and abbreviations ("GPLX" = "giấy phép lái xe"), kept as JSON data that an
//! administrator edits, validated on load and expanded at query time.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::analysis::folded_words;

/// The most words one synonym expression may have.
pub const MAX_EXPRESSION_WORDS: usize = 8;

/// The built-in Vietnamese synonym list, a starting point for administrators.
const VIETNAMESE_JSON: &str = include_str!("synonyms_vi.json");

/// Groups of expressions that mean the same thing to someone looking for a procedure,
/// such as `["gplx", "giấy phép lái xe"]` or `["hộ khẩu", "thường trú"]`.
///
/// A query containing any expression of a group also finds procedures that contain
/// another one. Expressions are compared folded (see [`crate::fold`]), so "CCCD" and
/// "Căn cước" work however they are typed. As JSON:
///
/// ```json
/// { "groups": [["gplx", "giấy phép lái xe"], ["hộ khẩu", "thường trú"]] }
/// ```
///
/// A value always holds a valid list: every group has at least two expressions, each
/// with one to [`MAX_EXPRESSION_WORDS`] words, none repeated within its group nor
/// found in another group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SynonymsFile", into = "SynonymsFile")]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
}

/// The JSON shape of [`Synonyms`], before validation.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    groups: Vec<Vec<String>>,
}

impl Synonyms {
    /// Validates `groups`, reporting every problem found.
    pub fn new(groups: Vec<Vec<String>>) -> Result<Self, SynonymsError> {
        let problems = problems(&groups);
        if problems.is_empty() {
            Ok(Self { groups })
        } else {
            Err(SynonymsError::Invalid(problems))
        }
    }

    /// Reads and validates the JSON form, `{"groups": [["gplx", "giấy phép lái xe"], …]}`.
    pub fn from_json(json: &str) -> Result<Self, SynonymsError> {
        let file: SynonymsFile = serde_json::from_str(json)?;
        Self::new(file.groups)
    }

    /// The JSON form, pretty-printed for editing.
    pub fn to_json(&self) -> String {
        let file = SynonymsFile {
            groups: self.groups.clone(),
        };
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    /// The built-in Vietnamese list: common abbreviations (GPLX, CCCD, CMND, LLTP, BHXH,
    /// BHYT, UBND, …), everyday names ("hộ khẩu", "sổ đỏ") and spelling variants ("kí").
    pub fn vietnamese() -> Self {
        Self::from_json(VIETNAMESE_JSON).expect("the built-in synonym list is valid")
    }

    /// The groups, as given.
    pub fn groups(&self) -> &[Vec<String>] {
        &self.groups
    }
}

impl TryFrom<SynonymsFile> for Synonyms {
    type Error = SynonymsError;

    fn try_from(file: SynonymsFile) -> Result<Self, SynonymsError> {
        Self::new(file.groups)
    }
}

impl From<Synonyms> for SynonymsFile {
    fn from(synonyms: Synonyms) -> Self {
        Self {
            groups: synonyms.groups,
        }
    }
}

/// Why a synonym list was rejected.
#[derive(Debug, thiserror::Error)]
pub enum SynonymsError {
    /// The text is not JSON of the expected shape.
    #[error("the synonym list is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The list has the listed problems (all of them, not only the first).
    #[error("the synonym list has {} problem(s): {}", .0.len(), join(.0))]
    Invalid(Vec<SynonymProblem>),
}

fn join(problems: &[SynonymProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// One problem in a synonym list, located by its path: `groups[group][expression]`
/// (both counted from 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymProblem {
    /// Index of the group.
    pub group: usize,
    /// Index of the expression within the group, when the problem is with one expression.
    pub expression: Option<usize>,
    /// What is wrong.
    pub kind: SynonymProblemKind,
}

/// What is wrong in a [`SynonymProblem`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SynonymProblemKind {
    /// The group has fewer than two expressions, so it expands nothing.
    TooFewExpressions,
    /// The expression has no letter or digit.
    Empty,
    /// The expression has more than [`MAX_EXPRESSION_WORDS`] words.
    TooManyWords,
    /// The expression folds to the same words as an earlier one of its group.
    Repeated {
        /// Index of the earlier expression.
        first: usize,
    },
    /// The expression folds to the same words as an expression of another group.
    InOtherGroup {
        /// Index of the other group.
        other: usize,
    },
}

impl fmt::Display for SynonymProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.expression {
            Some(expression) => write!(f, "groups[{}][{expression}]: ", self.group)?,
            None => write!(f, "groups[{}]: ", self.group)?,
        }
        match &self.kind {
            SynonymProblemKind::TooFewExpressions => {
                write!(f, "a group needs at least two expressions")
            }
            SynonymProblemKind::Empty => write!(f, "the expression has no letter or digit"),
            SynonymProblemKind::TooManyWords => {
                write!(f, "more than {MAX_EXPRESSION_WORDS} words")
            }
            SynonymProblemKind::Repeated { first } => {
                write!(f, "same as expression {first} of this group")
            }
            SynonymProblemKind::InOtherGroup { other } => {
                write!(f, "already in group {other}")
            }
        }
    }
}

/// Every problem of `groups`, in order.
fn problems(groups: &[Vec<String>]) -> Vec<SynonymProblem> {
    let mut problems = Vec::new();
    let mut seen: HashMap<Vec<String>, (usize, usize)> = HashMap::new();
    for (group, expressions) in groups.iter().enumerate() {
        if expressions.len() < 2 {
            problems.push(SynonymProblem {
                group,
                expression: None,
                kind: SynonymProblemKind::TooFewExpressions,
            });
        }
        for (expression, text) in expressions.iter().enumerate() {
            let words = folded_words(text);
            let kind = if words.is_empty() {
                Some(SynonymProblemKind::Empty)
            } else if words.len() > MAX_EXPRESSION_WORDS {
                Some(SynonymProblemKind::TooManyWords)
            } else {
                match seen.get(&words) {
                    Some(&(other, first)) if other == group => {
                        Some(SynonymProblemKind::Repeated { first })
                    }
                    Some(&(other, _)) => Some(SynonymProblemKind::InOtherGroup { other }),
                    None => {
                        seen.insert(words, (group, expression));
                        None
                    }
                }
            };
            if let Some(kind) = kind {
                problems.push(SynonymProblem {
                    group,
                    expression: Some(expression),
                    kind,
                });
            }
        }
    }
    problems
}

/// Synonym groups prepared for matching query words: every expression as folded words.
#[derive(Debug, Clone, Default)]
pub(crate) struct SynonymTable {
    groups: Vec<Vec<Vec<String>>>,
    group_of: HashMap<Vec<String>, usize>,
    longest: usize,
}

impl SynonymTable {
    /// Prepares `synonyms` for matching.
    pub(crate) fn new(synonyms: &Synonyms) -> Self {
        let mut table = Self::default();
        for (group, expressions) in synonyms.groups.iter().enumerate() {
            let expressions: Vec<Vec<String>> =
                expressions.iter().map(|text| folded_words(text)).collect();
            for words in &expressions {
                table.longest = table.longest.max(words.len());
                table.group_of.insert(words.clone(), group);
            }
            table.groups.push(expressions);
        }
        table
    }

    /// The longest expression that `words` (folded) starts with: its length in words and
    /// its group.
    pub(crate) fn match_start(&self, words: &[String]) -> Option<(usize, usize)> {
        (1..=self.longest.min(words.len()))
            .rev()
            .find_map(|len| self.group_of.get(&words[..len]).map(|&group| (len, group)))
    }

    /// The expressions of `group`, as folded words.
    pub(crate) fn expressions(&self, group: usize) -> &[Vec<String>] {
        &self.groups[group]
    }
}

#[cfg(test)]
mod tests {
    use super::{SynonymProblem, SynonymProblemKind, SynonymTable, Synonyms, SynonymsError};

    fn groups(groups: &[&[&str]]) -> Vec<Vec<String>> {
        groups
            .iter()
            .map(|group| group.iter().map(ToString::to_string).collect())
            .collect()
    }

    fn invalid(groups_: &[&[&str]]) -> Vec<SynonymProblem> {
        match Synonyms::new(groups(groups_)) {
            Err(SynonymsError::Invalid(problems)) => problems,
            other => panic!("expected invalid synonyms, got {other:?}"),
        }
    }

    #[test]
    fn builtin_list_is_valid_and_round_trips() {
        let synonyms = Synonyms::vietnamese();
        assert!(synonyms.groups().len() >= 10);
        let again = Synonyms::from_json(&synonyms.to_json()).expect("valid");
        assert_eq!(again, synonyms);
    }

    #[test]
    fn reads_json_through_serde_too() {
        let synonyms: Synonyms =
            serde_json::from_str(r#"{"groups": [["GPLX", "giấy phép lái xe"]]}"#).expect("valid");
        assert_eq!(synonyms.groups()[0][0], "GPLX");
        let error = serde_json::from_str::<Synonyms>(r#"{"groups": [["gplx"]]}"#)
            .expect_err("too few expressions");
        assert!(error.to_string().contains("groups[0]"), "{error}");
    }

    #[test]
    fn reports_every_problem_with_its_path() {
        let problems = invalid(&[
            &["gplx"],
            &["cccd", "  ", "CCCD", "a b c d e f g h i"],
            &["giấy phép lái xe", "GPLX"],
        ]);
        let kinds: Vec<_> = problems
            .iter()
            .map(|p| (p.group, p.expression, p.kind.clone()))
            .collect();
        assert_eq!(
            kinds,
            [
                (0, None, SynonymProblemKind::TooFewExpressions),
                (1, Some(1), SynonymProblemKind::Empty),
                (1, Some(2), SynonymProblemKind::Repeated { first: 0 }),
                (1, Some(3), SynonymProblemKind::TooManyWords),
                (2, Some(1), SynonymProblemKind::InOtherGroup { other: 0 }),
            ]
        );
        assert_eq!(
            problems[2].to_string(),
            "groups[1][2]: same as expression 0 of this group"
        );
    }

    #[test]
    fn duplicates_are_found_regardless_of_diacritics() {
        let problems = invalid(&[&["hộ khẩu", "thường trú", "Ho Khau"]]);
        assert_eq!(problems[0].kind, SynonymProblemKind::Repeated { first: 0 });
    }

    #[test]
    fn rejects_malformed_json() {
        assert!(matches!(
            Synonyms::from_json(r#"{"groups": "gplx"}"#),
            Err(SynonymsError::Json(_))
        ));
        assert!(matches!(
            Synonyms::from_json(r#"{"groups": [], "extra": 1}"#),
            Err(SynonymsError::Json(_))
        ));
    }

    #[test]
    fn table_matches_the_longest_expression() {
        let synonyms = Synonyms::new(groups(&[
            &["cccd", "căn cước", "căn cước công dân"],
            &["lý", "lí"],
            &["lltp", "lý lịch tư pháp"],
        ]))
        .expect("valid");
        let table = SynonymTable::new(&synonyms);
        let words = |text: &str| crate::analysis::folded_words(text);
        assert_eq!(
            table.match_start(&words("căn cước công dân gắn chíp")),
            Some((4, 0))
        );
        assert_eq!(table.match_start(&words("Căn cước")), Some((2, 0)));
        assert_eq!(table.match_start(&words("lý lịch tư pháp")), Some((4, 2)));
        assert_eq!(table.match_start(&words("lý do")), Some((1, 1)));
        assert_eq!(table.match_start(&words("cấp lại")), None);
        assert_eq!(table.expressions(2)[1], ["ly", "lich", "tu", "phap"]);
    }
}
