//! The national e-ID's refusals, password reset, API tokens, the profile, role changes
//! and the dossier scope of every role (issue: accounts, identity and access).

mod common;

use common::oidc_provider::{OidcProvider, Person, Tamper};
use common::visitor::{PASSWORD, Visitor, csrf_in, form_fields, minted_session, set_field};
use common::{
    TestApp, backends, eid_authorize, eid_sign_in, last_message_to, six_digits, with_eid,
};
use motcua_store::dossiers::NewDossier;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, WWW_AUTHENTICATE};

const CITIZEN: &str = "056090001234";
const CITIZEN_EMAIL: &str = "an.nguyen@congdan.example";
const CITIZEN_PHONE: &str = "+84905123456";

async fn count(db: &motcua_store::Db, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn signed_in(visitor: &mut Visitor) -> bool {
    visitor.get("/tai-khoan").await.status() == StatusCode::OK
}

#[tokio::test]
async fn e_id_refuses_cancellation_tampering_replay_and_other_browsers() {
    // Not configured: the way in is explained, not broken.
    let plain = TestApp::start(motcua_store::Backend::Sqlite).await;
    let mut visitor = Visitor::new(&plain);
    let page = visitor.get("/dang-nhap/dinh-danh-dien-tu").await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await.unwrap().contains("chưa được kết nối"));
    assert!(
        !visitor
            .get("/dang-nhap")
            .await
            .text()
            .await
            .unwrap()
            .contains("dinh-danh-dien-tu")
    );

    for backend in backends() {
        let provider = OidcProvider::start().await;
        let app =
            TestApp::start_with(backend, |c| with_eid(c, &provider), Default::default()).await;
        let db = app.db.connect().await;
        let accounts_before = count(&db, "SELECT COUNT(*) FROM account").await;
        let mut visitor = Visitor::new(&app);
        assert!(
            visitor
                .get("/dang-nhap")
                .await
                .text()
                .await
                .unwrap()
                .contains("/dang-nhap/dinh-danh-dien-tu")
        );

        // The person cancels at the provider.
        provider.sign_in_as(None);
        let cancelled = eid_sign_in(&mut visitor).await;
        assert_eq!(cancelled.status(), StatusCode::UNAUTHORIZED, "{backend:?}");
        assert!(cancelled.text().await.unwrap().contains("đã hủy"));
        assert!(!signed_in(&mut visitor).await);

        let hoa = Person {
            subject: "vneid-hoa".into(),
            name: "Đỗ Thị Hoa".into(),
            citizen_id: Some("056197004444".into()),
        };
        provider.sign_in_as(Some(hoa.clone()));
        // A token with another nonce, and one whose payload was changed after signing.
        for tamper in [Tamper::WrongNonce, Tamper::AlteredPayload] {
            provider.tamper(Some(tamper));
            let refused = eid_sign_in(&mut visitor).await;
            assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "{tamper:?}");
            assert!(!signed_in(&mut visitor).await, "{tamper:?}");
        }
        provider.tamper(None);
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM account").await,
            accounts_before,
            "nothing opened from a refused token"
        );
        assert!(
            count(
                &db,
                "SELECT COUNT(*) FROM security_event WHERE kind = 'sign_in_failure' AND detail LIKE 'e-ID%'"
            )
            .await
                >= 2
        );

        // A login started in one browser cannot be finished in another (login CSRF),
        // and the code is not even exchanged.
        let mut victim = Visitor::new(&app);
        let mut attacker = Visitor::new(&app);
        let back = eid_authorize(&mut attacker).await;
        let exchanged = provider.token_requests();
        let planted = victim.get(&back).await;
        assert_eq!(planted.status(), StatusCode::BAD_REQUEST);
        assert_eq!(provider.token_requests(), exchanged);
        assert!(!signed_in(&mut victim).await);
        // Nor by the browser that started it, once the first answer was refused.
        assert_eq!(attacker.get(&back).await.status(), StatusCode::BAD_REQUEST);

        // The real thing works, once: the same answer replayed is refused.
        let back = eid_authorize(&mut visitor).await;
        let done = visitor.get(&back).await;
        assert_eq!(done.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let session = visitor.cookie.clone();
        assert!(signed_in(&mut visitor).await);
        let replay = visitor.get(&back).await;
        assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
        assert_eq!(visitor.cookie, session, "the session is untouched");
        // The identity is linked: the next sign-in finds the same account.
        let mut again = Visitor::new(&app);
        assert_eq!(
            eid_sign_in(&mut again).await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM account WHERE citizen_id = '056197004444'"
            )
            .await,
            1
        );
        let profile = again.get("/tai-khoan/ho-so").await.text().await.unwrap();
        assert!(
            profile.contains("danh tính đã xác minh") && profile.contains("Định danh điện tử"),
            "{profile}"
        );

        // An ID token without a citizen ID number cannot open an account.
        provider.sign_in_as(Some(Person {
            subject: "vneid-khong-so".into(),
            name: "Người Không Số".into(),
            citizen_id: None,
        }));
        let mut nobody = Visitor::new(&app);
        let refused = eid_sign_in(&mut nobody).await;
        assert_eq!(refused.status(), StatusCode::CONFLICT);
        assert!(
            refused
                .text()
                .await
                .unwrap()
                .contains("số định danh cá nhân")
        );
    }
}

