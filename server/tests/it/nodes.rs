//! The node probe against real JSON-RPC endpoints on loopback: an anvil node answering, the same
//! node gone, and an endpoint that accepts the connection and never answers.

use crate::anchors::{Anvil, free_port};
use app::services::node_probe::{Answer, NodeRpc};
use server::nodes::JsonRpc;
use std::time::Duration;

#[tokio::test]
async fn a_node_is_probed_and_a_missing_api_is_not_a_failure() {
    let port = free_port();
    let anvil = Anvil::start_chain(port, 648_540).await;
    let rpc = JsonRpc::new(Duration::from_secs(2)).expect("client");
    let probe = rpc.probe(&anvil.url, true).await;
    assert!(probe.up(), "{probe:?}");
    assert_eq!(probe.chain_id, Answer::Value(648_540));
    assert!(
        matches!(&probe.client_version, Answer::Value(v) if v.to_lowercase().contains("anvil")),
        "{:?}",
        probe.client_version
    );
    assert_eq!(probe.syncing, Answer::Value(false));
    assert!(matches!(probe.block, Answer::Value(_)));
    assert!(probe.latency_ms.is_some());
    assert!(
        !matches!(probe.peers, Answer::Failed(_)),
        "{:?}",
        probe.peers
    );
    // anvil has neither QBFT nor IBFT: the validator's metrics are "not supported", and the
    // node is still up
    assert_eq!(probe.signers, Some(Answer::NotSupported));

    // a writer is not asked for signer metrics
    assert_eq!(rpc.probe(&anvil.url, false).await.signers, None);

    // the node goes away: down, every answer a failure that says why
    drop(anvil);
    let gone = rpc.probe(&format!("http://127.0.0.1:{port}"), false).await;
    assert!(!gone.up());
    assert!(
        matches!(&gone.block, Answer::Failed(why) if why.contains("no answer")),
        "{gone:?}"
    );
    assert_eq!(gone.latency_ms, None);
}

#[tokio::test]
async fn an_endpoint_that_never_answers_is_down_within_the_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    // accepts every connection and keeps it open without a word
    let hole = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let rpc = JsonRpc::new(Duration::from_millis(500)).expect("client");
    let probe = rpc.probe(&format!("http://{addr}"), true).await;
    assert!(!probe.up());
    assert_eq!(probe.block, Answer::Failed("no answer in time".into()));
    assert_eq!(
        probe.signers,
        Some(Answer::Failed("no answer in time".into())),
        "a silent node is not taken for one without QBFT"
    );
    hole.abort();
}
