//! The rules of the network's nodes (seed 003: a member *is* an actor with a node): what a node
//! request must say (its enode URL, its host against the minimum requirements), the path of a
//! request from the applicant through the collective's leaders and the nodes commission to an
//! admitted node and later a suspended or retired one, the health figures read from the poller's
//! samples, and when an alert is due.
//!
//! Pure rules over plain data: the caller passes the samples and `now`. Every number is a
//! setting whose default is the seed's.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// What a node does in the network (Besu's roles in a QBFT network).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum NodeType {
    /// Takes part in consensus (proposes and signs blocks).
    Validator,
    /// Sends transactions for the applications of its institution.
    Writer,
    /// Lets new nodes find their peers.
    Boot,
    /// Keeps a copy and answers queries.
    Observer,
}

impl NodeType {
    pub const ALL: [NodeType; 4] = [
        NodeType::Validator,
        NodeType::Writer,
        NodeType::Boot,
        NodeType::Observer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NodeType::Validator => "validator",
            NodeType::Writer => "writer",
            NodeType::Boot => "boot",
            NodeType::Observer => "observer",
        }
    }

    pub fn parse(s: &str) -> Option<NodeType> {
        NodeType::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }
}

/// Where an enode's host part points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    /// A DNS name (Besu resolves them with DNS enabled).
    Name(String),
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::V4(ip) => write!(f, "{ip}"),
            Host::V6(ip) => write!(f, "[{ip}]"),
            Host::Name(name) => f.write_str(name),
        }
    }
}

/// An enode URL: `enode://<node id: 128 hex digits>@<host>:<port>[?discport=<port>]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enode {
    /// The node's public key, 64 bytes as 128 lowercase hex digits.
    pub id: String,
    pub host: Host,
    /// The P2P (RLPx) port.
    pub port: u16,
    /// The discovery port when it differs from `port` (0 turns discovery off).
    pub discport: Option<u16>,
}

/// Why an enode URL is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnodeProblem {
    /// It does not start with `enode://`.
    Scheme,
    /// The node id is not 128 hexadecimal digits.
    NodeId,
    /// The host is neither an IP address nor a host name.
    Host,
    /// The port is missing or not 1–65535.
    Port,
    /// Something after the port other than `?discport=N` (0–65535).
    Query,
}

impl Enode {
    pub fn parse(text: &str) -> Result<Enode, EnodeProblem> {
        let rest = text
            .trim()
            .strip_prefix("enode://")
            .ok_or(EnodeProblem::Scheme)?;
        let (id, rest) = rest.split_once('@').ok_or(EnodeProblem::NodeId)?;
        if id.len() != 128 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(EnodeProblem::NodeId);
        }
        let (address, query) = match rest.split_once('?') {
            Some((a, q)) => (a, Some(q)),
            None => (rest, None),
        };
        let (host, port) = if let Some(v6) = address.strip_prefix('[') {
            let (ip, port) = v6.split_once("]:").ok_or(EnodeProblem::Host)?;
            let ip: Ipv6Addr = ip.parse().map_err(|_| EnodeProblem::Host)?;
            (Host::V6(ip), port)
        } else {
            let (host, port) = address.rsplit_once(':').ok_or(EnodeProblem::Port)?;
            let host = match host.parse::<Ipv4Addr>() {
                Ok(ip) => Host::V4(ip),
                Err(_) if is_host_name(host) => Host::Name(host.to_ascii_lowercase()),
                Err(_) => return Err(EnodeProblem::Host),
            };
            (host, port)
        };
        let port = parse_port(port)
            .filter(|p| *p > 0)
            .ok_or(EnodeProblem::Port)?;
        let discport = match query {
            None => None,
            Some(q) => Some(
                q.strip_prefix("discport=")
                    .and_then(parse_port)
                    .ok_or(EnodeProblem::Query)?,
            ),
        };
        Ok(Enode {
            id: id.to_ascii_lowercase(),
            host,
            port,
            discport,
        })
    }
}

