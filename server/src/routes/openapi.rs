//! The JSON API described: an OpenAPI 3.1 document generated from the handlers' annotations
//! (`utoipa`), served at `/api/v1/openapi.json` and explained for people at `/api`. The routes of
//! `/api/v1` and `/log` are registered through `utoipa_axum`, so a route cannot exist without its
//! description. The schemas here are the bodies as they are sent; the fuzzing in CI
//! (schemathesis) checks the answers against them.

use axum::Extension;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Doc, RefOr, Server};
use utoipa::{Modify, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Minga evidence API",
        description = "Register evidences (records, documents, items) in Minga's transparency log and read them back with their proofs. Source systems authenticate with an API key as a bearer token; everything else is public. Errors are RFC 9457 problem details. A person's guide, with curl examples, is at /api.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(super::log::tile),
    components(schemas(Problem, FieldProblem)),
    tags(
        (name = "evidence", description = "Registering and reading evidences"),
        (name = "log", description = "The transparency log as C2SP tlog-tiles clients read it")
    ),
    modifiers(&BearerKey)
)]
pub struct ApiDoc;

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, doc: &mut Doc) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("Minga API key")
                    .description(Some(
                        "A key an administrator created for the source system (`minga api-key create`), limited to some kinds.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The finished document for a portal reached at `public_url`, with the links from what a
/// response returns to the operations that take it (OpenAPI links: a client, or a fuzzer, follows
/// a registered evidence to its record, receipt and document).
pub fn finish(mut doc: Doc, public_url: &str) -> Doc {
    doc.servers = Some(vec![Server::new(public_url)]);
    let by_id = |operation: &str| {
        RefOr::T(
            LinkBuilder::new()
                .operation_id(operation)
                .parameter("id", "$response.body#/id")
                .build(),
        )
    };
    let mut link = |path: &str, get: bool, status: &str, targets: &[(&str, &str)]| {
        let Some(item) = doc.paths.paths.get_mut(path) else {
            return;
        };
        let Some(operation) = (if get {
            item.get.as_mut()
        } else {
            item.post.as_mut()
        }) else {
            return;
        };
        if let Some(RefOr::T(response)) = operation.responses.responses.get_mut(status) {
            for (name, target) in targets {
                response.links.insert((*name).to_string(), by_id(target));
            }
        }
    };
    let from_evidence = [
        ("GetEvidence", "get_evidence"),
        ("GetReceipt", "get_receipt"),
        ("GetProof", "get_tlog_proof"),
        ("GetDocument", "get_document"),
    ];
    for status in ["200", "201"] {
        link("/api/v1/evidence", false, status, &from_evidence);
    }
    link("/api/v1/evidence/{id}", true, "200", &from_evidence[1..]);
    doc
}

/// `GET /api/v1/openapi.json`
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "evidence",
    operation_id = "openapi",
    responses(
        (status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json", body = Object)
    )
)]
pub async fn serve(Extension(doc): Extension<Arc<str>>) -> Response {
    (
        [
            (CONTENT_TYPE, "application/json"),
            (CACHE_CONTROL, "public, max-age=300"),
        ],
        doc.to_string(),
    )
        .into_response()
}

/// An RFC 9457 problem document: every error of the API.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// A relative URI naming the kind of problem, e.g. `/problems/invalid`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// With `invalid` (422): what is wrong with which field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblem>>,
}

/// One field's problem in a refused submission.
#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field (`kind`, `ref`, `data`, `items`, `document`, `evidences`), or empty for the whole
    /// body.
    pub field: String,
    /// A stable code, e.g. `kind_not_allowed`, `unsafe_integer`.
    pub code: String,
    pub detail: String,
    /// A JSON pointer to the offending value, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

/// A submission as JSON (`application/json`); the same fields go as parts of a
/// `multipart/form-data` body, the document then as a file part.
#[derive(ToSchema)]
#[allow(dead_code, reason = "a description of the body, which is parsed raw")]
#[schema(example = json!({
    "kind": "purchase-order",
    "ref": "OC-2026-000123",
    "data": {"supplier": "Ferretería Andina S.A.", "total": "1250.00", "currency": "USD"},
    "items": [
        {"supplier": "Ferretería Andina S.A.", "total": "1250.00"},
        {"supplier": "Comercial del Valle", "total": "1310.50"}
    ]
}))]
pub struct SubmissionBody {
    /// An evidence kind the key may register, e.g. `purchase-order`.
    #[schema(example = "purchase-order", min_length = 1)]
    pub kind: String,
    /// The source system's own reference, e.g. `OC-2026-000123`; with `kind`, it makes the
    /// submission idempotent.
    #[schema(rename = "ref", example = "OC-2026-000123", min_length = 1)]
    pub reference: String,
    /// The record: any JSON value (integers within ±2^53, no repeated member names).
    pub data: Value,
    /// Items (e.g. an order's quotations): each is a leaf of the evidence's items tree.
    pub items: Option<Vec<Value>>,
    pub document: Option<DocumentBody>,
}

