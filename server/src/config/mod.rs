//! Command line and environment: every setting is a flag and an environment variable of the
//! same meaning (`minga --help` lists them), with the seed's defaults.

use app::domain::throttle;
use app::settings::{Settings, default_log_origin, parse_duration};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

mod nodes;
mod projects;

#[derive(Debug, Parser)]
#[command(
    name = "minga",
    version,
    about = "Minga: governance portal and evidence log of a public-sector blockchain network"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal (the default): migrate, bootstrap, start the workers, listen.
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Load the demo network (institutions, people, one account per role) and print its logins.
    Demo,
    /// Check an evidence receipt offline: entry, inclusion proof, checkpoint signature, document.
    /// Exits 0 only if every check holds.
    Verify {
        /// The receipt JSON (from /api/v1/evidence/{id}/receipt), the C2SP tlog-proof (from
        /// /api/v1/evidence/{id}/proof), or an item's proof (from
        /// /api/v1/evidence/{id}/items/{n}/proof).
        receipt: PathBuf,
        /// With an item's proof: the item one holds (its JSON), checked against the proof's leaf.
        #[arg(long)]
        item: Option<PathBuf>,
        /// The document to compare with the registered document hash.
        #[arg(long)]
        document: Option<PathBuf>,
        /// The log's verifier key (`name+id+key`, as at /log/key), or a file holding it.
        /// Defaults to the key of the portal in the data directory, if there is one.
        #[arg(long)]
        key: Option<String>,
        /// JSON-RPC URL of a node of the anchoring chain: re-fetch each anchor transaction and
        /// check its status and calldata.
        #[arg(long)]
        rpc: Option<String>,
        /// PEM certificate(s) to trust for time-stamps (the TSA's CA or its own certificate):
        /// check each time-stamp token's signature, certificate and imprint.
        #[arg(long)]
        tsa_cert: Option<PathBuf>,
    },
    /// Run the integrity audit now: re-derive every entry and rebuild the tree against the
    /// signed checkpoints. Exits 1 if anything was altered.
    Audit,
    /// Copy a running portal into DIR (new or empty): the database as of one instant, the
    /// documents and the keys, with a manifest of SHA-256s (SHA256SUMS).
    Backup { dir: PathBuf },
    /// Restore a backup made by `minga backup` into the data directory, which must hold no
    /// database. Refuses a backup whose files do not match its manifest.
    Restore { dir: PathBuf },
    /// Manage the API keys of source systems.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// The network's nodes.
    #[command(subcommand)]
    Nodes(NodeCommand),
}

