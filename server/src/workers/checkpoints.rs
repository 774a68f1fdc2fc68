//! The checkpoint signer: signs the log's head whenever it grew, at most once per
//! `MINGA_CHECKPOINT_INTERVAL`, so that a new entry is in a signed checkpoint within seconds.

use app::AppState;
use app::services::evidence::checkpoints;
use std::time::Duration;
use tokio::sync::watch;

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        match checkpoints::sign_if_needed(&state).await {
            Ok(Some(size)) => tracing::debug!(size, "checkpoint signed"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "signing a checkpoint failed; will retry"),
        }
        // at most one signature per interval, then wait for the log to grow
        if !super::pause(state.settings.checkpoint_interval, &mut shutdown).await {
            return;
        }
        if !super::wait(&state.log.appended, Duration::from_secs(30), &mut shutdown).await {
            return;
        }
    }
}
