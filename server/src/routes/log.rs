//! The log as C2SP says generic clients read it: `/log/checkpoint`, `/log/key` and the tiles
//! `/log/tile/<L>/<N>[.p/<W>]` and `/log/tile/entries/<N>[.p/<W>]` (height 8).

use app::domain::evidence::merkle::Node;
use app::domain::evidence::tiles::{TilePath, WIDTH};
use app::services::evidence::store;
use app::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of `/log`, each with its description (the tiles' path has several segments, which
/// OpenAPI cannot say: it is described by hand in [`super::openapi::ApiDoc`]).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(checkpoint))
        .routes(routes!(key))
        .route("/tile/{*path}", get(tile))
}

/// The latest signed checkpoint (C2SP tlog-checkpoint, a signed note).
#[utoipa::path(
    get,
    path = "/checkpoint",
    tag = "log",
    operation_id = "get_checkpoint",
    responses(
        (status = 200, description = "The checkpoint note", content_type = "text/plain", body = String),
        (status = 404, description = "Nothing signed yet", body = super::openapi::Problem, content_type = "application/problem+json")
    )
)]
async fn checkpoint(State(state): State<AppState>) -> Result<Response, AppError> {
    let cp = store::latest_checkpoint(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (CONTENT_TYPE, "text/plain; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        cp.note,
    )
        .into_response())
}

/// The log's verifier key (a signed-note verifier key, Ed25519).
#[utoipa::path(
    get,
    path = "/key",
    tag = "log",
    operation_id = "get_key",
    responses((status = 200, description = "The verifier key, one line", content_type = "text/plain", body = String))
)]
async fn key(State(state): State<AppState>) -> Response {
    (
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{}\n", state.log.key.verifier_key()),
    )
        .into_response()
}

/// A tile of the log (C2SP tlog-tiles, height 8): `<L>/<N>[.p/<W>]` hashes, or
/// `entries/<N>[.p/<W>]` entry bundles; only what the latest signed checkpoint commits to.
#[utoipa::path(
    get,
    path = "/log/tile/{path}",
    tag = "log",
    operation_id = "get_tile",
    params(("path" = String, Path, description = "The tile's path, e.g. `0/000` or `entries/x001/234.p/12` (several segments)")),
    responses(
        (status = 200, description = "The tile's bytes", content_type = "application/octet-stream"),
        (status = 404, description = "No such tile in the signed tree", body = super::openapi::Problem, content_type = "application/problem+json")
    )
)]
pub(super) async fn tile(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> Result<Response, AppError> {
    let tile = TilePath::parse(&path).ok_or(AppError::NotFound)?;
    // serve only what the latest signed checkpoint commits to
    let size = store::latest_checkpoint(&state.db)
        .await?
        .map_or(0, |c| c.size());
    // checked arithmetic: a tile beyond any tree, or beyond the signed one, is not there
    let (first, end) = tile.span().ok_or(AppError::NotFound)?;
    if tile.needs_tree_size().is_none_or(|needed| needed > size) {
        return Err(AppError::NotFound);
    }
    let last = end - 1;
    let body = match tile.level {
        Some(level) => {
            let level8 = u8::try_from(u32::from(level) * 8).map_err(|_| AppError::NotFound)?;
            let (lo, hi) = (
                Node {
                    level: level8,
                    index: first,
                }
                .key(),
                Node {
                    level: level8,
                    index: last,
                }
                .key(),
            );
            let rows: Vec<Vec<u8>> = sqlx::query_scalar(
                "SELECT hash FROM log_tree WHERE key BETWEEN ? AND ? ORDER BY key",
            )
            .bind(lo)
            .bind(hi)
            .fetch_all(&state.db)
            .await?;
            if rows.len() as u64 != tile.width {
                return Err(AppError::internal("a complete tile is missing hashes"));
            }
            rows.concat()
        }
        None => {
            let rows: Vec<Vec<u8>> = sqlx::query_scalar(
                "SELECT entry FROM evidences WHERE idx BETWEEN ? AND ? ORDER BY idx",
            )
            .bind(i64::try_from(first).map_err(|_| AppError::NotFound)?)
            .bind(i64::try_from(last).map_err(|_| AppError::NotFound)?)
            .fetch_all(&state.db)
            .await?;
            if rows.len() as u64 != tile.width {
                return Err(AppError::internal("entries are missing from a bundle"));
            }
            let mut out = Vec::with_capacity(rows.iter().map(|r| r.len() + 2).sum());
            for entry in rows {
                let len = u16::try_from(entry.len())
                    .map_err(|_| AppError::internal("an entry longer than 65535 bytes"))?;
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(&entry);
            }
            out
        }
    };
    let cache = if tile.width == WIDTH {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=5"
    };
    Ok((
        [
            (CONTENT_TYPE, "application/octet-stream"),
            (CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response())
}
