//! The JSON API's description: `/api/v1/openapi.json` is an OpenAPI 3.1 document generated from
//! the code that holds every route of `/api/v1` and `/log`, a description on every response and
//! the problem document on every error; `/api` explains it for people. (CI fuzzes the server
//! against it: scripts/fuzz-api.sh.)

use crate::support::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn the_api_is_described_by_an_openapi_document_and_a_guide() {
    let app = TestApp::spawn().await;
    let r = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .expect("GET");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("application/json")
    );
    let doc: Value = r.json().await.expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], app.url(""));
    let paths = doc["paths"].as_object().expect("paths");
    let mut listed: Vec<String> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("item")
                .keys()
                .map(move |method| format!("{} {path}", method.to_uppercase()))
        })
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        [
            "GET /api/v1/evidence/{id}",
            "GET /api/v1/evidence/{id}/document",
            "GET /api/v1/evidence/{id}/items/{n}/proof",
            "GET /api/v1/evidence/{id}/proof",
            "GET /api/v1/evidence/{id}/receipt",
            "GET /api/v1/log/consistency",
            "GET /api/v1/openapi.json",
            "GET /log/checkpoint",
            "GET /log/key",
            "GET /log/tile/{path}",
            "POST /api/v1/evidence",
            "POST /api/v1/evidence/batch",
        ]
    );
    // every route it lists answers (not the router's 404 or 405)
    for route in &listed {
        let (method, path) = route.split_once(' ').expect("route");
        let url = app.url(
            &path
                .replace("{id}", "nothing")
                .replace("{n}", "0")
                .replace("{path}", "0/000"),
        );
        let r = reqwest::Client::new()
            .request(method.parse().expect("method"), &url)
            .send()
            .await
            .expect("send");
        assert_ne!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{route}");
        let body = r.text().await.expect("body");
        assert!(
            !body.contains("/problems/not-found")
                || route.contains('{')
                || route.contains("checkpoint"),
            "{route}: {body}"
        );
    }
    // a description on every response (OpenAPI 3.1 requires it), the problem document on errors,
    // an operation id and a tag on every operation
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("item") {
            assert!(op["operationId"].is_string(), "{method} {path}");
            assert!(op["tags"].is_array(), "{method} {path}");
            for (status, response) in op["responses"].as_object().expect("responses") {
                assert!(
                    response["description"]
                        .as_str()
                        .is_some_and(|d| !d.is_empty()),
                    "{method} {path} {status}"
                );
                if status.starts_with('4') {
                    assert_eq!(
                        response["content"]["application/problem+json"]["schema"]["$ref"],
                        "#/components/schemas/Problem",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    // the key is a bearer scheme, asked only where it is needed
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );
    assert!(doc["paths"]["/api/v1/evidence"]["post"]["security"].is_array());
    assert!(
        doc["paths"]["/api/v1/evidence/{id}"]["get"]
            .get("security")
            .is_none()
    );
    // a registered evidence leads to its record, receipt and document (OpenAPI links)
    let links = &doc["paths"]["/api/v1/evidence"]["post"]["responses"]["201"]["links"];
    assert_eq!(links["GetReceipt"]["operationId"], "get_receipt");
    assert_eq!(
        links["GetReceipt"]["parameters"]["id"],
        "$response.body#/id"
    );

    // the guide: bilingual, with curl examples addressed to this portal and the document's link
    let visitor = app.browser();
    let (status, html) = visitor.text("/api").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(
        text.contains("API de evidencias") && text.contains("Claves y tipos"),
        "{text}"
    );
    assert!(html.contains(r#"href="/api/v1/openapi.json""#));
    assert!(text.contains(&format!("curl -sS {}/api/v1/evidence", app.url(""))));
    assert!(text.contains("Authorization: Bearer $MINGA_KEY"));
    assert!(text.contains("minga verify receipt.json"));
    let english = app.browser();
    english.get("/lang/en").await;
    let (_, html) = english.text("/api").await;
    assert!(visible_text(&html).contains("Evidence API"));
    // the home page's footer leads to it
    let (_, home) = visitor.text("/").await;
    assert!(home.contains(r#"<a href="/api">"#));
}
