//! The HTTP skeleton, driven over real sockets on every backend.

mod common;

use std::time::Duration;

use axum::routing::get;
use common::{TestApp, backends, raw_client};
use reqwest::StatusCode;

#[tokio::test]
async fn home_page_is_vietnamese_and_lists_agencies() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let response = reqwest::get(app.url("/")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8"
        );
        let html = response.text().await.unwrap();
        assert!(html.contains("<html lang=\"vi\">"));
        assert!(html.contains("Cổng dịch vụ công trực tuyến"));
        assert!(html.contains("Nộp hồ sơ trực tuyến trong bốn bước"));
        assert!(
            html.contains("Ủy ban nhân dân phường Nha Trang"),
            "{backend:?}: agencies come from the database"
        );
        assert!(html.contains("name=\"viewport\""));
    }
}

#[tokio::test]
async fn responses_carry_security_headers_and_request_ids() {
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let a = reqwest::get(app.url("/")).await.unwrap();
    let b = reqwest::get(app.url("/healthz")).await.unwrap();
    let csp = a.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(a.headers()["x-content-type-options"], "nosniff");
    assert_eq!(a.headers()["x-frame-options"], "DENY");
    assert_eq!(a.headers()["referrer-policy"], "same-origin");
    let (id_a, id_b) = (
        a.headers()["x-request-id"].clone(),
        b.headers()["x-request-id"].clone(),
    );
    assert!(!id_a.is_empty());
    assert_ne!(id_a, id_b);
    // A request id given by a proxy in front is kept.
    let c = reqwest::Client::new()
        .get(app.url("/healthz"))
        .header("x-request-id", "lb-42")
        .send()
        .await
        .unwrap();
    assert_eq!(c.headers()["x-request-id"], "lb-42");
}

