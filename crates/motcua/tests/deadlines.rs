//! Deadlines and the one-stop forms, on SQLite and PostgreSQL: dossiers filed just
//! before Tết 2027 are moved through the back office's one path at chosen instants, so
//! the working calendar decides. The due date skips the holidays, a dossier running
//! late gets a drafted apology letter (form 04, once), is classified late; every form
//! (01 to 06) is checked against its snapshot, its PDF and DOCX carry the same words,
//! and one of each is rendered to PNG; the register (form 07) is read back from XLSX.
//!
//! Snapshots live in `tests/snapshots/forms/`; after a deliberate change to a form,
//! rewrite them with `MOTCUA_UPDATE_SNAPSHOTS=1` and review the difference.

mod common;

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Arc;

use calamine::{Reader, Xlsx, open_workbook_from_rs};
use chrono::{DateTime, FixedOffset};
use common::documents::{docx_words, pdf_words, save_rendering};
use common::visitor::minted_session;
use common::{TestApp, backends};
use motcua_domain::dossier::{Command, ReturnChannel};
use motcua_store::Db;
use motcua_store::dossiers::{Dossier, NewDossier};
use motcua_web::AppState;
use motcua_web::auth::Actor;
use motcua_web::desk::forms::{LegalForm, build};
use motcua_web::desk::register::{Period, rows, sheet};
use motcua_web::desk::{
    Act, Capacity, DeskAction, act_at, apology_draft, deadline_sweep, describe, roles_for,
};
use reqwest::StatusCode;

const AGENCY: &str = "000.01.66.H34";

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

/// The application's state over the test's database, as the server builds it.
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

/// A marital status certificate filed online by An, with a fixed code.
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

/// One action by `who` on the dossier `code`, at `when`.
async fn step(
    state: &AppState,
    code: &str,
    who: &Actor,
    action: DeskAction,
    note: &str,
    when: &str,
) -> Result<Dossier, motcua_web::AppError> {
    let db = &state.store().db;
    let dossier = db.dossier_by_code(code).await.unwrap().unwrap();
    let desk = describe(state.app(), dossier).await?;
    let capacity = if roles_for(state.app(), who, &desk.dossier).await?.is_empty() {
        Capacity::Applicant
    } else {
        Capacity::Official
    };
    let request = Act {
        action,
        note: note.to_string(),
        expected_version: desk.dossier.version,
        capacity,
    };
    Ok(act_at(state.app(), who, &desk, request, at(when)).await?)
}

fn micros(text: &str) -> i64 {
    at(text).timestamp_micros()
}

/// Compares a form's text with its snapshot (or writes the snapshot when asked to).
fn check_snapshot(name: &str, text: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots/forms")
        .join(format!("{name}.txt"));
    if std::env::var("MOTCUA_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run with MOTCUA_UPDATE_SNAPSHOTS=1 and review it",
            path.display()
        )
    });
    assert_eq!(text, expected, "form {name} differs from its snapshot");
}

fn sorted(mut words: Vec<String>) -> Vec<String> {
    words.sort();
    words
}

