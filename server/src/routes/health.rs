//! `/healthz`: the process is up. `/readyz`: it can reach its database.

use app::{AppError, AppState};
use axum::extract::State;

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(&state.db)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "database not reachable");
            AppError::Unavailable("database not reachable".into())
        })?;
    Ok("ready")
}
