//! The one-stop back office over HTTP, on SQLite and PostgreSQL: the reception queue,
//! reception decisions with their forms, the workflow from the desk to the specialist,
//! the leader and back, results returned electronically, concurrent actions (issue:
//! one-stop back office).

mod common;

use common::visitor::{Visitor, minted_session};
use common::{TestApp, backends};
use motcua_store::Db;
use reqwest::StatusCode;

const CITIZEN: &str = "an.nguyen@congdan.example";
const DESK: &str = "tiepnhan@nhatrang.example";
const SPECIALIST: &str = "chuyenvien@nhatrang.example";
const LEADER: &str = "lanhdao@nhatrang.example";
const VOLUNTEER: &str = "tinhnguyen@nhatrang.example";
const MARITAL_STATUS: &str = "1.004873";

/// An files a marital status certificate online (a complete draft, submitted through
/// the portal); returns the dossier code.
async fn file(db: &Db, an: &mut Visitor, an_csrf: &str) -> String {
    let draft = common::marital_draft(db).await;
    let submitted = an
        .post(
            &format!("/ho-so-nhap/{}/nop", draft.public_id),
            &[("_csrf", an_csrf)],
        )
        .await;
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
    let to = submitted.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    to.trim_start_matches("/ho-so/")
        .trim_end_matches("/da-nop")
        .to_string()
}

/// Posts a back-office action on a dossier at its current version.
async fn act(
    db: &Db,
    official: &mut Visitor,
    csrf: &str,
    code: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let version = db
        .dossier_by_code(code)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    let mut all = vec![("_csrf", csrf), ("_version", version.as_str())];
    all.extend_from_slice(fields);
    official
        .post(&format!("/can-bo/ho-so/{code}/thao-tac"), &all)
        .await
}

async fn state_of(db: &Db, code: &str) -> String {
    db.dossier_by_code(code)
        .await
        .unwrap()
        .unwrap()
        .state
        .as_str()
        .to_string()
}

async fn text(visitor: &mut Visitor, path: &str) -> (StatusCode, String) {
    let response = visitor.get(path).await;
    (response.status(), response.text().await.unwrap())
}

fn a_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

