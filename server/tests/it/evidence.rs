//! The evidence engine over HTTP: submission, idempotency, conflicts, batches, proofs, receipts,
//! tiles, the public page, tampering and the offline verifier.

use crate::support::*;
use app::domain::evidence::receipt::{self, Receipt};
use app::domain::evidence::{Hash, checkpoint, jcs, merkle};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::process::Command;

const PDF: &[u8] =
    b"%PDF-1.4\n% orden de compra OC-2026-000123\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

fn order(reference: &str, amount: f64) -> Value {
    json!({
        "kind": "purchase-order",
        "ref": reference,
        "data": {"entidad": "Ministerio de Salud", "proveedor": "Distribuidora Andina SAC", "monto": amount, "moneda": "PEN"},
        "items": [{"proforma": 1, "proveedor": "A", "monto": amount}, {"proforma": 2, "proveedor": "B", "monto": amount + 10.0}],
        "document": {"content_base64": STANDARD.encode(PDF), "media_type": "application/pdf", "filename": "OC-2026-000123.pdf"}
    })
}

async fn post(app: &TestApp, key: &str, path: &str, body: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(key)
        .json(body)
        .send()
        .await
        .expect("post")
}

/// Submits one evidence that must be accepted; returns the answer.
async fn submit(app: &TestApp, key: &str, body: Value) -> Value {
    let r = post(app, key, "/api/v1/evidence", &body).await;
    assert!(r.status().is_success(), "{}", r.status());
    json_of(r).await
}

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.expect("json")
}

#[tokio::test]
async fn a_submitted_order_gets_three_hashes_a_proof_and_a_receipt_that_verifies() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order, proforma").await;
    let r = post(
        &app,
        &key,
        "/api/v1/evidence",
        &order("OC-2026-000123", 1500.5),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let location = location(&r);
    let created = json_of(r).await;
    let id = created["id"].as_str().expect("id").to_string();
    assert_eq!(location, format!("/api/v1/evidence/{id}"));

    // hash 1, hash 2 and the items root, computed here independently
    let data = json!({"entidad": "Ministerio de Salud", "proveedor": "Distribuidora Andina SAC", "monto": 1500.5, "moneda": "PEN"});
    assert_eq!(created["data_hash"], jcs::data_hash(&data).hex());
    assert_eq!(created["document_hash"], hex::encode(Sha256::digest(PDF)));
    let leaf = |item: &str| {
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update(item.as_bytes());
        h.finalize()
    };
    let mut node = Sha256::new();
    node.update([1u8]);
    node.update(leaf(r#"{"monto":1500.5,"proforma":1,"proveedor":"A"}"#));
    node.update(leaf(r#"{"monto":1510.5,"proforma":2,"proveedor":"B"}"#));
    assert_eq!(created["items_root"], hex::encode(node.finalize()));

    // the entry is sealed into a signed checkpoint within moments
    let index = created["index"].as_u64().expect("index");
    app.checkpoint_covering(index + 1).await;
    let view = json_of(
        reqwest::get(app.url(&format!("/api/v1/evidence/{id}")))
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(view["status"], "verified");
    assert_eq!(view["ref"], "OC-2026-000123");
    assert_eq!(view["data"]["entidad"], "Ministerio de Salud");
    assert_eq!(view["link_hash"], created["link_hash"]);
    let entry: app::domain::evidence::entry::Entry =
        serde_json::from_value(view["entry"].clone()).expect("entry");
    assert_eq!(entry.link_hash().hex(), created["link_hash"]);
    let inc: receipt::Inclusion =
        serde_json::from_value(view["inclusion"].clone()).expect("inclusion");
    merkle::verify_inclusion(
        index,
        inc.tree_size,
        &entry.link_hash(),
        &inc.path,
        &inc.root,
    )
    .expect("inclusion proof verifies");

    // the receipt checks offline with the published key and the document
    let receipt: Receipt = reqwest::get(app.url(&format!("/api/v1/evidence/{id}/receipt")))
        .await
        .expect("get")
        .json()
        .await
        .expect("receipt");
    let key_text = app.verifier_key().await;
    let checks = receipt::verify(&receipt, Some(&key_text), Some(PDF));
    assert!(checks.iter().all(|c| c.ok), "{checks:?}");
    assert_eq!(
        checkpoint::verify(&receipt.checkpoint, &key_text)
            .expect("signed")
            .root,
        receipt.inclusion.root
    );

    // the stored document is served, sandboxed
    let r = reqwest::get(app.url(&format!("/api/v1/evidence/{id}/document")))
        .await
        .expect("get");
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .expect("csp")
            .contains("sandbox")
    );
    assert_eq!(r.bytes().await.expect("bytes").as_ref(), PDF);
    app.stop().await;
}

#[tokio::test]
async fn resubmission_is_idempotent_and_changed_content_is_a_conflict() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let first = submit(&app, &key, order("OC-1", 100.0)).await;
    let r = post(&app, &key, "/api/v1/evidence", &order("OC-1", 100.0)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let again = json_of(r).await;
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["index"], first["index"]);
    assert_eq!(again["created"], false);

    let r = post(&app, &key, "/api/v1/evidence", &order("OC-1", 999.0)).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let problem = json_of(r).await;
    assert_eq!(problem["type"], "/problems/conflict");
    assert!(
        problem["detail"].as_str().expect("detail").contains("OC-1"),
        "{problem}"
    );
    let size: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM evidences WHERE source = 'catalogo'")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(size, 1);
    app.stop().await;
}

#[tokio::test]
async fn bad_submissions_get_clear_problems_and_write_nothing() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM evidences WHERE source = 'catalogo'")
            .fetch_one(&app.state.db)
            .await
            .expect("count");

    let r = reqwest::Client::new()
        .post(app.url("/api/v1/evidence"))
        .json(&order("X", 1.0))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = post(
        &app,
        "minga_nope_nope",
        "/api/v1/evidence",
        &order("X", 1.0),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"kind": "proforma", "ref": "X", "data": {}}),
            "kind",
            "kind_not_allowed",
        ),
        (
            json!({"kind": "purchase-order", "ref": "", "data": {}}),
            "ref",
            "required",
        ),
        (
            json!({"kind": "purchase-order", "ref": "X", "data": [1, 2]}),
            "data",
            "not_an_object",
        ),
        (
            json!({"kind": "purchase-order", "ref": "X", "data": {}, "items": [1]}),
            "items",
            "item_not_an_object",
        ),
        (
            json!({"kind": "purchase-order", "ref": "X", "data": {}, "document": {"content_base64": "@@@", "media_type": "application/pdf"}}),
            "document",
            "base64_invalid",
        ),
        (
            json!({"kind": "purchase-order", "ref": "X", "data": {}, "surprise": 1}),
            "",
            "json_invalid",
        ),
    ];
    for (body, field, code) in cases {
        let r = post(&app, &key, "/api/v1/evidence", &body).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let problem = json_of(r).await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
    // an integer JCS cannot represent exactly is refused from the raw text
    let raw = r#"{"kind":"purchase-order","ref":"X","data":{"cuenta": 12345678901234567890}}"#;
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/evidence"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = json_of(r).await;
    assert_eq!(problem["errors"][0]["code"], "unsafe_integer");
    assert!(
        problem["errors"][0]["detail"]
            .as_str()
            .expect("detail")
            .contains("12345678901234567890")
    );
    // not JSON at all
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/evidence"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM evidences WHERE source = 'catalogo'")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(before, after);

    // a revoked key stops working
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM api_keys")
        .fetch_one(&app.state.db)
        .await
        .expect("id");
    app::services::evidence::api_keys::revoke(
        &app.state.db,
        &app::services::authority::Admin::operator(),
        id,
        &app::services::audit::Actor::system("test"),
    )
    .await
    .expect("revoke");
    assert_eq!(
        post(&app, &key, "/api/v1/evidence", &order("Y", 1.0))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}

