//! The use cases of a dossier's journey without HTTP, on SQLite and PostgreSQL: open a
//! draft prefilled from the profile, save its steps, check them, attach and reuse
//! documents, submit once; see it only where allowed, with its timeline; then the
//! desk: receive, the legal form it issues, notes, results, the register; and the
//! background jobs (tidying drafts, the deadline sweep).

mod common;

use bytes::Bytes;
use common::{NHA_TRANG, actor, marital_answers, seeded};
use motcua_app::desk::forms::{LegalForm, build};
use motcua_app::desk::register::{Period, rows};
use motcua_app::desk::{
    Act, Capacity, DeskAction, act, add_note, add_result, deadline_sweep, describe, now,
};
use motcua_app::documents::{reuse_in_draft, upload_to_draft};
use motcua_app::drafts::{
    Opening, blockers, check, load_draft, open_draft, save_step_with, submit,
};
use motcua_app::{Actor, App, Error, dossiers, jobs};
use motcua_domain::dossier::Command;
use motcua_domain::eform::{Answers, Scope};
use motcua_store::drafts::Draft;
use motcua_store::testing::{TestDatabase, backends};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn field<T>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::Validation(fields)) => fields[0].field.clone(),
        Err(other) => panic!("expected a field error, got {other:?}"),
        Ok(_) => panic!("expected a field error, got success"),
    }
}

/// A new draft of An's marital status certificate at Nha Trang, opened as the portal
/// opens one (prefilled from An's profile).
async fn marital_draft(app: &App, an: &Actor) -> Draft {
    let db = &app.store().db;
    let agency = db.agency_by_code(NHA_TRANG).await.unwrap().unwrap();
    let version = db.current_procedure("1.004873").await.unwrap().unwrap();
    let entry = app.procedure_version(version.version_id).await.unwrap();
    let opening = Opening::online(an, an.account.id, agency.id);
    open_draft(app, &entry, opening).await.unwrap()
}

