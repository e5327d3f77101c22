//! The back office's use cases without HTTP, on SQLite and PostgreSQL: every desk
//! action, read as the pages and the API read it (`decide` over a `DeskRequest`) and
//! applied through the one path (`act`), × who asks: the agency handling a
//! transferred dossier now, the agency that owns and follows it, another agency, and
//! the applicant. Then the applicant's own actions, and a dossier through its whole
//! journey with the events it leaves.

use chrono::TimeDelta;
use motcua_app::desk::{Act, Capacity, DeskAction, DeskRequest, act, describe, now, roles_for};
use motcua_app::{Actor, App, Error};
use motcua_domain::dossier::Command;
use motcua_store::Db;
use motcua_store::testing::{TestDatabase, backends};

mod common;

use common::{CONSTRUCTION, JUSTICE, NHA_TRANG, actor, attempt, filed, official, request, seeded};
/// The people of the table.
struct People {
    desk: Actor,
    specialist: Actor,
    an: Actor,
    justice: Actor,
    justice_colleague: Actor,
    construction: Actor,
}

async fn people(db: &Db) -> People {
    People {
        desk: actor(db, "tiepnhan@nhatrang.example").await,
        specialist: actor(db, "chuyenvien@nhatrang.example").await,
        an: actor(db, "056090001234").await,
        justice: official(db, JUSTICE, "specialist", "chuyenvien@tuphap.example").await,
        justice_colleague: official(db, JUSTICE, "specialist", "chuyenvien2@tuphap.example").await,
        construction: official(db, CONSTRUCTION, "specialist", "chuyenvien@xaydung.example").await,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Done,
    /// Refused with a reason (409) or a field message (422).
    Refused,
    /// Outside the caller's reach: the dossier does not exist for them.
    NotFound,
}

fn answer(result: Result<(), Error>) -> Answer {
    match result {
        Ok(()) => Answer::Done,
        Err(Error::Refused(_) | Error::Validation(_)) => Answer::Refused,
        Err(Error::NotFound) => Answer::NotFound,
        Err(other) => panic!("unexpected {other:?}"),
    }
}

/// Every desk action, as a request, with what the handling agency's specialist gets
/// on a dossier in processing there.
fn desk_actions(p: &People, construction_code: &str) -> Vec<(&'static str, DeskRequest, Answer)> {
    use Answer::{Done, Refused};
    let with = |action: &str, edit: &dyn Fn(&mut DeskRequest)| {
        let mut r = request(action);
        edit(&mut r);
        r
    };
    vec![
        ("receive", request("receive"), Refused),
        (
            "request_supplement",
            with("request_supplement", &|r| {
                r.items = vec!["Bản sao CCCD".into()]
            }),
            Done,
        ),
        (
            "refuse",
            with("refuse", &|r| r.reason = "Không đủ điều kiện".into()),
            // The desk or a leader refuses, not a specialist.
            Refused,
        ),
        (
            "request_payment",
            with("request_payment", &|r| r.amount = Some(50_000)),
            Refused,
        ),
        (
            "confirm_payment",
            with("confirm_payment", &|r| r.reference = "GD-1".into()),
            Refused,
        ),
        ("start_processing", request("start_processing"), Refused),
        ("pass_on", request("pass_on"), Done),
        (
            "assign",
            with("assign", &|r| r.to = Some(p.justice_colleague.account.id)),
            Done,
        ),
        (
            "pause",
            with("pause", &|r| r.reason = "Chờ xác minh".into()),
            Done,
        ),
        ("resume", request("resume"), Refused),
        ("submit_for_approval", request("submit_for_approval"), Done),
        ("approve", request("approve"), Refused),
        (
            "send_back",
            with("send_back", &|r| r.reason = "Xem lại".into()),
            Refused,
        ),
        (
            "return_result",
            with("return_result", &|r| r.channel = "counter".into()),
            Refused,
        ),
        ("stop", request("stop"), Refused),
        (
            "transfer",
            with("transfer", &|r| r.agency = construction_code.into()),
            Refused,
        ),
        ("transfer_back", request("transfer_back"), Done),
        (
            "extend",
            with("extend", &|r| {
                r.new_due = Some(now() + TimeDelta::days(40));
                r.reason = "Cần xác minh thêm".into();
            }),
            Done,
        ),
    ]
}

/// A dossier received at Nha Trang, passed to its specialist and transferred to
/// Justice, where Justice's specialist holds it.
async fn transferred(app: &App, db: &Db, p: &People, code: &str) {
    filed(db, &p.an, code).await;
    let ok = |r: Result<(), Error>, what: &str| r.unwrap_or_else(|e| panic!("{what}: {e:?}"));
    let official = Capacity::Official;
    ok(
        attempt(app, &p.desk, code, &request("receive"), official).await,
        "receive",
    );
    let mut pass = request("pass_on");
    pass.to = Some(p.specialist.account.id);
    ok(
        attempt(app, &p.desk, code, &pass, official).await,
        "pass on",
    );
    let mut transfer = request("transfer");
    transfer.agency = JUSTICE.into();
    ok(
        attempt(app, &p.specialist, code, &transfer, official).await,
        "transfer",
    );
    let mut assign = request("assign");
    assign.to = Some(p.justice.account.id);
    ok(
        attempt(app, &p.justice, code, &assign, official).await,
        "assign at Justice",
    );
}

#[tokio::test]
async fn every_desk_action_is_decided_by_who_asks() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let (db, app) = seeded(&test, "table").await;
        let p = people(&db).await;
        let mut failures = Vec::new();
        for (n, (name, req, handling)) in desk_actions(&p, CONSTRUCTION).into_iter().enumerate() {
            let code = format!("{NHA_TRANG}-261204-{:04}", 100 + n);
            transferred(&app, &db, &p, &code).await;
            let before = db.dossier_by_code(&code).await.unwrap().unwrap();
            // Those who may not act go first: nothing they do changes the dossier.
            let rows = [
                ("following agency (desk)", &p.desk, Answer::Refused),
                (
                    "following agency (specialist)",
                    &p.specialist,
                    Answer::Refused,
                ),
                ("another agency", &p.construction, Answer::NotFound),
                ("the applicant", &p.an, Answer::NotFound),
            ];
            for (who_name, who, expected) in rows {
                let got = answer(attempt(&app, who, &code, &req, Capacity::Official).await);
                if got != expected {
                    failures.push(format!(
                        "{name} by {who_name}: {got:?}, expected {expected:?}"
                    ));
                }
            }
            let after = db.dossier_by_code(&code).await.unwrap().unwrap();
            assert_eq!(
                (after.version, &after.state, after.holder_id),
                (before.version, &before.state, before.holder_id),
                "{backend:?}: {name} by others changed the dossier"
            );
            let got = answer(attempt(&app, &p.justice, &code, &req, Capacity::Official).await);
            if got != handling {
                failures.push(format!(
                    "{name} by the handling agency: {got:?}, expected {handling:?}"
                ));
            }
            let after = db.dossier_by_code(&code).await.unwrap().unwrap();
            assert_eq!(
                after.version != before.version,
                got == Answer::Done,
                "{backend:?}: {name}: the version moves exactly when the action is done"
            );
        }
        assert!(failures.is_empty(), "{backend:?}:\n{}", failures.join("\n"));
    }
}

