//! The JSON API of the evidence engine: submission (API key), records, receipts, documents and
//! consistency proofs. Errors are RFC 9457 problem details.

use super::openapi::{
    BatchBody as BatchDoc, BatchRegistered, Consistency, Evidence, Problem, Receipt,
    Registered as RegisteredDoc, SubmissionBody as SubmissionDoc,
};
use app::domain::evidence::jcs;
use app::domain::evidence::submission::SubmissionProblem;
use app::error::Invalid;
use app::services::evidence::api_keys::{self, ApiClient};
use app::services::evidence::sequencer::Registered;
use app::services::evidence::{self, DocumentUpload, EvidenceView, Submission, Verdict, store};
use app::services::projects;
use app::{AppError, AppState};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Query, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;

/// The routes of `/api/v1`, each with its description (see [`super::openapi`]).
pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let limits = state.settings.evidence_limits;
    // a document in base64 is 4/3 of its size; a batch may carry many
    let one = limits.max_document_bytes / 3 * 4 + 4 * 1024 * 1024;
    let batch = (one * 4).max(64 * 1024 * 1024);
    let limited = |mut r: UtoipaMethodRouter<AppState>, max: usize| {
        r.2 = r.2.layer(axum::extract::DefaultBodyLimit::max(max));
        r
    };
    OpenApiRouter::new()
        .routes(limited(routes!(submit), one))
        .routes(limited(routes!(submit_batch), batch))
        .routes(routes!(show))
        .routes(routes!(receipt))
        .routes(routes!(tlog_proof))
        .routes(routes!(item_proof))
        .routes(routes!(document))
        .routes(routes!(consistency))
        .routes(routes!(super::openapi::serve))
}

/// The source system behind `Authorization: Bearer <key>`.
pub struct ApiAuth(pub ApiClient);

impl FromRequestParts<AppState> for ApiAuth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let key = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or(AppError::Unauthenticated)?;
        Ok(ApiAuth(api_keys::authenticate(&state.db, key).await?))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SubmissionBody<'a> {
    kind: String,
    #[serde(rename = "ref")]
    reference: String,
    #[serde(borrow)]
    data: &'a RawValue,
    #[serde(default, borrow)]
    items: Option<&'a RawValue>,
    #[serde(default)]
    document: Option<DocumentBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentBody {
    content_base64: String,
    media_type: String,
    #[serde(default)]
    filename: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchBody<'a> {
    #[serde(borrow)]
    evidences: Vec<SubmissionBody<'a>>,
}

fn json_problem(field: &'static str, e: impl std::fmt::Display) -> AppError {
    AppError::Invalid(Invalid::one(
        field,
        SubmissionProblem::JsonInvalid(e.to_string()),
    ))
}

/// Parses a raw JSON value after refusing integers JCS could not represent exactly and
/// repeated member names (I-JSON, RFC 7493).
fn parse_raw(field: &'static str, raw: &str) -> Result<Value, AppError> {
    jcs::check_integers(raw)
        .and_then(|()| jcs::check_duplicate_keys(raw))
        .map_err(|e| match e {
            jcs::JsonProblem::UnsafeInteger(n) => {
                AppError::Invalid(Invalid::one(field, SubmissionProblem::UnsafeInteger(n)))
            }
            jcs::JsonProblem::DuplicateKey(inner) => AppError::Invalid(Invalid::one(
                field,
                SubmissionProblem::DuplicateKey(format!("/{field}{inner}")),
            )),
            other => json_problem(field, other),
        })?;
    serde_json::from_str(raw).map_err(|e| json_problem(field, e))
}