#[tokio::test]
async fn multipart_submission_with_a_pdf() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let form = reqwest::multipart::Form::new()
        .text("kind", "purchase-order")
        .text("ref", "OC-MP-1")
        .text("data", r#"{"monto": 10}"#)
        .text("items", r#"[{"proforma": 1}]"#)
        .part(
            "document",
            reqwest::multipart::Part::bytes(PDF.to_vec())
                .file_name("orden.pdf")
                .mime_str("application/pdf")
                .expect("mime"),
        );
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/evidence"))
        .bearer_auth(&key)
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::CREATED);
    let body = json_of(r).await;
    assert_eq!(body["document_hash"], hex::encode(Sha256::digest(PDF)));
    assert_eq!(
        body["data_hash"],
        hex::encode(Sha256::digest(br#"{"monto":10}"#))
    );
    app.stop().await;
}

#[tokio::test]
async fn a_batch_of_a_thousand_is_one_unit_and_tiles_let_a_client_audit_the_log() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let batch: Vec<Value> = (0..1000)
        .map(|i| json!({"kind": "purchase-order", "ref": format!("OC-B-{i}"), "data": {"n": i}}))
        .collect();

    // one bad record: the whole batch is refused, with a pointer to it
    let mut bad = batch.clone();
    bad[3]["ref"] = json!("");
    let r = post(
        &app,
        &key,
        "/api/v1/evidence/batch",
        &json!({"evidences": bad}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = json_of(r).await;
    assert_eq!(
        problem["errors"][0]["pointer"], "/evidences/3/ref",
        "{problem}"
    );
    let mut too_many = batch.clone();
    too_many.push(json!({"kind": "purchase-order", "ref": "one-too-many", "data": {}}));
    assert_eq!(
        post(
            &app,
            &key,
            "/api/v1/evidence/batch",
            &json!({"evidences": too_many})
        )
        .await
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let r = post(
        &app,
        &key,
        "/api/v1/evidence/batch",
        &json!({"evidences": batch}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let body = json_of(r).await;
    assert_eq!(body["created"], 1000);
    let indexes: Vec<u64> = body["evidences"]
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["index"].as_u64().expect("index"))
        .collect();
    assert!(
        indexes.windows(2).all(|w| w[1] == w[0] + 1),
        "contiguous indexes"
    );

    // a conflicting record in a batch refuses the whole batch
    let mut conflicting: Vec<Value> = (0..3)
        .map(|i| json!({"kind": "purchase-order", "ref": format!("OC-C-{i}"), "data": {}}))
        .collect();
    conflicting.push(json!({"kind": "purchase-order", "ref": "OC-B-7", "data": {"n": "changed"}}));
    assert_eq!(
        post(
            &app,
            &key,
            "/api/v1/evidence/batch",
            &json!({"evidences": conflicting})
        )
        .await
        .status(),
        StatusCode::CONFLICT
    );
    let c: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM evidences WHERE ref LIKE 'OC-C-%'")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(c, 0);

    // a generic tlog client: read the checkpoint, fetch the entry bundles and level-0 tiles,
    // check every entry hashes to its tile leaf, rebuild the root, compare with the signed root
    let last = *indexes.last().expect("last") + 1;
    let note = app.checkpoint_covering(last).await;
    let cp = checkpoint::verify(&note, &app.verifier_key().await).expect("signed checkpoint");
    let size = cp.size;
    let (full, rest) = (size / 256, size % 256);
    let mut frontier = merkle::Frontier::default();
    for n in 0..full + u64::from(rest > 0) {
        let suffix = if n < full {
            String::new()
        } else {
            format!(".p/{rest}")
        };
        let path = format!("{}{suffix}", app::domain::evidence::tiles::encode_index(n));
        let bundle = reqwest::get(app.url(&format!("/log/tile/entries/{path}")))
            .await
            .expect("get")
            .bytes()
            .await
            .expect("bytes");
        let tile = reqwest::get(app.url(&format!("/log/tile/0/{path}")))
            .await
            .expect("get")
            .bytes()
            .await
            .expect("bytes");
        let width = if n < full { 256 } else { rest as usize };
        assert_eq!(tile.len(), 32 * width, "tile {path}");
        let mut at = 0;
        for j in 0..width {
            let len = usize::from(u16::from_be_bytes([bundle[at], bundle[at + 1]]));
            let entry = &bundle[at + 2..at + 2 + len];
            at += 2 + len;
            let leaf = merkle::leaf_hash(entry);
            assert_eq!(
                leaf.0.as_slice(),
                &tile[32 * j..32 * (j + 1)],
                "entry {}",
                n * 256 + u64::try_from(j).expect("j")
            );
            frontier.append(leaf);
        }
        assert_eq!(at, bundle.len());
    }
    assert_eq!(
        frontier.root(),
        cp.root,
        "the tiles rebuild the signed root"
    );
    // tiles beyond the signed tree, and malformed paths, are not served
    assert_eq!(
        reqwest::get(app.url("/log/tile/0/x001/000"))
            .await
            .expect("get")
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        reqwest::get(app.url("/log/tile/0/0001"))
            .await
            .expect("get")
            .status(),
        StatusCode::NOT_FOUND
    );
    // level-1 hashes are the roots of each complete run of 256 entries; the next one is not complete
    let level1 = reqwest::get(app.url(&format!("/log/tile/1/000.p/{full}")))
        .await
        .expect("get")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(level1.len() as u64, 32 * full);
    let mut conn = app.state.db.acquire().await.expect("conn");
    for j in 0..full {
        let nodes = app::services::evidence::store::nodes(
            &mut conn,
            &[merkle::Node { level: 8, index: j }],
        )
        .await
        .expect("node");
        assert_eq!(
            nodes.values().next().expect("stored").0.as_slice(),
            &level1[32 * j as usize..32 * (j as usize + 1)]
        );
    }
    drop(conn);
    let too_far = reqwest::get(app.url(&format!("/log/tile/1/000.p/{}", full + 1)))
        .await
        .expect("get");
    assert_eq!(
        too_far.status(),
        StatusCode::NOT_FOUND,
        "a level-1 hash needs 256 complete entries"
    );

    // consistency between an early size and the signed one
    let r = json_of(
        reqwest::get(app.url(&format!("/api/v1/log/consistency?from=10&to={size}")))
            .await
            .expect("get"),
    )
    .await;
    let path: Vec<Hash> = serde_json::from_value(r["path"].clone()).expect("path");
    let mut early = merkle::Frontier::default();
    let leaves: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT entry FROM evidences WHERE idx < 10 ORDER BY idx")
            .fetch_all(&app.state.db)
            .await
            .expect("entries");
    for e in leaves {
        early.append(merkle::leaf_hash(&e));
    }
    merkle::verify_consistency(10, size, &early.root(), &cp.root, &path).expect("consistent");
    for bad in [
        "from=0&to=5",
        "from=6&to=5",
        &format!("from=1&to={}", size + 1),
        "from=a&to=b",
    ] {
        let r = reqwest::get(app.url(&format!("/api/v1/log/consistency?{bad}")))
            .await
            .expect("get");
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    app.stop().await;
}

#[tokio::test]
async fn governance_decisions_are_evidences_with_public_pages() {
    let app = TestApp::spawn().await;
    // the founding collectives were decided at the first start
    let mut ids: Vec<Option<String>> = Vec::new();
    for _ in 0..100 {
        ids = sqlx::query_scalar("SELECT evidence_id FROM decisions ORDER BY id")
            .fetch_all(&app.state.db)
            .await
            .expect("ids");
        if !ids.is_empty() && ids.iter().all(Option::is_some) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(ids.len(), 4);
    let id = ids[0].clone().expect("registered");
    let view = json_of(
        reqwest::get(app.url(&format!("/api/v1/evidence/{id}")))
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(view["source"], "portal");
    assert_eq!(view["kind"], "governance.collective-created");
    assert_eq!(view["data"]["collective"]["slug"], "academico");

    // granting a council seat is a decision too
    let admin = app.admin().await;
    let (_, person) = app
        .account_with_role(app::domain::roles::Role::Member)
        .await;
    let r = admin
        .submit(
            &format!("/admin/accounts/{person}"),
            &format!("/admin/accounts/{person}/offices"),
            &[("role", "advisory_member"), ("note", "Acuerdo CE-2026-09")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut evidence = None;
    for _ in 0..100 {
        evidence = sqlx::query_scalar::<_, Option<String>>(
            "SELECT evidence_id FROM decisions WHERE event = 'office-granted'",
        )
        .fetch_optional(&app.state.db)
        .await
        .expect("row")
        .flatten();
        if evidence.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let evidence = evidence.expect("the grant became an evidence");
    let view = json_of(
        reqwest::get(app.url(&format!("/api/v1/evidence/{evidence}")))
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(view["kind"], "governance.office-granted");
    assert_eq!(view["data"]["role"], "advisory_member");
    assert_eq!(view["data"]["note"], "Acuerdo CE-2026-09");

    // the public register lists every decision, newest first, each linking to its verification
    let register = app.browser().get("/decisions").await;
    assert_eq!(register.status(), StatusCode::OK);
    let html = register.text().await.expect("body");
    let text = visible_text(&html);
    assert!(text.contains("Registro de decisiones"), "{text}");
    assert!(text.contains("Consejo Consultivo"), "{text}");
    assert!(html.contains(&format!("href=\"/v/{evidence}\"")));
    assert!(html.contains(&format!("href=\"/v/{id}\"")));
    assert!(
        html.find(&format!("/v/{evidence}")) < html.find(&format!("/v/{id}")),
        "newest first"
    );
    app.stop().await;
}

/// A citizen's check of the copy they hold on the record's page: the answer's status and text.
async fn check_copy(
    b: &Browser,
    id: &str,
    bytes: Vec<u8>,
    name: &'static str,
) -> (StatusCode, String) {
    let token = b.csrf(&format!("/v/{id}")).await;
    let form = reqwest::multipart::Form::new().text("_csrf", token).part(
        "copy",
        reqwest::multipart::Part::bytes(bytes)
            .file_name(name)
            .mime_str("application/pdf")
            .expect("mime"),
    );
    let r = b
        .client
        .post(format!("{}/v/{id}/check", b.base))
        .multipart(form)
        .send()
        .await
        .expect("post");
    (r.status(), visible_text(&r.text().await.expect("body")))
}

#[tokio::test]
async fn the_public_page_searches_checks_a_copy_and_serves_qr_codes() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let created = submit(&app, &key, order("OC-2026-000777", 42.0)).await;
    let id = created["id"].as_str().expect("id").to_string();
    app.checkpoint_covering(created["index"].as_u64().expect("index") + 1)
        .await;
    let b = app.browser();

    let (status, html) = b.text(&format!("/v/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(text.contains("✓ Verificada"), "{text}");
    assert!(
        text.contains("Distribuidora Andina SAC")
            && text.contains(created["link_hash"].as_str().expect("hash"))
    );
    assert!(text.contains("No prueba que su contenido sea verdadero"));

    for q in [
        "OC-2026-000777",
        created["document_hash"].as_str().expect("h"),
        created["data_hash"].as_str().expect("h"),
        created["link_hash"].as_str().expect("h"),
        &id.to_uppercase(),
    ] {
        let r = b.get(&format!("/v?q={q}")).await;
        assert_eq!(location(&r), format!("/v/{id}"), "search {q}");
    }
    let root = created["items_root"].as_str().expect("the order has items");
    let r = b.get(&format!("/v?q={root}")).await;
    assert_eq!(location(&r), format!("/v/{id}"), "search by items root");
    let (_, html) = b.text("/v?q=no-such-thing").await;
    assert!(visible_text(&html).contains("Resultados"));
    // a hash is found by its first bytes, then compared whole: one that shares them is not it
    let data_hash = created["data_hash"].as_str().expect("h");
    let near = format!(
        "{}{}",
        &data_hash[..60],
        if data_hash.ends_with('0') {
            "1111"
        } else {
            "0000"
        }
    );
    let r = b.get(&format!("/v?q={near}")).await;
    assert_eq!(r.status(), StatusCode::OK, "not a redirect to {id}");
    assert!(!visible_text(&b.text(&format!("/v?q={near}")).await.1).contains(&id));

    // a citizen checks a good and a forged copy; the file is hashed, not stored
    let (status, text) = check_copy(&b, &id, PDF.to_vec(), "mi-copia.pdf").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains("Tu copia (mi-copia.pdf) es idéntica al documento registrado"),
        "{text}"
    );
    let (_, text) = check_copy(&b, &id, b"%PDF-1.4 forged".to_vec(), "falsa.pdf").await;
    assert!(
        text.contains("Tu copia (falsa.pdf) NO es el documento registrado"),
        "{text}"
    );
    let files = std::fs::read_dir(app.dir.path().join("data/documents"))
        .expect("dir")
        .count();
    assert_eq!(files, 1, "only the registered document is stored");
    // without its token the upload is refused
    let form = reqwest::multipart::Form::new().part(
        "copy",
        reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("x.pdf"),
    );
    let r = b
        .client
        .post(format!("{}/v/{id}/check", b.base))
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = b.get(&format!("/v/{id}/qr.svg")).await;
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    let r = b.get(&format!("/v/{id}/qr.png")).await;
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(&r.bytes().await.expect("png")[..4], b"\x89PNG");
    assert_eq!(
        b.get("/v/doesnotexist0000").await.status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

#[tokio::test]
async fn tampering_with_a_row_or_a_document_is_caught_by_the_audit_and_shown_as_altered() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let a = submit(&app, &key, order("OC-T-1", 10.0)).await;
    let b = submit(
        &app,
        &key,
        json!({"kind": "purchase-order", "ref": "OC-T-2", "data": {"monto": 20}}),
    )
    .await;
    let c = submit(
        &app,
        &key,
        json!({"kind": "purchase-order", "ref": "OC-T-3", "data": {"monto": 30}}),
    )
    .await;
    app.checkpoint_covering(c["index"].as_u64().expect("index") + 1)
        .await;
    // before any audit the record page says so, as /integrity does
    let record = format!("/v/{}", a["id"].as_str().expect("id"));
    let text = visible_text(&app.browser().text(&record).await.1);
    assert!(
        text.contains("Auditoría de integridad de lo guardado : aún no auditada"),
        "{text}"
    );
    assert!(!text.contains("ninguna discrepancia"), "{text}");
    let clean = app::services::evidence::integrity::run(&app.state, &|_, _| {})
        .await
        .expect("audit");
    assert!(clean.findings.is_empty(), "{:?}", clean.findings);
    let text = visible_text(&app.browser().text(&record).await.1);
    assert!(
        text.contains("Auditoría de integridad: ninguna discrepancia"),
        "{text}"
    );

    // someone with the database file drops the guards, edits a row and a document on disk
    let db = &app.state.db;
    sqlx::query("DROP TRIGGER evidences_no_update")
        .execute(db)
        .await
        .expect("drop");
    sqlx::query("UPDATE evidences SET data_json = '{\"monto\":2000}' WHERE ref = 'OC-T-2'")
        .execute(db)
        .await
        .expect("edit row");
    let doc_hash = a["document_hash"].as_str().expect("hash");
    let doc_path = app
        .dir
        .path()
        .join("data/documents")
        .join(&doc_hash[..2])
        .join(doc_hash);
    std::fs::write(&doc_path, b"%PDF-1.4 a different order").expect("edit document");

    let altered = app::services::evidence::integrity::run(&app.state, &|_, _| {})
        .await
        .expect("audit");
    let kinds: Vec<&str> = altered.findings.iter().map(|f| f.kind).collect();
    assert!(
        kinds.contains(&"data")
            && kinds.contains(&"document")
            && kinds.contains(&"checkpoint_root"),
        "{kinds:?}"
    );
    let browser = app.browser();
    for (id, intact) in [(&a["id"], false), (&b["id"], false), (&c["id"], true)] {
        let (_, html) = browser
            .text(&format!("/v/{}", id.as_str().expect("id")))
            .await;
        let text = visible_text(&html);
        assert_eq!(text.contains("✗ ALTERADA"), !intact, "{text}");
    }
    let (_, html) = browser.text("/integrity").await;
    assert!(visible_text(&html).contains("Se encontraron alteraciones"));
    let view = json_of(
        reqwest::get(app.url(&format!(
            "/api/v1/evidence/{}",
            b["id"].as_str().expect("id")
        )))
        .await
        .expect("get"),
    )
    .await;
    assert_eq!(view["status"], "altered");

    // a deleted entry and a rewritten checkpoint are found too
    sqlx::query("DROP TRIGGER evidences_no_delete")
        .execute(db)
        .await
        .expect("drop");
    // (with its rows in the hash lookup, which name it)
    sqlx::query(
        "DELETE FROM evidence_hashes WHERE evidence_idx = (SELECT idx FROM evidences WHERE ref = 'OC-T-3')",
    )
    .execute(db)
    .await
    .expect("delete lookup rows");
    sqlx::query("DELETE FROM evidences WHERE ref = 'OC-T-3'")
        .execute(db)
        .await
        .expect("delete");
    sqlx::query("DROP TRIGGER checkpoints_no_update")
        .execute(db)
        .await
        .expect("drop");
    sqlx::query("UPDATE checkpoints SET root_hash = zeroblob(32) WHERE tree_size = (SELECT MIN(tree_size) FROM checkpoints)")
        .execute(db)
        .await
        .expect("rewrite");
    let again = app::services::evidence::integrity::run(&app.state, &|_, _| {})
        .await
        .expect("audit");
    let kinds: Vec<&str> = again.findings.iter().map(|f| f.kind).collect();
    assert!(
        kinds.contains(&"entries_deleted") && kinds.contains(&"checkpoint_rewritten"),
        "{kinds:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_offline_verifier_accepts_a_good_receipt_and_names_what_fails_in_a_bad_one() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let created = submit(&app, &key, order("OC-V-1", 5.0)).await;
    let id = created["id"].as_str().expect("id").to_string();
    app.checkpoint_covering(created["index"].as_u64().expect("index") + 1)
        .await;
    let pending = reqwest::get(app.url("/api/v1/evidence/nonexistent00000/receipt"))
        .await
        .expect("get");
    assert_eq!(pending.status(), StatusCode::NOT_FOUND);
    let receipt_text = reqwest::get(app.url(&format!("/api/v1/evidence/{id}/receipt")))
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    let vkey = app.verifier_key().await;
    let dir = tempfile::tempdir().expect("dir");
    let (good, pdf, forged, tampered) = (
        dir.path().join("good.json"),
        dir.path().join("doc.pdf"),
        dir.path().join("forged.pdf"),
        dir.path().join("bad.json"),
    );
    std::fs::write(&good, &receipt_text).expect("write");
    std::fs::write(&pdf, PDF).expect("write");
    std::fs::write(&forged, b"%PDF forged").expect("write");
    std::fs::write(&tampered, receipt_text.replace("OC-V-1", "OC-V-2")).expect("write");
    let verify = |receipt: &std::path::Path, doc: &std::path::Path| {
        minga_verify(dir.path(), receipt, &vkey, &[("--document", doc)])
    };
    let (code, out) = verify(&good, &pdf);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("VERIFIED"), "{out}");
    let (code, out) = verify(&good, &forged);
    assert_eq!(code, Some(1));
    assert!(out.contains("NOT VERIFIED: failed document"), "{out}");
    let (code, out) = verify(&tampered, &pdf);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("NOT VERIFIED: failed entry, inclusion"),
        "{out}"
    );
    // another log's key does not vouch for this checkpoint
    let (code, out) = {
        let out = Command::new(env!("CARGO_BIN_EXE_minga"))
            .args(["verify", good.to_str().expect("path"), "--key"])
            .arg(
                app::domain::evidence::checkpoint::LogKey::from_private(
                    &app::domain::evidence::checkpoint::LogKey::encode_private(
                        "other.example/log",
                        &[1; 32],
                    )
                    .expect("k"),
                )
                .expect("k")
                .verifier_key(),
            )
            .output()
            .expect("run");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("failed signature"), "{out}");
    let parsed: Receipt = serde_json::from_str(&receipt_text).expect("receipt");
    assert_eq!(parsed.id, id);
    app.stop().await;
}

/// `minga verify` on a receipt or proof (away from any portal's data), with the key and files
/// for options such as `--document` or `--item`: its exit status and what it printed.
pub(crate) fn minga_verify(
    dir: &std::path::Path,
    proof: &std::path::Path,
    vkey: &str,
    files: &[(&str, &std::path::Path)],
) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_minga"));
    command.arg("verify").arg(proof).arg("--key").arg(vkey);
    for (option, file) in files {
        command.arg(option).arg(file);
    }
    let out = command
        .env("MINGA_DATA_DIR", dir.join("no-portal-here"))
        .output()
        .expect("run");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

/// An independent reading of a C2SP tlog-proof, written from the spec (c2sp.org/tlog-proof and
/// RFC 9162 §2.1.3.2), sharing no code with the portal: whether the entry in `extra` is included
/// at `index` in the tree the checkpoint names. (The signature is `minga verify`'s part.)
fn included_per_spec(text: &str) -> Result<(), String> {
    let b64 = |s: &str| STANDARD.decode(s).map_err(|e| format!("{s}: {e}"));
    let (head, checkpoint) = text.split_once("\n\n").ok_or("no empty line")?;
    let mut lines = head.lines();
    if lines.next() != Some("c2sp.org/tlog-proof@v1") {
        return Err("header".into());
    }
    let extra = b64(lines
        .next()
        .and_then(|l| l.strip_prefix("extra "))
        .ok_or("extra")?)?;
    let index: u64 = lines
        .next()
        .and_then(|l| l.strip_prefix("index "))
        .ok_or("index")?
        .parse()
        .map_err(|_| "index")?;
    let path = lines.map(b64).collect::<Result<Vec<_>, _>>()?;
    let mut note = checkpoint.lines();
    let (_origin, size, root) = (note.next(), note.next(), note.next());
    let size: u64 = size.ok_or("size")?.parse().map_err(|_| "size")?;
    let root = b64(root.ok_or("root")?)?;
    let node = |l: &[u8], r: &[u8]| {
        Sha256::new()
            .chain_update([1u8])
            .chain_update(l)
            .chain_update(r)
            .finalize()
            .to_vec()
    };
    let mut r = Sha256::new()
        .chain_update([0u8])
        .chain_update(&extra)
        .finalize()
        .to_vec();
    if index >= size {
        return Err("index beyond the tree".into());
    }
    let (mut f, mut s) = (index, size - 1);
    for p in &path {
        if s == 0 {
            return Err("the path is too long".into());
        }
        if f & 1 == 1 || f == s {
            r = node(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s == 0 && r == root {
        Ok(())
    } else {
        Err("the path does not lead to the checkpoint's root".into())
    }
}

#[tokio::test]
async fn an_evidences_proof_as_a_c2sp_tlog_proof_is_checked_by_the_spec_and_by_minga_verify() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    // a few entries, so the proof has a path
    let mut last = Value::Null;
    for n in 0..6 {
        last = submit(&app, &key, order(&format!("OC-P-{n}"), 5.0)).await;
    }
    let id = last["id"].as_str().expect("id").to_string();
    app.checkpoint_covering(last["index"].as_u64().expect("index") + 1)
        .await;
    let r = reqwest::get(app.url(&format!("/api/v1/evidence/{id}/proof")))
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.c2sp.tlog-proof"
    );
    assert_eq!(
        r.headers()["content-disposition"],
        format!("attachment; filename=\"minga-{id}.tlog-proof\"").as_str()
    );
    let text = r.text().await.expect("text");
    assert!(text.starts_with("c2sp.org/tlog-proof@v1\nextra "), "{text}");
    assert!(
        text.contains(&format!("\nindex {}\n", last["index"])),
        "{text}"
    );
    // the checkpoint is the log's, verbatim
    let checkpoint = reqwest::get(app.url("/log/checkpoint"))
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(text.ends_with(&checkpoint), "{text}\n---\n{checkpoint}");
    included_per_spec(&text).expect("included, read from the spec");
    // another entry in `extra` is not included
    let forged = {
        let line = text.lines().nth(1).expect("extra");
        let entry = String::from_utf8(STANDARD.decode(&line[6..]).expect("b64")).expect("utf8");
        text.replacen(
            line,
            &format!(
                "extra {}",
                STANDARD.encode(entry.replace("OC-P-5", "OC-P-9"))
            ),
            1,
        )
    };
    assert!(included_per_spec(&forged).is_err());

    // minga verify takes it beside the JSON receipt
    let vkey = app.verifier_key().await;
    let dir = tempfile::tempdir().expect("dir");
    let verify = |name: &str, body: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, body).expect("write");
        minga_verify(dir.path(), &path, &vkey, &[])
    };
    let (code, out) = verify("good.tlog-proof", &text);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("VERIFIED"), "{out}");
    let (code, out) = verify("forged.tlog-proof", &forged);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("failed inclusion"), "{out}");
    let (code, _) = verify("broken.tlog-proof", &text.replacen("index ", "index 0", 1));
    assert_eq!(code, Some(2), "a malformed proof is a usage error");
    // not yet signed, or unknown: the API says so
    let r = reqwest::get(app.url("/api/v1/evidence/nonexistent00000/proof"))
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn a_supplier_holding_only_their_quotation_proves_it_belongs_to_the_order() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let mut body = order("OC-I-1", 900.0);
    body["items"] = json!([
        {"proveedor": "Ferretería Andina", "monto": 900.0},
        {"proveedor": "Comercial del Valle", "monto": 955.5},
        {"proveedor": "Suministros Quito", "monto": 990.0}
    ]);
    let created = submit(&app, &key, body).await;
    let id = created["id"].as_str().expect("id").to_string();
    app.checkpoint_covering(created["index"].as_u64().expect("index") + 1)
        .await;
    let mine = json!({"monto": 955.5, "proveedor": "Comercial del Valle"});

    let r = reqwest::get(app.url(&format!("/api/v1/evidence/{id}/items/1/proof")))
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    let proof: Value = r.json().await.expect("json");
    assert_eq!(proof["position"], 1);
    assert_eq!(proof["items"], 3);
    assert_eq!(proof["items_root"], created["items_root"]);
    assert_eq!(proof["item"], mine, "a public kind carries the item");
    // the leaf hash, from DESIGN.md: SHA-256(0x00 ‖ the item's RFC 8785 form)
    let canonical = br#"{"monto":955.5,"proveedor":"Comercial del Valle"}"#;
    let leaf = Sha256::new()
        .chain_update([0u8])
        .chain_update(canonical)
        .finalize();
    assert_eq!(proof["item_hash"], hex::encode(leaf));
    assert_eq!(proof["receipt"]["id"], id.as_str());
    // the page lists each item with its hash and its proof
    let (_, page) = app.browser().text(&format!("/v/{id}")).await;
    assert!(page.contains(&hex::encode(leaf)));
    assert!(page.contains(&format!("/api/v1/evidence/{id}/items/2/proof")));

    // minga verify: the supplier's own copy (keys in another order: the canonical form decides)
    let dir = tempfile::tempdir().expect("dir");
    let vkey = app.verifier_key().await;
    let proof_path = dir.path().join("proof.json");
    let mut without_item = proof.clone();
    without_item.as_object_mut().expect("object").remove("item");
    std::fs::write(&proof_path, without_item.to_string()).expect("write");
    let held = dir.path().join("mine.json");
    std::fs::write(
        &held,
        r#"{"proveedor": "Comercial del Valle", "monto": 955.5}"#,
    )
    .expect("write");
    let run =
        |item: &std::path::Path| minga_verify(dir.path(), &proof_path, &vkey, &[("--item", item)]);
    let (code, out) = run(&held);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("item 2 of 3 is in the items tree"), "{out}");
    assert!(out.contains("VERIFIED"), "{out}");
    // a quotation with another amount is not the one registered
    let altered = dir.path().join("altered.json");
    std::fs::write(
        &altered,
        r#"{"proveedor": "Comercial del Valle", "monto": 855.5}"#,
    )
    .expect("write");
    let (code, out) = run(&altered);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("NOT VERIFIED: failed item"), "{out}");

    // beyond the last item, or not a position
    for (path, status) in [
        (
            format!("/api/v1/evidence/{id}/items/3/proof"),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("/api/v1/evidence/{id}/items/-1/proof"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/evidence/nonexistent00000/items/0/proof".to_string(),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let r = reqwest::get(app.url(&path)).await.expect("get");
        assert_eq!(r.status(), status, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    app.stop().await;
}

#[tokio::test]
async fn the_demo_catalogue_registers_its_orders_through_the_api_with_quotations_and_pdfs() {
    let app = TestApp::spawn_with(|s| s.demo = true).await;
    // the catalogue is a source system with its own key, made by the demo and audited
    let (keys, audited): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM api_keys WHERE source = 'catalogo'),
                (SELECT COUNT(*) FROM audit_log WHERE action = 'api_key.created' AND actor_label = 'demo')",
    )
    .fetch_one(&app.state.db)
    .await
    .expect("count");
    assert_eq!((keys, audited), (1, 1));
    let orders: Vec<(String, i64)> = sqlx::query_as(
        "SELECT ref, items_count FROM evidences WHERE source = 'catalogo' AND kind = 'purchase-order' ORDER BY ref",
    )
    .fetch_all(&app.state.db)
    .await
    .expect("orders");
    assert_eq!(orders.len(), 4, "{orders:?}");
    assert!(orders.iter().all(|(_, items)| *items == 3), "{orders:?}");

    // the home page's example, searched as a citizen would, and the address its PDF's QR holds
    let b = app.browser();
    let r = b.get("/v?q=OC-2026-000123").await;
    let page = location(&r);
    let id = page.strip_prefix("/v/").expect("a record page").to_string();
    let r = b
        .get("/v/lookup?source=catalogo&kind=purchase-order&ref=OC-2026-000123")
        .await;
    assert_eq!(location(&r), page);
    let view: Value = json_of(
        reqwest::get(app.url(&format!("/api/v1/evidence/{id}")))
            .await
            .expect("get"),
    )
    .await;
    app.checkpoint_covering(view["index"].as_u64().expect("index") + 1)
        .await;
    let (status, html) = b.text(&page).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(text.contains("✓ Verificada"), "{text}");
    assert!(text.contains("Ferretería Andina S.A. de C.V.") && text.contains("222640.00"));
    assert!(text.contains("Elementos relacionados (3)"), "{text}");

    // its PDF is the registered document
    let pdf = reqwest::get(app.url(&format!("/api/v1/evidence/{id}/document")))
        .await
        .expect("get")
        .bytes()
        .await
        .expect("pdf");
    assert_eq!(&pdf[..5], b"%PDF-");
    assert_eq!(
        hex::encode(Sha256::digest(&pdf)),
        view["document_hash"].as_str().expect("hash")
    );

    // a supplier proves their own quotation belongs to the order, with minga verify
    let proof: Value = json_of(
        reqwest::get(app.url(&format!("/api/v1/evidence/{id}/items/2/proof")))
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(
        proof["item"]["proveedor"],
        "Comercial del Valle S.A. de C.V."
    );
    let dir = tempfile::tempdir().expect("dir");
    let proof_path = dir.path().join("proof.json");
    std::fs::write(&proof_path, proof.to_string()).expect("write");
    let held = dir.path().join("cotizacion.json");
    std::fs::write(&held, proof["item"].to_string()).expect("write");
    let vkey = app.verifier_key().await;
    let (code, out) = minga_verify(dir.path(), &proof_path, &vkey, &[("--item", &held)]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("item 3 of 3 is in the items tree"), "{out}");

    // a forged copy of the PDF (one byte changed) is refused by the page
    let mut forged = pdf.to_vec();
    let at = forged.len() / 2;
    forged[at] ^= 1;
    let (_, text) = check_copy(&b, &id, forged, "OC-2026-000123.pdf").await;
    assert!(
        text.contains("Tu copia (OC-2026-000123.pdf) NO es el documento registrado"),
        "{text}"
    );
    app.stop().await;
}
