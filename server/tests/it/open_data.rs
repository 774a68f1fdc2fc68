//! Open data: every public register as CSV and JSON matching its page, the dump registered in
//! the log and checked by `minga verify` and by GNU tar, and the DCAT-AP catalogue.

use crate::evidence::minga_verify;
use crate::support::*;
use app::domain::csv;
use app::services::open_data::{DATASETS, dump};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

async fn download(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    let r = reqwest::get(app.url(path)).await.expect("get");
    let status = r.status();
    let media = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, media, r.text().await.expect("body"))
}

#[tokio::test]
async fn every_register_downloads_as_csv_and_json_that_match_its_page() {
    let app = TestApp::spawn_with(|s| s.demo = true).await;
    let b = app.browser();
    for d in DATASETS {
        let (status, media, text) = download(&app, &format!("/data/{}.csv", d.slug)).await;
        assert_eq!(status, StatusCode::OK, "{}", d.slug);
        assert!(media.starts_with("text/csv; charset=utf-8"), "{media}");
        let records = csv::parse(&text).unwrap_or_else(|p| panic!("{}.csv: {p:?}", d.slug));
        let names: Vec<&str> = d.columns.iter().map(|c| c.name).collect();
        assert_eq!(records[0], names, "{}.csv header", d.slug);
        assert!(
            records.iter().all(|r| r.len() == names.len()),
            "{}.csv: a record with another number of fields",
            d.slug
        );
        let (status, media, text) = download(&app, &format!("/data/{}.json", d.slug)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(media, "application/json");
        let rows: Vec<serde_json::Map<String, Value>> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}.json: {e}", d.slug));
        assert_eq!(
            rows.len(),
            records.len() - 1,
            "{}: CSV and JSON rows",
            d.slug
        );
        for (row, record) in rows.iter().zip(&records[1..]) {
            let keys: Vec<&str> = row.keys().map(String::as_str).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            assert_eq!(keys, sorted, "{}.json keys", d.slug);
            // the same values in both formats
            for (name, field) in names.iter().zip(record) {
                let shown = match &row[*name] {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                assert_eq!(&shown, field, "{}.{name}", d.slug);
            }
        }
        // the page that shows the register links to both files
        let (_, html) = b.text(d.page).await;
        for ext in ["csv", "json"] {
            assert!(
                html.contains(&format!("href=\"/data/{}.{ext}\"", d.slug)),
                "{} links {}.{ext}",
                d.page,
                d.slug
            );
        }
    }

    let json = |slug: &'static str| {
        let app = &app;
        async move {
            let (_, _, text) = download(app, &format!("/data/{slug}.json")).await;
            serde_json::from_str::<Vec<Value>>(&text).expect("json")
        }
    };
    // row counts and values against the pages and the records
    let collectives = json("collectives").await;
    let (_, html) = b.text("/collectives").await;
    assert_eq!(collectives.len(), 4);
    for c in &collectives {
        assert!(
            html.contains(&format!(
                "/collectives/{}\"",
                c["slug"].as_str().expect("slug")
            )),
            "{c}"
        );
    }
    let nodes = json("nodes").await;
    let (_, html) = b.text("/network").await;
    let network = visible_text(&html);
    assert!(!nodes.is_empty());
    for n in &nodes {
        assert!(network.contains(n["name"].as_str().expect("name")), "{n}");
    }
    let meetings = json("meetings").await;
    let (_, html) = b.text("/meetings").await;
    let listed = visible_text(&html);
    assert_eq!(meetings.len(), 2);
    for m in &meetings {
        assert!(
            listed.contains(m["title_es"].as_str().expect("title")),
            "{m}"
        );
    }
    let projects = json("projects").await;
    let (_, html) = b.text("/projects").await;
    let listed = visible_text(&html);
    for p in &projects {
        assert!(listed.contains(p["title"].as_str().expect("title")), "{p}");
    }
    let decisions = json("decisions").await;
    let shown: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM decisions")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(decisions.len() as i64, shown);
    let newest = decisions.last().expect("a decision");
    let (_, html) = b.text("/decisions").await;
    assert!(visible_text(&html).contains(newest["title_es"].as_str().expect("title")));
    // recorded votes publish their rolls; secret ones do not
    let rolls = json("vote-rolls").await;
    let secret: HashSet<i64> = json("votes")
        .await
        .iter()
        .filter(|v| v["secret"] == 1)
        .filter_map(|v| v["id"].as_i64())
        .collect();
    assert!(!secret.is_empty() && !rolls.is_empty());
    assert!(
        rolls
            .iter()
            .all(|r| !secret.contains(&r["vote_id"].as_i64().expect("id")))
    );
    // the demo's purchase orders are public: their data is in the evidences' file
    let evidences = json("evidences").await;
    let order = evidences
        .iter()
        .find(|e| e["reference"] == "OC-2026-000123")
        .expect("the demo's order");
    assert!(
        order["data"]
            .as_str()
            .expect("data")
            .contains("Ferretería Andina")
    );
    // nothing private: no e-mail address in any register
    for d in DATASETS {
        let (_, _, text) = download(&app, &format!("/data/{}.csv", d.slug)).await;
        assert!(
            !text.contains("@minga.example"),
            "{} has an address",
            d.slug
        );
    }

    for path in ["/data/nope.csv", "/data/decisions.xml", "/data/decisions"] {
        assert_eq!(
            reqwest::get(app.url(path)).await.expect("get").status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    app.stop().await;
}

/// Every term of a JSON-LD document is a keyword or a compact IRI whose prefix the context
/// defines (so a processor expands it to a full IRI and drops nothing).
fn terms_are_defined(value: &Value, prefixes: &HashSet<String>, at: &str) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "@context" {
                    continue;
                }
                if !key.starts_with('@') {
                    let (prefix, _) = key
                        .split_once(':')
                        .ok_or_else(|| format!("{at}/{key}: not a compact IRI"))?;
                    if !prefixes.contains(prefix) {
                        return Err(format!("{at}/{key}: prefix {prefix} is not in the context"));
                    }
                }
                terms_are_defined(inner, prefixes, &format!("{at}/{key}"))?;
            }
            Ok(())
        }
        Value::Array(list) => list
            .iter()
            .enumerate()
            .try_for_each(|(n, v)| terms_are_defined(v, prefixes, &format!("{at}/{n}"))),
        _ => Ok(()),
    }
}

