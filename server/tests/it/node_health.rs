//! The node poller against real anvil nodes on loopback: every admitted node is sampled; one
//! whose endpoint answers "method not found" to `net_peerCount` (a proxy in front of anvil, as
//! Besu answers for an API group left off) is up all the same; a node killed is down, and after
//! the grace period its liaison gets exactly one mail however long it stays down; restarted, it
//! gets exactly one "recovered". The samples fold into hourly aggregates, and `/network`, the
//! node's page (with its charts) and `nodes.json` show the figures.

use crate::anchors::{Anvil, free_port};
use crate::support::*;
use app::services::node_probe::NodeRpc;
use app::services::nodes::{health, kept};
use axum::Json;
use axum::extract::State;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::nodes::JsonRpc;
use std::sync::Arc;
use std::time::Duration;

const KEYS: [char; 3] = ['a', 'b', 'c'];

/// A JSON-RPC endpoint that passes every call to `upstream` but answers −32601 "Method not
/// found" to `net_peerCount`.
async fn without_net_api(upstream: String) -> (String, tokio::task::JoinHandle<()>) {
    async fn handle(State(upstream): State<String>, Json(call): Json<Value>) -> Json<Value> {
        if call["method"] == "net_peerCount" {
            return Json(json!({"jsonrpc": "2.0", "id": call["id"],
                "error": {"code": -32601, "message": "Method not found"}}));
        }
        let answer = reqwest::Client::new()
            .post(&upstream)
            .json(&call)
            .send()
            .await
            .expect("upstream")
            .json::<Value>()
            .await
            .expect("json");
        Json(answer)
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let router = axum::Router::new()
        .route("/", axum::routing::post(handle))
        .with_state(upstream);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (url, task)
}

async fn mails(app: &TestApp, node: i64, kind: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT to_address FROM mail_outbox WHERE topic LIKE ? ORDER BY id")
        .bind(format!("node-health/{node}/{kind}/%"))
        .fetch_all(&app.state.db)
        .await
        .expect("mails")
}

#[tokio::test]
async fn the_poller_samples_every_node_and_mails_once_when_one_goes_down_and_once_when_back() {
    let (pa, pb) = (free_port(), free_port());
    let a = Anvil::start_chain(pa, 648_542).await;
    let b = Anvil::start_chain(pb, 648_542).await;
    let (proxy, proxy_task) = without_net_api(a.url.clone()).await;
    let app = TestApp::spawn_with(|s| {
        // the grace period is counted in rounds here: troubled on one, alerted on the next
        s.nodes.down_after = Duration::ZERO;
        // separate anvil chains drift apart: lag is not what this test is about
        s.nodes.lag_alert = 1_000_000;
        // the test runs the rounds itself
        s.nodes.poll_interval = Duration::from_secs(3600);
    })
    .await;
    sqlx::query(
        "INSERT INTO institutions (name, sector, kind, created_at) VALUES ('Universidad Sur', 'academic', 'university', '2026-01-01T00:00:00Z')",
    )
    .execute(&app.state.db)
    .await
    .expect("institution");
    let slug: String = sqlx::query_scalar("SELECT slug FROM collectives WHERE id = 1")
        .fetch_one(&app.state.db)
        .await
        .expect("slug");
    let mut csv = String::from("name,enode,rpc_url,type,collective,institution\n");
    for (i, url) in [&a.url, &b.url, &proxy].iter().enumerate() {
        let key: String = std::iter::repeat_n(KEYS[i], 128).collect();
        csv.push_str(&format!(
            "Nodo {i},enode://{key}@10.0.0.{i}:30303,{url},writer,{slug},Universidad Sur\n"
        ));
    }
    let ids = server::nodes::import_at_command_line(&app.state, &csv)
        .await
        .expect("import");
    sqlx::query("UPDATE nodes SET liaison_name = 'Enlace', liaison_email = 'enlace.' || id || '@sur.example'")
        .execute(&app.state.db)
        .await
        .expect("liaison");
    let (a_id, b_id, proxy_id) = (ids[0], ids[1], ids[2]);
    // as if admitted through a request: provisioned until the poller first sees them answer
    sqlx::query("UPDATE nodes SET deployment = 'provisioned'")
        .execute(&app.state.db)
        .await
        .expect("provisioned");
    let rpc: Arc<dyn NodeRpc> = Arc::new(JsonRpc::new(Duration::from_secs(2)).expect("client"));

    let round = health::poll_round(&app.state, rpc.clone())
        .await
        .expect("round");
    assert_eq!((round.polled, round.up), (3, 3), "{round:?}");
    assert!(round.head.is_some());
    let deployed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM nodes WHERE deployment = 'deployed'")
            .fetch_one(&app.state.db)
            .await
            .expect("deployed");
    assert_eq!(deployed, 3, "seen answering: deployed");
    let (up, peers_state): (bool, String) = sqlx::query_as(
        "SELECT up, peers_state FROM node_samples WHERE node_id = ? ORDER BY at DESC LIMIT 1",
    )
    .bind(proxy_id)
    .fetch_one(&app.state.db)
    .await
    .expect("sample");
    assert!(up, "a missing net API is not a node down");
    assert_eq!(peers_state, "not_supported");

    // b dies: troubled on the next round, alerted on the one after, and silent after that
    drop(b);
    for _ in 0..4 {
        let round = health::poll_round(&app.state, rpc.clone())
            .await
            .expect("round");
        assert_eq!(round.up, 2, "{round:?}");
    }
    assert_eq!(
        mails(&app, b_id, "down").await,
        vec![format!("enlace.{b_id}@sur.example")]
    );
    assert!(mails(&app, a_id, "down").await.is_empty());
    let (code, html) = app.browser().text("/network").await;
    assert_eq!(code, StatusCode::OK);
    assert!(html.contains("Caído") && html.contains("En línea"));

    // b is back (a fresh chain on the same port): recovering, then recovered, once
    let b = Anvil::start_chain(pb, 648_542).await;
    for _ in 0..3 {
        let round = health::poll_round(&app.state, rpc.clone())
            .await
            .expect("round");
        assert_eq!(round.up, 3, "{round:?}");
    }
    assert_eq!(mails(&app, b_id, "recovered").await.len(), 1);
    assert_eq!(mails(&app, b_id, "down").await.len(), 1);

    // the samples fold into hours; the figures and charts show them
    let written = health::compact(&app.state, chrono::Utc::now() + chrono::Duration::hours(1))
        .await
        .expect("compact");
    assert!(written >= 3, "an hour (or two) for each node: {written}");
    let (samples, ups): (i64, i64) =
        sqlx::query_as("SELECT SUM(samples), SUM(up_samples) FROM node_hourly WHERE node_id = ?")
            .bind(b_id)
            .fetch_one(&app.state.db)
            .await
            .expect("hourly");
    assert_eq!((samples, ups), (8, 4));
    let figures = health::figures(
        &app.state.db,
        &[b_id],
        chrono::Utc::now(),
        health::Reach::Month,
    )
    .await
    .expect("figures");
    let h = &figures[&b_id];
    assert_eq!(h.up, Some(true));
    assert_eq!(h.availability_24h, Some(0.5));
    let (code, html) = app.browser().text(&format!("/network/nodes/{b_id}")).await;
    assert_eq!(code, StatusCode::OK);
    assert!(html.contains("<svg"), "the node's charts");
    assert!(html.contains("50.0 %"), "availability over 24 h");
    let (code, html) = app
        .browser()
        .text(&format!("/network/nodes/{b_id}?span=30d"))
        .await;
    assert_eq!(code, StatusCode::OK);
    assert!(html.contains("<svg"));
    let all: Value = app
        .browser()
        .get("/network/nodes.json")
        .await
        .json()
        .await
        .expect("json");
    let b_json = all["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["id"] == b_id)
        .expect("b");
    assert_eq!(b_json["health"]["up"], true);
    // the pages' figures (past hours summed once for the hour, as the poller does after its
    // compaction; the hour under way read after each round) are those computed afresh
    let now = chrono::Utc::now();
    assert!(kept::warm(&app.state, now).await.expect("warm") >= 1);
    let shown = kept::figures_kept(&app.state, &[b_id], now, health::Reach::Month)
        .await
        .expect("kept");
    assert_eq!(shown[&b_id].availability_24h, Some(0.5));
    assert_eq!(shown[&b_id].availability_30d, Some(0.5));
    health::poll_round(&app.state, rpc.clone())
        .await
        .expect("round");
    let now = chrono::Utc::now();
    let fresh = health::figures(&app.state.db, &[b_id], now, health::Reach::Month)
        .await
        .expect("figures");
    let shown = kept::figures_kept(&app.state, &[b_id], now, health::Reach::Month)
        .await
        .expect("kept");
    for (a, b) in [
        (shown[&b_id].availability_24h, fresh[&b_id].availability_24h),
        (shown[&b_id].availability_7d, fresh[&b_id].availability_7d),
        (shown[&b_id].availability_30d, fresh[&b_id].availability_30d),
    ] {
        assert_eq!(a, b);
        assert_eq!(a, Some(5.0 / 9.0), "the round after the compaction counts");
    }
    drop((a, b));
    proxy_task.abort();
    app.stop().await;
}

/// A validator whose endpoint answers QBFT's signer metrics: its share of the blocks proposed
/// is read by its address (derived from its enode), and too small a share is flagged.
#[tokio::test]
async fn a_validator_proposing_too_few_blocks_is_flagged() {
    const KEY: &str = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";
    const ADDRESS: &str = "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf";
    async fn answer(Json(call): Json<Value>) -> Json<Value> {
        let result = match call["method"].as_str().unwrap_or_default() {
            "eth_chainId" => json!("0x9e5a"),
            "eth_blockNumber" => json!("0x64"),
            "net_peerCount" => json!("0x3"),
            "eth_syncing" => json!(false),
            "web3_clientVersion" => json!("besu/v25.10.0"),
            "qbft_getSignerMetrics" => json!([
                {"address": ADDRESS, "proposedBlockCount": "0x1", "lastProposedBlockNumber": "0x10"},
                {"address": "0x1111111111111111111111111111111111111111", "proposedBlockCount": "0x21", "lastProposedBlockNumber": "0x63"},
                {"address": "0x2222222222222222222222222222222222222222", "proposedBlockCount": "0x21", "lastProposedBlockNumber": "0x62"},
                {"address": "0x3333333333333333333333333333333333333333", "proposedBlockCount": "0x21", "lastProposedBlockNumber": "0x64"},
            ]),
            _ => {
                return Json(json!({"jsonrpc": "2.0", "id": call["id"],
                    "error": {"code": -32601, "message": "Method not found"}}));
            }
        };
        Json(json!({"jsonrpc": "2.0", "id": call["id"], "result": result}))
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let endpoint = tokio::spawn(async move {
        let router = axum::Router::new().route("/", axum::routing::post(answer));
        let _ = axum::serve(listener, router).await;
    });
    let app = TestApp::spawn_with(|s| s.nodes.poll_interval = Duration::from_secs(3600)).await;
    sqlx::query(
        "INSERT INTO institutions (name, sector, kind, created_at) VALUES ('Validadora', 'public', 'agency', '2026-01-01T00:00:00Z')",
    )
    .execute(&app.state.db)
    .await
    .expect("institution");
    let slug: String = sqlx::query_scalar("SELECT slug FROM collectives WHERE id = 1")
        .fetch_one(&app.state.db)
        .await
        .expect("slug");
    let ids = server::nodes::import_at_command_line(
        &app.state,
        &format!("name,enode,rpc_url,type,collective,institution\nValidador lento,enode://{KEY}@10.0.0.9:30303,{url},validator,{slug},Validadora\n"),
    )
    .await
    .expect("import");
    let rpc: Arc<dyn NodeRpc> = Arc::new(JsonRpc::new(Duration::from_secs(2)).expect("client"));
    health::poll_round(&app.state, rpc).await.expect("round");
    let figures = health::figures(
        &app.state.db,
        &ids,
        chrono::Utc::now(),
        health::Reach::Month,
    )
    .await
    .expect("figures");
    let h = &figures[&ids[0]];
    assert_eq!(
        (h.proposed, h.proposed_of, h.signers),
        (Some(1), Some(100), Some(4))
    );
    assert!(h.proposes_too_little);
    let text = visible_text(
        &app.browser()
            .text(&format!("/network/nodes/{}", ids[0]))
            .await
            .1,
    );
    assert!(
        text.contains("1 de los últimos 100 bloques, entre 4 validadores"),
        "{text}"
    );
    assert!(text.contains("propone muchos menos bloques"), "{text}");
    let text = visible_text(&app.browser().text("/network").await.1);
    assert!(text.contains("propone pocos bloques"), "{text}");
    endpoint.abort();
    app.stop().await;
}
