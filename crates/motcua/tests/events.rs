//! The domain event stream through the real back-office path, on SQLite and
//! PostgreSQL: a dossier submitted, received, processed and returned writes exactly
//! its events in order, the applicant hears of each change that matters to them once,
//! and a dead letter is listed to system administrators and retried from its page.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::visitor::minted_session;
use common::{TestApp, backends};
use motcua_domain::dossier::{Command, ReturnChannel};
use motcua_store::Db;
use motcua_store::dossiers::{Dossier, NewDossier};
use motcua_web::AppState;
use motcua_web::auth::Actor;
use motcua_web::desk::{Act, Capacity, DeskAction, act, add_note, describe};
use reqwest::StatusCode;

const AGENCY: &str = "000.01.66.H34";

async fn app_state(app: &TestApp) -> AppState {
    let store = motcua::startup::open_store(&app.config).await.unwrap();
    let catalog = motcua_web::catalog::Catalog::load(&store.db).await.unwrap();
    AppState::new(store, motcua_web::WebConfig::default(), Arc::new(catalog))
}

async fn principal(db: &Db, identifier: &str) -> Actor {
    let (account, _) = db.account_for_sign_in(identifier).await.unwrap().unwrap();
    let roles = db.roles_of(account.id).await.unwrap();
    Actor { account, roles }
}

async fn filed(db: &Db, code: &str) -> Dossier {
    let an = db
        .account_by_citizen_id("056090001234")
        .await
        .unwrap()
        .unwrap();
    let agency = db.agency_by_code(AGENCY).await.unwrap().unwrap();
    let version = db.current_procedure("1.004873").await.unwrap().unwrap();
    db.create_dossier(&NewDossier {
        code,
        procedure_version_id: version.version_id,
        agency_id: agency.id,
        applicant_id: Some(an.id),
        channel: "online",
        state: "submitted",
        form_data: &common::marital_answers("Để vay vốn ngân hàng"),
        priority: 0,
        actor_id: Some(an.id),
        action: "submit",
    })
    .await
    .unwrap()
    .0
}

async fn step(state: &AppState, code: &str, who: &Actor, action: DeskAction) {
    let db = &state.store().db;
    let dossier = db.dossier_by_code(code).await.unwrap().unwrap();
    let desk = describe(state.app(), dossier).await.unwrap();
    let request = Act {
        action,
        note: String::new(),
        expected_version: desk.dossier.version,
        capacity: Capacity::Official,
    };
    act(state.app(), who, &desk, request)
        .await
        .unwrap_or_else(|e| panic!("{code}: {e:?}"));
}

/// Runs worker rounds until one finds nothing to do.
async fn drain(state: &AppState) {
    for _ in 0..100 {
        let round = motcua_app::events::deliver(state.app(), "test-worker")
            .await
            .unwrap();
        if round.fanned_out + round.delivered + round.failed == 0 {
            return;
        }
    }
    panic!("the event stream did not settle");
}

/// Waits until no delivery is pending (the server's own worker may hold one).
async fn settled(db: &Db) {
    for _ in 0..100 {
        if db.pending_deliveries().await.unwrap() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("deliveries still pending");
}

/// Sandbox messages whose body names the dossier.
async fn messages_about(db: &Db, code: &str) -> Vec<String> {
    db.sandbox_messages(500)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.body.contains(code))
        .map(|m| m.body)
        .collect()
}

