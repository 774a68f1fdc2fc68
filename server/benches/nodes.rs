//! Speed of the node poller and the network's pages, reported beside their goals (a benchmark,
//! not a test):
//!
//! 1. one poll round over `MINGA_BENCH_NODES` (default 500) admitted nodes, each a JSON-RPC
//!    endpoint on its own loopback port (served in this process, so they share its cores with
//!    the poller): the round's time against `MINGA_NODE_POLL_INTERVAL` (30 s);
//! 2. `GET /network` and a node's page (24 h and 30 d) with two years of hourly aggregates for
//!    every node and a day of raw samples, against 50 ms.
//!
//! `cargo bench -p server --bench nodes`. Settings: `MINGA_BENCH_NODES` (default 500),
//! `MINGA_BENCH_ROUNDS` (default 5), `MINGA_BENCH_HISTORY_DAYS` (default 730).

use app::AppState;
use app::db::Ts;
use app::services::node_probe::NodeRpc;
use app::services::nodes::health;
use app::settings::Settings;
use axum::Json;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn quantile(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort_unstable();
    let rank = ((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len().max(1));
    samples.get(rank - 1).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// A JSON-RPC node that answers at once, on its own port.
async fn fake_node() -> String {
    async fn answer(Json(call): Json<Value>) -> Json<Value> {
        let result = match call["method"].as_str().unwrap_or_default() {
            "eth_chainId" => json!("0x9e5a"),
            "eth_blockNumber" => json!("0x12d687"),
            "net_peerCount" => json!("0x6"),
            "eth_syncing" => json!(false),
            "web3_clientVersion" => json!("besu/v25.10.0/linux-x86_64/openjdk-java-21"),
            _ => {
                return Json(
                    json!({"jsonrpc": "2.0", "id": call["id"], "error": {"code": -32601, "message": "Method not found"}}),
                );
            }
        };
        Json(json!({"jsonrpc": "2.0", "id": call["id"], "result": result}))
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let router = axum::Router::new().route("/", axum::routing::post(answer));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    url
}

async fn state_in(dir: &std::path::Path, listen: Option<std::net::SocketAddr>) -> AppState {
    let mut settings = Settings::embedded(dir.join("data"));
    settings.demo = false;
    settings.admin_password = Some("benchmark administrator password".into());
    // the benchmark runs the rounds itself
    settings.nodes.poll_interval = Duration::from_secs(24 * 3600);
    if let Some(addr) = listen {
        settings.listen = addr;
        settings.public_url = format!("http://{addr}");
    }
    let (state, _) = server::prepare(settings).await.expect("prepare");
    state
}

/// `n` admitted nodes of collective 1 with the given endpoints.
async fn admit(state: &AppState, urls: &[String]) {
    let mut tx = app::db::begin_write(&state.db).await.expect("tx");
    let person: i64 = sqlx::query_scalar("SELECT person_id FROM accounts ORDER BY id LIMIT 1")
        .fetch_one(&mut *tx)
        .await
        .expect("admin");
    for (i, url) in urls.iter().enumerate() {
        let key = format!("{i:0128x}");
        sqlx::query(
            "INSERT INTO nodes (name, person_id, collective_id, node_type, enode, node_key, rpc_url, host_kind, os,
                                status, deployment, submitted_at, admitted_at, updated_at)
             VALUES (?, ?, 1, ?, ?, ?, ?, 'vps', 'Ubuntu 22.04', 'admitted', 'deployed', ?, ?, ?)",
        )
        .bind(format!("Nodo {i}"))
        .bind(person)
        .bind(if i % 4 == 0 { "validator" } else { "writer" })
        .bind(format!("enode://{key}@10.0.{}.{}:30303", i / 250, i % 250))
        .bind(&key)
        .bind(url)
        .bind(Ts::now())
        .bind(Ts::now())
        .bind(Ts::now())
        .execute(&mut *tx)
        .await
        .expect("node");
    }
    tx.commit().await.expect("commit");
}

async fn poll_rounds(n: usize, rounds: usize) {
    let dir = tempfile::tempdir().expect("dir");
    let state = state_in(dir.path(), None).await;
    let mut urls = Vec::with_capacity(n);
    for _ in 0..n {
        urls.push(fake_node().await);
    }
    admit(&state, &urls).await;
    let rpc: Arc<dyn NodeRpc> =
        Arc::new(server::nodes::JsonRpc::new(Duration::from_secs(5)).expect("client"));
    let mut took = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let round = health::poll_round(&state, rpc.clone())
            .await
            .expect("round");
        took.push(t.elapsed());
        assert_eq!(round.up, n, "{round:?}");
    }
    let interval = state
        .settings
        .nodes
        .poll_interval
        .min(Duration::from_secs(30));
    let worst = took.iter().max().copied().unwrap_or_default();
    println!(
        "  one round over {n} nodes: p50 {:.0} ms, worst {:.0} ms of {rounds}{}",
        ms(quantile(&mut took.clone(), 0.5)),
        ms(worst),
        if worst <= interval {
            ""
        } else {
            "   [goal: within the 30 s interval]"
        }
    );
}

async fn pages(n: usize, days: i64) {
    let dir = tempfile::tempdir().expect("dir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = state_in(dir.path(), Some(addr)).await;
    let urls: Vec<String> = (0..n)
        .map(|i| format!("https://nodo{i}.red.example:8545"))
        .collect();
    admit(&state, &urls).await;
    let now = chrono::Utc::now();
    let start = Instant::now();
    let hour0 = now - chrono::Duration::days(days);
    let mut rows = 0usize;
    for id in 1..=n as i64 {
        let mut tx = app::db::begin_write(&state.db).await.expect("tx");
        let hours: Vec<i64> = (0..days * 24).collect();
        for chunk in hours.chunks(2000) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO node_hourly (node_id, hour, samples, up_samples, lag_max, peers_min, latency_p50, latency_p95) ",
            );
            q.push_values(chunk, |mut b, h| {
                b.push_bind(id)
                    .push_bind(Ts(hour0 + chrono::Duration::hours(*h)))
                    .push_bind(120)
                    .push_bind(120 - (h % 97 == 0) as i64)
                    .push_bind(h % 3)
                    .push_bind(5)
                    .push_bind(40 + h % 30)
                    .push_bind(90 + h % 50);
            });
            q.build().execute(&mut *tx).await.expect("hourly");
            rows += chunk.len();
        }
        let samples: Vec<i64> = (0..2880).collect();
        for chunk in samples.chunks(1000) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO node_samples (node_id, at, up, block, head, peers, latency_ms, client, peers_state) ",
            );
            q.push_values(chunk, |mut b, k| {
                b.push_bind(id)
                    .push_bind(Ts(now - chrono::Duration::seconds(30 * (2880 - k))))
                    .push_bind(true)
                    .push_bind(1_000_000 + k)
                    .push_bind(1_000_001 + k)
                    .push_bind(6)
                    .push_bind(40 + k % 20)
                    .push_bind("besu/v25.10.0")
                    .push_bind("value");
            });
            q.build().execute(&mut *tx).await.expect("raw");
            rows += chunk.len();
        }
        tx.commit().await.expect("commit");
    }
    println!(
        "  history: {n} nodes × {days} days of hourly aggregates and a day of raw samples ({rows} rows, loaded in {:.0} s)",
        start.elapsed().as_secs_f64()
    );
    // what the poller does after its hourly compaction: the past hours summed once for the hour
    let t = Instant::now();
    let warmed = app::services::nodes::kept::warm(&state, now)
        .await
        .expect("warm");
    println!(
        "  past hours of {warmed} nodes summed for the hour (after the compaction): {:.1} ms",
        ms(t.elapsed())
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve(state.clone(), listener, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    // `/network` and `nodes.json` keep the figures between poll rounds: measured between rounds
    // (kept), after a round as the poller leaves them (it assembles them right after the round:
    // that time is the poller's, reported apart), and for a view that races the poller (a round
    // committed, not yet assembled: the view computes them)
    #[derive(PartialEq)]
    enum When {
        Kept,
        AfterRound,
        RacingTheRound,
    }
    let mut assembling = Vec::new();
    for (path, when) in [
        ("/network", When::Kept),
        ("/network", When::AfterRound),
        ("/network", When::RacingTheRound),
        ("/network/nodes/1", When::Kept),
        ("/network/nodes/1?span=30d", When::Kept),
        ("/network/nodes.json", When::Kept),
        ("/network/nodes.json", When::AfterRound),
        ("/network/nodes.json", When::RacingTheRound),
    ] {
        let mut took = Vec::new();
        for _ in 0..30 {
            if when != When::Kept {
                state.node_figures.round_written();
            }
            if when == When::AfterRound {
                let t = Instant::now();
                app::services::nodes::kept::warm_round(&state, chrono::Utc::now())
                    .await
                    .expect("assemble");
                assembling.push(t.elapsed());
            }
            let t = Instant::now();
            let r = client
                .get(format!("http://{addr}{path}"))
                .send()
                .await
                .expect("get");
            assert_eq!(r.status(), reqwest::StatusCode::OK, "{path}");
            let _ = r.bytes().await.expect("body");
            took.push(t.elapsed());
        }
        let p50 = quantile(&mut took, 0.5);
        let p95 = quantile(&mut took, 0.95);
        println!(
            "  GET {path}{}: p50 {:.1} ms, p95 {:.1} ms{}",
            match when {
                When::Kept => "",
                When::AfterRound => " (after a round, as the poller leaves it)",
                When::RacingTheRound => " (a view racing a round: it computes the figures)",
            },
            ms(p50),
            ms(p95),
            if p95 <= Duration::from_millis(50) {
                ""
            } else {
                "   [goal ≤ 50 ms]"
            }
        );
    }
    println!(
        "  the poller assembling both pages' figures after a round: p50 {:.1} ms, p95 {:.1} ms",
        ms(quantile(&mut assembling, 0.5)),
        ms(quantile(&mut assembling, 0.95))
    );
    let _ = stop.send(());
    let _ = server.await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let n: usize = env_or("MINGA_BENCH_NODES", 500);
        let rounds: usize = env_or("MINGA_BENCH_ROUNDS", 5);
        let days: i64 = env_or("MINGA_BENCH_HISTORY_DAYS", 730);
        println!(
            "Minga node poller and network pages benchmark ({} cores)",
            std::thread::available_parallelism().map_or(1, |p| p.get())
        );
        println!("\n1. Poll rounds");
        poll_rounds(n, rounds).await;
        println!("\n2. The network's pages");
        pages(n, days).await;
    });
}
