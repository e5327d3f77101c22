//! Diacritic folding: the comparison form in which "Đăng ký" and "dang ky" are the same
//! text, so that people who type without Vietnamese accents still find what they want.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Folds `text` for accent-insensitive comparison: Unicode NFC, lowercase, Vietnamese
/// diacritics (tone marks, breve, circumflex, horn) stripped and `đ`/`Đ` turned into `d`.
///
/// Precomposed and decomposed (NFD) input fold to the same result, every Vietnamese
/// letter folds to an ASCII letter, and folding is idempotent.
///
/// ```
/// assert_eq!(motcua_search::fold("Đăng ký khai sinh"), "dang ky khai sinh");
/// assert_eq!(motcua_search::fold("LÝ LỊCH TƯ PHÁP"), "ly lich tu phap");
/// ```
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        push_folded(c, &mut folded);
    }
    if folded.is_ascii() {
        folded
    } else {
        folded.nfc().collect()
    }
}

/// Appends the folded form of one character to `out`.
pub(crate) fn push_folded(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for lower in c.to_lowercase() {
        if lower == 'đ' {
            out.push('d');
        } else {
            decompose_canonical(lower, |part| {
                if !is_combining_mark(part) {
                    out.push(part);
                }
            });
        }
    }
}

/// The exact form of a word: NFC and lowercase, diacritics kept.
pub(crate) fn exact(text: &str) -> String {
    text.nfc().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    use super::{exact, fold};

    /// Every lowercase and uppercase letter of the Vietnamese alphabet, with all tones.
    const VIETNAMESE_LETTERS: &str = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ\
         AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬBCDĐEÈÉẺẼẸÊỀẾỂỄỆGHIÌÍỈĨỊKLMNOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢPQRSTUÙÚỦŨỤƯỪỨỬỮỰVXYỲÝỶỸỴ";

    fn vietnamese_text() -> impl Strategy<Value = String> {
        let letters: Vec<char> = VIETNAMESE_LETTERS.chars().chain([' ', ',', '1']).collect();
        proptest::collection::vec(proptest::sample::select(letters), 0..40)
            .prop_map(|chars| chars.into_iter().collect())
    }

    #[test]
    fn strips_tones_and_marks() {
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("Cấp lại giấy phép lái xe"), "cap lai giay phep lai xe");
        assert_eq!(fold("Ủy ban nhân dân"), "uy ban nhan dan");
        assert_eq!(fold("Uỷ ban nhân dân"), "uy ban nhan dan");
        assert_eq!(fold("THƯỜNG TRÚ"), "thuong tru");
        assert_eq!(fold("đ Đ"), "d d");
    }

    #[test]
    fn keeps_ascii_digits_and_punctuation() {
        assert_eq!(fold("1.001193 (cấp xã)"), "1.001193 (cap xa)");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn decomposed_input_folds_like_precomposed() {
        let nfd: String = "Đăng ký khai sinh".nfd().collect();
        assert_ne!(nfd, "Đăng ký khai sinh");
        assert_eq!(fold(&nfd), "dang ky khai sinh");
    }

    #[test]
    fn exact_form_is_nfc_lowercase() {
        let nfd: String = "Đăng Ký".nfd().collect();
        assert_eq!(exact(&nfd), "đăng ký");
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(text in vietnamese_text()) {
            let once = fold(&text);
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn fold_of_vietnamese_is_ascii(text in vietnamese_text()) {
            prop_assert!(fold(&text).is_ascii());
        }

        #[test]
        fn fold_ignores_normalization_form(text in vietnamese_text()) {
            let nfd: String = text.nfd().collect();
            prop_assert_eq!(fold(&nfd), fold(&text));
        }

        #[test]
        fn fold_is_idempotent_on_any_text(text in "\\PC{0,30}") {
            let once = fold(&text);
            prop_assert_eq!(fold(&once), once);
        }
    }
}
