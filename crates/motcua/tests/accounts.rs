//! Signing in: sessions, CSRF, throttling, sign-out everywhere and the access policy of
//! every route (issue: accounts, identity and access).

mod common;

use std::time::{Duration, Instant};

use axum::routing::get;
use common::oidc_provider::{OidcProvider, Person};
use common::visitor::{
    Visitor, any_csrf, code_now, csrf_in, minted_session, pass_second_factor, secret_in,
};
use common::{TestApp, backends, eid_sign_in, last_message_to, six_digits, with_eid};
use reqwest::StatusCode;
use reqwest::header::{LOCATION, WWW_AUTHENTICATE};

use common::visitor::PASSWORD;
const CITIZEN: &str = "056090001234";
const OFFICIAL: &str = "tiepnhan@nhatrang.example";
const ADMIN: &str = "admin@motcua.example";

#[tokio::test]
async fn signing_in_replaces_the_session_and_shows_the_account() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let mut visitor = Visitor::new(&app);
        let page = visitor.get("/tai-khoan").await;
        assert_eq!(page.status(), StatusCode::SEE_OTHER);
        assert_eq!(page.headers()[LOCATION], "/dang-nhap?tiep=%2Ftai-khoan");

        let csrf = visitor.csrf().await;
        let before = visitor
            .cookie
            .clone()
            .expect("the sign-in form starts a session");
        let signed_in = visitor
            .post(
                "/dang-nhap",
                &[
                    ("_csrf", &csrf),
                    ("dinh_danh", CITIZEN),
                    ("mat_khau", PASSWORD),
                    ("tiep", "/tai-khoan"),
                ],
            )
            .await;
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(signed_in.headers()[LOCATION], "/tai-khoan");
        let after = visitor.cookie.clone().unwrap();
        assert_ne!(before, after, "a new session id after signing in");

        let account = visitor.get("/tai-khoan").await;
        assert_eq!(account.status(), StatusCode::OK);
        let html = account.text().await.unwrap();
        assert!(
            html.contains("Nguyễn Văn An") && html.contains("Thiết bị này"),
            "{html}"
        );

        // Session fixation: the id known before signing in gives nothing.
        let mut attacker = Visitor::new(&app);
        attacker.cookie = Some(before);
        assert_eq!(
            attacker.get("/tai-khoan").await.status(),
            StatusCode::SEE_OTHER
        );

        // An open redirect is not possible through `tiep`.
        let mut other = Visitor::new(&app);
        let csrf = other.csrf().await;
        let response = other
            .post(
                "/dang-nhap",
                &[
                    ("_csrf", &csrf),
                    ("dinh_danh", CITIZEN),
                    ("mat_khau", PASSWORD),
                    ("tiep", "//evil.example/"),
                ],
            )
            .await;
        assert_eq!(response.headers()[LOCATION], "/tai-khoan");

        let store = motcua::startup::open_store(&app.config).await.unwrap();
        let citizen = store
            .db
            .account_by_citizen_id(CITIZEN)
            .await
            .unwrap()
            .unwrap();
        let events = store
            .db
            .security_events(Some(citizen.id), 10)
            .await
            .unwrap();
        assert!(events.iter().filter(|e| e.kind == "sign_in").count() >= 2);
    }
}