fn to_submission(body: SubmissionBody<'_>) -> Result<Submission, AppError> {
    let data = parse_raw("data", body.data.get())?;
    let items = match body.items {
        Some(raw) => match parse_raw("items", raw.get())? {
            Value::Array(items) => items,
            Value::Null => Vec::new(),
            _ => {
                return Err(AppError::Invalid(Invalid::one(
                    "items",
                    SubmissionProblem::JsonInvalid("items must be an array".into()),
                )));
            }
        },
        None => Vec::new(),
    };
    let document = match body.document {
        Some(d) => Some(DocumentUpload {
            bytes: STANDARD.decode(d.content_base64.trim()).map_err(|_| {
                AppError::Invalid(Invalid::one("document", SubmissionProblem::Base64Invalid))
            })?,
            media_type: d.media_type,
            filename: d.filename,
        }),
        None => None,
    };
    Ok(Submission {
        kind: body.kind,
        reference: body.reference,
        data,
        items,
        document,
    })
}

/// Reads a multipart submission: fields `kind`, `ref`, `data` (JSON), `items` (JSON array),
/// and a `document` file.
async fn from_multipart(mut mp: Multipart) -> Result<Submission, AppError> {
    let (mut kind, mut reference, mut data, mut items, mut document) =
        (String::new(), String::new(), None, Vec::new(), None);
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("multipart: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "document" => {
                let media_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let filename = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(|_| AppError::PayloadTooLarge)?;
                document = Some(DocumentUpload {
                    bytes: bytes.to_vec(),
                    media_type,
                    filename,
                });
            }
            other => {
                // read as bytes and decoded strictly: a lossy decoding would register text
                // nobody sent (the JSON body refuses invalid UTF-8 the same way)
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| AppError::BadRequest(format!("multipart field {other}: {e}")))?;
                let field_name: &'static str = match other {
                    "kind" => "kind",
                    "ref" => "ref",
                    "data" => "data",
                    "items" => "items",
                    _ => "",
                };
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|e| json_problem(field_name, format!("not valid UTF-8 ({e})")))?;
                match other {
                    "kind" => kind = text,
                    "ref" => reference = text,
                    "data" => data = Some(parse_raw("data", &text)?),
                    "items" => match parse_raw("items", &text)? {
                        Value::Array(v) => items = v,
                        _ => return Err(json_problem("items", "items must be an array")),
                    },
                    unknown => {
                        return Err(AppError::BadRequest(format!(
                            "unknown multipart field `{unknown}`"
                        )));
                    }
                }
            }
        }
    }
    let data =
        data.ok_or_else(|| AppError::Invalid(Invalid::one("data", SubmissionProblem::Required)))?;
    Ok(Submission {
        kind,
        reference,
        data,
        items,
        document,
    })
}

fn registered_json(state: &AppState, r: &Registered) -> RegisteredDoc {
    RegisteredDoc {
        id: r.id.clone(),
        index: r.index,
        data_hash: r.data_hash.hex(),
        document_hash: r.document_hash.map(|h| h.hex()),
        items_root: r.items_root.map(|h| h.hex()),
        link_hash: r.link_hash.hex(),
        registered_at: r.registered_at.clone(),
        created: r.created,
        verification_url: format!("{}/v/{}", state.settings.public_url, r.id),
        receipt_url: format!(
            "{}/api/v1/evidence/{}/receipt",
            state.settings.public_url, r.id
        ),
    }
}

