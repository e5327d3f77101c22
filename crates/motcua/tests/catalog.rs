//! The procedure catalog: import, search (pages and API), export, refresh.

mod common;

use std::time::{Duration, Instant};

use common::{TestApp, backends};
use reqwest::StatusCode;

async fn first_code(app: &TestApp, query: &str) -> String {
    let url =
        reqwest::Url::parse_with_params(&app.url("/api/v1/procedures"), &[("q", query)]).unwrap();
    let body: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    body["results"][0]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn vietnamese_queries_find_the_expected_procedure_first() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        assert_eq!(
            app.prepared.catalog_imported, 48,
            "the demo catalog is imported on a new database"
        );
        for (query, code) in [
            ("Đăng ký khai sinh", "1.001193"),
            ("dang ky khai sinh", "1.001193"),
            ("dang ky khai snih", "1.001193"),
            ("đăng ký kết hôn", "1.000894"),
            ("ly lich tu phap", "3.000333"),
            ("LLTP", "3.000333"),
            ("cap lai GPLX", "3.000348"),
            ("doi giay phep lai xe", "3.000347"),
            ("cấp lại CCCD", "1.014064"),
            ("dang ky tam tru", "1.004194"),
            ("hộ khẩu", "1.004222"),
            ("xac nhan tinh trang hon nhan", "1.004873"),
            ("1.001193", "1.001193"),
        ] {
            assert_eq!(first_code(&app, query).await, code, "{backend:?}: {query}");
        }
    }
}

#[tokio::test]
async fn filters_narrow_results_and_count_facets() {
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let body: serde_json::Value = app
        .get_json("/api/v1/procedures?field=H%E1%BB%99%20t%E1%BB%8Bch&per_page=100")
        .await;
    let results = body["results"].as_array().unwrap();
    assert_eq!(body["total"].as_u64().unwrap() as usize, results.len());
    assert!(
        results.len() >= 14 && results.iter().all(|r| r["field"] == "Hộ tịch"),
        "{body}"
    );
    let fields = body["facets"]["field"].as_array().unwrap();
    assert!(
        fields.len() > 1,
        "each facet ignores its own filter: {fields:?}"
    );
    let civil = fields.iter().find(|f| f["value"] == "Hộ tịch").unwrap();
    assert_eq!(civil["count"].as_u64().unwrap() as usize, results.len());

    let body: serde_json::Value = app
        .get_json("/api/v1/procedures?q=khai%20sinh&online=full&level=commune")
        .await;
    assert_eq!(body["results"][0]["code"], "1.001193");
    assert!(
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["online_service"] == "full")
    );

    for (path, field) in [
        ("/api/v1/procedures?page=0", "page"),
        ("/api/v1/procedures?page=abc", "page"),
        ("/api/v1/procedures?per_page=1000", "per_page"),
    ] {
        let response = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["fields"][0]["field"], field, "{path}");
    }
    // A page past the end is empty, with the total intact.
    let past: serde_json::Value = app.get_json("/api/v1/procedures?page=99").await;
    assert_eq!(past["results"].as_array().unwrap().len(), 0);
    assert_eq!(past["total"], 48);
    let suggestions: serde_json::Value = app
        .get_json("/api/v1/procedures/suggest?q=dang%20ky%20k")
        .await;
    let names: Vec<&str> = suggestions["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Đăng ký khai sinh") && names.contains(&"Đăng ký kết hôn"),
        "{names:?}"
    );
}