#[tokio::test]
async fn forms_without_the_sessions_csrf_token_are_refused() {
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let mut visitor = Visitor::new(&app);
    // No session at all.
    let response = visitor
        .post(
            "/dang-nhap",
            &[("dinh_danh", CITIZEN), ("mat_khau", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // A session, but no token, or a wrong one.
    let csrf = visitor.csrf().await;
    let response = visitor
        .post(
            "/dang-nhap",
            &[("dinh_danh", CITIZEN), ("mat_khau", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let wrong = "0".repeat(csrf.len());
    let response = visitor
        .post(
            "/dang-nhap",
            &[
                ("_csrf", &wrong),
                ("dinh_danh", CITIZEN),
                ("mat_khau", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Signed in: signing out needs the token too.
    assert_eq!(
        visitor.sign_in(CITIZEN, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        visitor.post("/dang-xuat", &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        visitor.get("/tai-khoan").await.status(),
        StatusCode::OK,
        "still signed in"
    );
    let html = visitor.get("/tai-khoan").await.text().await.unwrap();
    let response = visitor
        .post("/dang-xuat", &[("_csrf", &csrf_in(&html))])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        visitor.get("/tai-khoan").await.status(),
        StatusCode::SEE_OTHER,
        "signed out"
    );
    // Missing fields get Vietnamese field messages.
    let csrf = visitor.csrf().await;
    let response = visitor
        .post(
            "/dang-nhap",
            &[("_csrf", &csrf), ("dinh_danh", ""), ("mat_khau", "")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Nhập số căn cước, mã số thuế, e-mail hoặc số điện thoại")
            && html.contains("Nhập mật khẩu")
    );
}

/// 100 wrong passwords from one address within a minute: a handful are evaluated, the
/// owner is told, and the right password works once the delay has passed.
#[tokio::test]
async fn repeated_failures_are_throttled_and_reported() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let store = motcua::startup::open_store(&app.config).await.unwrap();
        let official = store.db.account_by_email(OFFICIAL).await.unwrap().unwrap();
        let mut visitor = Visitor::new(&app);
        let csrf = visitor.csrf().await;
        let started = Instant::now();
        let (mut evaluated, mut refused) = (0, 0);
        for i in 0..100 {
            let wrong = format!("sai-{i}");
            let response = visitor
                .post(
                    "/dang-nhap",
                    &[
                        ("_csrf", &csrf),
                        ("dinh_danh", OFFICIAL),
                        ("mat_khau", &wrong),
                    ],
                )
                .await;
            match response.status() {
                StatusCode::UNAUTHORIZED => evaluated += 1,
                StatusCode::TOO_MANY_REQUESTS => refused += 1,
                other => panic!("unexpected {other}"),
            }
        }
        assert!(started.elapsed() < Duration::from_secs(60));
        assert!(
            evaluated <= 8,
            "{backend:?}: {evaluated} wrong passwords were evaluated"
        );
        assert_eq!(evaluated + refused, 100);
        let failures = store
            .db
            .security_events(Some(official.id), 200)
            .await
            .unwrap();
        assert_eq!(
            failures
                .iter()
                .filter(|e| e.kind == "sign_in_failure")
                .count(),
            evaluated
        );
        assert_eq!(
            failures.iter().filter(|e| e.kind == "lockout").count(),
            1,
            "{backend:?}"
        );
        let notices: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE topic = 'notify.sign_in_failures'",
        )
        .fetch_one(store.db.pool())
        .await
        .unwrap();
        assert_eq!(notices, 1, "the owner is told once");

        // The right password while blocked is refused too, then works after the delay.
        let blocked = visitor
            .post(
                "/dang-nhap",
                &[
                    ("_csrf", &csrf),
                    ("dinh_danh", OFFICIAL),
                    ("mat_khau", PASSWORD),
                ],
            )
            .await;
        assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(
            blocked
                .text()
                .await
                .unwrap()
                .contains("Vui lòng thử lại sau")
        );
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            let response = visitor
                .post(
                    "/dang-nhap",
                    &[
                        ("_csrf", &csrf),
                        ("dinh_danh", OFFICIAL),
                        ("mat_khau", PASSWORD),
                    ],
                )
                .await;
            if response.status() == StatusCode::SEE_OTHER {
                break;
            }
            assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
            assert!(Instant::now() < deadline, "the delay never passed");
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session() {
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let mut phone = Visitor::new(&app);
    let mut laptop = Visitor::new(&app);
    assert_eq!(
        phone.sign_in(CITIZEN, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        laptop.sign_in(CITIZEN, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let html = phone.get("/tai-khoan").await.text().await.unwrap();
    assert_eq!(
        html.matches("Đăng nhập lúc").count(),
        2,
        "both devices are listed"
    );
    let response = phone
        .post(
            "/tai-khoan/dang-xuat-moi-noi",
            &[("_csrf", &csrf_in(&html))],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        laptop.get("/tai-khoan").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        phone.get("/tai-khoan").await.status(),
        StatusCode::SEE_OTHER
    );
}

/// Every route of the route table, for every kind of visitor (each demo role, fully
/// signed in; an official who gave only the password; nobody), is allowed or refused as
/// the roles say. The expectations come from the roles, not from the policy code, so a
/// route given the wrong policy fails here; a route without one fails in the next test.
#[tokio::test]
async fn authorization_matrix() {
    use motcua_web::auth::Access;
    // (name, sign-in identifier, second factor passed, roles)
    let principals: &[(&str, Option<&str>, bool, &[&str])] = &[
        ("anonymous", None, false, &[]),
        ("citizen", Some(CITIZEN), false, &[]),
        ("organisation", Some("4201234566"), false, &[]),
        ("reception", Some(OFFICIAL), true, &["reception"]),
        (
            "specialist",
            Some("chuyenvien@nhatrang.example"),
            true,
            &["specialist"],
        ),
        (
            "leader",
            Some("lanhdao@nhatrang.example"),
            true,
            &["leader"],
        ),
        (
            "agency admin",
            Some("quantri@nhatrang.example"),
            true,
            &["agency_admin"],
        ),
        (
            "volunteer",
            Some("tinhnguyen@nhatrang.example"),
            true,
            &["volunteer"],
        ),
        (
            "province leader",
            Some("lanhdao@khanhhoa.example"),
            true,
            &["leader"],
        ),
        ("system admin", Some(ADMIN), true, &["system_admin"]),
        (
            "official, password only",
            Some(OFFICIAL),
            false,
            &["reception"],
        ),
    ];
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let mut checked = 0;
        for route in motcua_web::route_table() {
            // A commune-level procedure: the demo commune's administrator may edit it.
            let path = route
                .path
                .replace("{code}", "1.001193")
                .replace("{file}", "app.css")
                .replace("{id}", "1");
            // HEAD runs the GET handler, so every GET route is probed with HEAD too.
            let methods: &[&str] = if route.method == "GET" {
                &["GET", "HEAD"]
            } else {
                &[route.method]
            };
            for (&(name, identifier, second_factor, roles), &method) in principals
                .iter()
                .flat_map(|p| methods.iter().map(move |m| (p, m)))
            {
                let (mut visitor, csrf) = match identifier {
                    Some(identifier) => minted_session(&app, &db, identifier, second_factor).await,
                    None => {
                        let mut visitor = Visitor::new(&app);
                        let csrf = visitor.csrf().await;
                        (visitor, csrf)
                    }
                };
                let response = match method {
                    "GET" => visitor.get(&path).await,
                    "HEAD" => {
                        let mut request = visitor.client.head(app.url(&path));
                        if let Some(cookie) = &visitor.cookie {
                            request = request
                                .header(reqwest::header::COOKIE, format!("motcua_sid={cookie}"));
                        }
                        request.send().await.unwrap()
                    }
                    "POST" => visitor.post(&path, &[("_csrf", &csrf)]).await,
                    "PUT" => {
                        let mut request =
                            visitor.client.put(app.url(&path)).form(&[("_csrf", &csrf)]);
                        if let Some(cookie) = &visitor.cookie {
                            request = request
                                .header(reqwest::header::COOKIE, format!("motcua_sid={cookie}"));
                        }
                        request.send().await.unwrap()
                    }
                    other => panic!("no probe for {other}"),
                };
                let to_sign_in = response
                    .headers()
                    .get(LOCATION)
                    .is_some_and(|l| l.to_str().unwrap().starts_with("/dang-nhap?tiep="));
                // A 401 is a denial when it asks for credentials (API tokens); pages
                // answer 401 to a wrong code without the challenge.
                let challenged = response.status() == StatusCode::UNAUTHORIZED
                    && response.headers().contains_key(WWW_AUTHENTICATE);
                let denied = response.status() == StatusCode::FORBIDDEN || challenged || to_sign_in;
                let official = name != "citizen" && name != "organisation";
                let signed_in = identifier.is_some() && (second_factor || !official);
                let pending = identifier.is_some() && official && !second_factor;
                let has = |role: &str| signed_in && roles.contains(&role);
                let allowed = match route.access {
                    Access::Public => true,
                    Access::SignedIn => signed_in,
                    Access::SecondFactorPending => pending,
                    Access::CounterStaff => has("reception") || has("volunteer"),
                    Access::Official => has("reception") || has("specialist") || has("leader"),
                    Access::Reception => has("reception"),
                    Access::AgencyAdmin => has("agency_admin") || has("system_admin"),
                    Access::SystemAdmin => has("system_admin"),
                    // Integrations only: a browser session never passes.
                    Access::ApiToken(_) => false,
                };
                assert_eq!(
                    denied,
                    !allowed,
                    "{backend:?}: {method} {} as {name}: {}",
                    route.path,
                    response.status()
                );
                assert!(
                    !response.status().is_server_error(),
                    "{backend:?}: {method} {} as {name}: {}",
                    route.path,
                    response.status()
                );
                checked += 1;
            }
        }
        let gets = motcua_web::route_table()
            .iter()
            .filter(|r| r.method == "GET")
            .count();
        assert_eq!(
            checked,
            (motcua_web::route_table().len() + gets) * principals.len()
        );
    }
}

/// A route served without a policy in the route table is refused to everyone.
#[tokio::test]
async fn a_route_without_a_policy_is_refused() {
    let extra = motcua_web::ExtraRoutes {
        routes: axum::Router::new().route("/bao-cao-moi", get(|| async { "bí mật" })),
        policies: Vec::new(),
    };
    let app = TestApp::start_with(motcua_store::Backend::Sqlite, |c| c, extra).await;
    let mut anonymous = Visitor::new(&app);
    assert_eq!(
        anonymous.get("/bao-cao-moi").await.status(),
        StatusCode::FORBIDDEN
    );
    let mut citizen = Visitor::new(&app);
    citizen.sign_in(CITIZEN, PASSWORD).await;
    let response = citizen.get("/bao-cao-moi").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(!response.text().await.unwrap().contains("bí mật"));
}

/// Officials get no powers on a password alone: they enrol an authenticator app (and
/// get recovery codes), then give a code at every sign-in; codes never work twice.
#[tokio::test]
async fn officials_need_a_second_factor() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let mut official = Visitor::new(&app);
        let response = official.sign_in(OFFICIAL, PASSWORD).await;
        assert_eq!(
            response.headers()[LOCATION],
            "/dang-nhap/xac-thuc?tiep=%2Ftai-khoan"
        );
        // The password alone opens nothing.
        assert_eq!(
            official.get("/tai-khoan").await.status(),
            StatusCode::SEE_OTHER
        );
        let response = official.get("/dang-nhap/xac-thuc?tiep=%2Ftai-khoan").await;
        assert_eq!(
            response.headers()[LOCATION],
            "/dang-nhap/thiet-lap-xac-thuc?tiep=%2Ftai-khoan"
        );
        let enrol = official
            .get("/dang-nhap/thiet-lap-xac-thuc?tiep=%2Ftai-khoan")
            .await
            .text()
            .await
            .unwrap();
        assert!(enrol.contains("otpauth://totp/motcua%3Atiepnhan%40nhatrang.example?secret="));
        let secret = secret_in(&enrol);
        assert_eq!(secret.len(), 20);
        // A reload keeps the same secret.
        let again = official
            .get("/dang-nhap/thiet-lap-xac-thuc")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(secret_in(&again), secret);
        let csrf = csrf_in(&enrol);
        let wrong = official
            .post(
                "/dang-nhap/thiet-lap-xac-thuc",
                &[("_csrf", &csrf), ("ma", "000000")],
            )
            .await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let first_code = code_now(&secret, 0);
        let confirmed = official
            .post(
                "/dang-nhap/thiet-lap-xac-thuc",
                &[
                    ("_csrf", &csrf),
                    ("ma", &first_code),
                    ("tiep", "/tai-khoan"),
                ],
            )
            .await;
        assert_eq!(confirmed.status(), StatusCode::OK, "{backend:?}");
        let html = confirmed.text().await.unwrap();
        let codes: Vec<String> = html
            .split("<li><code>")
            .skip(1)
            .map(|part| part.split('<').next().unwrap().to_string())
            .collect();
        assert_eq!(codes.len(), 10);
        assert_eq!(
            official.get("/tai-khoan").await.status(),
            StatusCode::OK,
            "signed in after the second factor"
        );

        // Next time: password, then a code. The code used at enrolment is refused.
        let mut later = Visitor::new(&app);
        later.sign_in(OFFICIAL, PASSWORD).await;
        let csrf = any_csrf(&mut later).await;
        let replay = later
            .post(
                "/dang-nhap/xac-thuc",
                &[("_csrf", &csrf), ("ma", &first_code)],
            )
            .await;
        assert_eq!(
            replay.status(),
            StatusCode::UNAUTHORIZED,
            "a code never works twice"
        );
        let next_code = code_now(&secret, 1);
        let ok = later
            .post(
                "/dang-nhap/xac-thuc",
                &[("_csrf", &csrf), ("ma", &next_code), ("tiep", "/tai-khoan")],
            )
            .await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        assert_eq!(ok.headers()[LOCATION], "/tai-khoan");
        assert_eq!(later.get("/tai-khoan").await.status(), StatusCode::OK);

        // A recovery code works once.
        let mut without_phone = Visitor::new(&app);
        without_phone.sign_in(OFFICIAL, PASSWORD).await;
        let csrf = any_csrf(&mut without_phone).await;
        let used = without_phone
            .post(
                "/dang-nhap/xac-thuc",
                &[("_csrf", &csrf), ("ma", &codes[0].to_lowercase())],
            )
            .await;
        assert_eq!(used.status(), StatusCode::SEE_OTHER);
        let mut again = Visitor::new(&app);
        again.sign_in(OFFICIAL, PASSWORD).await;
        let csrf = any_csrf(&mut again).await;
        let reused = again
            .post(
                "/dang-nhap/xac-thuc",
                &[("_csrf", &csrf), ("ma", &codes[0])],
            )
            .await;
        assert_eq!(reused.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn administrators_read_the_security_log() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let mut citizen = Visitor::new(&app);
        citizen.sign_in(CITIZEN, PASSWORD).await;
        assert_eq!(
            citizen.get("/quan-tri/nhat-ky-bao-mat").await.status(),
            StatusCode::FORBIDDEN
        );
        let mut intruder = Visitor::new(&app);
        intruder.sign_in(CITIZEN, "sai mật khẩu").await;

        let mut admin = Visitor::new(&app);
        admin.sign_in(ADMIN, PASSWORD).await;
        // The password alone does not open administration.
        let pending = admin.get("/quan-tri/nhat-ky-bao-mat").await;
        assert_eq!(pending.status(), StatusCode::SEE_OTHER);
        pass_second_factor(&mut admin).await;
        let log = admin.get("/quan-tri/nhat-ky-bao-mat").await;
        assert_eq!(log.status(), StatusCode::OK, "{backend:?}");
        let html = log.text().await.unwrap();
        for entry in [
            "Đăng nhập sai",
            "Bật xác thực hai lớp",
            "Nguyễn Văn An (an.nguyen@congdan.example)",
        ] {
            assert!(html.contains(entry), "{backend:?}: {entry}");
        }
    }
}

/// Signing in with a code by SMS: the answer never tells whether a number has an
/// account; a code is refused when wrong, used, or expired, and signing in replaces the
/// visitor's session.
#[tokio::test]
async fn a_code_by_sms_signs_in_once_and_not_after_expiry() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let mut person = Visitor::new(&app);
        let page = person
            .get("/dang-nhap/qua-tin-nhan")
            .await
            .text()
            .await
            .unwrap();
        let csrf = csrf_in(&page);
        let before = person.cookie.clone().unwrap();

        let unknown = person
            .post(
                "/dang-nhap/qua-tin-nhan",
                &[("_csrf", &csrf), ("so_dien_thoai", "0912 000 111")],
            )
            .await;
        assert_eq!(unknown.status(), StatusCode::OK);
        let unknown = unknown.text().await.unwrap();
        let sent = person
            .post(
                "/dang-nhap/qua-tin-nhan",
                &[("_csrf", &csrf), ("so_dien_thoai", "+84 905 123 456")],
            )
            .await;
        assert_eq!(sent.status(), StatusCode::OK, "{backend:?}");
        let sent = sent.text().await.unwrap();
        // The same words whether or not the number has an account.
        let notice = |html: &str| {
            html.split("class=\"notice\"")
                .nth(1)
                .unwrap()
                .split("</p>")
                .next()
                .unwrap()
                .replace("0912000111", "N")
                .replace("0905123456", "N")
        };
        assert_eq!(notice(&unknown), notice(&sent));
        assert_eq!(last_message_to(&db, "+84912000111").await, None);
        let code = six_digits(&last_message_to(&db, "+84905123456").await.expect("an SMS"));

        let again = person
            .post(
                "/dang-nhap/qua-tin-nhan",
                &[("_csrf", &csrf), ("so_dien_thoai", "0905123456")],
            )
            .await;
        assert_eq!(
            again.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "one code a minute"
        );

        let wrong = if code == "000000" { "111111" } else { "000000" };
        let refused = person
            .post(
                "/dang-nhap/qua-tin-nhan/xac-nhan",
                &[
                    ("_csrf", &csrf),
                    ("so_dien_thoai", "0905123456"),
                    ("ma", wrong),
                ],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        assert!(refused.text().await.unwrap().contains("Bạn còn 4 lần thử"));
        let signed_in = person
            .post(
                "/dang-nhap/qua-tin-nhan/xac-nhan",
                &[
                    ("_csrf", &csrf),
                    ("so_dien_thoai", "0905123456"),
                    ("ma", &code),
                ],
            )
            .await;
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
        assert_eq!(signed_in.headers()[LOCATION], "/tai-khoan");
        assert_ne!(
            person.cookie.clone().unwrap(),
            before,
            "a new session on signing in"
        );
        let account = person.get("/tai-khoan").await.text().await.unwrap();
        assert!(account.contains("Nguyễn Văn An"));

        // Used once only.
        let mut other = Visitor::new(&app);
        let csrf = other.csrf().await;
        let reused = other
            .post(
                "/dang-nhap/qua-tin-nhan/xac-nhan",
                &[
                    ("_csrf", &csrf),
                    ("so_dien_thoai", "0905123456"),
                    ("ma", &code),
                ],
            )
            .await;
        assert_eq!(reused.status(), StatusCode::UNAUTHORIZED);

        // An expired code is refused, even when right.
        sqlx::query("UPDATE one_time_code SET created_at = created_at - 120000000")
            .execute(db.pool())
            .await
            .unwrap();
        other
            .post(
                "/dang-nhap/qua-tin-nhan",
                &[("_csrf", &csrf), ("so_dien_thoai", "0905123456")],
            )
            .await;
        let code = six_digits(&last_message_to(&db, "+84905123456").await.unwrap());
        sqlx::query("UPDATE one_time_code SET expires_at = created_at - 1 WHERE used_at IS NULL")
            .execute(db.pool())
            .await
            .unwrap();
        let expired = other
            .post(
                "/dang-nhap/qua-tin-nhan/xac-nhan",
                &[
                    ("_csrf", &csrf),
                    ("so_dien_thoai", "0905123456"),
                    ("ma", &code),
                ],
            )
            .await;
        assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
        assert!(expired.text().await.unwrap().contains("Mã đã hết hạn"));
        assert_eq!(
            other.get("/tai-khoan").await.status(),
            StatusCode::SEE_OTHER
        );
    }
}

/// A person whose phone number cannot be verified (it is another account's) still gets
/// in: by e-mail, and by an account opened at the counter; a person with no e-mail
/// gets in by the counter alone.
#[tokio::test]
async fn a_person_whose_phone_cannot_be_verified_still_gets_in() {
    for backend in backends() {
        let provider = OidcProvider::start().await;
        let app =
            TestApp::start_with(backend, |c| with_eid(c, &provider), Default::default()).await;
        let db = app.db.connect().await;

        // Registration: the phone is An's, so it stays unverified; e-mail works.
        let mut bao = Visitor::new(&app);
        let csrf = csrf_in(&bao.get("/dang-ky").await.text().await.unwrap());
        let form = [
            ("_csrf", csrf.as_str()),
            ("ho_ten", "Trần Văn Bảo"),
            ("so_can_cuoc", "056095001111"),
            ("nam_sinh", "1995"),
            ("email", "bao.tran@congdan.example"),
            ("so_dien_thoai", "0905 123 456"),
            ("mat_khau", "bao-mat-khau-2026"),
        ];
        let mut bad = form;
        bad[3] = ("nam_sinh", "2001");
        let refused = bao.post("/dang-ky", &bad).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .text()
                .await
                .unwrap()
                .contains("id=\"nam_sinh-loi\"")
        );
        let registered = bao.post("/dang-ky", &form).await;
        assert_eq!(registered.status(), StatusCode::OK, "{backend:?}");
        let html = registered.text().await.unwrap();
        // The page does not tell that the number is someone else's (item 13 of the
        // security review): it reads as for any number.
        assert!(!html.contains("tài khoản khác"), "{html}");
        assert!(
            html.contains("Mã gồm 6 chữ số gửi tới 0905123456"),
            "{html}"
        );
        assert!(html.contains("bao.tran@congdan.example"));
        assert!(
            last_message_to(&db, "+84905123456").await.is_none(),
            "no code goes to someone else's phone"
        );
        // Not verified yet: the password alone does not open the account.
        let mut early = Visitor::new(&app);
        assert_eq!(
            early
                .sign_in("056095001111", "bao-mat-khau-2026")
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        let mail = last_message_to(&db, "bao.tran@congdan.example")
            .await
            .expect("a mail");
        let link = mail
            .lines()
            .find(|l| l.contains("/xac-nhan-email?ma="))
            .unwrap()
            .trim();
        let path = &link[link.find("/xac-nhan-email").unwrap()..];
        let confirm = bao.get(path).await.text().await.unwrap();
        let fields = common::visitor::form_fields(&confirm, "/xac-nhan-email");
        let confirmed = bao.post_pairs("/xac-nhan-email", &fields).await;
        assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
        assert!(
            bao.get("/tai-khoan")
                .await
                .text()
                .await
                .unwrap()
                .contains("Trần Văn Bảo")
        );
        let mut again = Visitor::new(&app);
        let csrf = again.csrf().await;
        let mut reuse = fields.clone();
        reuse[0].1 = csrf;
        assert_eq!(
            again.post_pairs("/xac-nhan-email", &reuse).await.status(),
            StatusCode::UNAUTHORIZED,
            "a link works once"
        );
        let mut later = Visitor::new(&app);
        assert_eq!(
            later
                .sign_in("bao.tran@congdan.example", "bao-mat-khau-2026")
                .await
                .status(),
            StatusCode::SEE_OTHER
        );

        // At the counter: an official checks Cúc's ID card and opens her account.
        let (mut official, csrf) = minted_session(&app, &db, OFFICIAL, true).await;
        let open = [
            ("_csrf", csrf.as_str()),
            ("ho_ten", "Lê Thị Cúc"),
            ("so_can_cuoc", "056196002222"),
            ("nam_sinh", "1996"),
            ("so_dien_thoai", "0905 123 456"),
        ];
        let unchecked = official.post("/quan-tri/mo-tai-khoan", &open).await;
        assert_eq!(
            unchecked.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "the ID card must be checked"
        );
        let mut checked = open.to_vec();
        checked.push(("da_kiem_tra", "1"));
        let opened = official.post("/quan-tri/mo-tai-khoan", &checked).await;
        assert_eq!(opened.status(), StatusCode::OK, "{backend:?}");
        let slip = opened.text().await.unwrap();
        let code = slip
            .split("<p class=\"setup-code\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string();
        assert_eq!(code.len(), 9);

        let mut cuc = Visitor::new(&app);
        let csrf = csrf_in(&cuc.get("/kich-hoat").await.text().await.unwrap());
        let wrong = cuc
            .post(
                "/kich-hoat",
                &[
                    ("_csrf", &csrf),
                    ("so_can_cuoc", "056196002222"),
                    ("ma", "AAAA-BBBB"),
                    ("mat_khau", "cuc-mat-khau-2026"),
                ],
            )
            .await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let set = cuc
            .post(
                "/kich-hoat",
                &[
                    ("_csrf", &csrf),
                    ("so_can_cuoc", "056196002222"),
                    ("ma", &code.to_lowercase()),
                    ("mat_khau", "cuc-mat-khau-2026"),
                ],
            )
            .await;
        assert_eq!(set.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert!(
            cuc.get("/tai-khoan")
                .await
                .text()
                .await
                .unwrap()
                .contains("Lê Thị Cúc")
        );
        let mut next_day = Visitor::new(&app);
        assert_eq!(
            next_day
                .sign_in("056196002222", "cuc-mat-khau-2026")
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        // The same check gets Bảo a fresh start too, should he lose his mailbox.
        let mut for_bao = checked.clone();
        for_bao[1] = ("ho_ten", "Trần Văn Bảo");
        for_bao[2] = ("so_can_cuoc", "056095001111");
        for_bao[3] = ("nam_sinh", "1995");
        let reissued = official.post("/quan-tri/mo-tai-khoan", &for_bao).await;
        assert_eq!(reissued.status(), StatusCode::OK);
        assert!(reissued.text().await.unwrap().contains("Tài khoản đã có"));

        // The national e-ID: Dũng never gave a phone or an e-mail; his first e-ID
        // sign-in opens a citizen account with his verified identity.
        provider.sign_in_as(Some(Person {
            subject: "vneid-dung".into(),
            name: "Phạm Minh Dũng".into(),
            citizen_id: Some("056092003333".into()),
        }));
        let mut dung = Visitor::new(&app);
        let back = eid_sign_in(&mut dung).await;
        assert_eq!(back.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(back.headers()[LOCATION], "/tai-khoan");
        let page = dung.get("/tai-khoan").await.text().await.unwrap();
        assert!(
            page.contains("Phạm Minh Dũng") && page.contains("056092003333"),
            "{page}"
        );
        // Bảo, registered by e-mail above, is found by his citizen ID and linked.
        provider.sign_in_as(Some(Person {
            subject: "vneid-bao".into(),
            name: "Trần Văn Bảo".into(),
            citizen_id: Some("056095001111".into()),
        }));
        let mut bao_eid = Visitor::new(&app);
        assert_eq!(
            eid_sign_in(&mut bao_eid).await.status(),
            StatusCode::SEE_OTHER
        );
        let accounts: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM account WHERE citizen_id = '056095001111'")
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(accounts, 1, "linked, not duplicated");
        let linked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM external_identity")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(linked, 2);

        let events: Vec<String> = sqlx::query_scalar("SELECT kind FROM security_event ORDER BY id")
            .fetch_all(db.pool())
            .await
            .unwrap();
        for kind in ["assisted_setup", "password_set", "identity_linked"] {
            assert!(events.iter().any(|k| k == kind), "{kind}");
        }
    }
}
