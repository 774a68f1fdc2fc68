//! Writes the verification pages' view counts (kept in memory between flushes, so a view costs
//! no write) to `evidence_visits` every half minute, and once more at shutdown.

use app::AppState;
use app::services::stats;
use std::time::Duration;
use tokio::sync::watch;

const PERIOD: Duration = Duration::from_secs(30);

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        let go_on = super::pause(PERIOD, &mut shutdown).await;
        if let Err(e) = stats::flush_visits(&state).await {
            tracing::warn!(error = %e, "counting the verification pages' views failed; will retry");
        }
        if !go_on {
            return;
        }
    }
}
