//! The account-takeover and access holes of the security review, each shown closed
//! over HTTP against the real application (SQLite and PostgreSQL): see
//! `docs/security.md` for the list and the test of each item.

mod common;

use std::time::{Duration, Instant};

use common::visitor::{PASSWORD, Visitor, csrf_in, minted_session};
use common::{TestApp, backends, last_message_to, six_digits};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, COOKIE, LOCATION};

const CITIZEN: &str = "056090001234";
const CITIZEN_EMAIL: &str = "an.nguyen@congdan.example";
const CITIZEN_PHONE: &str = "+84905123456";
const RECEPTION: &str = "tiepnhan@nhatrang.example";
const VOLUNTEER: &str = "tinhnguyen@nhatrang.example";

async fn head(visitor: &Visitor, path: &str) -> reqwest::Response {
    let mut request = visitor.client.head(format!("{}{path}", visitor.base));
    if let Some(cookie) = &visitor.cookie {
        request = request.header(COOKIE, format!("motcua_sid={cookie}"));
    }
    request.send().await.unwrap()
}

/// An API token of the account, made as the token page makes it.
async fn token_of(db: &motcua_store::Db, identifier: &str) -> String {
    let (account, _) = db.account_for_sign_in(identifier).await.unwrap().unwrap();
    let (secret, _) = db
        .create_api_token(account.id, "tích hợp", &["account:read"], 3_600_000_000)
        .await
        .unwrap();
    secret
}

async fn token_works(app: &TestApp, secret: &str) -> bool {
    let response = common::raw_client()
        .get(app.url("/api/v1/me"))
        .header(AUTHORIZATION, format!("Bearer {secret}"))
        .send()
        .await
        .unwrap();
    match response.status() {
        StatusCode::OK => true,
        StatusCode::UNAUTHORIZED => false,
        other => panic!("unexpected {other}"),
    }
}

