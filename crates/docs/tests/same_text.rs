//! The PDF and the DOCX of a document carry the same text, in Vietnamese, and the PDF
//! embeds only a subset of its font. Needs `pdftotext` (poppler-utils): skipped when it
//! is missing, unless MOTCUA_REQUIRE_POPPLER is set.

use std::io::Read;
use std::process::Command;

use motcua_docs::{Block, Doc, national_heading, to_docx, to_pdf};

fn sample() -> Doc {
    let mut blocks = national_heading();
    blocks.push(Block::Center {
        text: "TỜ KHAI ĐĂNG KÝ KHAI SINH".into(),
        bold: true,
        size: 14.0,
    });
    blocks.push(Block::Text {
        text: "Kính gửi: Ủy ban nhân dân phường Nha Trang".into(),
        bold: false,
    });
    blocks.push(Block::Field {
        label: "Họ, chữ đệm, tên người yêu cầu".into(),
        value: "Nguyễn Văn An".into(),
    });
    blocks.push(Block::Field {
        label: "Nơi cư trú".into(),
        value: "12 Trần Phú, Phường Nha Trang, Khánh Hòa; một địa chỉ dài để thử việc xuống dòng khi vượt quá bề ngang của trang giấy A4 theo đúng thể thức".into(),
    });
    blocks.push(Block::Right {
        lines: vec![
            ("Nha Trang, ngày 25 tháng 11 năm 2026".into(), false),
            ("NGƯỜI YÊU CẦU".into(), true),
            ("Nguyễn Văn An".into(), true),
        ],
    });
    blocks.push(Block::Qr {
        data: "https://dichvucong.example/tra-cuu?ma=000.01.66.H34-261125-0001".into(),
        caption: "Quét mã để tra cứu hồ sơ".into(),
    });
    Doc {
        title: "Tờ khai".into(),
        paper: Default::default(),
        blocks,
    }
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// The text of a DOCX: every `w:t` of the main document, paragraph by paragraph.
fn docx_text(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut text = String::new();
    for part in xml.split("<w:t").skip(1) {
        let content = &part[part.find('>').unwrap() + 1..];
        let content = &content[..content.find("</w:t>").unwrap_or(0)];
        text.push_str(
            &content
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">"),
        );
        text.push(' ');
    }
    text
}

fn pdftotext(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    let output = Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&path)
        .arg("-")
        .output();
    match output {
        Ok(out) if out.status.success() => Some(String::from_utf8(out.stdout).unwrap()),
        _ if std::env::var_os("MOTCUA_REQUIRE_POPPLER").is_some() => {
            panic!("pdftotext is required (MOTCUA_REQUIRE_POPPLER) but did not run")
        }
        _ => {
            eprintln!("skipped: pdftotext not installed");
            None
        }
    }
}

#[test]
fn pdf_and_docx_carry_the_same_text() {
    let doc = sample();
    let pdf = to_pdf(&doc).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert!(
        pdf.len() < 120_000,
        "the font is subset: {} bytes",
        pdf.len()
    );
    let docx = to_docx(&doc).unwrap();
    let expected = words(&doc.plain_text().join(" "));
    assert_eq!(words(&docx_text(&docx)), expected);
    if let Some(text) = pdftotext(&pdf) {
        assert_eq!(words(&text), expected, "{text}");
    }
}

#[test]
fn a_long_document_flows_onto_more_pages() {
    let mut doc = sample();
    for i in 0..80 {
        doc.blocks.push(Block::Field {
            label: format!("Mục {i}"),
            value: "Giá trị có dấu tiếng Việt: ắ ằ ẳ ẵ ặ ố ồ ổ ỗ ộ ứ ừ ử ữ ự".into(),
        });
    }
    let pdf = to_pdf(&doc).unwrap();
    if let Some(text) = pdftotext(&pdf) {
        assert!(text.contains('\u{c}'), "a page break");
        assert!(text.contains("Mục 79"));
        assert_eq!(words(&text), words(&doc.plain_text().join(" ")));
    }
}
