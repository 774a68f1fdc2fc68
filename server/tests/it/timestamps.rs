//! Time-stamping checkpoints with a real RFC 3161 authority: `openssl ts -reply` behind a small
//! HTTP server on 127.0.0.1, with a test CA and TSA certificate made by `openssl` here.

use crate::anchors::submit;
use crate::support::*;
use app::services::anchors;
use app::settings::TsaSettings;
use axum::body::Bytes;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is installed");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, a TSA certificate it issued (extendedKeyUsage critical timeStamping), an untrusted
/// look-alike TSA (self-signed), and the `openssl ts` configuration of each.
fn make_pki(dir: &Path) {
    std::fs::write(
        dir.join("tsa-ext.cnf"),
        "extendedKeyUsage = critical, timeStamping\n",
    )
    .expect("ext");
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-subj",
            "/CN=Minga Test CA",
            "-days",
            "3",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ],
    );
    for name in ["tsa", "rogue"] {
        openssl(
            dir,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.csr"),
                "-subj",
                "/CN=Minga Test TSA",
            ],
        );
    }
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "tsa.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "tsa.crt",
            "-days",
            "3",
            "-extfile",
            "tsa-ext.cnf",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "rogue.csr",
            "-signkey",
            "rogue.key",
            "-out",
            "rogue.crt",
            "-days",
            "3",
            "-extfile",
            "tsa-ext.cnf",
        ],
    );
    for name in ["tsa", "rogue"] {
        std::fs::write(dir.join(format!("{name}.serial")), "01\n").expect("serial");
        std::fs::write(
            dir.join(format!("{name}.cnf")),
            format!(
                "[ tsa ]\ndefault_tsa = tsa_config\n[ tsa_config ]\ndir = {dir}\nserial = $dir/{name}.serial\n\
                 crypto_device = builtin\nsigner_cert = $dir/{name}.crt\n\
                 signer_key = $dir/{name}.key\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\n\
                 digests = sha256\naccuracy = secs:1\nordering = no\ntsa_name = no\n\
                 ess_cert_id_chain = no\ness_cert_id_alg = sha256\n",
                dir = dir.display()
            ),
        )
        .expect("config");
    }
}

const GOOD: u8 = 0;
/// Answers with a token for another request (another digest and nonce).
const MISMATCHED: u8 = 1;
/// Answers signed by a TSA that does not chain to the trust anchor.
const ROGUE: u8 = 2;
/// Answers HTTP 503, like an authority that is down.
const DOWN: u8 = 3;

