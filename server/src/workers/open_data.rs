//! Dumps the open data (every public register, one archive registered in the log) every
//! `MINGA_OPEN_DATA_INTERVAL` — when something changed since the last dump — starting a minute
//! after start-up, so a fresh portal's catalogue soon has its checksums.

use app::AppState;
use app::services::open_data::dump;
use tokio::sync::watch;

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let Some(interval) = state.settings.open_data_interval else {
        return;
    };
    let mut wait = std::time::Duration::from_secs(60);
    loop {
        if !super::pause(wait, &mut shutdown).await {
            return;
        }
        let hour = std::time::Duration::from_secs(3600);
        let remaining = match dump::latest(&state.db).await {
            Ok(Some(last)) => interval - (app::db::Ts::now().0 - last.created_at.0),
            Ok(None) => chrono::Duration::zero(),
            Err(e) => {
                tracing::error!(error = %e, "open data: reading the last dump");
                chrono::Duration::hours(1)
            }
        };
        if remaining > chrono::Duration::zero() {
            // not due yet: look again when it is (within the hour, a clock may have moved)
            wait = remaining.to_std().unwrap_or(hour).min(hour);
            continue;
        }
        match dump::dump(&state).await {
            Ok(Some(d)) => {
                tracing::info!(evidence = %d.evidence_id, bytes = d.archive_bytes, "open data dumped")
            }
            Ok(None) => tracing::debug!("open data unchanged since the last dump"),
            Err(e) => tracing::error!(error = %e, "open data dump failed"),
        }
        // after a dump, or after finding nothing changed: the next look is an interval away
        wait = interval.to_std().unwrap_or(hour);
    }
}
