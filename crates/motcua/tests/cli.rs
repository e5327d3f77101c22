//! The `motcua` binary as an operator uses it.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::backends;
use motcua_store::testing::TestDatabase;

const BIN: &str = env!("CARGO_BIN_EXE_motcua");

/// A command for the binary, isolated from the caller's MOTCUA_* settings.
fn motcua(dir: &std::path::Path, db: Option<&TestDatabase>) -> Command {
    let mut command = Command::new(BIN);
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("STORAGE_URL");
    for (name, _) in std::env::vars() {
        if name.starts_with("MOTCUA_") {
            command.env_remove(name);
        }
    }
    if let Some(url) = db.and_then(|db| db.options.url.as_deref()) {
        command.env("DATABASE_URL", url);
    }
    command
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_bad_config_file_is_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("listen = 8080\n", "key `listen`: invalid type"),
        (
            "listen = \"localhost\"\n",
            "key `listen`: invalid socket address",
        ),
        ("demo = tru\n", "line 1"),
        ("s3_region = \"x\"\nbogus = 1\n", "unknown field `bogus`"),
    ];
    for (toml, expected) in cases {
        std::fs::write(dir.path().join("motcua.toml"), toml).unwrap();
        for args in [&["serve"][..], &["migrate"], &[]] {
            let output = motcua(dir.path(), None).args(args).output().unwrap();
            let (_, stderr) = text(&output);
            assert_eq!(output.status.code(), Some(2), "{toml:?} {args:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
            assert!(stderr.starts_with("error: motcua.toml: "), "{stderr}");
            assert!(stderr.contains(expected), "{toml:?}: {stderr}");
            assert!(!stderr.contains("panicked"));
        }
    }
    // --config names another file; a missing one is an error too.
    let output = motcua(dir.path(), None)
        .args(["--config", "khong-co.toml", "migrate"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output)
            .1
            .starts_with("error: khong-co.toml: cannot read")
    );
    // So is a bad environment variable.
    std::fs::remove_file(dir.path().join("motcua.toml")).unwrap();
    let output = motcua(dir.path(), None)
        .env("MOTCUA_LOG_FORMAT", "xml")
        .arg("migrate")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output)
            .1
            .contains("environment variable MOTCUA_LOG_FORMAT")
    );
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["import", "--help"],
        &["import", "admin-units", "--help"],
        &["demo", "--help"],
        &["verify", "--help"],
    ] {
        let output = motcua(dir.path(), None).args(args).output().unwrap();
        let (stdout, _) = text(&output);
        assert!(output.status.success(), "{args:?}");
        assert!(stdout.contains("Usage: motcua"), "{args:?}: {stdout}");
        assert!(
            stdout.contains("--config"),
            "{args:?}: every command takes --config"
        );
    }
    let serve = text(
        &motcua(dir.path(), None)
            .args(["serve", "--help"])
            .output()
            .unwrap(),
    )
    .0;
    for flag in [
        "--listen",
        "--metrics-listen",
        "--data-dir",
        "MOTCUA_LISTEN",
        "127.0.0.1:9464",
    ] {
        assert!(serve.contains(flag), "serve --help mentions {flag}");
    }
}

#[tokio::test]
async fn migrate_and_import_report_what_they_did() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let dir = test.data_dir.path();
        let run = |args: &[&str]| {
            let output = motcua(dir, Some(&test))
                .args(args)
                .args(["--data-dir", "data"])
                .output()
                .unwrap();
            assert!(output.status.success(), "{args:?}: {:?}", text(&output));
            text(&output).0
        };
        assert!(
            run(&["migrate"])
                .contains("applied migrations: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]"),
            "{backend:?}"
        );
        assert!(run(&["migrate"]).contains("database is up to date"));
        let file = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/admin-units-2025.json"
        );
        let first = run(&["import", "admin-units", file]);
        assert!(
            first.contains("imported 34 provinces and 3321 communes: 3355 added"),
            "{first}"
        );
        let second = run(&["import", "admin-units", file]);
        assert!(
            second.contains("0 added, 0 renamed, 0 moved, 0 superseded"),
            "{second}"
        );
        let demo = run(&["demo"]);
        assert!(
            demo.contains("056090001234") && demo.contains("Demo@2026"),
            "{demo}"
        );

        let bad = dir.join("bad.json");
        std::fs::write(&bad, "[{\"code\": 1}]").unwrap();
        let output = motcua(dir, Some(&test))
            .args(["--data-dir", "data", "import", "admin-units"])
            .arg(&bad)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let stderr = text(&output).1;
        assert!(
            stderr.contains("bad.json") && stderr.contains("missing field"),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"));
    }
}