#[tokio::test]
async fn a_dossier_filed_before_tet_runs_late_and_every_form_is_right() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let state = app_state(&app).await;
        let desk = principal(&db, "tiepnhan@nhatrang.example").await;
        let specialist = principal(&db, "chuyenvien@nhatrang.example").await;
        let leader = principal(&db, "lanhdao@nhatrang.example").await;
        let an = principal(&db, "056090001234").await;

        // A: asked for more on Tuesday, supplied the same afternoon, received on
        // Wednesday 3 February 2027, two days before the Tết holidays (5 to 11 Feb).
        let a = "000.01.66.H34-270202-0001";
        filed(&db, a).await;
        let request = DeskAction::Supplementation {
            items: vec!["Bản sao giấy tờ chứng minh nơi cư trú".into()],
            fields: vec!["muc_dich".into()],
        };
        step(
            &state,
            a,
            &desk,
            request,
            "Mục đích sử dụng chưa đúng với giấy tờ kèm theo",
            "2027-02-02T10:00:00+07:00",
        )
        .await
        .unwrap();
        let supplement = DeskAction::Supplement {
            form_data: common::marital_answers("Để mua bán, chuyển nhượng tài sản"),
            fields: vec!["muc_dich".into()],
        };
        step(&state, a, &an, supplement, "", "2027-02-02T14:00:00+07:00")
            .await
            .unwrap();
        let received = step(
            &state,
            a,
            &desk,
            DeskAction::Flow(Command::Receive),
            "",
            "2027-02-03T09:00:00+07:00",
        )
        .await
        .unwrap();
        // Three working days: Wednesday and Thursday, then Friday 12 February after
        // the holidays; due on Monday 15 February at the hour of receipt.
        assert_eq!(
            received.due_at,
            Some(micros("2027-02-15T09:00:00+07:00")),
            "{backend:?}"
        );
        assert_eq!(received.register_no, Some(1));
        let cuong = specialist.account.id;
        step(
            &state,
            a,
            &desk,
            DeskAction::PassOn { to: Some(cuong) },
            "",
            "2027-02-03T09:30:00+07:00",
        )
        .await
        .unwrap();

        // On Friday afternoon after Tết the specialist's step (18 of 24 working hours,
        // due Friday 11:00) is behind: the system drafts an apology with a new date.
        let now = at("2027-02-12T15:00:00+07:00");
        let desk_view = describe(state.app(), db.dossier_by_code(a).await.unwrap().unwrap())
            .await
            .unwrap();
        let calendar = db.working_calendar(Some(AGENCY)).await.unwrap();
        let draft = apology_draft(&desk_view, &calendar, now).expect("a dossier that will be late");
        assert_eq!(draft.new_due, at("2027-02-16T09:00:00+07:00"));
        // Not before the step is behind.
        assert!(apology_draft(&desk_view, &calendar, at("2027-02-04T10:00:00+07:00")).is_none());
        // The holder and the desk are warned once.
        assert_eq!(deadline_sweep(state.app(), now, 2).await.unwrap(), 1);
        assert_eq!(deadline_sweep(state.app(), now, 2).await.unwrap(), 0);
        let extend = DeskAction::Extend {
            new_due: draft.new_due,
            reason: draft.reason.clone(),
        };
        let extended = step(&state, a, &leader, extend, "", "2027-02-12T15:10:00+07:00")
            .await
            .unwrap();
        assert_eq!(
            extended.extended_due_at,
            Some(micros("2027-02-16T09:00:00+07:00"))
        );
        // A new date is set once only.
        let again = DeskAction::Extend {
            new_due: at("2027-02-17T09:00:00+07:00"),
            reason: "Lần nữa".into(),
        };
        match step(&state, a, &leader, again, "", "2027-02-12T15:20:00+07:00").await {
            Err(motcua_web::AppError::Refused(message)) => {
                assert!(message.contains("một lần"), "{message}")
            }
            other => panic!("a second new date must be refused: {other:?}"),
        }
        // Late: submitted to the leader and approved on Monday after the deadline.
        step(
            &state,
            a,
            &specialist,
            DeskAction::PassOn { to: None },
            "",
            "2027-02-15T10:00:00+07:00",
        )
        .await
        .unwrap();
        let done = step(
            &state,
            a,
            &leader,
            DeskAction::PassOn { to: None },
            "",
            "2027-02-15T16:00:00+07:00",
        )
        .await
        .unwrap();
        assert_eq!(done.state, "result_ready");
        assert_eq!(
            done.timeliness.as_deref(),
            Some("late"),
            "late even with the apology letter"
        );
        let returned = DeskAction::Return {
            channel: ReturnChannel::Counter,
            tracking_number: None,
        };
        step(&state, a, &desk, returned, "", "2027-02-16T08:30:00+07:00")
            .await
            .unwrap();

        // B: refused at reception. C: received, then stopped at the applicant's request.
        let b = "000.01.66.H34-270203-0002";
        filed(&db, b).await;
        let refuse = Command::Refuse {
            reason: "Người yêu cầu không cư trú trên địa bàn phường; đề nghị nộp tại nơi cư trú."
                .into(),
        };
        step(
            &state,
            b,
            &desk,
            DeskAction::Flow(refuse),
            "",
            "2027-02-03T10:00:00+07:00",
        )
        .await
        .unwrap();
        let c = "000.01.66.H34-270203-0003";
        filed(&db, c).await;
        step(
            &state,
            c,
            &desk,
            DeskAction::Flow(Command::Receive),
            "",
            "2027-02-03T11:00:00+07:00",
        )
        .await
        .unwrap();
        step(
            &state,
            c,
            &an,
            DeskAction::Flow(Command::Stop),
            "Tôi không còn nhu cầu",
            "2027-02-04T10:00:00+07:00",
        )
        .await
        .unwrap();
        for code in [a, b, c] {
            let dossier = db.dossier_by_code(code).await.unwrap().unwrap();
            assert!(matches!(
                db.verify_dossier_chain(dossier.id).await.unwrap(),
                motcua_store::dossiers::ChainVerdict::Intact { .. }
            ));
        }

        // Every form: its text as snapshot, the same words in PDF and DOCX, a PNG.
        let forms = [
            (a, LegalForm::Receipt),
            (a, LegalForm::Supplementation),
            (b, LegalForm::Refusal),
            (a, LegalForm::Apology),
            (c, LegalForm::Stop),
            (a, LegalForm::Control),
        ];
        for (code, form) in forms {
            let desk_view = describe(
                state.app(),
                db.dossier_by_code(code).await.unwrap().unwrap(),
            )
            .await
            .unwrap();
            let doc = build(state.app(), &desk_view, form).await.unwrap();
            let name = format!("form-{}", form.number());
            check_snapshot(&name, &(doc.plain_text().join("\n") + "\n"));
            let pdf = motcua_docs::to_pdf(&doc).unwrap();
            let docx = motcua_docs::to_docx(&doc).unwrap();
            if let Some(words) = pdf_words(&pdf) {
                assert_eq!(
                    sorted(words),
                    sorted(docx_words(&docx)),
                    "form {name}: PDF and DOCX differ"
                );
            }
            if backend == motcua_store::Backend::Sqlite {
                save_rendering(&pdf, &name);
            }
        }
        // A form whose event did not happen does not exist.
        let desk_view = describe(state.app(), db.dossier_by_code(b).await.unwrap().unwrap())
            .await
            .unwrap();
        assert!(
            build(state.app(), &desk_view, LegalForm::Receipt)
                .await
                .is_err()
        );

        // Form 07, the register of February, read back from the XLSX of the page.
        let agency = db.agency_by_code(AGENCY).await.unwrap().unwrap();
        let period = Period {
            from: chrono::NaiveDate::from_ymd_opt(2027, 2, 1).unwrap(),
            to: chrono::NaiveDate::from_ymd_opt(2027, 2, 28).unwrap(),
        };
        let listed = rows(state.app(), &[agency.id], period, None).await.unwrap();
        assert_eq!(
            listed.len(),
            2,
            "received dossiers only (B was refused at reception)"
        );
        let bytes = motcua_docs::to_xlsx(&sheet(&agency.name, period, None, listed)).unwrap();
        let (mut official, _) = minted_session(&app, &db, "tiepnhan@nhatrang.example", true).await;
        let download = official
            .get("/can-bo/so-theo-doi.xlsx?tu_ngay=2027-02-01&den_ngay=2027-02-28")
            .await;
        assert_eq!(download.status(), StatusCode::OK);
        let served = download.bytes().await.unwrap().to_vec();
        for bytes in [bytes, served] {
            let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
            let range = book.worksheet_range("So theo doi 2027").unwrap();
            let table: Vec<Vec<String>> = range
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            assert!(table[1][0].contains("SỔ THEO DÕI HỒ SƠ"));
            let header = table
                .iter()
                .position(|r| r[0] == "STT")
                .expect("the header row");
            assert_eq!(table[header][1], "Mã hồ sơ");
            let body = &table[header + 1..];
            assert_eq!(body.len(), 2);
            assert_eq!((body[0][0].as_str(), body[0][1].as_str()), ("1", a));
            assert_eq!(body[1][1], c);
            assert_eq!(body[0][3], "Nguyễn Văn An");
            assert_eq!(body[0][6], "09:00 03/02/2027");
            assert_eq!(
                body[0][7], "09:00 16/02/2027",
                "the new appointment of form 04"
            );
            assert_eq!(body[0][8], "08:30 16/02/2027");
            assert_eq!(body[0][9], ReturnChannel::Counter.label());
            assert_eq!(body[1][8], "", "C was stopped, not returned");
        }
    }
}