/// The home page, with its stylesheet, stays under 30 KB on the wire.
#[tokio::test]
async fn home_page_transfer_is_within_budget() {
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let client = raw_client();
    let page = client
        .get(app.url("/"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert!(
        page.headers().get("content-encoding").is_some(),
        "the page is compressed"
    );
    let html_compressed = page.bytes().await.unwrap();
    let html = reqwest::get(app.url("/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let css_path = html
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let css = client
        .get(app.url(css_path))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert!(
        css.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let css_compressed = css.bytes().await.unwrap();
    let js_path = html
        .split("<script src=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let js = client
        .get(app.url(js_path))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    let js_compressed = js.bytes().await.unwrap();
    let total = html_compressed.len() + css_compressed.len() + js_compressed.len();
    println!(
        "home page transferred: {} B html + {} B css + {} B js = {total} B",
        html_compressed.len(),
        css_compressed.len(),
        js_compressed.len()
    );
    assert!(total <= 30 * 1024, "home page transfers {total} bytes");
    // Older stylesheet names are not served.
    assert_eq!(
        reqwest::get(app.url("/static/app-00000000.css"))
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

async fn invalid() -> Result<&'static str, motcua_web::AppError> {
    Err(motcua_web::AppError::Validation(vec![
        motcua_web::FieldError {
            field: "so_cccd".into(),
            message: "Số căn cước phải có đúng 12 chữ số".into(),
        },
    ]))
}

#[tokio::test]
async fn validation_errors_name_each_field_in_vietnamese() {
    let app = TestApp::start_with(
        motcua_store::Backend::Sqlite,
        |c| c,
        motcua_web::ExtraRoutes::public_get(
            axum::Router::new()
                .route("/test/invalid", get(invalid))
                .route("/api/v1/test/invalid", get(invalid)),
            &["/test/invalid", "/api/v1/test/invalid"],
        ),
    )
    .await;
    let api = reqwest::get(app.url("/api/v1/test/invalid")).await.unwrap();
    assert_eq!(api.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation");
    assert_eq!(body["error"]["fields"][0]["field"], "so_cccd");
    assert_eq!(
        body["error"]["fields"][0]["message"],
        "Số căn cước phải có đúng 12 chữ số"
    );
    let page = reqwest::get(app.url("/test/invalid")).await.unwrap();
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Thông tin chưa hợp lệ")
            && html.contains("Số căn cước phải có đúng 12 chữ số")
    );
}

#[tokio::test]
async fn slow_requests_time_out_with_a_clear_page() {
    let app = TestApp::start_with(
        motcua_store::Backend::Sqlite,
        |mut c| {
            c.request_timeout_secs = 1;
            c
        },
        motcua_web::ExtraRoutes::public_get(
            axum::Router::new().route(
                "/test/stuck",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "muộn"
                }),
            ),
            &["/test/stuck"],
        ),
    )
    .await;
    let response = reqwest::get(app.url("/test/stuck")).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Yêu cầu quá thời gian")
    );
}

async fn boom() -> &'static str {
    panic!("secret internal detail")
}

#[tokio::test]
async fn errors_become_vietnamese_pages_or_json() {
    let app = TestApp::start_with(
        motcua_store::Backend::Sqlite,
        |c| c,
        motcua_web::ExtraRoutes::public_get(
            axum::Router::new()
                .route("/test/panic", get(boom))
                .route("/api/v1/test/panic", get(boom)),
            &["/test/panic", "/api/v1/test/panic"],
        ),
    )
    .await;
    let page = reqwest::get(app.url("/khong-ton-tai")).await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let id = page.headers()["x-request-id"].to_str().unwrap().to_string();
    let html = page.text().await.unwrap();
    assert!(html.contains("Không tìm thấy trang"));
    assert!(html.contains(&id), "the page shows the request id");

    let api = reqwest::get(app.url("/api/v1/khong-ton-tai"))
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");

    let crash = reqwest::get(app.url("/test/panic")).await.unwrap();
    assert_eq!(crash.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let html = crash.text().await.unwrap();
    assert!(html.contains("Hệ thống đang gặp sự cố"));
    assert!(
        !html.contains("secret internal detail"),
        "internals never leak"
    );
    let crash = reqwest::get(app.url("/api/v1/test/panic")).await.unwrap();
    assert_eq!(crash.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: serde_json::Value = crash.json().await.unwrap();
    assert_eq!(body["error"]["code"], "internal");
    assert!(!body.to_string().contains("secret"));
    // The server is still up after a panic.
    assert_eq!(
        reqwest::get(app.url("/healthz")).await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_clearly() {
    let app = TestApp::start_with(
        motcua_store::Backend::Sqlite,
        |mut c| {
            c.max_body_mb = 1;
            c
        },
        motcua_web::ExtraRoutes::default(),
    )
    .await;
    let response = reqwest::Client::new()
        .post(app.url("/"))
        .body(vec![b'x'; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Dữ liệu gửi lên quá lớn")
    );
}

#[tokio::test]
async fn readiness_reports_an_unusable_data_directory() {
    use std::os::unix::fs::PermissionsExt;
    for backend in backends() {
        let app = TestApp::start(backend).await;
        assert_eq!(
            reqwest::get(app.url("/healthz")).await.unwrap().status(),
            StatusCode::OK
        );
        let ready = reqwest::get(app.url("/readyz")).await.unwrap();
        assert_eq!(ready.status(), StatusCode::OK);
        let body: serde_json::Value = ready.json().await.unwrap();
        assert_eq!(body["status"], "ready");

        let files = app.db.data_dir.path().join("files");
        let mode = |path: &std::path::Path, m: u32| {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(m)).unwrap()
        };
        mode(&files, 0o000);
        let not_ready = reqwest::get(app.url("/readyz")).await.unwrap();
        let details = reqwest::get(format!("{}/readyz", app.metrics))
            .await
            .unwrap();
        mode(&files, 0o755);
        assert_eq!(
            not_ready.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "{backend:?}"
        );
        // The public answer gives no reasons; the metrics listener does.
        let body: serde_json::Value = not_ready.json().await.unwrap();
        assert_eq!(body, serde_json::json!({"status": "unavailable"}));
        assert_eq!(details.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body: serde_json::Value = details.json().await.unwrap();
        assert!(
            body["storage"].as_str().unwrap().contains("mode 000"),
            "{body}"
        );

        if backend == motcua_store::Backend::Sqlite {
            let data = app.db.data_dir.path();
            mode(data, 0o000);
            let not_ready = reqwest::get(app.url("/readyz")).await.unwrap();
            let details = reqwest::get(format!("{}/readyz", app.metrics))
                .await
                .unwrap();
            mode(data, 0o755);
            assert_eq!(not_ready.status(), StatusCode::SERVICE_UNAVAILABLE);
            let body: serde_json::Value = details.json().await.unwrap();
            assert!(
                body["database"].as_str().unwrap().contains("mode 000"),
                "{body}"
            );
        }
        assert_eq!(
            reqwest::get(app.url("/readyz")).await.unwrap().status(),
            StatusCode::OK,
            "recovers"
        );
    }
}

#[tokio::test]
async fn metrics_are_served_on_their_own_listener() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        reqwest::get(app.url("/")).await.unwrap();
        reqwest::get(app.url("/khong-ton-tai")).await.unwrap();
        let text = reqwest::get(format!("{}/metrics", app.metrics))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            text.contains(r#"http_requests_total{method="GET",route="/",status="200"}"#),
            "{text}"
        );
        assert!(text.contains(r#"route="unmatched",status="404""#));
        assert!(text.contains("http_request_duration_seconds_bucket"));
        assert!(text.contains(&format!(
            "db_pool_connections{{state=\"idle\",backend=\"{}\"}}",
            backend.as_str()
        )));
        // Any method token is valid HTTP; labels stay bounded all the same.
        let odd = reqwest::Client::new()
            .request(
                reqwest::Method::from_bytes(b"FROBNICATE").unwrap(),
                app.url("/api/v1/procedures"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(odd.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert!(
            odd.text()
                .await
                .unwrap()
                .contains("Thao tác không được hỗ trợ")
        );
        let text = reqwest::get(format!("{}/metrics", app.metrics))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            text.contains(r#"method="OTHER""#) && !text.contains("FROBNICATE"),
            "{text}"
        );
        // The public listener does not expose them.
        assert_eq!(
            reqwest::get(app.url("/metrics")).await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn graceful_shutdown_lets_an_in_flight_request_finish() {
    let mut app = TestApp::start_with(
        motcua_store::Backend::Sqlite,
        |c| c,
        motcua_web::ExtraRoutes::public_get(
            axum::Router::new().route(
                "/test/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_millis(1500)).await;
                    "xong"
                }),
            ),
            &["/test/slow"],
        ),
    )
    .await;
    let url = app.url("/test/slow");
    let in_flight = tokio::spawn(async move { reqwest::get(url).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    app.shutdown().await;
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "shutdown waited for the request"
    );
    let response = in_flight
        .await
        .unwrap()
        .expect("the in-flight request completes");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "xong");
    // After shutdown nothing listens any more.
    assert!(reqwest::get(app.url("/healthz")).await.is_err());
}
