//! Who may act on a dossier in the back office, and in which roles: one rule per
//! question, used by every page, API call and job through [`super::act`].

use motcua_domain::dossier::Role;
use motcua_store::dossiers::Dossier;

use super::DeskDossier;
use crate::{Actor, App, Error};

/// In which capacity an account acts on a dossier: as its applicant (from the
/// applicant's pages) or as an official of the agency working on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capacity {
    Applicant,
    Official,
}

/// The roles `actor` acts in on `dossier` in `capacity`; a dossier outside the actor's
/// reach is "not found" (logged). An official of the agency that follows a transferred
/// dossier reaches it with no role: it reads, and every action is refused.
pub async fn acting_roles(
    app: &App,
    actor: &Actor,
    dossier: &Dossier,
    capacity: Capacity,
) -> Result<Vec<Role>, Error> {
    match capacity {
        Capacity::Applicant => {
            if crate::access::is_applicant(&app.store().db, actor, dossier).await? {
                Ok(vec![Role::Applicant])
            } else {
                tracing::warn!(
                    account = actor.account.id,
                    dossier = %dossier.code,
                    "access denied: not the applicant"
                );
                Err(Error::NotFound)
            }
        }
        Capacity::Official => {
            let working = roles_for(app, actor, dossier).await?;
            if working.is_empty() && !follows(app, actor, dossier).await? {
                tracing::warn!(
                    account = actor.account.id,
                    dossier = %dossier.code,
                    "access denied: dossier outside the official's agencies"
                );
                return Err(Error::NotFound);
            }
            Ok(working)
        }
    }
}

/// Whether the actor works at the agency that owns a dossier transferred elsewhere.
pub async fn follows(app: &App, actor: &Actor, dossier: &Dossier) -> Result<bool, Error> {
    Ok(match dossier.handling_agency_id {
        Some(_) => !roles_at(app, actor, dossier.agency_id).await?.is_empty(),
        None => false,
    })
}

/// The process roles a actor holds for a dossier: those granted at the agency
/// working on it, and leadership of an agency above it.
pub async fn roles_for(app: &App, actor: &Actor, dossier: &Dossier) -> Result<Vec<Role>, Error> {
    roles_at(
        app,
        actor,
        dossier.handling_agency_id.unwrap_or(dossier.agency_id),
    )
    .await
}

/// The process roles a actor holds at an agency (leaders: also below theirs).
pub async fn roles_at(app: &App, actor: &Actor, working: i64) -> Result<Vec<Role>, Error> {
    let mut roles = Vec::new();
    for grant in &actor.roles {
        let Some(agency) = grant.agency_id else {
            continue;
        };
        let Some(role) = process_role(&grant.role) else {
            continue;
        };
        let covers = agency == working
            || (role == Role::Leader
                && app
                    .store()
                    .db
                    .agency_subtree(&[agency])
                    .await?
                    .contains(&working));
        if covers && !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// The process role of a role grant (`reception`, `specialist`, `leader`).
pub fn process_role(grant: &str) -> Option<Role> {
    match grant {
        "reception" => Some(Role::ReceptionDesk),
        "specialist" => Some(Role::Specialist),
        "leader" => Some(Role::Leader),
        _ => None,
    }
}

/// Refuses an action that only the officials of the agency working on the dossier
/// may take (the agency that follows a transferred dossier only reads it).
pub fn require_working_official(roles: &[Role], what: &str) -> Result<(), Error> {
    if roles
        .iter()
        .any(|r| matches!(r, Role::ReceptionDesk | Role::Specialist | Role::Leader))
    {
        return Ok(());
    }
    Err(Error::Refused(format!(
        "Chỉ cán bộ của cơ quan đang giải quyết hồ sơ mới được {what}"
    )))
}

/// Checks that `to` is an official of the agency working on the dossier (with
/// `role`, when given): a dossier is handed only to a colleague.
pub async fn require_colleague(
    app: &App,
    desk: &DeskDossier,
    to: i64,
    role: Option<Role>,
) -> Result<(), Error> {
    let colleague = app
        .store()
        .db
        .officials_of(&[desk.working_agency.id])
        .await?
        .iter()
        .any(|(account, grant)| {
            account.id == to
                && process_role(&grant.role).is_some_and(|r| role.is_none_or(|wanted| r == wanted))
        });
    if colleague {
        return Ok(());
    }
    Err(Error::field(
        "to",
        "Cán bộ này không thuộc cơ quan đang giải quyết hồ sơ",
    ))
}

/// The agencies whose dossiers a actor works on: where they hold a process role,
/// and for leaders every agency below.
pub async fn desk_agencies(app: &App, actor: &Actor) -> Result<Vec<i64>, Error> {
    let mut own = Vec::new();
    let mut led = Vec::new();
    for grant in &actor.roles {
        match (grant.role.as_str(), grant.agency_id) {
            ("leader", Some(agency)) => led.push(agency),
            ("reception" | "specialist", Some(agency)) => own.push(agency),
            _ => {}
        }
    }
    own.extend(app.store().db.agency_subtree(&led).await?);
    own.sort_unstable();
    own.dedup();
    Ok(own)
}
