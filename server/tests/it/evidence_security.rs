//! The evidence engine's findings of the first outside review: documents served inert, media
//! types without control characters, visibility per source, repeated member names, strict UTF-8
//! in multipart, no file left by a refused submission, the record's size limit and its folded
//! page, and tile indexes beyond any tree.

use crate::support::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn post(app: &TestApp, key: &str, body: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/evidence"))
        .bearer_auth(key)
        .json(body)
        .send()
        .await
        .expect("post")
}

fn with_document(reference: &str, content: &[u8], media_type: &str) -> Value {
    json!({
        "kind": "purchase-order",
        "ref": reference,
        "data": {"monto": 1},
        "document": {"content_base64": STANDARD.encode(content), "media_type": media_type, "filename": "x.js"}
    })
}

/// Every file under the documents directory.
fn stored_files(app: &TestApp) -> usize {
    let dir = app.state.settings.documents_dir();
    std::fs::read_dir(&dir)
        .map(|subdirs| {
            subdirs
                .filter_map(Result::ok)
                .filter_map(|d| std::fs::read_dir(d.path()).ok())
                .map(|files| files.filter_map(Result::ok).count())
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn documents_are_served_by_an_allowlisted_type_never_the_uploaders() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let cases = [
        (
            "js",
            b"alert(document.cookie)".as_slice(),
            "text/javascript",
            "application/octet-stream",
            "attachment",
        ),
        (
            "html",
            b"<script>alert(1)</script>",
            "text/html",
            "application/octet-stream",
            "attachment",
        ),
        (
            "svg",
            b"<svg onload=alert(1)/>",
            "image/svg+xml",
            "application/octet-stream",
            "attachment",
        ),
        (
            "csv",
            b"a,b\n1,2\n",
            "text/csv",
            "text/plain; charset=utf-8",
            "attachment",
        ),
        (
            "pdf",
            b"%PDF-1.4\n%%EOF\n",
            "application/pdf",
            "application/pdf",
            "inline",
        ),
        (
            "png",
            b"\x89PNG\r\n\x1a\n",
            "image/png",
            "image/png",
            "inline",
        ),
    ];
    for (name, content, declared, served, disposition) in cases {
        let r = post(
            &app,
            &key,
            &with_document(&format!("OC-{name}"), content, declared),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{name}");
        let id = r.json::<Value>().await.expect("json")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let r = reqwest::get(app.url(&format!("/api/v1/evidence/{id}/document")))
            .await
            .expect("get");
        assert_eq!(r.status(), StatusCode::OK, "{name}");
        let h = r.headers();
        assert_eq!(h["content-type"], served, "{name}");
        assert!(
            h["content-disposition"]
                .to_str()
                .unwrap_or_default()
                .starts_with(disposition),
            "{name}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{name}");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap_or_default()
                .starts_with("sandbox"),
            "{name}"
        );
        // the API still says what the source declared
        let v: Value = reqwest::get(app.url(&format!("/api/v1/evidence/{id}")))
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(v["document"]["media_type"], declared, "{name}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_media_type_with_control_characters_is_refused() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let r = post(
        &app,
        &key,
        &with_document("OC-1", b"x", "text/plain; charset=utf-8\r\nX-Injected: 1"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["errors"][0]["code"], "media_type_invalid");
    assert_eq!(stored_files(&app), 0, "nothing stored");
    app.stop().await;
}

#[tokio::test]
async fn one_sources_key_never_changes_what_another_source_shows() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let operator = app::services::authority::Admin::operator();
    let actor = app::services::audit::Actor::system("test");
    // a private kind of one source
    let (_, private_key) = app::services::evidence::api_keys::create(
        &app.state,
        &operator,
        "registro-civil",
        "certificado",
        false,
        &actor,
    )
    .await
    .expect("key");
    let body = json!({"kind": "certificado", "ref": "C-1", "data": {"persona": "Ana Pérez"}});
    let r = post(&app, &private_key, &body).await;
    let id = r.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let shows = |id: String| {
        let app = &app;
        async move {
            reqwest::get(app.url(&format!("/api/v1/evidence/{id}")))
                .await
                .expect("get")
                .json::<Value>()
                .await
                .expect("json")["public"]
                == json!(true)
        }
    };
    assert!(!shows(id.clone()).await);
    // another source creates a public key for the same kind: nothing changes for the first
    app.api_key("catalogo", "certificado").await;
    assert!(
        !shows(id.clone()).await,
        "another source's key made it public"
    );
    let (_, html) = app.browser().text(&format!("/v/{id}")).await;
    assert!(!visible_text(&html).contains("Ana Pérez"));
    // nor does a second key of the same source: visibility is changed on purpose only
    app::services::evidence::api_keys::create(
        &app.state,
        &operator,
        "registro-civil",
        "certificado",
        true,
        &actor,
    )
    .await
    .expect("key");
    assert!(!shows(id.clone()).await);
    // the administrator changes it, from the API-keys page, audited
    let (_, page) = admin.text("/admin/api-keys").await;
    assert!(visible_text(&page).contains("registro-civil certificado Reservados"));
    let r = admin
        .submit(
            "/admin/api-keys",
            "/admin/api-keys/visibility",
            &[
                ("source", "registro-civil"),
                ("kind", "certificado"),
                ("public", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(shows(id.clone()).await);
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a.0 == "evidence.visibility_changed" && a.3 == "registro-civil/certificado")
    );
    app.stop().await;
}

#[tokio::test]
async fn repeated_member_names_and_invalid_utf8_are_refused_with_a_pointer() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let client = reqwest::Client::new();
    let raw =
        r#"{"kind":"purchase-order","ref":"OC-1","data":{"monto":1,"detalle":{"a":1,"a":2}}}"#;
    let r = client
        .post(app.url("/api/v1/evidence"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["errors"][0]["code"], "duplicate_key");
    assert_eq!(body["errors"][0]["pointer"], "/data/detalle/a");
    // in a batch, the pointer names the submission
    let raw = r#"{"evidences":[{"kind":"purchase-order","ref":"OC-2","data":{"x":1}},{"kind":"purchase-order","ref":"OC-3","data":{"x":1,"x":1}}]}"#;
    let r = client
        .post(app.url("/api/v1/evidence/batch"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["errors"][0]["pointer"], "/evidences/1/data/x");

    // a multipart `data` part that is not UTF-8 is refused, not repaired
    let form = reqwest::multipart::Form::new()
        .text("kind", "purchase-order")
        .text("ref", "OC-4")
        .part(
            "data",
            reqwest::multipart::Part::bytes(b"{\"proveedor\":\"Andina \xff\"}".to_vec()),
        );
    let r = client
        .post(app.url("/api/v1/evidence"))
        .bearer_auth(&key)
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["errors"][0]["field"], "data");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM evidences WHERE source = 'catalogo'")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(n, 0, "nothing registered");
    app.stop().await;
}

#[tokio::test]
async fn a_conflicting_submission_leaves_no_document_behind() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let r = post(
        &app,
        &key,
        &with_document("OC-9", b"%PDF-1 first\n", "application/pdf"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(stored_files(&app), 1);
    // the same reference with another document: 409, and its file is not kept
    let r = post(
        &app,
        &key,
        &with_document("OC-9", b"%PDF-1 second\n", "application/pdf"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(stored_files(&app), 1, "the refused document was removed");
    // a refusal whose document is the registered one keeps it (it is in use)
    let conflicting = json!({
        "kind": "purchase-order",
        "ref": "OC-9",
        "data": {"monto": 2},
        "document": {"content_base64": STANDARD.encode(b"%PDF-1 first\n"), "media_type": "application/pdf"}
    });
    let r = post(&app, &key, &conflicting).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(stored_files(&app), 1);
    app.stop().await;
}

#[tokio::test]
async fn a_record_has_its_own_size_limit_and_a_long_one_is_folded_on_its_page() {
    let app = TestApp::spawn_with(|s| s.evidence_limits.max_record_bytes = 64 * 1024).await;
    let key = app.api_key("catalogo", "purchase-order").await;
    let big = "x".repeat(70 * 1024);
    let r = post(
        &app,
        &key,
        &json!({"kind": "purchase-order", "ref": "OC-big", "data": {"texto": big}}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["errors"][0]["code"], "record_too_large");
    // within the limit but long: the page shows it folded, the JSON whole
    let long = "y".repeat(10_000);
    let r = post(
        &app,
        &key,
        &json!({"kind": "purchase-order", "ref": "OC-long", "data": {"texto": long}}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let (_, html) = app.browser().text(&format!("/v/{id}")).await;
    assert!(html.len() < 40_000, "the page is {} bytes", html.len());
    let text = visible_text(&html);
    assert!(text.contains("se muestra abreviado"), "{text}");
    assert!(html.contains(&format!("href=\"/api/v1/evidence/{id}\"")));
    let v: Value = reqwest::get(app.url(&format!("/api/v1/evidence/{id}")))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(v["data"]["texto"].as_str().map(str::len), Some(10_000));
    app.stop().await;
}

#[tokio::test]
async fn tiles_beyond_any_tree_are_not_found() {
    let app = TestApp::spawn().await;
    let key = app.api_key("catalogo", "purchase-order").await;
    post(
        &app,
        &key,
        &json!({"kind": "purchase-order", "ref": "OC-1", "data": {"a": 1}}),
    )
    .await;
    app.checkpoint_covering(1).await;
    for path in [
        "/log/tile/0/x018/x446/x744/x073/x709/x551/615",
        "/log/tile/entries/x018/x446/x744/x073/x709/x551/615",
        "/log/tile/entries/x072/x057/x594/x037/x927/936",
        "/log/tile/7/001",
        "/log/tile/entries/001",
        "/log/tile/0/000",
    ] {
        let r = reqwest::get(app.url(path)).await.expect("get");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
    }
    // the partial tile of the one entry is there
    let r = reqwest::get(app.url("/log/tile/entries/000.p/1"))
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}