#[tokio::test]
async fn a_dossier_goes_only_to_a_colleague_of_the_agency_handling_it() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let (db, app) = seeded(&test, "colleague").await;
        let p = people(&db).await;
        let code = format!("{NHA_TRANG}-261204-0200");
        transferred(&app, &db, &p, &code).await;
        for (name, to) in [
            ("another agency's official", p.construction.account.id),
            ("the following agency's specialist", p.specialist.account.id),
        ] {
            for action in ["assign", "pass_on"] {
                let mut req = request(action);
                req.to = Some(to);
                let result = attempt(&app, &p.justice, &code, &req, Capacity::Official).await;
                match result {
                    Err(Error::Validation(fields)) => {
                        assert_eq!(fields[0].field, "to", "{backend:?}: {action} to {name}")
                    }
                    other => panic!("{backend:?}: {action} to {name}: {other:?}"),
                }
            }
        }
        // A request missing what its action needs names the field.
        let mut no_one = request("assign");
        no_one.to = None;
        match attempt(&app, &p.justice, &code, &no_one, Capacity::Official).await {
            Err(Error::Validation(fields)) => assert_eq!(fields[0].field, "to"),
            other => panic!("{backend:?}: {other:?}"),
        }
        match attempt(
            &app,
            &p.justice,
            &code,
            &request("dance"),
            Capacity::Official,
        )
        .await
        {
            Err(Error::Validation(fields)) => assert_eq!(fields[0].field, "action"),
            other => panic!("{backend:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn only_the_applicant_acts_as_the_applicant() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let (db, app) = seeded(&test, "applicant").await;
        let p = people(&db).await;
        let code = format!("{NHA_TRANG}-261204-0300");
        filed(&db, &p.an, &code).await;
        let withdraw = || DeskAction::Flow(Command::Withdraw);
        for (name, who) in [("the desk", &p.desk), ("another agency", &p.construction)] {
            let dossier = db.dossier_by_code(&code).await.unwrap().unwrap();
            let desk = describe(&app, dossier).await.unwrap();
            let request = Act {
                action: withdraw(),
                note: String::new(),
                expected_version: desk.dossier.version,
                capacity: Capacity::Applicant,
            };
            let got = answer(act(&app, who, &desk, request).await.map(|_| ()));
            assert_eq!(got, Answer::NotFound, "{backend:?}: withdrawn by {name}");
        }
        // An official who is not the applicant cannot withdraw through the desk either.
        let dossier = db.dossier_by_code(&code).await.unwrap().unwrap();
        let desk = describe(&app, dossier).await.unwrap();
        assert!(roles_for(&app, &p.desk, &desk.dossier).await.unwrap().len() == 1);
        let request = Act {
            action: withdraw(),
            note: String::new(),
            expected_version: desk.dossier.version,
            capacity: Capacity::Official,
        };
        let got = answer(act(&app, &p.desk, &desk, request).await.map(|_| ()));
        assert_eq!(got, Answer::Refused, "{backend:?}: the desk withdrawing");
        // The applicant can, once.
        let request = Act {
            action: withdraw(),
            note: "Nộp nhầm thủ tục".into(),
            expected_version: desk.dossier.version,
            capacity: Capacity::Applicant,
        };
        act(&app, &p.an, &desk, request.clone()).await.unwrap();
        let withdrawn = db.dossier_by_code(&code).await.unwrap().unwrap();
        assert_eq!(withdrawn.state, "withdrawn", "{backend:?}");
        // The same request again is stale: the dossier moved on.
        let got = answer(act(&app, &p.an, &desk, request).await.map(|_| ()));
        assert_eq!(got, Answer::Refused, "{backend:?}: a second withdrawal");
    }
}
