//! `minga backup` of a portal under write load, `minga restore` into a new data directory, the
//! audit of what was restored, and a restore refused when the copy was altered.

use crate::support::TestApp;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
use tokio::sync::Mutex;

const PDF: &[u8] = b"%PDF-1.4\n% orden de compra\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// Runs `minga ARGS` on `data_dir`, with nothing from the environment of the test run.
async fn minga(data_dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_minga"))
        .args(args)
        .env("MINGA_DATA_DIR", data_dir)
        .env("MINGA_DEMO", "false")
        .env_remove("MINGA_DATABASE_URL")
        .output()
        .await
        .expect("run minga");
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// One evidence, every third with a document; returns its id once acknowledged.
async fn submit(client: &reqwest::Client, base: &str, key: &str, n: usize) -> String {
    let body = if n.is_multiple_of(3) {
        let pdf = [PDF, format!("% {n}\n").as_bytes()].concat();
        json!({"kind": "purchase-order", "ref": format!("OC-B-{n}"), "data": {"monto": n},
               "document": {"content_base64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, pdf),
                            "media_type": "application/pdf", "filename": format!("oc-{n}.pdf")}})
    } else {
        json!({"kind": "purchase-order", "ref": format!("OC-B-{n}"), "data": {"monto": n}})
    };
    let r = client
        .post(format!("{base}/api/v1/evidence"))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .expect("post");
    assert!(r.status().is_success(), "{}", r.status());
    let v: Value = r.json().await.expect("json");
    v["id"].as_str().expect("id").to_string()
}

#[tokio::test]
async fn a_backup_under_write_load_restores_and_audits_clean_with_every_acknowledged_evidence() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let data_dir = app.state.settings.data_dir.clone();

    // writers keep registering evidences while the backup runs
    let acknowledged: Arc<Mutex<Vec<(Instant, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..3 {
        let (acknowledged, stop, key) = (acknowledged.clone(), stop.clone(), key.clone());
        let base = app.url("");
        writers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut n = w;
            while !stop.load(Ordering::Relaxed) {
                let id = submit(&client, &base, &key, n).await;
                acknowledged.lock().await.push((Instant::now(), id));
                n += 3;
            }
        }));
    }
    while acknowledged.lock().await.len() < 30 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    let tmp = tempfile::tempdir().expect("dir");
    let backup_dir = tmp.path().join("backup");
    let started = Instant::now();
    let (code, out) = minga(&data_dir, &["backup", backup_dir.to_str().expect("path")]).await;
    assert_eq!(code, Some(0), "{out}");
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.expect("writer");
    }
    let before: Vec<String> = acknowledged
        .lock()
        .await
        .iter()
        .filter(|(at, _)| *at < started)
        .map(|(_, id)| id.clone())
        .collect();
    assert!(before.len() >= 30);
    assert!(out.contains("SHA256SUMS"), "{out}");
    let manifest = std::fs::read_to_string(backup_dir.join("SHA256SUMS")).expect("manifest");
    assert!(manifest.contains("  minga.db\n"));
    assert!(manifest.contains("  keys/log.key\n"));
    assert!(
        manifest.contains("  documents/"),
        "the documents are copied"
    );
    let info: Value = serde_json::from_str(
        &std::fs::read_to_string(backup_dir.join("backup.json")).expect("info"),
    )
    .expect("json");
    assert_eq!(info["format"], "minga-backup/1");
    assert!(info["evidences"].as_i64().expect("count") >= before.len() as i64);

    // a backup never overwrites: the same directory again is refused
    let (code, out) = minga(&data_dir, &["backup", backup_dir.to_str().expect("path")]).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("not empty"), "{out}");

    // restored into a new data directory, the audit passes and every evidence acknowledged
    // before the backup started is there, with its document
    let restored = tmp.path().join("restored");
    let (code, out) = minga(&restored, &["restore", backup_dir.to_str().expect("path")]).await;
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = minga(&restored, &["audit"]).await;
    assert_eq!(code, Some(0), "the restored log audits clean: {out}");
    let pool =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", restored.join("minga.db").display()))
            .await
            .expect("open restored");
    for id in &before {
        let found: Option<Option<Vec<u8>>> =
            sqlx::query_scalar("SELECT document_hash FROM evidences WHERE id = ?")
                .bind(id)
                .fetch_optional(&pool)
                .await
                .expect("query");
        let Some(document) = found else {
            panic!("acknowledged evidence {id} is missing from the restored copy");
        };
        if let Some(hash) = document {
            let hex = hex::encode(&hash);
            assert!(
                restored
                    .join("documents")
                    .join(&hex[..2])
                    .join(&hex)
                    .is_file(),
                "{id}'s document was restored"
            );
        }
    }
    pool.close().await;

    // restoring over a data directory that holds a database is refused
    let (code, out) = minga(&restored, &["restore", backup_dir.to_str().expect("path")]).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("already holds a database"), "{out}");

    // an altered copy (one document changed, one file added) is refused, and nothing restored
    let document = manifest
        .lines()
        .find_map(|l| {
            l.split_once("  ")
                .map(|(_, p)| p)
                .filter(|p| p.starts_with("documents/"))
        })
        .expect("a document");
    std::fs::write(backup_dir.join(document), b"%PDF forged").expect("alter");
    std::fs::write(backup_dir.join("extra.txt"), b"?").expect("add");
    let elsewhere = tmp.path().join("elsewhere");
    let (code, out) = minga(&elsewhere, &["restore", backup_dir.to_str().expect("path")]).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("{document}: its SHA-256 is not the one listed")),
        "{out}"
    );
    assert!(out.contains("extra.txt: not listed"), "{out}");
    assert!(!elsewhere.join("minga.db").exists(), "nothing restored");
    app.stop().await;
}