/// Registers one evidence. Idempotent by `kind` and `ref`: the same submission again answers 200
/// with what was registered the first time (other content under them: 409).
#[utoipa::path(
    post,
    path = "/evidence",
    tag = "evidence",
    operation_id = "submit_evidence",
    security(("api_key" = [])),
    request_body(
        description = "The evidence, as JSON (the document in base64) or as multipart/form-data (the same fields as parts, the document as a file part)",
        content(
            (SubmissionDoc = "application/json"),
            (SubmissionDoc = "multipart/form-data")
        )
    ),
    responses(
        (status = 201, description = "Registered; `Location` names the evidence", body = RegisteredDoc,
            headers(("Location" = String, description = "The evidence's API URL"))),
        (status = 200, description = "Registered before with the same kind and reference", body = RegisteredDoc),
        (status = 400, description = "Neither JSON nor multipart, or a malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key may not register this kind", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The same kind and reference were registered with other content", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than the limits", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (each named under `errors`)", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn submit(
    State(state): State<AppState>,
    ApiAuth(client): ApiAuth,
    req: Request,
) -> Result<Response, AppError> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let submission = if content_type.starts_with("multipart/form-data") {
        from_multipart(
            Multipart::from_request(req, &state)
                .await
                .map_err(|e| AppError::BadRequest(e.to_string()))?,
        )
        .await?
    } else if content_type.starts_with("application/json") {
        let bytes = Bytes::from_request(req, &state)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let text = std::str::from_utf8(&bytes).map_err(|e| json_problem("", e))?;
        to_submission(serde_json::from_str(text).map_err(|e| json_problem("", e))?)?
    } else {
        return Err(AppError::BadRequest(
            "send application/json or multipart/form-data".into(),
        ));
    };
    let subs = vec![submission];
    // a project's metric value is checked before the log takes it, recorded once it is in
    let metrics = projects::metrics::from_submissions(&state, &client.source, &subs).await?;
    let registered = evidence::submit(&state, &client.source, &client.kinds, subs, false).await?;
    projects::metrics::record(&state, &client.source, &metrics, &registered).await?;
    let r = registered
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal("the log answered nothing"))?;
    let status = if r.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut response = (status, Json(registered_json(&state, &r))).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/evidence/{}", r.id)) {
        response.headers_mut().insert(LOCATION, v);
    }
    Ok(response)
}

/// Registers several evidences at once, all or nothing, in order.
#[utoipa::path(
    post,
    path = "/evidence/batch",
    tag = "evidence",
    operation_id = "submit_batch",
    security(("api_key" = [])),
    request_body(content = BatchDoc, content_type = "application/json", description = "The evidences"),
    responses(
        (status = 201, description = "At least one was new", body = BatchRegistered),
        (status = 200, description = "Every one was registered before", body = BatchRegistered),
        (status = 400, description = "A malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key may not register one of the kinds", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "One kind and reference were registered with other content", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than the limits", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An evidence is invalid (`errors` give its position)", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn submit_batch(
    State(state): State<AppState>,
    ApiAuth(client): ApiAuth,
    body: Bytes,
) -> Result<Response, AppError> {
    let text = std::str::from_utf8(&body).map_err(|e| json_problem("", e))?;
    let batch: BatchBody = serde_json::from_str(text).map_err(|e| json_problem("", e))?;
    let mut subs = Vec::with_capacity(batch.evidences.len());
    for (position, body) in batch.evidences.into_iter().enumerate() {
        subs.push(to_submission(body).map_err(|e| {
            match e {
                AppError::Invalid(inv) => AppError::Invalid(Invalid(
                    inv.0
                        .into_iter()
                        .map(|fe| app::error::FieldError {
                            field: "evidences",
                            reason: Box::new(evidence::AtPosition {
                                position,
                                field: fe.field,
                                pointer: fe.reason.pointer(),
                                problem: SubmissionProblem::JsonInvalid(
                                    fe.reason.message(app::i18n::Lang::En.tr()),
                                ),
                            }),
                        })
                        .collect(),
                )),
                other => other,
            }
        })?);
    }
    let metrics = projects::metrics::from_submissions(&state, &client.source, &subs).await?;
    let registered = evidence::submit(&state, &client.source, &client.kinds, subs, true).await?;
    projects::metrics::record(&state, &client.source, &metrics, &registered).await?;
    let created = registered.iter().filter(|r| r.created).count();
    let body = BatchRegistered {
        created,
        existing: registered.len() - created,
        evidences: registered
            .iter()
            .map(|r| registered_json(&state, r))
            .collect(),
    };
    Ok((
        if created > 0 {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(body),
    )
        .into_response())
}

/// The API form of an evidence (also what the public page shows).
pub fn view_json(state: &AppState, v: &EvidenceView) -> Value {
    let row = &v.row;
    let verdict = match v.verification.verdict {
        Verdict::Verified => "verified",
        Verdict::Pending => "pending",
        Verdict::Altered => "altered",
    };
    json!({
        "id": row.id,
        "index": row.index(),
        "source": row.source,
        "kind": row.kind,
        "ref": row.reference,
        "registered_at": row.registered_at,
        "entry": v.entry,
        "data_hash": store::EvidenceRow::hash(&row.data_hash),
        "document_hash": row.document_hash.as_deref().map(store::EvidenceRow::hash),
        "items_root": row.items_root.as_deref().map(store::EvidenceRow::hash),
        "items": row.items_count,
        "link_hash": store::EvidenceRow::hash(&row.link_hash),
        "status": verdict,
        "public": v.public,
        "data": v.data,
        "items_data": if v.public { Some(&v.items) } else { None },
        "document": row.document_hash.as_ref().map(|_| json!({
            "media_type": row.document_media_type,
            "filename": row.document_filename,
            "size": row.document_size,
            "url": v.public.then(|| format!("/api/v1/evidence/{}/document", row.id)),
        })),
        "inclusion": v.inclusion,
        "checkpoint": v.checkpoint.as_ref().map(|c| c.note.clone()),
        "anchors": v.anchors,
        "verification_url": format!("{}/v/{}", state.settings.public_url, row.id),
    })
}

/// An evidence, with its proof and anchors.
#[utoipa::path(
    get,
    path = "/evidence/{id}",
    tag = "evidence",
    operation_id = "get_evidence",
    params(("id" = String, Path, description = "The evidence's id")),
    responses(
        (status = 200, description = "The evidence", body = Evidence),
        (status = 404, description = "No evidence has this id", body = Problem, content_type = "application/problem+json")
    )
)]
async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    let view = evidence::view(&state, &id).await?;
    Ok(Json(view_json(&state, &view)).into_response())
}