#[tokio::test]
async fn the_dump_is_an_evidence_checked_by_minga_verify_and_listed_in_the_catalogue() {
    let app = TestApp::spawn_with(|s| s.demo = true).await;
    // the demo's decisions are registered by the publisher, just after start
    for _ in 0..100 {
        let unpublished: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM decisions WHERE evidence_id IS NULL")
                .fetch_one(&app.state.db)
                .await
                .expect("count");
        if unpublished == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let first = dump::dump(&app.state)
        .await
        .expect("dump")
        .expect("a first dump");
    // nothing changed since: no second dump
    if let Some(again) = dump::dump(&app.state).await.expect("dump") {
        let before = first.manifest().expect("manifest").files;
        let changed: Vec<String> = again
            .manifest()
            .expect("manifest")
            .files
            .into_iter()
            .filter(|f| {
                !before
                    .iter()
                    .any(|b| b.name == f.name && b.sha256 == f.sha256)
            })
            .map(|f| f.name)
            .collect();
        panic!("a second dump with nothing changed: {changed:?}");
    }
    let manifest = first.manifest().expect("manifest");
    assert_eq!(manifest.files.len(), DATASETS.len() * 2);

    // the archive is the evidence's document; GNU tar reads it, and every file is as listed
    let archive =
        reqwest::get(app.url(&format!("/api/v1/evidence/{}/document", first.evidence_id)))
            .await
            .expect("get")
            .bytes()
            .await
            .expect("archive");
    assert_eq!(hex::encode(Sha256::digest(&archive)), first.archive_sha256);
    let dir = tempfile::tempdir().expect("dir");
    let archive_path = dir.path().join(&first.archive_name);
    std::fs::write(&archive_path, &archive).expect("write");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("dir");
    let status = std::process::Command::new("tar")
        .arg("-xzf")
        .arg(&archive_path)
        .arg("-C")
        .arg(&out)
        .status()
        .expect("tar");
    assert!(status.success());
    for f in &manifest.files {
        let bytes = std::fs::read(out.join(&f.name)).expect("extracted");
        assert_eq!(hex::encode(Sha256::digest(&bytes)), f.sha256, "{}", f.name);
        assert_eq!(bytes.len() as u64, f.bytes);
    }
    let in_archive: Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest"))
            .expect("json");
    assert_eq!(
        in_archive["files"].as_array().map(Vec::len),
        Some(manifest.files.len())
    );
    // served one by one, byte for byte, and (nothing changed) the same as the live file
    let kept = reqwest::get(app.url(&format!("/data/dumps/{}/decisions.csv", first.id)))
        .await
        .expect("get")
        .bytes()
        .await
        .expect("body");
    assert_eq!(
        kept,
        std::fs::read(out.join("decisions.csv")).expect("file")
    );
    for wrong in ["nope.csv", "..%2Fminga.db", "decisions.xml"] {
        let r = reqwest::get(app.url(&format!("/data/dumps/{}/{wrong}", first.id)))
            .await
            .expect("get");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{wrong}");
    }
    let (_, _, live) = download(&app, "/data/decisions.csv").await;
    assert_eq!(live.as_bytes(), &kept[..]);

    // minga verify checks the archive against the log
    let view: Value = reqwest::get(app.url(&format!("/api/v1/evidence/{}", first.evidence_id)))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(view["kind"], "open-data.dump");
    app.checkpoint_covering(view["index"].as_u64().expect("index") + 1)
        .await;
    let receipt = reqwest::get(app.url(&format!("/api/v1/evidence/{}/receipt", first.evidence_id)))
        .await
        .expect("get")
        .text()
        .await
        .expect("receipt");
    let receipt_path = dir.path().join("receipt.json");
    std::fs::write(&receipt_path, receipt).expect("write");
    let vkey = app.verifier_key().await;
    let (code, said) = minga_verify(
        dir.path(),
        &receipt_path,
        &vkey,
        &[("--document", &archive_path)],
    );
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("VERIFIED"), "{said}");
    let mut forged = archive.to_vec();
    let at = forged.len() / 2;
    forged[at] ^= 1;
    let forged_path = dir.path().join("forged.tar.gz");
    std::fs::write(&forged_path, forged).expect("write");
    let (code, said) = minga_verify(
        dir.path(),
        &receipt_path,
        &vkey,
        &[("--document", &forged_path)],
    );
    assert_eq!(code, Some(1), "{said}");
    // each file is an item of the evidence: one file's own proof
    let proof: Value = reqwest::get(app.url(&format!(
        "/api/v1/evidence/{}/items/0/proof",
        first.evidence_id
    )))
    .await
    .expect("get")
    .json()
    .await
    .expect("json");
    assert_eq!(proof["item"]["name"], manifest.files[0].name.as_str());
    assert_eq!(proof["item"]["sha256"], manifest.files[0].sha256.as_str());

    // the catalogue: DCAT-AP in JSON-LD, each dataset with both titles and its checksums
    let r = reqwest::get(app.url("/data/catalog.jsonld"))
        .await
        .expect("get");
    assert_eq!(r.headers()["content-type"], "application/ld+json");
    let catalog: Value = r.json().await.expect("json");
    let context = catalog["@context"].as_object().expect("context");
    assert_eq!(context["dcat"], "http://www.w3.org/ns/dcat#");
    assert_eq!(context["dct"], "http://purl.org/dc/terms/");
    let prefixes: HashSet<String> = context.keys().cloned().collect();
    terms_are_defined(&catalog, &prefixes, "").expect("every term defined");
    assert_eq!(catalog["@type"], "dcat:Catalog");
    let datasets = catalog["dcat:dataset"].as_array().expect("datasets");
    assert_eq!(
        datasets.len(),
        DATASETS.len() + 1,
        "the registers and the dump"
    );
    for (d, ds) in DATASETS.iter().zip(datasets) {
        assert_eq!(ds["@type"], "dcat:Dataset");
        assert_eq!(ds["dct:identifier"], d.slug);
        let titles: Vec<&str> = ds["dct:title"]
            .as_array()
            .expect("titles")
            .iter()
            .filter_map(|t| t["@language"].as_str())
            .collect();
        assert_eq!(titles, ["es", "en"]);
        let csv_entry = manifest
            .files
            .iter()
            .find(|f| f.name == format!("{}.csv", d.slug))
            .expect("in the manifest");
        let sums: Vec<&str> = ds["dcat:distribution"]
            .as_array()
            .expect("distributions")
            .iter()
            .filter_map(|x| x["spdx:checksum"]["spdx:checksumValue"]["@value"].as_str())
            .collect();
        assert!(sums.contains(&csv_entry.sha256.as_str()), "{}", d.slug);
        assert_eq!(ds["dct:modified"]["@value"], csv_entry.changed_at.as_str());
    }
    let archive_sum = &datasets[DATASETS.len()]["dcat:distribution"][0]["spdx:checksum"]["spdx:checksumValue"]
        ["@value"];
    assert_eq!(archive_sum, first.archive_sha256.as_str());

    // the /data page lists them and the dump
    let (status, html) = app.browser().text("/data").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(text.contains("Decisiones de gobernanza") && text.contains(&first.archive_name));
    assert!(html.contains(&format!("/v/{}", first.evidence_id)));

    // something changes: the next dump is new, keeps the unchanged files' dates, and the
    // previous dump's files are then only in its archive
    app.api_key("catalogo-2", "purchase-order").await;
    sqlx::query("INSERT INTO institutions (name, short_name, sector, kind, website, created_at) VALUES ('Nueva', 'N', 'public', 'x', '', '2026-12-01T00:00:00Z')")
        .execute(&app.state.db)
        .await
        .expect("insert");
    let second = dump::dump(&app.state)
        .await
        .expect("dump")
        .expect("a second dump");
    assert!(second.id > first.id);
    let m2 = second.manifest().expect("manifest");
    let changed = |name: &str| {
        m2.files
            .iter()
            .find(|f| f.name == name)
            .expect(name)
            .changed_at
            .clone()
    };
    assert_eq!(changed("collectives.csv"), manifest.generated_at);
    assert_eq!(changed("institutions.csv"), m2.generated_at);
    let r = reqwest::get(app.url(&format!("/data/dumps/{}/decisions.csv", first.id)))
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::GONE);
    app.stop().await;
}