impl Enode {
    /// The account a node signs blocks with: the last 20 bytes of the Keccak-256 of its public
    /// key (the enode id), as `0x…` in lowercase.
    pub fn address(&self) -> String {
        use sha3::Digest;
        let key = hex::decode(&self.id).unwrap_or_default();
        let hash = sha3::Keccak256::digest(&key);
        format!("0x{}", hex::encode(&hash[12..]))
    }
}

impl fmt::Display for Enode {
    /// The canonical spelling (lowercase id and name), as the allowlists carry it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "enode://{}@{}:{}", self.id, self.host, self.port)?;
        if let Some(d) = self.discport {
            write!(f, "?discport={d}")?;
        }
        Ok(())
    }
}

/// Digits only (no sign, no spaces), at most 65535.
fn parse_port(s: &str) -> Option<u16> {
    if s.is_empty() || s.len() > 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// An RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, each 1–63
/// characters, 253 at most in all, not all digits (that would be a malformed IPv4 address).
fn is_host_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && !s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// The kind of machine a node runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum HostKind {
    Physical,
    Vps,
    /// Anything else (a desktop, a container on a shared host…).
    Other,
}

impl HostKind {
    pub const ALL: [HostKind; 3] = [HostKind::Physical, HostKind::Vps, HostKind::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            HostKind::Physical => "physical",
            HostKind::Vps => "vps",
            HostKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<HostKind> {
        HostKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// What the applicant says of the machine.
#[derive(Clone, Debug, PartialEq)]
pub struct HostFacts {
    pub kind: HostKind,
    /// As written: `Ubuntu 22.04.3 LTS`.
    pub os: String,
    pub ram_mb: u64,
    pub disk_gb: u64,
}

/// The minimum a node's host must meet (the seed's: a VPS or physical server, Ubuntu 16.04.3 or
/// later, 2 GB of RAM, 25 GB of disk).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRequirements {
    pub kinds: Vec<HostKind>,
    /// The operating system's name, compared without case.
    pub os_name: String,
    pub os_min_version: Vec<u32>,
    pub min_ram_mb: u64,
    pub min_disk_gb: u64,
}

impl Default for NodeRequirements {
    fn default() -> Self {
        NodeRequirements {
            kinds: vec![HostKind::Physical, HostKind::Vps],
            os_name: "Ubuntu".into(),
            os_min_version: vec![16, 4, 3],
            min_ram_mb: 2048,
            min_disk_gb: 25,
        }
    }
}

/// Whether `ip` is an address on the public Internet: not loopback, private, link-local,
/// shared (CGNAT), unspecified, broadcast, multicast, documentation or unique-local, nor an
/// IPv4 address of one of those written as IPv6.
pub fn is_public_ip(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_ip(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80
                    || first == 0x2001 && v6.segments()[1] == 0x0db8)
            }
        },
    }
}

/// The settings of nodes (each a `MINGA_NODE_*` variable; defaults are the seed's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSettings {
    pub requirements: NodeRequirements,
    /// How long the nodes commission's vote on a request stays open (it closes earlier once
    /// every seat has voted).
    pub vote_days: u32,
    /// How long one JSON-RPC call to a node may take.
    pub timeout: std::time::Duration,
    /// How often the poller asks every admitted node.
    pub poll_interval: std::time::Duration,
    /// How long a node must be down (or lagging) before its alert is mailed, and well again
    /// before its recovery is.
    pub down_after: std::time::Duration,
    /// Blocks behind the network's head beyond which a node counts as lagging.
    pub lag_alert: u64,
    /// Days raw samples are kept; hourly aggregates are kept `hourly_days`.
    pub raw_days: u32,
    pub hourly_days: u32,
    /// How many nodes the poller asks at once.
    pub concurrency: usize,
    /// Whether the one probe made when a request is filed may ask a loopback, private or
    /// link-local address (off: a registered account could otherwise make the portal call into
    /// its own network).
    pub probe_private: bool,
}