#[tokio::test]
async fn a_dossier_through_the_desk_emits_its_events_in_order_and_tells_the_applicant_once() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let state = app_state(&app).await;
        let desk = principal(&db, "tiepnhan@nhatrang.example").await;
        let specialist = principal(&db, "chuyenvien@nhatrang.example").await;
        let leader = principal(&db, "lanhdao@nhatrang.example").await;

        let code = "000.01.66.H34-261203-0901";
        let dossier = filed(&db, code).await;
        step(&state, code, &desk, DeskAction::Flow(Command::Receive)).await;
        step(
            &state,
            code,
            &desk,
            DeskAction::Flow(Command::StartProcessing),
        )
        .await;
        step(
            &state,
            code,
            &specialist,
            DeskAction::Flow(Command::SubmitForApproval),
        )
        .await;
        step(&state, code, &leader, DeskAction::Flow(Command::Approve)).await;
        let returning = DeskAction::Return {
            channel: ReturnChannel::Counter,
            tracking_number: None,
        };
        step(&state, code, &desk, returning).await;
        let described = describe(
            state.app(),
            db.dossier_by_code(code).await.unwrap().unwrap(),
        )
        .await
        .unwrap();
        add_note(
            state.app(),
            &described,
            &desk,
            "applicant",
            "Mời ông An nhận bản chính",
        )
        .await
        .unwrap();
        add_note(
            state.app(),
            &described,
            &desk,
            "officials",
            "Đã gọi điện báo",
        )
        .await
        .unwrap();

        let events = db.events_of_dossier(dossier.id).await.unwrap();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "dossier_submitted",
                "received",
                "processing_started",
                "submitted_for_approval",
                "result_ready",
                "result_returned",
                "applicant_messaged",
            ],
            "{backend:?}"
        );
        assert!(events.windows(2).all(|w| w[0].id < w[1].id));
        assert_eq!(
            events[5].event(),
            motcua_domain::events::DomainEvent::ResultReturned {
                channel: Some(ReturnChannel::Counter)
            }
        );
        assert_eq!(events[1].actor_id, Some(desk.account.id));

        // The applicant hears of receipt, the result, its return and the message:
        // once each, however many rounds run (the server's own worker included).
        drain(&state).await;
        settled(&db).await;
        drain(&state).await;
        let told = messages_about(&db, code).await;
        let count = |text: &str| told.iter().filter(|m| m.contains(text)).count();
        let channels = told.len() / 4;
        assert!(channels >= 1, "{backend:?}: {told:?}");
        for text in [
            "đã được tiếp nhận",
            "đã có kết quả",
            "đã được trả kết quả",
            "gửi bạn tin nhắn",
        ] {
            assert_eq!(count(text), channels, "{backend:?}: {text} in {told:?}");
        }
        assert_eq!(told.len(), channels * 4, "{backend:?}: {told:?}");
        assert_eq!(db.pending_deliveries().await.unwrap(), 0);
    }
}

#[tokio::test]
async fn a_dead_letter_is_listed_to_system_administrators_and_retried_from_its_page() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let code = "000.01.66.H34-261203-0902";
        let dossier = filed(&db, code).await;
        // A notice the SMS gateway kept refusing: given up after every attempt.
        let event_id: i64 = sqlx::query_scalar(
            "INSERT INTO domain_event (kind, dossier_id, payload, occurred_at, fanned_out_at) \
             VALUES ('received', $1, '{\"kind\":\"received\"}', 1, 1) RETURNING id",
        )
        .bind(dossier.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO event_delivery (event_id, handler, attempts, available_at, dead_at, last_error) \
             VALUES ($1, 'applicant_notices', 8, 1, 2, 'cổng SMS không trả lời')",
        )
        .bind(event_id)
        .execute(db.pool())
        .await
        .unwrap();

        // Only system administrators see the page.
        let (mut citizen, _) = minted_session(&app, &db, "056090001234", false).await;
        let refused = citizen.get("/quan-tri/su-kien-loi").await.status();
        assert!(
            matches!(refused, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{refused}"
        );
        let (mut admin, csrf) = minted_session(&app, &db, "admin@motcua.example", true).await;
        let page = admin.get("/quan-tri/su-kien-loi").await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(
            html.contains("applicant_notices") && html.contains(code),
            "{html}"
        );
        assert!(html.contains("cổng SMS không trả lời"));
        assert!(html.contains("thử 8 lần"));

        // A retry without the form's token is refused; with it, the delivery is due.
        let event = event_id.to_string();
        let forged = admin
            .post(
                "/quan-tri/su-kien-loi/thu-lai",
                &[
                    ("su_kien", event.as_str()),
                    ("bo_xu_ly", "applicant_notices"),
                ],
            )
            .await;
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let unknown = admin
            .post(
                "/quan-tri/su-kien-loi/thu-lai",
                &[
                    ("_csrf", csrf.as_str()),
                    ("su_kien", event.as_str()),
                    ("bo_xu_ly", "no_such_handler"),
                ],
            )
            .await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
        let retried = admin
            .post(
                "/quan-tri/su-kien-loi/thu-lai",
                &[
                    ("_csrf", csrf.as_str()),
                    ("su_kien", event.as_str()),
                    ("bo_xu_ly", "applicant_notices"),
                ],
            )
            .await;
        assert_eq!(retried.status(), StatusCode::SEE_OTHER);
        assert!(db.dead_letters(10).await.unwrap().is_empty());

        // The server's own worker delivers it within a few seconds.
        let mut done = false;
        for _ in 0..100 {
            let finished: Option<i64> = sqlx::query_scalar(
                "SELECT done_at FROM event_delivery WHERE event_id = $1 AND handler = 'applicant_notices'",
            )
            .bind(event_id)
            .fetch_one(db.pool())
            .await
            .unwrap();
            if finished.is_some() {
                done = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(done, "{backend:?}: the retried delivery was not delivered");
        let told = messages_about(&db, code).await;
        assert!(
            told.iter().any(|m| m.contains("đã được tiếp nhận")),
            "{told:?}"
        );
        let after = admin
            .get("/quan-tri/su-kien-loi")
            .await
            .text()
            .await
            .unwrap();
        assert!(after.contains("Không có sự kiện nào bị dừng xử lý."));
    }
}
