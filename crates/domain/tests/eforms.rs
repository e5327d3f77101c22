//! E-form definitions and answers: what a definition may say, how answers are read
//! from a posted step, checked, normalised and written out.

use chrono::NaiveDate;
use motcua_domain::catalog::{Document, Presentation, Requirement};
use motcua_domain::eform::{
    Answers, Context, Places, ProfileFacts, Scope, display, document_slots, merge_step, normalize,
    parse_definition, prefill, validate,
};
use serde_json::{Value, json};

struct TwoProvinces;

impl Places for TwoProvinces {
    fn province(&self, code: &str) -> Option<String> {
        match code {
            "56" => Some("Tỉnh Khánh Hòa".into()),
            "79" => Some("Thành phố Hồ Chí Minh".into()),
            _ => None,
        }
    }
    fn commune(&self, code: &str) -> Option<(String, String)> {
        match code {
            "22333" => Some(("Phường Nha Trang".into(), "56".into())),
            "26734" => Some(("Phường Sài Gòn".into(), "79".into())),
            _ => None,
        }
    }
}

fn documents() -> Vec<Document> {
    let document = |name: &str, requirement, condition: Option<&str>| Document {
        name: name.into(),
        originals: 1,
        copies: 0,
        requirement,
        condition: condition.map(str::to_string),
        presentation: Presentation::Submit,
        template: None,
    };
    vec![
        document("Tờ khai đăng ký khai sinh", Requirement::Required, None),
        document(
            "Giấy chứng sinh",
            Requirement::Conditional,
            Some("Nếu trẻ sinh tại cơ sở y tế"),
        ),
        document("Văn bản ủy quyền", Requirement::Optional, None),
    ]
}

