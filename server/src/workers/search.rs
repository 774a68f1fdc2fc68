//! Keeps the search index up to date: a pass at start, then every minute.

use app::AppState;
use app::services::search;
use std::time::Duration;
use tokio::sync::watch;

const PERIOD: Duration = Duration::from_secs(60);

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        match search::reindex(&state).await {
            Ok(n) if n > 0 => tracing::debug!(evidences = n, "search index updated"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "updating the search index failed; will retry"),
        }
        if !super::pause(PERIOD, &mut shutdown).await {
            return;
        }
    }
}
