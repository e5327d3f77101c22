//! Storage tests, run against SQLite always and PostgreSQL when MOTCUA_TEST_POSTGRES_URL is set.

use motcua_store::admin_units::{self, ImportReport};
use motcua_store::agencies::AgencyInput;
use motcua_store::dossiers::{ChainVerdict, EventInput, NewDossier};
use motcua_store::procedures::ProcedureInput;
use motcua_store::testing::{TestDatabase, backends};
use motcua_store::{Backend, Db, outbox};

const ADMIN_UNITS: &str = include_str!("../../../data/admin-units-2025.json");

#[tokio::test]
async fn migrations_are_idempotent() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let db = test.connect().await;
        assert!(db.applied_migrations().await.unwrap().is_empty());
        let first = db.migrate().await.unwrap();
        assert!(
            !first.is_empty(),
            "{backend:?}: first run applies migrations"
        );
        assert_eq!(*first.last().unwrap(), db.latest_migration());
        let second = db.migrate().await.unwrap();
        assert!(second.is_empty(), "{backend:?}: second run applies nothing");
        // A fresh pool on the same database sees the same state.
        let again = test.connect().await;
        assert!(again.migrate().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn sqlite_connections_use_wal_and_foreign_keys() {
    let test = TestDatabase::new(Backend::Sqlite).await;
    let db = test.migrated().await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(fk, 1);
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(sync, 1, "synchronous=NORMAL");
    assert!(db.sqlite_path().unwrap().ends_with("motcua.db"));
}

#[tokio::test]
async fn admin_units_import_counts_and_is_repeatable() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let db = test.migrated().await;
        let list = admin_units::parse_list(ADMIN_UNITS).unwrap();
        let report = db.import_admin_units(&list).await.unwrap();
        assert_eq!(report.provinces, 34);
        assert_eq!(report.communes, 3321);
        assert_eq!(report.added, 34 + 3321);
        assert_eq!(db.count_current_units("province").await.unwrap(), 34);
        assert_eq!(db.count_current_units("commune").await.unwrap(), 3321);
        let khanh_hoa = db.admin_unit("province", 56).await.unwrap().unwrap();
        assert_eq!(khanh_hoa.name, "Khánh Hòa");
        assert_eq!(db.communes_of(khanh_hoa.id).await.unwrap().len(), 65);

        let again = db.import_admin_units(&list).await.unwrap();
        assert_eq!(
            again,
            ImportReport {
                provinces: 34,
                communes: 3321,
                ..ImportReport::default()
            },
            "{backend:?}: the same list changes nothing"
        );
    }
}

/// A later list merges two communes into a new one and renames another: records that
/// point to the old units keep working and can find their successor.
#[tokio::test]
async fn a_later_list_supersedes_without_breaking_references() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let db = test.migrated().await;
        db.import_admin_units(&admin_units::parse_list(ADMIN_UNITS).unwrap())
            .await
            .unwrap();
        let old_nha_trang = db.admin_unit("commune", 22366).await.unwrap().unwrap();
        let agency = db
            .upsert_agency(&AgencyInput {
                code: "000.01.66.H34",
                name: "Ủy ban nhân dân phường Nha Trang",
                level: "commune",
                admin_unit_id: Some(old_nha_trang.id),
                parent_id: None,
            })
            .await
            .unwrap();

        let mut list: serde_json::Value = serde_json::from_str(ADMIN_UNITS).unwrap();
        let khanh_hoa = list
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|p| p["code"] == 56)
            .unwrap();
        let wards = khanh_hoa["wards"].as_array_mut().unwrap();
        wards.retain(|w| w["code"] != 22366 && w["code"] != 22333);
        wards.push(serde_json::json!({
            "code": 99001, "name": "Phường Nha Trang Mới", "codename": "phuong_nha_trang_moi",
            "division_type": "phường", "replaces": [22366, 22333]
        }));
        let renamed = wards.iter_mut().find(|w| w["code"] == 22390).unwrap();
        renamed["name"] = "Phường Tây Nha Trang (tên mới)".into();
        let later = admin_units::parse_list(&list.to_string()).unwrap();
        let report = db.import_admin_units(&later).await.unwrap();
        assert_eq!(
            (report.added, report.renamed, report.superseded),
            (1, 1, 2),
            "{backend:?}"
        );

        let successor = db.admin_unit("commune", 99001).await.unwrap().unwrap();
        let old = db.admin_unit("commune", 22366).await.unwrap().unwrap();
        assert_eq!(old.superseded_by, Some(successor.id));
        assert!(old.superseded_at.is_some());
        assert_eq!(old.name, "Phường Nha Trang", "the old unit keeps its name");
        assert_eq!(db.count_current_units("commune").await.unwrap(), 3321 - 1);
        // The agency still points at its (old) unit.
        let agency = db.agency_by_code(&agency.code).await.unwrap().unwrap();
        assert_eq!(agency.admin_unit_id, Some(old.id));
        let changes: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM admin_unit_change WHERE change <> 'added'")
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(changes, 3);
    }
}