/// The e-ID client follows the provider's key rotation (a token signed by a key it has
/// not seen makes it read the keys again, once) and tolerates a provider clock a little
/// off, not a token expired or issued minutes ahead (item 17 of the security review).
#[tokio::test]
async fn e_id_follows_key_rotation_and_tolerates_small_clock_skew() {
    for backend in backends() {
        let provider = OidcProvider::start().await;
        let app =
            TestApp::start_with(backend, |c| with_eid(c, &provider), Default::default()).await;
        provider.sign_in_as(Some(Person {
            subject: "vneid-lan".into(),
            name: "Phan Thị Lan".into(),
            citizen_id: Some("056198005555".into()),
        }));
        let sign_in = || async {
            let mut visitor = Visitor::new(&app);
            let status = eid_sign_in(&mut visitor).await.status();
            (status, signed_in(&mut visitor).await)
        };
        // The client now holds the first key.
        assert_eq!(
            sign_in().await,
            (StatusCode::SEE_OTHER, true),
            "{backend:?}"
        );
        provider.rotate();
        assert_eq!(
            sign_in().await,
            (StatusCode::SEE_OTHER, true),
            "{backend:?}: a rotated key is fetched"
        );
        for (skew, accepted) in [(-30, true), (30, true), (-400, false), (300, false)] {
            provider.tamper(Some(Tamper::Clock(skew)));
            let (status, inside) = sign_in().await;
            assert_eq!(inside, accepted, "{backend:?}: provider clock {skew:+} s");
            let expected = if accepted {
                StatusCode::SEE_OTHER
            } else {
                StatusCode::UNAUTHORIZED
            };
            assert_eq!(status, expected, "{backend:?}: provider clock {skew:+} s");
        }
        provider.tamper(None);
    }
}

