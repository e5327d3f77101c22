//! Splitting text into words, the same way for the index and for queries, and the
//! tantivy tokenizers that index those words in their exact and folded forms.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::char::is_combining_mark;

use crate::fold::{exact, fold};

/// One word of a text in both of its searchable forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// NFC, lowercase, diacritics kept: "đăng".
    pub exact: String,
    /// Folded: "dang".
    pub folded: String,
}

/// Splits `text` into words: runs of letters and digits, combining marks included so that
/// decomposed (NFD) letters stay whole. Punctuation and spaces separate words; nothing is
/// dropped as a stop word, because short Vietnamese words ("ký", "xe") carry meaning.
pub(crate) fn words(text: &str) -> impl Iterator<Item = Word> + '_ {
    runs(text).filter_map(|(_, run)| {
        let folded = fold(run);
        (!folded.is_empty()).then(|| Word {
            exact: exact(run),
            folded,
        })
    })
}

/// The folded words of `text`.
pub(crate) fn folded_words(text: &str) -> Vec<String> {
    runs(text)
        .map(|(_, run)| fold(run))
        .filter(|word| !word.is_empty())
        .collect()
}

/// The byte offset and text of each word-forming run of `text`.
fn runs(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = rest.by_ref().find(|&(_, c)| is_word_char(c))?;
        let mut end = text.len();
        while let Some(&(at, c)) = rest.peek() {
            if !is_word_char(c) {
                end = at;
                break;
            }
            rest.next();
        }
        Some((start, &text[start..end]))
    })
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Which form of each word a [`WordTokenizer`] indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// NFC lowercase, diacritics kept.
    Exact,
    /// Folded, diacritics stripped.
    Folded,
}

/// A tantivy tokenizer producing the words of [`words`] in one [`Form`].
#[derive(Debug, Clone)]
pub(crate) struct WordTokenizer {
    form: Form,
}

impl WordTokenizer {
    /// A tokenizer for `form`.
    pub(crate) fn new(form: Form) -> Self {
        Self { form }
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let tokens = runs(text)
            .filter_map(|(start, run)| {
                let word = match self.form {
                    Form::Exact => exact(run),
                    Form::Folded => fold(run),
                };
                (!word.is_empty()).then_some((start, start + run.len(), word))
            })
            .enumerate()
            .map(|(position, (offset_from, offset_to, text))| Token {
                offset_from,
                offset_to,
                position,
                text,
                position_length: 1,
            })
            .collect::<Vec<_>>();
        WordStream {
            tokens: tokens.into_iter(),
            current: Token::default(),
        }
    }
}

/// The token stream of a [`WordTokenizer`].
pub(crate) struct WordStream {
    tokens: std::vec::IntoIter<Token>,
    current: Token,
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{TokenStream, Tokenizer};
    use unicode_normalization::UnicodeNormalization;

    use super::{Form, WordTokenizer, folded_words, words};

    fn tokens(form: Form, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut tokenizer = WordTokenizer::new(form);
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push((
                token.text.clone(),
                token.position,
                token.offset_from,
                token.offset_to,
            ));
        }
        out
    }

    #[test]
    fn splits_on_punctuation_and_keeps_short_words() {
        assert_eq!(
            folded_words("Cấp lại, đổi thẻ BHYT (cấp xã)."),
            ["cap", "lai", "doi", "the", "bhyt", "cap", "xa"]
        );
    }

    #[test]
    fn decomposed_letters_stay_in_one_word() {
        let nfd: String = "Đăng ký".nfd().collect();
        let found: Vec<_> = words(&nfd).collect();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].exact, "đăng");
        assert_eq!(found[0].folded, "dang");
        assert_eq!(found[1].exact, "ký");
    }

    #[test]
    fn tokenizer_forms_and_offsets() {
        assert_eq!(
            tokens(Form::Exact, "Đăng ký, 2 lần"),
            [
                ("đăng".to_string(), 0, 0, 6),
                ("ký".to_string(), 1, 7, 10),
                ("2".to_string(), 2, 12, 13),
                ("lần".to_string(), 3, 14, 19),
            ]
        );
        let folded: Vec<String> = tokens(Form::Folded, "Đăng ký")
            .into_iter()
            .map(|(text, ..)| text)
            .collect();
        assert_eq!(folded, ["dang", "ky"]);
    }

    #[test]
    fn lone_combining_marks_are_not_words() {
        assert_eq!(words("\u{301} , \u{300}").count(), 0);
    }
}
