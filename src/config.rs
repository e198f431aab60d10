//! Typed settings from an optional TOML file and `QMS_*` environment variables (the variables win).

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Every setting of the service. Defaults run a complete instance from the current directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Where the SQLite database, the git store (`procedures.git`) and the signing secret live.
    pub data_dir: PathBuf,
    /// Address and port to listen on.
    pub listen: String,
    /// `postgres://…` selects PostgreSQL; empty means SQLite at `<data_dir>/qms.sqlite3`.
    pub database_url: Option<String>,
    /// The corpus imported on first start.
    pub procedures_dir: PathBuf,
    /// The first admin's password; a random one is generated and printed once when unset.
    pub admin_password: Option<String>,
    /// The token signing secret; generated and kept in `<data_dir>/jwt-secret` when unset.
    pub jwt_secret: Option<String>,
    /// How long a sign-in token is valid, in minutes.
    pub token_minutes: i64,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// HTTP worker threads; the number of CPUs when unset.
    pub workers: Option<usize>,
    /// Mark session cookies `Secure` on every response (set behind a TLS-terminating proxy that
    /// does not send `X-Forwarded-Proto`).
    pub cookie_secure: bool,
    /// Addresses of reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed,
    /// comma-separated (e.g. `127.0.0.1`). Empty: the connection's own address is the client's.
    pub trusted_proxies: String,
    /// The first organisation's slug (`[a-z0-9-]{2,40}`), used in URLs of a province deployment.
    pub org_slug: String,
    /// The first organisation's name, shown in page headers, print views and exports.
    pub org_name: String,
    /// The first organisation's kind: `province`, `commune`, `ward` or `other`.
    pub org_kind: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            listen: "127.0.0.1:8080".into(),
            database_url: None,
            procedures_dir: PathBuf::from("procedures"),
            admin_password: None,
            jwt_secret: None,
            token_minutes: 60,
            max_body_bytes: 1024 * 1024,
            workers: None,
            cookie_secure: false,
            trusted_proxies: String::new(),
            org_slug: "default".into(),
            org_name: "Ủy ban nhân dân xã".into(),
            org_kind: "commune".into(),
        }
    }
}

impl Settings {
    /// Defaults, then `file` (if it exists), then `QMS_*` variables.
    pub fn load(file: Option<&Path>) -> Result<Self, String> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        let file = file.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("qms.toml"));
        if file.exists() {
            figment = figment.merge(Toml::file(&file));
        }
        // QMS_CONFIG names the file, QMS_FAULT drives crash tests, QMS_TEST_* configure the test
        // suite and QMS_BENCH_* the benchmarks: none of them is a setting.
        let not_settings = |key: &figment::value::UncasedStr| {
            let key = key.as_str().to_ascii_lowercase();
            key == "config" || key == "fault" || key.starts_with("test_") || key.starts_with("bench_")
        };
        figment = figment.merge(Env::prefixed("QMS_").filter(move |key| !not_settings(key)));
        let settings: Settings =
            figment.extract().map_err(|e| format!("cấu hình không hợp lệ / invalid settings: {e}"))?;
        settings.check_trusted_proxies()?;
        Ok(settings)
    }

    /// The database URL, defaulting to SQLite inside the data directory.
    pub fn database_url(&self) -> String {
        match self.database_url.as_deref().filter(|u| !u.trim().is_empty()) {
            Some(url) => url.to_owned(),
            None => self.data_dir.join("qms.sqlite3").to_string_lossy().into_owned(),
        }
    }

    /// The trusted proxies' addresses; entries that are not addresses are left out (and reported
    /// by `check_trusted_proxies` at start-up).
    pub fn trusted_proxies(&self) -> Vec<std::net::IpAddr> {
        self.trusted_proxies.split(',').filter_map(|a| a.trim().parse().ok()).collect()
    }

    /// An entry of `trusted_proxies` that is not an IP address, if any.
    pub fn check_trusted_proxies(&self) -> Result<(), String> {
        match self
            .trusted_proxies
            .split(',')
            .map(str::trim)
            .find(|a| !a.is_empty() && a.parse::<std::net::IpAddr>().is_err())
        {
            Some(bad) => Err(format!("QMS_TRUSTED_PROXIES: \"{bad}\" không phải địa chỉ IP / is not an IP address")),
            None => Ok(()),
        }
    }

    /// The bare git repository holding published procedures.
    /// The first organisation's git store (where the only store was before organisations).
    pub fn store_path(&self) -> PathBuf {
        self.data_dir.join("procedures.git")
    }

    /// An organisation's bare git store: the first one's where it always was, the others' under
    /// `orgs/<slug>/` (a slug is `[a-z0-9-]`, so it is a safe directory name).
    pub fn store_path_of(&self, org: &crate::domain::organisation::Organisation) -> PathBuf {
        if org.id == crate::domain::organisation::FIRST_ORG {
            self.store_path()
        } else {
            self.data_dir.join("orgs").join(&org.slug).join("procedures.git")
        }
    }
}
