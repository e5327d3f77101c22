//! The one typed configuration: defaults, then `motcua.toml` (or `--config FILE`), then
//! `MOTCUA_*` environment variables (plus `DATABASE_URL` and `STORAGE_URL`), then
//! command-line flags. Every key is documented in the README.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use motcua_store::{DbOptions, StorageConfig};
use serde::Deserialize;

/// A value that must never be printed (passwords, keys, URLs with credentials).
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

/// Log output format.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("expected \"text\" or \"json\", found \"{other}\"")),
        }
    }
}

/// Everything motcua can be told.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub listen: SocketAddr,
    pub metrics_listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<Secret>,
    pub database_max_connections: u32,
    pub storage_url: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<Secret>,
    pub s3_allow_http: bool,
    pub log_format: LogFormat,
    pub log_level: String,
    /// Demo data (and the sandbox mailbox): as set, or when unset only while the
    /// portal listens on loopback; see [`Config::demo`].
    pub demo: Option<bool>,
    pub request_timeout_secs: u64,
    pub max_body_mb: u64,
    pub catalog_refresh_secs: u64,
    pub secure_cookies: bool,
    /// The portal's address as people reach it, for links in e-mails.
    pub public_url: Option<String>,
    /// The national e-ID's OpenID Connect issuer; with the client credentials it turns
    /// on the e-ID way in.
    pub oidc_issuer: Option<String>,
    pub oidc_client_id: Option<String>,
    pub oidc_client_secret: Option<Secret>,
    /// The ID-token claim carrying the 12-digit citizen ID number.
    pub oidc_citizen_id_claim: String,
    /// Days an untouched online draft is kept (its owner is warned 3 days before).
    pub draft_ttl_days: u64,
    /// Largest attached file, in MB.
    pub max_upload_mb: u64,
    /// Working days before a dossier's due time when its holder and the desk are
    /// warned (and an apology letter is drafted if it will be late).
    pub deadline_warning_days: u64,
    /// Reverse proxies (addresses or networks) whose `X-Forwarded-For` names the
    /// client; from anyone else the header is ignored.
    pub trusted_proxies: motcua_web::proxy::TrustedProxies,
    /// The audit key: base64 of a 32-byte ed25519 seed; with it the dossier events are
    /// sealed every ten minutes and `motcua verify` checks the seals' signatures.
    pub audit_key: Option<Secret>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            metrics_listen: SocketAddr::from(([127, 0, 0, 1], 9464)),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            database_max_connections: 10,
            storage_url: None,
            s3_endpoint: None,
            s3_region: None,
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_allow_http: false,
            log_format: LogFormat::Text,
            log_level: "info".into(),
            demo: None,
            request_timeout_secs: 30,
            max_body_mb: 25,
            catalog_refresh_secs: 10,
            secure_cookies: true,
            public_url: None,
            oidc_issuer: None,
            oidc_client_id: None,
            oidc_client_secret: None,
            oidc_citizen_id_claim: "citizen_id".into(),
            draft_ttl_days: 30,
            max_upload_mb: 20,
            deadline_warning_days: 2,
            trusted_proxies: motcua_web::proxy::TrustedProxies::default(),
            audit_key: None,
        }
    }
}

/// The file's view: every key optional, unknown keys refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    metrics_listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<Secret>,
    database_max_connections: Option<u32>,
    storage_url: Option<String>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    s3_access_key_id: Option<String>,
    s3_secret_access_key: Option<Secret>,
    s3_allow_http: Option<bool>,
    log_format: Option<LogFormat>,
    log_level: Option<String>,
    demo: Option<bool>,
    request_timeout_secs: Option<u64>,
    max_body_mb: Option<u64>,
    catalog_refresh_secs: Option<u64>,
    secure_cookies: Option<bool>,
    public_url: Option<String>,
    oidc_issuer: Option<String>,
    oidc_client_id: Option<String>,
    oidc_client_secret: Option<Secret>,
    oidc_citizen_id_claim: Option<String>,
    draft_ttl_days: Option<u64>,
    max_upload_mb: Option<u64>,
    deadline_warning_days: Option<u64>,
    trusted_proxies: Option<motcua_web::proxy::TrustedProxies>,
    audit_key: Option<Secret>,
}

