//! Signing checkpoints: whenever the log has grown past its last signed checkpoint, the head is
//! signed as a C2SP checkpoint note and stored.

use super::store;
use crate::db::Ts;
use crate::error::AppResult;
use crate::{AppError, AppState};

/// Signs the current head if no checkpoint covers it yet; returns the new size if it signed.
pub async fn sign_if_needed(state: &AppState) -> AppResult<Option<u64>> {
    let head = state.log.head();
    let latest = store::latest_checkpoint(&state.db).await?;
    if latest.as_ref().is_some_and(|c| c.size() >= head.size) {
        return Ok(None);
    }
    let note = state
        .log
        .key
        .sign(head.size, &head.root)
        .map_err(|e| AppError::internal(format!("signing a checkpoint: {e}")))?;
    sqlx::query("INSERT INTO checkpoints (tree_size, root_hash, note, signed_at) VALUES (?, ?, ?, ?) ON CONFLICT (tree_size) DO NOTHING")
        .bind(i64::try_from(head.size).map_err(AppError::internal)?)
        .bind(head.root.0.to_vec())
        .bind(&note)
        .bind(Ts::now())
        .execute(&state.db)
        .await?;
    Ok(Some(head.size))
}