#[tokio::test]
async fn password_reset_reveals_nothing_and_ends_every_session() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let mut old_device = Visitor::new(&app);
        assert_eq!(
            old_device.sign_in(CITIZEN, PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        let (an, _) = db.account_for_sign_in(CITIZEN).await.unwrap().unwrap();
        let (token, _) = db
            .create_api_token(an.id, "cũ", &["account:read"], 3_600_000_000)
            .await
            .unwrap();
        let me = |token: String| {
            let url = app.url("/api/v1/me");
            async move {
                common::raw_client()
                    .get(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        assert_eq!(me(token.clone()).await, StatusCode::OK);

        // The same answer for an address with an account and one without.
        let mut someone = Visitor::new(&app);
        let csrf = csrf_in(&someone.get("/quen-mat-khau").await.text().await.unwrap());
        let mut answers = Vec::new();
        for (typed, known) in [
            (CITIZEN_EMAIL, true),
            ("khong.co@congdan.example", false),
            ("0905 123 456", true),
            ("0905 999 999", false),
        ] {
            let response = someone
                .post("/quen-mat-khau", &[("_csrf", &csrf), ("dinh_danh", typed)])
                .await;
            let status = response.status();
            let national = typed.replace(' ', "");
            let body = response
                .text()
                .await
                .unwrap()
                .replace(typed, "X")
                .replace(&national, "X");
            answers.push((known, status, body));
        }
        assert_eq!(answers[0].1, StatusCode::OK);
        assert_eq!(answers[0].1, answers[1].1);
        assert_eq!(answers[0].2, answers[1].2, "e-mail answers differ");
        assert_eq!(answers[2].1, answers[3].1);
        assert_eq!(answers[2].2, answers[3].2, "phone answers differ");
        assert!(
            last_message_to(&db, "khong.co@congdan.example")
                .await
                .is_none()
        );
        // Asking again at once is quietly refused, with the same answer.
        let again = someone
            .post(
                "/quen-mat-khau",
                &[("_csrf", &csrf), ("dinh_danh", CITIZEN_EMAIL)],
            )
            .await;
        assert_eq!(again.status(), StatusCode::OK);
        let garbage = someone
            .post(
                "/quen-mat-khau",
                &[("_csrf", &csrf), ("dinh_danh", "không phải")],
            )
            .await;
        assert_eq!(garbage.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // The e-mail link: a weak password keeps the link usable; a good one sets it.
        let mail = last_message_to(&db, CITIZEN_EMAIL).await.expect("a mail");
        let link = mail
            .lines()
            .find(|l| l.contains("/dat-lai-mat-khau?ma="))
            .unwrap()
            .trim();
        let path = &link[link.find("/dat-lai-mat-khau").unwrap()..];
        let form = someone.get(path).await.text().await.unwrap();
        let mut fields = form_fields(&form, "/dat-lai-mat-khau");
        set_field(&mut fields, "mat_khau", "ngan");
        let weak = someone.post_pairs("/dat-lai-mat-khau", &fields).await;
        assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
        set_field(&mut fields, "mat_khau", "mat-khau-moi-2026");
        let set = someone.post_pairs("/dat-lai-mat-khau", &fields).await;
        assert_eq!(set.status(), StatusCode::OK, "{backend:?}");
        assert!(set.text().await.unwrap().contains("Đã đặt mật khẩu mới"));
        assert!(
            !signed_in(&mut old_device).await,
            "sessions end with the reset"
        );
        assert_eq!(
            me(token.clone()).await,
            StatusCode::UNAUTHORIZED,
            "{backend:?}: API tokens end with the reset"
        );
        let reused = someone.post_pairs("/dat-lai-mat-khau", &fields).await;
        assert_eq!(
            reused.status(),
            StatusCode::UNAUTHORIZED,
            "a link works once"
        );
        let mut fresh = Visitor::new(&app);
        assert_eq!(
            fresh.sign_in(CITIZEN, PASSWORD).await.status(),
            StatusCode::UNAUTHORIZED
        );
        let mut fresh = Visitor::new(&app);
        assert_eq!(
            fresh.sign_in(CITIZEN, "mat-khau-moi-2026").await.status(),
            StatusCode::SEE_OTHER
        );

        // The SMS code: a wrong code is refused with attempts left; the right one works.
        let sms = last_message_to(&db, CITIZEN_PHONE).await.expect("an SMS");
        let code = six_digits(&sms);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let attempt = |code: &str| {
            vec![
                ("_csrf".to_string(), csrf.clone()),
                ("dinh_danh".to_string(), "0905 123 456".to_string()),
                ("ma".to_string(), code.to_string()),
                ("mat_khau".to_string(), "mat-khau-thu-ba".to_string()),
            ]
        };
        let refused = someone
            .post_pairs("/dat-lai-mat-khau", &attempt(wrong))
            .await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        assert!(refused.text().await.unwrap().contains("còn"));
        let accepted = someone
            .post_pairs("/dat-lai-mat-khau", &attempt(&code))
            .await;
        assert_eq!(accepted.status(), StatusCode::OK);
        let mut third = Visitor::new(&app);
        assert_eq!(
            third.sign_in(CITIZEN, "mat-khau-thu-ba").await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM security_event WHERE kind = 'password_reset'"
            )
            .await,
            2
        );
    }
}

/// The secret shown once on the token page.
fn new_secret(html: &str) -> String {
    html.split("id=\"khoa-moi\">")
        .nth(1)
        .expect("the new token")
        .split('<')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn api_tokens_are_hashed_scoped_expiring_and_revocable() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let mut an = Visitor::new(&app);
        an.sign_in(CITIZEN, PASSWORD).await;
        let csrf = csrf_in(&an.get("/tai-khoan/khoa-api").await.text().await.unwrap());

        let invalid = an
            .post(
                "/tai-khoan/khoa-api",
                &[("_csrf", &csrf), ("thoi_han", "7")],
            )
            .await;
        assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = invalid.text().await.unwrap();
        for field in ["ten-loi", "pham_vi-loi", "thoi_han-loi"] {
            assert!(html.contains(field), "{field}");
        }

        let created = an
            .post(
                "/tai-khoan/khoa-api",
                &[
                    ("_csrf", &csrf),
                    ("ten", "Phần mềm kế toán"),
                    ("pham_vi", "account:read"),
                    ("thoi_han", "30"),
                    ("mat_khau", PASSWORD),
                ],
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED, "{backend:?}");
        let secret = new_secret(&created.text().await.unwrap());
        assert!(secret.starts_with("mct_") && secret.len() > 60);
        let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM api_token")
            .fetch_all(db.pool())
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0], secret, "only a hash is kept");
        assert!(
            !an.get("/tai-khoan/khoa-api")
                .await
                .text()
                .await
                .unwrap()
                .contains(&secret),
            "shown once"
        );

        let client = reqwest::Client::new();
        let me = |token: Option<&str>| {
            let mut request = client.get(app.url("/api/v1/me"));
            if let Some(token) = token {
                request = request.header(AUTHORIZATION, format!("Bearer {token}"));
            }
            request.send()
        };
        let ok = me(Some(&secret)).await.unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
        let body: serde_json::Value = ok.json().await.unwrap();
        assert_eq!(body["full_name"], "Nguyễn Văn An");
        assert_eq!(body["scopes"], serde_json::json!(["account:read"]));

        let missing = me(None).await.unwrap();
        assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
        assert!(
            missing.headers()[WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
        let body: serde_json::Value = missing.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized");
        assert_eq!(
            me(Some("mct_doan-bua")).await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
        // A browser session is not a token.
        assert_eq!(
            an.get("/api/v1/me").await.status(),
            StatusCode::UNAUTHORIZED
        );

        // Another scope does not open this route.
        let narrow = an
            .post(
                "/tai-khoan/khoa-api",
                &[
                    ("_csrf", &csrf),
                    ("ten", "Chỉ đọc hồ sơ"),
                    ("pham_vi", "dossiers:read"),
                    ("thoi_han", "90"),
                    ("mat_khau", PASSWORD),
                ],
            )
            .await;
        let narrow = new_secret(&narrow.text().await.unwrap());
        let refused = me(Some(&narrow)).await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(
            refused.headers()[WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .contains("insufficient_scope")
        );

        // Expired.
        sqlx::query("UPDATE api_token SET expires_at = 1 WHERE name = 'Chỉ đọc hồ sơ'")
            .execute(db.pool())
            .await
            .unwrap();
        let expired = me(Some(&narrow)).await.unwrap();
        assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
        assert!(
            expired.headers()[WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .contains("expired")
        );

        // Revoked: by its owner only.
        let id: i64 =
            sqlx::query_scalar("SELECT id FROM api_token WHERE name = 'Phần mềm kế toán'")
                .fetch_one(db.pool())
                .await
                .unwrap();
        let revoke = format!("/tai-khoan/khoa-api/{id}/thu-hoi");
        let (mut other, other_csrf) = minted_session(&app, &db, "4201234566", false).await;
        assert_eq!(
            other
                .post(&revoke, &[("_csrf", &other_csrf)])
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(me(Some(&secret)).await.unwrap().status(), StatusCode::OK);
        let revoked = an.post(&revoke, &[("_csrf", &csrf)]).await;
        assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
        let after = me(Some(&secret)).await.unwrap();
        assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
        assert!(
            after.headers()[WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .contains("revoked")
        );
        assert_eq!(
            an.post(&revoke, &[("_csrf", &csrf)]).await.status(),
            StatusCode::NOT_FOUND
        );
        assert!(
            an.get("/tai-khoan/khoa-api")
                .await
                .text()
                .await
                .unwrap()
                .contains("đã thu hồi")
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM security_event WHERE kind = 'token_created'"
            )
            .await,
            2
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM security_event WHERE kind = 'token_revoked'"
            )
            .await,
            1
        );
    }
}

#[tokio::test]
async fn the_profile_keeps_preferences_and_takes_a_deletion_request() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let mut an = Visitor::new(&app);
        an.sign_in(CITIZEN, PASSWORD).await;
        let page = an.get("/tai-khoan/ho-so").await.text().await.unwrap();
        assert!(
            page.contains("0905123456") && page.contains("đã xác nhận"),
            "{page}"
        );
        assert!(page.contains("Mật khẩu"));
        let csrf = csrf_in(&page);

        let long = "x".repeat(301);
        let refused = an
            .post("/tai-khoan/ho-so", &[("_csrf", &csrf), ("dia_chi", &long)])
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let saved = an
            .post(
                "/tai-khoan/ho-so",
                &[
                    ("_csrf", &csrf),
                    ("dia_chi", "  12 Trần Phú,   phường Nha Trang "),
                    ("bao_email", "1"),
                ],
            )
            .await;
        assert_eq!(saved.status(), StatusCode::OK, "{backend:?}");
        let account = db.account_by_citizen_id(CITIZEN).await.unwrap().unwrap();
        let profile = db.profile(account.id).await.unwrap();
        assert_eq!(
            profile.address.as_deref(),
            Some("12 Trần Phú, phường Nha Trang")
        );
        assert!(profile.notify_by_email && !profile.notify_by_sms);

        let unconfirmed = an
            .post("/tai-khoan/yeu-cau-xoa", &[("_csrf", &csrf), ("xoa", "1")])
            .await;
        assert_eq!(unconfirmed.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            db.profile(account.id)
                .await
                .unwrap()
                .deletion_requested_at
                .is_none()
        );
        let asked = an
            .post(
                "/tai-khoan/yeu-cau-xoa",
                &[("_csrf", &csrf), ("xoa", "1"), ("dong_y", "1")],
            )
            .await;
        assert_eq!(asked.status(), StatusCode::SEE_OTHER);
        assert!(
            db.profile(account.id)
                .await
                .unwrap()
                .deletion_requested_at
                .is_some()
        );
        assert_eq!(db.deletion_requests().await.unwrap().len(), 1);
        an.post("/tai-khoan/yeu-cau-xoa", &[("_csrf", &csrf), ("xoa", "0")])
            .await;
        assert!(db.deletion_requests().await.unwrap().is_empty());
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM security_event WHERE kind IN ('deletion_requested', 'deletion_withdrawn')"
            )
            .await,
            2
        );
    }
}

#[tokio::test]
async fn agency_administrators_change_roles_within_their_scope() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let (mut admin, csrf) = minted_session(&app, &db, "quantri@nhatrang.example", true).await;
        let page = admin.get("/quan-tri/can-bo").await.text().await.unwrap();
        assert!(page.contains("tiepnhan@nhatrang.example"));
        assert!(
            !page.contains("lanhdao@khanhhoa.example"),
            "officials of the province are outside the commune's scope"
        );
        let nha_trang = db
            .agency_by_code("000.01.66.H34")
            .await
            .unwrap()
            .unwrap()
            .id;
        let province = db
            .agency_by_code("000.00.00.H34")
            .await
            .unwrap()
            .unwrap()
            .id;
        let volunteer = db
            .account_by_email("tinhnguyen@nhatrang.example")
            .await
            .unwrap()
            .unwrap();
        let grant = |email: &'static str, role: &'static str, agency: i64| {
            vec![
                ("_csrf".to_string(), csrf.clone()),
                ("email".to_string(), email.to_string()),
                ("vai_tro".to_string(), role.to_string()),
                ("co_quan".to_string(), agency.to_string()),
            ]
        };
        for (form, field) in [
            (
                grant("tinhnguyen@nhatrang.example", "reception", province),
                "co_quan-loi",
            ),
            (
                grant("tinhnguyen@nhatrang.example", "system_admin", nha_trang),
                "vai_tro-loi",
            ),
            (
                grant("quantri@nhatrang.example", "leader", nha_trang),
                "email-loi",
            ),
            (
                grant("an.nguyen@congdan.example", "reception", nha_trang),
                "email-loi",
            ),
        ] {
            let refused = admin.post_pairs("/quan-tri/can-bo", &form).await;
            assert_eq!(
                refused.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field}"
            );
            assert!(refused.text().await.unwrap().contains(field), "{field}");
        }
        let granted = admin
            .post_pairs(
                "/quan-tri/can-bo",
                &grant("tinhnguyen@nhatrang.example", "reception", nha_trang),
            )
            .await;
        assert_eq!(granted.status(), StatusCode::OK, "{backend:?}");
        let roles = db.roles_of(volunteer.id).await.unwrap();
        assert!(
            roles
                .iter()
                .any(|r| r.role == "reception" && r.agency_id == Some(nha_trang))
        );

        let outside = admin
            .post(
                "/quan-tri/can-bo/thu-hoi",
                &[
                    ("_csrf", &csrf),
                    ("tai_khoan", &volunteer.id.to_string()),
                    ("vai_tro", "leader"),
                    ("co_quan", &province.to_string()),
                ],
            )
            .await;
        assert_eq!(outside.status(), StatusCode::FORBIDDEN);
        let revoked = admin
            .post(
                "/quan-tri/can-bo/thu-hoi",
                &[
                    ("_csrf", &csrf),
                    ("tai_khoan", &volunteer.id.to_string()),
                    ("vai_tro", "reception"),
                    ("co_quan", &nha_trang.to_string()),
                ],
            )
            .await;
        assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
        assert!(
            !db.roles_of(volunteer.id)
                .await
                .unwrap()
                .iter()
                .any(|r| r.role == "reception")
        );
        let events: Vec<(Option<i64>, String, String)> = sqlx::query_as(
            "SELECT account_id, kind, detail FROM security_event WHERE kind LIKE 'role_%' ORDER BY id",
        )
        .fetch_all(db.pool())
        .await
        .unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].0, Some(volunteer.id));
        assert_eq!(events[0].1, "role_granted");
        assert!(events[0].2.contains("Tiếp nhận hồ sơ"), "{}", events[0].2);
        assert_eq!(events[1].1, "role_revoked");
        // The system administrator sees the log entries.
        let (mut root, _) = minted_session(&app, &db, "admin@motcua.example", true).await;
        let log = root
            .get("/quan-tri/nhat-ky-bao-mat")
            .await
            .text()
            .await
            .unwrap();
        assert!(log.contains("Giao vai trò") && log.contains("Thu hồi vai trò"));
    }
}

