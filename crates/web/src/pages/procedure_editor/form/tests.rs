use super::*;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn valid() -> Vec<(String, String)> {
    pairs(&[
        ("ma", "2.000001"),
        ("ten", "Đăng ký thử nghiệm"),
        ("linh_vuc", "Hộ tịch"),
        ("cap", "commune"),
        ("co_quan", "Ủy ban nhân dân cấp xã\r\n"),
        ("truc_tuyen", "full"),
        ("kenh", "online"),
        ("online_thoi_han", "3"),
        ("online_don_vi", "working_days"),
        ("online_phi_ten", "Lệ phí"),
        ("online_phi_muc", "8.000 đ"),
        ("online_phi_truc_tuyen", ""),
        ("online_phi_ten", ""),
        ("online_phi_muc", ""),
        ("online_phi_truc_tuyen", ""),
        ("gt_ten", "Tờ khai"),
        ("gt_chinh", "1"),
        ("gt_sao", "0"),
        ("gt_yeu_cau", "required"),
        ("gt_dieu_kien", ""),
        ("gt_hinh_thuc", "submit"),
        ("gt_mau", ""),
        ("ket_qua", "Giấy xác nhận"),
        ("hd_tom_tat", "Tóm tắt"),
        ("hd_chuan_bi", "Tờ khai\nCăn cước"),
        ("hd_nop", "Nộp trực tuyến"),
        ("hd_chi_phi", "8.000 đồng"),
        ("hd_thoi_gian", "3 ngày làm việc"),
        ("hd_sau", "Nhận kết quả"),
    ])
}

#[test]
fn a_filled_form_becomes_an_entry() {
    let entry = ProcedureForm::from_pairs(&valid()).to_entry(None).unwrap();
    assert_eq!(entry.code, "2.000001");
    assert_eq!(entry.agencies, ["Ủy ban nhân dân cấp xã"]);
    assert_eq!(entry.guide.prepare, ["Tờ khai", "Căn cước"]);
    let online = entry.channel(SubmissionChannel::Online).unwrap();
    assert_eq!(online.processing_time, Some(Allowance::WorkingDays(3)));
    assert_eq!(online.fees.len(), 1, "the blank fee row is ignored");
    assert_eq!(online.fees[0].amount.unwrap().amount(), 8000);
    assert_eq!(entry.documents.len(), 1);
}

#[test]
fn an_entry_round_trips_through_the_form() {
    let entry = ProcedureForm::from_pairs(&valid()).to_entry(None).unwrap();
    let again = ProcedureForm::from_entry(&entry, 1).to_entry(None).unwrap();
    assert_eq!(again, entry);
}

#[test]
fn every_problem_lands_on_its_field() {
    let mut form = valid();
    for (key, value) in &mut form {
        match key.as_str() {
            "ten" | "hd_tom_tat" => value.clear(),
            "online_thoi_han" => *value = "năm".into(),
            "gt_yeu_cau" => *value = "conditional".into(),
            _ => {}
        }
    }
    form.push(("online_phi_ten".into(), "Phí khác".into()));
    form.push(("online_phi_muc".into(), "abc".into()));
    form.push(("gio_chot".into(), "25:99".into()));
    let errors = ProcedureForm::from_pairs(&form).to_entry(None).unwrap_err();
    assert_eq!(
        errors.get("online_thoi_han"),
        Some("thời hạn là một số nguyên dương, ví dụ 5")
    );
    assert!(errors.get("online_phi_muc.2").is_some(), "{errors:?}");
    assert!(errors.get("gio_chot").is_some());
    // Problems found by the catalog rules, mapped back to the form's fields.
    assert_eq!(errors.get("ten"), Some("không được để trống"));
    assert!(errors.get("hd_tom_tat").is_some());
    assert_eq!(
        errors.row("gt_dieu_kien", &0),
        Some("giấy tờ có điều kiện phải ghi rõ điều kiện")
    );
}

#[test]
fn an_online_procedure_needs_the_online_channel() {
    let form: Vec<_> = valid()
        .into_iter()
        .map(|(k, v)| {
            if k == "kenh" {
                (k, "in_person".into())
            } else {
                (k, v)
            }
        })
        .chain([
            ("in_person_thoi_han".into(), "3".into()),
            ("in_person_don_vi".into(), "working_days".into()),
        ])
        .collect();
    let errors = ProcedureForm::from_pairs(&form).to_entry(None).unwrap_err();
    assert!(errors.get("truc_tuyen").is_some(), "{errors:?}");
}

