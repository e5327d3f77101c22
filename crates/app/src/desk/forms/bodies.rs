//! The body of each one-stop form (Circular 03/2025/TT-VPCP, forms 01 to 06), below
//! the heading every form shares.

use motcua_docs::Block;

use super::{Sheet, co_handlers, field, field_labels, handover_rows, proxy, text, when};
use crate::Result;
use crate::desk::timeliness_label;
use crate::text::local_time;

pub(super) async fn receipt(s: &Sheet<'_>) -> Result<Vec<Block>> {
    let app = s.app;
    let desk = s.desk;
    let applicant = s.applicant;
    let signer = s.signer;
    let agency = &s.desk.agency.name;
    let code = s.desk.dossier.code.clone();
    let procedure = s.desk.entry.name.clone();
    let received = s.desk.dossier.received_at;
    let db = &s.app.store().db;
    let mut blocks = Vec::new();
    blocks.push(text(format!("{agency} tiếp nhận hồ sơ của:")));
    blocks.push(field("Ông/Bà, tổ chức", &applicant.name));
    blocks.push(field(
        "Số định danh cá nhân / mã số thuế",
        &applicant.id_number,
    ));
    blocks.push(field("Địa chỉ", &applicant.address));
    blocks.push(field("Số điện thoại", &applicant.phone));
    blocks.push(field("Thư điện tử", &applicant.email));
    blocks.push(field(
        "Người được ủy quyền (nếu có)",
        proxy(app, desk).await?,
    ));
    blocks.push(field("Mã hồ sơ", &code));
    blocks.push(field("Nội dung yêu cầu giải quyết", &procedure));
    blocks.push(text("Thành phần hồ sơ và số lượng mỗi loại giấy tờ gồm:"));
    let attached = db.dossier_attachments(desk.dossier.id).await?;
    let mut rows = Vec::new();
    for (i, document) in desk.entry.documents.iter().enumerate() {
        let files = attached
            .iter()
            .filter(|(slot, _)| *slot == i as i64)
            .count();
        if files == 0 && document.requirement != motcua_domain::catalog::Requirement::Required {
            continue;
        }
        rows.push(vec![
            (rows.len() + 1).to_string(),
            document.name.clone(),
            document.originals.to_string(),
            document.copies.to_string(),
        ]);
    }
    blocks.push(Block::Table {
        widths: vec![0.6, 5.0, 1.2, 1.2],
        header: vec![
            "TT".into(),
            "Tên giấy tờ".into(),
            "Bản chính".into(),
            "Bản sao".into(),
        ],
        rows,
    });
    blocks.push(field("Số lượng hồ sơ", "01 bộ"));
    blocks.push(field(
        "Thời gian giải quyết hồ sơ theo quy định",
        desk.flow.processing_time().allowance.to_string(),
    ));
    blocks.push(field(
        "Thời gian nhận hồ sơ",
        received.map(when).unwrap_or_default(),
    ));
    blocks.push(field(
        "Thời gian trả kết quả giải quyết hồ sơ",
        desk.dossier
            .due_at
            .map(when)
            .unwrap_or_else(|| "khi hồ sơ được tiếp tục xử lý".into()),
    ));
    blocks.push(field(
            "Nhận kết quả tại",
            format!("Bộ phận Tiếp nhận và Trả kết quả, {agency}; hoặc trực tuyến tại tài khoản của người nộp"),
        ));
    blocks.push(field(
        "Vào Sổ theo dõi hồ sơ",
        format!(
            "Quyển số {}, Số thứ tự {}",
            received.map(|r| local_time(r, "%Y")).unwrap_or_default(),
            desk.dossier
                .register_no
                .map(|n| n.to_string())
                .unwrap_or_default()
        ),
    ));
    blocks.push(Block::Space(8.0));
    blocks.push(Block::Columns {
        left: vec![
            ("NGƯỜI NỘP HỒ SƠ".into(), true),
            ("(Ký và ghi rõ họ tên)".into(), false),
            (String::new(), false),
            (String::new(), false),
            (applicant.name.clone(), true),
        ],
        right: vec![
            ("NGƯỜI TIẾP NHẬN HỒ SƠ".into(), true),
            ("(Ký và ghi rõ họ tên)".into(), false),
            (String::new(), false),
            (String::new(), false),
            (signer.to_string(), true),
        ],
        left_share: 0.5,
        size: motcua_docs::BODY_SIZE,
    });
    Ok(blocks)
}

