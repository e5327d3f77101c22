//! Browser tests: Debian's Chromium driven over WebDriver (chromedriver + fantoccini).
//!
//! Without Chromium they print that they were skipped; with MOTCUA_REQUIRE_BROWSER=1
//! they fail instead. Screenshots are saved under `target/screenshots/`.

mod common;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::TestApp;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;

/// Flags Chromium needs on this kind of machine (sandboxless root, no network).
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
];

fn find(candidates: &[&str]) -> Option<PathBuf> {
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .or_else(|| {
            let path = std::env::var_os("PATH")?;
            std::env::split_paths(&path)
                .flat_map(|dir| candidates.iter().map(move |c| dir.join(c)))
                .find(|p| p.is_file())
        })
}

/// A chromedriver process and a browser session, cleaned up when dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Starts a browser with a viewport of `width` × `height`, or explains why not.
async fn browser(width: u32, height: u32) -> Option<Browser> {
    let required = std::env::var("MOTCUA_REQUIRE_BROWSER").as_deref() == Ok("1");
    let driver_path = find(&["/usr/bin/chromedriver", "chromedriver"]);
    let chromium_path = find(&["/usr/bin/chromium", "chromium", "chromium-browser"]);
    let (Some(driver_path), Some(chromium_path)) = (driver_path, chromium_path) else {
        assert!(
            !required,
            "MOTCUA_REQUIRE_BROWSER=1 but chromium or chromedriver is not installed"
        );
        eprintln!(
            "skipped: browser test needs chromium and chromium-driver (apt-get install chromium chromium-driver)"
        );
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Command::new(driver_path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let profile = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
    args.push(format!("--window-size={width},{height}"));
    args.push(format!("--user-data-dir={}", profile.path().display()));
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": chromium_path, "args": args }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let mut last_error = None;
    for _ in 0..50 {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                fit_viewport(&client, width, height).await;
                return Some(Browser {
                    client,
                    driver,
                    _profile: profile,
                });
            }
            Err(e) => {
                last_error = Some(e);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("cannot start a browser session: {last_error:?}");
}

/// Resizes the window so that the page's viewport (not the window) is `width` × `height`.
async fn fit_viewport(client: &Client, width: u32, height: u32) {
    client.set_window_size(width, height).await.unwrap();
    let inner = client
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await
        .unwrap();
    let extra = |i: usize, want: u32| {
        want + want.saturating_sub(inner[i].as_u64().unwrap_or(u64::from(want)) as u32)
    };
    client
        .set_window_size(extra(0, width), extra(1, height))
        .await
        .unwrap();
}

/// Runs `script` every 100 ms (for up to 5 s, errors as null: a page may be loading)
/// until `done` holds for its result; returns the last result.
async fn poll(
    client: &Client,
    script: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let mut value = serde_json::Value::Null;
    for _ in 0..50 {
        value = client.execute(script, vec![]).await.unwrap_or_default();
        if done(&value) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    value
}

fn non_empty(value: &serde_json::Value) -> bool {
    value.as_array().is_some_and(|a| !a.is_empty())
}

/// Saves what the browser shows as `target/screenshots/NAME`.
async fn save_screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    assert_eq!(&png[1..4], b"PNG");
    std::fs::write(screenshot_path(name), png).unwrap();
}

fn screenshot_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[tokio::test]
async fn home_page_on_a_360px_phone() {
    let Some(browser) = browser(360, 740).await else {
        return;
    };
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let client = &browser.client;
    client.goto(&app.url("/")).await.unwrap();
    let title = client.title().await.unwrap();
    assert!(title.contains("Cổng dịch vụ công trực tuyến"), "{title}");

    // The page fits the phone: no sideways scrolling, and the stylesheet applied.
    let layout = client
        .execute(
            "return { width: document.documentElement.scrollWidth, viewport: window.innerWidth, \
             header: getComputedStyle(document.querySelector('.site-header')).backgroundColor, \
             h1: document.querySelector('h1').textContent };",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(layout["viewport"], 360, "{layout}");
    let height = client
        .execute("return window.innerHeight;", vec![])
        .await
        .unwrap();
    assert_eq!(height, 740);
    assert!(
        layout["width"].as_u64().unwrap() <= 360,
        "horizontal overflow: {layout}"
    );
    assert_eq!(
        layout["header"], "rgb(11, 79, 138)",
        "the stylesheet is applied (CSP allows it)"
    );
    assert!(layout["h1"].as_str().unwrap().contains("trực tuyến"));

    save_screenshot(client, "home-360x740.png").await;

    // The 404 page too.
    client.goto(&app.url("/khong-co-trang-nay")).await.unwrap();
    save_screenshot(client, "404-360x740.png").await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn catalog_pages_on_a_360px_phone() {
    let Some(browser) = browser(360, 740).await else {
        return;
    };
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let client = &browser.client;
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth;";

    client
        .goto(&app.url("/thu-tuc?q=dang+ky+khai+sinh"))
        .await
        .unwrap();
    let first = client
        .execute(
            "return document.querySelector('.result-name').textContent;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(first, "Đăng ký khai sinh");
    assert_eq!(
        client.execute(fits, vec![]).await.unwrap(),
        true,
        "results fit 360 px"
    );
    save_screenshot(client, "catalog-results-360x740.png").await;

    client.goto(&app.url("/thu-tuc/1.001193")).await.unwrap();
    assert_eq!(
        client.execute(fits, vec![]).await.unwrap(),
        true,
        "the procedure page fits 360 px"
    );
    save_screenshot(client, "procedure-360x740.png").await;
    // Further down: documents and the per-channel times and fees.
    client
        .execute(
            "document.getElementById('thoi-han').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    save_screenshot(client, "procedure-fees-360x740.png").await;

    // Suggestions as you type fill the datalist (progressive enhancement).
    client.goto(&app.url("/thu-tuc")).await.unwrap();
    let input = client.find(fantoccini::Locator::Id("q")).await.unwrap();
    input.send_keys("dang ky k").await.unwrap();
    let options = poll(
        client,
        "return Array.from(document.querySelectorAll('#goi-y option')).map(o => o.value);",
        non_empty,
    )
    .await;
    assert!(
        options
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o == "Đăng ký khai sinh"),
        "{options}"
    );
    browser.client.clone().close().await.unwrap();
}

/// Types a demo account's sign-in into the open sign-in form.
async fn fill_sign_in(client: &Client, identifier: &str) {
    for (field, value) in [("dinh_danh", identifier), ("mat_khau", "Demo@2026")] {
        client
            .find(fantoccini::Locator::Id(field))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn sign_in_on_a_360px_phone() {
    let Some(browser) = browser(360, 740).await else {
        return;
    };
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let client = &browser.client;
    client.goto(&app.url("/dang-nhap")).await.unwrap();
    fill_sign_in(client, "056090001234").await;
    save_screenshot(client, "sign-in-360x740.png").await;
    client
        .find(fantoccini::Locator::Css("form.form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The Secure session cookie works on http://127.0.0.1: the account page shows.
    // Poll by script: an element found before the navigation would go stale.
    let heading = poll(
        client,
        "return location.pathname === '/tai-khoan' ? document.querySelector('h1').textContent : '';",
        |v| v == "Nguyễn Văn An",
    )
    .await;
    assert_eq!(heading, "Nguyễn Văn An");
    save_screenshot(client, "account-360x740.png").await;
    // An official is asked to enrol a second factor after the password.
    client.goto(&app.url("/tai-khoan")).await.unwrap();
    client
        .find(fantoccini::Locator::Css("form[action='/dang-xuat'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    client.goto(&app.url("/dang-nhap")).await.unwrap();
    fill_sign_in(client, "tiepnhan@nhatrang.example").await;
    client
        .find(fantoccini::Locator::Css("form.form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let path = poll(client, "return location.pathname;", |v| {
        v == "/dang-nhap/thiet-lap-xac-thuc"
    })
    .await;
    assert_eq!(path, "/dang-nhap/thiet-lap-xac-thuc");
    save_screenshot(client, "second-factor-enrol-360x740.png").await;
    browser.client.clone().close().await.unwrap();
}

/// The procedure editor of agency administrators, and its field errors, at 360 px.
#[tokio::test]
async fn procedure_editor_on_a_360px_phone() {
    let Some(browser) = browser(360, 740).await else {
        return;
    };
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let db = app.db.connect().await;
    let (visitor, _) =
        common::visitor::minted_session(&app, &db, "quantri@nhatrang.example", true).await;
    let client = &browser.client;
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth;";
    client.goto(&app.url("/")).await.unwrap();
    // The minted session, given to the browser as signing in would.
    client
        .execute(
            "document.cookie = 'motcua_sid=' + arguments[0] + '; path=/';",
            vec![serde_json::json!(visitor.cookie.unwrap())],
        )
        .await
        .unwrap();

    client
        .goto(&app.url("/quan-tri/thu-tuc/1.001193/sua"))
        .await
        .unwrap();
    assert_eq!(
        client.execute(fits, vec![]).await.unwrap(),
        true,
        "the editor fits 360 px"
    );
    save_screenshot(client, "procedure-editor-360x740.png").await;

    // A fee typed in words is refused next to its field.
    let amount = client
        .find(fantoccini::Locator::Id("online_phi_muc-0"))
        .await
        .unwrap();
    amount.clear().await.unwrap();
    amount.send_keys("mười nghìn").await.unwrap();
    client
        .find(fantoccini::Locator::Css("form.form button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let errors = poll(
        client,
        "return Array.from(document.querySelectorAll('.field-error')).map(e => e.textContent);",
        non_empty,
    )
    .await;
    assert_eq!(
        errors,
        serde_json::json!(["nhập số tiền bằng chữ số, ví dụ 8.000"])
    );
    assert_eq!(client.execute(fits, vec![]).await.unwrap(), true);
    save_screenshot(client, "procedure-editor-errors-360x740.png").await;
    client
        .execute(
            "document.getElementById('online_phi_muc-0').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .unwrap();
    save_screenshot(client, "procedure-editor-fee-error-360x740.png").await;
    browser.client.clone().close().await.unwrap();
}

/// The profile, the API token page and password reset at 360 px: nothing wider than
/// the screen, and a token created through the form is shown once.
#[tokio::test]
async fn account_pages_on_a_360px_phone() {
    let Some(browser) = browser(360, 740).await else {
        return;
    };
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let client = &browser.client;
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth;";
    client.goto(&app.url("/quen-mat-khau")).await.unwrap();
    assert_eq!(client.execute(fits, vec![]).await.unwrap(), true);
    save_screenshot(client, "password-reset-360x740.png").await;

    client.goto(&app.url("/dang-nhap")).await.unwrap();
    fill_sign_in(client, "056090001234").await;
    client
        .find(fantoccini::Locator::Css("form.form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    poll(client, "return location.pathname;", |v| v == "/tai-khoan").await;
    client.goto(&app.url("/tai-khoan/ho-so")).await.unwrap();
    client
        .execute(
            "document.getElementById('dia_chi').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(client.execute(fits, vec![]).await.unwrap(), true);
    save_screenshot(client, "profile-360x740.png").await;

    client.goto(&app.url("/tai-khoan/khoa-api")).await.unwrap();
    client
        .find(fantoccini::Locator::Id("ten"))
        .await
        .unwrap()
        .send_keys("Phần mềm kế toán")
        .await
        .unwrap();
    client
        .find(fantoccini::Locator::Css("input[value='account:read']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(fantoccini::Locator::Id("mat_khau"))
        .await
        .unwrap()
        .send_keys(common::visitor::PASSWORD)
        .await
        .unwrap();
    client
        .execute(
            "document.querySelector('fieldset.choices').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    save_screenshot(client, "api-tokens-form-360x740.png").await;
    client
        .find(fantoccini::Locator::Css("form.form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let secret = poll(
        client,
        "const k = document.getElementById('khoa-moi'); return k ? k.textContent : '';",
        |v| v.as_str().is_some_and(|s| s.starts_with("mct_")),
    )
    .await;
    assert!(secret.as_str().unwrap().starts_with("mct_"));
    assert_eq!(client.execute(fits, vec![]).await.unwrap(), true);
    save_screenshot(client, "api-tokens-360x740.png").await;
    browser.client.clone().close().await.unwrap();
}

/// Sets a field by id as a person would, and tells the page (change event).
async fn set_value(client: &Client, id: &str, value: &str) {
    client
        .execute(
            "const el = document.getElementById(arguments[0]); el.value = arguments[1]; \
             el.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![id.into(), value.into()],
        )
        .await
        .unwrap_or_else(|e| panic!("set {id}: {e}"));
}

/// Clicks the choice `value` of the radio group or checkbox `name`.
async fn choose(client: &Client, name: &str, value: &str) {
    client
        .find(fantoccini::Locator::Css(&format!(
            "input[name='{name}'][value='{value}']"
        )))
        .await
        .unwrap_or_else(|e| panic!("choice {name}={value}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Puts a small PDF in the file input `input`, clicks `button`, and waits until
/// `count_script` (returning a number) gives 1: the uploaded file is listed.
async fn upload_pdf(client: &Client, input: &str, button: &str, count_script: &str) {
    let file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(file.path(), b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n").unwrap();
    client
        .find(fantoccini::Locator::Id(input))
        .await
        .unwrap()
        .send_keys(&file.path().display().to_string())
        .await
        .unwrap();
    client
        .find(fantoccini::Locator::Css(button))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let listed = poll(client, count_script, |v| v.as_u64() == Some(1)).await;
    assert_eq!(listed, 1, "the uploaded file is listed");
}

/// Clicks the button and waits until the page's path satisfies `arrived`.
async fn click_and_wait(client: &Client, css: &str, arrived: impl Fn(&str) -> bool) -> String {
    client
        .find(fantoccini::Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
    let path = poll(client, "return location.pathname;", |v| {
        v.as_str().is_some_and(&arrived)
    })
    .await;
    path.as_str().unwrap_or_default().to_string()
}

/// The whole journey at 360 × 740: search without diacritics, the procedure, the
/// e-form with an address (communes loaded for the chosen province), an attachment,
/// the review, submission, the confirmation with its receipt PDF, and "My dossiers"
/// counting the dossier as submitted. No page is wider than the screen.
#[tokio::test]
async fn filing_a_birth_registration_on_a_360px_phone() {
    let Some(browser) = browser(360, 740).await else {
        return;
    };
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let db = app.db.connect().await;
    let nha_trang = db
        .agency_by_code("000.01.66.H34")
        .await
        .unwrap()
        .unwrap()
        .id;
    let client = &browser.client;
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth;";
    let check_fits = |name: &'static str| async move {
        assert_eq!(
            client.execute(fits, vec![]).await.unwrap(),
            true,
            "{name} is wider than the screen"
        );
    };
    client.goto(&app.url("/dang-nhap")).await.unwrap();
    fill_sign_in(client, "056090001234").await;
    click_and_wait(client, "form.form button", |p| p == "/tai-khoan").await;

    client
        .goto(&app.url("/thu-tuc?q=dang+ky+khai+sinh"))
        .await
        .unwrap();
    click_and_wait(client, "a[href='/thu-tuc/1.001193']", |p| {
        p == "/thu-tuc/1.001193"
    })
    .await;
    click_and_wait(client, "a[href='/thu-tuc/1.001193/nop-truc-tuyen']", |p| {
        p.ends_with("/nop-truc-tuyen")
    })
    .await;
    set_value(client, "co_quan", &nha_trang.to_string()).await;
    let step = click_and_wait(client, "form.form button.primary", |p| {
        p.ends_with("/buoc/nguoi_yeu_cau")
    })
    .await;
    let base = step.trim_end_matches("/buoc/nguoi_yeu_cau").to_string();

    // The address: choosing the province loads its communes.
    set_value(client, "noi_cu_tru.province", "56").await;
    let loaded = poll(
        client,
        "return document.querySelector(\"#noi_cu_tru\\\\.commune option[value='22366']\") !== null;",
        |v| v == &serde_json::Value::Bool(true),
    )
    .await;
    assert_eq!(loaded, true, "the communes of Khánh Hòa are offered");
    set_value(client, "noi_cu_tru.commune", "22366").await;
    set_value(client, "noi_cu_tru.street", "12 Trần Phú").await;
    choose(client, "quan_he", "Cha").await;
    check_fits("step 1").await;
    save_screenshot(client, "eform-step-360x740.png").await;
    click_and_wait(client, "button[value='next']", |p| p.ends_with("/buoc/tre")).await;

    for (id, value) in [
        ("tre_ho_ten", "Nguyễn Minh Khang"),
        ("tre_ngay_sinh", "2026-11-20"),
        ("tre_noi_sinh", "Bệnh viện Đa khoa tỉnh Khánh Hòa"),
        ("tre_noi_sinh_dia_gioi.street", "19 Yersin"),
        ("tre_dan_toc", "Kinh"),
        ("tre_quoc_tich", "Việt Nam"),
    ] {
        set_value(client, id, value).await;
    }
    set_value(client, "tre_noi_sinh_dia_gioi.province", "56").await;
    poll(
        client,
        "return document.querySelector(\"#tre_noi_sinh_dia_gioi\\\\.commune option[value='22366']\") !== null;",
        |v| v == &serde_json::Value::Bool(true),
    )
    .await;
    set_value(client, "tre_noi_sinh_dia_gioi.commune", "22366").await;
    choose(client, "tre_gioi_tinh", "Nam").await;
    choose(
        client,
        "hoan_canh",
        "Sinh tại cơ sở y tế, có giấy chứng sinh",
    )
    .await;
    click_and_wait(client, "button[value='next']", |p| {
        p.ends_with("/buoc/cha_me")
    })
    .await;

    for (id, value) in [
        ("me_ho_ten", "Trần Thị Mai"),
        ("me_nam_sinh", "1995"),
        ("me_dan_toc", "Kinh"),
    ] {
        set_value(client, id, value).await;
    }
    // Ticking the box shows the father's fields at once.
    choose(client, "co_thong_tin_cha", "1").await;
    let shown = poll(
        client,
        "return !document.getElementById('f-cha_ho_ten').hidden;",
        |v| v == &serde_json::Value::Bool(true),
    )
    .await;
    assert_eq!(shown, true);
    set_value(client, "cha_ho_ten", "Nguyễn Văn An").await;
    set_value(client, "cha_nam_sinh", "1990").await;
    set_value(client, "cha_dan_toc", "Kinh").await;
    click_and_wait(client, "button[value='next']", |p| p.ends_with("/giay-to")).await;

    // Attach the birth certificate (a PDF scan).
    let scan = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(
        scan.path(),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    )
    .unwrap();
    let slot = client
        .execute(
            "const h = Array.from(document.querySelectorAll('.slot h2')).find(h => h.textContent.startsWith('Giấy chứng sinh')); \
             return h.parentElement.id.replace('giay-to-', '');",
            vec![],
        )
        .await
        .unwrap();
    let slot = slot.as_str().unwrap().to_string();
    client
        .find(fantoccini::Locator::Id(&format!("tep-{slot}")))
        .await
        .unwrap()
        .send_keys(&scan.path().display().to_string())
        .await
        .unwrap();
    check_fits("documents").await;
    client
        .find(fantoccini::Locator::Css(&format!(
            "#giay-to-{slot} form.upload button"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let attached = poll(
        client,
        &format!(
            "const s = document.getElementById('giay-to-{slot}'); return s ? s.textContent : '';"
        ),
        |v| v.as_str().is_some_and(|t| t.contains(".pdf")),
    )
    .await;
    assert!(attached.as_str().unwrap().contains(".pdf"), "{attached}");
    save_screenshot(client, "documents-360x740.png").await;

    client
        .goto(&app.url(&format!("{base}/kiem-tra")))
        .await
        .unwrap();
    check_fits("review").await;
    save_screenshot(client, "review-360x740.png").await;
    let confirmation =
        click_and_wait(client, "button[data-once]", |p| p.ends_with("/da-nop")).await;
    assert!(
        confirmation.starts_with("/ho-so/000.01.66.H34-"),
        "{confirmation}"
    );
    check_fits("confirmation").await;
    save_screenshot(client, "submitted-360x740.png").await;
    let receipt = client
        .execute(
            "const a = document.querySelector(\"a[href$='bien-nhan.pdf']\"); \
             return fetch(a.href).then(r => r.headers.get('content-type') + ' ' + r.status);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(receipt, "application/pdf 200");

    client.goto(&app.url("/ho-so")).await.unwrap();
    let submitted = client
        .execute(
            "return document.querySelector(\"[data-state='submitted'] .count\").textContent;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(submitted, "1");
    check_fits("my dossiers").await;
    save_screenshot(client, "my-dossiers-360x740.png").await;
    browser.client.clone().close().await.unwrap();
}

/// Answering a supplementation request on a 360 px phone: the request is shown, the
/// missing document is uploaded, the marked answer corrected, and the dossier goes back
/// to the reception desk.
#[tokio::test]
async fn answering_a_supplementation_request_on_a_360px_phone() {
    let Some(browser) = browser(360, 740).await else {
        return;
    };
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let db = app.db.connect().await;
    // A dossier filed earlier, then a request from the desk (the back office's part).
    let an = db
        .account_by_citizen_id("056090001234")
        .await
        .unwrap()
        .unwrap();
    let agency = db.agency_by_code("000.01.66.H34").await.unwrap().unwrap();
    let version = db.current_procedure("1.001193").await.unwrap().unwrap();
    let draft = db
        .create_draft(&motcua_store::drafts::NewDraft {
            account_id: an.id,
            created_by: an.id,
            assisted_by: None,
            procedure_version_id: version.version_id,
            agency_id: agency.id,
            answers: "{}",
            first_step: "nguoi_yeu_cau",
            ttl_micros: 3_600_000_000,
        })
        .await
        .unwrap();
    let (dossier, _) = db
        .submit_draft(
            draft.id,
            &motcua_store::drafts::Submission {
                agency_code: &agency.code,
                day: "261125",
                state: "submitted",
                form_data: r#"{"ho_ten":"Nguyễn Văn An","tre_ho_ten":"Nguyen Minh Khang","me_ho_ten":"Trần Thị Mai"}"#,
                channel: "online",
                actor_id: an.id,
                event_data: "{}",
            },
        )
        .await
        .unwrap();
    db.append_dossier_event(
        dossier.id,
        dossier.version,
        &motcua_store::dossiers::EventInput {
            actor_id: None,
            action: "request_supplement",
            to_state: "awaiting_supplementation",
            note: "Tên của trẻ cần viết có dấu như giấy chứng sinh.",
            data: r#"{"missing_items":["Giấy chứng sinh, chụp rõ nét"],"fields":["tre_ho_ten"]}"#,
        },
    )
    .await
    .unwrap();

    let client = &browser.client;
    client.goto(&app.url("/dang-nhap")).await.unwrap();
    fill_sign_in(client, "056090001234").await;
    click_and_wait(client, "form.form button", |p| p == "/tai-khoan").await;
    client
        .goto(&app.url(&format!("/ho-so/{}", dossier.code)))
        .await
        .unwrap();
    click_and_wait(
        client,
        &format!("a[href='/ho-so/{}/bo-sung']", dossier.code),
        |p| p.ends_with("/bo-sung"),
    )
    .await;
    save_screenshot(client, "supplement-360x740.png").await;
    set_value(client, "khe", "3").await;
    upload_pdf(
        client,
        "tep",
        "form.upload button",
        "return document.querySelectorAll('.attached li').length;",
    )
    .await;
    set_value(client, "tre_ho_ten", "Nguyễn Minh Khang").await;
    assert_eq!(
        client
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth;",
                vec![]
            )
            .await
            .unwrap(),
        true
    );
    let back = click_and_wait(client, "form.eform button[data-once]", |p| {
        !p.ends_with("/bo-sung")
    })
    .await;
    assert_eq!(back, format!("/ho-so/{}", dossier.code));
    let state = client
        .execute(
            "return document.querySelector('.state-badge').textContent;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(state, "Đã nộp, chờ tiếp nhận");
    save_screenshot(client, "supplemented-360x740.png").await;
    let saved = db.dossier(dossier.id).await.unwrap();
    assert!(saved.form_data.contains("Nguyễn Minh Khang"));
    browser.client.clone().close().await.unwrap();
}

/// Puts the browser in the session of `token` (a session minted for a person).
async fn become_person(client: &Client, app: &TestApp, token: &str) {
    client.goto(&app.url("/")).await.unwrap();
    client.delete_all_cookies().await.unwrap();
    // Set from the page: WebDriver refuses cookie domains that are IP addresses.
    client
        .execute(
            "document.cookie = 'motcua_sid=' + arguments[0] + '; path=/';",
            vec![token.into()],
        )
        .await
        .unwrap();
}

/// The state badge of the dossier page now shown.
async fn badge(client: &Client) -> String {
    client
        .execute(
            "return document.querySelector('.state-badge').textContent;",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn fits(client: &Client, what: &str) {
    let fits = client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fits, true, "{what} is wider than the screen");
}

/// Clicks the button of an action and waits for the dossier to reach `state`.
async fn act_and_see(client: &Client, css: &str, state: &str) {
    client
        .find(fantoccini::Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
    let shown = poll(
        client,
        "const b = document.querySelector('.state-badge'); return b ? b.textContent : null;",
        |v| v.as_str() == Some(state),
    )
    .await;
    assert_eq!(shown, state, "after {css}");
}

/// Opens the `<details>` of an action on the back-office dossier page.
async fn open_action(client: &Client, action: &str) {
    client
        .find(fantoccini::Locator::Css(&format!(
            "details[data-action='{action}'] summary"
        )))
        .await
        .unwrap_or_else(|e| panic!("action {action}: {e}"))
        .click()
        .await
        .unwrap();
}

/// The back office and the citizen at 360 × 740: the desk asks for more, the citizen
/// supplements, the desk receives and hands over, the specialist attaches the result
/// and submits it, the leader approves, the desk returns it electronically, and the
/// citizen, who saw every state change, downloads it.
#[tokio::test]
async fn a_dossier_through_the_back_office_on_a_360px_phone() {
    let Some(browser) = browser(360, 740).await else {
        return;
    };
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let db = app.db.connect().await;
    let session = |who: &'static str, second: bool| {
        let (app, db) = (&app, &db);
        async move {
            common::visitor::minted_session(app, db, who, second)
                .await
                .0
                .cookie
                .unwrap()
        }
    };
    let an = session("an.nguyen@congdan.example", false).await;
    let binh = session("tiepnhan@nhatrang.example", true).await;
    let cuong = session("chuyenvien@nhatrang.example", true).await;
    let dung = session("lanhdao@nhatrang.example", true).await;
    // An's marital status certificate, submitted online.
    let draft = common::marital_draft(&db).await;
    let client = &browser.client;
    become_person(client, &app, &an).await;
    client
        .goto(&app.url(&format!("/ho-so-nhap/{}/kiem-tra", draft.public_id)))
        .await
        .unwrap();
    let done = click_and_wait(client, "form[action$='/nop'] button", |p| {
        p.ends_with("/da-nop")
    })
    .await;
    let code = done
        .trim_start_matches("/ho-so/")
        .trim_end_matches("/da-nop")
        .to_string();
    let dossier_page = format!("/ho-so/{code}");
    let desk_page = format!("/can-bo/ho-so/{code}");

    // The desk finds it first in the queue and asks for more, listing everything.
    become_person(client, &app, &binh).await;
    client.goto(&app.url("/can-bo/ho-so")).await.unwrap();
    fits(client, "the queue").await;
    save_screenshot(client, "desk-queue-360x740.png").await;
    click_and_wait(client, &format!("a[href='{desk_page}']"), |p| {
        p == desk_page
    })
    .await;
    fits(client, "the back-office dossier").await;
    open_action(client, "request_supplement").await;
    set_value(
        client,
        "danh_sach",
        "Ảnh chụp thẻ căn cước rõ nét cả hai mặt",
    )
    .await;
    choose(client, "truong", "muc_dich").await;
    save_screenshot(client, "desk-request-360x740.png").await;
    act_and_see(
        client,
        "details[data-action='request_supplement'] button.primary",
        "Chờ bổ sung hồ sơ",
    )
    .await;

    // The citizen sees it, and answers.
    become_person(client, &app, &an).await;
    client.goto(&app.url(&dossier_page)).await.unwrap();
    assert_eq!(badge(client).await, "Chờ bổ sung hồ sơ");
    click_and_wait(client, &format!("a[href='{dossier_page}/bo-sung']"), |p| {
        p.ends_with("/bo-sung")
    })
    .await;
    choose(client, "muc_dich", "Để mua bán, chuyển nhượng tài sản").await;
    click_and_wait(client, "form.eform button[data-once]", |p| {
        p == dossier_page
    })
    .await;
    assert_eq!(badge(client).await, "Đã nộp, chờ tiếp nhận");

    // The desk receives it (form 01) and hands it to the specialist.
    become_person(client, &app, &binh).await;
    client.goto(&app.url(&desk_page)).await.unwrap();
    open_action(client, "receive").await;
    act_and_see(
        client,
        "details[data-action='receive'] button.primary",
        "Đã tiếp nhận",
    )
    .await;
    let cuong_id = db
        .account_for_sign_in("chuyenvien@nhatrang.example")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    set_value(client, "giao_cho", &cuong_id.to_string()).await;
    act_and_see(
        client,
        "form input[value='pass_on'] ~ button.primary",
        "Đang xử lý",
    )
    .await;

    become_person(client, &app, &an).await;
    client.goto(&app.url(&dossier_page)).await.unwrap();
    assert_eq!(badge(client).await, "Đang xử lý");
    let form01 = client
        .execute(
            "return !!document.querySelector(\"a[href$='/mau/01.pdf']\");",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(form01, true, "the citizen has form 01");

    // The specialist attaches the result and submits it to the leader.
    become_person(client, &app, &cuong).await;
    client.goto(&app.url(&desk_page)).await.unwrap();
    set_value(client, "ten_kq", "Giấy xác nhận tình trạng hôn nhân").await;
    upload_pdf(
        client,
        "tep_kq",
        "form[action$='/ket-qua'] button",
        "return document.querySelectorAll(\"section[aria-labelledby='ket-qua'] ul a\").length;",
    )
    .await;
    save_screenshot(client, "desk-specialist-360x740.png").await;
    act_and_see(
        client,
        "form input[value='pass_on'] ~ button.primary",
        "Chờ phê duyệt",
    )
    .await;

    // The leader approves; the desk returns it electronically.
    become_person(client, &app, &dung).await;
    client.goto(&app.url(&desk_page)).await.unwrap();
    act_and_see(
        client,
        "form input[value='pass_on'] ~ button.primary",
        "Đã có kết quả, chờ trả",
    )
    .await;
    become_person(client, &app, &an).await;
    client.goto(&app.url(&dossier_page)).await.unwrap();
    assert_eq!(badge(client).await, "Đã có kết quả, chờ trả");
    become_person(client, &app, &binh).await;
    client.goto(&app.url(&desk_page)).await.unwrap();
    open_action(client, "return_result").await;
    choose(client, "hinh_thuc", "electronic").await;
    act_and_see(
        client,
        "details[data-action='return_result'] button.primary",
        "Đã trả kết quả",
    )
    .await;
    fits(client, "the returned dossier").await;
    save_screenshot(client, "desk-returned-360x740.png").await;

    // The desk's other pages, and the workflow editor, fit the phone too.
    for (path, shot) in [
        ("/can-bo/tiep-nhan-truc-tiep", "desk-counter-360x740.png"),
        ("/can-bo/so-theo-doi", "desk-register-360x740.png"),
    ] {
        client.goto(&app.url(path)).await.unwrap();
        fits(client, path).await;
        save_screenshot(client, shot).await;
    }
    let admin = session("quantri@nhatrang.example", true).await;
    become_person(client, &app, &admin).await;
    client
        .goto(&app.url("/quan-tri/quy-trinh/000.01.66.H34/1.004873"))
        .await
        .unwrap();
    fits(client, "the workflow editor").await;
    save_screenshot(client, "workflow-editor-360x740.png").await;

    // The citizen downloads the result.
    become_person(client, &app, &an).await;
    client.goto(&app.url(&dossier_page)).await.unwrap();
    assert_eq!(badge(client).await, "Đã trả kết quả");
    fits(client, "the citizen's dossier").await;
    save_screenshot(client, "citizen-result-360x740.png").await;
    let fetched = client
        .execute_async(
            "const done = arguments[0]; const a = document.querySelector(\"section[aria-labelledby='ket-qua'] a[href*='/ket-qua/']\"); \
             fetch(a.href).then(r => r.arrayBuffer().then(b => done([r.status, new TextDecoder().decode(b).slice(0, 8)])));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fetched, serde_json::json!([200, "%PDF-1.4"]));
    browser.client.clone().close().await.unwrap();
}