#[tokio::test]
async fn a_dossier_from_draft_to_register() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let (db, app) = seeded(&test, "journey").await;
        let an = actor(&db, "056090001234").await;
        let desk = actor(&db, "tiepnhan@nhatrang.example").await;
        let stranger = actor(&db, "chuyenvien@nhatrang.example").await;

        // Opened prefilled from An's profile.
        let draft = marital_draft(&app, &an).await;
        let view = load_draft(&app, &an, &draft.public_id).await.unwrap();
        assert_eq!(
            view.answers.get("ho_ten").and_then(|v| v.as_str()),
            Some(an.account.full_name.as_str()),
            "{backend:?}: prefilled"
        );
        // Someone else's draft does not exist for them.
        assert!(matches!(
            load_draft(&app, &stranger, &draft.public_id).await,
            Err(Error::NotFound)
        ));

        // Every step saved at once from the complete answers; then nothing is wrong.
        let complete: Answers = serde_json::from_str(&marital_answers()).unwrap();
        let first = view.form.steps[0].id.clone();
        let saved = save_step_with(&app, &an, &draft.public_id, &first, |_, answers| {
            answers.extend(complete.clone());
        })
        .await
        .unwrap();
        assert!(saved.draft.version > draft.version, "{backend:?}: saved");
        let problems = check(&app, &saved, Scope::Whole).await.unwrap();
        assert!(problems.is_empty(), "{backend:?}: {problems:?}");
        // A step that does not exist is "not found".
        assert!(matches!(
            save_step_with(&app, &an, &draft.public_id, "khong-co", |_, _| {}).await,
            Err(Error::NotFound)
        ));

        // Documents: checked by content, then attached to every slot shown.
        let slots: Vec<_> = saved.slots().into_iter().filter(|s| s.shown).collect();
        assert!(
            !slots.is_empty(),
            "{backend:?}: the procedure takes documents"
        );
        let max = app.settings().max_upload_bytes;
        let refused = upload_to_draft(
            &app,
            &saved.draft,
            &slots[0],
            "anh.pdf",
            Bytes::from_static(b"not a pdf at all"),
            max,
        )
        .await;
        assert_eq!(field(refused), "file", "{backend:?}");
        let mut first_document = None;
        for slot in &slots {
            let document = upload_to_draft(
                &app,
                &saved.draft,
                slot,
                "giay-to.pdf",
                Bytes::from_static(PDF),
                max,
            )
            .await
            .unwrap();
            first_document.get_or_insert(document.id);
        }
        // A document of An's store can be reused; the desk's account has none of it.
        let document_id = first_document.unwrap();
        reuse_in_draft(&app, &saved, &slots[0], document_id)
            .await
            .unwrap();
        assert!(
            blockers(&app, &saved).await.unwrap().is_empty(),
            "{backend:?}"
        );

        // Submitted once: a repeat gives the same dossier.
        let view = load_draft(&app, &an, &draft.public_id).await.unwrap();
        let (dossier, created) = submit(&app, &an, &view).await.unwrap().unwrap();
        assert!(created, "{backend:?}");
        let view = load_draft(&app, &an, &draft.public_id).await.unwrap();
        let (again, created) = submit(&app, &an, &view).await.unwrap().unwrap();
        assert_eq!((again.id, created), (dossier.id, false), "{backend:?}");
        // The submitted draft takes no more documents.
        let late = reuse_in_draft(&app, &view, &slots[0], document_id).await;
        assert!(matches!(late, Err(Error::Conflict(_))), "{backend:?}");

        // Visible to An and to the desk of its agency, not to someone else.
        assert_eq!(
            dossiers::visible(&app, &an, &dossier.code)
                .await
                .unwrap()
                .id,
            dossier.id
        );
        let outsider = common::official(
            &db,
            common::CONSTRUCTION,
            "specialist",
            "chuyenvien@xaydung.example",
        )
        .await;
        assert!(matches!(
            dossiers::visible(&app, &outsider, &dossier.code).await,
            Err(Error::NotFound)
        ));

        // The desk receives it: form 01 exists after, not before.
        let described = describe(&app, dossier.clone()).await.unwrap();
        assert!(matches!(
            build(&app, &described, LegalForm::Receipt).await,
            Err(Error::NotFound)
        ));
        let request = Act {
            action: DeskAction::Flow(Command::Receive),
            note: String::new(),
            expected_version: described.dossier.version,
            capacity: Capacity::Official,
        };
        act(&app, &desk, &described, request).await.unwrap();
        let received = db.dossier(dossier.id).await.unwrap();
        let described = describe(&app, received).await.unwrap();
        let receipt = build(&app, &described, LegalForm::Receipt).await.unwrap();
        assert!(receipt.title.contains(&dossier.code), "{backend:?}");

        // The timeline, oldest first, with Vietnamese labels.
        let timeline = dossiers::timeline(&app, dossier.id).await.unwrap();
        let actions: Vec<&str> = timeline.iter().map(|m| m.action.as_str()).collect();
        assert_eq!(actions, ["submit", "receive"], "{backend:?}");
        assert!(
            timeline
                .iter()
                .all(|m| !m.label.is_empty() && !m.state_label.is_empty())
        );

        // Notes: only officials of the agency write them.
        add_note(&app, &described, &desk, "officials", "Đã kiểm tra bản gốc")
            .await
            .unwrap();
        assert_eq!(db.notes(dossier.id, true).await.unwrap().len(), 1);

        // Results: only while processing, only by the agency working on it.
        let early = add_result(
            &app,
            &desk,
            &described,
            "Giấy xác nhận",
            "ket-qua.pdf",
            Bytes::from_static(PDF),
        )
        .await;
        assert!(
            matches!(early, Err(Error::Refused(_))),
            "{backend:?}: {early:?}"
        );
        let request = Act {
            action: DeskAction::Flow(Command::StartProcessing),
            note: String::new(),
            expected_version: described.dossier.version,
            capacity: Capacity::Official,
        };
        act(&app, &desk, &described, request).await.unwrap();
        let described = describe(&app, db.dossier(dossier.id).await.unwrap())
            .await
            .unwrap();
        let by_outsider = add_result(
            &app,
            &outsider,
            &described,
            "Giấy xác nhận",
            "ket-qua.pdf",
            Bytes::from_static(PDF),
        )
        .await;
        assert!(matches!(by_outsider, Err(Error::NotFound)), "{backend:?}");
        let untitled = add_result(
            &app,
            &desk,
            &described,
            " ",
            "ket-qua.pdf",
            Bytes::from_static(PDF),
        )
        .await;
        assert_eq!(field(untitled), "ten", "{backend:?}");
        add_result(
            &app,
            &desk,
            &described,
            "Giấy xác nhận tình trạng hôn nhân",
            "ket-qua.pdf",
            Bytes::from_static(PDF),
        )
        .await
        .unwrap();
        assert_eq!(db.results(dossier.id).await.unwrap().len(), 1);

        // Rating: only the applicant, only once there is a result, 1 to 5.
        let processing = db.dossier(dossier.id).await.unwrap();
        let early = dossiers::rate(&app, &an, &processing, Some(5), "").await;
        assert!(
            matches!(early, Err(Error::Conflict(_))),
            "{backend:?}: {early:?}"
        );
        // A dossier whose result was returned (filed on paper, recorded as such).
        let returned_code = format!("{NHA_TRANG}-261204-0999");
        db.create_dossier(&motcua_store::dossiers::NewDossier {
            code: &returned_code,
            procedure_version_id: processing.procedure_version_id,
            agency_id: processing.agency_id,
            applicant_id: Some(an.account.id),
            channel: "counter",
            state: "returned",
            form_data: &marital_answers(),
            priority: 0,
            actor_id: Some(desk.account.id),
            action: "counter_submit",
        })
        .await
        .unwrap();
        let refused = db.dossier_by_code(&returned_code).await.unwrap().unwrap();
        let by_desk = dossiers::rate(&app, &desk, &refused, Some(5), "").await;
        assert!(
            matches!(by_desk, Err(Error::NotFound)),
            "{backend:?}: {by_desk:?}"
        );
        assert_eq!(
            field(dossiers::rate(&app, &an, &refused, Some(9), "").await),
            "diem"
        );
        dossiers::rate(&app, &an, &refused, Some(4), "  Cán bộ hướng dẫn rõ  ")
            .await
            .unwrap();
        assert_eq!(
            db.dossier_rating(refused.id).await.unwrap(),
            Some((4, "Cán bộ hướng dẫn rõ".to_string())),
            "{backend:?}"
        );

        // The register of the month lists it once, with its number.
        let agency = dossier.agency_id;
        let register = rows(&app, &[agency], Period::this_month(), None)
            .await
            .unwrap();
        assert_eq!(register.len(), 1, "{backend:?}: {register:?}");
        assert!(
            register[0]
                .iter()
                .any(|cell| cell.contains("Nguyễn Văn An")),
            "{backend:?}: {register:?}"
        );
    }
}

