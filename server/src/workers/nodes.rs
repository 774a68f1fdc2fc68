//! The node poller: every `MINGA_NODE_POLL_INTERVAL` one round over every admitted node (its
//! samples, its alerts), and once an hour the compaction of the samples into hourly aggregates.

use app::AppState;
use app::services::nodes::health;
use chrono::{Timelike, Utc};
use std::time::Instant;
use tokio::sync::watch;

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let Some(rpc) = state.node_rpc.get().cloned() else {
        tracing::warn!("no JSON-RPC client for nodes: the poller does not run");
        return;
    };
    let interval = state.settings.nodes.poll_interval;
    let mut compacted_hour = None;
    loop {
        let started = Instant::now();
        match health::poll_round(&state, rpc.clone()).await {
            Ok(r) if r.polled > 0 => tracing::debug!(
                polled = r.polled,
                up = r.up,
                head = r.head,
                mails = r.mails,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "node poll round"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "node poll round failed; will retry"),
        }
        if started.elapsed() > interval {
            tracing::warn!(
                elapsed_ms = started.elapsed().as_millis() as u64,
                "a node poll round took longer than MINGA_NODE_POLL_INTERVAL"
            );
        }
        let now = Utc::now();
        let hour = now.hour();
        if compacted_hour != Some(hour) {
            match health::compact(&state, now).await {
                Ok(n) => {
                    compacted_hour = Some(hour);
                    if n > 0 {
                        tracing::info!(hours = n, "node samples compacted");
                    }
                    // the hour's first view should not sum a month of aggregates
                    if let Err(e) = app::services::nodes::kept::warm(&state, now).await {
                        tracing::warn!(error = %e, "summing the nodes' past hours failed");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "compacting node samples failed; will retry"),
            }
        }
        // the network's pages find the round's figures assembled
        if let Err(e) = app::services::nodes::kept::warm_round(&state, Utc::now()).await {
            tracing::warn!(error = %e, "assembling the nodes' figures failed");
        }
        let rest = interval.saturating_sub(started.elapsed());
        if !super::pause(rest, &mut shutdown).await {
            return;
        }
    }
}
