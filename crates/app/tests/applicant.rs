//! The applicant's actions after submitting, without HTTP, on SQLite and PostgreSQL:
//! withdraw, stop, and answer a supplementation request (documents added for it, the
//! marked answers corrected and checked), each only by the applicant and only when the
//! dossier's state allows it.

use bytes::Bytes;
use motcua_app::Error;
use motcua_app::applicant::{self, Supplemented};
use motcua_domain::dossier::DossierState;
use motcua_store::testing::{TestDatabase, backends};

mod common;

use common::{NHA_TRANG, actor, attempt, filed, request, seeded};
use motcua_app::desk::Capacity;

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn the_applicant_stops_a_received_dossier_and_nobody_else_can() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let (db, app) = seeded(&test, "stop").await;
        let an = actor(&db, "056090001234").await;
        let desk = actor(&db, "tiepnhan@nhatrang.example").await;
        let code = format!("{NHA_TRANG}-261204-0400");
        filed(&db, &an, &code).await;
        // Before receipt a stop is not the way: withdrawing is.
        match applicant::stop(&app, &an, &code, "Không cần nữa", None).await {
            Err(Error::Refused(message)) => assert!(message.contains("dừng"), "{message}"),
            other => panic!("{backend:?}: {other:?}"),
        }
        attempt(&app, &desk, &code, &request("receive"), Capacity::Official)
            .await
            .unwrap();
        let received = db.dossier_by_code(&code).await.unwrap().unwrap();
        // Received, it cannot be withdrawn any more.
        match applicant::withdraw(&app, &an, &code, Some(received.version)).await {
            Err(Error::Refused(message)) => assert!(message.contains("rút"), "{message}"),
            other => panic!("{backend:?}: {other:?}"),
        }
        // The desk is not the applicant: the dossier does not exist for it here.
        let got = applicant::stop(&app, &desk, &code, "x", Some(received.version)).await;
        assert!(matches!(got, Err(Error::NotFound)), "{backend:?}: {got:?}");
        // A stale version is refused and changes nothing.
        let got = applicant::stop(&app, &an, &code, "x", Some(received.version - 1)).await;
        assert!(
            matches!(got, Err(Error::Refused(_))),
            "{backend:?}: {got:?}"
        );
        assert_eq!(
            db.dossier_by_code(&code).await.unwrap().unwrap().state,
            DossierState::Received
        );
        let reason = format!("  Đã giải quyết ở nơi khác{}", "x".repeat(2000));
        applicant::stop(&app, &an, &code, &reason, Some(received.version))
            .await
            .unwrap();
        let stopped = db.dossier_by_code(&code).await.unwrap().unwrap();
        assert_eq!(stopped.state, DossierState::Stopped, "{backend:?}");
        let events = db.dossier_events(stopped.id).await.unwrap();
        let last = events.last().unwrap();
        assert_eq!(last.action, "stop");
        assert!(last.note.starts_with("Đã giải quyết ở nơi khác"));
        assert_eq!(
            last.note.chars().count(),
            1000,
            "{backend:?}: the reason is kept short"
        );
    }
}

