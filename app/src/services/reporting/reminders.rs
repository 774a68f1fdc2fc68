//! Reminders of reports not filed: `MINGA_REPORT_REMIND_DAYS` before the due day and from the
//! day after it, each once (the outbox queues one message per topic and address), to every
//! author of the debtor, in the author's language.

use super::{filings, obligations, subjects};
use crate::AppState;
use crate::domain::reporting::{Reminder, reminder};
use crate::error::AppResult;
use crate::i18n::{Lang, fill};
use crate::services::mail::{self, Message};
use chrono::NaiveDate;

/// Queues the reminders due on `today`; returns how many messages were new.
pub async fn remind(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let holidays = &state.settings.meetings.holidays;
    let remind_days = state.settings.reporting.remind_days;
    let mut conn = state.db.acquire().await?;
    let filed = filings(&mut conn).await?;
    let mut due = Vec::new();
    for o in obligations(&mut *conn).await? {
        if !o.active {
            continue;
        }
        for s in subjects(&mut conn, o.debtor, o.starts_on, today).await? {
            // only the last two periods can still be reminded of (a week after the due day)
            let spans = o.periods(s.since, today);
            for span in spans.iter().rev().take(2) {
                let due_on = o.due_on(*span, holidays);
                let done = filed.contains_key(&(o.debtor, s.key.clone(), span.start));
                if let Some(kind) = reminder(due_on, done, today, remind_days) {
                    due.push((s.clone(), *span, due_on, kind));
                }
            }
        }
    }
    drop(conn);
    if due.is_empty() {
        return Ok(0);
    }
    let base = state.settings.public_url.trim_end_matches('/').to_string();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let mut queued = 0;
    for (s, span, due_on, kind) in due {
        for person in &s.authors {
            let who: Option<(String, String, String)> = sqlx::query_as(
                "SELECT p.full_name, p.email, COALESCE(a.locale, 'es') FROM people p
                 LEFT JOIN accounts a ON a.person_id = p.id WHERE p.id = ? ORDER BY a.id LIMIT 1",
            )
            .bind(person)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((name, email, locale)) = who else {
                continue;
            };
            if email.trim().is_empty() {
                continue;
            }
            let lang = Lang::parse(&locale).unwrap_or_default();
            let t = lang.tr();
            let label = span.label();
            let link = format!(
                "{base}/reporting/write?debtor={}&subject={}&period={}",
                s.debtor.as_str(),
                s.key.replace('@', "%40"),
                label.replace('/', "%2F")
            );
            let (subject, body) = {
                let name = s.name(lang);
                let args: [(&str, &dyn std::fmt::Display); 4] = [
                    ("subject", &name),
                    ("period", &label),
                    ("due", &due_on),
                    ("link", &link),
                ];
                let (subject, body) = match kind {
                    Reminder::Before => (t.report_mail_before_subject, t.report_mail_before_body),
                    Reminder::After => (t.report_mail_after_subject, t.report_mail_after_body),
                };
                (fill(subject, &args), fill(body, &args))
            };
            if mail::queue(
                &mut tx,
                &Message {
                    to_address: email,
                    to_name: name,
                    subject,
                    body_text: body,
                    ics: None,
                    topic: format!(
                        "report-{}/{}/{}/{}",
                        kind.as_str(),
                        s.debtor.as_str(),
                        s.key,
                        span.start
                    ),
                },
            )
            .await?
            {
                queued += 1;
            }
        }
    }
    tx.commit().await?;
    if queued > 0 {
        state.committed();
    }
    Ok(queued)
}
