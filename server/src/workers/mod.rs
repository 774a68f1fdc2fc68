//! Background jobs, one file each. Every worker stops when the shutdown signal flips.

mod housekeeping;

use app::AppState;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub fn spawn_all(state: &AppState, shutdown: &watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    vec![tokio::spawn(housekeeping::run(
        state.clone(),
        shutdown.clone(),
    ))]
}

/// Sleeps for `period`, or returns `false` early when shutdown is requested.
pub async fn pause(period: std::time::Duration, shutdown: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(period) => !*shutdown.borrow(),
        _ = shutdown.changed() => false,
    }
}