#[test]
fn demo_markers_stay_only_on_unchanged_values() {
    let mut entry = ProcedureForm::from_pairs(&valid()).to_entry(None).unwrap();
    entry.demo_values = vec!["channels[0].processing_time".into(), "guide.cost".into()];
    let mut form = ProcedureForm::from_entry(&entry, 1);
    form.cost = "Miễn phí".into();
    let edited = form.to_entry(Some(&entry)).unwrap();
    assert_eq!(edited.demo_values, ["channels[0].processing_time"]);
}

/// What a browser posts for a form filled from `entry`, unchanged.
fn posted(form: &ProcedureForm) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("ma".to_string(), form.code.clone()),
        ("ten".into(), form.name.clone()),
        ("linh_vuc".into(), form.field.clone()),
        ("co_quan".into(), form.agencies.clone()),
        ("doi_tuong".into(), form.target_group.clone()),
        ("truc_tuyen".into(), form.online_service.clone()),
        ("gio_chot".into(), form.cutoff.clone()),
        ("ghi_chu_phi".into(), form.fee_note.clone()),
        ("ket_qua".into(), form.result.clone()),
        ("can_cu".into(), form.legal_basis.clone()),
        ("trinh_tu".into(), form.steps.clone()),
        ("hd_tom_tat".into(), form.summary.clone()),
        ("hd_chuan_bi".into(), form.prepare.clone()),
        ("hd_nop".into(), form.submit.clone()),
        ("hd_chi_phi".into(), form.cost.clone()),
        ("hd_thoi_gian".into(), form.duration.clone()),
        ("hd_sau".into(), form.after.clone()),
        ("bieu_mau".into(), form.form_json.clone()),
        ("quy_trinh".into(), form.workflow_json.clone()),
    ];
    pairs.extend(form.levels.iter().map(|l| ("cap".to_string(), l.clone())));
    for c in &form.channels {
        if c.enabled {
            pairs.push(("kenh".into(), c.key.into()));
        }
        pairs.push((format!("{}_thoi_han", c.key), c.amount.clone()));
        pairs.push((format!("{}_don_vi", c.key), c.unit.clone()));
        pairs.push((format!("{}_ghi_chu", c.key), c.note.clone()));
        for f in &c.fees {
            pairs.push((format!("{}_phi_ten", c.key), f.label.clone()));
            pairs.push((format!("{}_phi_muc", c.key), f.amount.clone()));
            pairs.push((format!("{}_phi_truc_tuyen", c.key), f.online_amount.clone()));
        }
    }
    for d in &form.documents {
        for (k, v) in [
            ("gt_ten", &d.name),
            ("gt_chinh", &d.originals),
            ("gt_sao", &d.copies),
            ("gt_yeu_cau", &d.requirement),
            ("gt_dieu_kien", &d.condition),
            ("gt_hinh_thuc", &d.presentation),
            ("gt_mau", &d.template),
        ] {
            pairs.push((k.into(), v.clone()));
        }
    }
    pairs
}

/// Saving a demo procedure's form unchanged gives back the same entry, so it adds
/// no version and keeps every demo marker in place.
#[test]
fn every_demo_procedure_round_trips_unchanged() {
    let catalog =
        catalog::parse_catalog(include_str!("../../../../../../data/catalog.json")).unwrap();
    for entry in &catalog.procedures {
        let form = ProcedureForm::from_entry(entry, 1);
        let again = ProcedureForm::from_pairs(&posted(&form))
            .to_entry(Some(entry))
            .unwrap_or_else(|e| panic!("{}: {e:?}", entry.code));
        assert_eq!(&again, entry, "{}", entry.code);
    }
}

#[test]
fn amounts_are_read_as_people_write_them() {
    assert_eq!(parse_amount("1.250.000 đ"), Ok(Some(1_250_000)));
    assert_eq!(parse_amount("8 000"), Ok(Some(8000)));
    assert_eq!(parse_amount(""), Ok(None));
    assert!(parse_amount("-5").is_err());
    assert!(parse_amount("tám nghìn").is_err());
}