#[derive(Debug, Subcommand)]
pub enum NodeCommand {
    /// Import the nodes of a network that already runs from a CSV with the header
    /// `name,enode,rpc_url,type,collective,institution`: each is admitted by a
    /// `governance.node-imported` decision. Nothing is imported if a line is wrong.
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key for SOURCE limited to the given kinds; prints it once.
    Create {
        source: String,
        /// Kinds the key may register, separated by commas.
        #[arg(long, required = true)]
        kinds: String,
        /// Show the records of these kinds on their public verification pages.
        #[arg(long)]
        public: bool,
    },
    /// List the keys (never the keys themselves).
    List,
    /// Revoke a key by its number.
    Revoke { id: i64 },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    #[command(flatten)]
    pub nodes: nodes::NodeArgs,
    #[command(flatten)]
    pub projects: projects::ProjectArgs,
    /// Address and port to listen on.
    #[arg(
        long,
        env = "MINGA_LISTEN",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub listen: SocketAddr,
    /// Directory for the database, documents and keys (created if missing).
    #[arg(long, env = "MINGA_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
    /// Database URL; by default the SQLite file minga.db in the data directory.
    #[arg(long, env = "MINGA_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// The URL citizens reach the portal at (QR codes, links in e-mail); https makes cookies Secure.
    #[arg(long, env = "MINGA_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// The evidence log's checkpoint origin line; by default derived from the public URL.
    #[arg(long, env = "MINGA_LOG_ORIGIN", global = true)]
    pub log_origin: Option<String>,
    /// Password of the bootstrap administrator (and the demo accounts) instead of a generated one.
    #[arg(
        long,
        env = "MINGA_ADMIN_PASSWORD",
        hide_env_values = true,
        global = true
    )]
    pub admin_password: Option<String>,
    /// Load the demo network on first start.
    #[arg(long, env = "MINGA_DEMO", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub demo: bool,
    /// A session ends after this long without activity (s, m, h, d).
    #[arg(long, env = "MINGA_SESSION_IDLE", default_value = "8h", value_parser = parse_duration, global = true)]
    pub session_idle: chrono::Duration,
    /// A session ends this long after login, active or not.
    #[arg(long, env = "MINGA_SESSION_MAX_AGE", default_value = "7d", value_parser = parse_duration, global = true)]
    pub session_max_age: chrono::Duration,
    /// Failed logins for one account within the window before logins are refused.
    #[arg(
        long,
        env = "MINGA_LOGIN_MAX_FAILURES",
        default_value_t = 5,
        global = true
    )]
    pub login_max_failures: usize,
    /// Failed logins from one address within the window before logins are refused.
    #[arg(
        long,
        env = "MINGA_LOGIN_MAX_FAILURES_PER_IP",
        default_value_t = 20,
        global = true
    )]
    pub login_max_failures_per_ip: usize,
    /// The login throttling window.
    #[arg(long, env = "MINGA_LOGIN_WINDOW", default_value = "15m", value_parser = parse_duration, global = true)]
    pub login_window: chrono::Duration,
    /// Minimum password length.
    #[arg(long, env = "MINGA_PASSWORD_MIN_LENGTH", default_value_t = 12, value_parser = clap::value_parser!(u16).range(8..), global = true)]
    pub password_min_length: u16,
    /// How long the link confirming a new account's e-mail address stays good.
    #[arg(long, env = "MINGA_EMAIL_TOKEN_TTL", default_value = "24h", value_parser = parse_duration, global = true)]
    pub email_token_ttl: chrono::Duration,
    /// How long a password-reset link stays good.
    #[arg(long, env = "MINGA_PASSWORD_RESET_TTL", default_value = "1h", value_parser = parse_duration, global = true)]
    pub password_reset_ttl: chrono::Duration,
    /// The offices whose holders must use a second factor (TOTP) before changing anything, comma
    /// separated (`none`: nobody is required; everyone may still set one up).
    #[arg(long, env = "MINGA_SECOND_FACTOR_ROLES", default_value = "administrator,executive_secretary", value_parser = parse_roles, global = true)]
    pub second_factor_roles: RoleList,
    /// Trust X-Forwarded-For for the client address (only behind your own reverse proxy).
    #[arg(long, env = "MINGA_TRUST_PROXY", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub trust_proxy: bool,
    /// Bearer token that opens /metrics to a scraper elsewhere (without it, /metrics answers
    /// only on loopback).
    #[arg(
        long,
        env = "MINGA_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
    /// Largest document a submission may carry, in bytes.
    #[arg(long, env = "MINGA_MAX_DOCUMENT_SIZE", default_value_t = 20 * 1024 * 1024, global = true)]
    pub max_document_size: usize,

    /// Largest record (`data`, as canonical JSON) accepted with an evidence, in bytes
    #[arg(long, env = "MINGA_MAX_RECORD_SIZE", default_value_t = 1024 * 1024, global = true)]
    pub max_record_size: usize,
    /// Sign a new checkpoint at most this often while entries arrive.
    #[arg(long, env = "MINGA_CHECKPOINT_INTERVAL", default_value = "1s", value_parser = parse_duration, global = true)]
    pub checkpoint_interval: chrono::Duration,
    /// How often the integrity audit re-checks the whole log.
    #[arg(long, env = "MINGA_AUDIT_INTERVAL", default_value = "1h", value_parser = parse_duration, global = true)]
    pub audit_interval: chrono::Duration,
    /// Anchor the latest checkpoint on every configured backend this often.
    #[arg(long, env = "MINGA_ANCHOR_INTERVAL", default_value = "30m", value_parser = parse_duration, global = true)]
    pub anchor_interval: chrono::Duration,
    /// When nothing but the last round's batch report was registered, anchor it anyway this long after the last round (the closing round of a quiet day).
    #[arg(long, env = "MINGA_ANCHOR_IDLE_ROUND", default_value = "24h", value_parser = parse_duration, global = true)]
    pub anchor_idle_round: chrono::Duration,
    /// Dump all the open data into one archive registered in the log this often (when something changed); `off` never.
    #[arg(long, env = "MINGA_OPEN_DATA_INTERVAL", default_value = "24h", value_parser = parse_optional_duration, global = true)]
    pub open_data_interval: OptionalDuration,
    /// The licence the open data is published under: a URL, given in the catalogue.
    #[arg(
        long,
        env = "MINGA_OPEN_DATA_LICENCE",
        default_value = "https://creativecommons.org/licenses/by/4.0/",
        global = true
    )]
    pub open_data_licence: String,
    /// JSON-RPC URL(s), comma-separated, of Ethereum-compatible chains to anchor checkpoints on (LACChain, Besu, Ethereum).
    #[arg(long, env = "MINGA_ETH_RPC", global = true)]
    pub eth_rpc: Option<String>,
    /// Private key (hex) of the account that sends the anchor transactions: one for all chains, or one per chain (comma-separated).
    #[arg(long, env = "MINGA_ETH_KEY", hide_env_values = true, global = true)]
    pub eth_key: Option<String>,
    /// Confirmations (blocks, counting the anchor's own) before an anchor counts as done.
    #[arg(
        long,
        env = "MINGA_ETH_CONFIRMATIONS",
        default_value_t = 2,
        global = true
    )]
    pub eth_confirmations: u64,
    /// Explorer URL of a transaction per chain (comma-separated, in the order of MINGA_ETH_RPC), with {tx} for its hash.
    #[arg(long, env = "MINGA_ETH_EXPLORER", global = true)]
    pub eth_explorer: Option<String>,
    /// Issuer URL(s), comma-separated, of the OpenID providers people may sign in with (their
    /// metadata and keys are discovered from it). The callback to register there is
    /// `<MINGA_PUBLIC_URL>/login/oidc/callback`.
    #[arg(long, env = "MINGA_OIDC_ISSUER", global = true)]
    pub oidc_issuer: Option<String>,
    /// This portal's client id at each provider, in the order of MINGA_OIDC_ISSUER.
    #[arg(long, env = "MINGA_OIDC_CLIENT_ID", global = true)]
    pub oidc_client_id: Option<String>,
    /// This portal's client secret at each provider, in the same order.
    #[arg(
        long,
        env = "MINGA_OIDC_CLIENT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub oidc_client_secret: Option<String>,
    /// The name on each provider's sign-in button, in the same order (default: its host).
    #[arg(long, env = "MINGA_OIDC_NAME", global = true)]
    pub oidc_name: Option<String>,
    /// URL(s), comma-separated, of RFC 3161 time-stamping authorities to stamp checkpoints with.
    #[arg(long, env = "MINGA_TSA_URL", global = true)]
    pub tsa_url: Option<String>,
    /// PEM file(s) of the certificates the TSAs' signing certificates must chain to: one for all, or one per TSA.
    #[arg(long, env = "MINGA_TSA_CA", global = true)]
    pub tsa_ca: Option<String>,
    /// SMTP relay the portal's mail goes out through: smtp://user:pass@relay:587?tls=starttls, smtps://user:pass@relay:465 (implicit TLS) or smtp://127.0.0.1:2525 (plain, a local relay). Unset: mail stays queued.
    #[arg(long, env = "MINGA_SMTP_URL", hide_env_values = true, value_parser = SmtpUrlParser, global = true)]
    pub smtp_url: Option<String>,
    /// Sender of the portal's mail.
    #[arg(long, env = "MINGA_MAIL_FROM", default_value = "Minga <minga@localhost>", value_parser = parse_mail_from, global = true)]
    pub mail_from: String,
    /// First wait after a failed delivery; it doubles with every failure up to MINGA_MAIL_RETRY_MAX.
    #[arg(long, env = "MINGA_MAIL_RETRY", default_value = "5s", value_parser = parse_duration, global = true)]
    pub mail_retry: chrono::Duration,
    /// Longest wait between two delivery attempts of a message.
    #[arg(long, env = "MINGA_MAIL_RETRY_MAX", default_value = "10m", value_parser = parse_duration, global = true)]
    pub mail_retry_max: chrono::Duration,
    /// TrueType font of the batch reports (Debian: fonts-dejavu-core).
    #[arg(
        long,
        env = "MINGA_REPORT_FONT",
        default_value = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        global = true
    )]
    pub report_font: PathBuf,
    /// Collective leaders in a small collective (the seed: 2 to 3 by size).
    #[arg(long, env = "MINGA_LEADERS_MIN", default_value_t = 2, global = true)]
    pub leaders_min: usize,
    /// Collective leaders in a large collective.
    #[arg(long, env = "MINGA_LEADERS_MAX", default_value_t = 3, global = true)]
    pub leaders_max: usize,
    /// Members (institutions and individuals) from which a collective has MINGA_LEADERS_MAX leaders.
    #[arg(
        long,
        env = "MINGA_LEADERS_MAX_FROM_MEMBERS",
        default_value_t = 10,
        global = true
    )]
    pub leaders_max_from_members: usize,
    /// Length of a collective leader's term, in months.
    #[arg(
        long,
        env = "MINGA_LEADER_TERM_MONTHS",
        default_value_t = 12,
        global = true
    )]
    pub leader_term_months: u32,
    /// Consecutive renewals of a leader's term the collective's members may decide.
    #[arg(
        long,
        env = "MINGA_LEADER_RENEWALS",
        default_value_t = 2,
        global = true
    )]
    pub leader_renewals: u32,
    /// Length of an Executive Council term (Executive Secretary and commission seats), in months.
    #[arg(
        long,
        env = "MINGA_COUNCIL_TERM_MONTHS",
        default_value_t = 24,
        global = true
    )]
    pub council_term_months: u32,
    /// Consecutive renewals of an Executive Council term (unset: no limit, as in the seed).
    #[arg(long, env = "MINGA_COUNCIL_RENEWALS", global = true)]
    pub council_renewals: Option<u32>,
    /// Seats of Executive Secretary.
    #[arg(
        long,
        env = "MINGA_EXECUTIVE_SECRETARIES",
        default_value_t = 1,
        global = true
    )]
    pub executive_secretaries: usize,
    /// Seats per collective in each commission (projects, nodes).
    #[arg(
        long,
        env = "MINGA_COMMISSION_SEATS",
        default_value_t = 1,
        global = true
    )]
    pub commission_seats: usize,
    /// Most members of the Advisory Council.
    #[arg(long, env = "MINGA_ADVISORY_MAX", default_value_t = 15, global = true)]
    pub advisory_max: usize,
    /// Length of an Advisory Council term, in months.
    #[arg(
        long,
        env = "MINGA_ADVISORY_TERM_MONTHS",
        default_value_t = 24,
        global = true
    )]
    pub advisory_term_months: u32,
    /// Consecutive renewals of an Advisory Council term (on the member's request).
    #[arg(
        long,
        env = "MINGA_ADVISORY_RENEWALS",
        default_value_t = 1,
        global = true
    )]
    pub advisory_renewals: u32,
    /// Terms ending within this many days are announced (home pages and e-mail).
    #[arg(
        long,
        env = "MINGA_TERMS_NOTICE_DAYS",
        default_value_t = 60,
        global = true
    )]
    pub terms_notice_days: u32,
    /// Majority a leader's renewal needs among the collective's members: simple, absolute or two_thirds.
    #[arg(long, env = "MINGA_RENEWAL_MAJORITY", default_value = "simple", value_parser = parse_majority, global = true)]
    pub renewal_majority: app::domain::voting::Majority,
    /// What a tie does in a renewal vote: rejected, approved or chair_decides.
    #[arg(long, env = "MINGA_RENEWAL_TIE", default_value = "rejected", value_parser = parse_tie, global = true)]
    pub renewal_tie: app::domain::voting::TieRule,
    /// Whether renewal votes are secret (only totals published) or recorded.
    #[arg(long, env = "MINGA_RENEWAL_SECRET", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub renewal_secret: bool,
    /// Notice of an Executive Council convocation: calendar:N or business:N days before the meeting.
    #[arg(long, env = "MINGA_EXECUTIVE_NOTICE", default_value = "calendar:15", value_parser = parse_notice, global = true)]
    pub executive_notice: app::domain::meetings::NoticeRule,
    /// Notice of an Advisory Council convocation (business days count the holiday calendar).
    #[arg(long, env = "MINGA_ADVISORY_NOTICE", default_value = "business:15", value_parser = parse_notice, global = true)]
    pub advisory_notice: app::domain::meetings::NoticeRule,
    /// Notice of a collective's meeting.
    #[arg(long, env = "MINGA_COLLECTIVE_NOTICE", default_value = "calendar:15", value_parser = parse_notice, global = true)]
    pub collective_notice: app::domain::meetings::NoticeRule,
    /// Holidays that are not business days, YYYY-MM-DD separated by commas.
    #[arg(long, env = "MINGA_HOLIDAYS", default_value = "", global = true)]
    pub holidays: String,
    /// Meetings the Advisory Council must hold per year (a warning shows when it is not on course).
    #[arg(
        long,
        env = "MINGA_ADVISORY_MIN_MEETINGS",
        default_value_t = 3,
        global = true
    )]
    pub advisory_min_meetings: u32,
    /// Quorum of an ordinary meeting: the Executive Secretary plus this many members.
    #[arg(
        long,
        env = "MINGA_QUORUM_ORDINARY",
        default_value_t = 6,
        global = true
    )]
    pub quorum_ordinary: u32,
    /// Quorum of an extraordinary meeting: the Executive Secretary plus this many members.
    #[arg(
        long,
        env = "MINGA_QUORUM_EXTRAORDINARY",
        default_value_t = 4,
        global = true
    )]
    pub quorum_extraordinary: u32,
    /// Days circulated minutes stay open for comments before the body's rule approves them
    /// (when no member objects to the text as it stands).
    #[arg(
        long,
        env = "MINGA_MINUTES_COMMENT_DAYS",
        default_value_t = 5,
        global = true
    )]
    pub minutes_comment_days: u32,
    /// Days before a meeting's own day (in its time zone) from which attendance may be recorded
    /// and the session opened (0: on the day).
    #[arg(
        long,
        env = "MINGA_SESSION_DAYS_EARLY",
        default_value_t = 0,
        global = true
    )]
    pub session_days_early: u32,
    /// How often the terms calendar runs (notices, ended terms, votes past their deadline).
    #[arg(long, env = "MINGA_CALENDAR_INTERVAL", default_value = "10m", value_parser = parse_duration, global = true)]
    pub calendar_interval: chrono::Duration,
    /// Log format: human-readable text or JSON lines.
    #[arg(long, env = "MINGA_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

