//! The `motcua` binary.

use std::process::ExitCode;

use clap::Parser;
use motcua::cli::{Cli, Command, ImportCommand, ServeArgs};
use motcua::config::Config;
use motcua::{logging, startup};

/// Prints a line to standard output; a closed pipe (the reader went away) is not a
/// reason to crash.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.misplaced_serve_flags() {
        eprintln!("error: --listen and --metrics-listen belong to `motcua serve`");
        return ExitCode::from(2);
    }
    let mut config = match Config::load(cli.config.as_deref(), &|name| std::env::var(name).ok()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = &cli.data_dir {
        config.data_dir = dir.clone();
    }
    logging::init(config.log_format, &config.log_level);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, mut config: Config) -> anyhow::Result<()> {
    match cli.command {
        None => serve(cli.serve, config).await,
        Some(Command::Serve(args)) => serve(args, config).await,
        Some(Command::Migrate) => {
            let store = startup::open_store(&config).await?;
            let applied = store.db.migrate().await?;
            if applied.is_empty() {
                say!(
                    "database is up to date (migration {})",
                    store.db.latest_migration()
                );
            } else {
                say!("applied migrations: {applied:?}");
            }
            Ok(())
        }
        Some(Command::Import(ImportCommand::AdminUnits { file })) => {
            let json = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", file.display()))?;
            let store = startup::open_store(&config).await?;
            store.db.migrate().await?;
            let r = startup::import_admin_units(&store, &json)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            say!(
                "imported {} provinces and {} communes: {} added, {} renamed, {} moved, {} superseded, {} restored",
                r.provinces,
                r.communes,
                r.added,
                r.renamed,
                r.moved,
                r.superseded,
                r.restored
            );
            Ok(())
        }
        Some(Command::Import(ImportCommand::Catalog { file })) => {
            let json = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", file.display()))?;
            let store = startup::open_store(&config).await?;
            store.db.migrate().await?;
            match startup::import_catalog(&store, &json).await {
                Ok(r) => {
                    say!(
                        "imported the catalog: {} new procedures, {} new versions, {} unchanged",
                        r.created,
                        r.new_versions,
                        r.unchanged
                    );
                    Ok(())
                }
                Err(startup::CatalogImportError::Invalid(e)) => {
                    eprintln!(
                        "error: {}: {} problems, nothing imported:",
                        file.display(),
                        e.problems.len()
                    );
                    for problem in &e.problems {
                        eprintln!("  {}: {}", problem.path, problem.message);
                    }
                    Err(anyhow::anyhow!("the catalog was not imported"))
                }
                Err(e) => Err(e.into()),
            }
        }
        Some(Command::Import(ImportCommand::Synonyms { file })) => {
            let json = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", file.display()))?;
            let synonyms = motcua_search::Synonyms::from_json(&json)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let store = startup::open_store(&config).await?;
            store.db.migrate().await?;
            store
                .db
                .meta_set(motcua_web::catalog::SYNONYMS_KEY, &synonyms.to_json())
                .await?;
            say!("imported {} synonym groups", synonyms.groups().len());
            Ok(())
        }
        Some(Command::Import(ImportCommand::Calendar { file, agency })) => {
            let json = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", file.display()))?;
            let settings: motcua_domain::calendar::CalendarSettings =
                serde_json::from_str(&json)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let store = startup::open_store(&config).await?;
            store.db.migrate().await?;
            let scope = agency
                .as_deref()
                .unwrap_or(motcua_store::calendars::NATIONAL);
            match store.db.set_calendar_settings(scope, &settings).await {
                Err(motcua_store::StoreError::NotFound { .. }) => {
                    anyhow::bail!("no agency with code {scope}")
                }
                other => other?,
            }
            say!(
                "imported the {scope} calendar: {} dated changes",
                settings.overrides().len()
            );
            Ok(())
        }
        Some(Command::Calendar(command)) => {
            let open = || async {
                let store = startup::open_store(&config).await?;
                store.db.migrate().await?;
                Ok(store)
            };
            let mut out = Vec::new();
            let result = motcua::calendar::run(command, open, &mut out).await;
            if !out.is_empty() {
                say!("{}", String::from_utf8_lossy(&out).trim_end());
            }
            result
        }
        Some(Command::Verify) => {
            let store = startup::open_store(&config).await?;
            store.db.migrate().await?;
            let key = config.audit_key();
            let report = store.db.verify_all(key.as_ref()).await?;
            say!(
                "verified {} dossiers, {} events, {} seals{}",
                report.dossiers,
                report.events,
                report.seals,
                match &key {
                    Some(key) => format!(" (audit key {})", key.id()),
                    None => " (no audit key configured: seals are not checked)".into(),
                }
            );
            if report.unsealed > 0 {
                say!(
                    "{} events after the last seal (sealed every ten minutes when an audit key is configured)",
                    report.unsealed
                );
            }
            if report.problems.is_empty() {
                say!("the audit trail is intact");
                Ok(())
            } else {
                for problem in &report.problems {
                    eprintln!("broken: {problem}");
                }
                eprintln!(
                    "error: the audit trail is broken in {} places",
                    report.problems.len()
                );
                std::process::exit(1);
            }
        }
        Some(Command::Demo) => {
            config.demo = Some(false);
            let store = startup::open_store(&config).await?;
            startup::prepare(&store, &config).await?;
            let sign_ins = store.db.load_demo().await?;
            say!("demo data loaded");
            print_sign_ins(&sign_ins);
            Ok(())
        }
    }
}

async fn serve(args: ServeArgs, mut config: Config) -> anyhow::Result<()> {
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if let Some(listen) = args.metrics_listen {
        config.metrics_listen = listen;
    }
    if let Err(e) = config.check_deployment() {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
    let store = startup::open_store(&config).await?;
    let prepared = startup::prepare(&store, &config).await?;
    if !prepared.migrations_applied.is_empty() {
        tracing::info!(migrations = ?prepared.migrations_applied, "database migrated");
    }
    if prepared.admin_units_imported {
        tracing::info!("administrative units of 2025 imported");
    }
    if prepared.catalog_imported > 0 {
        tracing::info!(
            procedures = prepared.catalog_imported,
            "demo catalog imported"
        );
    }
    let running = startup::start(
        store,
        &config,
        motcua_web::shutdown_signal(),
        motcua_web::ExtraRoutes::default(),
    )
    .await?;
    say!("motcua is serving the portal at http://{}", running.addr);
    say!("metrics at http://{}/metrics", running.metrics_addr);
    if let Some(demo) = &prepared.demo {
        if demo.fresh {
            say!("demo data loaded into the new database");
        }
        print_sign_ins(&demo.sign_ins);
    }
    running.wait().await?;
    say!("motcua stopped");
    Ok(())
}

fn print_sign_ins(sign_ins: &[motcua_store::demo::DemoSignIn]) {
    let Some(first) = sign_ins.first() else {
        return;
    };
    say!(
        "demo sign-ins (password {} for every account):",
        first.password
    );
    for s in sign_ins {
        say!("  {:<28} {}", s.role_label, s.sign_in);
    }
}
