//! The portal's settings, with the seed's defaults. The binary fills them from flags and
//! environment variables (`minga --help`); tests build them directly.

use crate::domain::evidence::submission::Limits;
use crate::domain::throttle;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `None`: the SQLite file `minga.db` in the data directory.
    pub database_url: Option<String>,
    /// Where citizens reach the portal (QR codes, links in mail); cookies are `Secure` when https.
    pub public_url: String,
    /// The first line of the log's checkpoints. Fixed by the log's key once created.
    pub log_origin: String,
    /// Whether `log_origin` was set by the operator (then it must match the key).
    pub log_origin_explicit: bool,
    /// The bootstrap administrator's password instead of a generated one.
    pub admin_password: Option<String>,
    /// Load the demo network on first start.
    pub demo: bool,
    /// A session ends after this long without a request...
    pub session_idle: chrono::Duration,
    /// ...and in any case this long after login.
    pub session_max_age: chrono::Duration,
    pub login_throttle: throttle::Policy,
    pub password_min_length: usize,
    /// How long the link confirming an account's e-mail address stays good.
    pub email_token_ttl: chrono::Duration,
    /// How long a password-reset link stays good.
    pub password_reset_ttl: chrono::Duration,
    /// The offices whose holders must sign in with a second factor (TOTP) before they change
    /// anything (`MINGA_SECOND_FACTOR_ROLES`).
    pub second_factor_roles: Vec<crate::domain::roles::Role>,
    /// The institutions' OpenID providers people may sign in with (none by default).
    pub oidc: Vec<OidcSettings>,
    /// Take the client address from `X-Forwarded-For` (only behind a reverse proxy you run).
    pub trust_proxy: bool,
    /// Opens `/metrics` to whoever sends it as a bearer token; without it only loopback reads it.
    pub metrics_token: Option<String>,
    /// Sizes a submission may have.
    pub evidence_limits: Limits,
    /// A new checkpoint is signed at most this often while entries arrive.
    pub checkpoint_interval: std::time::Duration,
    /// How often the integrity audit re-checks the whole log.
    pub audit_interval: chrono::Duration,
    /// How often the latest checkpoint is anchored on every configured backend.
    pub anchor_interval: chrono::Duration,
    /// When only the previous round's batch report is new, the round that seals it comes this
    /// long after the last round (not every interval: see `services::anchors::RoundRule`).
    pub anchor_idle_round: chrono::Duration,
    /// How often the open data is dumped into an archive registered in the log (`None`: never;
    /// a dump is made only when something changed).
    pub open_data_interval: Option<chrono::Duration>,
    /// The licence the open data is published under (a URL, in the catalogue).
    pub open_data_licence: String,
    /// First wait after a backend fails; it doubles with every failure up to `anchor_retry_max`.
    pub anchor_retry: std::time::Duration,
    pub anchor_retry_max: std::time::Duration,
    /// Ethereum-compatible chains to anchor on (none in the embedded default).
    pub eth: Vec<EthSettings>,
    /// RFC 3161 time-stamping authorities to stamp checkpoints with (none by default).
    pub tsa: Vec<TsaSettings>,
    /// The TrueType font batch reports are set in (embedded in each PDF; needs Spanish accents).
    pub report_font: PathBuf,
    /// How often the terms calendar runs (term notices, ended terms, votes past their deadline).
    pub calendar_interval: std::time::Duration,
    /// Notice periods, the holiday calendar, quorum and the Advisory Council's minimum meetings.
    pub meetings: crate::domain::meetings::MeetingSettings,
    /// Node requests: the minimum requirements, the commission's vote.
    pub nodes: crate::domain::nodes::NodeSettings,
    /// Projects: when a running project counts as stalled.
    pub projects: crate::domain::projects::ProjectSettings,
    /// The report calendar: when its reminders go out.
    pub reporting: crate::domain::reporting::ReportingSettings,
    /// Seat limits, terms and renewals of the governance bodies (the seed's defaults).
    pub governance: crate::domain::governance::GovernanceSettings,
    /// The SMTP relay mail is delivered through; `None`: mail stays queued in the outbox.
    pub smtp_url: Option<SmtpUrl>,
    /// The sender of the portal's mail, e.g. `Minga <minga@localhost>`.
    pub mail_from: String,
    /// First wait after a delivery fails; it doubles with every failure up to `mail_retry_max`.
    pub mail_retry: std::time::Duration,
    pub mail_retry_max: std::time::Duration,
}