pub(super) fn supplementation(s: &Sheet<'_>) -> Vec<Block> {
    let desk = s.desk;
    let event = s.event;
    let data = s.data;
    let applicant = s.applicant;
    let signer = s.signer;
    let agency = &s.desk.agency.name;
    let code = s.desk.dossier.code.clone();
    let procedure = s.desk.entry.name.clone();
    let mut blocks = Vec::new();
    blocks.push(text(format!(
        "{agency} tiếp nhận hồ sơ của: {}",
        applicant.name
    )));
    blocks.push(field("Mã hồ sơ", &code));
    blocks.push(field("Nội dung yêu cầu giải quyết", &procedure));
    blocks.push(text(
            "Sau khi xem xét, đề nghị ông/bà, tổ chức bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:",
        ));
    for (i, item) in data.missing_items.iter().enumerate() {
        blocks.push(text(format!("{}. {item}", i + 1)));
    }
    if !data.fields.is_empty() {
        blocks.push(text(format!(
            "{}. Khai lại các mục của tờ khai: {}",
            data.missing_items.len() + 1,
            field_labels(desk, &data.fields).join("; ")
        )));
    }
    let note = event.map(|e| e.note.trim().to_string()).unwrap_or_default();
    blocks.push(field(
        "Lý do",
        if note.is_empty() {
            "Hồ sơ chưa đầy đủ, hợp lệ theo quy định".to_string()
        } else {
            note
        },
    ));
    blocks.push(text(format!(
            "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ {signer}, {agency} để được hướng dẫn. Hồ sơ được bổ sung trực tuyến tại mục Hồ sơ của tôi hoặc tại Bộ phận Tiếp nhận và Trả kết quả."
        )));
    blocks.push(text("Xin trân trọng thông báo./."));
    blocks.push(Block::Space(6.0));
    blocks.push(s.signature("NGƯỜI HƯỚNG DẪN"));
    blocks
}

pub(super) fn refusal(s: &Sheet<'_>) -> Vec<Block> {
    let data = s.data;
    let applicant = s.applicant;
    let agency = &s.desk.agency.name;
    let code = s.desk.dossier.code.clone();
    let procedure = s.desk.entry.name.clone();
    let mut blocks = Vec::new();
    blocks.push(text(format!(
        "{agency} tiếp nhận hồ sơ của: {}",
        applicant.name
    )));
    blocks.push(field("Mã hồ sơ", &code));
    blocks.push(field("Nội dung yêu cầu giải quyết", &procedure));
    blocks.push(text(format!(
            "Qua xem xét, {agency} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:"
        )));
    blocks.push(text(data.reason.clone().unwrap_or_default()));
    blocks.push(text(
        "Xin thông báo để ông/bà, tổ chức được biết và thực hiện./.",
    ));
    blocks.push(Block::Space(6.0));
    blocks.push(s.signature("NGƯỜI TỪ CHỐI"));
    blocks
}

pub(super) fn apology(s: &Sheet<'_>) -> Vec<Block> {
    let desk = s.desk;
    let data = s.data;
    let applicant = s.applicant;
    let agency = &s.desk.agency.name;
    let code = s.desk.dossier.code.clone();
    let procedure = s.desk.entry.name.clone();
    let received = s.desk.dossier.received_at;
    let mut blocks = Vec::new();
    blocks.push(text(format!("Kính gửi: {}", applicant.name)));
    blocks.push(text(format!(
            "Ngày {}, {agency} tiếp nhận giải quyết hồ sơ của ông/bà, tổ chức, mã hồ sơ {code}, nội dung yêu cầu giải quyết: {procedure}.",
            received.map(|r| local_time(r, "%d/%m/%Y")).unwrap_or_default()
        )));
    blocks.push(field(
        "Thời gian hẹn trả kết quả giải quyết hồ sơ",
        desk.dossier.due_at.map(when).unwrap_or_default(),
    ));
    blocks.push(text(format!(
            "Tuy nhiên đến nay, {agency} chưa thể trả kết quả giải quyết hồ sơ cho ông/bà, tổ chức đúng hẹn."
        )));
    blocks.push(field("Lý do", data.reason.clone().unwrap_or_default()));
    blocks.push(text(format!(
            "Sự chậm trễ này gây phiền hà cho ông/bà, tổ chức. {agency} trân trọng xin lỗi ông/bà, tổ chức và hẹn trả kết quả giải quyết hồ sơ vào {}.",
            data.new_due.map(|d| d.format("%H giờ %M phút, ngày %d/%m/%Y").to_string()).unwrap_or_default()
        )));
    blocks.push(text("Xin trân trọng thông báo./."));
    blocks.push(Block::Space(6.0));
    blocks.push(s.signature("THỦ TRƯỞNG CƠ QUAN"));
    blocks
}

