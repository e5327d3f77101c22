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

/// Agency administrators edit the procedures their agency implements through a form:
/// a bad value is refused next to its field and saves nothing; a good edit is a new
/// version, shown at once to citizens and in search; a stale form is refused without
/// losing what was typed; a new procedure is theirs to edit; others are out of reach.
#[tokio::test]
async fn agency_administrators_edit_their_procedures() {
    use common::visitor::{Visitor, form_fields, minted_session, set_field};
    use reqwest::header::LOCATION;

    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let (mut admin, _) = minted_session(&app, &db, "quantri@nhatrang.example", true).await;

        let list = admin.get("/quan-tri/thu-tuc").await;
        assert_eq!(list.status(), StatusCode::OK, "{backend:?}");
        let list = list.text().await.unwrap();
        assert!(
            list.contains("/quan-tri/thu-tuc/1.001193/sua"),
            "a commune procedure"
        );
        assert!(
            !list.contains("3.000333"),
            "a provincial procedure is not theirs"
        );
        assert_eq!(
            admin.get("/quan-tri/thu-tuc/3.000333/sua").await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            admin.get("/quan-tri/thu-tuc/9.999999/sua").await.status(),
            StatusCode::NOT_FOUND
        );

        let action = "/quan-tri/thu-tuc/1.001193/sua";
        let page = admin.get(action).await.text().await.unwrap();
        let original = form_fields(&page, action);
        // Saving the form unchanged makes no version.
        let unchanged = admin.post_pairs(action, &original).await;
        assert_eq!(unchanged.headers()[LOCATION], format!("{action}?luu=0"));

        // Bad values: refused, each next to its field, nothing saved.
        let mut bad = original.clone();
        set_field(&mut bad, "ten", "  ");
        set_field(&mut bad, "online_phi_muc", "mười nghìn");
        set_field(&mut bad, "hd_chi_phi", "Lệ phí 10.000 đồng.");
        let refused = admin.post_pairs(action, &bad).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text().await.unwrap();
        assert!(html.contains("Chưa lưu: 2 chỗ cần sửa"), "{html}");
        assert!(html.contains("<p class=\"field-error\" id=\"ten-loi\">không được để trống</p>"));
        assert!(html.contains("nhập số tiền bằng chữ số, ví dụ 8.000"));
        assert!(
            html.contains("Lệ phí 10.000 đồng."),
            "what was typed is kept"
        );
        let public = admin.get("/thu-tuc/1.001193").await.text().await.unwrap();
        assert!(public.contains("Miễn phí."), "nothing saved");

        // A good edit: version 2, on the public page and in the API at once.
        let mut good = original.clone();
        set_field(
            &mut good,
            "hd_chi_phi",
            "Miễn lệ phí; bản sao trích lục 8.000 đồng/bản.",
        );
        let saved = admin.post_pairs(action, &good).await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(saved.headers()[LOCATION], format!("{action}?luu=2"));
        let edit = admin
            .get(&format!("{action}?luu=2"))
            .await
            .text()
            .await
            .unwrap();
        assert!(edit.contains("Đã lưu phiên bản 2"));
        assert!(
            edit.contains("Hoàng Văn Em"),
            "the history names the editor"
        );
        let public = admin.get("/thu-tuc/1.001193").await.text().await.unwrap();
        assert!(public.contains("bản sao trích lục 8.000 đồng/bản"));
        let detail = app.get_json("/api/v1/procedures/1.001193").await;
        assert_eq!(
            detail["guide"]["cost"],
            "Miễn lệ phí; bản sao trích lục 8.000 đồng/bản."
        );
        let versions: Vec<i64> = sqlx::query_scalar(
            "SELECT v.version FROM procedure_version v JOIN procedure p ON p.id = v.procedure_id \
             WHERE p.code = '1.001193' ORDER BY v.version",
        )
        .fetch_all(db.pool())
        .await
        .unwrap();
        assert_eq!(
            versions,
            [1, 2],
            "version 1 stays for dossiers filed under it"
        );

        // The form of version 1, posted after version 2: refused, the text kept.
        let mut stale = original.clone();
        set_field(&mut stale, "hd_thoi_gian", "Trong ngày làm việc.");
        let conflict = admin.post_pairs(action, &stale).await;
        assert_eq!(conflict.status(), StatusCode::CONFLICT);
        let html = conflict.text().await.unwrap();
        assert!(html.contains("vừa được người khác sửa"));
        assert!(html.contains("Trong ngày làm việc."));

        // A new procedure, linked to the administrator's agency.
        let create = "/quan-tri/thu-tuc/moi";
        let page = admin.get(create).await.text().await.unwrap();
        let mut fields = form_fields(&page, create);
        for (name, value) in [
            ("ma", "2.999001"),
            ("ten", "Xác nhận hộ nghèo, hộ cận nghèo phát sinh trong năm"),
            ("linh_vuc", "Bảo trợ xã hội"),
            ("co_quan", "Ủy ban nhân dân cấp xã"),
            ("truc_tuyen", "partial"),
            ("ket_qua", "Giấy chứng nhận hộ cận nghèo"),
            (
                "hd_tom_tat",
                "Gia đình gặp khó khăn đột xuất đề nghị xét hộ cận nghèo.",
            ),
            ("hd_chuan_bi", "Giấy đề nghị xác nhận"),
            ("hd_nop", "Nộp tại Bộ phận Một cửa của xã"),
            ("hd_chi_phi", "Miễn phí"),
            ("hd_thoi_gian", "15 ngày làm việc"),
            ("hd_sau", "Ủy ban nhân dân xã niêm yết kết quả"),
            ("online_thoi_han", "15"),
            ("gt_ten", "Giấy đề nghị xác nhận hộ nghèo, hộ cận nghèo"),
        ] {
            set_field(&mut fields, name, value);
        }
        fields.push(("cap".into(), "commune".into()));
        fields.push(("kenh".into(), "online".into()));
        let created = admin.post_pairs(create, &fields).await;
        assert_eq!(created.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(
            created.headers()[LOCATION],
            "/quan-tri/thu-tuc/2.999001/sua?luu=1"
        );
        assert_eq!(first_code(&app, "xac nhan ho can ngheo").await, "2.999001");
        assert_eq!(
            admin.get("/quan-tri/thu-tuc/2.999001/sua").await.status(),
            StatusCode::OK
        );
        // The same code again is refused on its field.
        let again = admin.post_pairs(create, &fields).await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        assert!(
            again
                .text()
                .await
                .unwrap()
                .contains("đã có thủ tục mang mã này")
        );

        // Another commune's administrator cannot edit it; a citizen sees nothing.
        let (mut citizen, _) = minted_session(&app, &db, "056090001234", false).await;
        assert_eq!(
            citizen.get("/quan-tri/thu-tuc").await.status(),
            StatusCode::FORBIDDEN
        );
        let mut anonymous = Visitor::new(&app);
        assert_eq!(
            anonymous.get(action).await.status(),
            StatusCode::SEE_OTHER,
            "to the sign-in page"
        );
    }
}

