//! Deletes expired sessions, sign-ins through a provider and old login attempts every few
//! minutes.

use app::AppState;
use app::services::sessions;
use std::time::Duration;
use tokio::sync::watch;

const PERIOD: Duration = Duration::from_secs(300);

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        // keep attempts well past the throttle window, for the audit of brute-force attempts
        let keep = state.settings.login_throttle.window * 8;
        match sessions::purge(&state.db, keep).await {
            Ok((s, a)) if s + a > 0 => tracing::info!(
                sessions = s,
                login_attempts = a,
                "housekeeping purged expired rows"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "housekeeping failed; will retry"),
        }
        match app::services::oidc::purge(&state.db).await {
            Ok(n) if n > 0 => {
                tracing::info!(oidc_flows = n, "housekeeping purged expired sign-ins")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "housekeeping failed; will retry"),
        }
        if !super::pause(PERIOD, &mut shutdown).await {
            return;
        }
    }
}
