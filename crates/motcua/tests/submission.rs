//! Online submission over HTTP, on SQLite and PostgreSQL: start from the procedure
//! page, fill the e-form step by step, attach documents (checked by content and size),
//! review, submit once, and find the dossier under "My dossiers" (issue: online
//! submission and tracking).

mod common;

use common::visitor::{PASSWORD, Visitor, csrf_in, form_fields, set_field};
use common::{TestApp, backends};
use reqwest::StatusCode;
use reqwest::header::LOCATION;

const CITIZEN: &str = "056090001234";
const BIRTH: &str = "1.001193";

fn location(response: &reqwest::Response) -> String {
    response.headers()[LOCATION].to_str().unwrap().to_string()
}

/// Posts a multipart upload with the session's CSRF token.
async fn upload(
    visitor: &Visitor,
    path: &str,
    csrf: &str,
    slot: usize,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.to_string())
        .text("khe", slot.to_string())
        .part(
            "tep",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    visitor
        .client
        .post(format!("{}{path}", visitor.base))
        .header(
            reqwest::header::COOKIE,
            format!("motcua_sid={}", visitor.cookie.clone().unwrap()),
        )
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The index of the document slot whose heading starts with `name`.
fn slot_of(html: &str, name: &str) -> usize {
    let at = html.find(&format!("<h2>{name}")).expect("the slot");
    let before = &html[..at];
    let id_at = before.rfind("id=\"giay-to-").unwrap() + "id=\"giay-to-".len();
    before[id_at..].split('"').next().unwrap().parse().unwrap()
}

fn a_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

#[tokio::test]
async fn a_citizen_files_a_birth_registration_online() {
    for backend in backends() {
        let app = TestApp::start_with(
            backend,
            |c| motcua::config::Config {
                max_upload_mb: 1,
                ..c
            },
            Default::default(),
        )
        .await;
        let db = app.db.connect().await;
        let mut an = Visitor::new(&app);
        an.sign_in(CITIZEN, PASSWORD).await;

        let procedure = an
            .get(&format!("/thu-tuc/{BIRTH}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(procedure.contains(&format!("/thu-tuc/{BIRTH}/nop-truc-tuyen")));
        let start = an
            .get(&format!("/thu-tuc/{BIRTH}/nop-truc-tuyen"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            start.contains("Ủy ban nhân dân phường Nha Trang"),
            "{start}"
        );
        let mut fields = form_fields(&start, &format!("/thu-tuc/{BIRTH}/nop-truc-tuyen"));
        let nha_trang = db
            .agency_by_code("000.01.66.H34")
            .await
            .unwrap()
            .unwrap()
            .id;
        set_field(&mut fields, "co_quan", &nha_trang.to_string());
        let started = an
            .post_pairs(&format!("/thu-tuc/{BIRTH}/nop-truc-tuyen"), &fields)
            .await;
        assert_eq!(started.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let first_step = location(&started);
        assert!(first_step.ends_with("/buoc/nguoi_yeu_cau"), "{first_step}");
        let base = first_step
            .trim_end_matches("/buoc/nguoi_yeu_cau")
            .to_string();

        // Step 1, prefilled from the profile; a wrong citizen ID is refused beside
        // its field, and what was typed is kept.
        let page = an.get(&first_step).await.text().await.unwrap();
        assert!(page.contains("value=\"Nguyễn Văn An\""), "prefilled name");
        let csrf = csrf_in(&page);
        let mut step = form_fields(&page, &first_step);
        set_field(&mut step, "so_dinh_danh", "12345");
        set_field(&mut step, "noi_cu_tru.province", "56");
        set_field(&mut step, "noi_cu_tru.commune", "22366");
        set_field(&mut step, "noi_cu_tru.street", "12 Trần Phú");
        set_field(&mut step, "quan_he", "Cha");
        let refused = an.post_pairs(&first_step, &step).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text().await.unwrap();
        assert!(html.contains("id=\"so_dinh_danh-loi\""), "{html}");
        assert!(html.contains("value=\"12345\""), "the typed value is kept");
        assert!(html.contains("Đã lưu lúc"), "and saved");
        // The communes of the chosen province are offered.
        assert!(html.contains("Phường Bắc Nha Trang"));
        set_field(&mut step, "so_dinh_danh", CITIZEN);
        let next = an.post_pairs(&first_step, &step).await;
        assert_eq!(next.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&next), format!("{base}/buoc/tre"));

        // Step 2: a birth date in the future is refused.
        let page = an
            .get(&format!("{base}/buoc/tre"))
            .await
            .text()
            .await
            .unwrap();
        let mut step = form_fields(&page, &format!("{base}/buoc/tre"));
        for (name, value) in [
            ("tre_ho_ten", "Nguyễn Minh Khang"),
            ("tre_gioi_tinh", "Nam"),
            ("tre_ngay_sinh", "2099-01-01"),
            ("tre_noi_sinh", "Bệnh viện Đa khoa tỉnh Khánh Hòa"),
            ("tre_noi_sinh_dia_gioi.province", "56"),
            ("tre_noi_sinh_dia_gioi.commune", "22366"),
            ("tre_noi_sinh_dia_gioi.street", "19 Yersin"),
            ("tre_dan_toc", "Kinh"),
            ("tre_quoc_tich", "Việt Nam"),
            ("hoan_canh", "Sinh tại cơ sở y tế, có giấy chứng sinh"),
        ] {
            set_field(&mut step, name, value);
        }
        let refused = an.post_pairs(&format!("{base}/buoc/tre"), &step).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .text()
                .await
                .unwrap()
                .contains("Ngày không được sau hôm nay")
        );
        set_field(&mut step, "tre_ngay_sinh", "2026-11-20");
        let next = an.post_pairs(&format!("{base}/buoc/tre"), &step).await;
        assert_eq!(location(&next), format!("{base}/buoc/cha_me"));

        // Step 3, with the father's details shown by the checkbox.
        let page = an
            .get(&format!("{base}/buoc/cha_me"))
            .await
            .text()
            .await
            .unwrap();
        let mut step = form_fields(&page, &format!("{base}/buoc/cha_me"));
        for (name, value) in [
            ("me_ho_ten", "Trần Thị Mai"),
            ("me_nam_sinh", "1995"),
            ("me_dan_toc", "Kinh"),
            ("co_thong_tin_cha", "1"),
            ("cha_ho_ten", "Nguyễn Văn An"),
            ("cha_nam_sinh", "1990"),
            ("cha_dan_toc", "Kinh"),
            ("cap_ban_sao", "2"),
        ] {
            set_field(&mut step, name, value);
        }
        let next = an.post_pairs(&format!("{base}/buoc/cha_me"), &step).await;
        assert_eq!(location(&next), format!("{base}/giay-to"));

        // Documents: the interactive form stands for the paper declaration; the birth
        // certificate is required. An EXE named .pdf and a file over 1 MB are refused.
        let page = an
            .get(&format!("{base}/giay-to"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("Không cần đính kèm"), "{page}");
        let slot = slot_of(&page, "Giấy chứng sinh");
        let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
        exe.extend(std::iter::repeat_n(0u8, 2048));
        let fake = upload(
            &an,
            &format!("{base}/giay-to"),
            &csrf,
            slot,
            "giay-chung-sinh.pdf",
            exe,
        )
        .await;
        assert_eq!(
            fake.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        assert!(
            fake.text()
                .await
                .unwrap()
                .contains("Nội dung tệp không phải PDF")
        );
        let mut big = a_pdf();
        big.extend(std::iter::repeat_n(b'0', 1024 * 1024 + 10));
        let oversized = upload(&an, &format!("{base}/giay-to"), &csrf, slot, "lon.pdf", big).await;
        assert_eq!(oversized.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            oversized
                .text()
                .await
                .unwrap()
                .contains("quá giới hạn 1 MB")
        );

        // The review names what is missing; submitting now is refused.
        let review = an
            .get(&format!("{base}/kiem-tra"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            review.contains("Chưa đính kèm: Giấy chứng sinh"),
            "{review}"
        );
        let early = an.post(&format!("{base}/nop"), &[("_csrf", &csrf)]).await;
        assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let good = upload(
            &an,
            &format!("{base}/giay-to"),
            &csrf,
            slot,
            "giay-chung-sinh.pdf",
            a_pdf(),
        )
        .await;
        assert_eq!(good.status(), StatusCode::SEE_OTHER);
        let review = an
            .get(&format!("{base}/kiem-tra"))
            .await
            .text()
            .await
            .unwrap();
        assert!(!review.contains("error-summary"), "{review}");
        assert!(
            review.contains("19 Yersin, Phường Nha Trang, Khánh Hòa"),
            "{review}"
        );
        assert!(review.contains("20/11/2026"));

        // A double click: two posts, one dossier.
        let (first, second) = tokio::join!(
            an.client
                .post(format!("{}{base}/nop", an.base))
                .header(
                    reqwest::header::COOKIE,
                    format!("motcua_sid={}", an.cookie.clone().unwrap())
                )
                .form(&[("_csrf", csrf.as_str())])
                .send(),
            an.client
                .post(format!("{}{base}/nop", an.base))
                .header(
                    reqwest::header::COOKIE,
                    format!("motcua_sid={}", an.cookie.clone().unwrap())
                )
                .form(&[("_csrf", csrf.as_str())])
                .send()
        );
        let (first, second) = (first.unwrap(), second.unwrap());
        assert_eq!(first.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(location(&first), location(&second));
        let confirmation = location(&first);
        assert!(
            confirmation.starts_with("/ho-so/000.01.66.H34-"),
            "{confirmation}"
        );
        let dossiers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dossier")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(dossiers, 1);
        let page = an.get(&confirmation).await.text().await.unwrap();
        let code = confirmation
            .trim_start_matches("/ho-so/")
            .trim_end_matches("/da-nop")
            .to_string();
        assert!(page.contains(&code) && page.contains("Đã nộp hồ sơ"));

        // The receipt, and the form as PDF and DOCX with the same text.
        let receipt = an.get(&format!("/ho-so/{code}/bien-nhan.pdf")).await;
        assert_eq!(receipt.status(), StatusCode::OK);
        assert_eq!(receipt.headers()["content-type"], "application/pdf");
        let receipt = receipt.bytes().await.unwrap();
        if let Some(words) = common::documents::pdf_words(&receipt) {
            let text = words.join(" ");
            assert!(
                text.contains(&code) && text.contains("GIẤY XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN"),
                "{text}"
            );
            assert!(text.contains("giay-chung-sinh.pdf"));
        }
        let pdf = an
            .get(&format!("/ho-so/{code}/to-khai.pdf"))
            .await
            .bytes()
            .await
            .unwrap();
        let docx = an
            .get(&format!("/ho-so/{code}/to-khai.docx"))
            .await
            .bytes()
            .await
            .unwrap();
        let docx_words = common::documents::docx_words(&docx);
        let docx_text = docx_words.join(" ");
        assert!(
            docx_text.contains("TỜ KHAI ĐĂNG KÝ KHAI SINH"),
            "{docx_text}"
        );
        assert!(docx_text.contains("Nguyễn Minh Khang") && docx_text.contains("20/11/2026"));
        assert!(docx_text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
        if let Some(pdf_words) = common::documents::pdf_words(&pdf) {
            assert_eq!(pdf_words, docx_words, "the PDF and the DOCX say the same");
        }
        if backend == motcua_store::Backend::Sqlite {
            common::documents::save_rendering(&receipt, "receipt");
            common::documents::save_rendering(&pdf, "form-export");
        }

        // Editing a submitted dossier's draft is refused with 409.
        let late = an.post_pairs(&format!("{base}/buoc/cha_me"), &step).await;
        assert_eq!(late.status(), StatusCode::CONFLICT);

        // My dossiers counts it under "submitted", and its page shows the timeline.
        let mine = an.get("/ho-so").await.text().await.unwrap();
        assert!(
            mine.contains("data-state=\"submitted\"><span class=\"count\">1</span>"),
            "{mine}"
        );
        assert!(mine.contains("data-state=\"draft\"><span class=\"count\">0</span>"));
        let dossier = an
            .get(&format!("/ho-so/{code}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            dossier.contains("Nộp hồ sơ → Đã nộp, chờ tiếp nhận"),
            "{dossier}"
        );
        assert!(dossier.contains("giay-chung-sinh.pdf"));
        assert!(dossier.contains("Nguyễn Minh Khang"));

        // Someone else asking for it by its code finds nothing.
        let mut other = Visitor::new(&app);
        other.sign_in("lienhe@bienxanh.example", PASSWORD).await;
        assert_eq!(
            other.get(&format!("/ho-so/{code}")).await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(other.get(&base).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            other
                .get(&format!("/ho-so/{code}/to-khai.pdf"))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        // The officials of the receiving agency may download the form.
        let (mut official, _) =
            common::visitor::minted_session(&app, &db, "tiepnhan@nhatrang.example", true).await;
        let official_docx = official.get(&format!("/ho-so/{code}/to-khai.docx")).await;
        assert_eq!(official_docx.status(), StatusCode::OK);
        assert_eq!(
            common::documents::docx_words(&official_docx.bytes().await.unwrap()),
            docx_words
        );

        // Public tracking: the code and the last four digits, nothing personal.
        let mut stranger = Visitor::new(&app);
        let form = stranger
            .get(&format!("/tra-cuu?ma={code}"))
            .await
            .text()
            .await
            .unwrap();
        let csrf_public = csrf_in(&form);
        let wrong = stranger
            .post(
                "/tra-cuu",
                &[("_csrf", &csrf_public), ("ma", &code), ("bon_so", "0000")],
            )
            .await;
        assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
        let found = stranger
            .post(
                "/tra-cuu",
                &[("_csrf", &csrf_public), ("ma", &code), ("bon_so", "3456")],
            )
            .await;
        assert_eq!(found.status(), StatusCode::OK, "{backend:?}");
        let html = found.text().await.unwrap();
        assert!(html.contains("Đã nộp, chờ tiếp nhận") && html.contains(&code));
        assert!(
            !html.contains("Nguyễn") && !html.contains("056090001234"),
            "no personal data"
        );
        // Guessing is slowed down.
        let mut last = StatusCode::OK;
        for _ in 0..8 {
            last = stranger
                .post(
                    "/tra-cuu",
                    &[("_csrf", &csrf_public), ("ma", &code), ("bon_so", "1111")],
                )
                .await
                .status();
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);

        // The stored answers are normalised.
        let form_data: String = sqlx::query_scalar("SELECT form_data FROM dossier")
            .fetch_one(db.pool())
            .await
            .unwrap();
        let answers: serde_json::Value = serde_json::from_str(&form_data).unwrap();
        assert_eq!(answers["tre_ngay_sinh"], "2026-11-20");
        assert_eq!(answers["noi_cu_tru"]["commune"], "22366");
    }
}

#[tokio::test]
async fn a_draft_resumes_on_another_device_and_groups_grow() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let mut phone = Visitor::new(&app);
        phone.sign_in(CITIZEN, PASSWORD).await;
        let start = phone
            .get("/thu-tuc/3.000333/nop-truc-tuyen")
            .await
            .text()
            .await
            .unwrap();
        let fields = form_fields(&start, "/thu-tuc/3.000333/nop-truc-tuyen");
        let started = phone
            .post_pairs("/thu-tuc/3.000333/nop-truc-tuyen", &fields)
            .await;
        assert_eq!(started.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let base = location(&started)
            .trim_end_matches("/buoc/nguoi_yeu_cau")
            .to_string();
        // The residence history is a repeating group: add a second place.
        let page = phone
            .get(&format!("{base}/buoc/qua_trinh"))
            .await
            .text()
            .await
            .unwrap();
        let mut step = form_fields(&page, &format!("{base}/buoc/qua_trinh"));
        set_field(&mut step, "cu_tru[0].tu_nam", "2004");
        set_field(&mut step, "cu_tru[0].noi_o", "Nha Trang");
        step.push(("_action".into(), "add:cu_tru".into()));
        let added = phone
            .post_pairs(&format!("{base}/buoc/qua_trinh"), &step)
            .await;
        assert_eq!(added.status(), StatusCode::OK);
        let html = added.text().await.unwrap();
        assert!(html.contains("name=\"cu_tru[1].noi_o\""), "a second item");
        assert!(html.contains("value=\"Nha Trang\""), "the first is kept");

        // The same draft on a computer, signed in separately.
        let mut computer = Visitor::new(&app);
        computer.sign_in(CITIZEN, PASSWORD).await;
        let mine = computer.get("/ho-so").await.text().await.unwrap();
        assert!(mine.contains(&base), "the draft is listed");
        assert!(mine.contains("data-state=\"draft\"><span class=\"count\">1</span>"));
        let resumed = computer.get(&base).await;
        assert_eq!(location(&resumed), format!("{base}/buoc/qua_trinh"));
        let page = computer
            .get(&format!("{base}/buoc/qua_trinh"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("value=\"2004\""));
        // An autosave answers JSON.
        let mut step = form_fields(&page, &format!("{base}/buoc/qua_trinh"));
        set_field(&mut step, "cu_tru[1].noi_o", "Cam Ranh");
        step.push(("_action".into(), "autosave".into()));
        let saved = computer
            .post_pairs(&format!("{base}/buoc/qua_trinh"), &step)
            .await;
        assert_eq!(saved.status(), StatusCode::OK);
        let body: serde_json::Value = saved.json().await.unwrap();
        assert_eq!(body["saved"], true);
        let page = phone
            .get(&format!("{base}/buoc/qua_trinh"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("value=\"Cam Ranh\""), "seen on the phone too");
    }
}

/// Files a birth registration for An through the forms; returns its code.
async fn file_one(app: &TestApp, an: &mut Visitor) -> String {
    let db = app.db.connect().await;
    let start = an
        .get(&format!("/thu-tuc/{BIRTH}/nop-truc-tuyen"))
        .await
        .text()
        .await
        .unwrap();
    let mut fields = form_fields(&start, &format!("/thu-tuc/{BIRTH}/nop-truc-tuyen"));
    let nha_trang = db
        .agency_by_code("000.01.66.H34")
        .await
        .unwrap()
        .unwrap()
        .id;
    set_field(&mut fields, "co_quan", &nha_trang.to_string());
    let started = an
        .post_pairs(&format!("/thu-tuc/{BIRTH}/nop-truc-tuyen"), &fields)
        .await;
    let base = location(&started)
        .trim_end_matches("/buoc/nguoi_yeu_cau")
        .to_string();
    let steps: [(&str, &[(&str, &str)]); 3] = [
        (
            "nguoi_yeu_cau",
            &[
                ("noi_cu_tru.province", "56"),
                ("noi_cu_tru.commune", "22366"),
                ("noi_cu_tru.street", "12 Trần Phú"),
                ("quan_he", "Cha"),
            ],
        ),
        (
            "tre",
            &[
                ("tre_ho_ten", "Nguyễn Minh Khangg"),
                ("tre_gioi_tinh", "Nam"),
                ("tre_ngay_sinh", "2026-11-20"),
                ("tre_noi_sinh", "Bệnh viện Đa khoa tỉnh Khánh Hòa"),
                ("tre_noi_sinh_dia_gioi.province", "56"),
                ("tre_noi_sinh_dia_gioi.commune", "22366"),
                ("tre_noi_sinh_dia_gioi.street", "19 Yersin"),
                ("tre_dan_toc", "Kinh"),
                ("tre_quoc_tich", "Việt Nam"),
                ("hoan_canh", "Sinh tại cơ sở y tế, có giấy chứng sinh"),
            ],
        ),
        (
            "cha_me",
            &[
                ("me_ho_ten", "Trần Thị Mai"),
                ("me_nam_sinh", "1995"),
                ("me_dan_toc", "Kinh"),
            ],
        ),
    ];
    for (step, values) in steps {
        let path = format!("{base}/buoc/{step}");
        let page = an.get(&path).await.text().await.unwrap();
        let mut fields = form_fields(&page, &path);
        for (name, value) in values {
            set_field(&mut fields, name, value);
        }
        let next = an.post_pairs(&path, &fields).await;
        assert_eq!(next.status(), StatusCode::SEE_OTHER, "{step}");
    }
    let page = an
        .get(&format!("{base}/giay-to"))
        .await
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&page);
    let slot = slot_of(&page, "Giấy chứng sinh");
    let uploaded = upload(
        an,
        &format!("{base}/giay-to"),
        &csrf,
        slot,
        "mo.pdf",
        a_pdf(),
    )
    .await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let submitted = an.post(&format!("{base}/nop"), &[("_csrf", &csrf)]).await;
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
    location(&submitted)
        .trim_start_matches("/ho-so/")
        .trim_end_matches("/da-nop")
        .to_string()
}

/// What the reception desk will do in the back office, done here through the store:
/// a supplementation request naming a document and a field to correct.
async fn request_supplement(db: &motcua_store::Db, code: &str) {
    let dossier = db.dossier_by_code(code).await.unwrap().unwrap();
    db.append_dossier_event(
        dossier.id,
        dossier.version,
        &motcua_store::dossiers::EventInput {
            actor_id: None,
            action: "request_supplement",
            to_state: "awaiting_supplementation",
            note: "Ảnh giấy chứng sinh bị mờ; tên của trẻ gõ sai.",
            data: r#"{"missing_items":["Giấy chứng sinh, chụp rõ nét"],"fields":["tre_ho_ten"]}"#,
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_applicant_answers_a_supplementation_request_withdraws_and_rates() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let mut an = Visitor::new(&app);
        an.sign_in(CITIZEN, PASSWORD).await;
        let code = file_one(&app, &mut an).await;
        request_supplement(&db, &code).await;

        let mine = an.get("/ho-so").await.text().await.unwrap();
        let needs = &mine[mine.find("Cần bạn xử lý").expect("an action on top")..];
        assert!(needs.contains(&code), "{backend:?}");
        let page = an
            .get(&format!("/ho-so/{code}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains(&format!("/ho-so/{code}/bo-sung")));
        let form = an
            .get(&format!("/ho-so/{code}/bo-sung"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            form.contains("Giấy chứng sinh, chụp rõ nét") && form.contains("tên của trẻ gõ sai")
        );
        assert!(
            form.contains("value=\"Nguyễn Minh Khangg\""),
            "the marked field, as it was"
        );
        assert!(
            !form.contains("name=\"me_ho_ten\""),
            "only the marked fields"
        );
        let csrf = csrf_in(&form);
        let uploaded = upload(
            &an,
            &format!("/ho-so/{code}/bo-sung/tep"),
            &csrf,
            3,
            "ro-net.pdf",
            a_pdf(),
        )
        .await;
        assert_eq!(uploaded.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let mut fields = form_fields(&form, &format!("/ho-so/{code}/bo-sung"));
        set_field(&mut fields, "tre_ho_ten", "");
        let refused = an
            .post_pairs(&format!("/ho-so/{code}/bo-sung"), &fields)
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        set_field(&mut fields, "tre_ho_ten", "Nguyễn Minh Khang");
        let sent = an
            .post_pairs(&format!("/ho-so/{code}/bo-sung"), &fields)
            .await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let dossier = db.dossier_by_code(&code).await.unwrap().unwrap();
        assert_eq!(dossier.state, "submitted", "back to the desk");
        let answers: serde_json::Value = serde_json::from_str(&dossier.form_data).unwrap();
        assert_eq!(answers["tre_ho_ten"], "Nguyễn Minh Khang");
        assert_eq!(answers["me_ho_ten"], "Trần Thị Mai", "other answers kept");
        let events = db.dossier_events(dossier.id).await.unwrap();
        assert_eq!(events.last().unwrap().action, "supplement");
        assert!(events.last().unwrap().data.contains("tre_ho_ten"));
        let files: Vec<String> = db
            .dossier_attachments(dossier.id)
            .await
            .unwrap()
            .into_iter()
            .map(|(_, d)| d.file_name)
            .collect();
        assert!(files.contains(&"ro-net.pdf".to_string()), "{files:?}");
        // Supplementing again, when nothing is asked, is refused.
        let again = an
            .post_pairs(&format!("/ho-so/{code}/bo-sung"), &fields)
            .await;
        assert_eq!(again.status(), StatusCode::CONFLICT);

        // Withdrawing needs the confirmation, then works before receipt.
        let page = an
            .get(&format!("/ho-so/{code}"))
            .await
            .text()
            .await
            .unwrap();
        let mut fields = form_fields(&page, &format!("/ho-so/{code}/rut"));
        fields.retain(|(k, _)| k != "dong_y");
        assert_eq!(
            an.post_pairs(&format!("/ho-so/{code}/rut"), &fields)
                .await
                .status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        fields.push(("dong_y".into(), "1".into()));
        let withdrawn = an.post_pairs(&format!("/ho-so/{code}/rut"), &fields).await;
        assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
        let mine = an.get("/ho-so").await.text().await.unwrap();
        assert!(mine.contains("data-state=\"withdrawn\"><span class=\"count\">1</span>"));

        // A second dossier gets its result (through the store here) and is rated once.
        let second = file_one(&app, &mut an).await;
        let dossier = db.dossier_by_code(&second).await.unwrap().unwrap();
        db.append_dossier_event(
            dossier.id,
            dossier.version,
            &motcua_store::dossiers::EventInput {
                actor_id: None,
                action: "return_result",
                to_state: "returned",
                note: "",
                data: "{}",
            },
        )
        .await
        .unwrap();
        let page = an
            .get(&format!("/ho-so/{second}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("Đánh giá việc giải quyết"));
        let csrf = csrf_in(&page);
        let bad = an
            .post(
                &format!("/ho-so/{second}/danh-gia"),
                &[("_csrf", &csrf), ("diem", "9")],
            )
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let rated = an
            .post(
                &format!("/ho-so/{second}/danh-gia"),
                &[
                    ("_csrf", &csrf),
                    ("diem", "5"),
                    ("nhan_xet", "Nhanh, không phải đi lại"),
                ],
            )
            .await;
        assert_eq!(rated.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            db.dossier_rating(dossier.id).await.unwrap(),
            Some((5, "Nhanh, không phải đi lại".into()))
        );
        let twice = an
            .post(
                &format!("/ho-so/{second}/danh-gia"),
                &[("_csrf", &csrf), ("diem", "1")],
            )
            .await;
        assert_eq!(twice.status(), StatusCode::CONFLICT);

        // The document store lists every upload, reusable later; removing one from the
        // store leaves the dossiers that used it intact.
        let store = an.get("/tai-khoan/giay-to").await.text().await.unwrap();
        assert!(
            store.contains("ro-net.pdf") && store.contains("Do bạn tải lên"),
            "{store}"
        );
        let id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM stored_document")
            .fetch_one(db.pool())
            .await
            .unwrap();
        let mut other = Visitor::new(&app);
        other.sign_in("lienhe@bienxanh.example", PASSWORD).await;
        let other_csrf = common::visitor::any_csrf(&mut other).await;
        assert_eq!(
            other
                .post(
                    &format!("/tai-khoan/giay-to/{id}/xoa"),
                    &[("_csrf", &other_csrf)]
                )
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        let before = db.dossier_attachments(dossier.id).await.unwrap().len();
        assert_eq!(
            an.post(&format!("/tai-khoan/giay-to/{id}/xoa"), &[("_csrf", &csrf)])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            db.dossier_attachments(dossier.id).await.unwrap().len(),
            before
        );
    }
}

#[tokio::test]
async fn a_volunteer_files_for_a_person_who_takes_over_later() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let (mut volunteer, csrf) =
            common::visitor::minted_session(&app, &db, "tinhnguyen@nhatrang.example", true).await;
        let page = volunteer
            .get("/quan-tri/nop-ho-tro")
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("1.004873"));
        let unchecked = volunteer
            .post(
                "/quan-tri/nop-ho-tro",
                &[
                    ("_csrf", &csrf),
                    ("so_can_cuoc", CITIZEN),
                    ("thu_tuc", "1.004873"),
                ],
            )
            .await;
        assert_eq!(unchecked.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let unknown = volunteer
            .post(
                "/quan-tri/nop-ho-tro",
                &[
                    ("_csrf", &csrf),
                    ("so_can_cuoc", "056099007777"),
                    ("thu_tuc", "1.004873"),
                    ("da_kiem_tra", "1"),
                ],
            )
            .await;
        assert!(
            unknown
                .text()
                .await
                .unwrap()
                .contains("/quan-tri/mo-tai-khoan")
        );
        // Something private in An's document store, which a helper must never see.
        let an_id = db.account_by_citizen_id(CITIZEN).await.unwrap().unwrap().id;
        let store = motcua::startup::open_store(&app.config).await.unwrap();
        let record = store
            .save_file(bytes::Bytes::from_static(b"%PDF-1.4\n%%EOF\n"))
            .await
            .unwrap();
        let private = db
            .store_document(&motcua_store::document_store::NewStoredDocument {
                owner_id: an_id,
                file_id: record.id,
                title: "Giấy khai sinh",
                file_name: "khai-sinh-rieng.pdf",
                origin: motcua_store::document_store::Origin::Uploaded,
                dossier_id: None,
            })
            .await
            .unwrap();
        let ask = |code: &str| {
            vec![
                ("_csrf".to_string(), csrf.clone()),
                ("so_can_cuoc".to_string(), CITIZEN.to_string()),
                ("thu_tuc".to_string(), "1.004873".to_string()),
                ("da_kiem_tra".to_string(), "1".to_string()),
                ("ma_dong_y".to_string(), code.to_string()),
            ]
        };
        // A volunteer needs the person's consent: a code goes to An's own phone, and
        // nothing of An's is shown until it is read out.
        let asked = volunteer.post_pairs("/quan-tri/nop-ho-tro", &ask("")).await;
        assert_eq!(asked.status(), StatusCode::OK, "{backend:?}");
        let html = asked.text().await.unwrap();
        assert!(html.contains("id=\"ma_dong_y\""), "{html}");
        assert!(!html.contains("Nguyễn Văn An") && !html.contains("/ho-so-nhap/"));
        let sms = common::last_message_to(&db, "+84905123456").await.unwrap();
        let consent = common::six_digits(&sms);
        let wrong = if consent == "000000" {
            "111111"
        } else {
            "000000"
        };
        let refused = volunteer
            .post_pairs("/quan-tri/nop-ho-tro", &ask(wrong))
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let started = volunteer
            .post_pairs("/quan-tri/nop-ho-tro", &ask(&consent))
            .await;
        assert_eq!(started.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let first = location(&started);
        let log = db.security_events(Some(an_id), 10).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.kind == "assisted_filing" && e.detail.contains("đồng ý bằng mã")),
            "{backend:?}: recorded on An's security log"
        );
        let base = first.trim_end_matches("/buoc/nguoi_yeu_cau").to_string();
        // Prefilled with the person's details, not the volunteer's.
        let page = volunteer.get(&first).await.text().await.unwrap();
        assert!(page.contains("value=\"Nguyễn Văn An\""), "{page}");
        let mut fields = form_fields(&page, &first);
        for (name, value) in [
            ("noi_cu_tru.province", "56"),
            ("noi_cu_tru.commune", "22366"),
            ("noi_cu_tru.street", "12 Trần Phú"),
            ("quan_he", "Bản thân"),
        ] {
            set_field(&mut fields, name, value);
        }
        assert_eq!(
            volunteer.post_pairs(&first, &fields).await.status(),
            StatusCode::SEE_OTHER
        );
        let second = format!("{base}/buoc/nguoi_duoc_xac_nhan");
        let page = volunteer.get(&second).await.text().await.unwrap();
        let mut fields = form_fields(&page, &second);
        for (name, value) in [
            ("xn_ngay_sinh", "1990-03-04"),
            ("xn_gioi_tinh", "Nam"),
            ("tinh_trang", "Chưa đăng ký kết hôn với ai"),
            ("muc_dich", "Để vay vốn ngân hàng"),
            ("so_ban", "1"),
        ] {
            set_field(&mut fields, name, value);
        }
        assert_eq!(
            volunteer.post_pairs(&second, &fields).await.status(),
            StatusCode::SEE_OTHER
        );
        // The helper attaches what the person brought, never from their store.
        let documents = volunteer
            .get(&format!("{base}/giay-to"))
            .await
            .text()
            .await
            .unwrap();
        assert!(!documents.contains("khai-sinh-rieng.pdf"), "{backend:?}");
        let marker = "name=\"khe\" value=\"";
        let at = documents.find(marker).expect("a slot to attach to") + marker.len();
        let slot = documents[at..].split('"').next().unwrap().to_string();
        let reuse = volunteer
            .post(
                &format!("{base}/giay-to/dung-lai"),
                &[
                    ("_csrf", &csrf),
                    ("khe", &slot),
                    ("tai_lieu", &private.id.to_string()),
                ],
            )
            .await;
        assert_eq!(reuse.status(), StatusCode::NOT_FOUND, "{backend:?}");
        let submitted = volunteer
            .post(&format!("{base}/nop"), &[("_csrf", &csrf)])
            .await;
        assert_eq!(submitted.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let confirmation = location(&submitted);
        // The helper can print the receipt for the person, just after submitting.
        assert_eq!(volunteer.get(&confirmation).await.status(), StatusCode::OK);
        // The draft is no longer the helper's.
        assert_eq!(
            volunteer.get(&first).await.status(),
            StatusCode::NOT_FOUND,
            "{backend:?}"
        );
        let code = confirmation
            .trim_start_matches("/ho-so/")
            .trim_end_matches("/da-nop")
            .to_string();
        let dossier = db.dossier_by_code(&code).await.unwrap().unwrap();
        assert_eq!(dossier.channel, "assisted");
        let volunteer_id = db
            .account_by_email("tinhnguyen@nhatrang.example")
            .await
            .unwrap()
            .unwrap()
            .id;
        let (assisted_by,): (Option<i64>,) =
            sqlx::query_as("SELECT assisted_by FROM dossier WHERE id = $1")
                .bind(dossier.id)
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(
            assisted_by,
            Some(volunteer_id),
            "the dossier records who assisted"
        );
        // The person sees it from their own account.
        let mut an = Visitor::new(&app);
        an.sign_in(CITIZEN, PASSWORD).await;
        let page = an
            .get(&format!("/ho-so/{code}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("Trực tuyến có hỗ trợ"), "{page}");
        // The helper's access ends with their role.
        let agency = db.agency_by_code("000.01.66.H34").await.unwrap().unwrap();
        db.revoke_role(volunteer_id, Some(agency.id), "volunteer")
            .await
            .unwrap();
        assert_eq!(
            volunteer.get(&confirmation).await.status(),
            StatusCode::NOT_FOUND,
            "{backend:?}"
        );
    }
}

/// Every citizen page (every GET route of the table open to visitors or signed-in
/// people, except the API, files and probes) weighs at most 50 KB over the wire: the
/// compressed HTML plus the stylesheet and script it loads.
#[tokio::test]
async fn every_citizen_page_weighs_at_most_50_kb() {
    use motcua_web::auth::Access;
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let mut an = Visitor::new(&app);
    an.sign_in(CITIZEN, PASSWORD).await;
    let code = file_one(&app, &mut an).await;
    let start = an
        .get("/thu-tuc/3.000333/nop-truc-tuyen")
        .await
        .text()
        .await
        .unwrap();
    let fields = form_fields(&start, "/thu-tuc/3.000333/nop-truc-tuyen");
    let draft = location(
        &an.post_pairs("/thu-tuc/3.000333/nop-truc-tuyen", &fields)
            .await,
    );
    let draft_id = draft.split('/').nth(2).unwrap().to_string();
    let raw = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cookie = format!("motcua_sid={}", an.cookie.clone().unwrap());
    let fetch = |path: String| {
        raw.get(app.url(&path))
            .header("accept-encoding", "gzip, br")
            .header(reqwest::header::COOKIE, cookie.clone())
            .send()
    };
    let mut weights = Vec::new();
    for route in motcua_web::route_table() {
        let citizen = matches!(route.access, Access::Public | Access::SignedIn);
        let skipped = route.path.starts_with("/api/")
            || route.path.starts_with("/static/")
            || ["/healthz", "/readyz"].contains(&route.path)
            || route.path.ends_with(".pdf")
            || route.path.ends_with(".docx")
            // Generated forms (PDF, DOCX) and the person's own result files.
            || route.path.contains("/mau/")
            || route.path.contains("/ket-qua/")
            || route.path == "/dang-nhap/dinh-danh-dien-tu/ket-qua";
        if route.method != "GET" || !citizen || skipped {
            continue;
        }
        let path = if route.path.starts_with("/ho-so-nhap/") {
            route
                .path
                .replace("{id}", &draft_id)
                .replace("{step}", "qua_trinh")
        } else {
            route
                .path
                .replace("/thu-tuc/{code}", "/thu-tuc/3.000333")
                .replace("{code}", &code)
                .replace("{id}", "1")
        };
        let response = fetch(path.clone()).await.unwrap();
        let status = response.status();
        if status.is_redirection() {
            continue;
        }
        let html = response.bytes().await.unwrap();
        let mut total = html.len();
        let text = String::from_utf8_lossy(&html).to_string();
        // Compressed pages are binary: read the asset links from an uncompressed copy.
        let plain = an.get(&path).await.text().await.unwrap_or(text);
        for marker in ["rel=\"stylesheet\" href=\"", "<script src=\""] {
            if let Some(asset) = plain.split(marker).nth(1).and_then(|r| r.split('"').next()) {
                total += fetch(asset.to_string())
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap()
                    .len();
            }
        }
        weights.push((total, path, status));
    }
    weights.sort();
    for (total, path, status) in &weights {
        println!("{total:>6} B  {status}  {path}");
    }
    assert!(weights.len() >= 20, "{} pages weighed", weights.len());
    let (heaviest, path, _) = weights.last().unwrap();
    assert!(*heaviest <= 50 * 1024, "{path} weighs {heaviest} B");
}

/// The JSON API does every step the pages do, with an API token of the applicant.
#[tokio::test]
async fn the_api_files_a_dossier_step_by_step() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let an = db.account_by_citizen_id(CITIZEN).await.unwrap().unwrap();
        let (write, _) = db
            .create_api_token(
                an.id,
                "ứng dụng",
                &["dossiers:read", "dossiers:write"],
                3_600_000_000,
            )
            .await
            .unwrap();
        let (read_only, _) = db
            .create_api_token(an.id, "chỉ đọc", &["dossiers:read"], 3_600_000_000)
            .await
            .unwrap();
        let client = reqwest::Client::new();
        let call = |method: reqwest::Method, path: &str, token: &str| {
            client.request(method, app.url(path)).bearer_auth(token)
        };
        let refused = call(reqwest::Method::POST, "/api/v1/drafts", &read_only)
            .json(&serde_json::json!({"procedure": "1.004873"}))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let bad = call(reqwest::Method::POST, "/api/v1/drafts", &write)
            .json(&serde_json::json!({"procedure": "9.999999"}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = bad.json().await.unwrap();
        assert_eq!(body["error"]["fields"][0]["field"], "procedure");

        let created = call(reqwest::Method::POST, "/api/v1/drafts", &write)
            .json(&serde_json::json!({"procedure": "1.004873", "agency": "000.01.66.H34"}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED, "{backend:?}");
        let draft: serde_json::Value = created.json().await.unwrap();
        let id = draft["id"].as_str().unwrap().to_string();
        assert_eq!(draft["answers"]["ho_ten"], "Nguyễn Văn An", "prefilled");
        assert!(!draft["problems"].as_array().unwrap().is_empty());

        let saved = call(
            reqwest::Method::PUT,
            &format!("/api/v1/drafts/{id}/steps/nguoi_yeu_cau"),
            &write,
        )
        .json(&serde_json::json!({"answers": {
            "ho_ten": "Nguyễn Văn An", "so_dinh_danh": "123", "dien_thoai": "0905 123 456",
            "noi_cu_tru": {"province": "56", "commune": "22366", "street": "12 Trần Phú"},
            "quan_he": "Bản thân"
        }}))
        .send()
        .await
        .unwrap();
        assert_eq!(saved.status(), StatusCode::OK);
        let saved: serde_json::Value = saved.json().await.unwrap();
        assert_eq!(saved["problems"][0]["field"], "so_dinh_danh", "{saved}");
        let saved: serde_json::Value = call(
            reqwest::Method::PUT,
            &format!("/api/v1/drafts/{id}/steps/nguoi_yeu_cau"),
            &write,
        )
        .json(&serde_json::json!({"answers": {
            "ho_ten": "Nguyễn Văn An", "so_dinh_danh": CITIZEN,
            "noi_cu_tru": {"province": "56", "commune": "22366", "street": "12 Trần Phú"},
            "quan_he": "Bản thân"
        }}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        assert_eq!(saved["problems"], serde_json::json!([]));
        let saved: serde_json::Value = call(
            reqwest::Method::PUT,
            &format!("/api/v1/drafts/{id}/steps/nguoi_duoc_xac_nhan"),
            &write,
        )
        .json(&serde_json::json!({"answers": {
            "xn_ngay_sinh": "1990-03-04", "xn_gioi_tinh": "Nam",
            "tinh_trang": "Chưa đăng ký kết hôn với ai", "muc_dich": "Để vay vốn ngân hàng",
            "cap_lai": true, "so_ban": 2
        }}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        assert_eq!(saved["problems"], serde_json::json!([]), "{saved}");
        // Having been issued one before, a copy of it is now required.
        let draft: serde_json::Value = call(
            reqwest::Method::GET,
            &format!("/api/v1/drafts/{id}"),
            &read_only,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        let slot = draft["slots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["required"] == true)
            .expect("a required document")["index"]
            .as_u64()
            .unwrap();
        let early = call(
            reqwest::Method::POST,
            &format!("/api/v1/drafts/{id}/submit"),
            &write,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let form = reqwest::multipart::Form::new()
            .text("slot", slot.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(a_pdf()).file_name("giay-cu.pdf"),
            );
        let attached = call(
            reqwest::Method::POST,
            &format!("/api/v1/drafts/{id}/documents"),
            &write,
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
        assert_eq!(attached.status(), StatusCode::CREATED, "{backend:?}");
        let first = call(
            reqwest::Method::POST,
            &format!("/api/v1/drafts/{id}/submit"),
            &write,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(first.status(), StatusCode::CREATED);
        let dossier: serde_json::Value = first.json().await.unwrap();
        let code = dossier["code"].as_str().unwrap().to_string();
        let again = call(
            reqwest::Method::POST,
            &format!("/api/v1/drafts/{id}/submit"),
            &write,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(
            again.status(),
            StatusCode::OK,
            "a repeat is the same dossier"
        );
        let again: serde_json::Value = again.json().await.unwrap();
        assert_eq!(again["code"], code.as_str());
        let mine: serde_json::Value = call(reqwest::Method::GET, "/api/v1/dossiers", &read_only)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(mine["counts"]["submitted"], 1);
        assert_eq!(mine["counts"]["draft"], 0);
        let detail: serde_json::Value = call(
            reqwest::Method::GET,
            &format!("/api/v1/dossiers/{code}"),
            &read_only,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        assert_eq!(detail["timeline"][0]["action"], "submit");
        assert_eq!(detail["answers"]["so_ban"], 2);
        // Another person's token finds nothing.
        let org = db
            .account_by_email("lienhe@bienxanh.example")
            .await
            .unwrap()
            .unwrap();
        let (other, _) = db
            .create_api_token(org.id, "khác", &["dossiers:read"], 3_600_000_000)
            .await
            .unwrap();
        assert_eq!(
            call(
                reqwest::Method::GET,
                &format!("/api/v1/dossiers/{code}"),
                &other
            )
            .send()
            .await
            .unwrap()
            .status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            call(
                reqwest::Method::GET,
                &format!("/api/v1/drafts/{id}"),
                &other
            )
            .send()
            .await
            .unwrap()
            .status(),
            StatusCode::NOT_FOUND
        );
    }
}

/// An agency files its own dossier (an internal procedure): its officials choose
/// "Cơ quan: …" as who files; every official of the agency follows it, nobody else.
#[tokio::test]
async fn an_agency_files_its_own_dossier_through_its_officials() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let db = app.db.connect().await;
        let (mut cuong, csrf) =
            common::visitor::minted_session(&app, &db, "chuyenvien@nhatrang.example", true).await;
        let code = "2.000635";
        let start = cuong
            .get(&format!("/thu-tuc/{code}/nop-truc-tuyen"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            start.contains("Cơ quan: Ủy ban nhân dân phường Nha Trang"),
            "{backend:?}: the official may file for the agency"
        );
        let agency = db.agency_by_code("000.01.66.H34").await.unwrap().unwrap();
        let agency_account = db.agency_account(agency.id).await.unwrap();
        let started = cuong
            .post(
                &format!("/thu-tuc/{code}/nop-truc-tuyen"),
                &[
                    ("_csrf", &csrf),
                    ("nguoi_nop", &agency_account.to_string()),
                    ("co_quan", &agency.id.to_string()),
                ],
            )
            .await;
        assert_eq!(started.status(), StatusCode::SEE_OTHER);
        let public_id = location(&started).split('/').nth(2).unwrap().to_string();
        let draft = db.draft(&public_id).await.unwrap().unwrap();
        assert_eq!(draft.account_id, agency_account);
        let answers = serde_json::json!({
            "ho_ten": "Lê Văn Cường", "so_dinh_danh": CITIZEN,
            "noi_cu_tru": {"province": "56", "commune": "22366", "street": "1 Lê Thánh Tôn"},
            "noi_dung": "Đề nghị cấp bản sao trích lục khai sinh của công dân Nguyễn Văn An để hoàn thiện hồ sơ thẩm định"
        })
        .to_string();
        db.save_draft(
            draft.id,
            draft.version,
            &answers,
            &draft.current_step,
            3_600_000_000,
        )
        .await
        .unwrap();
        let attached = upload(
            &cuong,
            &format!("/ho-so-nhap/{public_id}/giay-to"),
            &csrf,
            4,
            "de-nghi.pdf",
            a_pdf(),
        )
        .await;
        assert_eq!(attached.status(), StatusCode::SEE_OTHER);
        let review = cuong
            .get(&format!("/ho-so-nhap/{public_id}/kiem-tra"))
            .await
            .text()
            .await
            .unwrap();
        let submitted = cuong
            .post(&format!("/ho-so-nhap/{public_id}/nop"), &[("_csrf", &csrf)])
            .await;
        assert_eq!(submitted.status(), StatusCode::SEE_OTHER, "{review}");
        let dossier_code = location(&submitted)
            .trim_start_matches("/ho-so/")
            .trim_end_matches("/da-nop")
            .to_string();
        let dossier = db.dossier_by_code(&dossier_code).await.unwrap().unwrap();
        assert_eq!(dossier.applicant_id, Some(agency_account));
        // Every official of the agency follows it under "My dossiers"; others do not.
        let (mut dung, _) =
            common::visitor::minted_session(&app, &db, "lanhdao@nhatrang.example", true).await;
        let mine = dung.get("/ho-so").await.text().await.unwrap();
        assert!(mine.contains(&dossier_code));
        assert_eq!(
            dung.get(&format!("/ho-so/{dossier_code}")).await.status(),
            StatusCode::OK
        );
        let (mut an, _) = common::visitor::minted_session(&app, &db, CITIZEN, false).await;
        assert_eq!(
            an.get(&format!("/ho-so/{dossier_code}")).await.status(),
            StatusCode::NOT_FOUND
        );
        let (mut other, _) =
            common::visitor::minted_session(&app, &db, "tinhnguyen@nhatrang.example", true).await;
        let theirs = other.get("/ho-so").await.text().await.unwrap();
        assert!(
            !theirs.contains(&dossier_code),
            "volunteers of its access points are not the agency's staff"
        );
    }
}