/// The evidence's receipt, to check it offline (`minga verify`).
#[utoipa::path(
    get,
    path = "/evidence/{id}/receipt",
    tag = "evidence",
    operation_id = "get_receipt",
    params(("id" = String, Path, description = "The evidence's id")),
    responses(
        (status = 200, description = "The receipt (a download)", body = Receipt,
            headers(("Content-Disposition" = String, description = "attachment; filename=\"minga-receipt-<id>.json\""))),
        (status = 404, description = "No evidence has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not yet in a signed checkpoint; `Retry-After` says when to ask again", body = Problem, content_type = "application/problem+json")
    )
)]
async fn receipt(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let receipt = evidence::receipt(&state, &id).await?;
    Ok(download(
        Json(receipt).into_response(),
        &format!("minga-receipt-{id}.json"),
    ))
}

/// The response as a download under `filename`.
fn download(mut response: Response, filename: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        response.headers_mut().insert(CONTENT_DISPOSITION, v);
    }
    response
}

/// The evidence's proof in the C2SP tlog-proof text format: its index, the inclusion proof and
/// the signed checkpoint, with the canonical entry as the extra data; generic transparency-log
/// tools check it, and so does `minga verify`.
#[utoipa::path(
    get,
    path = "/evidence/{id}/proof",
    tag = "evidence",
    operation_id = "get_tlog_proof",
    params(("id" = String, Path, description = "The evidence's id")),
    responses(
        (status = 200, description = "The proof (a download, `.tlog-proof`)", content_type = "application/vnd.c2sp.tlog-proof", body = String,
            headers(("Content-Disposition" = String, description = "attachment; filename=\"minga-<id>.tlog-proof\""))),
        (status = 404, description = "No evidence has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not yet in a signed checkpoint; `Retry-After` says when to ask again", body = Problem, content_type = "application/problem+json")
    )
)]
async fn tlog_proof(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    use app::domain::evidence::tlog_proof::{MEDIA_TYPE, TlogProof};
    let receipt = evidence::receipt(&state, &id).await?;
    let text = TlogProof::of(&receipt).to_text();
    Ok(download(
        ([(CONTENT_TYPE, MEDIA_TYPE)], text).into_response(),
        &format!("minga-{id}.tlog-proof"),
    ))
}