/// The newest message to `recipient` containing `words`, waiting for the notice
/// worker (it runs every second) up to 20 s.
async fn message_to(db: &motcua_store::Db, recipient: &str, words: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(body) = last_message_to(db, recipient).await
            && body.contains(words)
        {
            return body;
        }
        assert!(Instant::now() < deadline, "no message to {recipient}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn signed_in(visitor: &mut Visitor) -> bool {
    visitor.get("/tai-khoan").await.status() == StatusCode::OK
}

/// Item 4: HEAD is policed as GET, and a method without a rule is refused before any
/// handler runs.
#[tokio::test]
async fn head_requests_are_policed_as_get() {
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let anonymous = Visitor::new(&app);
    for path in [
        "/quan-tri/nhat-ky-bao-mat",
        "/tai-khoan",
        "/can-bo/ho-so",
        "/quan-tri/tu-dong-nghia",
    ] {
        let response = head(&anonymous, path).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "anonymous HEAD {path}"
        );
        assert!(
            response.headers()[LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/dang-nhap?tiep=")
        );
    }
    let db = app.db.connect().await;
    let (citizen, csrf) = minted_session(&app, &db, CITIZEN, false).await;
    assert_eq!(head(&citizen, "/tai-khoan").await.status(), StatusCode::OK);
    assert_eq!(
        head(&citizen, "/quan-tri/nhat-ky-bao-mat").await.status(),
        StatusCode::FORBIDDEN
    );
    // A method the route table has no rule for: refused, the handler never runs
    // (without a session the CSRF check refuses it first).
    let response = common::raw_client()
        .delete(app.url("/tai-khoan"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = common::raw_client()
        .delete(app.url("/tai-khoan"))
        .header(
            COOKIE,
            format!("motcua_sid={}", citizen.cookie.clone().unwrap()),
        )
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        response.headers()["allow"]
            .to_str()
            .unwrap()
            .contains("GET")
    );
}

/// Item 11: the page to return to after signing in is a path of this site, whatever a
/// browser would make of control characters in it.
#[tokio::test]
async fn signing_in_never_sends_the_visitor_to_another_site() {
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    for target in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/ /evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/%09/evil.example",
        "/\u{0}/evil.example",
    ] {
        let mut visitor = Visitor::new(&app);
        let csrf = visitor.csrf().await;
        let response = visitor
            .post(
                "/dang-nhap",
                &[
                    ("_csrf", &csrf),
                    ("dinh_danh", CITIZEN),
                    ("mat_khau", PASSWORD),
                    ("tiep", target),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{target:?}");
        let location = response.headers()[LOCATION].to_str().unwrap().to_string();
        let cleaned: String = location
            .chars()
            .filter(|c| !c.is_control() && *c != ' ')
            .collect();
        assert!(
            cleaned.starts_with('/') && !cleaned.starts_with("//") && !cleaned.contains('\\'),
            "{target:?} led to {location:?}"
        );
        if target.contains("evil") && !target.starts_with("/%09") {
            assert_eq!(location, "/tai-khoan", "{target:?}");
        }
    }
}

/// Item 12: signing out everywhere ends API tokens too, and a new token needs the
/// password typed again.
#[tokio::test]
async fn api_tokens_end_with_the_sessions_and_need_the_password() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let secret = token_of(&db, CITIZEN).await;
        assert!(token_works(&app, &secret).await, "{backend:?}");
        let mut visitor = Visitor::new(&app);
        visitor.sign_in(CITIZEN, PASSWORD).await;
        let html = visitor
            .get("/tai-khoan/khoa-api")
            .await
            .text()
            .await
            .unwrap();
        let csrf = csrf_in(&html);
        let ask = |password: &'static str| {
            vec![
                ("_csrf".to_string(), csrf.clone()),
                ("ten".to_string(), "Phần mềm kế toán".to_string()),
                ("pham_vi".to_string(), "account:read".to_string()),
                ("thoi_han".to_string(), "30".to_string()),
                ("mat_khau".to_string(), password.to_string()),
            ]
        };
        let without = visitor.post_pairs("/tai-khoan/khoa-api", &ask("")).await;
        assert_eq!(without.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(without.text().await.unwrap().contains("Nhập mật khẩu"));
        let wrong = visitor
            .post_pairs("/tai-khoan/khoa-api", &ask("sai-mat-khau"))
            .await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.text().await.unwrap().contains("Mật khẩu không đúng"));
        let made = visitor
            .post_pairs("/tai-khoan/khoa-api", &ask(PASSWORD))
            .await;
        assert_eq!(made.status(), StatusCode::CREATED, "{backend:?}");
        let html = made.text().await.unwrap();
        let marker = "id=\"khoa-moi\">";
        let start = html.find(marker).expect("the new secret is shown once") + marker.len();
        let second = html[start..start + html[start..].find('<').unwrap()].to_string();
        assert!(token_works(&app, &second).await);

        let response = visitor
            .post("/tai-khoan/dang-xuat-moi-noi", &[("_csrf", &csrf)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(!token_works(&app, &secret).await, "{backend:?}: old token");
        assert!(!token_works(&app, &second).await, "{backend:?}: new token");
        assert!(!signed_in(&mut visitor).await);
    }
}

/// The set-up code page as the counter sees it after opening `citizen_id`.
async fn open_at_counter(
    counter: &mut Visitor,
    csrf: &str,
    name: &str,
    citizen_id: &str,
    birth_year: &str,
) -> reqwest::Response {
    counter
        .post(
            "/quan-tri/mo-tai-khoan",
            &[
                ("_csrf", csrf),
                ("ho_ten", name),
                ("so_can_cuoc", citizen_id),
                ("nam_sinh", birth_year),
                ("so_dien_thoai", ""),
                ("da_kiem_tra", "1"),
            ],
        )
        .await
}

/// The set-up code shown on a counter page.
fn setup_code_in(html: &str) -> String {
    let start = html
        .find("<p class=\"setup-code\">")
        .expect("a set-up code");
    let rest = &html[start + "<p class=\"setup-code\">".len()..];
    rest[..rest.find('<').unwrap()].trim().to_string()
}

/// Item 1: a volunteer cannot reset an existing account; reception can, after checking
/// the ID card, and then the owner is told on every channel and the set-up ends every
/// session and token of the account.
#[tokio::test]
async fn counter_staff_cannot_quietly_take_over_an_account() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let mut owner = Visitor::new(&app);
        owner.sign_in(CITIZEN, PASSWORD).await;
        let secret = token_of(&db, CITIZEN).await;

        let (mut volunteer, csrf) = minted_session(&app, &db, VOLUNTEER, true).await;
        let response =
            open_at_counter(&mut volunteer, &csrf, "Nguyễn Văn An", CITIZEN, "1990").await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{backend:?}");
        let html = response.text().await.unwrap();
        assert!(
            !html.contains("<p class=\"setup-code\">"),
            "{backend:?}: no code for a volunteer"
        );
        assert!(html.contains("đã có tài khoản"), "{backend:?}");
        // A volunteer still opens accounts for people who have none.
        let fresh = open_at_counter(
            &mut volunteer,
            &csrf,
            "Trần Thị Mai",
            "056195000321",
            "1995",
        )
        .await;
        assert_eq!(fresh.status(), StatusCode::OK, "{backend:?}");
        assert!(!setup_code_in(&fresh.text().await.unwrap()).is_empty());

        let (mut desk, csrf) = minted_session(&app, &db, RECEPTION, true).await;
        let response = open_at_counter(&mut desk, &csrf, "Nguyễn Văn An", CITIZEN, "1990").await;
        assert_eq!(response.status(), StatusCode::OK, "{backend:?}");
        let code = setup_code_in(&response.text().await.unwrap());
        // The owner learns of it on every channel they have.
        for contact in [CITIZEN_EMAIL, CITIZEN_PHONE] {
            let told = message_to(&db, contact, "mã thiết lập").await;
            assert!(
                told.contains("mã thiết lập"),
                "{backend:?}: {contact}: {told}"
            );
            assert!(!told.contains(&code), "{backend:?}: the code is not sent");
        }
        // Setting a password with the code ends every other way in.
        let mut newcomer = Visitor::new(&app);
        let html = newcomer.get("/kich-hoat").await.text().await.unwrap();
        let response = newcomer
            .post(
                "/kich-hoat",
                &[
                    ("_csrf", &csrf_in(&html)),
                    ("so_can_cuoc", CITIZEN),
                    ("ma", &code),
                    ("mat_khau", "mat-khau-tai-quay-2026"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert!(signed_in(&mut newcomer).await);
        assert!(!signed_in(&mut owner).await, "{backend:?}: old session");
        assert!(!token_works(&app, &secret).await, "{backend:?}: old token");
        let log = db.security_events(None, 20).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.kind == "assisted_setup" && e.detail.contains("Trần Thị Bình")),
            "{backend:?}: who reset it is recorded"
        );
    }
}

/// Item 6: fifty parallel guesses at an SMS sign-in code get no more tries than one
/// guesser would.
#[tokio::test]
async fn parallel_guesses_at_a_sign_in_code_are_counted() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let mut visitor = Visitor::new(&app);
        let html = visitor
            .get("/dang-nhap/qua-tin-nhan")
            .await
            .text()
            .await
            .unwrap();
        let csrf = csrf_in(&html);
        let sent = visitor
            .post(
                "/dang-nhap/qua-tin-nhan",
                &[("_csrf", &csrf), ("so_dien_thoai", "0905123456")],
            )
            .await;
        assert_eq!(sent.status(), StatusCode::OK, "{backend:?}");
        let code = six_digits(&last_message_to(&db, CITIZEN_PHONE).await.unwrap());
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let started = Instant::now();
        let guesses: Vec<_> = (0..50)
            .map(|_| {
                let client = visitor.client.clone();
                let url = format!("{}/dang-nhap/qua-tin-nhan/xac-nhan", visitor.base);
                let cookie = visitor.cookie.clone().unwrap();
                let csrf = csrf.clone();
                tokio::spawn(async move {
                    client
                        .post(url)
                        .header(COOKIE, format!("motcua_sid={cookie}"))
                        .form(&[
                            ("_csrf", csrf.as_str()),
                            ("so_dien_thoai", "0905123456"),
                            ("ma", wrong),
                        ])
                        .send()
                        .await
                        .unwrap()
                        .status()
                })
            })
            .collect();
        for guess in guesses {
            let status = guess.await.unwrap();
            assert!(status.is_client_error(), "{backend:?}: {status}");
        }
        assert!(started.elapsed() < Duration::from_secs(60));
        let attempts: i64 = sqlx::query_scalar(
            "SELECT MAX(attempts) FROM one_time_code WHERE purpose = 'phone_sign_in'",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert!(
            attempts <= motcua_store::codes::MAX_ATTEMPTS,
            "{backend:?}: {attempts} guesses were compared"
        );
        // The code is spent: the right one no longer signs in.
        let right = visitor
            .post(
                "/dang-nhap/qua-tin-nhan/xac-nhan",
                &[
                    ("_csrf", &csrf),
                    ("so_dien_thoai", "0905123456"),
                    ("ma", &code),
                ],
            )
            .await;
        assert!(right.status().is_client_error(), "{backend:?}");
        assert!(!signed_in(&mut visitor).await);
    }
}