#[tokio::test]
async fn a_dossier_goes_from_the_desk_to_the_leader_and_back_to_the_citizen() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let (mut an, an_csrf) = minted_session(&app, &db, CITIZEN, false).await;
        let (mut desk, desk_csrf) = minted_session(&app, &db, DESK, true).await;
        let (mut specialist, specialist_csrf) = minted_session(&app, &db, SPECIALIST, true).await;
        let (mut leader, leader_csrf) = minted_session(&app, &db, LEADER, true).await;
        let code = file(&db, &mut an, &an_csrf).await;

        // The queue: online dossiers first, marked as priority.
        let (status, queue) = text(&mut desk, "/can-bo/ho-so").await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            queue.contains(&code) && queue.contains("ưu tiên"),
            "{queue}"
        );
        let (_, waiting) = text(&mut desk, "/can-bo/ho-so?trang_thai=submitted").await;
        assert!(waiting.contains(&code));
        let (_, counted) = text(&mut desk, "/can-bo/ho-so?trang_thai=returned").await;
        assert!(!counted.contains(&format!("data-code=\"{code}\"")));

        // Volunteers and citizens do not reach the back office.
        let (mut volunteer, _) = minted_session(&app, &db, VOLUNTEER, true).await;
        assert_eq!(
            volunteer
                .get(&format!("/can-bo/ho-so/{code}"))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            an.get("/can-bo/ho-so").await.status(),
            StatusCode::FORBIDDEN
        );

        // The desk asks for more: an empty request is refused field by field.
        let empty = act(
            &db,
            &mut desk,
            &desk_csrf,
            &code,
            &[("thao_tac", "request_supplement")],
        )
        .await;
        assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let asked = act(
            &db,
            &mut desk,
            &desk_csrf,
            &code,
            &[
                ("thao_tac", "request_supplement"),
                ("danh_sach", "Bản sao sổ hộ khẩu\nẢnh chân dung 4x6"),
                ("truong", "muc_dich"),
                ("ghi_chu", "Mục đích ghi chưa rõ"),
            ],
        )
        .await;
        assert_eq!(asked.status(), StatusCode::SEE_OTHER);
        assert_eq!(state_of(&db, &code).await, "awaiting_supplementation");
        // Form 02, for the applicant and the desk.
        let form02 = an.get(&format!("/ho-so/{code}/mau/02.pdf")).await;
        assert_eq!(form02.status(), StatusCode::OK);
        assert_eq!(form02.headers()["content-type"], "application/pdf");
        let form02 = desk.get(&format!("/can-bo/ho-so/{code}/mau/02.docx")).await;
        assert_eq!(form02.status(), StatusCode::OK);
        let words = common::documents::docx_words(&form02.bytes().await.unwrap()).join(" ");
        assert!(
            words.contains("1. Bản sao sổ hộ khẩu")
                && words.contains("Khai lại các mục của tờ khai: Mục đích"),
            "{words}"
        );
        // Not yet received: no form 01.
        assert_eq!(
            an.get(&format!("/ho-so/{code}/mau/01.pdf")).await.status(),
            StatusCode::NOT_FOUND
        );

        // The citizen corrects the marked answer.
        let (_, page) = text(&mut an, &format!("/ho-so/{code}")).await;
        assert!(page.contains("Chờ bổ sung hồ sơ"));
        let version = db
            .dossier_by_code(&code)
            .await
            .unwrap()
            .unwrap()
            .version
            .to_string();
        let supplied = an
            .post(
                &format!("/ho-so/{code}/bo-sung"),
                &[
                    ("_csrf", &an_csrf),
                    ("_version", &version),
                    ("muc_dich", "Để mua bán, chuyển nhượng tài sản"),
                ],
            )
            .await;
        assert_eq!(supplied.status(), StatusCode::SEE_OTHER);
        assert_eq!(state_of(&db, &code).await, "submitted");

        // A second request is warned about: the law allows one.
        let again = act(
            &db,
            &mut desk,
            &desk_csrf,
            &code,
            &[
                ("thao_tac", "request_supplement"),
                ("danh_sach", "Giấy tờ khác"),
            ],
        )
        .await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.text().await.unwrap().contains("một lần"));
        let (_, desk_page) = text(&mut desk, &format!("/can-bo/ho-so/{code}")).await;
        assert!(
            desk_page.contains("đã được yêu cầu bổ sung một lần"),
            "the page warns before a second request"
        );

        // Received: the clock starts, the register takes an entry, form 01 exists.
        let received = act(
            &db,
            &mut desk,
            &desk_csrf,
            &code,
            &[("thao_tac", "receive")],
        )
        .await;
        assert_eq!(received.status(), StatusCode::SEE_OTHER);
        let dossier = db.dossier_by_code(&code).await.unwrap().unwrap();
        assert_eq!(dossier.state, "received");
        assert!(dossier.due_at.unwrap() > dossier.received_at.unwrap());
        assert_eq!(dossier.register_no, Some(1));
        let form01 = an.get(&format!("/ho-so/{code}/mau/01.docx")).await;
        assert_eq!(form01.status(), StatusCode::OK);
        let words = common::documents::docx_words(&form01.bytes().await.unwrap()).join(" ");
        assert!(words.contains("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ") && words.contains(&code));
        assert!(
            words.contains("Số thứ tự 1") && words.contains("3 ngày làm việc"),
            "{words}"
        );
        let (_, citizen_view) = text(&mut an, &format!("/ho-so/{code}")).await;
        assert!(citizen_view.contains("Đã tiếp nhận"));
        assert!(
            citizen_view.contains(&format!("/ho-so/{code}/mau/01.pdf")),
            "the citizen gets form 01"
        );

        // To the specialist, named.
        let cuong = db.account_for_sign_in(SPECIALIST).await.unwrap().unwrap().0;
        let passed = act(
            &db,
            &mut desk,
            &desk_csrf,
            &code,
            &[("thao_tac", "pass_on"), ("giao_cho", &cuong.id.to_string())],
        )
        .await;
        assert_eq!(passed.status(), StatusCode::SEE_OTHER);
        let dossier = db.dossier_by_code(&code).await.unwrap().unwrap();
        assert_eq!(
            (dossier.state.as_str(), dossier.holder_id),
            ("in_processing", Some(cuong.id))
        );
        let (_, mine) = text(&mut specialist, "/can-bo/ho-so?cua_toi=1").await;
        assert!(mine.contains(&code));

        // An internal note stays internal; a message reaches the citizen.
        for (body, audience) in [
            ("Đã đối chiếu dữ liệu hộ tịch", "officials"),
            ("Hồ sơ đang được thẩm định", "applicant"),
        ] {
            let noted = specialist
                .post(
                    &format!("/can-bo/ho-so/{code}/ghi-chu"),
                    &[
                        ("_csrf", &specialist_csrf),
                        ("noi_dung", body),
                        ("gui_toi", audience),
                    ],
                )
                .await;
            assert_eq!(noted.status(), StatusCode::SEE_OTHER);
        }
        let (_, citizen_view) = text(&mut an, &format!("/ho-so/{code}")).await;
        assert!(citizen_view.contains("Hồ sơ đang được thẩm định"));
        assert!(!citizen_view.contains("Đã đối chiếu dữ liệu hộ tịch"));

        // The result document, checked by content.
        let result_form = |bytes: Vec<u8>, name: &str| {
            reqwest::multipart::Form::new()
                .text("_csrf", specialist_csrf.clone())
                .text("ten", "Giấy xác nhận tình trạng hôn nhân")
                .part(
                    "tep",
                    reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
                )
        };
        let post_result = |form| {
            specialist
                .client
                .post(app.url(&format!("/can-bo/ho-so/{code}/ket-qua")))
                .header(
                    reqwest::header::COOKIE,
                    format!("motcua_sid={}", specialist.cookie.clone().unwrap()),
                )
                .multipart(form)
                .send()
        };
        let exe = post_result(result_form(
            b"MZ\x90\x00\x03\x00\x00\x00".to_vec(),
            "ket-qua.pdf",
        ))
        .await
        .unwrap();
        assert_eq!(exe.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let added = post_result(result_form(a_pdf(), "ket-qua.pdf"))
            .await
            .unwrap();
        assert_eq!(added.status(), StatusCode::SEE_OTHER);

        // The specialist cannot approve; passing on submits to the leader.
        let approve = act(
            &db,
            &mut specialist,
            &specialist_csrf,
            &code,
            &[("thao_tac", "approve")],
        )
        .await;
        assert_eq!(approve.status(), StatusCode::CONFLICT);
        let submitted = act(
            &db,
            &mut specialist,
            &specialist_csrf,
            &code,
            &[("thao_tac", "pass_on")],
        )
        .await;
        assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
        assert_eq!(state_of(&db, &code).await, "awaiting_approval");
        let approved = act(
            &db,
            &mut leader,
            &leader_csrf,
            &code,
            &[("thao_tac", "pass_on")],
        )
        .await;
        assert_eq!(approved.status(), StatusCode::SEE_OTHER);
        assert_eq!(state_of(&db, &code).await, "result_ready");

        // Returned by post needs the tracking number; electronically it needs a result.
        let by_post = act(
            &db,
            &mut desk,
            &desk_csrf,
            &code,
            &[("thao_tac", "return_result"), ("hinh_thuc", "post")],
        )
        .await;
        assert_eq!(by_post.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let returned = act(
            &db,
            &mut desk,
            &desk_csrf,
            &code,
            &[("thao_tac", "return_result"), ("hinh_thuc", "electronic")],
        )
        .await;
        assert_eq!(returned.status(), StatusCode::SEE_OTHER);
        let dossier = db.dossier_by_code(&code).await.unwrap().unwrap();
        assert_eq!(dossier.state, "returned");
        assert!(dossier.finished_at.is_some());
        assert!(
            matches!(dossier.timeliness.as_deref(), Some("early" | "on_time")),
            "{:?}",
            dossier.timeliness
        );

        // The citizen downloads the result; it is in their document store.
        let (_, citizen_view) = text(&mut an, &format!("/ho-so/{code}")).await;
        assert!(citizen_view.contains("Đã trả kết quả"));
        let results = db.results(dossier.id).await.unwrap();
        let download = an
            .get(&format!("/ho-so/{code}/ket-qua/{}", results[0].id))
            .await;
        assert_eq!(download.status(), StatusCode::OK);
        assert_eq!(download.bytes().await.unwrap().to_vec(), a_pdf());
        let (_, store) = text(&mut an, "/tai-khoan/giay-to").await;
        assert!(
            store.contains("Giấy xác nhận tình trạng hôn nhân"),
            "{store}"
        );

        // Every step is in the history, which verifies; form 06 lists the hand-overs.
        let actions: Vec<String> = db
            .dossier_events(dossier.id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            [
                "submit",
                "request_supplement",
                "supplement",
                "receive",
                "start_processing",
                "submit_for_approval",
                "approve",
                "return_result"
            ]
        );
        assert!(matches!(
            db.verify_dossier_chain(dossier.id).await.unwrap(),
            motcua_store::dossiers::ChainVerdict::Intact { events: 8 }
        ));
        let form06 = desk.get(&format!("/can-bo/ho-so/{code}/mau/06.docx")).await;
        assert_eq!(form06.status(), StatusCode::OK);
        let words = common::documents::docx_words(&form06.bytes().await.unwrap()).join(" ");
        assert!(
            words.contains("Lê Văn Cường")
                && words.contains("Phạm Thị Dung")
                && words.contains("Người nộp hồ sơ"),
            "{words}"
        );
        assert_eq!(
            an.get(&format!("/ho-so/{code}/mau/06.pdf")).await.status(),
            StatusCode::NOT_FOUND
        );
    }
}