fn definition() -> Value {
    json!({
        "format": "motcua-form/1",
        "title": "TỜ KHAI ĐĂNG KÝ KHAI SINH",
        "steps": [
            {"id": "nguoi_yeu_cau", "title": "Người yêu cầu", "fields": [
                {"id": "ho_ten", "label": "Họ, chữ đệm, tên", "type": "text", "required": true, "prefill": "full_name"},
                {"id": "so_can_cuoc", "label": "Số định danh cá nhân", "type": "citizen_id", "required": true, "prefill": "citizen_id"},
                {"id": "dien_thoai", "label": "Số điện thoại", "type": "phone", "prefill": "phone"},
                {"id": "noi_cu_tru", "label": "Nơi cư trú", "type": "address", "required": true, "prefill": "address"},
                {"id": "quan_he", "label": "Quan hệ với trẻ", "type": "choice", "required": true, "options": ["Cha", "Mẹ", "Ông, bà", "Khác"]},
                {"id": "quan_he_khac", "label": "Ghi rõ quan hệ", "type": "text", "required": true,
                 "show_if": {"field": "quan_he", "equals": "Khác"}}
            ]},
            {"id": "tre", "title": "Trẻ được khai sinh", "fields": [
                {"id": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": true, "date_range": "past"},
                {"id": "sinh_tai_co_so_y_te", "label": "Sinh tại cơ sở y tế", "type": "checkbox"},
                {"id": "le_phi", "label": "Số tiền đã nộp", "type": "money", "min": 0},
                {"id": "anh_chi_em", "label": "Anh chị em ruột", "type": "group", "item_label": "Người", "max": 3, "fields": [
                    {"id": "ho_ten", "label": "Họ tên", "type": "text", "required": true},
                    {"id": "con_song", "label": "Còn sống", "type": "choice", "options": ["Có", "Không"], "required": true},
                    {"id": "nam_mat", "label": "Năm mất", "type": "number", "min": 1900, "max": 2100, "required": true,
                     "show_if": {"field": "con_song", "equals": "Không"}}
                ]}
            ]}
        ],
        "documents": [
            {"document": "Giấy chứng sinh", "show_if": {"field": "sinh_tai_co_so_y_te", "equals": true}},
            {"document": "Tờ khai đăng ký khai sinh", "accept": ["pdf", "docx"]}
        ]
    })
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn context() -> Context<'static> {
    Context {
        today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        places: &TwoProvinces,
    }
}

fn paths(problems: &[motcua_domain::catalog::Problem]) -> Vec<&str> {
    problems.iter().map(|p| p.path.as_str()).collect()
}

#[test]
fn a_good_definition_is_read() {
    let form = parse_definition(&definition(), &documents()).unwrap();
    assert_eq!(form.steps.len(), 2);
    assert_eq!(form.steps[1].fields[3].fields.len(), 3);
}

#[test]
fn a_bad_definition_names_each_problem() {
    let mut bad = definition();
    bad["steps"][0]["fields"][4]["options"] = json!(["Cha"]);
    bad["steps"][0]["fields"][5]["show_if"] = json!({"field": "quan_he", "equals": "Hàng xóm"});
    bad["steps"][1]["fields"][0]["id"] = json!("Ngày sinh");
    bad["steps"][1]["fields"][2]["options"] = json!(["a", "b"]);
    bad["steps"][0]["fields"][1]["prefill"] = json!("full_name");
    bad["documents"][0]["document"] = json!("Giấy không có");
    bad["steps"][1]["fields"][3]["fields"][2]["show_if"] = json!({"field": "sau_nay"});
    let problems = parse_definition(&bad, &documents()).unwrap_err();
    let found = paths(&problems);
    for expected in [
        "steps[0].fields[4].options",
        "steps[0].fields[5].show_if",
        "steps[1].fields[0].id",
        "steps[1].fields[2].options",
        "steps[0].fields[1].prefill",
        "documents[0].document",
        "steps[1].fields[3].fields[2].show_if.field",
    ] {
        assert!(found.contains(&expected), "{expected} in {found:?}");
    }
    // Unknown keys and types are refused with their path.
    let mut unknown = definition();
    unknown["steps"][0]["fields"][0]["type"] = json!("signature");
    let problems = parse_definition(&unknown, &documents()).unwrap_err();
    assert!(
        problems[0].path.starts_with("steps[0].fields[0]"),
        "{problems:?}"
    );
    let mut extra = definition();
    extra["steps"][0]["colour"] = json!("red");
    assert!(parse_definition(&extra, &documents()).is_err());
}

#[test]
fn the_catalog_checks_the_form_of_each_procedure() {
    let catalog = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/catalog.json"
    ))
    .unwrap();
    let mut root: Value = serde_json::from_str(&catalog).unwrap();
    root["procedures"][0]["form"] = json!({"format": "motcua-form/1", "title": "", "steps": []});
    let error = motcua_domain::catalog::parse_catalog(&root.to_string()).unwrap_err();
    let found = paths(&error.problems);
    assert!(found.contains(&"procedures[0].form.title"), "{found:?}");
    assert!(found.contains(&"procedures[0].form.steps"), "{found:?}");
}

