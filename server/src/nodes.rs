//! [`NodeRpc`] over HTTP: one JSON-RPC 2.0 request per method, all of a node's at once, each
//! bounded by the timeout (`MINGA_NODE_TIMEOUT`), no redirects followed (an endpoint is what the
//! operator registered, not where it points).

use alloy::transports::http::reqwest;
use app::services::anchors::BoxFuture;
use app::services::node_probe::{self, Answer, NodeRpc, Probe};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

pub struct JsonRpc {
    http: reqwest::Client,
}

impl JsonRpc {
    pub fn new(timeout: Duration) -> anyhow::Result<JsonRpc> {
        Ok(JsonRpc {
            http: reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
        })
    }

    /// One call: its result, or what became of it.
    async fn call(&self, url: &str, method: &str) -> Answer<Value> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": []});
        let response = match self.http.post(url).json(&body).send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Answer::Failed("no answer in time".into()),
            Err(e) => return Answer::Failed(format!("no answer: {e}")),
        };
        let status = response.status();
        let text = match response.text().await {
            Ok(t) => t,
            Err(e) => return Answer::Failed(format!("reading the answer: {e}")),
        };
        let parsed: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(_) if !status.is_success() => return Answer::Failed(format!("HTTP {status}")),
            Err(_) => return Answer::Failed("the answer is not JSON".into()),
        };
        if let Some(error) = parsed.get("error") {
            return Answer::from_error(
                error.get("code").and_then(Value::as_i64).unwrap_or(0),
                error.get("message").and_then(Value::as_str).unwrap_or(""),
            );
        }
        match parsed.get("result") {
            Some(result) => Answer::Value(result.clone()),
            None => Answer::Failed(format!("HTTP {status}, no result")),
        }
    }

    async fn probe_node(&self, url: &str, validator: bool) -> Probe {
        let timed_block = async {
            let started = Instant::now();
            let answer = self.call(url, "eth_blockNumber").await;
            (answer, started.elapsed())
        };
        let ((block, took), chain_id, client_version, peers, syncing) = tokio::join!(
            timed_block,
            self.call(url, "eth_chainId"),
            self.call(url, "web3_clientVersion"),
            self.call(url, "net_peerCount"),
            self.call(url, "eth_syncing"),
        );
        let signers = if validator {
            let mut answer = self.call(url, "qbft_getSignerMetrics").await;
            if matches!(answer, Answer::NotSupported) {
                // an IBFT 2.0 network
                answer = self.call(url, "ibft_getSignerMetrics").await;
            }
            Some(map(answer, node_probe::signer_metrics, "signer metrics"))
        } else {
            None
        };
        let block = map(block, node_probe::quantity, "block number");
        let latency_ms = block
            .value()
            .map(|_| u64::try_from(took.as_millis()).unwrap_or(u64::MAX));
        Probe {
            chain_id: map(chain_id, node_probe::quantity, "chain id"),
            client_version: map(
                client_version,
                |v| v.as_str().map(str::to_string),
                "client version",
            ),
            block,
            // Besu and geth answer a quantity; some clients a plain number
            peers: map(
                peers,
                |v| node_probe::quantity(v).or_else(|| v.as_u64()),
                "peer count",
            ),
            syncing: map(
                syncing,
                |v| match v {
                    Value::Bool(b) => Some(*b),
                    Value::Object(_) => Some(true),
                    _ => None,
                },
                "sync state",
            ),
            latency_ms,
            signers,
        }
    }
}

/// A result read as `T`, or a failure naming what could not be read.
fn map<T>(answer: Answer<Value>, read: impl Fn(&Value) -> Option<T>, what: &str) -> Answer<T> {
    match answer {
        Answer::Value(v) => match read(&v) {
            Some(t) => Answer::Value(t),
            None => Answer::Failed(format!("unreadable {what}: {v}")),
        },
        Answer::NotSupported => Answer::NotSupported,
        Answer::ApiDisabled => Answer::ApiDisabled,
        Answer::Failed(e) => Answer::Failed(e),
    }
}

impl NodeRpc for JsonRpc {
    fn probe<'a>(&'a self, url: &'a str, validator: bool) -> BoxFuture<'a, Probe> {
        Box::pin(self.probe_node(url, validator))
    }
}

/// `minga nodes import FILE.csv`: the import under the authority of the operator at the command
/// line, recorded as made by the portal's first administrator.
pub async fn import_at_command_line(state: &app::AppState, text: &str) -> anyhow::Result<Vec<i64>> {
    let person: Option<i64> = sqlx::query_scalar(
        "SELECT a.person_id FROM accounts a JOIN offices o ON o.person_id = a.person_id
         WHERE o.role = 'administrator' AND o.revoked_at IS NULL ORDER BY a.id LIMIT 1",
    )
    .fetch_optional(&state.db)
    .await?;
    let person = person.ok_or_else(|| anyhow::anyhow!("the portal has no administrator yet"))?;
    let actor = app::services::audit::Actor::system("cli");
    let admin = app::services::authority::Admin::operator();
    match app::services::nodes::exports::import(state, &admin, person, text, &actor).await {
        Ok(ids) => Ok(ids),
        Err(app::AppError::Invalid(inv)) => {
            let t = app::i18n::Lang::En.tr();
            Err(anyhow::anyhow!(
                inv.0
                    .iter()
                    .map(|e| e.reason.message(t))
                    .collect::<Vec<_>>()
                    .join("\n")
            ))
        }
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}