/// Sends 50 actions at once on one dossier at the same version, the `i`-th with the
/// fields `fields(i)`; returns how many moved it and how many got a conflict.
async fn race(
    app: &TestApp,
    official: &Visitor,
    csrf: &str,
    code: &str,
    version: i64,
    fields: impl Fn(usize) -> Vec<(&'static str, String)>,
) -> (usize, usize) {
    let mut tasks = Vec::new();
    for i in 0..50 {
        let client = official.client.clone();
        let cookie = format!("motcua_sid={}", official.cookie.clone().unwrap());
        let url = app.url(&format!("/can-bo/ho-so/{code}/thao-tac"));
        let mut form = vec![
            ("_csrf", csrf.to_string()),
            ("_version", version.to_string()),
        ];
        form.extend(fields(i));
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .header(reqwest::header::COOKIE, cookie)
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let moved = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    let conflicts = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!(moved + conflicts, 50, "{statuses:?}");
    (moved, conflicts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_conflicting_actions_make_one_transition() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let (mut an, an_csrf) = minted_session(&app, &db, CITIZEN, false).await;
        let (desk, desk_csrf) = minted_session(&app, &db, DESK, true).await;
        let (specialist, specialist_csrf) = minted_session(&app, &db, SPECIALIST, true).await;
        let (leader, leader_csrf) = minted_session(&app, &db, LEADER, true).await;
        let version = |code: String| {
            let db = &db;
            async move { db.dossier_by_code(&code).await.unwrap().unwrap().version }
        };

        // Receive, refuse and ask for more, all at once: one of them happens.
        let code = file(&db, &mut an, &an_csrf).await;
        let mixed = race(
            &app,
            &desk,
            &desk_csrf,
            &code,
            version(code.clone()).await,
            |i| match i % 3 {
                0 => vec![("thao_tac", "receive".into())],
                1 => vec![
                    ("thao_tac", "refuse".into()),
                    ("ly_do", "Không thuộc thẩm quyền".into()),
                ],
                _ => vec![
                    ("thao_tac", "request_supplement".into()),
                    ("danh_sach", "Tờ khai có chữ ký".into()),
                ],
            },
        )
        .await;
        assert_eq!(mixed, (1, 49), "{backend:?}");
        let dossier = db.dossier_by_code(&code).await.unwrap().unwrap();
        assert_eq!(db.dossier_events(dossier.id).await.unwrap().len(), 2);

        // Every step of a second dossier raced 50 times: one transition per step.
        let code = file(&db, &mut an, &an_csrf).await;
        let steps: [(&Visitor, &str, &str, &str); 4] = [
            (&desk, &desk_csrf, "receive", "received"),
            (&desk, &desk_csrf, "pass_on", "in_processing"),
            (
                &specialist,
                &specialist_csrf,
                "pass_on",
                "awaiting_approval",
            ),
            (&leader, &leader_csrf, "pass_on", "result_ready"),
        ];
        for (n, (official, csrf, action, reached)) in steps.into_iter().enumerate() {
            let at = version(code.clone()).await;
            let outcome = race(&app, official, csrf, &code, at, |_| {
                vec![("thao_tac", action.to_string())]
            })
            .await;
            assert_eq!(outcome, (1, 49), "{backend:?}: {action}");
            let dossier = db.dossier_by_code(&code).await.unwrap().unwrap();
            assert_eq!(dossier.state, reached);
            assert_eq!(dossier.version, at + 1);
            assert_eq!(db.dossier_events(dossier.id).await.unwrap().len(), n + 2);
        }
        let dossier = db.dossier_by_code(&code).await.unwrap().unwrap();
        assert!(matches!(
            db.verify_dossier_chain(dossier.id).await.unwrap(),
            motcua_store::dossiers::ChainVerdict::Intact { events: 5 }
        ));
    }
}

#[tokio::test]
async fn the_back_office_api_does_what_the_pages_do() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let (mut an, an_csrf) = minted_session(&app, &db, CITIZEN, false).await;
        let code = file(&db, &mut an, &an_csrf).await;
        let binh = db.account_for_sign_in(DESK).await.unwrap().unwrap().0;
        let (token, _) = db
            .create_api_token(
                binh.id,
                "phần mềm một cửa",
                &["desk:read", "desk:write"],
                3_600_000_000,
            )
            .await
            .unwrap();
        let client = reqwest::Client::new();
        let get = |path: String| client.get(app.url(&path)).bearer_auth(&token).send();
        let post = |path: String, body: serde_json::Value| {
            client
                .post(app.url(&path))
                .bearer_auth(&token)
                .json(&body)
                .send()
        };

        let queue: serde_json::Value = get("/api/v1/desk/dossiers?state=submitted".into())
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            queue["dossiers"][0]["code"],
            code.as_str(),
            "{backend:?}: {queue}"
        );
        assert_eq!(queue["counts"]["submitted"], 1);
        let detail: serde_json::Value = get(format!("/api/v1/desk/dossiers/{code}"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            detail["actions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == "receive")
        );
        let version = detail["version"].as_i64().unwrap();

        // Field errors by the API's names; stale versions and wrong actions are 409.
        let no_reason = post(
            format!("/api/v1/desk/dossiers/{code}/actions"),
            serde_json::json!({"version": version, "action": "refuse"}),
        )
        .await
        .unwrap();
        assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = no_reason.json().await.unwrap();
        assert_eq!(body["error"]["fields"][0]["field"], "reason", "{body}");
        let stale = post(
            format!("/api/v1/desk/dossiers/{code}/actions"),
            serde_json::json!({"version": version - 1, "action": "receive"}),
        )
        .await
        .unwrap();
        assert_eq!(stale.status(), StatusCode::CONFLICT);
        let body: serde_json::Value = stale.json().await.unwrap();
        // The fresh state, in words.
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("hiện ở trạng thái «Đã nộp, chờ tiếp nhận»"),
            "{body}"
        );
        let unknown = post(
            format!("/api/v1/desk/dossiers/{code}/actions"),
            serde_json::json!({"version": version, "action": "receive", "colour": "red"}),
        )
        .await
        .unwrap();
        assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let received = post(
            format!("/api/v1/desk/dossiers/{code}/actions"),
            serde_json::json!({"version": version, "action": "receive", "note": "Đủ hồ sơ"}),
        )
        .await
        .unwrap();
        assert_eq!(received.status(), StatusCode::OK);
        let received: serde_json::Value = received.json().await.unwrap();
        assert_eq!(received["state"], "received");
        assert!(received["due_at"].is_string());
        assert_eq!(received["forms"], serde_json::json!(["01", "06"]));
        let pdf = get(format!("/api/v1/desk/dossiers/{code}/forms/01.pdf"))
            .await
            .unwrap();
        assert_eq!(pdf.status(), StatusCode::OK);
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        let noted = post(
            format!("/api/v1/desk/dossiers/{code}/notes"),
            serde_json::json!({"body": "Hẹn trả tại quầy số 3", "audience": "applicant"}),
        )
        .await
        .unwrap();
        assert_eq!(noted.status(), StatusCode::CREATED);
        let again = post(
            format!("/api/v1/desk/dossiers/{code}/actions"),
            serde_json::json!({"version": version, "action": "receive"}),
        )
        .await
        .unwrap();
        assert_eq!(
            again.status(),
            StatusCode::CONFLICT,
            "a repeated receipt changes nothing"
        );

        // A citizen's token sees no back office; the OpenAPI document lists the routes.
        let an_account = db
            .account_by_citizen_id("056090001234")
            .await
            .unwrap()
            .unwrap();
        let (citizen_token, _) = db
            .create_api_token(an_account.id, "thử", &["desk:read"], 3_600_000_000)
            .await
            .unwrap();
        let outside = client
            .get(app.url(&format!("/api/v1/desk/dossiers/{code}")))
            .bearer_auth(&citizen_token)
            .send()
            .await
            .unwrap();
        assert_eq!(outside.status(), StatusCode::NOT_FOUND);
        let openapi = app.get_json("/api/v1/openapi.json").await;
        assert!(openapi["paths"]["/api/v1/desk/dossiers/{code}/actions"]["post"].is_object());
    }
}

