//! The whole router: the pages (from `app`), the JSON API, health, metrics and static files,
//! behind request ids, tracing, metrics and security headers.

pub mod api;
mod health;
mod log;
pub mod metrics;
mod statics;

use app::{AppError, AppState};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::HeaderValue;
use axum::middleware::from_fn;
use axum::routing::get;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

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

/// Form posts and API bodies up to 2 MiB; routes that take documents raise their own limit.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .nest("/v1", api::router(&state))
        .fallback(|| async { AppError::NotFound });
    let hsts = state.settings.secure_cookies();
    Router::new()
        .merge(app::pages::router(state.clone()))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/style/minga.css", get(statics::stylesheet))
        .route("/favicon.svg", get(statics::favicon))
        .route("/robots.txt", get(statics::robots))
        .nest("/api", api)
        .nest("/log", log::router())
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn(metrics::track))
        .layer(from_fn(move |req: Request, next| app::web::security_headers(hsts, req, next)))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(tower_http::LatencyUnit::Millis)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(RandomRequestId))
}