fn parse_notice(s: &str) -> Result<app::domain::meetings::NoticeRule, String> {
    app::domain::meetings::NoticeRule::parse(s)
        .ok_or_else(|| format!("`{s}`: expected calendar:N or business:N"))
}

fn parse_majority(s: &str) -> Result<app::domain::voting::Majority, String> {
    app::domain::voting::Majority::parse(s)
        .ok_or_else(|| format!("`{s}`: expected simple, absolute or two_thirds"))
}

fn parse_tie(s: &str) -> Result<app::domain::voting::TieRule, String> {
    app::domain::voting::TieRule::parse(s)
        .ok_or_else(|| format!("`{s}`: expected rejected, approved or chair_decides"))
}

/// Checks `MINGA_SMTP_URL` without repeating it in the error (it may hold a password).
#[derive(Clone, Copy, Debug)]
struct SmtpUrlParser;

impl clap::builder::TypedValueParser for SmtpUrlParser {
    type Value = String;

    fn parse_ref(
        &self,
        _: &clap::Command,
        _: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let refuse = |reason: &str| {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("MINGA_SMTP_URL (--smtp-url) is not a usable SMTP URL: {reason}\n"),
            )
        };
        let url = value.to_str().ok_or_else(|| refuse("not UTF-8"))?;
        if url.trim().is_empty() {
            return Ok(String::new()); // set but empty: unset
        }
        crate::mail::check_url(url).map_err(|e| refuse(&e))?;
        Ok(url.trim().to_string())
    }
}