#[tokio::test]
async fn a_supplement_is_checked_then_sent_with_its_documents() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let (db, app) = seeded(&test, "supplement").await;
        let an = actor(&db, "056090001234").await;
        let desk = actor(&db, "tiepnhan@nhatrang.example").await;
        let code = format!("{NHA_TRANG}-261204-0401");
        filed(&db, &an, &code).await;
        // Nothing was asked yet.
        let got = applicant::supplement(&app, &an, &code, &[], None).await;
        assert!(
            matches!(got, Err(Error::Refused(_))),
            "{backend:?}: {got:?}"
        );
        let mut ask = request("request_supplement");
        ask.items = vec!["Bản sao Căn cước công dân".into()];
        ask.fields = vec!["so_ban".into()];
        attempt(&app, &desk, &code, &ask, Capacity::Official)
            .await
            .unwrap();
        let waiting = db.dossier_by_code(&code).await.unwrap().unwrap();
        assert_eq!(waiting.state, DossierState::AwaitingSupplementation);
        let asked = applicant::requested(&app, &waiting).await.unwrap();
        assert_eq!(asked.items, ask.items);
        assert_eq!(asked.fields, ask.fields);

        // Documents: another person cannot add one, a file that is not what it claims
        // is refused with the reason, a slot that does not exist is not found.
        let pdf = || Bytes::from_static(PDF);
        let got = applicant::attach_to_supplement(&app, &desk, &code, 1, "a.pdf", pdf()).await;
        assert!(matches!(got, Err(Error::NotFound)), "{backend:?}: {got:?}");
        let text = Bytes::from_static(b"just some text, not a scan");
        match applicant::attach_to_supplement(&app, &an, &code, 1, "cccd.pdf", text).await {
            Err(Error::Validation(fields)) => assert_eq!(fields[0].field, "file"),
            other => panic!("{backend:?}: {other:?}"),
        }
        let got = applicant::attach_to_supplement(&app, &an, &code, 99, "a.pdf", pdf()).await;
        assert!(matches!(got, Err(Error::NotFound)), "{backend:?}: {got:?}");
        applicant::attach_to_supplement(&app, &an, &code, 1, "cccd.pdf", pdf())
            .await
            .unwrap();
        let before = db.dossier_attachments(waiting.id).await.unwrap().len();

        // A correction out of range is shown back with its problem; nothing changes.
        let wrong = pairs(&[("so_ban", "50")]);
        match applicant::supplement(&app, &an, &code, &wrong, Some(waiting.version)).await {
            Ok(Supplemented::Problems { problems, answers }) => {
                assert_eq!(problems[0].path, "so_ban", "{backend:?}");
                assert_eq!(answers["so_ban"], "50", "typed as it was");
            }
            other => panic!("{backend:?}: {other:?}"),
        }
        let unchanged = db.dossier_by_code(&code).await.unwrap().unwrap();
        assert_eq!(unchanged.version, waiting.version);
        assert_eq!(unchanged.form_data, waiting.form_data);
        // Only the marked fields are read: the name cannot be changed on the way.
        let right = pairs(&[("so_ban", "2"), ("ho_ten", "Người Khác")]);
        let sent = applicant::supplement(&app, &an, &code, &right, Some(waiting.version))
            .await
            .unwrap();
        assert!(matches!(sent, Supplemented::Sent), "{backend:?}: {sent:?}");
        let after = db.dossier_by_code(&code).await.unwrap().unwrap();
        // Asked for before receipt, the supplement goes back to the desk.
        assert_eq!(after.state, DossierState::Submitted, "{backend:?}");
        let answers: serde_json::Value = serde_json::from_str(&after.form_data).unwrap();
        assert_eq!(answers["so_ban"], serde_json::json!(2));
        assert_eq!(answers["ho_ten"], "Nguyễn Văn An");
        let attachments = db.dossier_attachments(after.id).await.unwrap();
        assert_eq!(attachments.len(), before, "{backend:?}");
        assert!(attachments.iter().any(|(_, d)| d.file_name == "cccd.pdf"));
        let last = db.dossier_events(after.id).await.unwrap();
        assert_eq!(last.last().unwrap().action, "supplement");
        // Sent once: a second time there is nothing awaited.
        let again = applicant::supplement(&app, &an, &code, &right, None).await;
        assert!(
            matches!(again, Err(Error::Refused(_))),
            "{backend:?}: {again:?}"
        );
    }
}

/// A helper at a counter fills a draft for An: never with An's document store, and
/// only while the draft is open and they still work at a counter.
#[tokio::test]
async fn a_helper_never_reaches_the_persons_document_store() {
    use motcua_app::documents::{reuse_in_draft, upload_to_draft};
    use motcua_app::drafts::{Opening, load_draft, open_draft};
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let (db, app) = seeded(&test, "helper").await;
        let an = actor(&db, "056090001234").await;
        let volunteer = actor(&db, "tinhnguyen@nhatrang.example").await;
        let agency = db.agency_by_code(NHA_TRANG).await.unwrap().unwrap();
        let version = db.current_procedure("1.004873").await.unwrap().unwrap();
        let entry = app.procedure_version(version.version_id).await.unwrap();
        // An's own draft puts a document into An's store.
        let own = open_draft(&app, &entry, Opening::online(&an, an.account.id, agency.id))
            .await
            .unwrap();
        let own = load_draft(&app, &an, &own.public_id).await.unwrap();
        assert!(!own.by_helper);
        let slot = own.slots().into_iter().find(|s| s.shown).unwrap();
        let max = app.settings().max_upload_bytes;
        let private = upload_to_draft(
            &app,
            &own.draft,
            &slot,
            "rieng.pdf",
            Bytes::from_static(PDF),
            max,
        )
        .await
        .unwrap();
        // The volunteer's draft for An.
        let opening = Opening {
            applicant: an.account.id,
            filler: volunteer.account.id,
            prefill_from: an.account.id,
            assisted_by: Some(volunteer.account.id),
            agency: agency.id,
        };
        let helped = open_draft(&app, &entry, opening).await.unwrap();
        let view = load_draft(&app, &volunteer, &helped.public_id)
            .await
            .unwrap();
        assert!(view.by_helper, "{backend:?}");
        let got = reuse_in_draft(&app, &view, &slot, private.id).await;
        assert!(matches!(got, Err(Error::NotFound)), "{backend:?}: {got:?}");
        // An, in the same draft, may.
        let as_an = load_draft(&app, &an, &helped.public_id).await.unwrap();
        reuse_in_draft(&app, &as_an, &slot, private.id)
            .await
            .unwrap();
        // Without the counter role the draft is gone for the volunteer.
        let mut former = volunteer.clone();
        former.roles.clear();
        let got = load_draft(&app, &former, &helped.public_id).await;
        assert!(matches!(got, Err(Error::NotFound)), "{backend:?}");
    }
}
