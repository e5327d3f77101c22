//! Typo tolerance: the catalog's vocabulary of folded words, and the known words one edit
//! (insertion, deletion, substitution or swap of two neighbours) away from a typed word.

use std::collections::HashMap;

/// Words shorter than this (in characters) are never corrected: too many short
/// Vietnamese syllables are one edit apart ("ký", "kỳ", "kê").
pub(crate) const MIN_TYPO_WORD_CHARS: usize = 4;

/// The most corrections tried for one word.
const MAX_CORRECTIONS: usize = 6;

/// Letters tried when inserting or substituting; folded words are ASCII.
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Every folded word of the catalog with the number of procedures containing it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vocabulary {
    document_frequency: HashMap<String, u32>,
}

impl Vocabulary {
    /// Counts one procedure's distinct folded words.
    pub(crate) fn add_document<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) {
        let mut distinct: Vec<&str> = words.into_iter().collect();
        distinct.sort_unstable();
        distinct.dedup();
        for word in distinct {
            match self.document_frequency.get_mut(word) {
                Some(count) => *count += 1,
                None => {
                    self.document_frequency.insert(word.to_owned(), 1);
                }
            }
        }
    }

    /// Whether some procedure contains `word` (folded).
    pub(crate) fn contains(&self, word: &str) -> bool {
        self.document_frequency.contains_key(word)
    }

    /// Known words one edit away from `word` (folded), most frequent first, at most
    /// a handful; none for words shorter than [`MIN_TYPO_WORD_CHARS`].
    pub(crate) fn corrections(&self, word: &str) -> Vec<String> {
        if word.chars().count() < MIN_TYPO_WORD_CHARS || !word.is_ascii() {
            return Vec::new();
        }
        let mut found: Vec<(&str, u32)> = Vec::new();
        let mut check = |candidate: &str| {
            if candidate != word
                && let Some((known, &count)) = self.document_frequency.get_key_value(candidate)
                && !found.iter().any(|(seen, _)| *seen == known)
            {
                found.push((known, count));
            }
        };
        for_each_edit(word.as_bytes(), &mut check);
        found.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        found
            .into_iter()
            .take(MAX_CORRECTIONS)
            .map(|(known, _)| known.to_owned())
            .collect()
    }
}

/// Calls `visit` with every string one edit away from the ASCII `word`.
fn for_each_edit(word: &[u8], visit: &mut impl FnMut(&str)) {
    let mut buffer: Vec<u8> = Vec::with_capacity(word.len() + 1);
    let mut emit = |buffer: &[u8]| {
        if let Ok(text) = std::str::from_utf8(buffer) {
            visit(text);
        }
    };
    for at in 0..word.len() {
        buffer.clear();
        buffer.extend_from_slice(&word[..at]);
        buffer.extend_from_slice(&word[at + 1..]);
        emit(&buffer);
    }
    for at in 0..word.len().saturating_sub(1) {
        buffer.clear();
        buffer.extend_from_slice(word);
        buffer.swap(at, at + 1);
        emit(&buffer);
    }
    for at in 0..word.len() {
        buffer.clear();
        buffer.extend_from_slice(word);
        for &letter in ALPHABET {
            buffer[at] = letter;
            emit(&buffer);
        }
    }
    for at in 0..=word.len() {
        buffer.clear();
        buffer.extend_from_slice(&word[..at]);
        buffer.push(b'a');
        buffer.extend_from_slice(&word[at..]);
        for &letter in ALPHABET {
            buffer[at] = letter;
            emit(&buffer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Vocabulary;

    fn vocabulary() -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        vocabulary.add_document(["dang", "ky", "khai", "sinh"]);
        vocabulary.add_document(["dang", "ky", "khai", "tu"]);
        vocabulary.add_document(["thai", "san", "sinh", "sinh"]);
        vocabulary.add_document(["phep", "giay"]);
        vocabulary
    }

    #[test]
    fn corrects_each_kind_of_edit() {
        let vocabulary = vocabulary();
        assert_eq!(vocabulary.corrections("snih"), ["sinh"]);
        assert_eq!(vocabulary.corrections("sinhh"), ["sinh"]);
        assert_eq!(vocabulary.corrections("giy"), Vec::<String>::new());
        assert_eq!(vocabulary.corrections("gtay"), ["giay"]);
        assert_eq!(vocabulary.corrections("phepp"), ["phep"]);
        assert_eq!(vocabulary.corrections("phe"), Vec::<String>::new());
    }

    #[test]
    fn most_frequent_correction_first_and_never_the_word_itself() {
        let vocabulary = vocabulary();
        assert_eq!(vocabulary.corrections("khai"), ["thai"]);
        assert_eq!(vocabulary.corrections("xhai"), ["khai", "thai"]);
    }

    #[test]
    fn short_words_are_not_corrected() {
        assert!(vocabulary().corrections("kt").is_empty());
        assert!(vocabulary().corrections("sih").is_empty());
    }

    #[test]
    fn counts_documents_not_occurrences() {
        let vocabulary = vocabulary();
        assert!(vocabulary.contains("sinh"));
        assert!(!vocabulary.contains("snih"));
        assert_eq!(vocabulary.document_frequency["sinh"], 2);
    }
}
