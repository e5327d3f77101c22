//! Building the index: errors, empty catalogs, sharing between threads.

use std::sync::Arc;

use motcua_search::{CatalogIndex, ProcedureDoc, SearchError, SearchQuery, Synonyms};

use crate::fixture::{REAL, index, procedures};

#[test]
fn indexes_every_procedure() {
    assert_eq!(index().len(), REAL.len() + 2);
    assert!(!index().is_empty());
}

#[test]
fn duplicate_code_is_rejected() {
    let mut procedures = procedures();
    procedures[3].code = procedures[0].code.clone();
    match CatalogIndex::build(&procedures, &Synonyms::default()) {
        Err(SearchError::DuplicateCode(code)) => assert_eq!(code, "1.001193"),
        other => panic!("expected a duplicate code error, got {other:?}"),
    }
}

#[test]
fn empty_catalog_finds_nothing() {
    let index = CatalogIndex::build(&[], &Synonyms::default()).expect("builds");
    assert!(index.is_empty());
    let found = index.search(&SearchQuery::new("dang ky")).expect("search");
    assert_eq!(found.total, 0);
    assert!(index.suggest("dang", 5).is_empty());
}

#[test]
fn synonyms_are_data() {
    let procedures = vec![ProcedureDoc {
        code: "1.001193".into(),
        name: "Đăng ký khai sinh".into(),
        ..ProcedureDoc::default()
    }];
    let plain = CatalogIndex::build(&procedures, &Synonyms::default()).expect("builds");
    assert_eq!(
        plain
            .search(&SearchQuery::new("giấy khai sinh mới"))
            .expect("search")
            .total,
        1
    );
    assert_eq!(
        plain
            .search(&SearchQuery::new("dkks"))
            .expect("search")
            .total,
        0
    );
    let synonyms = Synonyms::from_json(r#"{"groups": [["DKKS", "đăng ký khai sinh"]]}"#)
        .expect("valid synonyms");
    let index = CatalogIndex::build(&procedures, &synonyms).expect("builds");
    assert_eq!(
        index
            .search(&SearchQuery::new("dkks"))
            .expect("search")
            .total,
        1
    );
}

#[test]
fn shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<CatalogIndex>();
    let shared =
        Arc::new(CatalogIndex::build(&procedures(), &Synonyms::vietnamese()).expect("builds"));
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let index = Arc::clone(&shared);
            std::thread::spawn(move || {
                index
                    .search(&SearchQuery::new("khai sinh"))
                    .expect("search")
                    .total
            })
        })
        .collect();
    for thread in threads {
        assert!(thread.join().expect("thread") > 0);
    }
}