impl Default for NodeSettings {
    fn default() -> Self {
        NodeSettings {
            requirements: NodeRequirements::default(),
            vote_days: 7,
            timeout: std::time::Duration::from_secs(5),
            poll_interval: std::time::Duration::from_secs(30),
            down_after: std::time::Duration::from_secs(300),
            lag_alert: 20,
            raw_days: 7,
            hourly_days: 730,
            concurrency: 64,
            probe_private: false,
        }
    }
}

/// `Ubuntu 16.04.3` → the name and the version numbers of a minimum operating system.
pub fn parse_min_os(text: &str) -> Option<(String, Vec<u32>)> {
    let mut words = text.split_whitespace();
    let name = words.next()?.to_string();
    let version = os_version(text, &name)?;
    words.next()?;
    if words.next().is_some() {
        return None;
    }
    Some((name, version))
}

/// A requirement the host does not meet, with what it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unmet {
    HostKind,
    /// Not the required system, or a version older than this (`16.04.3`).
    OperatingSystem {
        needed: String,
    },
    Ram {
        needed_mb: u64,
    },
    Disk {
        needed_gb: u64,
    },
}

/// The version numbers of an operating system as written (`Ubuntu 22.04.3 LTS` → 22, 4, 3).
pub fn os_version(os: &str, name: &str) -> Option<Vec<u32>> {
    let mut words = os.split_whitespace();
    if !words.next()?.eq_ignore_ascii_case(name) {
        return None;
    }
    let version = words.next()?;
    version
        .split('.')
        .map(|p| p.parse::<u32>().ok())
        .collect::<Option<Vec<u32>>>()
        .filter(|v| !v.is_empty())
}

impl NodeRequirements {
    /// Every requirement `host` does not meet (empty: it meets them all).
    pub fn check(&self, host: &HostFacts) -> Vec<Unmet> {
        let mut unmet = Vec::new();
        if !self.kinds.contains(&host.kind) {
            unmet.push(Unmet::HostKind);
        }
        let version_ok = os_version(&host.os, &self.os_name).is_some_and(|v| {
            // compared part by part, missing parts as zero (16.04 < 16.04.3)
            let len = v.len().max(self.os_min_version.len());
            let pad = |x: &[u32]| -> Vec<u32> {
                let mut x = x.to_vec();
                x.resize(len, 0);
                x
            };
            pad(&v) >= pad(&self.os_min_version)
        });
        if !version_ok {
            unmet.push(Unmet::OperatingSystem {
                needed: format!(
                    "{} {}",
                    self.os_name,
                    self.os_min_version
                        .iter()
                        .enumerate()
                        .map(|(i, n)| if i == 1 {
                            format!("{n:02}")
                        } else {
                            n.to_string()
                        })
                        .collect::<Vec<_>>()
                        .join(".")
                ),
            });
        }
        if host.ram_mb < self.min_ram_mb {
            unmet.push(Unmet::Ram {
                needed_mb: self.min_ram_mb,
            });
        }
        if host.disk_gb < self.min_disk_gb {
            unmet.push(Unmet::Disk {
                needed_gb: self.min_disk_gb,
            });
        }
        unmet
    }
}

/// Where a node's request, then the node, stands.
///
/// submitted → (leaders forward) in evaluation → (every commission seat has evaluated; put to
/// the commission's vote) voting → admitted | rejected; leaders may return a submitted request
/// to the applicant (returned → resubmitted); an admitted node may be suspended (and
/// reinstated) or retired; the applicant may withdraw a request not yet put to the vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum NodeStatus {
    Submitted,
    Returned,
    InEvaluation,
    Voting,
    Admitted,
    Rejected,
    Suspended,
    Retired,
    Withdrawn,
}