/// The keys with a default, listed once for the file and the environment.
macro_rules! plain_keys {
    ($apply:ident) => {
        $apply!(
            listen,
            metrics_listen,
            data_dir,
            database_max_connections,
            s3_allow_http,
            log_format,
            log_level,
            request_timeout_secs,
            max_body_mb,
            catalog_refresh_secs,
            secure_cookies,
            oidc_citizen_id_claim,
            draft_ttl_days,
            max_upload_mb,
            deadline_warning_days,
            trusted_proxies
        )
    };
}

/// The keys without a default, listed once for the file and the environment.
macro_rules! optional_keys {
    ($apply:ident) => {
        $apply!(
            database_url,
            storage_url,
            s3_endpoint,
            s3_region,
            s3_access_key_id,
            s3_secret_access_key,
            public_url,
            oidc_issuer,
            oidc_client_id,
            oidc_client_secret,
            demo,
            audit_key
        )
    };
}

/// A configuration problem, as one line naming where it is and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// The file read when no `--config` is given (if it exists).
pub const DEFAULT_FILE: &str = "motcua.toml";

impl Config {
    /// Reads the file (the named one must exist; the default one may not) and the
    /// environment.
    pub fn load(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut config = Config::default();
        let (path, required) = match file {
            Some(path) => (path.to_path_buf(), true),
            None => (PathBuf::from(DEFAULT_FILE), false),
        };
        if required || path.exists() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| ConfigError(format!("{}: cannot read: {e}", path.display())))?;
            config.apply_file(parse_file(&path, &text)?);
        }
        config.apply_env(env)?;
        config.check()?;
        Ok(config)
    }

    /// Whether demo data is on: `demo` as set, or when unset only while the portal
    /// listens on loopback (the first README command), so a server reachable by
    /// others never gets the demo accounts and their published password by default.
    pub fn demo(&self) -> bool {
        self.demo.unwrap_or_else(|| self.listen.ip().is_loopback())
    }

    /// What must hold before the portal serves anyone (after command-line overrides):
    /// demo data never on a public portal (`public_url` set), and outside demo mode a
    /// `public_url` for the links sent by e-mail (never the request's `Host`).
    pub fn check_deployment(&self) -> Result<(), ConfigError> {
        match (self.demo(), &self.public_url) {
            (true, Some(_)) => Err(ConfigError(
                "key `demo`: demo data (accounts with a published password) cannot run on a public portal; `public_url` is set, so set `demo = false`".into(),
            )),
            (false, None) => Err(ConfigError(format!(
                "key `public_url`: required outside demo mode (links in e-mails are never built from the request's Host header), e.g. public_url = \"https://dichvucong.example.gov.vn\"; demo mode is {}",
                if self.demo.is_some() {
                    "off (`demo = false`)".to_string()
                } else {
                    format!("off because the portal listens on {}, not loopback", self.listen)
                }
            ))),
            _ => Ok(()),
        }
    }

    /// The audit key, if one is configured (checked when the configuration is read).
    pub fn audit_key(&self) -> Option<motcua_store::audit::AuditKey> {
        self.audit_key
            .as_ref()
            .and_then(|k| motcua_store::audit::AuditKey::from_base64_seed(k.expose()).ok())
    }

    /// Values that parse but cannot work.
    fn check(&self) -> Result<(), ConfigError> {
        if let Some(key) = &self.audit_key
            && let Err(e) = motcua_store::audit::AuditKey::from_base64_seed(key.expose())
        {
            return Err(ConfigError(format!(
                "key `audit_key`: {e} (make one with `openssl rand -base64 32`)"
            )));
        }
        let positive = [
            (
                "database_max_connections",
                u64::from(self.database_max_connections),
            ),
            ("request_timeout_secs", self.request_timeout_secs),
            ("max_body_mb", self.max_body_mb),
            ("catalog_refresh_secs", self.catalog_refresh_secs),
            ("draft_ttl_days", self.draft_ttl_days),
            ("max_upload_mb", self.max_upload_mb),
            ("deadline_warning_days", self.deadline_warning_days),
        ];
        if let Some((key, _)) = positive.iter().find(|(_, value)| *value == 0) {
            return Err(ConfigError(format!("key `{key}`: must be greater than 0")));
        }
        if let Some(issuer) = &self.oidc_issuer {
            if !issuer.starts_with("https://") && !issuer.starts_with("http://") {
                return Err(ConfigError(format!(
                    "key `oidc_issuer`: must be an http(s) URL, found \"{issuer}\""
                )));
            }
            for (key, missing) in [
                ("oidc_client_id", self.oidc_client_id.is_none()),
                ("oidc_client_secret", self.oidc_client_secret.is_none()),
            ] {
                if missing {
                    return Err(ConfigError(format!(
                        "key `{key}`: required when `oidc_issuer` is set"
                    )));
                }
            }
        }
        Ok(())
    }

    fn apply_file(&mut self, file: FileConfig) {
        macro_rules! take {
            ($($key:ident),*) => { $( if let Some(v) = file.$key { self.$key = v; } )* };
        }
        macro_rules! take_opt {
            ($($key:ident),*) => { $( if file.$key.is_some() { self.$key = file.$key; } )* };
        }
        plain_keys!(take);
        optional_keys!(take_opt);
    }

    fn apply_env(&mut self, env: &dyn Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parse<T: FromStr>(name: &str, value: &str) -> Result<T, ConfigError>
        where
            T::Err: fmt::Display,
        {
            value.parse().map_err(|e| {
                ConfigError(format!(
                    "environment variable {name}: {e} (value \"{value}\")"
                ))
            })
        }
        macro_rules! from_env {
            ($($key:ident),*) => { $(
                let name = concat!("MOTCUA_", stringify!($key)).to_ascii_uppercase();
                if let Some(value) = env(&name) { self.$key = parse(&name, &value)?; }
            )* };
        }
        macro_rules! from_env_opt {
            ($($key:ident),*) => { $(
                let name = concat!("MOTCUA_", stringify!($key)).to_ascii_uppercase();
                if let Some(value) = env(&name).filter(|v| !v.is_empty()) { self.$key = Some(parse(&name, &value)?); }
            )* };
        }
        plain_keys!(from_env);
        optional_keys!(from_env_opt);
        // The conventional unprefixed names win over the prefixed ones.
        if let Some(url) = env("DATABASE_URL").filter(|v| !v.is_empty()) {
            self.database_url = Some(Secret(url));
        }
        if let Some(url) = env("STORAGE_URL").filter(|v| !v.is_empty()) {
            self.storage_url = Some(url);
        }
        Ok(())
    }

    pub fn db_options(&self) -> DbOptions {
        DbOptions {
            url: self.database_url.as_ref().map(|s| s.expose().to_string()),
            max_connections: self.database_max_connections,
            ..DbOptions::sqlite_in(&self.data_dir)
        }
    }

    pub fn storage(&self) -> StorageConfig {
        StorageConfig {
            url: self.storage_url.clone(),
            data_dir: self.data_dir.clone(),
            s3_endpoint: self.s3_endpoint.clone(),
            s3_region: self.s3_region.clone(),
            s3_access_key_id: self.s3_access_key_id.clone(),
            s3_secret_access_key: self
                .s3_secret_access_key
                .as_ref()
                .map(|s| s.expose().to_string()),
            s3_allow_http: self.s3_allow_http,
        }
    }

    /// The national e-ID client settings, when the issuer is configured.
    pub fn oidc(&self) -> Option<motcua_web::oidc::OidcConfig> {
        Some(motcua_web::oidc::OidcConfig {
            issuer: self.oidc_issuer.clone()?,
            client_id: self.oidc_client_id.clone()?,
            client_secret: self.oidc_client_secret.as_ref()?.expose().to_string(),
            citizen_id_claim: self.oidc_citizen_id_claim.clone(),
        })
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }
}

