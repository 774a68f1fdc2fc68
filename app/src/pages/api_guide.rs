//! `/api`: the JSON API explained for the developer of a source system — keys, kinds,
//! registering (JSON, multipart, batches), receipts and verification, errors — with curl examples
//! addressed to this portal, and the link to the OpenAPI document generated from the code
//! (`/api/v1/openapi.json`).

use crate::AppState;
use crate::web::{Ctx, page};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

/// The examples, addressed to the portal at `base`.
fn examples(base: &str) -> [String; 6] {
    [
        "minga api-key create compras --kinds purchase-order,quotation --public\n\
         # prints the key once: minga_…"
            .to_string(),
        format!(
            "curl -sS {base}/api/v1/evidence \\\n  -H \"Authorization: Bearer $MINGA_KEY\" \\\n  -H 'Content-Type: application/json' \\\n  -d '{{\"kind\": \"purchase-order\", \"ref\": \"OC-2026-000123\",\n       \"data\": {{\"supplier\": \"Ferretería Andina S.A.\", \"total\": \"1250.00\"}},\n       \"items\": [{{\"supplier\": \"Ferretería Andina S.A.\", \"total\": \"1250.00\"}},\n                 {{\"supplier\": \"Comercial del Valle\", \"total\": \"1310.50\"}}]}}'"
        ),
        format!(
            "curl -sS {base}/api/v1/evidence \\\n  -H \"Authorization: Bearer $MINGA_KEY\" \\\n  -F kind=purchase-order -F ref=OC-2026-000124 \\\n  -F 'data={{\"total\": \"980.00\"}}' \\\n  -F 'document=@orden-000124.pdf;type=application/pdf'"
        ),
        format!(
            "curl -sS {base}/api/v1/evidence/batch \\\n  -H \"Authorization: Bearer $MINGA_KEY\" \\\n  -H 'Content-Type: application/json' \\\n  -d '{{\"evidences\": [{{\"kind\": \"quotation\", \"ref\": \"COT-1\", \"data\": {{}}}},\n                    {{\"kind\": \"quotation\", \"ref\": \"COT-2\", \"data\": {{}}}}]}}'"
        ),
        format!(
            "curl -sS -o receipt.json {base}/api/v1/evidence/$ID/receipt\n\
             curl -sS {base}/log/key > minga.key\n\
             minga verify receipt.json --key \"$(cat minga.key)\" --document orden-000124.pdf"
        ),
        "HTTP/1.1 422 Unprocessable Entity\nContent-Type: application/problem+json\n\n\
         {\"type\": \"/problems/invalid\", \"title\": \"Invalid data\", \"status\": 422,\n \"detail\": \"…\",\n \"errors\": [{\"field\": \"kind\", \"code\": \"kind_not_allowed\", \"detail\": \"…\"}]}"
            .to_string(),
    ]
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    let t = ctx.t();
    let base = state.settings.public_url.trim_end_matches('/').to_string();
    let [key, submit, multipart, batch, verify, problem] = examples(&base);
    let section =
        |id: &'static str, title: &'static str, texts: Vec<&'static str>, code: Option<String>| {
            view! {
                <section aria-labelledby=id>
                    <h2 id=id>{title}</h2>
                    {texts.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                    {code.map(|c| view! { <pre class="note"><code>{c}</code></pre> })}
                </section>
            }
        };
    page(
        StatusCode::OK,
        view! {
            <crate::components::Layout ctx=ctx.clone() title=t.api_title>
                <h1>{t.api_title}</h1>
                <p>{t.api_intro}</p>
                <p><a href="/api/v1/openapi.json">{t.api_spec_link}</a></p>
                {section("api-keys", t.api_keys_title, vec![t.api_keys_text, t.api_kinds_text], Some(key))}
                {section("api-submit", t.api_submit_title, vec![t.api_submit_text, t.api_idempotent_text], Some(submit))}
                {section("api-multipart", t.api_multipart_title, vec![t.api_multipart_text], Some(multipart))}
                {section("api-batch", t.api_batch_title, vec![t.api_batch_text], Some(batch))}
                {section("api-verify", t.api_verify_title, vec![t.api_receipt_text, t.api_verify_text], Some(verify))}
                {section("api-errors", t.api_errors_title, vec![t.api_errors_text], Some(problem))}
                {section("api-spec", t.api_spec_title, vec![t.api_spec_text], None)}
            </crate::components::Layout>
        },
    )
}