/// The TSA: every POSTed query is answered by `openssl ts -reply`.
async fn serve_tsa(dir: PathBuf, mode: Arc<AtomicU8>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = axum::Router::new().route(
        "/",
        axum::routing::post(move |body: Bytes| {
            let dir = dir.clone();
            let mode = mode.load(Ordering::SeqCst);
            async move {
                if mode == DOWN {
                    return (axum::http::StatusCode::SERVICE_UNAVAILABLE, Vec::new());
                }
                let n: u64 = rand_suffix();
                let query = dir.join(format!("q{n}.tsq"));
                let reply = dir.join(format!("r{n}.tsr"));
                if mode == MISMATCHED {
                    let other = dir.join(format!("o{n}.txt"));
                    std::fs::write(&other, b"something else").expect("data");
                    openssl(
                        &dir,
                        &[
                            "ts",
                            "-query",
                            "-data",
                            other.to_str().expect("p"),
                            "-sha256",
                            "-cert",
                            "-out",
                            query.to_str().expect("p"),
                        ],
                    );
                } else {
                    std::fs::write(&query, &body).expect("query");
                }
                let signer = if mode == ROGUE { "rogue" } else { "tsa" };
                openssl(
                    &dir,
                    &[
                        "ts",
                        "-reply",
                        "-config",
                        &format!("{signer}.cnf"),
                        "-queryfile",
                        query.to_str().expect("p"),
                        "-out",
                        reply.to_str().expect("p"),
                    ],
                );
                (
                    axum::http::StatusCode::OK,
                    std::fs::read(&reply).expect("reply"),
                )
            }
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/")
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::AtomicU64;
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

async fn stamps(app: &TestApp) -> Vec<(i64, Option<Vec<u8>>, Option<String>)> {
    sqlx::query_as(
        "SELECT a.tree_size, a.token, c.note FROM anchors a JOIN checkpoints c ON c.id = a.checkpoint_id JOIN anchor_backends b ON b.name = a.backend WHERE a.state = 'done' AND b.kind = 'rfc3161' ORDER BY a.id",
    )
    .fetch_all(&app.state.db)
    .await
    .expect("anchors")
}

#[tokio::test]
async fn checkpoints_are_time_stamped_and_forged_answers_refused() {
    let pki = tempfile::tempdir().expect("dir");
    make_pki(pki.path());
    let mode = Arc::new(AtomicU8::new(MISMATCHED));
    let url = serve_tsa(pki.path().to_path_buf(), mode.clone()).await;
    let ca = pki.path().join("ca.crt");
    // the whole set-up of the issue, several backends at once: two chains (anvil, chain ids
    // 31337 and 648540 as a stand-in for LACChain) and a time-stamping authority
    let anvil = crate::anchors::Anvil::start(crate::anchors::free_port()).await;
    let second = crate::anchors::Anvil::start_chain(crate::anchors::free_port(), 648540).await;
    let chains = [anvil.url.clone(), second.url.clone()];
    let app = TestApp::spawn_with(move |s| {
        s.anchor_interval = chrono::Duration::seconds(1);
        s.anchor_retry = Duration::from_millis(200);
        s.anchor_retry_max = Duration::from_millis(500);
        s.tsa = vec![TsaSettings {
            name: app::settings::backend_name("tsa", &url),
            url,
            ca_file: ca,
        }];
        s.eth = chains
            .iter()
            .map(|rpc| app::settings::EthSettings {
                name: app::settings::backend_name("eth", rpc),
                rpc_url: rpc.clone(),
                private_key: crate::anchors::DEV_KEY.into(),
                confirmations: 1,
                explorer: Some(format!("https://explorer.example/{}/tx/{{tx}}", rpc.len())),
            })
            .collect();
    })
    .await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let index = submit(&app, &key, "OC-TS-1").await;

    // a token for another request is refused, and so is one from a TSA we do not trust
    for (forgery, expected) in [
        (MISMATCHED, "nonce is not the request's"),
        (ROGUE, "does not chain to the configured trust anchor"),
        (DOWN, "HTTP 503"),
    ] {
        mode.store(forgery, Ordering::SeqCst);
        let mut seen = String::new();
        for _ in 0..100 {
            let status = anchors::backends(&app.state.db).await.expect("status");
            seen = status
                .iter()
                .find(|s| s.kind == "rfc3161")
                .and_then(|s| s.last_error.clone())
                .unwrap_or_default();
            if seen.contains(expected) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(seen.contains(expected), "{forgery}: {seen}");
        assert!(
            stamps(&app).await.is_empty(),
            "nothing kept from a bad answer"
        );
    }

    // the real authority answers: the checkpoint is stamped
    mode.store(GOOD, Ordering::SeqCst);
    let mut done = Vec::new();
    for _ in 0..100 {
        done = stamps(&app).await;
        if !done.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (size, token, note) = done.first().cloned().expect("stamped");
    let token = token.expect("token");
    assert!(size as u64 > index);

    // `openssl ts -verify` accepts the stored token for the checkpoint's text
    let note = note.expect("note");
    let token_file = pki.path().join("token.der");
    let note_file = pki.path().join("checkpoint.txt");
    std::fs::write(&token_file, &token).expect("token");
    std::fs::write(&note_file, &note).expect("note");
    let out = Command::new("openssl")
        .args(["ts", "-verify", "-token_in", "-in"])
        .arg(&token_file)
        .arg("-data")
        .arg(&note_file)
        .args(["-CAfile", "ca.crt", "-untrusted", "tsa.crt"])
        .current_dir(pki.path())
        .output()
        .expect("openssl");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("Verification: OK"),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // the evidence's page and receipt show the time-stamp
    let covering = anchors::covering(&app.state.db, index)
        .await
        .expect("covering");
    assert_eq!(covering.len(), 3, "{covering:?}");
    let stamp = covering
        .iter()
        .find(|a| a.kind == "rfc3161")
        .expect("time-stamp");
    assert!(stamp.stamped_at.is_some());
    for chain in [31337, 648540] {
        assert!(
            covering
                .iter()
                .any(|a| a.kind == "ethereum" && a.chain_id == Some(chain) && a.tx_hash.is_some()),
            "{chain}: {covering:?}"
        );
    }
    let id: String = sqlx::query_scalar("SELECT id FROM evidences WHERE idx = ?")
        .bind(index as i64)
        .fetch_one(&app.state.db)
        .await
        .expect("id");
    let receipt: serde_json::Value =
        reqwest::get(app.url(&format!("/api/v1/evidence/{id}/receipt")))
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
    let ts = receipt["anchors"]
        .as_array()
        .and_then(|a| a.iter().position(|x| x["type"] == "rfc3161"))
        .expect("a time-stamp in the receipt");
    assert!(
        receipt["anchors"][ts]["token"]
            .as_str()
            .is_some_and(|t| t.len() > 100)
    );

    // `minga verify --tsa-cert`: the token checks offline against the CA; checked against
    // another certificate, or with the anchored checkpoint text edited, it does not
    let vkey = app.verifier_key().await;
    let run = |receipt: &serde_json::Value, cert: &str| {
        let path = pki.path().join("receipt.json");
        std::fs::write(&path, serde_json::to_vec(receipt).expect("json")).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_minga"))
            .arg("verify")
            .arg(&path)
            .args(["--key", &vkey, "--tsa-cert"])
            .arg(pki.path().join(cert))
            .env("MINGA_DATA_DIR", pki.path().join("no-portal-here"))
            .output()
            .expect("run");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (code, out) = run(&receipt, "ca.crt");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("✓ timestamp"), "{out}");
    let (code, out) = run(&receipt, "rogue.crt");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("NOT VERIFIED: failed timestamp"), "{out}");
    let mut forged = receipt.clone();
    let text = forged["anchors"][ts]["checkpoint"]
        .as_str()
        .expect("checkpoint text")
        .to_string();
    forged["anchors"][ts]["checkpoint"] = serde_json::Value::from(text.replacen('\n', "\n\n", 1));
    let (code, out) = run(&forged, "ca.crt");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("✗ timestamp"), "{out}");
    let text = visible_text(
        &app.browser()
            .get(&format!("/v/{id}"))
            .await
            .text()
            .await
            .expect("page"),
    );
    assert!(text.contains("Sello de tiempo"), "{text}");
    for chain in ["31337", "648540"] {
        assert!(
            text.contains(&format!("Cadena de bloques (id de cadena {chain})")),
            "{text}"
        );
    }
    assert!(!text.contains("NO COINCIDE"), "{text}");

    // the round's batch report lists the evidence; it is an evidence itself, on /reports
    let mut report: Option<(String, i64, i64)> = None;
    for _ in 0..100 {
        report = sqlx::query_as(
            "SELECT evidence_id, from_size, to_size FROM batch_reports WHERE from_size <= ? AND to_size > ? ",
        )
        .bind(index as i64)
        .bind(index as i64)
        .fetch_optional(&app.state.db)
        .await
        .expect("report");
        if report.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (report_id, _, _) = report.expect("a batch report covers the evidence");
    let reports = visible_text(
        &app.browser()
            .get("/reports")
            .await
            .text()
            .await
            .expect("page"),
    );
    assert!(reports.contains("Informes de lote"), "{reports}");
    let pdf = reqwest::get(app.url(&format!("/api/v1/evidence/{report_id}/document")))
        .await
        .expect("get")
        .bytes()
        .await
        .expect("pdf");
    assert!(pdf.starts_with(b"%PDF"));
    let pdf_file = pki.path().join("report.pdf");
    std::fs::write(&pdf_file, &pdf).expect("write");
    let out = Command::new("pdftotext")
        .arg(&pdf_file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let words = String::from_utf8_lossy(&out.stdout);
    let link: Vec<u8> = sqlx::query_scalar("SELECT link_hash FROM evidences WHERE idx = ?")
        .bind(index as i64)
        .fetch_one(&app.state.db)
        .await
        .expect("link");
    for expected in [
        "Informe de lote de evidencias",
        "Evidencias selladas",
        "OC-TS-1",
        id.as_str(),
        &hex::encode(&link),
        "Sello de tiempo RFC 3161",
        "transacción",
        "página 1",
    ] {
        assert!(words.contains(expected), "{expected} in:\n{words}");
    }
    let view: serde_json::Value = reqwest::get(app.url(&format!("/api/v1/evidence/{report_id}")))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(view["kind"], "evidence.batch-report");
    assert_eq!(view["source"], "portal");
    app.stop().await;
}
