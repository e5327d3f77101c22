//! Who is acting, and what they may reach: the [`Actor`] every use case takes, and
//! the scopes derived from its roles (the dossiers it may see, the configuration it
//! may change). One rule per question, written once, for pages, the API and jobs.

use motcua_store::accounts::{Account, RoleGrant};
use motcua_store::dossiers::Dossier;
use motcua_store::{Db, StoreResult};

/// The signed-in account and its roles: who a use case acts for.
#[derive(Clone, Debug)]
pub struct Actor {
    pub account: Account,
    pub roles: Vec<RoleGrant>,
}

impl Actor {
    pub fn is_system_admin(&self) -> bool {
        self.roles.iter().any(|r| r.role == "system_admin")
    }
}

/// Whose configuration (procedures, settings) a actor may change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigScope {
    /// A system administrator: everything.
    All,
    /// An agency administrator: these agencies and those under them.
    Agencies(Vec<i64>),
}

/// The agencies where a actor holds the agency administrator role.
pub fn administered_agencies(actor: &Actor) -> Vec<i64> {
    actor
        .roles
        .iter()
        .filter(|r| r.role == "agency_admin")
        .filter_map(|r| r.agency_id)
        .collect()
}

/// What configuration a actor may change.
pub async fn config_scope(db: &Db, actor: &Actor) -> StoreResult<ConfigScope> {
    if actor.is_system_admin() {
        return Ok(ConfigScope::All);
    }
    Ok(ConfigScope::Agencies(
        db.agency_subtree(&administered_agencies(actor)).await?,
    ))
}

/// The agencies whose configuration a actor may change (every agency for a
/// system administrator).
pub async fn managed_agencies(
    db: &Db,
    actor: &Actor,
) -> StoreResult<Vec<motcua_store::agencies::Agency>> {
    Ok(match config_scope(db, actor).await? {
        ConfigScope::All => db.agencies().await?,
        ConfigScope::Agencies(ids) => {
            let mut list = Vec::new();
            for id in ids {
                if let Some(agency) = db.agency(id).await? {
                    list.push(agency);
                }
            }
            list
        }
    })
}

/// Whether a actor may edit a procedure: system administrators always; agency
/// administrators when an agency in their scope implements it.
pub async fn may_edit_procedure(db: &Db, actor: &Actor, code: &str) -> StoreResult<bool> {
    Ok(match config_scope(db, actor).await? {
        ConfigScope::All => true,
        ConfigScope::Agencies(scope) => db
            .procedure_agency_ids(code)
            .await?
            .iter()
            .any(|id| scope.contains(id)),
    })
}

/// Whose dossiers a actor may see and act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DossierScope {
    /// A citizen or organisation: dossiers whose applicant is one of these accounts
    /// (their own, and those of organisations they represent).
    Applicants(Vec<i64>),
    /// An official: dossiers handled by these agencies (their own; for leaders also
    /// every agency under theirs).
    Agencies(Vec<i64>),
    /// No dossiers: system administrators and volunteers, agency administrators in
    /// their administrator role (they configure, they do not process).
    Nothing,
}

impl DossierScope {
    pub fn covers(&self, dossier: &Dossier) -> bool {
        match self {
            DossierScope::Applicants(ids) => dossier.applicant_id.is_some_and(|a| ids.contains(&a)),
            DossierScope::Agencies(ids) => {
                ids.contains(&dossier.agency_id)
                    || dossier.handling_agency_id.is_some_and(|h| ids.contains(&h))
            }
            DossierScope::Nothing => false,
        }
    }
}

/// Official roles that work on the dossiers of their agency.
pub const PROCESSING_ROLES: &[&str] = &["reception", "specialist", "leader"];