#[tokio::test]
async fn one_search_box_finds_public_records_with_or_without_accents_and_feeds_follow_them() {
    let app = TestApp::spawn_with(|s| s.demo = true).await;
    app::services::search::reindex(&app.state)
        .await
        .expect("index");
    let b = app.browser();
    let found = |q: &'static str| {
        let b = &b;
        async move {
            let (status, html) = b
                .text(&format!("/search?q={}", app::web::urlencode(q)))
                .await;
            assert_eq!(status, StatusCode::OK);
            html
        }
    };
    // a word with and without its accent, in either case, finds the same meetings and minutes
    let with = found("sesión").await;
    let without = found("SESION").await;
    for html in [&with, &without] {
        assert!(html.contains("id=\"found-meeting\""), "{html}");
        assert!(html.contains("id=\"found-minutes\""));
        assert!(html.contains("href=\"/meetings/1/minutes\""));
        assert!(html.contains("<mark>"));
    }
    // the demo catalogue's order, by its supplier's name, accents folded
    let html = found("ferreteria andina").await;
    assert!(html.contains("id=\"found-evidence\""), "{html}");
    assert!(html.contains("OC-2026-000123"));
    // English titles are indexed too, and the last word is a prefix
    assert!(
        found("Executive Counc")
            .await
            .contains("id=\"found-meeting\"")
    );
    // query syntax typed by someone is only words; nothing found is said so
    let html = found("\"NEAR(* OR").await;
    assert!(
        visible_text(&html).contains("No se encontró nada"),
        "{html}"
    );
    // what is not public is not indexed: a draft meeting, a private kind's data
    app.api_key("interno", "memo").await;
    sqlx::query("UPDATE evidence_visibility SET public = 0 WHERE source = 'interno'")
        .execute(&app.state.db)
        .await
        .expect("private");
    let key = app.api_key("interno", "memo").await;
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/evidence"))
        .bearer_auth(&key)
        .json(&serde_json::json!({"kind": "memo", "ref": "M-1", "data": {"texto": "confidencialísimo"}}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::CREATED);
    app::services::search::reindex(&app.state)
        .await
        .expect("index");
    assert!(
        found("confidencialisimo")
            .await
            .contains("No se encontró nada")
    );

    // the feeds: decisions narrowed by the page's filters, meetings with their minutes
    let r = reqwest::get(app.url("/decisions.atom?body=executive-council"))
        .await
        .expect("get");
    assert_eq!(
        r.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let xml = r.text().await.expect("xml");
    assert!(xml.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""
    ));
    let entries = xml.matches("<entry>").count();
    let council: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM decisions WHERE body = 'executive-council'")
            .fetch_one(&app.state.db)
            .await
            .expect("count");
    assert_eq!(entries as i64, council.min(50));
    assert!(!xml.contains("<summary type=\"text\">collective-created"));
    let xml = reqwest::get(app.url("/meetings.atom"))
        .await
        .expect("get")
        .text()
        .await
        .expect("xml");
    assert!(xml.contains("<link rel=\"related\" type=\"text/html\" href=\"http://"));
    assert!(xml.contains("<content type=\"text\">ACTA DE LA SESIÓN ORDINARIA"));
    // the pages link to them
    let (_, html) = b.text("/decisions?body=executive-council").await;
    assert!(
        html.contains("href=\"/decisions.atom?body=executive-council\""),
        "{html}"
    );
    let (_, html) = b.text("/meetings").await;
    assert!(html.contains("href=\"/meetings.atom\""));
    app.stop().await;
}