/// Parses the TOML text; the error names the file, the line, the key and the problem.
fn parse_file(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map(|span| line_of(text, span.start));
        let message = e.message().replace('\n', " ");
        match line {
            Some(line) => ConfigError(format!(
                "{}: line {line}: {}",
                path.display(),
                message.trim()
            )),
            None => ConfigError(format!("{}: {}", path.display(), message.trim())),
        }
    })?;
    serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
        let key = e.path().to_string();
        let message = e.inner().to_string().replace('\n', " ");
        if key == "." || key.is_empty() {
            ConfigError(format!("{}: {}", path.display(), message.trim()))
        } else {
            ConfigError(format!(
                "{}: key `{key}`: {}",
                path.display(),
                message.trim()
            ))
        }
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load_with(toml: &str, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("motcua.toml");
        std::fs::write(&path, toml).unwrap();
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load(Some(&path), &|name| vars.get(name).cloned())
    }

    #[test]
    fn trusted_proxies_from_the_file_or_the_environment() {
        let config = load_with("trusted_proxies = [\"10.0.0.0/8\", \"::1\"]\n", &[]).unwrap();
        assert_eq!(config.trusted_proxies, "10.0.0.0/8,::1".parse().unwrap());
        let config = load_with("", &[("MOTCUA_TRUSTED_PROXIES", "192.0.2.1, 10.0.0.0/8")]).unwrap();
        assert_eq!(
            config.trusted_proxies,
            "192.0.2.1,10.0.0.0/8".parse().unwrap()
        );
        let err = load_with("trusted_proxies = [\"proxy\"]\n", &[])
            .unwrap_err()
            .0;
        assert!(err.contains("not an IP address or network"), "{err}");
    }

    #[test]
    fn demo_data_only_on_loopback_unless_set() {
        let mut config = Config::default();
        assert!(config.demo(), "the first README command has its demo");
        assert!(config.check_deployment().is_ok());
        config.listen = "0.0.0.0:8080".parse().unwrap();
        assert!(!config.demo(), "reachable by others: no demo unless asked");
        let err = config.check_deployment().unwrap_err().0;
        assert!(err.starts_with("key `public_url`: required"), "{err}");
        assert!(err.contains("not loopback"), "{err}");
        config.public_url = Some("https://dichvucong.example.gov.vn".into());
        assert!(config.check_deployment().is_ok());
        // Asked for explicitly, demo data still never runs on a public portal.
        config.demo = Some(true);
        assert!(config.demo());
        let err = config.check_deployment().unwrap_err().0;
        assert!(err.starts_with("key `demo`:"), "{err}");
        config.public_url = None;
        assert!(config.check_deployment().is_ok(), "a demo on a LAN");
        // Off on loopback: links need the public address.
        let mut config = Config {
            demo: Some(false),
            ..Config::default()
        };
        assert!(config.check_deployment().is_err());
        config.public_url = Some("http://127.0.0.1:8080".into());
        assert!(config.check_deployment().is_ok());
    }

    #[test]
    fn defaults_then_file_then_environment() {
        let config = load_with(
            "listen = \"0.0.0.0:8000\"\nlog_format = \"json\"\ndemo = false\n",
            &[
                ("MOTCUA_LISTEN", "127.0.0.1:9000"),
                ("MOTCUA_MAX_BODY_MB", "5"),
            ],
        )
        .unwrap();
        assert_eq!(config.listen, "127.0.0.1:9000".parse().unwrap());
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.demo, Some(false));
        assert!(!config.demo());
        assert_eq!(config.max_body_mb, 5);
        assert_eq!(config.metrics_listen, Config::default().metrics_listen);
    }

    #[test]
    fn errors_name_the_file_the_key_and_the_problem_on_one_line() {
        let err = load_with("listen = \"not an address\"\n", &[])
            .unwrap_err()
            .0;
        assert!(
            err.contains("motcua.toml: key `listen`: invalid socket address"),
            "{err}"
        );
        assert!(!err.contains('\n'));
        let err = load_with("lisen = \"127.0.0.1:1\"\n", &[]).unwrap_err().0;
        assert!(err.contains("unknown field `lisen`"), "{err}");
        let err = load_with("demo = true\nlisten = [\n", &[]).unwrap_err().0;
        assert!(err.contains("motcua.toml: line 2"), "{err}");
        assert!(!err.contains('\n'));
        let err = load_with("demo = \"yes\"\n", &[]).unwrap_err().0;
        assert!(err.contains("key `demo`: invalid type"), "{err}");
        let err = load_with("", &[("MOTCUA_METRICS_LISTEN", "x")])
            .unwrap_err()
            .0;
        assert!(
            err.starts_with("environment variable MOTCUA_METRICS_LISTEN:"),
            "{err}"
        );
        let err = Config::load(Some(Path::new("/nonexistent/motcua.toml")), &|_| None)
            .unwrap_err()
            .0;
        assert!(
            err.starts_with("/nonexistent/motcua.toml: cannot read"),
            "{err}"
        );
    }

    #[test]
    fn secrets_never_print() {
        let config = load_with(
            "s3_secret_access_key = \"hunter2\"\n",
            &[("DATABASE_URL", "postgres://app:pa55word@db/motcua")],
        )
        .unwrap();
        let printed = format!(
            "{config:?} {:?} {:?}",
            config.db_options(),
            config.storage()
        );
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("pa55word"), "{printed}");
        assert_eq!(
            config.database_url.unwrap().expose(),
            "postgres://app:pa55word@db/motcua"
        );
    }
}