/// The dossiers a actor may see.
pub async fn dossier_scope(db: &Db, actor: &Actor) -> StoreResult<DossierScope> {
    let account = &actor.account;
    match account.kind.as_str() {
        "citizen" | "organisation" => {
            let mut ids = vec![account.id];
            ids.extend(db.represented_by(account.id).await?);
            Ok(DossierScope::Applicants(ids))
        }
        _ => {
            let mut agencies: Vec<i64> = Vec::new();
            let mut led: Vec<i64> = Vec::new();
            for grant in &actor.roles {
                let Some(agency) = grant.agency_id else {
                    continue;
                };
                if grant.role == "leader" {
                    led.push(agency);
                } else if PROCESSING_ROLES.contains(&grant.role.as_str()) {
                    agencies.push(agency);
                }
            }
            agencies.extend(db.agency_subtree(&led).await?);
            agencies.sort_unstable();
            agencies.dedup();
            Ok(if agencies.is_empty() {
                DossierScope::Nothing
            } else {
                DossierScope::Agencies(agencies)
            })
        }
    }
}

/// Whether a dossier was filed by an agency the actor works in (through the
/// agency's account).
async fn filed_by_own_agency(db: &Db, actor: &Actor, dossier: &Dossier) -> StoreResult<bool> {
    if actor.account.kind != "official" {
        return Ok(false);
    }
    let Some(applicant) = dossier.applicant_id else {
        return Ok(false);
    };
    Ok(match db.agency_of_account(applicant).await? {
        Some(agency) => actor
            .roles
            .iter()
            .any(|r| r.agency_id == Some(agency) && r.role != "volunteer"),
        None => false,
    })
}

/// Whether an actor works at a counter now (reception or volunteer of an access point).
pub fn at_a_counter(actor: &Actor) -> bool {
    actor
        .roles
        .iter()
        .any(|r| r.role == "reception" || r.role == "volunteer")
}

/// Whether an actor works at an agency's reception desk (not a volunteer): who may
/// hand an existing account a new set-up code, or file for someone on the strength
/// of the ID card alone.
pub fn at_reception(actor: &Actor) -> bool {
    actor
        .roles
        .iter()
        .any(|r| r.role == "reception" && r.agency_id.is_some())
}

/// How long after submitting a helper may still open the dossier (to print and hand
/// over the confirmation); after that only the applicant and the agencies see it.
pub const HELPER_GRACE_MICROS: i64 = 30 * 60 * 1_000_000;

/// Whether the actor filled this dossier in for the applicant at a counter, still
/// works at one, and submitted it moments ago.
fn helper_just_submitted(actor: &Actor, dossier: &Dossier) -> bool {
    dossier.filed_by == Some(actor.account.id)
        && dossier.applicant_id != Some(actor.account.id)
        && at_a_counter(actor)
        && dossier
            .submitted_at
            .is_some_and(|at| motcua_store::time::now_micros() - at < HELPER_GRACE_MICROS)
}

/// Whether a actor may see a dossier; a refusal is logged.
pub async fn may_see_dossier(db: &Db, actor: &Actor, dossier: &Dossier) -> StoreResult<bool> {
    let allowed = dossier_scope(db, actor).await?.covers(dossier)
        || helper_just_submitted(actor, dossier)
        || filed_by_own_agency(db, actor, dossier).await?;
    if !allowed {
        tracing::warn!(
            account = actor.account.id,
            dossier = %dossier.code,
            "access denied: dossier outside the account's scope"
        );
    }
    Ok(allowed)
}

/// The accounts whose dossiers and drafts an actor files for: their own and the
/// organisations they represent; for an official also their agencies' own accounts
/// (staff, not the volunteers of access points).
pub async fn applicant_accounts(db: &Db, actor: &Actor) -> StoreResult<Vec<i64>> {
    Ok(match dossier_scope(db, actor).await? {
        DossierScope::Applicants(ids) => ids,
        _ => {
            let mut ids = vec![actor.account.id];
            if actor.account.kind == "official" {
                let staff = actor.roles.iter().filter(|r| r.role != "volunteer");
                for agency in staff.filter_map(|r| r.agency_id) {
                    let id = db.agency_account(agency).await?;
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
            ids
        }
    })
}

/// Whether an actor acts as the applicant of a dossier (see [`applicant_accounts`]).
pub async fn is_applicant(db: &Db, actor: &Actor, dossier: &Dossier) -> StoreResult<bool> {
    Ok(match dossier.applicant_id {
        Some(id) => id == actor.account.id || applicant_accounts(db, actor).await?.contains(&id),
        None => false,
    })
}
