//! Who may act on a transferred dossier, on SQLite and PostgreSQL, through the one
//! back-office path (`desk::load` then `desk::act`, which pages and the API share):
//! every desk action × the agency handling it now, the agency that follows it (its
//! own, while it is away), another agency, and the applicant.

mod common;

use std::sync::Arc;

use chrono::TimeDelta;
use common::{TestApp, backends};
use motcua_domain::dossier::Command;
use motcua_store::Db;
use motcua_store::accounts::AccountInput;
use motcua_store::dossiers::NewDossier;
use motcua_web::auth::Principal;
use motcua_web::desk::{DeskAction, act, load, now, roles_for};
use motcua_web::{AppError, AppState};

const AGENCY: &str = "000.01.66.H34";
const JUSTICE: &str = "000.00.18.H34";
const CONSTRUCTION: &str = "000.00.22.H34";

async fn principal(db: &Db, identifier: &str) -> Principal {
    let (account, _) = db.account_for_sign_in(identifier).await.unwrap().unwrap();
    let roles = db.roles_of(account.id).await.unwrap();
    Principal { account, roles }
}

/// A new specialist of an agency.
async fn specialist_of(db: &Db, agency: &str, email: &str) -> Principal {
    let account = db
        .create_account(&AccountInput {
            kind: "official",
            full_name: "Cán bộ kiểm thử",
            citizen_id: None,
            tax_code: None,
            email: Some(email),
            phone: None,
            password: None,
        })
        .await
        .unwrap();
    let agency = db.agency_by_code(agency).await.unwrap().unwrap();
    db.grant_role(account.id, Some(agency.id), "specialist")
        .await
        .unwrap();
    principal(db, email).await
}

/// Loads the dossier as `who` and tries `action` (the roles the applicant acts in
/// when they hold none at the agency, as the applicant's pages do).
async fn attempt(
    state: &AppState,
    who: &Principal,
    code: &str,
    action: DeskAction,
) -> Result<(), AppError> {
    let desk = load(state, who, code).await?;
    let roles = roles_for(state, who, &desk.dossier).await?;
    let version = desk.dossier.version;
    act(state, &desk, who, &roles, action, "", version)
        .await
        .map(|_| ())
}

#[derive(Debug, PartialEq, Eq)]
enum Answer {
    Done,
    /// Refused with a reason (409) or a field message (422).
    Refused,
    /// Outside the caller's scope: the dossier does not exist for them.
    NotFound,
}

