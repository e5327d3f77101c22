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