/// An SMTP relay's URL (`smtp://user:pass@relay:587?tls=starttls`, `smtps://relay:465`,
/// `smtp://127.0.0.1:2525`). It may hold a password, so it is never printed whole: `Debug` and
/// [`SmtpUrl::redacted`] leave the credentials out.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(pub String);

impl SmtpUrl {
    /// The URL without its user and password: what the administrators' page may show.
    pub fn redacted(&self) -> String {
        match self.0.split_once("://") {
            Some((scheme, rest)) => {
                let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
                let (authority, tail) = rest.split_at(end);
                match authority.rsplit_once('@') {
                    Some((_, host)) => format!("{scheme}://***@{host}{tail}"),
                    None => self.0.clone(),
                }
            }
            None => self.0.clone(),
        }
    }
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SmtpUrl({})", self.redacted())
    }
}

/// An RFC 3161 time-stamping authority over HTTP, and the certificate its signing certificate
/// must chain to.
#[derive(Clone, Debug)]
pub struct TsaSettings {
    /// The backend's stable name: see [`backend_name`].
    pub name: String,
    pub url: String,
    /// PEM file of the trust anchor (the TSA's CA, or its own certificate).
    pub ca_file: PathBuf,
}

/// An OpenID provider (`MINGA_OIDC_*`): its issuer URL (metadata and keys are discovered from it),
/// this portal's client registration there, and the name on the sign-in button.
#[derive(Clone)]
pub struct OidcSettings {
    pub issuer: String,
    pub client_id: String,
    /// Never printed.
    pub client_secret: String,
    pub name: String,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// An Ethereum-compatible chain (LACChain / Hyperledger Besu, Ethereum, any JSON-RPC node).
#[derive(Clone)]
pub struct EthSettings {
    /// The backend's stable name (its anchoring state is kept under it): see [`backend_name`].
    pub name: String,
    pub rpc_url: String,
    /// The sender's private key (hex); never printed.
    pub private_key: String,
    /// Blocks on top of the anchor's (counting its own) before it counts as done.
    pub confirmations: u64,
    /// Explorer URL of a transaction, `{tx}` standing for its hash.
    pub explorer: Option<String>,
}

impl std::fmt::Debug for EthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EthSettings")
            .field("name", &self.name)
            .field("rpc_url", &self.rpc_url)
            .field("private_key", &"<redacted>")
            .field("confirmations", &self.confirmations)
            .field("explorer", &self.explorer)
            .finish()
    }
}

impl Settings {
    /// The address of `mail_from` ("Minga <minga@example>" → "minga@example").
    pub fn mail_from_address(&self) -> String {
        let from = self.mail_from.trim();
        match (from.rfind('<'), from.rfind('>')) {
            (Some(a), Some(b)) if a < b => from[a + 1..b].trim().to_string(),
            _ => from.to_string(),
        }
    }