#[tokio::test]
async fn dossier_scope_follows_applicants_roles_and_agencies() {
    use motcua_web::auth::Actor;
    use motcua_web::auth::policy::{dossier_scope, may_see_dossier};
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let version: i64 = sqlx::query_scalar("SELECT MIN(id) FROM procedure_version")
            .fetch_one(db.pool())
            .await
            .unwrap();
        let agency = |code: &'static str| {
            let db = db.clone();
            async move { db.agency_by_code(code).await.unwrap().unwrap().id }
        };
        let an = db.account_by_citizen_id(CITIZEN).await.unwrap().unwrap();
        let org = db
            .account_by_email("lienhe@bienxanh.example")
            .await
            .unwrap()
            .unwrap();
        let mut dossiers = Vec::new();
        for (code, agency_code, applicant) in [
            ("D-NHATRANG-AN", "000.01.66.H34", Some(an.id)),
            ("D-CAMRANH-ORG", "000.02.66.H34", Some(org.id)),
            ("D-TUPHAP-COUNTER", "000.00.18.H34", None),
        ] {
            let (dossier, _) = db
                .create_dossier(&NewDossier {
                    code,
                    procedure_version_id: version,
                    agency_id: agency(agency_code).await,
                    applicant_id: applicant,
                    channel: "online",
                    state: "submitted",
                    form_data: "{}",
                    priority: 0,
                    actor_id: applicant,
                    action: "submit",
                })
                .await
                .unwrap();
            dossiers.push(dossier);
        }
        let principal = |account: motcua_store::accounts::Account| {
            let db = db.clone();
            async move {
                let roles = db.roles_of(account.id).await.unwrap();
                Actor { account, roles }
            }
        };
        let by_email = |email: &'static str| {
            let db = db.clone();
            async move { db.account_by_email(email).await.unwrap().unwrap() }
        };
        let expectations: Vec<(&str, Actor, [bool; 3])> = vec![
            (
                "citizen (represents the organisation)",
                principal(an.clone()).await,
                [true, true, false],
            ),
            (
                "organisation",
                principal(org.clone()).await,
                [false, true, false],
            ),
            (
                "reception",
                principal(by_email("tiepnhan@nhatrang.example").await).await,
                [true, false, false],
            ),
            (
                "specialist",
                principal(by_email("chuyenvien@nhatrang.example").await).await,
                [true, false, false],
            ),
            (
                "commune leader",
                principal(by_email("lanhdao@nhatrang.example").await).await,
                [true, false, false],
            ),
            (
                "province leader",
                principal(by_email("lanhdao@khanhhoa.example").await).await,
                [true, true, true],
            ),
            (
                "agency admin",
                principal(by_email("quantri@nhatrang.example").await).await,
                [false, false, false],
            ),
            (
                "volunteer",
                principal(by_email("tinhnguyen@nhatrang.example").await).await,
                [false, false, false],
            ),
            (
                "system admin",
                principal(by_email("admin@motcua.example").await).await,
                [false, false, false],
            ),
        ];
        for (name, who, expected) in expectations {
            let scope = dossier_scope(&db, &who).await.unwrap();
            for (dossier, allowed) in dossiers.iter().zip(expected) {
                assert_eq!(
                    scope.covers(dossier),
                    allowed,
                    "{backend:?}: {name} / {}",
                    dossier.code
                );
                assert_eq!(
                    may_see_dossier(&db, &who, dossier).await.unwrap(),
                    allowed,
                    "{name} / {}",
                    dossier.code
                );
            }
        }
    }
}
