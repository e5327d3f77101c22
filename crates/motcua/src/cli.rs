//! The command line: `motcua [serve] | migrate | import | demo`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "motcua",
    version,
    about = "motcua: online public services portal and one-stop back office",
    long_about = "motcua: online public services portal and one-stop back office.\n\n\
        Without a command, `motcua` serves the portal (same as `motcua serve`).\n\
        Configuration: motcua.toml (or --config FILE), then MOTCUA_* environment variables, then flags."
)]
pub struct Cli {
    /// Configuration file [default: ./motcua.toml if it exists]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Directory for the SQLite database and local files [env: MOTCUA_DATA_DIR] [default: ./data]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(flatten)]
    pub serve: ServeArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The serve flags given before a command other than `serve` make no sense.
    pub fn misplaced_serve_flags(&self) -> bool {
        let top_level = self.serve.listen.is_some() || self.serve.metrics_listen.is_some();
        top_level && !matches!(self.command, None | Some(Command::Serve(_)))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal, the back office and the API (the default)
    Serve(ServeArgs),
    /// Apply pending database migrations and exit
    Migrate,
    /// Import data from a file
    #[command(subcommand)]
    Import(ImportCommand),
    /// Load the demo data (agencies of one province, one account per role) and print the sign-ins
    Demo,
    /// Working calendar: public holidays, lunar dates, legal deadlines
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Verify the audit trail: every dossier's event chain and content, and the signed
    /// seals over all events; exits 1 on any break
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Print the public holidays and days off of a year, one `YYYY-MM-DD name` per line
    Holidays {
        /// The year (1900–2199)
        year: i32,
        /// Use this agency's calendar (its office hours and own changes)
        #[arg(long, value_name = "CODE")]
        agency: Option<String>,
    },
    /// Print the lunar date of a solar date as D/M/YYYY, with " (nhuận)" in a leap month
    Lunar {
        /// The solar date, YYYY-MM-DD
        #[arg(value_parser = parse_date)]
        date: chrono::NaiveDate,
    },
    /// Print the due instant (RFC 3339) of a processing time started at --from
    Due {
        /// When the dossier was received, RFC 3339, e.g. 2026-02-13T16:30:00+07:00
        #[arg(long, value_parser = parse_instant)]
        from: chrono::DateTime<chrono::FixedOffset>,
        /// Processing time in working days
        #[arg(long, value_name = "N", group = "allowance")]
        working_days: Option<u32>,
        /// Processing time in working hours
        #[arg(long, value_name = "N", group = "allowance")]
        working_hours: Option<u32>,
        /// Processing time in calendar days
        #[arg(long, value_name = "N", group = "allowance")]
        days: Option<u32>,
        /// Use this agency's calendar
        #[arg(long, value_name = "CODE")]
        agency: Option<String>,
    },
}

fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| format!("expected YYYY-MM-DD: {e}"))
}

fn parse_instant(text: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map_err(|e| format!("expected RFC 3339, e.g. 2026-02-13T16:30:00+07:00: {e}"))
}

#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// Address of the portal [env: MOTCUA_LISTEN] [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// Address of the Prometheus metrics endpoint [env: MOTCUA_METRICS_LISTEN] [default: 127.0.0.1:9464]
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import a procedure catalog (format motcua-catalog/1, see docs/catalog-format.md).
    /// All or nothing: every bad entry is listed and nothing is imported.
    Catalog {
        /// The JSON file
        file: PathBuf,
    },
    /// Import administrative units (format of data/admin-units-2025.json). Units missing
    /// from the file are kept and marked superseded; a unit may list the codes it
    /// `replaces`.
    AdminUnits {
        /// The JSON file
        file: PathBuf,
    },
    /// Import the search synonyms and abbreviations (JSON: {"groups": [["gplx", "giấy
    /// phép lái xe"], …]}), replacing the built-in list; every node picks them up
    Synonyms {
        /// The JSON file
        file: PathBuf,
    },
    /// Import working-calendar settings (office hours and dated changes; see
    /// docs/calendar-format.md): the government's national changes, or one agency's
    Calendar {
        /// The JSON file
        file: PathBuf,
        /// The agency whose calendar this is [default: the national changes]
        #[arg(long, value_name = "CODE")]
        agency: Option<String>,
    },
}
