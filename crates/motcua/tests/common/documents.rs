//! Reading back generated documents: text from a PDF (poppler's `pdftotext`) and from
//! a DOCX, and PNG renderings (`pdftoppm`) saved for people to look at.

use std::io::Read;
use std::path::PathBuf;
use std::process::Command;

/// The words of a DOCX's main text.
pub fn docx_words(bytes: &[u8]) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a DOCX is a zip");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    let mut text = String::new();
    for part in xml.split("<w:t").skip(1) {
        let content = &part[part.find('>').unwrap() + 1..];
        let content = &content[..content.find("</w:t>").unwrap_or(0)];
        text.push_str(
            &content
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        );
        text.push(' ');
    }
    text.split_whitespace().map(str::to_string).collect()
}

fn tool_missing<T>(tool: &str) -> Option<T> {
    if std::env::var_os("MOTCUA_REQUIRE_POPPLER").is_some() {
        panic!("{tool} is required (MOTCUA_REQUIRE_POPPLER) but did not run");
    }
    eprintln!("skipped: {tool} not installed");
    None
}

/// The words of a PDF, or `None` when poppler is not installed (and not required).
pub fn pdf_words(bytes: &[u8]) -> Option<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    match Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) if out.status.success() => Some(
            String::from_utf8(out.stdout)
                .unwrap()
                .split_whitespace()
                .map(str::to_string)
                .collect(),
        ),
        _ => tool_missing("pdftotext"),
    }
}

/// Saves the PDF and its first page as PNG under `target/screenshots/NAME.{pdf,png}`.
pub fn save_rendering(bytes: &[u8], name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join(format!("{name}.pdf"));
    std::fs::write(&pdf, bytes).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "70", "-singlefile", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(dir.join(name))
        .status();
    match status {
        Ok(s) if s.success() => {}
        _ => {
            tool_missing::<()>("pdftoppm");
        }
    }
}
