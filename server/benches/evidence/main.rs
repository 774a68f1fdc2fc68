//! Speed and memory of the portal's evidence engine, reported as figures beside their goals (a
//! benchmark, not a test):
//!
//! 1. batch ingest through the sequencer (validated, canonicalised, hashed, appended to the tree,
//!    durable before the answer) against the raw SQLite insert rate of the same rows into the
//!    same table, measured in the same run on logs already holding 0, 200 k and 1 M entries;
//! 2. inclusion- and consistency-proof latency read from the stored tree of logs of 1 M and
//!    10 M entries;
//! 3. `GET /v/{id}` requests per second against the real server: records without a document,
//!    with a 1 MB and with a 10 MB document (and `/healthz` latency meanwhile);
//! 4. memory of the `minga` binary (its allocator, its bounded password hashing): RSS after
//!    start with the demo, after bursts of logins, and serving the largest log of part 1.
//!
//! `cargo bench -p server --bench evidence`. Settings (environment): `MINGA_BENCH_INGEST`
//! (evidences per measured window, default 20000), `MINGA_BENCH_INGEST_AT` (log sizes the window
//! starts at, default `0,200000,1000000`), `MINGA_BENCH_PROOF_SIZES` (default
//! `1000000,10000000`), `MINGA_BENCH_HTTP_SECONDS` (default 10), `MINGA_BENCH_HTTP_CLIENTS`
//! (default 16), `MINGA_BENCH_PARTS` (which parts to run, default `1,2,3,4`),
//! `MINGA_BENCH_MEMORY_LOG` (entries of a log grown through the log for part 4 instead of part 1's,
//! e.g. `10000000`; default off). Everything runs on
//! fresh on-disk SQLite databases in a temporary directory.

use app::AppState;
use app::domain::evidence::merkle::{self, Frontier, Node};
use app::domain::evidence::{Hash, jcs};
use app::services::evidence::{self, Submission, store};
use app::settings::Settings;
use serde_json::json;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use std::time::{Duration, Instant};

mod memory;
use memory::memory;

// the allocator of the `minga` binary, so that part 3 measures the portal as it runs
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

const BATCH: usize = 1000;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator, so that every run asks for the same entries.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn order(i: usize) -> Submission {
    Submission {
        kind: "purchase-order".into(),
        reference: format!("OC-2026-{i:07}"),
        data: json!({
            "entidad": "Municipalidad Provincial de Cusco",
            "ruc_entidad": "20172395410",
            "proveedor": {"ruc": format!("20{:09}", i * 7919 % 1_000_000_000), "nombre": "Suministros Andinos S.A.C."},
            "monto": (i % 100_000) as f64 * 1.25,
            "moneda": "PEN",
            "fecha": "2026-11-22",
            "acuerdo_marco": "IM-CE-2026-3",
        }),
        items: vec![
            json!({"proforma": format!("PF-{i}-1"), "monto": 100.5}),
            json!({"proforma": format!("PF-{i}-2"), "monto": 98.0}),
        ],
        document: None,
    }
}

async fn fresh_state(dir: &std::path::Path) -> AppState {
    let mut settings = Settings::embedded(dir.join("data"));
    settings.demo = false;
    settings.admin_password = Some("benchmark administrator password".into());
    let (state, _) = server::prepare(settings).await.expect("prepare");
    state
}

fn per_second(n: usize, took: Duration) -> f64 {
    n as f64 / took.as_secs_f64()
}

/// One evidence's row and its items, as they are stored.
struct RawRow {
    id: String,
    reference: String,
    data: String,
    hash: Vec<u8>,
    entry: String,
    link: Vec<u8>,
    items_root: Vec<u8>,
    items: Vec<String>,
}

