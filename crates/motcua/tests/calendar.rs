//! The working calendar exposed on the command line and in the API (issue: domain core).

mod common;

use std::process::Command;

use common::{TestApp, backends};
use motcua_domain::calendar::CalendarSettings;
use motcua_store::testing::TestDatabase;
use reqwest::StatusCode;

const BIN: &str = env!("CARGO_BIN_EXE_motcua");

fn motcua(db: &TestDatabase, args: &[&str]) -> (i32, String, String) {
    let mut command = Command::new(BIN);
    command
        .current_dir(db.data_dir.path())
        .env_remove("DATABASE_URL")
        .args(args)
        .args(["--data-dir", "data"]);
    for (name, _) in std::env::vars() {
        if name.starts_with("MOTCUA_") {
            command.env_remove(name);
        }
    }
    if let Some(url) = &db.options.url {
        command.env("DATABASE_URL", url);
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Saturday mornings open: a Saturday-desk agency's own calendar.
const SATURDAY_DESK: &str = r#"{"office_hours": {
    "mon": ["07:30-11:30", "13:30-17:00"], "tue": ["07:30-11:30", "13:30-17:00"],
    "wed": ["07:30-11:30", "13:30-17:00"], "thu": ["07:30-11:30", "13:30-17:00"],
    "fri": ["07:30-11:30", "13:30-17:00"], "sat": ["07:30-11:30"], "sun": []}}"#;

#[tokio::test]
async fn the_calendar_commands_print_holidays_lunar_dates_and_due_instants() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let (code, out, err) = motcua(&test, &["calendar", "holidays", "2026"]);
        assert_eq!(code, 0, "{err}");
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines
                .iter()
                .all(|l| l.len() > 11 && l.as_bytes()[4] == b'-' && l.as_bytes()[10] == b' '),
            "{out}"
        );
        assert!(
            lines.iter().any(|l| l.starts_with("2026-02-17 ")),
            "Tết 2026: {out}"
        );
        assert!(
            lines.iter().any(|l| l.starts_with("2026-04-26 ")),
            "Hùng Kings' day 2026: {out}"
        );
        assert!(
            lines.iter().any(|l| l.starts_with("2026-09-02 ")),
            "National Day: {out}"
        );

        assert_eq!(
            motcua(&test, &["calendar", "lunar", "2026-02-17"]).1.trim(),
            "1/1/2026"
        );
        assert_eq!(
            motcua(&test, &["calendar", "lunar", "2025-04-07"]).1.trim(),
            "10/3/2025"
        );
        assert_eq!(
            motcua(&test, &["calendar", "lunar", "2025-07-25"]).1.trim(),
            "1/6/2025 (nhuận)"
        );

        let due = [
            "calendar",
            "due",
            "--from",
            "2026-02-13T16:30:00+07:00",
            "--working-days",
            "3",
        ];
        let (code, out, err) = motcua(&test, &due);
        assert_eq!(
            (code, out.trim()),
            (0, "2026-02-25T16:30:00+07:00"),
            "{err}"
        );

        // An agency with Saturday mornings open: a Friday 16:30 receipt with 1 working
        // day (7.5 working hours) uses Saturday's four hours and is due on Monday at
        // 10:30 instead of 16:30.
        let friday = [
            "calendar",
            "due",
            "--from",
            "2026-03-06T16:30:00+07:00",
            "--working-days",
            "1",
        ];
        let (_, national, _) = motcua(&test, &friday);
        let file = test.data_dir.path().join("saturday.json");
        std::fs::write(&file, SATURDAY_DESK).unwrap();
        assert_eq!(motcua(&test, &["demo"]).0, 0);
        let (code, out, err) = motcua(
            &test,
            &[
                "import",
                "calendar",
                file.to_str().unwrap(),
                "--agency",
                "000.01.66.H34",
            ],
        );
        assert_eq!(code, 0, "{out}{err}");
        let (_, agency, _) = motcua(
            &test,
            &[&friday[..], &["--agency", "000.01.66.H34"]].concat(),
        );
        assert_eq!(national.trim(), "2026-03-09T16:30:00+07:00");
        assert_eq!(agency.trim(), "2026-03-09T10:30:00+07:00", "{backend:?}");

        // Bad input: clear errors, no panics.
        let (code, _, err) = motcua(&test, &["calendar", "lunar", "17/02/2026"]);
        assert_eq!(code, 2);
        assert!(err.contains("expected YYYY-MM-DD"), "{err}");
        let (code, _, err) = motcua(
            &test,
            &[
                "calendar",
                "due",
                "--from",
                "2026-02-13T16:30:00+07:00",
                "--working-days",
                "1",
                "--days",
                "2",
            ],
        );
        assert_eq!(code, 2, "{err}");
        let (code, _, err) = motcua(
            &test,
            &["calendar", "holidays", "2026", "--agency", "KHONG.CO"],
        );
        assert_eq!(code, 1);
        assert!(err.contains("no agency with code KHONG.CO"), "{err}");
        assert!(!err.contains("panicked"));
    }
}

