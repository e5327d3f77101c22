//! What the application tests share: a seeded database (administrative units, the
//! catalog, the demo agencies and accounts) on each backend, and its people.

#![allow(dead_code)]

use motcua_app::desk::{Act, Capacity, DeskRequest, act, decide, describe};
use motcua_app::notify::Notifier;
use motcua_app::{Actor, App, Error};
use motcua_store::accounts::AccountInput;
use motcua_store::dossiers::NewDossier;
use motcua_store::testing::TestDatabase;
use motcua_store::{Db, FileStore, StorageConfig, Store};

pub const NHA_TRANG: &str = "000.01.66.H34";
pub const JUSTICE: &str = "000.00.18.H34";
pub const CONSTRUCTION: &str = "000.00.22.H34";
const ADMIN_UNITS: &str = include_str!("../../../../data/admin-units-2025.json");
const CATALOG: &str = include_str!("../../../../data/catalog.json");

/// A migrated database with the administrative units, the catalog and the demo
/// agencies and accounts, and the application over it.
pub async fn seeded(test: &TestDatabase, name: &str) -> (Db, App) {
    let db = test.migrated().await;
    let units = motcua_store::admin_units::parse_list(ADMIN_UNITS).unwrap();
    db.import_admin_units(&units).await.unwrap();
    let catalog = motcua_domain::catalog::parse_catalog(CATALOG).unwrap();
    db.import_catalog(&catalog.procedures).await.unwrap();
    db.load_demo().await.unwrap();
    db.link_procedures_by_level().await.unwrap();
    let dir = std::env::temp_dir().join(format!("motcua-app-desk-{name}-{}", std::process::id()));
    let files = FileStore::open(&StorageConfig::local_in(dir)).unwrap();
    let notifier = Notifier::sandbox(db.clone());
    let app = App::new(
        Store {
            db: db.clone(),
            files,
        },
        notifier,
    );
    (db, app)
}

pub async fn actor(db: &Db, identifier: &str) -> Actor {
    let (account, _) = db.account_for_sign_in(identifier).await.unwrap().unwrap();
    let roles = db.roles_of(account.id).await.unwrap();
    Actor { account, roles }
}

/// A new official of an agency with one role.
pub async fn official(db: &Db, agency: &str, role: &str, email: &str) -> Actor {
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
    db.grant_role(account.id, Some(agency.id), role)
        .await
        .unwrap();
    actor(db, email).await
}

pub fn marital_answers() -> String {
    serde_json::json!({
        "ho_ten": "Nguyễn Văn An", "so_dinh_danh": "056090001234",
        "noi_cu_tru": {"province": "56", "commune": "22366", "street": "12 Trần Phú"},
        "quan_he": "Bản thân", "xn_ngay_sinh": "1990-03-04", "xn_gioi_tinh": "Nam",
        "tinh_trang": "Chưa đăng ký kết hôn với ai", "muc_dich": "Để vay vốn ngân hàng", "so_ban": "1"
    })
    .to_string()
}

/// Files An's marital status certificate at Nha Trang.
pub async fn filed(db: &Db, an: &Actor, code: &str) {
    let agency = db.agency_by_code(NHA_TRANG).await.unwrap().unwrap();
    let version = db.current_procedure("1.004873").await.unwrap().unwrap();
    db.create_dossier(&NewDossier {
        code,
        procedure_version_id: version.version_id,
        agency_id: agency.id,
        applicant_id: Some(an.account.id),
        channel: "online",
        state: "submitted",
        form_data: &marital_answers(),
        priority: 0,
        actor_id: Some(an.account.id),
        action: "submit",
    })
    .await
    .unwrap();
}

/// Reads `request` as the pages and the API do, and applies it as `who`.
pub async fn attempt(
    app: &App,
    who: &Actor,
    code: &str,
    request: &DeskRequest,
    capacity: Capacity,
) -> Result<(), Error> {
    let db = &app.store().db;
    let dossier = db.dossier_by_code(code).await?.ok_or(Error::NotFound)?;
    let desk = describe(app, dossier).await?;
    let action = decide(app, &desk, request).await?;
    let act_request = Act {
        action,
        note: String::new(),
        expected_version: desk.dossier.version,
        capacity,
    };
    act(app, who, &desk, act_request).await?;
    Ok(())
}

pub fn request(action: &str) -> DeskRequest {
    DeskRequest {
        action: action.into(),
        ..DeskRequest::default()
    }
}