/// A `motcua serve` process, stopped with SIGTERM.
struct Server {
    child: Child,
    stdout: Vec<String>,
    _reader: BufReader<std::process::ChildStdout>,
}

fn spawn_serve(dir: &std::path::Path, db: &TestDatabase) -> (Server, String) {
    let mut child = motcua(dir, Some(db))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--metrics-listen",
            "127.0.0.1:0",
            "--data-dir",
            "data",
        ])
        .env("MOTCUA_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("serve.log")).unwrap())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut url = None;
    // Read the start-up report: the URL line, then the demo sign-ins that follow it.
    while Instant::now() < deadline {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        let line = line.trim_end().to_string();
        if let Some(u) = line.strip_prefix("motcua is serving the portal at ") {
            url = Some(u.to_string());
        }
        let done = line.contains("admin@motcua.example");
        lines.push(line);
        if done {
            break;
        }
    }
    let url = url.unwrap_or_else(|| panic!("no URL printed: {lines:?}"));
    (
        Server {
            child,
            stdout: lines,
            _reader: reader,
        },
        url,
    )
}

impl Server {
    fn terminate(mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        self.child.wait().unwrap()
    }
}

#[tokio::test]
async fn serve_starts_with_demo_data_and_restarts_idempotently() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let dir = test.data_dir.path();
        let (server, url) = spawn_serve(dir, &test);
        let printed = server.stdout.join("\n");
        assert!(
            printed.contains("demo data loaded into the new database"),
            "{printed}"
        );
        assert!(printed.contains("password Demo@2026"));
        for sign_in in [
            "056090001234",
            "tiepnhan@nhatrang.example",
            "lanhdao@nhatrang.example",
            "admin@motcua.example",
        ] {
            assert!(printed.contains(sign_in), "{sign_in} printed");
        }
        let home = reqwest::get(&url).await.unwrap();
        let request_id = home.headers()["x-request-id"].to_str().unwrap().to_string();
        assert!(home.text().await.unwrap().contains("Cổng dịch vụ công"));
        assert_eq!(
            reqwest::get(format!("{url}/readyz"))
                .await
                .unwrap()
                .status(),
            200
        );
        let status = server.terminate();
        assert!(
            status.success(),
            "{backend:?}: SIGTERM ends cleanly: {status:?}"
        );
        // Logs are JSON lines, and the request's line carries its id.
        let log = std::fs::read_to_string(dir.join("serve.log")).unwrap();
        let lines: Vec<serde_json::Value> = log
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect();
        assert!(
            lines
                .iter()
                .any(|l| l["span"]["id"] == request_id.as_str() && l["status"] == 200),
            "{log}"
        );

        let db = if backend == motcua_store::Backend::Sqlite {
            let mut options = test.options.clone();
            options.data_dir = dir.join("data");
            motcua_store::Db::connect(&options).await.unwrap()
        } else {
            test.connect().await
        };
        let counts = (
            db.count_agencies().await.unwrap(),
            db.count_accounts().await.unwrap(),
        );

        let (server, _) = spawn_serve(dir, &test);
        let printed = server.stdout.join("\n");
        assert!(
            !printed.contains("demo data loaded into the new database"),
            "{printed}"
        );
        assert!(
            printed.contains("admin@motcua.example"),
            "sign-ins are shown again"
        );
        assert!(server.terminate().success());
        assert_eq!(
            (
                db.count_agencies().await.unwrap(),
                db.count_accounts().await.unwrap()
            ),
            counts
        );
        assert_eq!(db.count_current_units("commune").await.unwrap(), 3321);
    }
}

