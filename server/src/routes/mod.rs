//! The whole router: the pages (from `app`), the JSON API, health, metrics and static files,
//! behind request ids, tracing, metrics and security headers.

pub mod api;
mod health;
mod log;
pub mod metrics;
pub mod openapi;
mod statics;

use app::{AppError, AppState};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::middleware::from_fn;
use axum::response::Response;
use axum::routing::get;
use std::time::{Duration, Instant};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

/// Request ids: 16 random hex digits (an incoming `X-Request-Id` from a proxy is kept).
#[derive(Clone, Copy, Default)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let bytes = app::services::secrets::random_bytes::<8>().ok()?;
        HeaderValue::from_str(&hex::encode(bytes))
            .ok()
            .map(RequestId::new)
    }
}

/// A request slower than this is logged at INFO whatever its outcome.
const SLOW: Duration = Duration::from_millis(500);

/// One log line per request, at a level by what it tells an operator: a server error at ERROR, a
/// slow request at WARN, a state change (any method but GET, HEAD, OPTIONS) at INFO, the rest —
/// every page view, every successful read — at DEBUG (a load test once wrote 643 MB of them).
async fn log_response(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let started = Instant::now();
    let response = next.run(req).await;
    let took = started.elapsed();
    let (status, latency_ms) = (response.status().as_u16(), took.as_millis());
    if response.status().is_server_error() {
        tracing::error!(status, latency_ms, "request failed");
    } else if took >= SLOW {
        tracing::warn!(status, latency_ms, "slow request");
    } else if !method.is_safe() {
        tracing::info!(status, latency_ms, "state change");
    } else {
        tracing::debug!(status, latency_ms, "request");
    }
    response
}

/// Form posts and API bodies up to 2 MiB; routes that take documents raise their own limit.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub fn router(state: AppState) -> Router {
    // the API and the log, with their OpenAPI description built from the same registrations
    let (api, doc) = utoipa_axum::router::OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest("/api/v1", api::router(&state))
        .nest("/log", log::router())
        .split_for_parts();
    let doc = openapi::finish(doc, &state.settings.public_url);
    let doc: std::sync::Arc<str> = doc
        .to_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        .into();
    // they answer problem details for everything, axum's own rejections included
    let api = api
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async { AppError::NotFound }),
        )
        .layer(axum::Extension(doc))
        .layer(axum::middleware::map_response(app::web::rejection_as_error));
    let hsts = state.settings.secure_cookies();
    Router::new()
        .merge(app::pages::router(state.clone()))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/style/minga.css", get(statics::stylesheet))
        .route("/favicon.svg", get(statics::favicon))
        .route("/robots.txt", get(statics::robots))
        .merge(api)
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn(metrics::track))
        .layer(from_fn(move |req: Request, next| app::web::security_headers(hsts, req, next)))
        .layer(from_fn(log_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                })
                .on_request(())
                .on_response(())
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(RandomRequestId))
}