#[test]
fn answers_are_read_checked_and_normalised() {
    let form = parse_definition(&definition(), &documents()).unwrap();
    let mut answers = Answers::new();
    merge_step(
        &form,
        "nguoi_yeu_cau",
        &mut answers,
        &pairs(&[
            ("ho_ten", "  Nguyễn Văn An "),
            ("so_can_cuoc", "056090001234"),
            ("dien_thoai", "0905 123 456"),
            ("noi_cu_tru.province", "56"),
            ("noi_cu_tru.commune", "26734"),
            ("noi_cu_tru.street", "12 Trần Phú"),
            ("quan_he", "Khác"),
            ("quan_he_khac", ""),
        ]),
    );
    let problems = validate(&form, &answers, Scope::Step("nguoi_yeu_cau"), &context());
    assert_eq!(
        paths(&problems),
        ["noi_cu_tru.commune", "quan_he_khac"],
        "{problems:?}"
    );
    assert_eq!(
        problems[0].message,
        "Chọn xã, phường thuộc tỉnh, thành phố đã chọn"
    );
    // The other step is not checked yet.
    assert!(
        validate(&form, &answers, Scope::Step("tre"), &context())
            .iter()
            .all(|p| p.path.starts_with("ngay_sinh"))
    );

    merge_step(
        &form,
        "nguoi_yeu_cau",
        &mut answers,
        &pairs(&[
            ("ho_ten", "Nguyễn Văn An"),
            ("so_can_cuoc", "056090001234"),
            ("dien_thoai", "0905 123 456"),
            ("noi_cu_tru.province", "56"),
            ("noi_cu_tru.commune", "22333"),
            ("noi_cu_tru.street", "12 Trần Phú"),
            ("quan_he", "Mẹ"),
            ("quan_he_khac", "không cần"),
        ]),
    );
    assert!(validate(&form, &answers, Scope::Step("nguoi_yeu_cau"), &context()).is_empty());

    merge_step(
        &form,
        "tre",
        &mut answers,
        &pairs(&[
            ("ngay_sinh", "30/11/2026"),
            ("sinh_tai_co_so_y_te", "1"),
            ("le_phi", "mười nghìn"),
            ("anh_chi_em[0].ho_ten", "Nguyễn Thị Bình"),
            ("anh_chi_em[0].con_song", "Có"),
            ("anh_chi_em[1].ho_ten", "Nguyễn Văn Cường"),
            ("anh_chi_em[1].con_song", "Không"),
            ("anh_chi_em[1].nam_mat", "năm ngoái"),
        ]),
    );
    let problems = validate(&form, &answers, Scope::Whole, &context());
    assert_eq!(
        paths(&problems),
        ["ngay_sinh", "le_phi", "anh_chi_em[1].nam_mat"],
        "{problems:?}"
    );
    assert_eq!(problems[0].message, "Ngày không được sau hôm nay");

    merge_step(
        &form,
        "tre",
        &mut answers,
        &pairs(&[
            ("ngay_sinh", "2026-11-20"),
            ("sinh_tai_co_so_y_te", "1"),
            ("le_phi", "1.500.000"),
            ("anh_chi_em[0].ho_ten", "Nguyễn Thị Bình"),
            ("anh_chi_em[0].con_song", "Có"),
            ("anh_chi_em[0].nam_mat", "2001"),
            ("anh_chi_em[1].ho_ten", "Nguyễn Văn Cường"),
            ("anh_chi_em[1].con_song", "Không"),
            ("anh_chi_em[1].nam_mat", "2020"),
        ]),
    );
    assert!(validate(&form, &answers, Scope::Whole, &context()).is_empty());
    let clean = normalize(&form, &answers);
    assert_eq!(clean["dien_thoai"], "+84905123456");
    assert_eq!(clean["le_phi"], 1_500_000);
    assert_eq!(clean["ngay_sinh"], "2026-11-20");
    assert!(
        !clean.contains_key("quan_he_khac"),
        "a hidden answer is dropped"
    );
    assert!(
        !clean["anh_chi_em"][0]
            .as_object()
            .unwrap()
            .contains_key("nam_mat"),
        "hidden inside a group too"
    );
    assert_eq!(clean["anh_chi_em"][1]["nam_mat"], 2020);
    let field = &form.steps[0].fields[3];
    assert_eq!(
        display(field, clean.get("noi_cu_tru"), &TwoProvinces),
        "12 Trần Phú, Phường Nha Trang, Tỉnh Khánh Hòa"
    );
    assert_eq!(
        display(&form.steps[1].fields[2], clean.get("le_phi"), &TwoProvinces),
        "1.500.000 đồng"
    );
}

