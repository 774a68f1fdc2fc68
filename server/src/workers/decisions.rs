//! The decision publisher: registers every recorded governance decision in the evidence log.

use app::AppState;
use app::services::evidence::decisions;
use std::time::Duration;
use tokio::sync::watch;

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        match decisions::publish_pending(&state).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(decisions = n, "decisions registered in the evidence log");
                continue;
            }
            Err(e) => tracing::warn!(error = %e, "registering decisions failed; will retry"),
        }
        if !super::wait(
            &state.decisions_pending,
            Duration::from_secs(10),
            &mut shutdown,
        )
        .await
        {
            return;
        }
    }
}