/// System administrators edit the search synonyms; a list with problems names each
/// bad line and changes nothing; a saved list is used by search at once.
#[tokio::test]
async fn system_administrators_edit_search_synonyms() {
    use common::visitor::{form_fields, minted_session, set_field};

    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let (mut admin, _) = minted_session(&app, &db, "admin@motcua.example", true).await;
        let (mut agency_admin, _) =
            minted_session(&app, &db, "quantri@nhatrang.example", true).await;
        let action = "/quan-tri/tu-dong-nghia";
        assert_eq!(
            agency_admin.get(action).await.status(),
            StatusCode::FORBIDDEN
        );
        assert_ne!(first_code(&app, "giay chung tu").await, "1.000656");

        let page = admin.get(action).await.text().await.unwrap();
        let mut fields = form_fields(&page, action);
        let list = fields
            .iter()
            .find(|(k, _)| k == "danh_sach")
            .unwrap()
            .1
            .clone();
        assert!(list.lines().any(|l| l == "lltp, lý lịch tư pháp"), "{list}");

        set_field(
            &mut fields,
            "danh_sach",
            &format!("{list}\ngiấy chứng tử\nbáo tử, LLTP"),
        );
        let refused = admin.post_pairs(action, &fields).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text().await.unwrap();
        let lines = list.lines().count();
        assert!(
            html.contains(&format!(
                "Dòng {}: mỗi dòng cần ít nhất hai cách gọi",
                lines + 1
            )),
            "{html}"
        );
        assert!(
            html.contains(&format!("Dòng {}: “LLTP”: đã có ở dòng 3", lines + 2)),
            "{html}"
        );

        set_field(
            &mut fields,
            "danh_sach",
            &format!("{list}\ngiấy chứng tử, khai tử, báo tử"),
        );
        let saved = admin.post_pairs(action, &fields).await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(first_code(&app, "giay chung tu").await, "1.000656");
        assert_eq!(
            first_code(&app, "LLTP").await,
            "3.000333",
            "the old groups stay"
        );
    }
}
