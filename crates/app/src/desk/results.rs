//! Result documents of a dossier: attached by an official of the agency working on
//! it while it is processed or waiting to be returned, checked by content.

use bytes::Bytes;
use motcua_domain::dossier::DossierState;

use super::DeskDossier;
use super::access::{Capacity, acting_roles, require_working_official};
use crate::documents::result_refusal;
use crate::{Actor, App, Error, Result};

/// Keeps a result file (`ten`: its title, `tep`: the file) with the dossier; returns
/// its id.
pub async fn add_result(
    app: &App,
    actor: &Actor,
    desk: &DeskDossier,
    title: &str,
    file_name: &str,
    bytes: Bytes,
) -> Result<i64> {
    let roles = acting_roles(app, actor, &desk.dossier, Capacity::Official).await?;
    require_working_official(&roles, "đính kèm kết quả")?;
    use DossierState as S;
    if !matches!(
        desk.state(),
        S::InProcessing | S::AwaitingApproval | S::ResultReady
    ) {
        return Err(Error::Refused(format!(
            "Chỉ đính kèm kết quả khi hồ sơ đang xử lý hoặc chờ trả; hồ sơ đang «{}»",
            desk.state().label()
        )));
    }
    let title: String = title.trim().chars().take(200).collect();
    if title.is_empty() {
        return Err(Error::field("ten", "Nhập tên giấy tờ kết quả"));
    }
    if let Some(message) = result_refusal(&bytes, app.settings().max_upload_bytes) {
        return Err(Error::field("tep", message));
    }
    let record = app.store().save_file(bytes).await?;
    Ok(app
        .store()
        .db
        .add_result(
            desk.dossier.id,
            record.id,
            &title,
            file_name,
            actor.account.id,
        )
        .await?)
}