#[test]
fn bad_identifiers_and_group_limits_are_reported_in_vietnamese() {
    let form = parse_definition(&definition(), &documents()).unwrap();
    let mut answers = Answers::new();
    merge_step(
        &form,
        "nguoi_yeu_cau",
        &mut answers,
        &pairs(&[
            ("ho_ten", "An"),
            ("so_can_cuoc", "12345"),
            ("dien_thoai", "0123"),
            ("quan_he", "Hàng xóm"),
        ]),
    );
    let problems = validate(&form, &answers, Scope::Step("nguoi_yeu_cau"), &context());
    assert_eq!(
        paths(&problems),
        [
            "so_can_cuoc",
            "dien_thoai",
            "noi_cu_tru.province",
            "quan_he"
        ],
        "{problems:?}"
    );
    assert!(
        problems[0].message.contains("12 chữ số"),
        "{}",
        problems[0].message
    );
    let mut four = Vec::new();
    for i in 0..4 {
        four.push((format!("anh_chi_em[{i}].ho_ten"), "Người".to_string()));
        four.push((format!("anh_chi_em[{i}].con_song"), "Có".to_string()));
    }
    four.push(("ngay_sinh".into(), "2020-01-01".into()));
    merge_step(&form, "tre", &mut answers, &four);
    let problems = validate(&form, &answers, Scope::Step("tre"), &context());
    assert_eq!(paths(&problems), ["anh_chi_em"]);
    assert_eq!(problems[0].message, "Nhiều nhất 3 người");
}

#[test]
fn the_profile_prefills_what_is_not_answered() {
    let form = parse_definition(&definition(), &documents()).unwrap();
    let mut answers = Answers::new();
    answers.insert("ho_ten".into(), json!("Tên đã sửa"));
    prefill(
        &form,
        &ProfileFacts {
            full_name: Some("Nguyễn Văn An".into()),
            citizen_id: Some("056090001234".into()),
            phone: Some("0905123456".into()),
            address: Some("12 Trần Phú".into()),
            ..Default::default()
        },
        &mut answers,
    );
    assert_eq!(
        answers["ho_ten"], "Tên đã sửa",
        "an answer is never overwritten"
    );
    assert_eq!(answers["so_can_cuoc"], "056090001234");
    assert_eq!(answers["noi_cu_tru"]["street"], "12 Trần Phú");
}

#[test]
fn document_slots_follow_the_catalog_and_the_answers() {
    let form = parse_definition(&definition(), &documents()).unwrap();
    let mut answers = Answers::new();
    let slots = document_slots(Some(&form), &documents(), &answers);
    assert_eq!(slots.len(), 3);
    assert!(slots[0].required && slots[0].shown);
    assert_eq!(slots[0].accept.len(), 2, "the rule's file types");
    assert!(
        !slots[1].shown,
        "conditional, and the condition does not hold"
    );
    assert!(!slots[2].required && slots[2].shown);
    answers.insert("sinh_tai_co_so_y_te".into(), json!(true));
    let slots = document_slots(Some(&form), &documents(), &answers);
    assert!(slots[1].shown && slots[1].required);
    // Without a form, a conditional document is offered, not required.
    let slots = document_slots(None, &documents(), &Answers::new());
    assert!(slots[1].shown && !slots[1].required);
}

#[test]
fn the_demo_catalog_has_ten_valid_e_forms() {
    let catalog = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/catalog.json"
    ))
    .unwrap();
    let catalog =
        motcua_domain::catalog::parse_catalog(&catalog).expect("the demo catalog is valid");
    let with_forms: Vec<_> = catalog
        .procedures
        .iter()
        .filter(|p| p.form.is_some())
        .collect();
    assert_eq!(with_forms.len(), 10);
    for entry in with_forms {
        let form = parse_definition(entry.form.as_ref().unwrap(), &entry.documents).unwrap();
        let slots = document_slots(Some(&form), &entry.documents, &Answers::new());
        // The interactive form stands for its paper declaration: nothing to upload.
        for slot in slots.iter().filter(|s| s.by_form) {
            assert!(
                !slot.shown && !slot.required,
                "{}: {}",
                entry.code,
                slot.name
            );
        }
        // Every field has a label and every required choice has options.
        for field in form.steps.iter().flat_map(|s| &s.fields) {
            assert!(!field.label.trim().is_empty(), "{}", entry.code);
        }
    }
}