#[test]
fn bad_lists_are_reported_with_their_place() {
    let err = admin_units::parse_list(r#"[{"code":1,"name":"","codename":"x","division_type":"tỉnh","wards":[
        {"code":5,"name":"A","codename":"a","division_type":"xã"},{"code":5,"name":"B","codename":"b","division_type":"xã"}]}]"#)
    .unwrap_err()
    .to_string();
    assert!(err.contains("[0].name: empty"), "{err}");
    assert!(
        err.contains("[0].wards[1].code: commune code 5 appears twice"),
        "{err}"
    );
    let err = admin_units::parse_list("[{").unwrap_err().to_string();
    assert!(err.contains("line 1"), "{err}");
}

async fn seeded(backend: Backend) -> (TestDatabase, Db) {
    let test = TestDatabase::new(backend).await;
    let db = test.migrated().await;
    db.import_admin_units(&admin_units::parse_list(ADMIN_UNITS).unwrap())
        .await
        .unwrap();
    (test, db)
}

#[tokio::test]
async fn demo_data_loads_once() {
    for backend in backends() {
        let (_test, db) = seeded(backend).await;
        assert!(db.is_empty().await.unwrap());
        let sign_ins = db.load_demo().await.unwrap();
        assert!(sign_ins.len() >= 8);
        let (agencies, accounts) = (
            db.count_agencies().await.unwrap(),
            db.count_accounts().await.unwrap(),
        );
        let grants: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM role_grant")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert!(!db.is_empty().await.unwrap());
        let loaded_at = db.meta_get("demo_loaded_at").await.unwrap().unwrap();

        db.load_demo().await.unwrap();
        assert_eq!(db.count_agencies().await.unwrap(), agencies, "{backend:?}");
        assert_eq!(db.count_accounts().await.unwrap(), accounts, "{backend:?}");
        let grants_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM role_grant")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(grants_after, grants);
        assert_eq!(
            db.meta_get("demo_loaded_at").await.unwrap().unwrap(),
            loaded_at
        );

        // Every role has an account, and the password printed is the one that works.
        let roles: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT role FROM role_grant ORDER BY role")
                .fetch_all(db.pool())
                .await
                .unwrap();
        assert_eq!(
            roles,
            [
                "agency_admin",
                "leader",
                "reception",
                "specialist",
                "system_admin",
                "volunteer"
            ]
        );
        let citizen = db
            .account_by_citizen_id("056090001234")
            .await
            .unwrap()
            .unwrap();
        assert!(
            db.check_password(citizen.id, &sign_ins[0].password)
                .await
                .unwrap()
        );
        assert!(!db.check_password(citizen.id, "wrong").await.unwrap());
        assert_eq!(db.represented_by(citizen.id).await.unwrap().len(), 1);
    }
}