fn parse_mail_from(s: &str) -> Result<String, String> {
    crate::mail::check_from(s).map_err(|e| format!("MINGA_MAIL_FROM: {e}"))?;
    Ok(s.trim().to_string())
}

/// A comma-separated setting as its items (blanks dropped).
fn list(v: &Option<String>) -> Vec<String> {
    v.as_deref()
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

impl SettingsArgs {
    /// The comma-separated lists must pair up: one key for every chain or one per chain, one CA
    /// for every TSA or one per TSA (a time-stamp is only worth its checked signature), one client
    /// id and secret per OpenID provider (whose issuer is https, or plain http on loopback).
    pub fn check_lists(&self) -> anyhow::Result<()> {
        if let Err(bad) = app::domain::meetings::parse_holidays(&self.holidays) {
            anyhow::bail!("MINGA_HOLIDAYS (--holidays): `{bad}` is not a date YYYY-MM-DD");
        }
        let pairs = |main: &Option<String>, each: &Option<String>| {
            let (n, m) = (list(main).len(), list(each).len());
            (n == 0 && m == 0) || (n > 0 && (m == 1 || m == n))
        };
        if !pairs(&self.eth_rpc, &self.eth_key) {
            anyhow::bail!(
                "MINGA_ETH_RPC and MINGA_ETH_KEY go together: one key for every chain, or one per chain in the same order"
            );
        }
        if !pairs(&self.tsa_url, &self.tsa_ca) {
            anyhow::bail!(
                "MINGA_TSA_URL and MINGA_TSA_CA go together (a time-stamp is only worth its checked signature): one CA for all, or one per TSA"
            );
        }
        let issuers = list(&self.oidc_issuer).len();
        let names = list(&self.oidc_name).len();
        if list(&self.oidc_client_id).len() != issuers
            || list(&self.oidc_client_secret).len() != issuers
            || (names != 0 && names != issuers)
        {
            anyhow::bail!(
                "MINGA_OIDC_ISSUER, MINGA_OIDC_CLIENT_ID and MINGA_OIDC_CLIENT_SECRET go together: one client id and one secret per issuer, in the same order (and MINGA_OIDC_NAME, if set, one name per issuer)"
            );
        }
        for issuer in list(&self.oidc_issuer) {
            if !(issuer.starts_with("https://")
                || issuer.starts_with("http://127.0.0.1")
                || issuer.starts_with("http://localhost"))
            {
                anyhow::bail!(
                    "MINGA_OIDC_ISSUER: `{issuer}` is not an https URL (plain http only on loopback)"
                );
            }
        }
        Ok(())
    }

    pub fn to_settings(&self) -> Settings {
        let mut s = Settings::embedded(self.data_dir.clone());
        s.listen = self.listen;
        s.database_url = self.database_url.clone();
        s.public_url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_string();
        s.log_origin = self
            .log_origin
            .clone()
            .unwrap_or_else(|| default_log_origin(&s.public_url));
        s.admin_password = self.admin_password.clone();
        s.demo = self.demo;
        s.session_idle = self.session_idle;
        s.session_max_age = self.session_max_age;
        s.login_throttle = throttle::Policy {
            max_failures_per_account: self.login_max_failures,
            max_failures_per_ip: self.login_max_failures_per_ip,
            window: self.login_window,
        };
        s.password_min_length = usize::from(self.password_min_length);
        s.email_token_ttl = self.email_token_ttl;
        s.password_reset_ttl = self.password_reset_ttl;
        s.second_factor_roles = self.second_factor_roles.0.clone();
        s.trust_proxy = self.trust_proxy;
        s.metrics_token = self.metrics_token.clone().filter(|t| !t.trim().is_empty());
        s.evidence_limits.max_document_bytes = self.max_document_size;
        s.evidence_limits.max_record_bytes = self.max_record_size;
        s.checkpoint_interval = self
            .checkpoint_interval
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(1));
        s.audit_interval = self.audit_interval;
        s.anchor_interval = self.anchor_interval;
        s.anchor_idle_round = self.anchor_idle_round;
        s.open_data_interval = self.open_data_interval.0;
        s.open_data_licence = self.open_data_licence.clone();
        // comma-separated lists: one chain per RPC URL; one key for all or one per chain; the
        // explorers by position
        let (rpcs, keys, explorers) = (
            list(&self.eth_rpc),
            list(&self.eth_key),
            list(&self.eth_explorer),
        );
        s.eth = rpcs
            .iter()
            .enumerate()
            .filter_map(|(i, rpc)| {
                let key = keys.get(i).or(keys.first().filter(|_| keys.len() == 1))?;
                Some(app::settings::EthSettings {
                    name: app::settings::backend_name("eth", rpc),
                    rpc_url: rpc.clone(),
                    private_key: key.clone(),
                    confirmations: self.eth_confirmations.max(1),
                    explorer: explorers.get(i).cloned(),
                })
            })
            .collect();
        let (ids, secrets, names) = (
            list(&self.oidc_client_id),
            list(&self.oidc_client_secret),
            list(&self.oidc_name),
        );
        s.oidc = list(&self.oidc_issuer)
            .into_iter()
            .enumerate()
            .filter_map(|(i, issuer)| {
                Some(app::settings::OidcSettings {
                    name: names
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| app::settings::host_of(&issuer)),
                    client_id: ids.get(i)?.clone(),
                    client_secret: secrets.get(i)?.clone(),
                    // exactly as the provider states it: the ID token's `iss` must equal it
                    issuer,
                })
            })
            .collect();
        s.report_font = self.report_font.clone();
        s.smtp_url = self
            .smtp_url
            .clone()
            .filter(|u| !u.trim().is_empty())
            .map(app::settings::SmtpUrl);
        s.mail_from = self.mail_from.clone();
        s.mail_retry = self
            .mail_retry
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(5));
        s.mail_retry_max = self
            .mail_retry_max
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(600))
            .max(s.mail_retry);
        s.governance = app::domain::governance::GovernanceSettings {
            leaders_min: self.leaders_min,
            leaders_max: self.leaders_max.max(self.leaders_min),
            leaders_max_from_members: self.leaders_max_from_members,
            leader_term_months: self.leader_term_months.max(1),
            leader_renewals: self.leader_renewals,
            council_term_months: self.council_term_months.max(1),
            council_renewals: self.council_renewals,
            executive_secretaries: self.executive_secretaries,
            commission_seats_per_collective: self.commission_seats,
            advisory_max: self.advisory_max,
            advisory_term_months: self.advisory_term_months.max(1),
            advisory_renewals: self.advisory_renewals,
            terms_notice_days: self.terms_notice_days,
            renewal_majority: self.renewal_majority,
            renewal_tie: self.renewal_tie,
            renewal_secret: self.renewal_secret,
        };
        s.meetings = app::domain::meetings::MeetingSettings {
            executive_notice: self.executive_notice,
            advisory_notice: self.advisory_notice,
            collective_notice: self.collective_notice,
            holidays: app::domain::meetings::parse_holidays(&self.holidays).unwrap_or_default(),
            advisory_min_meetings: self.advisory_min_meetings,
            quorum_ordinary_members: self.quorum_ordinary,
            quorum_extraordinary_members: self.quorum_extraordinary,
            minutes_comment_days: self.minutes_comment_days,
            session_days_early: self.session_days_early,
        };
        s.nodes = self.nodes.to_settings();
        s.projects = self.projects.to_settings();
        s.reporting = self.projects.to_reporting();
        s.calendar_interval = self
            .calendar_interval
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(600));
        let cas: Vec<PathBuf> = list(&self.tsa_ca).into_iter().map(PathBuf::from).collect();
        s.tsa = list(&self.tsa_url)
            .iter()
            .enumerate()
            .filter_map(|(i, url)| {
                let ca = cas.get(i).or(cas.first().filter(|_| cas.len() == 1))?;
                Some(app::settings::TsaSettings {
                    name: app::settings::backend_name("tsa", url),
                    url: url.clone(),
                    ca_file: ca.clone(),
                })
            })
            .collect();
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn several_anchor_backends_at_once() {
        let cli = Cli::try_parse_from([
            "minga",
            "--eth-rpc",
            "http://127.0.0.1:8545, https://rpc.lacchain.example/",
            "--eth-key",
            "0xabc",
            "--eth-explorer",
            "https://a.example/tx/{tx},https://b.example/tx/{tx}",
            "--tsa-url",
            "http://tsa.example/a,http://tsa2.example/",
            "--tsa-ca",
            "/etc/minga/tsa-ca.pem",
        ])
        .expect("parse");
        let s = cli.settings.to_settings();
        assert_eq!(s.eth.len(), 2);
        assert_eq!(s.eth[0].name, "eth-127.0.0.1:8545");
        assert_eq!(s.eth[1].name, "eth-rpc.lacchain.example:443");
        assert_eq!(s.eth[1].private_key, "0xabc");
        assert_eq!(
            s.eth[1].explorer.as_deref(),
            Some("https://b.example/tx/{tx}")
        );
        assert_eq!(s.tsa.len(), 2);
        assert_eq!(s.tsa[1].name, "tsa-tsa2.example:80");
        assert_eq!(s.tsa[1].ca_file, PathBuf::from("/etc/minga/tsa-ca.pem"));
        assert!(cli.settings.check_lists().is_ok());
        let unpaired = Cli::try_parse_from([
            "minga",
            "--eth-rpc",
            "http://a:1,http://b:2",
            "--eth-key",
            "0x1,0x2,0x3",
        ])
        .expect("parse");
        assert!(unpaired.settings.check_lists().is_err());
        let keyless = Cli::try_parse_from(["minga", "--tsa-url", "http://t/"]).expect("parse");
        assert!(keyless.settings.check_lists().is_err());
        let none = Cli::try_parse_from(["minga"])
            .expect("parse")
            .settings
            .to_settings();
        assert!(none.eth.is_empty() && none.tsa.is_empty());
    }

    #[test]
    fn openid_providers_pair_up_in_order() {
        let cli = Cli::try_parse_from([
            "minga",
            "--oidc-issuer",
            "https://login.uni.example/realms/staff, https://id.gob.example/",
            "--oidc-client-id",
            "minga,portal-minga",
            "--oidc-client-secret",
            "s1,s2",
            "--oidc-name",
            "Universidad,Gobierno",
        ])
        .expect("parse");
        assert!(cli.settings.check_lists().is_ok());
        let s = cli.settings.to_settings();
        assert_eq!(s.oidc.len(), 2);
        assert_eq!(s.oidc[0].issuer, "https://login.uni.example/realms/staff");
        assert_eq!(
            s.oidc[1].issuer, "https://id.gob.example/",
            "kept as the provider states it"
        );
        assert_eq!(s.oidc[1].client_id, "portal-minga");
        assert_eq!(s.oidc[1].client_secret, "s2");
        assert_eq!(s.oidc[1].name, "Gobierno");
        assert!(
            !format!("{:?}", s.oidc[1]).contains("s2"),
            "the secret is never printed"
        );
        // without names, the host
        let unnamed = Cli::try_parse_from([
            "minga",
            "--oidc-issuer",
            "https://login.uni.example/realms/staff",
            "--oidc-client-id",
            "minga",
            "--oidc-client-secret",
            "s",
        ])
        .expect("parse");
        assert_eq!(
            unnamed.settings.to_settings().oidc[0].name,
            "login.uni.example"
        );
        for bad in [
            // a secret missing
            vec![
                "--oidc-issuer",
                "https://a.example,https://b.example",
                "--oidc-client-id",
                "x,y",
                "--oidc-client-secret",
                "s",
            ],
            // plain http away from loopback
            vec![
                "--oidc-issuer",
                "http://a.example",
                "--oidc-client-id",
                "x",
                "--oidc-client-secret",
                "s",
            ],
            // names that do not pair
            vec![
                "--oidc-issuer",
                "https://a.example",
                "--oidc-client-id",
                "x",
                "--oidc-client-secret",
                "s",
                "--oidc-name",
                "A,B",
            ],
        ] {
            let cli =
                Cli::try_parse_from(std::iter::once("minga").chain(bad.clone())).expect("parse");
            assert!(cli.settings.check_lists().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn mail_settings() {
        let none = Cli::try_parse_from(["minga"])
            .expect("parse")
            .settings
            .to_settings();
        assert!(none.smtp_url.is_none());
        assert_eq!(none.mail_from, "Minga <minga@localhost>");
        assert_eq!(none.mail_retry, std::time::Duration::from_secs(5));
        assert_eq!(none.mail_retry_max, std::time::Duration::from_secs(600));
        let s = Cli::try_parse_from([
            "minga",
            "--smtp-url",
            "smtp://minga:secret@relay.example:587?tls=starttls",
            "--mail-from",
            "Red Blockchain <avisos@red.example>",
            "--mail-retry",
            "30s",
            "--mail-retry-max",
            "1h",
        ])
        .expect("parse")
        .settings
        .to_settings();
        let url = s.smtp_url.expect("url");
        assert_eq!(url.0, "smtp://minga:secret@relay.example:587?tls=starttls");
        assert!(!format!("{url:?}").contains("secret"));
        assert_eq!(s.mail_from, "Red Blockchain <avisos@red.example>");
        assert_eq!(s.mail_retry_max, std::time::Duration::from_secs(3600));
        let bad = Cli::try_parse_from(["minga", "--smtp-url", "smtp://minga:secret@"])
            .expect_err("no host");
        let said = bad.to_string();
        assert!(said.contains("MINGA_SMTP_URL"), "{said}");
        assert!(!said.contains("secret"), "{said}");
        assert!(Cli::try_parse_from(["minga", "--smtp-url", "mail.example:25"]).is_err());
        let empty = Cli::try_parse_from(["minga", "--smtp-url", " "]).expect("parse");
        assert!(empty.settings.to_settings().smtp_url.is_none());
        assert!(Cli::try_parse_from(["minga", "--mail-from", "nobody"]).is_err());
    }

    #[test]
    fn defaults_are_the_embedded_installation() {
        let cli = Cli::try_parse_from(["minga"]).expect("parse");
        let s = cli.settings.to_settings();
        assert_eq!(s.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(s.public_url, "http://127.0.0.1:3000");
        assert_eq!(s.log_origin, "127.0.0.1:3000/log");
        assert_eq!(s.database_url(), "sqlite://./data/minga.db");
        assert!(s.demo);
        assert_eq!(s.login_throttle.max_failures_per_account, 5);
        assert_eq!(s.login_throttle.window, chrono::Duration::minutes(15));
        assert!(cli.command.is_none());
    }

    #[test]
    fn flags_after_the_subcommand_and_durations() {
        let cli = Cli::try_parse_from([
            "minga",
            "serve",
            "--listen",
            "0.0.0.0:8080",
            "--public-url",
            "https://minga.gob.mx/",
            "--login-window",
            "1h",
            "--demo",
            "false",
        ])
        .expect("parse");
        let s = cli.settings.to_settings();
        assert_eq!(s.public_url, "https://minga.gob.mx");
        assert_eq!(s.log_origin, "minga.gob.mx/log");
        assert!(s.secure_cookies());
        assert!(!s.demo);
        assert_eq!(s.login_throttle.window, chrono::Duration::hours(1));
        assert!(Cli::try_parse_from(["minga", "--login-window", "soon"]).is_err());
        assert!(Cli::try_parse_from(["minga", "--password-min-length", "4"]).is_err());
    }
}

/// A comma-separated list of offices (`administrator,executive_secretary`).
#[derive(Clone, Debug)]
pub struct RoleList(pub Vec<app::domain::roles::Role>);

/// A period, or `off`.
#[derive(Clone, Copy, Debug)]
pub struct OptionalDuration(pub Option<chrono::Duration>);

fn parse_optional_duration(s: &str) -> Result<OptionalDuration, String> {
    if s.trim().eq_ignore_ascii_case("off") {
        Ok(OptionalDuration(None))
    } else {
        parse_duration(s).map(|d| OptionalDuration(Some(d)))
    }
}

fn parse_roles(s: &str) -> Result<RoleList, String> {
    if s.trim() == "none" {
        return Ok(RoleList(Vec::new()));
    }
    s.split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| {
            app::domain::roles::Role::parse(r).ok_or_else(|| {
                format!(
                    "unknown office {r:?}; one of: {}",
                    app::domain::roles::Role::ALL.map(|x| x.as_str()).join(", ")
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(RoleList)
}