/// Same rows (the evidence, its items and its hashes' lookup rows), same tables and indexes, same pragmas (WAL,
/// synchronous = FULL), transactions and statements of the same size; no validation, entry
/// hashing, tree or sequencer. Rows `from..from + n` of the table.
async fn raw_insert(db: &SqlitePool, from: usize, n: usize) -> Duration {
    let rows: Vec<RawRow> = (from..from + n)
        .map(|i| {
            let o = order(i);
            let data = String::from_utf8(jcs::canonicalize(&o.data)).expect("utf-8");
            let hash = Hash::of(data.as_bytes()).0.to_vec();
            let entry = format!(
                "{{\"ref\":\"{}\",\"data\":\"{}\"}}",
                o.reference,
                hex(&hash)
            );
            RawRow {
                id: evidence::sequencer::new_id().expect("id"),
                link: merkle::leaf_hash(entry.as_bytes()).0.to_vec(),
                entry,
                items_root: jcs::items_root(&o.items).map_or_else(Vec::new, |h| h.0.to_vec()),
                items: o
                    .items
                    .iter()
                    .map(|i| String::from_utf8(jcs::canonicalize(i)).expect("utf-8"))
                    .collect(),
                reference: o.reference,
                data,
                hash,
            }
        })
        .collect();
    let start = Instant::now();
    for (chunk_no, chunk) in rows.chunks(BATCH).enumerate() {
        let first = (from + chunk_no * BATCH) as i64;
        let indexed: Vec<(i64, &RawRow)> = (first..).zip(chunk.iter()).collect();
        let mut tx = app::db::begin_write(db).await.expect("begin");
        // the statements' shapes are the sequencer's: a few hundred rows each
        for part in indexed.chunks(500) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO evidences (idx, id, source, kind, ref, data_json, data_hash, document_hash, document_media_type,
                     document_filename, document_size, items_root, items_count, registered_at, entry, link_hash) ",
            );
            q.push_values(part, |mut b, (idx, row)| {
                b.push_bind(*idx)
                    .push_bind(&row.id)
                    .push_bind("raw")
                    .push_bind("purchase-order")
                    .push_bind(&row.reference)
                    .push_bind(&row.data)
                    .push_bind(&row.hash)
                    .push_bind(None::<Vec<u8>>)
                    .push_bind(None::<String>)
                    .push_bind(None::<String>)
                    .push_bind(None::<i64>)
                    .push_bind(&row.items_root)
                    .push_bind(row.items.len() as i64)
                    .push_bind("2026-11-22T00:00:00.000Z")
                    .push_bind(row.entry.as_bytes())
                    .push_bind(&row.link);
            });
            q.build().execute(&mut *tx).await.expect("insert");
        }
        let hashes: Vec<(i64, &[u8])> = indexed
            .iter()
            .flat_map(|(idx, row)| {
                [&row.hash, &row.link, &row.items_root]
                    .into_iter()
                    .filter(|h| !h.is_empty())
                    .map(move |h| (*idx, &h[..8]))
            })
            .collect();
        for part in hashes.chunks(300) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT INTO evidence_hashes (bucket, prefix, evidence_idx) ");
            q.push_values(part, |mut b, (idx, prefix)| {
                b.push_bind(idx / store::HASH_BUCKET)
                    .push_bind(*prefix)
                    .push_bind(*idx);
            });
            q.push(" ON CONFLICT DO NOTHING");
            q.build().execute(&mut *tx).await.expect("insert hashes");
        }
        let items: Vec<(i64, i64, &String)> = indexed
            .iter()
            .flat_map(|(idx, row)| {
                (0..)
                    .zip(row.items.iter())
                    .map(move |(p, item)| (*idx, p, item))
            })
            .collect();
        for part in items.chunks(300) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO evidence_items (evidence_idx, position, item_json) ",
            );
            q.push_values(part, |mut b, (idx, position, item)| {
                b.push_bind(*idx).push_bind(*position).push_bind(*item);
            });
            q.build().execute(&mut *tx).await.expect("insert items");
        }
        tx.commit().await.expect("commit");
    }
    start.elapsed()
}

/// Batches of `BATCH` through the public service, orders `from..from + n`.
async fn service_insert(state: &AppState, from: usize, n: usize) -> Duration {
    let kinds = vec!["purchase-order".to_string()];
    let orders: Vec<Submission> = (from..from + n).map(order).collect();
    let start = Instant::now();
    for chunk in orders.chunks(BATCH) {
        let done = evidence::submit(state, "catalogo", &kinds, chunk.to_vec(), true)
            .await
            .expect("batch accepted");
        assert_eq!(done.len(), chunk.len());
    }
    start.elapsed()
}