pub(super) fn stop(s: &Sheet<'_>) -> Vec<Block> {
    let event = s.event;
    let data = s.data;
    let applicant = s.applicant;
    let signed_at = s.signed_at;
    let agency = &s.desk.agency.name;
    let code = s.desk.dossier.code.clone();
    let procedure = s.desk.entry.name.clone();
    let received = s.desk.dossier.received_at;
    let mut blocks = Vec::new();
    blocks.push(text(format!("Kính gửi: {}", applicant.name)));
    blocks.push(text(format!(
            "Ngày {}, {agency} tiếp nhận hồ sơ của ông/bà, tổ chức, mã hồ sơ {code}, nội dung yêu cầu giải quyết: {procedure}.",
            received.map(|r| local_time(r, "%d/%m/%Y")).unwrap_or_default()
        )));
    blocks.push(text(format!(
        "Ngày {}, ông/bà, tổ chức có yêu cầu dừng giải quyết hồ sơ.",
        local_time(signed_at, "%d/%m/%Y")
    )));
    blocks.push(text(format!(
            "{agency} thông báo dừng giải quyết hồ sơ nêu trên theo yêu cầu của người nộp hồ sơ. Hồ sơ (nếu có bản chính) được trả lại tại Bộ phận Tiếp nhận và Trả kết quả."
        )));
    // What the applicant wrote when asking, or the desk's note.
    let asked = event.map(|e| e.note.trim().to_string()).unwrap_or_default();
    if let Some(reason) = data
        .reason
        .clone()
        .or(Some(asked).filter(|a| !a.is_empty()))
    {
        blocks.push(field("Lý do dừng", reason));
    }
    blocks.push(text("Xin trân trọng thông báo./."));
    blocks.push(Block::Space(6.0));
    blocks.push(s.signature("NGƯỜI THÔNG BÁO"));
    blocks
}

pub(super) async fn control(s: &Sheet<'_>) -> Result<Vec<Block>> {
    let app = s.app;
    let desk = s.desk;
    let events = s.events;
    let agency = &s.desk.agency.name;
    let code = s.desk.dossier.code.clone();
    let procedure = s.desk.entry.name.clone();
    let received = s.desk.dossier.received_at;
    let mut blocks = Vec::new();
    blocks.push(field("Mã hồ sơ", &code));
    blocks.push(field("Thủ tục", &procedure));
    blocks.push(field("Cơ quan chủ trì giải quyết", agency.clone()));
    let partners = co_handlers(app, events).await?;
    blocks.push(field("Cơ quan phối hợp giải quyết", partners.join("; ")));
    blocks.push(field(
        "Thời gian tiếp nhận",
        received.map(when).unwrap_or_default(),
    ));
    blocks.push(field(
        "Thời gian hẹn trả kết quả",
        desk.due_at().map(when).unwrap_or_default(),
    ));
    blocks.push(Block::Table {
        widths: vec![2.4, 2.4, 1.9, 1.3, 2.0],
        header: vec![
            "Bên giao".into(),
            "Bên nhận".into(),
            "Thời gian giao, nhận".into(),
            "Kết quả".into(),
            "Ghi chú".into(),
        ],
        rows: handover_rows(app, desk, events).await?,
    });
    if let Some(timeliness) = &desk.dossier.timeliness {
        blocks.push(field(
            "Kết quả giải quyết hồ sơ",
            timeliness_label(timeliness),
        ));
    }
    Ok(blocks)
}
