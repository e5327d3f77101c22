//! Dossiers as the people who may see them read them: found by code only for whom
//! they are visible, and their history as one timeline with one rule for labels.

use motcua_domain::dossier::DossierState;
use motcua_store::dossiers::Dossier;

use crate::{Actor, App, Error, Result};

/// A dossier by code, if the actor may see it; anything else is "not found" (and the
/// attempt logged by the scope check).
pub async fn visible(app: &App, actor: &Actor, code: &str) -> Result<Dossier> {
    let db = &app.store().db;
    let dossier = db.dossier_by_code(code).await?.ok_or(Error::NotFound)?;
    if !crate::access::may_see_dossier(db, actor, &dossier).await? {
        return Err(Error::NotFound);
    }
    Ok(dossier)
}

/// One step of a dossier's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moment {
    pub at: i64,
    /// The stored action name (`receive`, `hand_over`, …).
    pub action: String,
    /// What happened, in Vietnamese.
    pub label: String,
    /// The state it led to, and its Vietnamese label.
    pub to_state: String,
    pub state_label: String,
    pub note: String,
}

/// The history of a dossier, oldest first.
pub async fn timeline(app: &App, dossier_id: i64) -> Result<Vec<Moment>> {
    Ok(app
        .store()
        .db
        .dossier_events(dossier_id)
        .await?
        .into_iter()
        .map(|e| Moment {
            at: e.at,
            label: crate::desk::action_label(&e.action),
            action: e.action,
            state_label: crate::text::state_label(&e.to_state),
            to_state: e.to_state,
            note: e.note,
        })
        .collect())
}

/// Whether a dossier in this state can be rated: once it has its result (or was refused).
pub fn can_rate(state: DossierState) -> bool {
    matches!(
        state,
        DossierState::ResultReady | DossierState::Returned | DossierState::Refused
    )
}

/// The applicant rates the service, 1 to 5 with a comment, once the dossier has its
/// result. Someone else's dossier is "not found"; a bad score is a field error on
/// `diem`.
pub async fn rate(
    app: &App,
    actor: &Actor,
    dossier: &Dossier,
    score: Option<i64>,
    comment: &str,
) -> Result<()> {
    let db = &app.store().db;
    if !crate::access::is_applicant(db, actor, dossier).await? {
        return Err(Error::NotFound);
    }
    if !can_rate(dossier.state) {
        return Err(Error::Conflict("no result yet".into()));
    }
    let Some(score) = score.filter(|s| (1..=5).contains(s)) else {
        return Err(Error::field("diem", "Chọn mức từ 1 đến 5"));
    };
    let comment: String = comment.trim().chars().take(1000).collect();
    db.rate_dossier(dossier.id, actor.account.id, score, &comment)
        .await?;
    Ok(())
}