/// Item 2: someone registers with another person's citizen ID (only its form is
/// checked) and confirms their own e-mail. When the real person first signs in with
/// the national e-ID, they get the account and every way in the other one held is
/// gone: password, contacts, sessions, tokens.
#[tokio::test]
async fn the_e_id_holder_reclaims_an_account_registered_in_their_name() {
    use common::oidc_provider::{OidcProvider, Person};
    for backend in backends() {
        let provider = OidcProvider::start().await;
        let app = TestApp::start_with(
            backend,
            |c| common::with_eid(c, &provider),
            motcua_web::ExtraRoutes::default(),
        )
        .await;
        let db = app.db.connect().await;
        let victim_id = "056187004444";
        let mut attacker = Visitor::new(&app);
        let csrf = csrf_in(&attacker.get("/dang-ky").await.text().await.unwrap());
        let registered = attacker
            .post(
                "/dang-ky",
                &[
                    ("_csrf", csrf.as_str()),
                    ("ho_ten", "Ngô Thị Hoa"),
                    ("so_can_cuoc", victim_id),
                    ("nam_sinh", "1987"),
                    ("email", "ke.gian@example.net"),
                    ("so_dien_thoai", ""),
                    ("mat_khau", "mat-khau-ke-gian"),
                ],
            )
            .await;
        assert_eq!(registered.status(), StatusCode::OK, "{backend:?}");
        let mail = last_message_to(&db, "ke.gian@example.net").await.unwrap();
        let link = mail
            .lines()
            .find(|l| l.contains("/xac-nhan-email?ma="))
            .unwrap()
            .trim();
        let confirm = attacker
            .get(&link[link.find("/xac-nhan-email").unwrap()..])
            .await
            .text()
            .await
            .unwrap();
        let fields = common::visitor::form_fields(&confirm, "/xac-nhan-email");
        attacker.post_pairs("/xac-nhan-email", &fields).await;
        assert!(signed_in(&mut attacker).await, "{backend:?}");
        let token = token_of(&db, victim_id).await;

        provider.sign_in_as(Some(Person {
            subject: "vneid-hoa".into(),
            name: "Ngô Thị Hoa".into(),
            citizen_id: Some(victim_id.into()),
        }));
        let mut hoa = Visitor::new(&app);
        let back = common::eid_sign_in(&mut hoa).await;
        assert_eq!(back.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert!(signed_in(&mut hoa).await, "{backend:?}");
        assert!(
            !signed_in(&mut attacker).await,
            "{backend:?}: session ended"
        );
        assert!(
            !token_works(&app, &token).await,
            "{backend:?}: token revoked"
        );
        let mut again = Visitor::new(&app);
        let status = again.sign_in(victim_id, "mat-khau-ke-gian").await.status();
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{backend:?}: password gone"
        );
        let mut by_mail = Visitor::new(&app);
        let status = by_mail
            .sign_in("ke.gian@example.net", "mat-khau-ke-gian")
            .await
            .status();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{backend:?}: e-mail gone");
        let account = db.account_by_citizen_id(victim_id).await.unwrap().unwrap();
        assert_eq!(account.email, None, "{backend:?}");
        assert!(
            db.verification(account.id)
                .await
                .unwrap()
                .identity_checked_at
                .is_some()
        );
        let page = hoa.get("/tai-khoan").await.text().await.unwrap();
        assert!(page.contains("Ngô Thị Hoa"));
    }
}

