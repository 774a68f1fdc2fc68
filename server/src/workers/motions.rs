//! The motions worker: carries out what a meeting's motion decided once its vote closed —
//! minutes approved by a later meeting are frozen and registered, a slate the Executive
//! Council elected takes office, a node the nodes commission voted on is admitted or rejected, a
//! project the Council's plenary voted on is admitted or rejected, an Advisory Council member
//! the Council voted to remove leaves the seat. Woken when a vote closes; a
//! pass every minute also finishes what a restart interrupted.

use app::AppState;
use app::services::{advisory, calls, minutes, nodes, projects};
use std::time::Duration;
use tokio::sync::watch;

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        match minutes::approve_by_votes(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(minutes = n, "minutes approved by a vote frozen"),
            Err(e) => tracing::warn!(error = %e, "carrying out closed motions failed; will retry"),
        }
        match calls::elect_by_votes(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(calls = n, "slates elected by a vote took office"),
            Err(e) => {
                tracing::warn!(error = %e, "carrying out closed elections failed; will retry")
            }
        }
        match nodes::admission::decide_by_votes(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(nodes = n, "node requests decided by the commission's vote"),
            Err(e) => {
                tracing::warn!(error = %e, "carrying out closed node votes failed; will retry")
            }
        }
        match projects::review::decide_by_votes(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(projects = n, "projects decided by the plenary's vote"),
            Err(e) => {
                tracing::warn!(error = %e, "carrying out closed project votes failed; will retry")
            }
        }
        match advisory::removal::settle_by_votes(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                removals = n,
                "Advisory Council removals settled by the Council"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "carrying out closed removal votes failed; will retry")
            }
        }
        if !super::wait(
            &state.motions_pending,
            Duration::from_secs(60),
            &mut shutdown,
        )
        .await
        {
            return;
        }
    }
}
