//! The anchoring worker: every `MINGA_ANCHOR_INTERVAL` in which something new was registered (not
//! counting the previous rounds' batch reports; those wait for the next real round or for the
//! daily closing round, `MINGA_ANCHOR_IDLE_ROUND`) it opens a round for the latest checkpoint, and drives each configured backend through its pending rounds —
//! sending, following the transaction until confirmed, retrying with backoff when the backend
//! is down. A backend that comes back anchors the newest pending checkpoint, covering the rest.

use app::AppState;
use app::services::anchors::{self, AnchorBackend, Followed, Progress, Work};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often the worker looks for work (a round due, a transaction to follow).
const TICK: Duration = Duration::from_millis(500);

pub async fn run(
    state: AppState,
    backends: Vec<Arc<dyn AnchorBackend>>,
    mut shutdown: watch::Receiver<bool>,
) {
    if backends.is_empty() {
        return;
    }
    let names: Vec<String> = backends.iter().map(|b| b.name().to_string()).collect();
    for b in &backends {
        if let Err(e) = anchors::ensure_backend(&state.db, b.name(), b.kind()).await {
            tracing::error!(backend = b.name(), error = %e, "registering an anchor backend failed");
        }
    }
    let font = std::fs::read(&state.settings.report_font);
    if let Err(e) = &font {
        tracing::error!(font = %state.settings.report_font.display(), error = %e, "the batch reports' font cannot be read (MINGA_REPORT_FONT); reports wait for it");
    }
    loop {
        let rule = anchors::RoundRule {
            interval: state.settings.anchor_interval,
            idle: state.settings.anchor_idle_round,
        };
        match anchors::open_round_if_due(&state, &names, rule).await {
            Ok(Some(size)) => tracing::info!(tree_size = size, "anchoring round opened"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "opening an anchoring round failed; will retry"),
        }
        for backend in &backends {
            if let Err(e) = step(&state, backend.as_ref()).await {
                tracing::warn!(backend = backend.name(), error = %e, "anchoring state could not be stored; will retry");
            }
        }
        if let Ok(font) = &font {
            match crate::anchors::report::publish_pending(&state, font).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reports = n, "batch reports registered"),
                Err(e) => tracing::warn!(error = %e, "making a batch report failed; will retry"),
            }
        }
        if !super::pause(TICK, &mut shutdown).await {
            return;
        }
    }
}

/// One step of one backend.
async fn step(state: &AppState, backend: &dyn AnchorBackend) -> app::error::AppResult<()> {
    let name = backend.name();
    let failed = |error: String| async move {
        let wait = anchors::record_failure(
            &state.db,
            name,
            &error,
            state.settings.anchor_retry,
            state.settings.anchor_retry_max,
        )
        .await?;
        tracing::warn!(backend = name, error = %error, retry_in = ?wait, "anchoring failed; will retry");
        Ok(())
    };
    match anchors::next_work(&state.db, name).await? {
        Work::Nothing => Ok(()),
        Work::Anchor { anchor_id, sealing } => match backend.anchor(&sealing).await {
            Ok(Progress::Sent { tx_hash }) => {
                tracing::info!(backend = name, tree_size = sealing.tree_size, tx = %tx_hash, "anchor sent");
                anchors::record_sent(&state.db, anchor_id, &sealing, &tx_hash).await
            }
            Ok(Progress::Done(sealed)) => {
                tracing::info!(
                    backend = name,
                    tree_size = sealing.tree_size,
                    "checkpoint anchored"
                );
                anchors::record_done(state, name, anchor_id, &sealing, &sealed).await
            }
            Err(e) => failed(e).await,
        },
        Work::Follow {
            anchor_id,
            sealing,
            tx_hash,
            sent_at,
        } => match backend.follow(&tx_hash).await {
            Ok(Followed::Confirmed(sealed)) => {
                tracing::info!(backend = name, tree_size = sealing.tree_size, tx = %tx_hash, "checkpoint anchored");
                anchors::record_done(state, name, anchor_id, &sealing, &sealed).await
            }
            Ok(Followed::Waiting) => Ok(()),
            Ok(Followed::Unknown) => {
                // give the node a moment to index what it just accepted, then send again
                if chrono::Utc::now() - sent_at.0 > chrono::Duration::seconds(30) {
                    tracing::warn!(backend = name, tx = %tx_hash, "the node no longer knows the anchor transaction; sending again");
                    anchors::record_lost(&state.db, anchor_id).await?;
                }
                Ok(())
            }
            Err(e) => failed(e).await,
        },
    }
}
