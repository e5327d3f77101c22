//! The background jobs: tidying drafts (warning owners, removing expired ones) and,
//! in [`crate::desk::deadline_sweep`], warning of dossiers nearing their due time.

use crate::{App, Result};

/// Owners are warned this long before a draft expires.
pub const DRAFT_WARNING_DAYS: i64 = 3;
pub const DAY_MICROS: i64 = 24 * 3600 * 1_000_000;

/// Warns the owners of drafts about to expire (once, through their chosen channels)
/// and removes expired drafts; returns `(warned, removed)`. Links in the warning start
/// with `public_url` (the portal's address as people reach it).
pub async fn tidy_drafts(app: &App, public_url: Option<&str>) -> Result<(usize, u64)> {
    let db = &app.store().db;
    let soon = motcua_store::time::now_micros() + DRAFT_WARNING_DAYS * DAY_MICROS;
    let mut warned = 0;
    for draft in db.drafts_to_warn(soon).await? {
        let name = motcua_domain::catalog::short_name(
            &crate::procedures::version_name(app, draft.procedure_version_id).await?,
        );
        let link = format!(
            "{}/ho-so-nhap/{}",
            public_url.unwrap_or("").trim_end_matches('/'),
            draft.public_id
        );
        let body = format!(
            "motcua: hồ sơ nháp \"{name}\" của bạn sẽ bị xóa sau {} nếu không được lưu tiếp. Tiếp tục tại {link}",
            crate::text::local_time(draft.expires_at, "%H:%M %d/%m/%Y")
        );
        if let Err(e) =
            crate::notify::tell_account(app, draft.created_by, "Hồ sơ nháp sắp bị xóa", &body, true)
                .await
        {
            tracing::warn!(error = %e, draft = %draft.public_id, "cannot warn of draft expiry");
            continue;
        }
        db.mark_draft_warned(draft.id).await?;
        warned += 1;
    }
    Ok((warned, db.delete_expired_drafts().await?))
}
