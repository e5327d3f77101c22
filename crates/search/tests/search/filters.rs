//! Filters, facet counts, listing without text and paging.

use motcua_search::{FacetCount, SearchError, SearchQuery, SearchResults};

use crate::fixture::{REAL, index};

fn search(query: SearchQuery) -> SearchResults {
    index().search(&query).expect("search succeeds")
}

fn count(facet: &[FacetCount], value: &str) -> Option<usize> {
    facet
        .iter()
        .find(|entry| entry.value == value)
        .map(|entry| entry.count)
}

#[test]
fn empty_query_lists_everything_by_popularity() {
    let all = search(SearchQuery {
        per_page: 100,
        ..SearchQuery::default()
    });
    assert_eq!(all.total, REAL.len() + 2);
    assert_eq!(all.hits.len(), all.total);
    assert_eq!(all.hits[0].code, "2.000815");
    assert_eq!(all.hits[1].code, "1.014061");
    assert!(all.hits.iter().all(|hit| hit.score == 0.0));
    let hộ_tịch: usize = REAL.iter().filter(|p| p.field == "Hộ tịch").count();
    assert_eq!(count(&all.facets.field, "Hộ tịch"), Some(hộ_tịch));
    assert_eq!(all.facets.field[0].value, "Hộ tịch", "largest field first");
}

#[test]
fn empty_query_with_filter_lists_that_field_by_popularity() {
    let found = search(SearchQuery {
        field: Some("Hộ tịch".into()),
        ..SearchQuery::default()
    });
    assert_eq!(found.total, 14);
    let codes: Vec<&str> = found.hits.iter().map(|hit| hit.code.as_str()).collect();
    assert_eq!(codes[..3], ["1.001193", "2.000986", "1.000894"]);
    assert_eq!(
        count(&found.facets.field, "Đất đai"),
        Some(5),
        "own filter ignored"
    );
    assert_eq!(count(&found.facets.level, "commune"), Some(14));
}

#[test]
fn filter_values_match_without_diacritics() {
    let found = search(SearchQuery {
        field: Some("ho tich".into()),
        ..SearchQuery::default()
    });
    assert_eq!(found.total, 14);
}

#[test]
fn text_with_filters_and_facets() {
    let text = SearchQuery::new("giay chung nhan");
    let unfiltered = search(text.clone());
    let province = search(SearchQuery {
        level: Some("province".into()),
        ..text.clone()
    });
    assert!(province.total > 0 && province.total < unfiltered.total);
    assert_eq!(
        count(&unfiltered.facets.level, "province"),
        Some(province.total)
    );
    assert_eq!(
        province.facets.level, unfiltered.facets.level,
        "own filter ignored"
    );
    let land = search(SearchQuery {
        level: Some("province".into()),
        field: Some("Đất đai".into()),
        ..text
    });
    assert_eq!(count(&province.facets.field, "Đất đai"), Some(land.total));
    assert_eq!(land.hits[0].code, "1.012783");
    assert!(land.hits.iter().all(|hit| hit.field == "Đất đai"));
}

#[test]
fn channel_online_type_and_agency_filters() {
    let in_person_only: Vec<&str> = REAL
        .iter()
        .filter(|p| !p.channels.contains(&"online"))
        .map(|p| p.code)
        .collect();
    let online = search(SearchQuery {
        channel: Some("online".into()),
        per_page: 100,
        ..SearchQuery::default()
    });
    assert_eq!(online.total, REAL.len() + 2 - in_person_only.len());
    assert!(
        online
            .hits
            .iter()
            .all(|hit| !in_person_only.contains(&hit.code.as_str()))
    );

    let full = search(SearchQuery {
        online: Some("full".into()),
        ..SearchQuery::default()
    });
    assert_eq!(full.total, 1);
    assert_eq!(full.hits[0].code, "1.012575");
    assert_eq!(count(&full.facets.online, "partial"), Some(3));

    let police = search(SearchQuery {
        text: "dang ky".into(),
        agency: Some("Công an cấp xã".into()),
        ..SearchQuery::default()
    });
    assert_eq!(police.hits[0].code, "1.004222");
    assert!(police.total >= 4);
}

#[test]
fn abbreviation_with_filter() {
    let found = search(SearchQuery {
        text: "gplx".into(),
        level: Some("province".into()),
        ..SearchQuery::default()
    });
    assert_eq!(found.total, 1);
    assert_eq!(found.hits[0].code, "3.000348");
    assert_eq!(count(&found.facets.level, "ministry"), Some(2));
}

#[test]
fn unknown_filter_value_finds_nothing() {
    let found = search(SearchQuery {
        text: "dang ky".into(),
        field: Some("Không có".into()),
        ..SearchQuery::default()
    });
    assert_eq!(found.total, 0);
    assert!(found.hits.is_empty());
    assert!(count(&found.facets.field, "Hộ tịch").is_some());
}

#[test]
fn pages_follow_each_other() {
    let query = SearchQuery {
        text: "cap".into(),
        per_page: 4,
        ..SearchQuery::default()
    };
    let all = search(SearchQuery {
        per_page: 100,
        ..query.clone()
    });
    let first = search(query.clone());
    let second = search(SearchQuery {
        page: 2,
        ..query.clone()
    });
    assert_eq!(first.total, all.total);
    assert_eq!(first.hits, all.hits[..4]);
    assert_eq!(second.hits, all.hits[4..8]);
    let beyond = search(SearchQuery { page: 99, ..query });
    assert!(beyond.hits.is_empty());
    assert_eq!(beyond.total, all.total);
}

#[test]
fn invalid_pages_are_rejected() {
    let zero_page = SearchQuery {
        page: 0,
        ..SearchQuery::default()
    };
    assert!(matches!(
        index().search(&zero_page),
        Err(SearchError::InvalidPage)
    ));
    for per_page in [0, 101] {
        let query = SearchQuery {
            per_page,
            ..SearchQuery::default()
        };
        assert!(matches!(
            index().search(&query),
            Err(SearchError::InvalidPerPage)
        ));
    }
}