/// Ingest of a window of `n` evidences starting at each log size of `at`: through the log and
/// raw, each on its own database grown to that size first (untimed). Returns the log's data
/// directory, grown to the largest size, for part 4.
async fn ingest_at(n: usize, at: &[usize]) -> tempfile::TempDir {
    let log_dir = tempfile::tempdir().expect("temp dir");
    let state = fresh_state(log_dir.path()).await;
    let raw_dir = tempfile::tempdir().expect("temp dir");
    let raw_state = fresh_state(raw_dir.path()).await;
    let (mut log_size, mut raw_size) = (0, 0);
    for &size in at {
        if size > log_size {
            let t = Instant::now();
            service_insert(&state, log_size, size - log_size).await;
            raw_insert(&raw_state.db, raw_size, size - raw_size).await;
            println!(
                "  (grew both logs to {size} entries in {:.0} s)",
                t.elapsed().as_secs_f64()
            );
            (log_size, raw_size) = (size, size);
        }
        let raw = per_second(n, raw_insert(&raw_state.db, raw_size, n).await);
        let log = per_second(n, service_insert(&state, log_size, n).await);
        log_size += n;
        raw_size += n;
        println!(
            "  from {size:>8} entries: through the log {log:>8.0} evidences/s, raw {raw:>8.0} rows/s ({:>3.0} % of raw){}",
            100.0 * log / raw,
            if log >= 10_000.0 {
                ""
            } else {
                "   [goal ≥ 10000/s]"
            }
        );
    }
    state.db.close().await;
    raw_state.db.close().await;
    log_dir
}

