//! Background jobs, one file each. Every worker stops when the shutdown signal flips.

mod anchors;
mod checkpoints;
mod decisions;
mod housekeeping;
mod integrity;
mod mail;
mod motions;
mod nodes;
mod open_data;
mod search;
mod terms;
mod visits;

use app::AppState;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub fn spawn_all(
    state: &AppState,
    backends: Vec<std::sync::Arc<dyn app::services::anchors::AnchorBackend>>,
    mailer: Option<std::sync::Arc<dyn app::services::mail::Mailer>>,
    shutdown: &watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    vec![
        tokio::spawn(anchors::run(state.clone(), backends, shutdown.clone())),
        tokio::spawn(housekeeping::run(state.clone(), shutdown.clone())),
        tokio::spawn(checkpoints::run(state.clone(), shutdown.clone())),
        tokio::spawn(decisions::run(state.clone(), shutdown.clone())),
        tokio::spawn(integrity::run(state.clone(), shutdown.clone())),
        tokio::spawn(terms::run(state.clone(), shutdown.clone())),
        tokio::spawn(mail::run(state.clone(), mailer, shutdown.clone())),
        tokio::spawn(motions::run(state.clone(), shutdown.clone())),
        tokio::spawn(nodes::run(state.clone(), shutdown.clone())),
        tokio::spawn(open_data::run(state.clone(), shutdown.clone())),
        tokio::spawn(visits::run(state.clone(), shutdown.clone())),
        tokio::spawn(search::run(state.clone(), shutdown.clone())),
    ]
}

/// Sleeps for `period`, or returns `false` early when shutdown is requested.
pub async fn pause(period: std::time::Duration, shutdown: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(period) => !*shutdown.borrow(),
        _ = shutdown.changed() => false,
    }
}

/// Waits for `wake` or `period`, whichever first; `false` when shutdown is requested.
pub async fn wait(
    wake: &tokio::sync::Notify,
    period: std::time::Duration,
    shutdown: &mut watch::Receiver<bool>,
) -> bool {
    tokio::select! {
        _ = wake.notified() => !*shutdown.borrow(),
        _ = tokio::time::sleep(period) => !*shutdown.borrow(),
        _ = shutdown.changed() => false,
    }
}
