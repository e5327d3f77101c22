//! Drafts, the document store and submission, on SQLite and PostgreSQL.

use bytes::Bytes;
use motcua_store::admin_units;
use motcua_store::document_store::{NewStoredDocument, Origin};
use motcua_store::drafts::{NewDraft, Submission};
use motcua_store::procedures::ProcedureInput;
use motcua_store::testing::{TestDatabase, backends};
use motcua_store::{Db, StorageConfig, Store, StoreError};

const ADMIN_UNITS: &str = include_str!("../../../data/admin-units-2025.json");
const DAY: i64 = 24 * 3600 * 1_000_000;

struct Setup {
    db: Db,
    store: Store,
    citizen: i64,
    agency: i64,
    version: i64,
    _test: TestDatabase,
}

async fn setup(backend: motcua_store::Backend) -> Setup {
    let test = TestDatabase::new(backend).await;
    let db = test.migrated().await;
    db.import_admin_units(&admin_units::parse_list(ADMIN_UNITS).unwrap())
        .await
        .unwrap();
    db.load_demo().await.unwrap();
    let store = Store {
        db: db.clone(),
        files: motcua_store::FileStore::open(&StorageConfig::local_in(test.data_dir.path()))
            .unwrap(),
    };
    let citizen = db
        .account_by_citizen_id("056090001234")
        .await
        .unwrap()
        .unwrap()
        .id;
    let agency = db
        .agency_by_code("000.01.66.H34")
        .await
        .unwrap()
        .unwrap()
        .id;
    let version = db
        .save_procedure(&ProcedureInput {
            code: "1.001193",
            name: "Thủ tục đăng ký khai sinh",
            field: "Hộ tịch",
            online_service: "full",
            data: "{}",
        })
        .await
        .unwrap()
        .id;
    Setup {
        db,
        store,
        citizen,
        agency,
        version,
        _test: test,
    }
}

fn submission<'a>(actor: i64) -> Submission<'a> {
    Submission {
        agency_code: "000.01.66.H34",
        day: "261125",
        state: "submitted",
        form_data: r#"{"tre_ho_ten":"Nguyễn Văn Bé"}"#,
        channel: "online",
        actor_id: actor,
        event_data: "{}",
    }
}

#[tokio::test]
async fn a_draft_is_saved_step_by_step_and_submitted_once() {
    for backend in backends() {
        let s = setup(backend).await;
        let db = &s.db;
        let draft = db
            .create_draft(&NewDraft {
                account_id: s.citizen,
                created_by: s.citizen,
                assisted_by: None,
                procedure_version_id: s.version,
                agency_id: s.agency,
                answers: "{}",
                first_step: "nguoi_yeu_cau",
                ttl_micros: 30 * DAY,
            })
            .await
            .unwrap();
        assert_eq!(draft.public_id.len(), 24);
        let saved = db
            .save_draft(
                draft.id,
                draft.version,
                r#"{"ho_ten":"An"}"#,
                "tre",
                30 * DAY,
            )
            .await
            .unwrap();
        assert_eq!(saved.version, draft.version + 1);
        // Another device saving from the old version is told, and nothing is lost.
        let stale = db
            .save_draft(
                draft.id,
                draft.version,
                r#"{"ho_ten":"Khác"}"#,
                "tre",
                30 * DAY,
            )
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{backend:?}");
        let again = db.draft(&draft.public_id).await.unwrap().unwrap();
        assert_eq!(again.answers, r#"{"ho_ten":"An"}"#);
        assert_eq!(db.drafts_of(&[s.citizen]).await.unwrap().len(), 1);

        // A document uploaded once, reused from the store.
        let file = s
            .store
            .save_file(Bytes::from_static(b"%PDF-1.4\n%test\n"))
            .await
            .unwrap();
        let document = db
            .store_document(&NewStoredDocument {
                owner_id: s.citizen,
                file_id: file.id,
                title: "Giấy chứng sinh",
                file_name: "giay-chung-sinh.pdf",
                origin: Origin::Uploaded,
                dossier_id: None,
            })
            .await
            .unwrap();
        assert_eq!(document.mime, "application/pdf");
        db.attach_to_draft(draft.id, 3, document.id).await.unwrap();
        db.attach_to_draft(draft.id, 3, document.id).await.unwrap();
        assert_eq!(db.draft_attachments(draft.id).await.unwrap().len(), 1);

        let (first, created) = db
            .submit_draft(draft.id, &submission(s.citizen))
            .await
            .unwrap();
        assert!(created);
        assert_eq!(first.code, "000.01.66.H34-261125-0001");
        assert_eq!(first.state, "submitted");
        let (second, created) = db
            .submit_draft(draft.id, &submission(s.citizen))
            .await
            .unwrap();
        assert!(!created, "a second submission makes nothing");
        assert_eq!(second.id, first.id);
        assert_eq!(db.dossier_attachments(first.id).await.unwrap().len(), 1);
        assert!(db.drafts_of(&[s.citizen]).await.unwrap().is_empty());
        // A submitted draft is not edited any more.
        let late = db
            .save_draft(draft.id, saved.version + 1, "{}", "tre", DAY)
            .await;
        assert!(matches!(late, Err(StoreError::Conflict(_))));
        let mine = db.dossiers_of_applicants(&[s.citizen]).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].procedure_name, "Thủ tục đăng ký khai sinh");
        assert!(matches!(
            db.verify_dossier_chain(first.id).await.unwrap(),
            motcua_store::dossiers::ChainVerdict::Intact { events: 1 }
        ));
    }
}

