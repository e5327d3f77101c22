//! The web crate's layering (see `docs/architecture.md`): the JSON API and the pages
//! are two adapters over `motcua-app` and do not import each other, and `web` never
//! reaches the database driver itself.
//!
//! `KNOWN` would list imports waiting to move into `motcua-app` (none are left). It may
//! only shrink: a new import fails this test, and so does an entry that no longer
//! exists.

use std::path::{Path, PathBuf};

/// `(file under src/, module it imports)` still to be moved: none.
const KNOWN: &[(&str, &str)] = &[];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `crate::<layer>::…` path named in `file`, outside comments.
fn arrows(text: &str, layer: &str) -> Vec<String> {
    let needle = format!("crate::{layer}::");
    let mut found = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find(&needle) {
            let tail = &rest[at..];
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            found.push(tail[..end].trim_end_matches(':').to_string());
            rest = &tail[needle.len()..];
        }
    }
    found
}

#[test]
fn api_and_pages_do_not_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found: Vec<(String, String)> = Vec::new();
    for (from, to) in [("api", "pages"), ("pages", "api")] {
        let mut files = Vec::new();
        sources(&src.join(from), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let name = file
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            // `super::super::…` climbs out of the layer the same way.
            for arrow in arrows(&text, to) {
                found.push((name.clone(), arrow));
            }
            if text.contains(&format!("super::super::{to}")) {
                found.push((name.clone(), format!("super::super::{to}")));
            }
        }
    }
    let new: Vec<_> = found
        .iter()
        .filter(|(f, m)| !KNOWN.iter().any(|(kf, km)| kf == f && km == m))
        .collect();
    assert!(
        new.is_empty(),
        "api/ and pages/ must not import each other (move the shared code into motcua-app): {new:#?}"
    );
    let gone: Vec<_> = KNOWN
        .iter()
        .filter(|(kf, km)| !found.iter().any(|(f, m)| f == kf && m == km))
        .collect();
    assert!(
        gone.is_empty(),
        "remove these from KNOWN, they no longer exist: {gone:#?}"
    );
}

#[test]
fn web_does_not_use_the_database_driver() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        !manifest.lines().any(|l| l.trim_start().starts_with("sqlx")),
        "motcua-web must not depend on sqlx: storage goes through motcua-store"
    );
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains("sqlx::"),
            "{}: names sqlx; go through motcua-store",
            file.display()
        );
    }
}

#[test]
fn the_scan_sees_imports() {
    // The check above could pass by reading nothing: it must see a real arrow.
    let arrows = arrows(
        "use crate::pages::submission::start::{Opening, open_draft}; // crate::pages::x",
        "pages",
    );
    assert_eq!(arrows, vec!["crate::pages::submission::start".to_string()]);
}