/// What moves a request or a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeStep {
    /// The collective's leaders send it to the nodes commission.
    Forward,
    /// The leaders send it back to the applicant, with a reason.
    Return,
    /// The applicant sends a returned request again, amended.
    Resubmit,
    /// The applicant takes it back.
    Withdraw,
    /// Every commission seat has written its evaluation: the commission votes.
    PutToVote,
    /// The commission's vote approved it.
    Admit,
    /// The commission's vote refused it.
    Reject,
    Suspend,
    Reinstate,
    Retire,
    /// A node of a network that already ran, admitted by an administrator's import (it takes
    /// no path: it is admitted as it is recorded).
    Import,
}

/// Why a step cannot be taken from where the request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepRefused {
    pub from: NodeStatus,
    pub step: NodeStep,
}

impl NodeStatus {
    pub const ALL: [NodeStatus; 9] = [
        NodeStatus::Submitted,
        NodeStatus::Returned,
        NodeStatus::InEvaluation,
        NodeStatus::Voting,
        NodeStatus::Admitted,
        NodeStatus::Rejected,
        NodeStatus::Suspended,
        NodeStatus::Retired,
        NodeStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NodeStatus::Submitted => "submitted",
            NodeStatus::Returned => "returned",
            NodeStatus::InEvaluation => "in_evaluation",
            NodeStatus::Voting => "voting",
            NodeStatus::Admitted => "admitted",
            NodeStatus::Rejected => "rejected",
            NodeStatus::Suspended => "suspended",
            NodeStatus::Retired => "retired",
            NodeStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<NodeStatus> {
        NodeStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the node belongs in the allowlists Besu loads (admitted and not suspended).
    pub fn allowed_on_network(self) -> bool {
        self == NodeStatus::Admitted
    }

    /// Whether the request is still on its way to a decision.
    pub fn pending(self) -> bool {
        matches!(
            self,
            NodeStatus::Submitted
                | NodeStatus::Returned
                | NodeStatus::InEvaluation
                | NodeStatus::Voting
        )
    }

    /// Where `step` leads from here.
    pub fn step(self, step: NodeStep) -> Result<NodeStatus, StepRefused> {
        use NodeStatus as S;
        use NodeStep as T;
        let to = match (self, step) {
            (S::Submitted, T::Forward) => S::InEvaluation,
            (S::Submitted, T::Return) => S::Returned,
            (S::Returned, T::Resubmit) => S::Submitted,
            (S::Submitted | S::Returned | S::InEvaluation, T::Withdraw) => S::Withdrawn,
            (S::InEvaluation, T::PutToVote) => S::Voting,
            (S::Voting, T::Admit) => S::Admitted,
            (S::Voting, T::Reject) => S::Rejected,
            (S::Admitted, T::Suspend) => S::Suspended,
            (S::Suspended, T::Reinstate) => S::Admitted,
            (S::Admitted | S::Suspended, T::Retire) => S::Retired,
            (from, step) => return Err(StepRefused { from, step }),
        };
        Ok(to)
    }
}

impl NodeStep {
    /// The event of the decision this step is, registered as `governance.node-<event>`; `None`
    /// for the steps that decide nothing (the applicant's own).
    pub fn decision_event(self) -> Option<&'static str> {
        match self {
            NodeStep::Forward => Some("node-forwarded"),
            NodeStep::Return => Some("node-returned"),
            NodeStep::Resubmit | NodeStep::Withdraw | NodeStep::PutToVote => None,
            NodeStep::Admit => Some("node-admitted"),
            NodeStep::Reject => Some("node-rejected"),
            NodeStep::Suspend => Some("node-suspended"),
            NodeStep::Reinstate => Some("node-reinstated"),
            NodeStep::Retire => Some("node-retired"),
            NodeStep::Import => Some("node-imported"),
        }
    }

    /// Steps that must say why.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            NodeStep::Return
                | NodeStep::Reject
                | NodeStep::Suspend
                | NodeStep::Reinstate
                | NodeStep::Retire
        )
    }
}

/// Why the commission cannot vote yet: the seats whose evaluation is missing.
pub fn missing_evaluations(seats: &[i64], evaluated: &[i64]) -> Vec<i64> {
    seats
        .iter()
        .copied()
        .filter(|s| !evaluated.contains(s))
        .collect()
}