#[tokio::test]
async fn a_counter_dossier_follows_a_custom_workflow_through_a_pause_and_a_transfer() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let (mut admin, admin_csrf) =
            minted_session(&app, &db, "quantri@nhatrang.example", true).await;
        let (mut desk, desk_csrf) = minted_session(&app, &db, DESK, true).await;
        let (mut specialist, specialist_csrf) = minted_session(&app, &db, SPECIALIST, true).await;
        let (mut leader, leader_csrf) = minted_session(&app, &db, LEADER, true).await;
        let (mut province, province_csrf) =
            minted_session(&app, &db, "lanhdao@khanhhoa.example", true).await;

        // The agency administrator sets a workflow with two specialist steps; shares
        // that do not add up to the legal time are refused.
        let (status, list) = text(&mut admin, "/quan-tri/quy-trinh").await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(list.contains("/quan-tri/quy-trinh/000.01.66.H34/1.004873"));
        let path = "/quan-tri/quy-trinh/000.01.66.H34/1.004873";
        let steps = |hours: [&'static str; 4]| {
            let mut form = vec![("_csrf", admin_csrf.as_str())];
            let names = [
                "Thẩm định hồ sơ",
                "Kiểm tra lại",
                "Phê duyệt",
                "Trả kết quả",
            ];
            let roles = ["specialist", "specialist", "leader", "reception_desk"];
            for i in 0..4 {
                form.extend([("ten", names[i]), ("vai_tro", roles[i]), ("gio", hours[i])]);
            }
            form
        };
        let wrong = admin.post(path, &steps(["12", "6", "3", "4"])).await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            wrong
                .text()
                .await
                .unwrap()
                .contains("phải bằng thời hạn giải quyết: 24 giờ")
        );
        let saved = admin.post(path, &steps(["12", "6", "3", "3"])).await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);

        // A paper dossier at the counter: the person, the procedure, the form, then
        // submitted from the desk, which goes on to receive it.
        let (status, _) = text(&mut desk, "/can-bo/tiep-nhan-truc-tiep").await;
        assert_eq!(status, StatusCode::OK);
        let opened = desk
            .post(
                "/can-bo/tiep-nhan-truc-tiep",
                &[
                    ("_csrf", &desk_csrf),
                    ("so_can_cuoc", "056090001234"),
                    ("thu_tuc", MARITAL_STATUS),
                    ("da_kiem_tra", "1"),
                ],
            )
            .await;
        assert_eq!(opened.status(), StatusCode::SEE_OTHER);
        let step_path = opened.headers()["location"].to_str().unwrap().to_string();
        let public_id = step_path.split('/').nth(2).unwrap().to_string();
        let draft = db.draft(&public_id).await.unwrap().unwrap();
        assert_eq!(draft.channel.as_deref(), Some("counter"));
        db.save_draft(
            draft.id,
            draft.version,
            &common::marital_answers("Để vay vốn ngân hàng"),
            &draft.current_step,
            3_600_000_000,
        )
        .await
        .unwrap();
        let submitted = desk
            .post(
                &format!("/ho-so-nhap/{public_id}/nop"),
                &[("_csrf", &desk_csrf)],
            )
            .await;
        assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
        let to = submitted.headers()["location"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(to.starts_with("/can-bo/ho-so/"), "{to}");
        let code = to.trim_start_matches("/can-bo/ho-so/").to_string();
        let dossier = db.dossier_by_code(&code).await.unwrap().unwrap();
        let binh = db.account_for_sign_in(DESK).await.unwrap().unwrap().0;
        assert_eq!(
            (dossier.channel.as_str(), dossier.filed_by),
            ("counter", Some(binh.id))
        );
        // The applicant follows it from their account.
        let (mut an, _) = minted_session(&app, &db, CITIZEN, false).await;
        assert_eq!(
            an.get(&format!("/ho-so/{code}")).await.status(),
            StatusCode::OK
        );
        assert_eq!(
            act(
                &db,
                &mut desk,
                &desk_csrf,
                &code,
                &[("thao_tac", "receive")]
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            act(
                &db,
                &mut desk,
                &desk_csrf,
                &code,
                &[("thao_tac", "pass_on")]
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );

        // Paused while the applicant acts: no due time; resumed: a later one.
        let before = db
            .dossier_by_code(&code)
            .await
            .unwrap()
            .unwrap()
            .due_at
            .unwrap();
        let paused = act(
            &db,
            &mut specialist,
            &specialist_csrf,
            &code,
            &[("thao_tac", "pause"), ("ly_do", "Chờ người nộp nộp lệ phí")],
        )
        .await;
        assert_eq!(paused.status(), StatusCode::SEE_OTHER);
        let dossier = db.dossier_by_code(&code).await.unwrap().unwrap();
        assert_eq!((dossier.state.as_str(), dossier.due_at), ("paused", None));
        let (_, page) = text(&mut specialist, &format!("/can-bo/ho-so/{code}")).await;
        assert!(page.contains("Đang dừng tính thời gian"));
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert_eq!(
            act(
                &db,
                &mut specialist,
                &specialist_csrf,
                &code,
                &[("thao_tac", "resume")]
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );
        let after = db
            .dossier_by_code(&code)
            .await
            .unwrap()
            .unwrap()
            .due_at
            .unwrap();
        assert!(after >= before, "the wait is not counted");

        // To the Department of Justice for its part; the province's leader hands it
        // back. While away, the own desk follows it without acting.
        let transferred = act(
            &db,
            &mut specialist,
            &specialist_csrf,
            &code,
            &[("thao_tac", "transfer"), ("co_quan", "000.00.18.H34")],
        )
        .await;
        assert_eq!(transferred.status(), StatusCode::SEE_OTHER);
        let (status, _) = text(&mut desk, &format!("/can-bo/ho-so/{code}")).await;
        assert_eq!(status, StatusCode::OK);
        let (_, queue) = text(&mut desk, "/can-bo/ho-so").await;
        assert!(
            !queue.contains(&format!("data-code=\"{code}\"")),
            "off the own queue while away"
        );
        let refused = act(
            &db,
            &mut specialist,
            &specialist_csrf,
            &code,
            &[("thao_tac", "pass_on")],
        )
        .await;
        assert_ne!(refused.status(), StatusCode::SEE_OTHER);
        let back = act(
            &db,
            &mut province,
            &province_csrf,
            &code,
            &[("thao_tac", "transfer_back"), ("ghi_chu", "Đã xác minh")],
        )
        .await;
        assert_eq!(back.status(), StatusCode::SEE_OTHER);

        // Two specialist steps: a hand-over, then the leader, who sends it back once.
        assert_eq!(
            act(
                &db,
                &mut specialist,
                &specialist_csrf,
                &code,
                &[("thao_tac", "pass_on")]
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );
        let dossier = db.dossier_by_code(&code).await.unwrap().unwrap();
        assert_eq!((dossier.state.as_str(), dossier.step), ("in_processing", 1));
        assert_eq!(
            act(
                &db,
                &mut specialist,
                &specialist_csrf,
                &code,
                &[("thao_tac", "pass_on")]
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(state_of(&db, &code).await, "awaiting_approval");
        let sent_back = act(
            &db,
            &mut leader,
            &leader_csrf,
            &code,
            &[
                ("thao_tac", "send_back"),
                ("ly_do", "Ghi rõ căn cứ xác minh"),
            ],
        )
        .await;
        assert_eq!(sent_back.status(), StatusCode::SEE_OTHER);
        let dossier = db.dossier_by_code(&code).await.unwrap().unwrap();
        assert_eq!((dossier.state.as_str(), dossier.step), ("in_processing", 1));
        assert_eq!(
            act(
                &db,
                &mut specialist,
                &specialist_csrf,
                &code,
                &[("thao_tac", "pass_on")]
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            act(
                &db,
                &mut leader,
                &leader_csrf,
                &code,
                &[("thao_tac", "pass_on")]
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );
        let posted = act(
            &db,
            &mut desk,
            &desk_csrf,
            &code,
            &[
                ("thao_tac", "return_result"),
                ("hinh_thuc", "post"),
                ("ma_buu_gui", "EB123456789VN"),
            ],
        )
        .await;
        assert_eq!(posted.status(), StatusCode::SEE_OTHER);
        assert_eq!(state_of(&db, &code).await, "returned");

        // Form 06 names the co-handling agency and every hand-over.
        let form06 = desk.get(&format!("/can-bo/ho-so/{code}/mau/06.docx")).await;
        let words = common::documents::docx_words(&form06.bytes().await.unwrap()).join(" ");
        assert!(
            words.contains("Cơ quan phối hợp giải quyết: Sở Tư pháp tỉnh Khánh Hòa"),
            "{words}"
        );
        assert!(
            words.contains("Kiểm tra lại") && words.contains("Trả lại để xử lý lại"),
            "{words}"
        );
        let actions: Vec<String> = db
            .dossier_events(dossier.id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            [
                "submit",
                "receive",
                "start_processing",
                "pause",
                "resume",
                "transfer",
                "transfer_back",
                "hand_over",
                "submit_for_approval",
                "send_back",
                "submit_for_approval",
                "approve",
                "return_result"
            ]
        );
    }
}