#[tokio::test]
async fn the_calendar_api_answers_and_names_bad_fields() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let get = |path: &str| reqwest::get(app.url(path));

        let body = app.get_json("/api/v1/calendar/holidays?year=2026").await;
        let dates: Vec<&str> = body["holidays"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["date"].as_str().unwrap())
            .collect();
        assert!(
            dates.contains(&"2026-02-17")
                && dates.contains(&"2026-04-30")
                && dates.contains(&"2026-05-01")
        );

        let body = app.get_json("/api/v1/calendar/lunar?date=2026-04-26").await;
        assert_eq!(
            (
                body["day"].as_u64(),
                body["month"].as_u64(),
                body["leap"].as_bool()
            ),
            (Some(10), Some(3), Some(false))
        );

        let body = app
            .get_json("/api/v1/calendar/due?from=2026-02-13T16:30:00%2B07:00&working_days=3")
            .await;
        assert_eq!(body["due"], "2026-02-25T16:30:00+07:00");
        assert_eq!(body["allowance"], "3 ngày làm việc");

        // The agency's stored calendar is used.
        let settings: CalendarSettings = serde_json::from_str(SATURDAY_DESK).unwrap();
        let store = motcua::startup::open_store(&app.config).await.unwrap();
        store
            .db
            .set_calendar_settings("000.01.66.H34", &settings)
            .await
            .unwrap();
        let body = app.get_json("/api/v1/calendar/due?from=2026-03-06T16:30:00%2B07:00&working_days=1&agency=000.01.66.H34").await;
        assert_eq!(
            body["due"], "2026-03-09T10:30:00+07:00",
            "{backend:?}: {body}"
        );

        for (path, field) in [
            ("/api/v1/calendar/holidays", "year"),
            ("/api/v1/calendar/holidays?year=1800", "year"),
            ("/api/v1/calendar/lunar?date=26-04-2026", "date"),
            ("/api/v1/calendar/due?working_days=3", "from"),
            (
                "/api/v1/calendar/due?from=2026-02-13T16:30:00%2B07:00",
                "allowance",
            ),
            (
                "/api/v1/calendar/due?from=2026-02-13T16:30:00%2B07:00&working_days=1&days=2",
                "allowance",
            ),
            (
                "/api/v1/calendar/due?from=2026-02-13T16:30:00%2B07:00&working_days=-1",
                "working_days",
            ),
            (
                "/api/v1/calendar/due?from=2026-02-13T16:30:00%2B07:00&days=2&agency=KHONG.CO",
                "agency",
            ),
        ] {
            let response = get(path).await.unwrap();
            assert_eq!(
                response.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path}"
            );
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["error"]["fields"][0]["field"], field, "{path}: {body}");
            assert!(
                !body["error"]["fields"][0]["message"]
                    .as_str()
                    .unwrap()
                    .is_empty()
            );
        }
    }
}

#[tokio::test]
async fn the_api_is_described_by_openapi() {
    let app = TestApp::start(motcua_store::Backend::Sqlite).await;
    let doc: serde_json::Value = app.get_json("/api/v1/openapi.json").await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/calendar/holidays",
        "/api/v1/calendar/lunar",
        "/api/v1/calendar/due",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
    // Every API route in the route table is in the document.
    for route in motcua_web::route_table()
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json")
    {
        assert!(
            doc["paths"][route.path].is_object(),
            "{} is not in the OpenAPI document",
            route.path
        );
    }
}