#[tokio::test]
async fn the_background_jobs_warn_once() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let (db, app) = seeded(&test, "jobs").await;
        // Nothing to tidy or warn about in a fresh database, and no error.
        assert_eq!(jobs::tidy_drafts(&app, None).await.unwrap(), (0, 0));
        assert_eq!(deadline_sweep(&app, now(), 2).await.unwrap(), 0);
        // A draft about to expire: its owner is warned once, then it is removed.
        let an = actor(&db, "056090001234").await;
        let draft = marital_draft(&app, &an).await;
        sqlx::query("UPDATE dossier_draft SET expires_at = $1 WHERE id = $2")
            .bind(motcua_store::time::now_micros() + 3_600_000_000)
            .bind(draft.id)
            .execute(db.pool())
            .await
            .unwrap();
        assert_eq!(
            jobs::tidy_drafts(&app, Some("https://dvc.example"))
                .await
                .unwrap(),
            (1, 0),
            "{backend:?}: warned"
        );
        assert_eq!(
            jobs::tidy_drafts(&app, None).await.unwrap(),
            (0, 0),
            "{backend:?}: once"
        );
        sqlx::query("UPDATE dossier_draft SET expires_at = $1 WHERE id = $2")
            .bind(motcua_store::time::now_micros() - 1)
            .bind(draft.id)
            .execute(db.pool())
            .await
            .unwrap();
        assert_eq!(
            jobs::tidy_drafts(&app, None).await.unwrap(),
            (0, 1),
            "{backend:?}: removed"
        );
        assert!(db.draft(&draft.public_id).await.unwrap().is_none());
    }
}
