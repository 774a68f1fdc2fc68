//! Anchoring on a real Ethereum node: anvil (npm `@foundry-rs/anvil`, installed by
//! `scripts/setup-test-deps.sh`) on 127.0.0.1, started and stopped by the tests.

use crate::support::*;
use app::domain::evidence::Hash;
use app::services::anchors;
use app::settings::EthSettings;
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// anvil's first development account (public knowledge; a test key, nothing else).
pub(crate) const DEV_KEY: &str =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const DEV_ADDRESS: &str = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

pub(crate) struct Anvil {
    child: Child,
    pub url: String,
}

impl Anvil {
    fn binary() -> std::path::PathBuf {
        std::env::var_os("MINGA_ANVIL").map_or_else(
            || {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../.tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
            },
            Into::into,
        )
    }

    pub(crate) async fn start(port: u16) -> Anvil {
        Self::start_chain(port, 31337).await
    }

    pub(crate) async fn start_chain(port: u16, chain_id: u64) -> Anvil {
        let binary = Self::binary();
        assert!(
            binary.exists(),
            "anvil is missing at {}: run scripts/setup-test-deps.sh",
            binary.display()
        );
        let child = Command::new(binary)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--block-time",
                "1",
                "--chain-id",
                &chain_id.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start anvil");
        let anvil = Anvil {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..100 {
            if anvil.rpc("eth_chainId", json!([])).await.is_some() {
                return anvil;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("anvil did not start on port {port}");
    }

    /// One JSON-RPC call straight to the node (independent of the portal's client).
    async fn rpc(&self, method: &str, params: Value) -> Option<Value> {
        rpc(&self.url, method, params).await
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn rpc(url: &str, method: &str, params: Value) -> Option<Value> {
    let r = reqwest::Client::new()
        .post(url)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
        .send()
        .await
        .ok()?;
    let body: Value = r.json().await.ok()?;
    body.get("result").cloned()
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn with_chain(url: &str) -> impl FnOnce(&mut app::settings::Settings) {
    let url = url.to_string();
    move |s| {
        s.anchor_interval = chrono::Duration::seconds(1);
        s.anchor_retry = Duration::from_millis(200);
        s.anchor_retry_max = Duration::from_millis(800);
        s.eth = vec![EthSettings {
            name: app::settings::backend_name("eth", &url),
            rpc_url: url,
            private_key: DEV_KEY.into(),
            confirmations: 2,
            explorer: Some("https://explorer.example/tx/{tx}".into()),
        }];
    }
}

pub(crate) async fn submit(app: &TestApp, key: &str, reference: &str) -> u64 {
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/evidence"))
        .bearer_auth(key)
        .json(&json!({"kind": "purchase-order", "ref": reference, "data": {"monto": 1}}))
        .send()
        .await
        .expect("post");
    assert!(r.status().is_success(), "{}", r.status());
    let body: Value = r.json().await.expect("json");
    body["index"].as_u64().expect("index")
}

/// Checks on the chain itself that `tx` is a zero-value self-transaction whose calldata seals
/// the stored checkpoint of `tree_size`; returns the root it carries.
async fn check_on_chain(app: &TestApp, anvil_url: &str, tx: &str, tree_size: i64) -> Hash {
    let found = rpc(anvil_url, "eth_getTransactionByHash", json!([tx]))
        .await
        .expect("the node knows the anchor transaction");
    assert_eq!(
        found["from"].as_str().map(str::to_lowercase).as_deref(),
        Some(DEV_ADDRESS)
    );
    assert_eq!(
        found["to"].as_str().map(str::to_lowercase).as_deref(),
        Some(DEV_ADDRESS)
    );
    assert_eq!(found["value"], "0x0");
    let input = hex::decode(
        found["input"]
            .as_str()
            .expect("input")
            .trim_start_matches("0x"),
    )
    .expect("hex");
    let (size, root) = anchors::parse_calldata(&input).expect("MINGA calldata");
    assert_eq!(size as i64, tree_size);
    let stored: Vec<u8> =
        sqlx::query_scalar("SELECT root_hash FROM checkpoints WHERE tree_size = ?")
            .bind(tree_size)
            .fetch_one(&app.state.db)
            .await
            .expect("checkpoint");
    assert_eq!(
        root.0.to_vec(),
        stored,
        "the calldata carries the signed root"
    );
    let receipt = rpc(anvil_url, "eth_getTransactionReceipt", json!([tx]))
        .await
        .expect("receipt");
    assert_eq!(receipt["status"], "0x1");
    root
}

async fn wait_until<F, Fut>(what: &str, seconds: u64, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..seconds * 10 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn not_done(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM anchors WHERE state <> 'done'")
        .fetch_one(&app.state.db)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_checkpoint_is_anchored_on_chain_with_the_specified_calldata() {
    let anvil = Anvil::start(free_port()).await;
    let app = TestApp::spawn_with(with_chain(&anvil.url)).await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let index = submit(&app, &key, "OC-A-1").await;

    let db = app.state.db.clone();
    wait_until("the evidence to be anchored", 40, || {
        let db = db.clone();
        async move {
            anchors::covering(&db, index)
                .await
                .map(|a| !a.is_empty())
                .unwrap_or(false)
        }
    })
    .await;
    let found = anchors::covering(&app.state.db, index)
        .await
        .expect("anchors");
    assert_eq!(found.len(), 1);
    let a = &found[0];
    assert_eq!(a.kind, "ethereum");
    assert_eq!(a.chain_id, Some(31337));
    assert!(a.tree_size as u64 > index);
    assert!(a.block_number.is_some() && a.block_time.is_some());
    let tx = a.tx_hash.clone().expect("tx hash");
    check_on_chain(&app, &anvil.url, &tx, a.tree_size).await;

    // two confirmations: the chain's head is at least one block past the anchor's
    let head = rpc(&anvil.url, "eth_blockNumber", json!([]))
        .await
        .expect("head");
    let head = u64::from_str_radix(head.as_str().expect("hex").trim_start_matches("0x"), 16)
        .expect("number");
    assert!(head > a.block_number.expect("block") as u64);

    // the receipt carries the anchor and checks offline (consistency to its checkpoint)
    let id: String = sqlx::query_scalar("SELECT id FROM evidences WHERE idx = ?")
        .bind(index as i64)
        .fetch_one(&app.state.db)
        .await
        .expect("id");
    let receipt: app::domain::evidence::receipt::Receipt =
        reqwest::get(app.url(&format!("/api/v1/evidence/{id}/receipt")))
            .await
            .expect("get")
            .json()
            .await
            .expect("receipt");
    assert_eq!(receipt.anchors.len(), 1);
    assert_eq!(receipt.anchors[0].details["tx_hash"], tx.as_str());
    assert_eq!(
        receipt.anchors[0].details["explorer"],
        format!("https://explorer.example/tx/{tx}").as_str()
    );
    let checks =
        app::domain::evidence::receipt::verify(&receipt, Some(&app.verifier_key().await), None);
    assert!(checks.iter().all(|c| c.ok), "{checks:?}");
    assert!(checks.iter().any(|c| c.name == "anchor"));

    // `minga verify --rpc` re-fetches the transaction from the node
    let dir = tempfile::tempdir().expect("dir");
    let vkey = app.verifier_key().await;
    let run = |receipt: &app::domain::evidence::receipt::Receipt| {
        let path = dir.path().join("receipt.json");
        std::fs::write(&path, serde_json::to_vec(receipt).expect("json")).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_minga"))
            .arg("verify")
            .arg(&path)
            .args(["--key", &vkey, "--rpc", &anvil.url])
            .env("MINGA_DATA_DIR", dir.path().join("no-portal-here"))
            .output()
            .expect("run");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (code, out) = run(&receipt);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("✓ chain"), "{out}");
    // a receipt pointing at another transaction, or a block the transaction is not in
    let mut forged = receipt.clone();
    forged.anchors[0].details.insert(
        "tx_hash".into(),
        json!("0x1111111111111111111111111111111111111111111111111111111111111111"),
    );
    let (code, out) = run(&forged);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("NOT VERIFIED: failed chain"), "{out}");
    let mut forged = receipt.clone();
    forged.anchors[0].details.insert(
        "block_number".into(),
        json!(a.block_number.expect("block") + 1),
    );
    let (code, out) = run(&forged);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("NOT VERIFIED: failed chain"), "{out}");

    // the public page shows it, linked to the explorer, checked
    let page = app
        .browser()
        .get(&format!("/v/{id}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains(&format!("href=\"https://explorer.example/tx/{tx}\"")));
    let text = visible_text(&page);
    assert!(
        text.contains("Cadena de bloques (id de cadena 31337)"),
        "{text}"
    );
    assert!(
        text.contains("es consistente con el punto de control firmado — correcto"),
        "{text}"
    );

    let status = anchors::backends(&app.state.db).await.expect("status");
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].backlog, 0);
    assert_eq!(status[0].last_tx.as_deref(), Some(tx.as_str()));

    // the public figures: the order anchored (100 %, with its wait), its page seen once
    app::services::stats::flush_visits(&app.state)
        .await
        .expect("flush");
    let (status, html) = app.browser().text("/stats?days=7").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let text = visible_text(&html);
    let today = chrono::Utc::now().date_naive().to_string();
    assert!(
        text.contains(&format!("{today} catalogo 1 1 100.0")),
        "{text}"
    );
    assert!(
        text.contains("fueron verificadas por alguien al menos una vez, con 1 consultas en total"),
        "{text}"
    );
    assert!(html.contains("<svg"), "the chart is drawn");
    let visits: (i64, i64) = sqlx::query_as("SELECT evidence_idx, views FROM evidence_visits")
        .fetch_one(&app.state.db)
        .await
        .expect("counted");
    assert_eq!(visits, (index as i64, 1), "counted, and nothing else kept");
    app.stop().await;
}

#[tokio::test]
async fn a_node_down_for_several_intervals_leaves_no_checkpoint_unanchored_when_it_returns() {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let app = TestApp::spawn_with(with_chain(&url)).await;
    let key = app.api_key("catalogo", "purchase-order").await;

    // three intervals with new entries while the node is down
    let mut last = 0;
    for wave in 0..3 {
        last = submit(&app, &key, &format!("OC-D-{wave}")).await;
        let db = app.state.db.clone();
        let rounds_before = wave;
        wait_until("a round for the new entries", 20, || {
            let db = db.clone();
            async move {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM anchor_rounds")
                    .fetch_one(&db)
                    .await
                    .unwrap_or(0)
                    > rounds_before
            }
        })
        .await;
    }
    let rounds: Vec<i64> = sqlx::query_scalar("SELECT tree_size FROM anchor_rounds ORDER BY id")
        .fetch_all(&app.state.db)
        .await
        .expect("rounds");
    assert!(rounds.len() >= 3, "{rounds:?}");
    assert_eq!(
        not_done(&app).await,
        rounds.len() as i64,
        "nothing anchored while down"
    );
    let status = anchors::backends(&app.state.db).await.expect("status");
    assert!(status[0].failures > 0);
    assert!(status[0].last_error.is_some());
    assert_eq!(status[0].backlog, rounds.len() as i64);
    // the administrators see it
    let admin = app.admin().await;
    let page = admin.get("/admin/anchors").await;
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let text = visible_text(&page.text().await.expect("page"));
    assert!(text.contains("fallos seguidos"), "{text}");
    assert!(text.contains("aún ninguno"), "{text}");

    // the node comes back: every round is anchored, by the newest checkpoint or one covering it
    let anvil = Anvil::start(port).await;
    let app_ref = &app;
    wait_until("the backlog to clear", 60, || async move {
        not_done(app_ref).await == 0
    })
    .await;
    let done: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT r.tree_size, a.tree_size, a.tx_hash FROM anchors a JOIN anchor_rounds r ON r.id = a.round_id ORDER BY r.id",
    )
    .fetch_all(&app.state.db)
    .await
    .expect("anchors");
    assert!(done.len() >= 3);
    for (round_size, anchored_size, tx) in &done {
        assert!(
            anchored_size >= round_size,
            "{round_size} covered by {anchored_size}"
        );
        check_on_chain(&app, &anvil.url, tx, *anchored_size).await;
    }
    let covering = anchors::covering(&app.state.db, last)
        .await
        .expect("covering");
    assert_eq!(covering.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn anchoring_state_survives_a_restart_of_the_portal() {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let app = TestApp::spawn_with(with_chain(&url)).await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let index = submit(&app, &key, "OC-R-1").await;
    let db = app.state.db.clone();
    wait_until("a round while the node is down", 20, || {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM anchors WHERE state = 'pending'")
                .fetch_one(&db)
                .await
                .unwrap_or(0)
                > 0
        }
    })
    .await;

    // the portal restarts; the pending round is still there, and is anchored once the node is up
    let app = app.restart(with_chain(&url)).await;
    assert!(
        not_done(&app).await > 0,
        "the pending anchors survived the restart"
    );
    let anvil = Anvil::start(port).await;
    let app_ref = &app;
    wait_until(
        "the backlog to clear after the restart",
        60,
        || async move { not_done(app_ref).await == 0 },
    )
    .await;
    let found = anchors::covering(&app.state.db, index)
        .await
        .expect("anchors");
    assert_eq!(found.len(), 1);
    check_on_chain(
        &app,
        &anvil.url,
        found[0].tx_hash.as_deref().expect("tx"),
        found[0].tree_size,
    )
    .await;
    app.stop().await;
}

async fn rounds(app: &TestApp) -> Vec<(i64, chrono::DateTime<chrono::Utc>)> {
    sqlx::query_as::<_, (i64, app::db::Ts)>(
        "SELECT tree_size, created_at FROM anchor_rounds ORDER BY id",
    )
    .fetch_all(&app.state.db)
    .await
    .expect("rounds")
    .into_iter()
    .map(|(size, at)| (size, at.0))
    .collect()
}

async fn reports(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM batch_reports")
        .fetch_one(&app.state.db)
        .await
        .expect("count")
}

/// Each round's batch report is an evidence; it must not make the next round due by itself, or
/// an idle network sends a transaction every interval forever. It is sealed by the next round
/// with real work, and the last report of a quiet spell by the idle round.
#[tokio::test]
async fn an_idle_log_goes_quiet_and_the_last_report_waits_for_real_work_or_the_idle_round() {
    let anvil = Anvil::start(free_port()).await;
    let idle = chrono::Duration::seconds(6);
    let url = anvil.url.clone();
    let app = TestApp::spawn_with(move |s| {
        with_chain(&url)(s);
        s.anchor_idle_round = idle;
    })
    .await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let first = submit(&app, &key, "OC-Q-1").await;
    let app_ref = &app;
    wait_until("the first round's report", 30, || async move {
        reports(app_ref).await == 1
    })
    .await;
    let report_index: i64 = sqlx::query_scalar(
        "SELECT e.idx FROM batch_reports b JOIN evidences e ON e.id = b.evidence_id",
    )
    .fetch_one(&app.state.db)
    .await
    .expect("the report is an evidence");
    assert!(report_index as u64 > first);

    // several intervals (1 s) pass with only the report new: no round, no transaction
    tokio::time::sleep(Duration::from_secs(3)).await;
    let quiet = rounds(&app).await;
    assert_eq!(quiet.len(), 1, "the report alone opened a round: {quiet:?}");

    // real work comes: the next round seals it together with the report waiting before it
    let second = submit(&app, &key, "OC-Q-2").await;
    wait_until("a round for the new evidence", 10, || async move {
        rounds(app_ref).await.len() == 2
    })
    .await;
    let after_work = rounds(&app).await;
    assert!(after_work[1].0 as u64 > second);
    assert!(
        after_work[1].0 > report_index,
        "the waiting report is sealed too"
    );
    assert!(
        after_work[1].1 - after_work[0].1 < idle,
        "real work does not wait for the idle round"
    );

    // then quiet again: the second round's report is sealed only by the idle round
    wait_until("the second round's report", 30, || async move {
        reports(app_ref).await == 2
    })
    .await;
    wait_until("the idle round", 20, || async move {
        rounds(app_ref).await.len() == 3
    })
    .await;
    let all = rounds(&app).await;
    assert!(
        all[2].1 - all[1].1 >= idle,
        "the idle round came before its time: {all:?}"
    );
    let second_report: i64 = sqlx::query_scalar(
        "SELECT e.idx FROM batch_reports b JOIN evidences e ON e.id = b.evidence_id
         ORDER BY b.round_id DESC LIMIT 1",
    )
    .fetch_one(&app.state.db)
    .await
    .expect("report");
    assert!(
        all[2].0 > second_report,
        "the idle round seals the last report"
    );
    app.stop().await;
}