/// A log grown to `size` entries through the service, with the rate of each million on the way.
async fn grow(size: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = fresh_state(dir.path()).await;
    let step = 1_000_000;
    for from in (0..size).step_by(step) {
        let n = step.min(size - from);
        let took = service_insert(&state, from, n).await;
        println!(
            "  {:>9} → {:>9} entries: {:>8.0} evidences/s",
            from,
            from + n,
            per_second(n, took)
        );
    }
    state.db.close().await;
    dir
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One evidence per request, 64 at once: the sequencer groups them into shared commits.
async fn singles_rate(n: usize) -> f64 {
    let kinds = vec!["purchase-order".to_string()];
    let dir = tempfile::tempdir().expect("temp dir");
    let state = fresh_state(dir.path()).await;
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..64 {
        let state = state.clone();
        let kinds = kinds.clone();
        tasks.spawn(async move {
            for i in (worker..n).step_by(64) {
                evidence::submit(&state, "catalogo", &kinds, vec![order(i)], false)
                    .await
                    .expect("accepted");
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.expect("worker");
    }
    per_second(n, start.elapsed())
}

/// Fills `log_tree` of a fresh database with `size` synthetic leaves and every complete
/// subtree above them, exactly as the sequencer stores them.
async fn synthetic_tree(db: &SqlitePool, size: u64) -> Hash {
    let mut frontier = Frontier::default();
    let mut pending: Vec<(Node, Hash)> = Vec::with_capacity(200_000);
    async fn flush(db: &SqlitePool, rows: &mut Vec<(Node, Hash)>) {
        let mut tx = app::db::begin_write(db).await.expect("begin");
        for chunk in rows.chunks(400) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT INTO log_tree (key, hash) ");
            q.push_values(chunk, |mut b, (node, hash)| {
                b.push_bind(node.key()).push_bind(hash.0.to_vec());
            });
            q.build().execute(&mut *tx).await.expect("insert nodes");
        }
        tx.commit().await.expect("commit");
        rows.clear();
    }
    for i in 0..size {
        let leaf = merkle::leaf_hash(&i.to_be_bytes());
        pending.extend(frontier.append(leaf));
        if pending.len() >= 200_000 {
            flush(db, &mut pending).await;
        }
    }
    flush(db, &mut pending).await;
    frontier.root()
}

fn quantile(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort();
    samples[((samples.len() - 1) as f64 * q) as usize]
}

fn summary(mut samples: Vec<Duration>) -> String {
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    format!(
        "mean {:>7.3} ms   p50 {:>7.3} ms   p95 {:>7.3} ms   p99 {:>7.3} ms   max {:>7.3} ms",
        mean.as_secs_f64() * 1e3,
        at(0.5).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3,
    )
}

async fn proof_latency(size: u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = fresh_state(dir.path()).await;
    let db = &state.db;
    let start = Instant::now();
    let root = synthetic_tree(db, size).await;
    println!(
        "  {size:>10} entries: tree of {} nodes stored in {:.1} s",
        2 * size,
        start.elapsed().as_secs_f64()
    );
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    // proofs against the full tree must verify against its root (checked outside the timing)
    for _ in 0..50 {
        let index = rng.below(size);
        let proof = store::inclusion_proof(db, index, size)
            .await
            .expect("proof");
        let leaf = merkle::leaf_hash(&index.to_be_bytes());
        merkle::verify_inclusion(index, size, &leaf, &proof, &root).expect("proof verifies");
    }
    let mut inclusion = Vec::with_capacity(5000);
    for _ in 0..5000 {
        let index = rng.below(size);
        let t = Instant::now();
        let proof = store::inclusion_proof(db, index, size)
            .await
            .expect("proof");
        inclusion.push(t.elapsed());
        assert!(!proof.is_empty());
    }
    let mut consistency = Vec::with_capacity(2000);
    for _ in 0..2000 {
        let from = 1 + rng.below(size - 1);
        let t = Instant::now();
        store::consistency_proof(db, from, size)
            .await
            .expect("proof");
        consistency.push(t.elapsed());
    }
    println!("    inclusion proof   {}", summary(inclusion));
    println!("    consistency proof {}", summary(consistency));
}

/// An order whose document is `size` bytes (distinct per order).
fn with_document(i: usize, size: usize) -> Submission {
    let mut o = order(i);
    let mut bytes = format!("%PDF-1.4\n% orden {i}\n").into_bytes();
    let mut rng = XorShift(0x1234_5678 + i as u64);
    while bytes.len() < size {
        bytes.push(b' ' + rng.below(90) as u8);
    }
    o.document = Some(evidence::DocumentUpload {
        bytes,
        media_type: "application/pdf".into(),
        filename: format!("orden-{i}.pdf"),
    });
    o
}

/// `clients` viewers of random pages among `ids` for `seconds`, and one `/healthz` prober.
async fn load(
    addr: std::net::SocketAddr,
    client: &reqwest::Client,
    ids: Vec<String>,
    seconds: u64,
    clients: usize,
) -> (f64, Vec<Duration>, Vec<Duration>) {
    let ids = std::sync::Arc::new(ids);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..clients {
        let ids = ids.clone();
        let client = client.clone();
        tasks.spawn(async move {
            let mut rng = XorShift(0x2545_f491_4f6c_dd1d + c as u64);
            let mut samples = Vec::new();
            while Instant::now() < deadline {
                let id = &ids[rng.below(ids.len() as u64) as usize];
                let t = Instant::now();
                let r = client
                    .get(format!("http://{addr}/v/{id}"))
                    .send()
                    .await
                    .expect("get");
                assert_eq!(r.status(), reqwest::StatusCode::OK);
                let body = r.bytes().await.expect("body");
                samples.push(t.elapsed());
                assert!(!body.is_empty());
            }
            samples
        });
    }
    let prober = {
        let client = client.clone();
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let r = client
                    .get(format!("http://{addr}/healthz"))
                    .send()
                    .await
                    .expect("get");
                assert!(r.status().is_success());
                samples.push(t.elapsed());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            samples
        })
    };
    let mut samples = Vec::new();
    while let Some(r) = tasks.join_next().await {
        samples.extend(r.expect("client"));
    }
    let health = prober.await.expect("prober");
    (samples.len() as f64 / seconds as f64, samples, health)
}

async fn page_rate(seconds: u64, clients: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let mut settings = Settings::embedded(dir.path().join("data"));
    settings.listen = addr;
    settings.public_url = format!("http://{addr}");
    settings.demo = false;
    settings.admin_password = Some("benchmark administrator password".into());
    let (state, _) = server::prepare(settings).await.expect("prepare");
    let kinds = vec!["purchase-order".to_string()];
    // the pages' data: 10,000 orders without a document, 40 with 1 MB, 8 with 10 MB
    let mut sets: Vec<(&str, Vec<String>)> = Vec::new();
    for (label, count, size) in [
        ("no document", 10_000usize, 0usize),
        ("1 MB document", 40, 1 << 20),
        ("10 MB document", 8, 10 << 20),
    ] {
        let mut ids = Vec::new();
        let first = 100_000 * (sets.len() + 1);
        for chunk in (first..first + count)
            .collect::<Vec<_>>()
            .chunks(if size == 0 { BATCH } else { 4 })
        {
            let subs = chunk
                .iter()
                .map(|i| {
                    if size == 0 {
                        order(*i)
                    } else {
                        with_document(*i, size)
                    }
                })
                .collect();
            let done = evidence::submit(&state, "catalogo", &kinds, subs, true)
                .await
                .expect("batch");
            ids.extend(done.into_iter().map(|r| r.id));
        }
        sets.push((label, ids));
    }
    // purchase orders are public: the page shows the record too
    evidence::api_keys::create(
        &state,
        &app::services::authority::Admin::operator(),
        "catalogo",
        "purchase-order",
        true,
        &app::services::audit::Actor::system("benchmark"),
    )
    .await
    .expect("public kind");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve(state.clone(), listener, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    // wait for the signer to cover the log
    let last = sets
        .last()
        .and_then(|(_, ids)| ids.last().cloned())
        .expect("ids");
    loop {
        if text(&client, &format!("http://{addr}/v/{last}"))
            .await
            .contains("verdict-ok")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for (label, ids) in sets {
        let (rate, mut samples, mut health) = load(addr, &client, ids, seconds, clients).await;
        let p95 = quantile(&mut samples, 0.95);
        println!(
            "  GET /v/{{id}}, {label}: {rate:>6.0} requests/s over {seconds} s with {clients} clients on the same machine{}",
            if rate >= 5000.0 && p95 <= Duration::from_millis(20) {
                ""
            } else {
                "   [goal ≥ 5000/s, p95 ≤ 20 ms]"
            }
        );
        println!("    latency {}", summary(samples));
        println!(
            "    /healthz meanwhile: p99 {:.1} ms",
            quantile(&mut health, 0.99).as_secs_f64() * 1e3
        );
    }
    let _ = stop.send(());
    let _ = server.await;
}

async fn text(client: &reqwest::Client, url: &str) -> String {
    client
        .get(url)
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body")
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing useful: run either way
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let parts: String = env_or("MINGA_BENCH_PARTS", "1,2,3,4".to_string());
        let part = |n: &str| parts.split(',').any(|p| p.trim() == n);
        let n: usize = env_or("MINGA_BENCH_INGEST", 20_000);
        println!("Minga evidence engine benchmark ({} cores)", std::thread::available_parallelism().map_or(1, |p| p.get()));
        let mut largest = None;
        if part("1") {
            let mut at: Vec<usize> = env_or("MINGA_BENCH_INGEST_AT", "0,200000,1000000".to_string())
                .split(',')
                .filter_map(|s| s.trim().parse().ok())
                .collect();
            at.sort_unstable();
            println!("\n1. Ingest of {n} purchase orders (2 items each), durable (WAL, synchronous = FULL), batches of {BATCH}");
            let dir = ingest_at(n, &at).await;
            let singles = singles_rate(n.min(5000)).await;
            println!("  through the log, one per request, 64 concurrent: {singles:>9.0} evidences/s");
            let entries = at.last().copied().unwrap_or(0) + n;
            largest = Some((entries, dir));
        }
        if part("2") {
            println!("\n2. Proofs read from the stored tree");
            let sizes: String = env_or("MINGA_BENCH_PROOF_SIZES", "1000000,10000000".to_string());
            for size in sizes.split(',').filter_map(|s| s.trim().parse::<u64>().ok()) {
                proof_latency(size).await;
            }
        }
        if part("3") {
            println!("\n3. The public verification page");
            page_rate(
                env_or("MINGA_BENCH_HTTP_SECONDS", 10),
                env_or("MINGA_BENCH_HTTP_CLIENTS", 16),
            )
            .await;
        }
        let grow_to: usize = env_or("MINGA_BENCH_MEMORY_LOG", 0);
        if part("4") && grow_to > 0 {
            println!("\n4. (a log of {grow_to} entries for part 4, grown through the log)");
            largest = Some((grow_to, grow(grow_to).await));
        }
        if part("4") {
            println!("\n4. Memory of the minga binary (resident set)");
            memory(largest.as_ref().map(|(n, d)| (*n, d.path().join("data")))
                .as_ref()
                .map(|(n, p)| (*n, p.as_path())))
            .await;
        }
    });
}