/// Item 15: password hashing runs off the async workers. The test's server shares one
/// runtime thread with the test, so hashes computed on it hold every other request
/// until they end: with 16 sign-ins in flight (16 hashes, one after another), a health
/// check must come back within the time of a few hashes, not of all of them.
#[tokio::test]
async fn sign_ins_do_not_stall_other_requests() {
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let started = Instant::now();
    let hash = motcua_store::password::hash_password("mot-mat-khau-bat-ky").unwrap();
    assert!(motcua_store::password::verify_password(
        "mot-mat-khau-bat-ky",
        &hash
    ));
    let one_hash = started.elapsed() / 2;
    let mut visitor = Visitor::new(&app);
    let csrf = visitor.csrf().await;
    let sign_ins: Vec<_> = (0..16)
        .map(|i| {
            let client = visitor.client.clone();
            let url = app.url("/dang-nhap");
            let cookie = visitor.cookie.clone().unwrap();
            let csrf = csrf.clone();
            tokio::spawn(async move {
                client
                    .post(url)
                    .header(COOKIE, format!("motcua_sid={cookie}"))
                    .form(&[
                        ("_csrf", csrf.as_str()),
                        ("dinh_danh", CITIZEN),
                        ("mat_khau", &format!("sai-{i}")),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let asked = Instant::now();
    let health = common::raw_client()
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap();
    let waited = asked.elapsed();
    assert_eq!(health.status(), StatusCode::OK);
    for sign_in in sign_ins {
        assert!(sign_in.await.unwrap().is_client_error());
    }
    assert!(
        waited < one_hash * 4,
        "the health check waited {waited:?}; one hash takes {one_hash:?}"
    );
}

/// Six failed sign-ins from `client` (as the proxy reports it), then the right
/// password from `other`: its status.
async fn after_failures_behind_a_proxy(app: &TestApp, client: &str, other: &str) -> StatusCode {
    let mut visitor = Visitor::new(app);
    let csrf = visitor.csrf().await;
    let cookie = visitor.cookie.clone().unwrap();
    let client_of_proxy = visitor.client.clone();
    let post = |from: &str, identifier: &str, password: &str| {
        client_of_proxy
            .post(app.url("/dang-nhap"))
            .header(COOKIE, format!("motcua_sid={cookie}"))
            .header("x-forwarded-for", from)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("dinh_danh", identifier),
                ("mat_khau", password),
            ])
            .send()
    };
    for i in 0..7 {
        let status = post(client, &format!("khong-co-{i}@example.net"), "sai")
            .await
            .unwrap()
            .status();
        assert!(status.is_client_error(), "{status}");
    }
    post(other, CITIZEN, PASSWORD).await.unwrap().status()
}

/// Item 7: behind a trusted proxy, throttles key on the client the proxy names, not
/// on the proxy; from anyone else the header is ignored (it could be forged).
#[tokio::test]
async fn throttles_follow_the_client_behind_a_trusted_proxy() {
    for backend in backends() {
        let app = TestApp::start_with(
            backend,
            |c| motcua::config::Config {
                trusted_proxies: "127.0.0.1, ::1".parse().unwrap(),
                ..c
            },
            motcua_web::ExtraRoutes::default(),
        )
        .await;
        let status = after_failures_behind_a_proxy(&app, "203.0.113.1", "203.0.113.2").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}: another client");
        let status = after_failures_behind_a_proxy(&app, "203.0.113.3", "203.0.113.3").await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "{backend:?}: the same client"
        );
        let db = app.db.connect().await;
        let log = db.security_events(None, 50).await.unwrap();
        assert!(log.iter().any(|e| e.ip == "203.0.113.1"), "{backend:?}");
    }
    // Without trusted proxies the header means nothing: everyone is the proxy.
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let status = after_failures_behind_a_proxy(&app, "203.0.113.1", "203.0.113.2").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

/// Item 13: registration and SMS sign-in answer the same whether an account exists
/// or not; the owner of an address already in use is told by e-mail instead.
#[tokio::test]
async fn the_answers_do_not_tell_who_has_an_account() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let register = |citizen_id: &'static str, email: &'static str| {
            let app = &app;
            async move {
                let mut visitor = Visitor::new(app);
                let csrf = csrf_in(&visitor.get("/dang-ky").await.text().await.unwrap());
                let response = visitor
                    .post(
                        "/dang-ky",
                        &[
                            ("_csrf", csrf.as_str()),
                            ("ho_ten", "Nguyễn Văn An"),
                            ("so_can_cuoc", citizen_id),
                            ("nam_sinh", "1990"),
                            ("email", email),
                            ("so_dien_thoai", ""),
                            ("mat_khau", "mat-khau-dang-ky-2026"),
                        ],
                    )
                    .await;
                let status = response.status();
                let body = response.text().await.unwrap().replace(&csrf, "CSRF");
                (status, body.replace(email, "EMAIL"))
            }
        };
        // An's citizen ID; An's e-mail; neither.
        let taken_id = register(CITIZEN, "moi.1@congdan.example").await;
        let taken_email = register("056090009999", CITIZEN_EMAIL).await;
        let fresh = register("056090008888", "moi.2@congdan.example").await;
        assert_eq!(taken_id.0, StatusCode::OK, "{backend:?}");
        assert_eq!(taken_id, fresh, "{backend:?}: an existing citizen ID shows");
        assert_eq!(taken_email, fresh, "{backend:?}: an existing e-mail shows");
        let told = message_to(&db, CITIZEN_EMAIL, "đã dùng cho một tài khoản").await;
        assert!(told.contains("/quen-mat-khau"), "{told}");
        assert!(
            db.account_by_citizen_id("056090009999")
                .await
                .unwrap()
                .is_none()
        );

        // SMS sign-in: An's verified number and a number nobody has, twice each.
        let mut answers = Vec::new();
        for number in ["0905123456", "0905999888"] {
            let mut visitor = Visitor::new(&app);
            let html = visitor
                .get("/dang-nhap/qua-tin-nhan")
                .await
                .text()
                .await
                .unwrap();
            let csrf = csrf_in(&html);
            let mut seen = Vec::new();
            for _ in 0..2 {
                let response = visitor
                    .post(
                        "/dang-nhap/qua-tin-nhan",
                        &[("_csrf", &csrf), ("so_dien_thoai", number)],
                    )
                    .await;
                let status = response.status();
                let body = response
                    .text()
                    .await
                    .unwrap()
                    .replace(&csrf, "CSRF")
                    .replace(number, "NUMBER");
                // The wait shown may differ by a second.
                let body: String = body.chars().filter(|c| !c.is_ascii_digit()).collect();
                seen.push((status, body));
            }
            answers.push(seen);
        }
        assert_eq!(answers[0][0].0, StatusCode::OK, "{backend:?}");
        assert_eq!(
            answers[0][1].0,
            StatusCode::TOO_MANY_REQUESTS,
            "{backend:?}"
        );
        assert_eq!(
            answers[0], answers[1],
            "{backend:?}: a number with an account shows"
        );
    }
}