    /// The defaults of the embedded installation, rooted at `data_dir`.
    pub fn embedded(data_dir: PathBuf) -> Settings {
        let listen: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 3000));
        Settings {
            listen,
            data_dir,
            database_url: None,
            public_url: format!("http://{listen}"),
            log_origin: default_log_origin(&format!("http://{listen}")),
            log_origin_explicit: false,
            admin_password: None,
            demo: true,
            session_idle: chrono::Duration::hours(8),
            session_max_age: chrono::Duration::days(7),
            login_throttle: throttle::Policy {
                max_failures_per_account: 5,
                max_failures_per_ip: 20,
                window: chrono::Duration::minutes(15),
            },
            password_min_length: 12,
            email_token_ttl: chrono::Duration::hours(24),
            password_reset_ttl: chrono::Duration::hours(1),
            second_factor_roles: vec![
                crate::domain::roles::Role::Administrator,
                crate::domain::roles::Role::ExecutiveSecretary,
            ],
            trust_proxy: false,
            metrics_token: None,
            evidence_limits: Limits::default(),
            checkpoint_interval: std::time::Duration::from_secs(1),
            audit_interval: chrono::Duration::hours(1),
            anchor_interval: chrono::Duration::minutes(30),
            anchor_idle_round: chrono::Duration::hours(24),
            open_data_interval: Some(chrono::Duration::hours(24)),
            open_data_licence: "https://creativecommons.org/licenses/by/4.0/".into(),
            anchor_retry: std::time::Duration::from_secs(5),
            anchor_retry_max: std::time::Duration::from_secs(600),
            eth: Vec::new(),
            oidc: Vec::new(),
            tsa: Vec::new(),
            report_font: PathBuf::from("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
            calendar_interval: std::time::Duration::from_secs(600),
            meetings: Default::default(),
            nodes: Default::default(),
            projects: Default::default(),
            reporting: Default::default(),
            governance: Default::default(),
            smtp_url: None,
            mail_from: "Minga <minga@localhost>".into(),
            mail_retry: std::time::Duration::from_secs(5),
            mail_retry_max: std::time::Duration::from_secs(600),
        }
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("minga.db").display()),
        }
    }

    pub fn documents_dir(&self) -> PathBuf {
        self.data_dir.join("documents")
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.data_dir.join("keys")
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// The checkpoint origin when none is set: the public URL's host and path, as C2SP suggests
/// (a schema-less URL identifying the log).
pub fn default_log_origin(public_url: &str) -> String {
    let without_scheme = public_url
        .split_once("://")
        .map_or(public_url, |(_, rest)| rest);
    format!("{}/log", without_scheme.trim_end_matches('/'))
}

/// Parses `90s`, `30m`, `8h`, `7d` (or a bare number of seconds).
pub fn parse_duration(text: &str) -> Result<chrono::Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: i64 = number
        .parse()
        .map_err(|_| format!("`{text}`: expected a number followed by s, m, h or d"))?;
    let d = match unit.trim() {
        "" | "s" => chrono::Duration::seconds(n),
        "m" | "min" => chrono::Duration::minutes(n),
        "h" => chrono::Duration::hours(n),
        "d" => chrono::Duration::days(n),
        other => {
            return Err(format!(
                "`{text}`: unknown unit `{other}` (use s, m, h or d)"
            ));
        }
    };
    if d <= chrono::Duration::zero() {
        return Err(format!("`{text}`: must be more than zero"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30m"), Ok(chrono::Duration::minutes(30)));
        assert_eq!(parse_duration("45"), Ok(chrono::Duration::seconds(45)));
        assert_eq!(parse_duration("8h"), Ok(chrono::Duration::hours(8)));
        assert_eq!(parse_duration("7d"), Ok(chrono::Duration::days(7)));
        assert!(parse_duration("0m").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("5w").is_err());
    }

    #[test]
    fn smtp_urls_are_shown_without_credentials() {
        let url = SmtpUrl("smtp://minga:s3cr%40t@relay.example:587?tls=starttls".into());
        assert_eq!(url.redacted(), "smtp://***@relay.example:587?tls=starttls");
        assert!(!format!("{url:?}").contains("s3cr"));
        assert_eq!(
            SmtpUrl("smtp://127.0.0.1:2525".into()).redacted(),
            "smtp://127.0.0.1:2525"
        );
    }

    #[test]
    fn log_origin_from_public_url() {
        assert_eq!(
            default_log_origin("https://minga.gob.mx/"),
            "minga.gob.mx/log"
        );
        assert_eq!(
            default_log_origin("http://127.0.0.1:3000"),
            "127.0.0.1:3000/log"
        );
    }
}

/// A stable name for an anchor backend, from its kind and the host and port of its URL (so that
/// its state survives restarts and reordering of the settings): `eth-rpc.lacchain.net:443`.
/// A URL's host (and port), e.g. the default label of an OpenID provider's button.
pub fn host_of(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority
        .rsplit('@')
        .next()
        .unwrap_or(authority)
        .to_string()
}

pub fn backend_name(prefix: &str, url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let default_port = if url.starts_with("https://") {
        "443"
    } else {
        "80"
    };
    if authority.contains(':') && !authority.ends_with(']') {
        format!("{prefix}-{authority}")
    } else {
        format!("{prefix}-{authority}:{default_port}")
    }
}

#[cfg(test)]
mod backend_name_tests {
    use super::backend_name;

    #[test]
    fn names_come_from_host_and_port() {
        assert_eq!(
            backend_name("eth", "http://127.0.0.1:8545"),
            "eth-127.0.0.1:8545"
        );
        assert_eq!(
            backend_name("eth", "https://rpc.example/v1?k=1"),
            "eth-rpc.example:443"
        );
        assert_eq!(
            backend_name("tsa", "http://user:pw@tsa.example/"),
            "tsa-tsa.example:80"
        );
    }
}