#[derive(ToSchema)]
#[allow(dead_code, reason = "a description of the body, which is parsed raw")]
pub struct DocumentBody {
    /// The file, in standard base64.
    pub content_base64: String,
    pub media_type: String,
    pub filename: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code, reason = "a description of the body, which is parsed raw")]
pub struct BatchBody {
    /// Registered all or nothing, in this order.
    pub evidences: Vec<SubmissionBody>,
}

/// What the log answered for one submission.
#[derive(Serialize, ToSchema)]
pub struct Registered {
    pub id: String,
    /// The entry's position in the log.
    pub index: u64,
    pub data_hash: String,
    pub document_hash: Option<String>,
    pub items_root: Option<String>,
    pub link_hash: String,
    pub registered_at: String,
    /// False when the same kind and reference were registered before (nothing new).
    pub created: bool,
    pub verification_url: String,
    pub receipt_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct BatchRegistered {
    pub created: usize,
    pub existing: usize,
    pub evidences: Vec<Registered>,
}

/// An evidence as the log holds it, with its proof and the state of its anchors. `data`,
/// `items_data` and the document's URL are given only for public kinds.
#[derive(ToSchema)]
#[allow(dead_code, reason = "a description of a body built as JSON")]
pub struct Evidence {
    pub id: String,
    pub index: u64,
    pub source: String,
    pub kind: String,
    #[schema(rename = "ref")]
    pub reference: String,
    pub registered_at: String,
    /// The log entry: what the leaf hash is computed over.
    pub entry: Value,
    pub data_hash: String,
    pub document_hash: Option<String>,
    pub items_root: Option<String>,
    /// How many items.
    pub items: u64,
    pub link_hash: String,
    /// `verified`, `pending` (not yet in a signed checkpoint) or `altered`.
    pub status: String,
    pub public: bool,
    pub data: Option<Value>,
    pub items_data: Option<Vec<Value>>,
    pub document: Option<Value>,
    /// The inclusion proof to the checkpoint, once signed.
    pub inclusion: Option<Value>,
    /// The signed checkpoint note (C2SP signed-note).
    pub checkpoint: Option<String>,
    pub anchors: Vec<Value>,
    pub verification_url: String,
}

/// A receipt: everything needed to check the evidence offline (`minga verify`), without the
/// portal.
#[derive(ToSchema)]
#[allow(
    dead_code,
    reason = "a description of a body serialised from the domain's receipt"
)]
pub struct Receipt {
    /// The receipt format's version.
    pub v: u32,
    pub id: String,
    pub index: u64,
    pub entry: Value,
    pub link_hash: String,
    pub inclusion: Value,
    /// The signed checkpoint note the inclusion proof leads to.
    pub checkpoint: String,
    /// Chain transactions and time-stamps that cover the evidence.
    pub anchors: Vec<Value>,
}

/// One item's proof to its evidence's items root.
#[derive(ToSchema)]
#[allow(
    dead_code,
    reason = "a description of a body serialised from the domain's item proof"
)]
pub struct ItemProof {
    /// The format's version (1).
    pub v: u32,
    /// The evidence's id.
    pub evidence: String,
    /// The item's zero-based position.
    pub position: u64,
    /// How many items the evidence has.
    pub items: u64,
    /// The item's leaf hash, SHA-256(0x00 ‖ RFC 8785 form of the item), in hex.
    pub item_hash: String,
    pub items_root: String,
    /// The inclusion path to the items root (RFC 9162), in hex.
    pub path: Vec<String>,
    /// The item, for public kinds.
    pub item: Option<Value>,
    /// The evidence's receipt, once in a signed checkpoint.
    pub receipt: Option<Receipt>,
}

/// A consistency proof between two tree sizes of the log (RFC 9162).
#[derive(Serialize, ToSchema)]
pub struct Consistency {
    pub from: u64,
    pub to: u64,
    /// The proof's hashes, in hex.
    pub path: Vec<String>,
}