fn answer(result: Result<(), AppError>) -> Answer {
    match result {
        Ok(()) => Answer::Done,
        Err(AppError::Refused(_) | AppError::Validation(_)) => Answer::Refused,
        Err(AppError::NotFound) => Answer::NotFound,
        Err(other) => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn only_the_agency_handling_a_transferred_dossier_acts_on_it() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let store = motcua::startup::open_store(&app.config).await.unwrap();
        let catalog = motcua_web::catalog::Catalog::load(&store.db).await.unwrap();
        let state = AppState::new(store, motcua_web::WebConfig::default(), Arc::new(catalog));

        let desk = principal(&db, "tiepnhan@nhatrang.example").await;
        let cuong = principal(&db, "chuyenvien@nhatrang.example").await;
        let an = principal(&db, "056090001234").await;
        let justice = specialist_of(&db, JUSTICE, "chuyenvien@tuphap.example").await;
        let construction = specialist_of(&db, CONSTRUCTION, "chuyenvien@xaydung.example").await;

        let agency = db.agency_by_code(AGENCY).await.unwrap().unwrap();
        let version = db.current_procedure("1.004873").await.unwrap().unwrap();
        let code = "000.01.66.H34-261203-0950";
        db.create_dossier(&NewDossier {
            code,
            procedure_version_id: version.version_id,
            agency_id: agency.id,
            applicant_id: Some(an.account.id),
            channel: "online",
            state: "submitted",
            form_data: &common::marital_answers("Để vay vốn ngân hàng"),
            priority: 0,
            actor_id: Some(an.account.id),
            action: "submit",
        })
        .await
        .unwrap();
        let ok = |r: Result<(), AppError>| r.unwrap_or_else(|e| panic!("{backend:?}: {e:?}"));
        ok(attempt(&state, &desk, code, DeskAction::Flow(Command::Receive)).await);
        let to_cuong = DeskAction::PassOn {
            to: Some(cuong.account.id),
        };
        ok(attempt(&state, &desk, code, to_cuong).await);
        let justice_agency = db.agency_by_code(JUSTICE).await.unwrap().unwrap();
        let transfer = DeskAction::Transfer {
            agency: justice_agency,
        };
        ok(attempt(&state, &cuong, code, transfer).await);

        let actions = || {
            vec![
                (
                    "assign",
                    DeskAction::Assign {
                        to: justice.account.id,
                    },
                ),
                ("transfer_back", DeskAction::TransferBack),
                (
                    "extend",
                    DeskAction::Extend {
                        new_due: now() + TimeDelta::days(30),
                        reason: "Cần xác minh thêm".into(),
                    },
                ),
                ("pass_on", DeskAction::PassOn { to: None }),
                (
                    "pause",
                    DeskAction::Flow(Command::Pause {
                        reason: "Chờ người nộp".into(),
                    }),
                ),
                (
                    "submit_for_approval",
                    DeskAction::Flow(Command::SubmitForApproval),
                ),
                (
                    "refuse",
                    DeskAction::Flow(Command::Refuse {
                        reason: "Không đủ điều kiện".into(),
                    }),
                ),
            ]
        };
        // Nothing but the handling agency's answers changes the dossier.
        for (who, name, expected) in [
            (&cuong, "following agency (specialist)", Answer::Refused),
            (&desk, "following agency (desk)", Answer::Refused),
            (&construction, "another agency", Answer::NotFound),
            (&an, "the applicant", Answer::NotFound),
        ] {
            for (action_name, action) in actions() {
                let got = answer(attempt(&state, who, code, action).await);
                assert_eq!(got, expected, "{backend:?}: {action_name} by {name}");
            }
        }
        let unchanged = db.dossier_by_code(code).await.unwrap().unwrap();
        assert_eq!(unchanged.state, "in_processing");
        assert_eq!(
            unchanged.handling_agency_id,
            Some(justice.roles[0].agency_id.unwrap())
        );

        // The handling agency: a dossier goes only to one of its own officials.
        let outsider = DeskAction::Assign {
            to: construction.account.id,
        };
        assert_eq!(
            answer(attempt(&state, &justice, code, outsider).await),
            Answer::Refused
        );
        let outsider = DeskAction::PassOn {
            to: Some(cuong.account.id),
        };
        assert_eq!(
            answer(attempt(&state, &justice, code, outsider).await),
            Answer::Refused,
            "{backend:?}: not to the following agency's specialist either"
        );
        let assign = DeskAction::Assign {
            to: justice.account.id,
        };
        assert_eq!(
            answer(attempt(&state, &justice, code, assign).await),
            Answer::Done
        );
        assert_eq!(
            answer(attempt(&state, &justice, code, DeskAction::TransferBack).await),
            Answer::Done,
            "{backend:?}"
        );
        // Back home: the own agency acts again, the other one no longer sees it.
        let back = db.dossier_by_code(code).await.unwrap().unwrap();
        assert_eq!(back.handling_agency_id, None);
        let assign = DeskAction::Assign {
            to: cuong.account.id,
        };
        assert_eq!(
            answer(attempt(&state, &cuong, code, assign).await),
            Answer::Done
        );
        assert_eq!(
            answer(attempt(&state, &justice, code, DeskAction::TransferBack).await),
            Answer::NotFound
        );
    }
}