/// One poll of one node.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub at: DateTime<Utc>,
    /// It answered `eth_blockNumber`.
    pub up: bool,
    pub block: Option<u64>,
    pub peers: Option<u32>,
    pub latency_ms: Option<u32>,
}

/// The share of the known time in `[from, to)` during which the node was up, in 0..=1; `None`
/// when nothing is known of that span. Each sample stands for the time until the next one, but
/// for at most `max_gap` (a poller that was stopped leaves a gap that counts neither as up nor
/// as down).
pub fn availability(
    samples: &[Sample],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    max_gap: Duration,
) -> Option<f64> {
    let (mut up, mut known) = (Duration::zero(), Duration::zero());
    for (i, s) in samples.iter().enumerate() {
        let next = samples.get(i + 1).map_or(to, |n| n.at);
        let start = s.at.max(from);
        let end = next.min(s.at + max_gap).min(to);
        if end <= start {
            continue;
        }
        known += end - start;
        if s.up {
            up += end - start;
        }
    }
    (known > Duration::zero())
        .then(|| up.num_milliseconds() as f64 / known.num_milliseconds() as f64)
}

/// The `q`-quantile (0..=1) of `values` by nearest rank; `None` when empty.
pub fn quantile(values: &[u32], q: f64) -> Option<u32> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let rank = ((q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize).max(1);
    sorted.get(rank - 1).copied()
}

/// Blocks a node is behind the network's head (the highest block any node reported).
pub fn lag(head: u64, block: Option<u64>) -> Option<u64> {
    block.map(|b| head.saturating_sub(b))
}

/// Whether a validator proposed too few of `total` blocks among `validators`: in a round-robin
/// QBFT network each proposes about 1/N; the tolerance is `sigmas` standard deviations of the
/// binomial count (so it widens with fewer validators and fewer blocks). Too few blocks to judge
/// (fewer than two rounds) flag nothing.
pub fn proposes_too_little(proposed: u64, total: u64, validators: u64, sigmas: f64) -> bool {
    if validators == 0 || total < 2 * validators {
        return false;
    }
    let p = 1.0 / validators as f64;
    let expected = total as f64 * p;
    let sd = (total as f64 * p * (1.0 - p)).sqrt();
    (proposed as f64) < expected - sigmas * sd
}

/// Where a node's alert stands. A node is troubled while it is down or lags more than the
/// alert threshold; it is alerted once it has been troubled for the grace period, and recovered
/// once it has been well for the grace period again — so a node that flaps gets one mail when it
/// goes down and one when it is back, never one per flap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "since", rename_all = "snake_case")]
pub enum Alert {
    Quiet,
    Troubled(DateTime<Utc>),
    Alerted(DateTime<Utc>),
    Recovering(DateTime<Utc>),
}

/// A mail the alert asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    Down,
    Recovered,
}

impl Alert {
    pub fn observe(
        self,
        now: DateTime<Utc>,
        well: bool,
        grace: Duration,
    ) -> (Alert, Option<Notice>) {
        match (self, well) {
            (Alert::Quiet, true) => (Alert::Quiet, None),
            (Alert::Quiet, false) => (Alert::Troubled(now), None),
            (Alert::Troubled(_), true) => (Alert::Quiet, None),
            (Alert::Troubled(since), false) if now - since >= grace => {
                (Alert::Alerted(now), Some(Notice::Down))
            }
            (Alert::Troubled(since), false) => (Alert::Troubled(since), None),
            (Alert::Alerted(at), false) => (Alert::Alerted(at), None),
            (Alert::Alerted(_), true) => (Alert::Recovering(now), None),
            (Alert::Recovering(since), true) if now - since >= grace => {
                (Alert::Quiet, Some(Notice::Recovered))
            }
            (Alert::Recovering(since), true) => (Alert::Recovering(since), None),
            (Alert::Recovering(_), false) => (Alert::Alerted(now), None),
        }
    }
}

#[cfg(test)]
mod tests;
