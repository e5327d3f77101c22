//! Vietnamese queries, typed with and without diacritics, with typos, abbreviations and
//! everyday words: each must bring the expected procedure first.

use motcua_search::{CatalogIndex, ProcedureDoc, SearchQuery, Synonyms};
use unicode_normalization::UnicodeNormalization;

use crate::fixture::{LAND_RENT, LAND_TAX, codes, codes_in};

/// Asserts that `text` brings `code` first.
#[track_caller]
fn first(text: &str, code: &str) {
    let found = codes(text);
    assert_eq!(
        found.first().map(String::as_str),
        Some(code),
        "query {text:?} found {found:?}"
    );
}

fn procedure(code: &str, name: &str, popularity: u64) -> ProcedureDoc {
    ProcedureDoc {
        code: code.into(),
        name: name.into(),
        popularity,
        ..ProcedureDoc::default()
    }
}

fn small_index(procedures: &[ProcedureDoc]) -> CatalogIndex {
    CatalogIndex::build(procedures, &Synonyms::vietnamese()).expect("builds")
}

#[test]
fn with_diacritics() {
    first("Đăng ký khai sinh", "1.001193");
    first("đăng ký kết hôn", "1.000894");
    first("Đăng ký thường trú", "1.004222");
    first("giải quyết hưởng chế độ thai sản", "2.000693");
    first("tách thửa", "1.012784");
    first("cấp hộ chiếu", "1.001456");
}

#[test]
fn without_diacritics() {
    first("dang ky khai sinh", "1.001193");
    first("DANG KY KET HON", "1.000894");
    first("ly lich tu phap", "3.000333");
    first("cap lai giay phep lai xe", "3.000348");
    first("doi giay phep lai xe", "3.000347");
    first("dang ky tam tru", "1.004194");
    first("gia han tam tru", "1.002755");
    first("chung thuc ban sao", "2.000815");
    first("xac nhan tinh trang hon nhan", "1.004873");
    first("thanh lap ho kinh doanh", "1.001612");
    first("bao hiem xa hoi mot lan", "1.001613");
}

#[test]
fn decomposed_query_and_catalog_are_normalised() {
    let nfd: String = "Đăng ký khai sinh".nfd().collect();
    first(&nfd, "1.001193");
    let index = small_index(&[procedure(
        "1",
        &"Đăng ký kết hôn".nfd().collect::<String>(),
        0,
    )]);
    let found = index
        .search(&SearchQuery::new("đăng ký kết hôn"))
        .expect("search");
    assert_eq!(found.hits[0].code, "1");
    let folded = index
        .search(&SearchQuery::new("dang ky ket hon"))
        .expect("search");
    assert!(
        found.hits[0].score > folded.hits[0].score,
        "exact diacritics weigh more"
    );
}

#[test]
fn with_one_typo() {
    first("dang ky khai snih", "1.001193");
    first("dang ky ket hoon", "1.000894");
    first("cap lai giay phep lai xee", "3.000348");
    first("ly lich tu phapp", "3.000333");
    first("cap ho chieeu", "1.001456");
    first("thuong truu", "1.004222");
}

#[test]
fn abbreviations_and_everyday_words() {
    first("GPLX", "3.000347");
    assert_eq!(codes("gplx")[..2], ["3.000347", "3.000348"]);
    first("cấp lại GPLX", "3.000348");
    first("cấp lại CCCD", "1.014064");
    first("cap doi cccd", "1.014063");
    first("cấp lại chứng minh nhân dân", "1.014064");
    first("LLTP", "3.000333");
    first("hộ khẩu", "1.004222");
    first("dang ky ho khau", "1.004222");
    first("dang ki khai sinh", "1.001193");
    first("hưởng BHXH một lần", "1.001613");
    first("BHYT", "1.001939");
    first("sổ đỏ", "1.012783");
    first("bằng lái", "3.000347");
    first("passport", "1.001456");
}

#[test]
fn code_finds_its_procedure() {
    first("1.001193", "1.001193");
    first(" 3.000333 ", "3.000333");
}

#[test]
fn exact_diacritics_rank_above_folded_matches() {
    first("miễn giảm tiền thuế đất", LAND_TAX);
    first("Miễn, giảm tiền thuê đất", LAND_RENT);
    let folded = codes("mien giam tien thue dat");
    assert_eq!(
        folded[..2],
        [LAND_RENT, LAND_TAX],
        "equal scores: popularity decides"
    );
}

#[test]
fn popularity_breaks_ties() {
    let index = small_index(&[
        procedure("rare", "Đăng ký tạm trú", 10),
        procedure("common", "Đăng ký tạm trú", 500),
        procedure("middle", "Đăng ký tạm trú", 100),
    ]);
    let found = index.search(&SearchQuery::new("tam tru")).expect("search");
    let codes: Vec<&str> = found.hits.iter().map(|hit| hit.code.as_str()).collect();
    assert_eq!(codes, ["common", "middle", "rare"]);
    assert_eq!(found.hits[0].score, found.hits[2].score);
}

#[test]
fn words_together_beat_words_apart() {
    let index = small_index(&[
        procedure("apart", "Khai báo y tế cho học sinh", 1000),
        procedure("together", "Đăng ký khai sinh có yếu tố nước ngoài", 1),
    ]);
    let found = codes_in(&index, &SearchQuery::new("khai sinh"));
    assert_eq!(found, ["together", "apart"]);
}

#[test]
fn a_corrected_word_ranks_below_the_exact_word() {
    let index = small_index(&[
        procedure("khai", "Đăng ký khai sinh", 1000),
        procedure("thai", "Giải quyết hưởng chế độ thai sản", 1),
    ]);
    assert_eq!(codes_in(&index, &SearchQuery::new("thai")), ["thai"]);
    let lenient = codes_in(&index, &SearchQuery::new("thai qqqq"));
    assert_eq!(lenient, ["thai", "khai"]);
}

#[test]
fn short_words_are_never_corrected() {
    let index = small_index(&[procedure("xe", "Đăng ký xe", 1)]);
    assert!(codes_in(&index, &SearchQuery::new("xa")).is_empty());
    assert!(codes_in(&index, &SearchQuery::new("dag")).is_empty());
}

#[test]
fn extra_words_relax_instead_of_finding_nothing() {
    first("thủ tục đăng ký khai sinh cho bé", "1.001193");
    assert!(codes("qqqq zzzz").is_empty());
}