#[tokio::test]
async fn pages_show_results_facets_and_the_guide_first() {
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let home = reqwest::get(app.url("/thu-tuc"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Tìm thủ tục hành chính") && home.contains("Thủ tục theo lĩnh vực"));
    assert!(
        home.contains("Trực tuyến toàn trình: <strong>26</strong>"),
        "shares of online services"
    );

    let results = reqwest::get(app.url("/thu-tuc?q=dang+ky+khai+sinh"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let first = results.find("class=\"result-name\"").unwrap();
    assert!(
        results[first..]
            .starts_with("class=\"result-name\" href=\"/thu-tuc/1.001193\">Đăng ký khai sinh<")
    );
    assert!(results.contains("Lọc kết quả") && results.contains("Lĩnh vực"));
    let filtered = reqwest::get(app.url("/thu-tuc?q=dang+ky&linh_vuc=H%E1%BB%99+t%E1%BB%8Bch"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        filtered.contains("Lĩnh vực: Hộ tịch"),
        "the active filter is shown and removable"
    );
    let nothing = reqwest::get(app.url("/thu-tuc?q=zzzzqqq"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(nothing.contains("Không tìm thấy thủ tục phù hợp"));

    let page = reqwest::get(app.url("/thu-tuc/1.001193")).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    let at = |needle: &str| {
        page.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing"))
    };
    assert!(
        at("Hướng dẫn nhanh") < at("Thành phần hồ sơ"),
        "the guide comes first"
    );
    assert!(at("Thành phần hồ sơ") < at("Thời hạn và phí theo cách nộp"));
    assert!(at("Thời hạn và phí theo cách nộp") < at("Căn cứ pháp lý"));
    assert!(page.contains("Giấy chứng sinh"));
    assert!(page.contains("Hồ sơ nhận sau 15:00"));
    assert!(page.contains("giá trị minh họa"), "demo values are marked");
    let missing = reqwest::get(app.url("/thu-tuc/9.999999")).await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("Không tìm thấy trang")
    );
}

#[tokio::test]
async fn the_catalog_exports_and_reimports_unchanged() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let export = reqwest::get(app.url("/api/v1/procedures/export"))
            .await
            .unwrap();
        assert!(
            export.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("attachment")
        );
        let json = export.text().await.unwrap();
        let catalog =
            motcua_domain::catalog::parse_catalog(&json).expect("the export is a valid catalog");
        assert_eq!(catalog.procedures.len(), 48);
        let store = motcua::startup::open_store(&app.config).await.unwrap();
        let report = motcua::startup::import_catalog(&store, &json)
            .await
            .unwrap();
        assert_eq!(
            (report.created, report.new_versions, report.unchanged),
            (0, 0, 48),
            "{backend:?}"
        );
        let detail: serde_json::Value = app.get_json("/api/v1/procedures/1.001193").await;
        assert_eq!(
            detail["guide"]["summary"],
            catalog
                .procedures
                .iter()
                .find(|p| p.code == "1.001193")
                .unwrap()
                .guide
                .summary
        );
    }
}

#[tokio::test]
async fn an_invalid_catalog_is_rejected_whole_with_every_error() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let store = motcua::startup::open_store(&app.config).await.unwrap();
        let mut catalog: serde_json::Value =
            serde_json::from_str(motcua::startup::DEMO_CATALOG).unwrap();
        let procedures = catalog["procedures"].as_array_mut().unwrap();
        procedures[0]["name"] = "Tên mới hợp lệ".into();
        procedures[3]["channels"][0]["fees"] =
            serde_json::json!([{"label": "Lệ phí", "amount": -100}]);
        procedures[10]["online_service"] = "sometimes".into();
        procedures[20].as_object_mut().unwrap().remove("guide");
        let err = match motcua::startup::import_catalog(&store, &catalog.to_string()).await {
            Err(motcua::startup::CatalogImportError::Invalid(e)) => e,
            other => panic!("{backend:?}: expected a rejection, got {other:?}"),
        };
        let paths: Vec<&str> = err.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "procedures[3].channels[0].fees[0].amount",
                "procedures[10].online_service",
                "procedures[20].guide"
            ],
            "{backend:?}"
        );
        // Nothing was imported, not even the valid change.
        let first: serde_json::Value = app.get_json("/api/v1/procedures/1.000656").await;
        assert_eq!(first["name"], "Thủ tục đăng ký khai tử");
        let versions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM procedure_version")
            .fetch_one(store.db.pool())
            .await
            .unwrap();
        assert_eq!(versions, 48);
    }
}

#[tokio::test]
async fn an_edited_catalog_rebuilds_the_index() {
    let app = TestApp::start_with(
        motcua_store::Backend::Sqlite,
        |mut c| {
            c.catalog_refresh_secs = 1;
            c
        },
        motcua_web::ExtraRoutes::default(),
    )
    .await;
    let store = motcua::startup::open_store(&app.config).await.unwrap();
    let mut catalog: serde_json::Value =
        serde_json::from_str(motcua::startup::DEMO_CATALOG).unwrap();
    catalog["procedures"][4]["name"] = "Thủ tục đăng ký khai sinh cho trẻ sơ sinh".into();
    let report = motcua::startup::import_catalog(&store, &catalog.to_string())
        .await
        .unwrap();
    assert_eq!((report.new_versions, report.unchanged), (1, 47));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let body: serde_json::Value = app.get_json("/api/v1/procedures?q=tre%20so%20sinh").await;
        if body["results"][0]["name"] == "Đăng ký khai sinh cho trẻ sơ sinh" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the index was not rebuilt: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
