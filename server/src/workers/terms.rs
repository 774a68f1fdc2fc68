//! The terms calendar: announces the terms about to end (mail queued in the outbox), registers
//! the end of every term as a decision, closes the votes whose deadline has passed, makes held
//! the meetings whose session ended without being closed, and mails the owner of each agreement
//! that has fallen overdue, flags the projects that stalled (the projects commission is mailed
//! the day one turns), reminds the authors of the reports coming due or overdue, and registers
//! the ethics code's acceptances of each past day as one decision.

use app::AppState;
use app::services::{ethics, meetings, minutes, projects, reporting, seats, votes};
use tokio::sync::watch;

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        let today = chrono::Utc::now().date_naive();
        match seats::run_calendar(&state, today).await {
            Ok(pass) if pass != seats::CalendarPass::default() => tracing::info!(
                notices = pass.notices_queued,
                ended = pass.terms_ended,
                "terms calendar"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "terms calendar failed; will retry"),
        }
        match votes::close_due(&state).await {
            Ok(n) if n > 0 => tracing::info!(closed = n, "votes closed at their deadline"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "closing due votes failed; will retry"),
        }
        match meetings::settle_ended(&state).await {
            Ok(n) if n > 0 => tracing::info!(held = n, "ended sessions recorded as held"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "closing ended sessions failed; will retry"),
        }
        match minutes::mail_overdue(&state).await {
            Ok(n) if n > 0 => {
                tracing::info!(mailed = n, "overdue agreements mailed to their owners")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "mailing overdue agreements failed; will retry"),
        }
        match projects::running::check_stalled(&state, today).await {
            Ok(n) if n > 0 => tracing::info!(stalled = n, "projects turned stalled"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "checking stalled projects failed; will retry"),
        }
        match reporting::reminders::remind(&state, today).await {
            Ok(n) if n > 0 => tracing::info!(mailed = n, "report reminders queued"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reminding of reports failed; will retry"),
        }
        match ethics::register_acceptances(&state, today).await {
            Ok(n) if n > 0 => tracing::info!(days = n, "ethics code acceptances registered"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "registering acceptances failed; will retry"),
        }
        if !super::pause(state.settings.calendar_interval, &mut shutdown).await {
            return;
        }
    }
}
