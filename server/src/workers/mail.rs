//! The mail worker: delivers the outbox through the configured relay (`MINGA_SMTP_URL`), as soon
//! as mail is queued and every few seconds for retries that came due. It is the one deliverer;
//! without a relay it does not run and mail stays queued (as `/admin/mail` says).

use app::AppState;
use app::services::mail::{self, Mailer};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often the worker looks for messages that came due (retries) when nobody wakes it.
const TICK: Duration = Duration::from_secs(2);

pub async fn run(
    state: AppState,
    mailer: Option<Arc<dyn Mailer>>,
    mut shutdown: watch::Receiver<bool>,
) {
    let Some(mailer) = mailer else {
        tracing::info!("MINGA_SMTP_URL is not set: mail stays queued in the outbox");
        return;
    };
    loop {
        let mut full = false;
        // a shutdown does not wait for a slow relay: a message cut off mid-send stays claimed
        // for a few minutes and then goes out again (with the same Message-ID)
        let pass = tokio::select! {
            pass = mail::deliver_due(&state, mailer.as_ref(), chrono::Utc::now()) => pass,
            _ = shutdown.changed() => return,
        };
        match pass {
            Ok(done) if done.total() > 0 => {
                tracing::info!(
                    sent = done.sent,
                    retrying = done.retrying,
                    failed = done.failed,
                    "mail delivery pass"
                );
                full = done.total() >= usize::try_from(mail::BATCH).unwrap_or(usize::MAX);
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "mail delivery failed; will retry"),
        }
        // a full batch: more may be due, go on at once (still stopping on shutdown)
        if full {
            if *shutdown.borrow() {
                return;
            }
            continue;
        }
        if !super::wait(&state.mail_pending, TICK, &mut shutdown).await {
            return;
        }
    }
}
