//! `/metrics` in the Prometheus text format: requests by route and status, and their latency.

use app::{AppError, AppState};
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::IpAddr;
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Route {
    by_status: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

static ROUTES: LazyLock<Mutex<BTreeMap<(String, String), Route>>> = LazyLock::new(Default::default);

pub async fn track(req: Request, next: Next) -> Response {
    // the route pattern, not the path, so that ids do not explode the label set
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let method = req.method().to_string();
    let start = Instant::now();
    let response = next.run(req).await;
    let seconds = start.elapsed().as_secs_f64();
    if let Ok(mut routes) = ROUTES.lock() {
        let r = routes.entry((method, route)).or_default();
        *r.by_status.entry(response.status().as_u16()).or_default() += 1;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                r.buckets[i] += 1;
            }
        }
        r.count += 1;
        r.sum += seconds;
    }
    response
}

/// Whether this request may read the metrics: from loopback (the client's address, through a
/// trusted proxy too), or with `Authorization: Bearer <MINGA_METRICS_TOKEN>`. The figures name
/// the administrators' routes and their traffic, so they are not public.
fn may_read(state: &AppState, req: &Request) -> bool {
    if let Some(token) = &state.settings.metrics_token {
        let sent = req
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        // compared as hashes, so the time taken says nothing about the token
        if app::services::secrets::sha256(sent.trim().as_bytes())
            == app::services::secrets::sha256(token.as_bytes())
        {
            return true;
        }
    }
    app::web::client_ip(req, state.settings.trust_proxy)
        .parse::<IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

pub async fn render(State(state): State<AppState>, req: Request) -> Response {
    if !may_read(&state, &req) {
        return AppError::Forbidden.into_response();
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP minga_http_requests_total HTTP requests by method, route and status."
    );
    let _ = writeln!(out, "# TYPE minga_http_requests_total counter");
    let routes = match ROUTES.lock() {
        Ok(r) => r,
        Err(poisoned) => poisoned.into_inner(),
    };
    for ((method, route), r) in routes.iter() {
        for (status, n) in &r.by_status {
            let _ = writeln!(
                out,
                "minga_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP minga_http_request_duration_seconds Time to answer HTTP requests."
    );
    let _ = writeln!(out, "# TYPE minga_http_request_duration_seconds histogram");
    for ((method, route), r) in routes.iter() {
        let labels = format!("method=\"{method}\",route=\"{route}\"");
        for (i, bound) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "minga_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                r.buckets[i]
            );
        }
        let _ = writeln!(
            out,
            "minga_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
            r.count
        );
        let _ = writeln!(
            out,
            "minga_http_request_duration_seconds_sum{{{labels}}} {}",
            r.sum
        );
        let _ = writeln!(
            out,
            "minga_http_request_duration_seconds_count{{{labels}}} {}",
            r.count
        );
    }
    let (running, peak, bound) = app::services::secrets::hashing_figures();
    for (name, help, value) in [
        (
            "minga_password_hashes_running",
            "Password hashes (argon2id, 19 MiB each) being computed now.",
            running,
        ),
        (
            "minga_password_hashes_peak",
            "Most password hashes computed at once since start.",
            peak,
        ),
        (
            "minga_password_hashes_bound",
            "Most password hashes allowed at once (the cores); more wait in line.",
            bound,
        ),
    ] {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} gauge");
        let _ = writeln!(out, "{name} {value}");
    }
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        out,
    )
        .into_response()
}