async fn a_dossier(db: &Db) -> motcua_store::dossiers::Dossier {
    db.load_demo().await.unwrap();
    let agency = db.agency_by_code("000.01.66.H34").await.unwrap().unwrap();
    let version = db
        .save_procedure(&ProcedureInput {
            code: "1.001193",
            name: "Thủ tục đăng ký khai sinh",
            field: "Hộ tịch",
            online_service: "full",
            data: "{}",
        })
        .await
        .unwrap();
    let (dossier, first) = db
        .create_dossier(&NewDossier {
            code: "000.01.66.H34-260223-0001",
            procedure_version_id: version.id,
            agency_id: agency.id,
            applicant_id: None,
            channel: "online",
            state: "submitted",
            form_data: r#"{"ho_ten":"Nguyễn Văn Bé"}"#,
            priority: 1,
            actor_id: None,
            action: "submit",
        })
        .await
        .unwrap();
    assert_eq!(first.seq, 1);
    dossier
}

#[tokio::test]
async fn dossier_history_is_hash_chained_and_tampering_is_detected() {
    for backend in backends() {
        let (_test, db) = seeded(backend).await;
        let dossier = a_dossier(&db).await;
        let (dossier, _) = db
            .append_dossier_event(
                dossier.id,
                dossier.version,
                &EventInput {
                    actor_id: None,
                    action: "receive",
                    to_state: "received",
                    note: "Đủ thành phần hồ sơ",
                    data: "{}",
                },
            )
            .await
            .unwrap();
        db.append_dossier_event(
            dossier.id,
            dossier.version,
            &EventInput {
                actor_id: None,
                action: "assign",
                to_state: "in_processing",
                note: "",
                data: r#"{"step":2}"#,
            },
        )
        .await
        .unwrap();
        let events = db.dossier_events(dossier.id).await.unwrap();
        assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(events[1].prev_hash, events[0].hash);
        assert_eq!(events[2].from_state.as_deref(), Some("received"));
        assert_eq!(
            db.verify_dossier_chain(dossier.id).await.unwrap(),
            ChainVerdict::Intact { events: 3 }
        );

        // The database refuses edits to history outright.
        let refused = sqlx::query("UPDATE dossier_event SET note = 'x' WHERE dossier_id = $1")
            .bind(dossier.id)
            .execute(db.pool())
            .await;
        assert!(refused.is_err(), "{backend:?}: history must be append-only");
        let refused = sqlx::query("DELETE FROM dossier_event WHERE dossier_id = $1")
            .bind(dossier.id)
            .execute(db.pool())
            .await;
        assert!(refused.is_err());

        // Someone with the power to lift that guard edits an event: the chain shows it.
        match backend {
            Backend::Sqlite => {
                sqlx::query("DROP TRIGGER dossier_event_no_update")
                    .execute(db.pool())
                    .await
                    .unwrap();
            }
            Backend::Postgres => {
                sqlx::query("ALTER TABLE dossier_event DISABLE TRIGGER dossier_event_no_change")
                    .execute(db.pool())
                    .await
                    .unwrap();
            }
        }
        sqlx::query("UPDATE dossier_event SET note = 'Thiếu giấy chứng sinh' WHERE dossier_id = $1 AND seq = 2")
            .bind(dossier.id)
            .execute(db.pool())
            .await
            .unwrap();
        match db.verify_dossier_chain(dossier.id).await.unwrap() {
            ChainVerdict::Broken { seq, reason } => {
                assert_eq!(seq, 2, "{backend:?}");
                assert!(reason.contains("hash"), "{reason}");
            }
            intact => panic!("{backend:?}: tampering not detected: {intact:?}"),
        }
    }
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_writes_nothing() {
    for backend in backends() {
        let (_test, db) = seeded(backend).await;
        let dossier = a_dossier(&db).await;
        let event = EventInput {
            actor_id: None,
            action: "receive",
            to_state: "received",
            note: "",
            data: "{}",
        };
        db.append_dossier_event(dossier.id, dossier.version, &event)
            .await
            .unwrap();
        let stale = db
            .append_dossier_event(dossier.id, dossier.version, &event)
            .await;
        assert!(
            matches!(stale, Err(motcua_store::StoreError::Conflict(_))),
            "{backend:?}: {stale:?}"
        );
        assert_eq!(db.dossier_events(dossier.id).await.unwrap().len(), 2);
        let missing = db.append_dossier_event(999_999, 1, &event).await;
        assert!(matches!(
            missing,
            Err(motcua_store::StoreError::NotFound { .. })
        ));
        // A second dossier with the same code is refused.
        let duplicate = db
            .create_dossier(&NewDossier {
                code: &dossier.code,
                procedure_version_id: dossier.procedure_version_id,
                agency_id: dossier.agency_id,
                applicant_id: None,
                channel: "online",
                state: "submitted",
                form_data: "{}",
                priority: 0,
                actor_id: None,
                action: "submit",
            })
            .await;
        assert!(
            matches!(duplicate, Err(motcua_store::StoreError::Conflict(_))),
            "{duplicate:?}"
        );
    }
}

#[tokio::test]
async fn procedure_edits_create_versions() {
    for backend in backends() {
        let (_test, db) = seeded(backend).await;
        let mut input = ProcedureInput {
            code: "1.001193",
            name: "Thủ tục đăng ký khai sinh",
            field: "Hộ tịch",
            online_service: "full",
            data: r#"{"fee":0}"#,
        };
        let v1 = db.save_procedure(&input).await.unwrap();
        assert_eq!(
            db.save_procedure(&input).await.unwrap(),
            v1,
            "unchanged data keeps the version"
        );
        input.data = r#"{"fee":8000}"#;
        let v2 = db.save_procedure(&input).await.unwrap();
        assert_eq!((v1.version, v2.version), (1, 2));
        assert_eq!(
            db.procedure_version(v1.procedure_id, 1).await.unwrap().data,
            r#"{"fee":0}"#
        );
    }
}

#[tokio::test]
async fn outbox_claims_once_deduplicates_and_backs_off() {
    for backend in backends() {
        let (_test, db) = seeded(backend).await;
        let mut tx = db.pool().begin().await.unwrap();
        outbox::enqueue(&mut *tx, "notify", r#"{"dossier":1}"#, Some("notify-1"))
            .await
            .unwrap();
        outbox::enqueue(&mut *tx, "notify", r#"{"dossier":1}"#, Some("notify-1"))
            .await
            .unwrap();
        outbox::enqueue(&mut *tx, "stats", "{}", None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // A rolled-back transaction leaves no job behind.
        let mut tx = db.pool().begin().await.unwrap();
        outbox::enqueue(&mut *tx, "notify", "{}", None)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(db.pending_jobs().await.unwrap(), 2, "{backend:?}");

        let (a, b) = tokio::join!(db.claim_jobs("worker-a", 10), db.claim_jobs("worker-b", 10));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(
            a.len() + b.len(),
            2,
            "{backend:?}: each job claimed by exactly one worker"
        );
        let mut jobs = [a, b].concat();
        jobs.sort_by_key(|j| j.id);
        db.complete_job(jobs[0].id).await.unwrap();
        db.fail_job(&jobs[1], "SMTP unreachable").await.unwrap();
        assert_eq!(db.pending_jobs().await.unwrap(), 1);
        assert!(
            db.claim_jobs("worker-a", 10).await.unwrap().is_empty(),
            "a failed job waits for its back-off"
        );
        // Jobs were queued as notify (first id) then stats; the done one's key may be
        // queued again.
        assert_eq!(jobs[0].topic, "notify");
        outbox::enqueue(db.pool(), "notify", "{}", Some("notify-1"))
            .await
            .unwrap();
        assert_eq!(db.pending_jobs().await.unwrap(), 2, "{backend:?}");
    }
}

/// A transaction abandoned while holding locks (here: leaked on purpose) must not keep
/// a test database from being cleaned up.
#[tokio::test]
async fn test_databases_clean_up_despite_abandoned_transactions() {
    for backend in backends() {
        let (test, db) = seeded(backend).await;
        let dossier = a_dossier(&db).await;
        let mut tx = db.pool().begin().await.unwrap();
        sqlx::query("UPDATE dossier SET priority = 2 WHERE id = $1")
            .bind(dossier.id)
            .execute(&mut *tx)
            .await
            .unwrap();
        std::mem::forget(tx);
        let started = std::time::Instant::now();
        drop(test);
        // Below the clean-up's 10 s lock timeout: the leaked connection was ended, not waited out.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(8),
            "{backend:?}"
        );
    }
}

/// Item 16 of the security review: the events carry the dossier's content, so answers
/// changed outside the history are found; signed seals find events cut off the end
/// or removed, and a seal signed with another key.
#[tokio::test]
async fn the_audit_trail_finds_changed_content_cut_off_events_and_forged_seals() {
    use motcua_store::audit::AuditKey;
    let key = AuditKey::from_base64_seed("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
    let other = AuditKey::from_base64_seed("HxwdHhkaGxwVFhcYERITFA0ODxAJCgsMBQYHCAECAwQ=").unwrap();
    assert!(AuditKey::from_base64_seed("c2hvcnQ=").is_err());
    for backend in backends() {
        let (_test, db) = seeded(backend).await;
        let dossier = a_dossier(&db).await;
        let (dossier, _) = db
            .append_dossier_event(
                dossier.id,
                dossier.version,
                &EventInput {
                    actor_id: None,
                    action: "receive",
                    to_state: "received",
                    note: "",
                    data: "{}",
                },
            )
            .await
            .unwrap();
        let events = db.dossier_events(dossier.id).await.unwrap();
        let data: serde_json::Value = serde_json::from_str(&events[1].data).unwrap();
        assert_eq!(
            data["content"]["answers_sha256"].as_str().unwrap().len(),
            64
        );
        let report = db.verify_all(Some(&key)).await.unwrap();
        assert_eq!(report.problems, Vec::<String>::new(), "{backend:?}");
        assert_eq!((report.dossiers, report.events, report.unsealed), (1, 2, 2));

        // Sealed, then the last event cut off: the chain alone still looks whole.
        let last = db.last_event_id().await.unwrap();
        assert_eq!(db.seal_events(&key, last).await.unwrap(), Some(last));
        assert_eq!(
            db.seal_events(&key, last).await.unwrap(),
            None,
            "nothing new"
        );
        assert!(db.verify_all(Some(&key)).await.unwrap().problems.is_empty());
        let forged = db.verify_all(Some(&other)).await.unwrap();
        assert!(forged.problems[0].contains("signed with key"), "{forged:?}");
        // Someone who can lift the append-only guard cuts off the last event.
        let lift = match backend {
            Backend::Sqlite => "DROP TRIGGER dossier_event_no_delete",
            Backend::Postgres => {
                "ALTER TABLE dossier_event DISABLE TRIGGER dossier_event_no_change"
            }
        };
        sqlx::query(lift).execute(db.pool()).await.unwrap();
        sqlx::query("DELETE FROM dossier_event WHERE id = $1")
            .bind(last)
            .execute(db.pool())
            .await
            .unwrap();
        assert!(matches!(
            db.verify_dossier_chain(dossier.id).await.unwrap(),
            ChainVerdict::Intact { events: 1 }
        ));
        let cut = db.verify_all(Some(&key)).await.unwrap();
        assert!(
            cut.problems
                .iter()
                .any(|p| p.contains("events were removed")),
            "{backend:?}: {cut:?}"
        );

        // Answers changed behind the history's back.
        sqlx::query("UPDATE dossier SET form_data = '{\"ho_ten\":\"Người Khác\"}' WHERE id = $1")
            .bind(dossier.id)
            .execute(db.pool())
            .await
            .unwrap();
        match db.audit_dossier(dossier.id).await.unwrap() {
            ChainVerdict::Broken { reason, .. } => {
                assert!(reason.contains("the answers"), "{reason}")
            }
            other => panic!("{backend:?}: {other:?}"),
        }
    }
}
