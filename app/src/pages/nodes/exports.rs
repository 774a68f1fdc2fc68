//! The lists outside tools load: `/network/permissions_config.toml` (Besu's local
//! permissioning), `/network/static-nodes.json`, `/network/nodes.json`. Each carries the time of
//! its last change (`Last-Modified`, and in the file) and the decision that made it.

use crate::AppError;
use crate::AppState;
use crate::services::nodes::{self, exports, health};
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LAST_MODIFIED};
use axum::response::{IntoResponse, Response};
use serde_json::json;

fn with_headers(
    body: String,
    content_type: &'static str,
    change: &exports::LastChange,
) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Some(at) = change.at
        && let Ok(v) = HeaderValue::from_str(&at.0.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
    {
        h.insert(LAST_MODIFIED, v);
    }
    if let Some(id) = &change.evidence_id
        && let Ok(v) = HeaderValue::from_str(id)
    {
        h.insert("x-minga-decision", v);
    }
    r
}

pub async fn permissions(State(state): State<AppState>) -> Result<Response, AppError> {
    let change = exports::last_change(&state.db).await?;
    let enodes = exports::allowed_enodes(&state.db).await?;
    let accounts = exports::allowed_accounts(&state.db).await?;
    let body = exports::permissions_toml(&enodes, &accounts, &change, &state.settings.public_url);
    Ok(with_headers(
        body,
        "application/toml; charset=utf-8",
        &change,
    ))
}

pub async fn static_nodes(State(state): State<AppState>) -> Result<Response, AppError> {
    let change = exports::last_change(&state.db).await?;
    let enodes = exports::allowed_enodes(&state.db).await?;
    let body = serde_json::to_string_pretty(&enodes).map_err(AppError::internal)?;
    Ok(with_headers(body, "application/json", &change))
}

pub async fn nodes_json(State(state): State<AppState>) -> Result<Response, AppError> {
    let change = exports::last_change(&state.db).await?;
    let all = nodes::on_network(&state.db, None).await?;
    let ids: Vec<i64> = all.iter().map(|n| n.id).collect();
    let figures = crate::services::nodes::kept::figures_kept(
        &state,
        &ids,
        chrono::Utc::now(),
        health::Reach::Month,
    )
    .await?;
    let body = json!({
        "changed_at": change.at.map(|a| a.to_db()),
        "decision": change.evidence_id,
        "nodes": all
            .iter()
            .map(|n| {
                let h = figures.get(&n.id).and_then(|h| serde_json::to_value(h).ok());
                exports::node_json(n, h.as_ref())
            })
            .collect::<Vec<_>>(),
    });
    let body = serde_json::to_string_pretty(&body).map_err(AppError::internal)?;
    Ok(with_headers(body, "application/json", &change))
}