#[tokio::test]
async fn concurrent_submissions_make_one_dossier_and_codes_count_up() {
    for backend in backends() {
        let s = setup(backend).await;
        let mut drafts = Vec::new();
        for _ in 0..3 {
            drafts.push(
                s.db.create_draft(&NewDraft {
                    account_id: s.citizen,
                    created_by: s.citizen,
                    assisted_by: None,
                    procedure_version_id: s.version,
                    agency_id: s.agency,
                    answers: "{}",
                    first_step: "a",
                    ttl_micros: DAY,
                })
                .await
                .unwrap(),
            );
        }
        // The same draft submitted eight times at once.
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let db = s.db.clone();
            let id = drafts[0].id;
            let actor = s.citizen;
            tasks.push(tokio::spawn(async move {
                db.submit_draft(id, &submission(actor)).await.unwrap()
            }));
        }
        let mut ids = Vec::new();
        let mut created = 0;
        for task in tasks {
            let (dossier, new) = task.await.unwrap();
            ids.push(dossier.id);
            created += usize::from(new);
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "{backend:?}");
        assert_eq!(created, 1);
        for (i, draft) in drafts.iter().enumerate().skip(1) {
            let (dossier, _) =
                s.db.submit_draft(draft.id, &submission(s.citizen))
                    .await
                    .unwrap();
            assert_eq!(dossier.code, format!("000.01.66.H34-261125-{:04}", i + 1));
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dossier")
            .fetch_one(s.db.pool())
            .await
            .unwrap();
        assert_eq!(count, 3);
    }
}

#[tokio::test]
async fn expired_drafts_are_warned_then_removed() {
    for backend in backends() {
        let s = setup(backend).await;
        let draft =
            s.db.create_draft(&NewDraft {
                account_id: s.citizen,
                created_by: s.citizen,
                assisted_by: None,
                procedure_version_id: s.version,
                agency_id: s.agency,
                answers: "{}",
                first_step: "a",
                ttl_micros: 2 * DAY,
            })
            .await
            .unwrap();
        let now = motcua_store::time::now_micros();
        assert!(s.db.drafts_to_warn(now + DAY).await.unwrap().is_empty());
        let due = s.db.drafts_to_warn(now + 3 * DAY).await.unwrap();
        assert_eq!(due.len(), 1);
        s.db.mark_draft_warned(draft.id).await.unwrap();
        assert!(s.db.drafts_to_warn(now + 3 * DAY).await.unwrap().is_empty());
        assert_eq!(s.db.delete_expired_drafts().await.unwrap(), 0);
        sqlx::query("UPDATE dossier_draft SET expires_at = 1")
            .execute(s.db.pool())
            .await
            .unwrap();
        assert_eq!(s.db.delete_expired_drafts().await.unwrap(), 1);
        assert!(s.db.draft(&draft.public_id).await.unwrap().is_none());
    }
}
