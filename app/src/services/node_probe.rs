//! What the portal asks a node's JSON-RPC endpoint (Besu's, or any Ethereum client's): its
//! chain, client, block height, peers and sync state, with the round-trip time; for validators,
//! their signer metrics (QBFT, or IBFT 2.0). The asking sits behind [`NodeRpc`] (the real one
//! speaks JSON-RPC over HTTP, `server::nodes`), so that the admission form's one-off probe and
//! the health poller share it.
//!
//! A method the node does not have (JSON-RPC −32601 "Method not found") or has switched off
//! (−32604 "Method not enabled": Besu's answer for an API group left out of `--rpc-http-api`)
//! is recorded as such, never as the node being down: a node is up when it tells its block
//! height.

use crate::services::anchors::BoxFuture;
use serde::Serialize;

/// The answer to one method.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "answer", content = "value", rename_all = "snake_case")]
pub enum Answer<T> {
    Value(T),
    /// −32601: the client does not have the method.
    NotSupported,
    /// −32604: the method's API group is not enabled on this node.
    ApiDisabled,
    /// No usable answer: the node did not answer, answered an error, or something unreadable.
    Failed(String),
}

impl<T> Answer<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Answer::Value(v) => Some(v),
            _ => None,
        }
    }

    /// From a JSON-RPC error's code and message.
    pub fn from_error(code: i64, message: &str) -> Answer<T> {
        match code {
            -32601 => Answer::NotSupported,
            -32604 => Answer::ApiDisabled,
            _ => Answer::Failed(format!("JSON-RPC error {code}: {message}")),
        }
    }
}

/// How many blocks one validator proposed (from `qbft_getSignerMetrics`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignerMetric {
    /// The signer's address, lowercase `0x…`.
    pub address: String,
    pub proposed: u64,
    pub last_proposed_block: Option<u64>,
}

/// One look at a node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Probe {
    pub chain_id: Answer<u64>,
    pub client_version: Answer<String>,
    pub block: Answer<u64>,
    pub peers: Answer<u64>,
    /// Whether it is still catching up (`eth_syncing` answered an object rather than `false`).
    pub syncing: Answer<bool>,
    /// The round trip of `eth_blockNumber`, when it answered.
    pub latency_ms: Option<u64>,
    /// Asked of validators only.
    pub signers: Option<Answer<Vec<SignerMetric>>>,
}

impl Probe {
    /// Up: it tells its block height.
    pub fn up(&self) -> bool {
        matches!(self.block, Answer::Value(_))
    }
}

pub trait NodeRpc: Send + Sync {
    /// Asks the node at `url` everything above (signer metrics when `validator`), each call
    /// bounded by the implementation's timeout. Never fails as a whole: each answer says what
    /// became of it.
    fn probe<'a>(&'a self, url: &'a str, validator: bool) -> BoxFuture<'a, Probe>;
}

/// A JSON-RPC quantity (`"0x1a"`) as a number.
pub fn quantity(value: &serde_json::Value) -> Option<u64> {
    let hex = value.as_str()?.strip_prefix("0x")?;
    if hex.is_empty() || hex.len() > 16 {
        return None;
    }
    u64::from_str_radix(hex, 16).ok()
}

/// The signer metrics as Besu answers them: an array of `{address, proposedBlockCount,
/// lastProposedBlockNumber}`, quantities in hex.
pub fn signer_metrics(value: &serde_json::Value) -> Option<Vec<SignerMetric>> {
    value
        .as_array()?
        .iter()
        .map(|m| {
            Some(SignerMetric {
                address: m.get("address")?.as_str()?.to_ascii_lowercase(),
                proposed: quantity(m.get("proposedBlockCount")?)?,
                last_proposed_block: m.get("lastProposedBlockNumber").and_then(quantity),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_that_mean_absent_or_disabled_are_not_failures() {
        assert_eq!(
            Answer::<u64>::from_error(-32601, "Method not found"),
            Answer::NotSupported
        );
        assert_eq!(
            Answer::<u64>::from_error(-32604, "Method not enabled"),
            Answer::ApiDisabled
        );
        assert!(matches!(
            Answer::<u64>::from_error(-32000, "boom"),
            Answer::Failed(m) if m.contains("-32000") && m.contains("boom")
        ));
    }

    #[test]
    fn quantities_and_signer_metrics_as_besu_writes_them() {
        assert_eq!(quantity(&json!("0x0")), Some(0));
        assert_eq!(quantity(&json!("0x1a")), Some(26));
        for bad in [
            json!("1a"),
            json!("0x"),
            json!(26),
            json!("0x1ffffffffffffffff"),
            json!("0xzz"),
        ] {
            assert_eq!(quantity(&bad), None, "{bad}");
        }
        let metrics = signer_metrics(&json!([
            {"address": "0x7FFC57839B00206D1AD20C69A1981B489F772031", "proposedBlockCount": "0x1a", "lastProposedBlockNumber": "0x5e"},
            {"address": "0xb279182d99e65703f0076e4812653aab85fca0f0", "proposedBlockCount": "0x0"}
        ]))
        .expect("metrics");
        assert_eq!(
            metrics[0].address,
            "0x7ffc57839b00206d1ad20c69a1981b489f772031"
        );
        assert_eq!(
            (metrics[0].proposed, metrics[0].last_proposed_block),
            (26, Some(94))
        );
        assert_eq!(
            (metrics[1].proposed, metrics[1].last_proposed_block),
            (0, None)
        );
        assert_eq!(signer_metrics(&json!([{"address": "0x1"}])), None);
        assert_eq!(signer_metrics(&json!({})), None);
    }

    #[test]
    fn a_node_is_up_when_it_tells_its_block() {
        let mut probe = Probe {
            chain_id: Answer::Value(648540),
            client_version: Answer::NotSupported,
            block: Answer::Value(10),
            peers: Answer::ApiDisabled,
            syncing: Answer::Value(false),
            latency_ms: Some(3),
            signers: None,
        };
        assert!(probe.up(), "a disabled API group does not make a node down");
        probe.block = Answer::Failed("timed out".into());
        assert!(!probe.up());
    }
}
