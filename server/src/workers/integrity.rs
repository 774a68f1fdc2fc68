//! The integrity audit, every `MINGA_AUDIT_INTERVAL` (the first a minute after start).

use app::AppState;
use app::services::evidence::integrity;
use std::time::Duration;
use tokio::sync::watch;

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let mut delay = Duration::from_secs(60);
    loop {
        if !super::pause(delay, &mut shutdown).await {
            return;
        }
        if let Err(e) = integrity::run(&state, &|_, _| {}).await {
            tracing::error!(error = %e, "the integrity audit failed to run");
        }
        delay = state
            .settings
            .audit_interval
            .to_std()
            .unwrap_or(Duration::from_secs(3600));
    }
}
