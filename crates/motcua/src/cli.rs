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
    /// Import administrative units (format of data/admin-units-2025.json). Units missing
    /// from the file are kept and marked superseded; a unit may list the codes it
    /// `replaces`.
    AdminUnits {
        /// The JSON file
        file: PathBuf,
    },
}
