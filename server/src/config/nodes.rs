//! The settings of nodes: the minimum requirements a node's host must meet (the seed's) and the
//! nodes commission's vote.

use app::domain::nodes::{HostKind, NodeRequirements, NodeSettings, parse_min_os};
use app::settings::parse_duration;
use clap::Args;

#[derive(Debug, Args)]
pub struct NodeArgs {
    /// The kinds of host a node may run on (comma-separated: physical, vps, other).
    #[arg(
        long,
        env = "MINGA_NODE_HOST_KINDS",
        default_value = "physical,vps",
        value_parser = parse_kinds,
        global = true
    )]
    pub node_host_kinds: HostKinds,
    /// The oldest operating system a node may run: its name and version.
    #[arg(
        long,
        env = "MINGA_NODE_MIN_OS",
        default_value = "Ubuntu 16.04.3",
        value_parser = parse_os,
        global = true
    )]
    pub node_min_os: MinOs,
    /// The least RAM a node's host may have, in MB.
    #[arg(
        long,
        env = "MINGA_NODE_MIN_RAM_MB",
        default_value_t = 2048,
        global = true
    )]
    pub node_min_ram_mb: u64,
    /// The least disk a node's host may have, in GB.
    #[arg(
        long,
        env = "MINGA_NODE_MIN_DISK_GB",
        default_value_t = 25,
        global = true
    )]
    pub node_min_disk_gb: u64,
    /// Days the nodes commission's vote on a request stays open (it closes as soon as every
    /// seat has voted).
    #[arg(long, env = "MINGA_NODE_VOTE_DAYS", default_value_t = 7, global = true)]
    pub node_vote_days: u32,
    /// How long one JSON-RPC call to a node may take (the probe of a request, the poller).
    #[arg(long, env = "MINGA_NODE_TIMEOUT", default_value = "5s", value_parser = parse_duration, global = true)]
    pub node_timeout: chrono::Duration,
    /// How often the poller asks every admitted node (block height, peers, sync state, client,
    /// validators' signer metrics).
    #[arg(long, env = "MINGA_NODE_POLL_INTERVAL", default_value = "30s", value_parser = parse_duration, global = true)]
    pub node_poll_interval: chrono::Duration,
    /// How long a node must be down, or lag, before one mail goes to its liaison and its
    /// collective's leaders (and well again before the "recovered" one).
    #[arg(long, env = "MINGA_NODE_DOWN_AFTER", default_value = "5m", value_parser = parse_duration, global = true)]
    pub node_down_after: chrono::Duration,
    /// Blocks behind the network's head beyond which a node counts as lagging.
    #[arg(
        long,
        env = "MINGA_NODE_LAG_ALERT",
        default_value_t = 20,
        global = true
    )]
    pub node_lag_alert: u64,
    /// Days the poller's raw samples are kept.
    #[arg(long, env = "MINGA_NODE_RAW_DAYS", default_value_t = 7, global = true)]
    pub node_raw_days: u32,
    /// Days the hourly aggregates of the samples are kept.
    #[arg(
        long,
        env = "MINGA_NODE_HOURLY_DAYS",
        default_value_t = 730,
        global = true
    )]
    pub node_hourly_days: u32,
    /// How many nodes the poller asks at once.
    #[arg(
        long,
        env = "MINGA_NODE_POLL_CONCURRENCY",
        default_value_t = 64,
        global = true
    )]
    pub node_poll_concurrency: usize,
    /// Let the one probe made when a request is filed ask loopback, private and link-local
    /// addresses (a network whose nodes sit on a private network; off by default, so that an
    /// account cannot make the portal call into its own network).
    #[arg(long, env = "MINGA_NODE_PROBE_PRIVATE", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub node_probe_private: bool,
}

#[derive(Clone, Debug)]
pub struct HostKinds(pub Vec<HostKind>);

#[derive(Clone, Debug)]
pub struct MinOs(pub String, pub Vec<u32>);

fn parse_kinds(s: &str) -> Result<HostKinds, String> {
    s.split(',')
        .map(|k| HostKind::parse(k).ok_or_else(|| format!("unknown host kind {k:?}")))
        .collect::<Result<Vec<_>, _>>()
        .map(HostKinds)
}

fn parse_os(s: &str) -> Result<MinOs, String> {
    parse_min_os(s)
        .map(|(name, version)| MinOs(name, version))
        .ok_or_else(|| format!("expected a name and a version, like \"Ubuntu 16.04.3\": {s:?}"))
}

impl NodeArgs {
    pub fn to_settings(&self) -> NodeSettings {
        NodeSettings {
            requirements: NodeRequirements {
                kinds: self.node_host_kinds.0.clone(),
                os_name: self.node_min_os.0.clone(),
                os_min_version: self.node_min_os.1.clone(),
                min_ram_mb: self.node_min_ram_mb,
                min_disk_gb: self.node_min_disk_gb,
            },
            vote_days: self.node_vote_days.max(1),
            timeout: self
                .node_timeout
                .to_std()
                .unwrap_or(std::time::Duration::from_secs(5))
                .max(std::time::Duration::from_millis(100)),
            poll_interval: std_duration(self.node_poll_interval, 30)
                .max(std::time::Duration::from_secs(1)),
            down_after: std_duration(self.node_down_after, 300),
            lag_alert: self.node_lag_alert,
            raw_days: self.node_raw_days.max(1),
            hourly_days: self.node_hourly_days.max(self.node_raw_days).max(1),
            concurrency: self.node_poll_concurrency.clamp(1, 1024),
            probe_private: self.node_probe_private,
        }
    }
}

fn std_duration(d: chrono::Duration, default_secs: u64) -> std::time::Duration {
    d.to_std()
        .unwrap_or(std::time::Duration::from_secs(default_secs))
}