/// One item's proof (e.g. a quotation of a purchase order): its leaf hash and the inclusion path
/// to the evidence's items root, the item itself for public kinds, and the evidence's receipt
/// once signed; `minga verify` checks it (`--item` with one's own copy).
#[utoipa::path(
    get,
    path = "/evidence/{id}/items/{n}/proof",
    tag = "evidence",
    operation_id = "get_item_proof",
    params(
        ("id" = String, Path, description = "The evidence's id"),
        ("n" = u64, Path, description = "The item's zero-based position", minimum = 0)
    ),
    responses(
        (status = 200, description = "The item's proof", body = super::openapi::ItemProof),
        (status = 400, description = "A position that is not a whole number", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No evidence has this id, or no item this position", body = Problem, content_type = "application/problem+json")
    )
)]
async fn item_proof(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let n: u64 = n
        .parse()
        .map_err(|_| AppError::BadRequest("the item's position is a whole number from 0".into()))?;
    let proof = evidence::item_proof(&state, &id, n).await?;
    Ok(download(
        Json(proof).into_response(),
        &format!("minga-{id}-item-{n}.json"),
    ))
}

/// The evidence's document, for public kinds; served inert (by type from an allowlist, never as
/// the uploader declared it).
#[utoipa::path(
    get,
    path = "/evidence/{id}/document",
    tag = "evidence",
    operation_id = "get_document",
    params(("id" = String, Path, description = "The evidence's id")),
    responses(
        (status = 200, description = "The document's bytes", content_type = "application/octet-stream"),
        (status = 403, description = "The kind is not public", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No evidence has this id, or it has no document", body = Problem, content_type = "application/problem+json")
    )
)]
async fn document(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let row = store::by_id(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !store::is_public(&state.db, &row.source, &row.kind).await? {
        return Err(AppError::Forbidden);
    }
    let hash = row
        .document_hash
        .as_deref()
        .map(store::EvidenceRow::hash)
        .ok_or(AppError::NotFound)?;
    let bytes = evidence::documents::read(&state.settings.documents_dir(), &hash)
        .await?
        .ok_or(AppError::NotFound)?;
    // served by type from an allowlist, never as the uploader declared it (see `app::web::inert`)
    Ok(app::web::inert(
        bytes,
        row.document_media_type.as_deref().unwrap_or_default(),
        row.document_filename.as_deref().unwrap_or("document"),
        "public, max-age=31536000, immutable",
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ConsistencyQuery {
    /// The older tree size (at least 1).
    #[param(value_type = u64, minimum = 1)]
    from: Option<String>,
    /// The newer tree size (at most the latest signed checkpoint's).
    #[param(value_type = u64, minimum = 1)]
    to: Option<String>,
}

/// A consistency proof between two sizes of the log: the newer tree extends the older.
#[utoipa::path(
    get,
    path = "/log/consistency",
    tag = "log",
    operation_id = "get_consistency",
    params(ConsistencyQuery),
    responses(
        (status = 200, description = "The proof", body = Consistency),
        (status = 400, description = "Sizes that are not whole numbers with 0 < from ≤ to ≤ the signed size", body = Problem, content_type = "application/problem+json")
    )
)]
async fn consistency(
    State(state): State<AppState>,
    Query(q): Query<ConsistencyQuery>,
) -> Result<Response, AppError> {
    let parse = |name: &str, v: Option<String>| -> Result<u64, AppError> {
        v.as_deref()
            .unwrap_or_default()
            .parse::<u64>()
            .map_err(|_| {
                AppError::BadRequest(format!("`{name}` must be a tree size (a whole number)"))
            })
    };
    let (from, to) = (parse("from", q.from)?, parse("to", q.to)?);
    let signed = store::latest_checkpoint(&state.db)
        .await?
        .map_or(0, |c| c.size());
    if from == 0 || from > to || to > signed {
        return Err(AppError::BadRequest(format!(
            "need 0 < from ≤ to ≤ {signed} (the latest signed checkpoint's size)"
        )));
    }
    let path = store::consistency_proof(&state.db, from, to).await?;
    Ok(Json(Consistency {
        from,
        to,
        path: path.iter().map(|h| h.hex()).collect(),
    })
    .into_response())
}