/// Demo data and its printed sign-ins only on loopback or when asked, never on a
/// public portal, and never printed once `demo = false`.
#[tokio::test]
async fn demo_data_never_reaches_a_public_server() {
    let test = TestDatabase::new(motcua_store::Backend::Sqlite).await;
    let dir = test.data_dir.path();
    let refused = |args: &[&str], envs: &[(&str, &str)], expected: &str| {
        let mut command = motcua(dir, Some(&test));
        command.args(args);
        for (k, v) in envs {
            command.env(k, v);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // It must refuse at once; one that starts serving is stopped and fails here.
        let deadline = Instant::now() + Duration::from_secs(30);
        while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
        }
        let output = child.wait_with_output().unwrap();
        let (stdout, stderr) = text(&output);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?} {envs:?}: {stdout} {stderr}"
        );
        assert!(
            stderr.starts_with("error: ") && stderr.contains(expected),
            "{stderr}"
        );
        assert!(!stdout.contains("Demo@2026"), "{stdout}");
    };
    let public = [
        "serve",
        "--listen",
        "0.0.0.0:0",
        "--metrics-listen",
        "127.0.0.1:0",
    ];
    refused(&public, &[], "key `public_url`: required outside demo mode");
    refused(
        &public,
        &[
            ("MOTCUA_DEMO", "true"),
            ("MOTCUA_PUBLIC_URL", "https://dvc.example.gov.vn"),
        ],
        "key `demo`",
    );
    // A database that had demo data, served with `demo = false`: nothing printed.
    let (server, url) = spawn_serve(dir, &test);
    assert!(server.stdout.join("\n").contains("Demo@2026"));
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 200);
    assert!(server.terminate().success());
    let mut child = motcua(dir, Some(&test))
        .args(["--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"])
        .args(["--data-dir", "data"])
        .env("MOTCUA_DEMO", "false")
        .env("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8080")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline && !printed.contains("metrics at") {
        if reader.read_line(&mut printed).unwrap() == 0 {
            break;
        }
    }
    assert!(
        printed.contains("motcua is serving the portal"),
        "{printed}"
    );
    Server {
        child,
        stdout: Vec::new(),
        _reader: reader,
    }
    .terminate();
    assert!(!printed.contains("Demo@2026") && !printed.contains("admin@motcua.example"));
}

#[tokio::test]
async fn imported_synonyms_reach_the_search() {
    let test = TestDatabase::new(motcua_store::Backend::Sqlite).await;
    let dir = test.data_dir.path();
    let file = dir.join("synonyms.json");
    std::fs::write(
        &file,
        r#"{"groups": [["dkks", "đăng ký khai sinh"], ["lltp", "lý lịch tư pháp"]]}"#,
    )
    .unwrap();
    let output = motcua(dir, Some(&test))
        .args(["--data-dir", "data", "import", "synonyms"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{:?}", text(&output));
    assert!(text(&output).0.contains("imported 2 synonym groups"));

    let (server, url) = spawn_serve(dir, &test);
    let body: serde_json::Value = reqwest::get(format!("{url}/api/v1/procedures?q=dkks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["results"][0]["code"], "1.001193", "{body}");
    assert!(server.terminate().success());

    std::fs::write(&file, r#"{"groups": [["dkks"], ["a", "b", "a"]]}"#).unwrap();
    let output = motcua(dir, Some(&test))
        .args(["--data-dir", "data", "import", "synonyms"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output).1;
    assert!(
        stderr.contains("2 problem"),
        "every problem is listed: {stderr}"
    );
}

/// `motcua verify` says the audit trail is intact, and exits 1 naming the dossier once
/// its answers were changed outside the history.
#[tokio::test]
async fn verify_checks_the_audit_trail_and_fails_on_a_break() {
    let test = TestDatabase::new(motcua_store::Backend::Sqlite).await;
    let dir = test.data_dir.path();
    let (server, _) = spawn_serve(dir, &test);
    server.terminate();
    let seed = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let verify = || {
        motcua(dir, Some(&test))
            .args(["--data-dir", "data", "verify"])
            .env("MOTCUA_AUDIT_KEY", seed)
            .output()
            .unwrap()
    };
    let mut options = test.options.clone();
    options.data_dir = dir.join("data");
    let db = motcua_store::Db::connect(&options).await.unwrap();
    let agency = db.agency_by_code("000.01.66.H34").await.unwrap().unwrap();
    let version = db.current_procedure("1.004873").await.unwrap().unwrap();
    let (dossier, _) = db
        .create_dossier(&motcua_store::dossiers::NewDossier {
            code: "000.01.66.H34-261204-0001",
            procedure_version_id: version.version_id,
            agency_id: agency.id,
            applicant_id: None,
            channel: "online",
            state: "submitted",
            form_data: "{\"ho_ten\":\"Nguyễn Văn An\"}",
            priority: 0,
            actor_id: None,
            action: "submit",
        })
        .await
        .unwrap();
    let output = verify();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout} {stderr}");
    assert!(
        stdout.contains("verified 1 dossiers, 1 events, 0 seals (audit key "),
        "{stdout}"
    );
    assert!(stdout.contains("the audit trail is intact"), "{stdout}");
    sqlx::query("UPDATE dossier SET form_data = '{}' WHERE id = $1")
        .bind(dossier.id)
        .execute(db.pool())
        .await
        .unwrap();
    let output = verify();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("broken: dossier 000.01.66.H34-261204-0001: event 1: the answers changed"),
        "{stderr}"
    );
    let bad = motcua(dir, Some(&test))
        .args(["--data-dir", "data", "verify"])
        .env("MOTCUA_AUDIT_KEY", "c2hvcnQ=")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).1.contains("key `audit_key`: a seed is 32 bytes"));
}
