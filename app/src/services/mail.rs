//! The mail outbox: mail is written here in the transaction of what it announces, and delivered
//! by the mail worker (or kept queued while mail is not configured). A topic names what the
//! message is about, so that a message is queued once per topic and recipient.

use crate::AppState;
use crate::db::Ts;
use crate::error::AppResult;
use crate::services::anchors::{BoxFuture, backoff};
use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

/// A message to queue.
#[derive(Clone, Debug)]
pub struct Message {
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub body_text: String,
    /// An iCalendar attachment (`text/calendar`), if any.
    pub ics: Option<String>,
    /// What it is about, e.g. `term-ending/12`; one message per topic and recipient.
    pub topic: String,
}

/// Queues a message inside the caller's transaction; returns whether it was new (a message of
/// the same topic to the same address is not queued twice).
pub async fn queue(conn: &mut SqliteConnection, m: &Message) -> AppResult<bool> {
    let now = Ts::now();
    let done = sqlx::query(
        "INSERT INTO mail_outbox (to_address, to_name, subject, body_text, ics, topic, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (topic, to_address) DO NOTHING",
    )
    .bind(m.to_address.trim())
    .bind(&m.to_name)
    .bind(&m.subject)
    .bind(&m.body_text)
    .bind(&m.ics)
    .bind(&m.topic)
    .bind(now)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Clone, Debug, FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub topic: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: String,
    pub created_at: Ts,
    pub sent_at: Option<Ts>,
}

/// The messages of a topic (e.g. every notice of one term), oldest first.
pub async fn by_topic(db: &SqlitePool, topic: &str) -> AppResult<Vec<OutboxRow>> {
    Ok(sqlx::query_as(
        "SELECT id, to_address, subject, topic, status, attempts, last_error, created_at, sent_at
         FROM mail_outbox WHERE topic = ? ORDER BY id",
    )
    .bind(topic)
    .fetch_all(db)
    .await?)
}

// ---------------------------------------------------------------------------------------------
// Delivery: the mail worker hands due messages to a [`Mailer`] (SMTP in the binary), one at a
// time, and records what became of each. A message is claimed before it is sent (its
// `next_attempt_at` pushed past the longest send) so that no other pass sends it meanwhile, and
// no write transaction is open while the relay is talked to.

/// Messages taken per pass, oldest first.
pub const BATCH: i64 = 50;
/// Longest a send may take before it counts as a (transient) failure.
pub const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);
/// How long a claimed message stays invisible to other passes: longer than any send, so that a
/// message is never sent twice at once, and short enough that one claimed by a portal that
/// crashed mid-send goes out again soon.
const CLAIM: chrono::Duration = chrono::Duration::minutes(5);

/// A message on its way out, as the mailer needs it.
#[derive(Clone, Debug, FromRow)]
pub struct Outgoing {
    pub id: i64,
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub body_text: String,
    pub ics: Option<String>,
    pub topic: String,
    /// The same for every attempt at this row, so that a message delivered twice (a relay that
    /// accepted it but whose answer was lost) is recognisable as one.
    #[sqlx(skip)]
    pub message_id: String,
}

/// Why a send failed; `permanent` when the relay refused the message for good (an unknown
/// recipient, say): then it is not tried again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailError {
    pub permanent: bool,
    pub message: String,
}

impl MailError {
    pub fn transient(message: impl Into<String>) -> MailError {
        MailError {
            permanent: false,
            message: message.into(),
        }
    }

    pub fn permanent(message: impl Into<String>) -> MailError {
        MailError {
            permanent: true,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for MailError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Whatever delivers mail (an SMTP relay in production and in the tests).
pub trait Mailer: Send + Sync {
    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<(), MailError>>;
}

/// Whether an SMTP reply refuses the message itself for good (so retrying cannot help): a 5xx
/// about the recipient or the message. A 5xx about the portal's own standing with the relay
/// (authentication, relaying not allowed, a command the relay does not know) is the operator's to
/// fix, and the message waits for it.
pub fn is_permanent_rejection(code: u16, text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    let about_us = ["relay", "auth", "credentials", "starttls", "encryption"]
        .iter()
        .any(|w| text.contains(w));
    matches!(code, 501 | 521 | 550..=556) && !about_us
}

/// The `Message-ID` of an outbox row: `<outbox-{id}.{topic hash}@{host of the public URL}>`.
pub fn message_id(id: i64, topic: &str, public_url: &str) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(topic.as_bytes());
    format!(
        "<outbox-{id}.{}@{}>",
        hex::encode(&hash[..6]),
        message_domain(public_url)
    )
}

/// The host of a URL, fit for the right-hand side of a Message-ID (no port, no credentials).
fn message_domain(public_url: &str) -> String {
    let rest = public_url
        .split_once("://")
        .map_or(public_url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    let host: String = host
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'))
        .collect();
    if host.is_empty() {
        "localhost".into()
    } else {
        host
    }
}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    /// Failed for now; tried again after the backoff.
    pub retrying: usize,
    /// Refused for good: kept as `failed`, shown to the administrators.
    pub failed: usize,
}

impl Delivered {
    pub fn total(&self) -> usize {
        self.sent + self.retrying + self.failed
    }
}

/// Delivers the messages due at `now` (a batch, oldest first) through `mailer`: each is sent, or
/// on a transient failure tried again after a doubling wait (`mail_retry` up to
/// `mail_retry_max`), or on a permanent refusal marked `failed` with the relay's answer.
pub async fn deliver_due(
    state: &AppState,
    mailer: &dyn Mailer,
    now: DateTime<Utc>,
) -> AppResult<Delivered> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
    )
    .bind(Ts(now))
    .bind(BATCH)
    .fetch_all(&state.db)
    .await?;
    let mut done = Delivered::default();
    for id in due {
        let Some(mut message) = claim(state, id, now).await? else {
            continue; // another pass has it
        };
        message.message_id = message_id(message.id, &message.topic, &state.settings.public_url);
        let result = match tokio::time::timeout(SEND_TIMEOUT, mailer.send(&message)).await {
            Ok(result) => result,
            Err(_) => Err(MailError::transient(format!(
                "no answer from the relay within {} s",
                SEND_TIMEOUT.as_secs()
            ))),
        };
        let mut tx = crate::db::begin_write(&state.db).await?;
        match result {
            Ok(()) => {
                sqlx::query(
                    "UPDATE mail_outbox SET status = 'sent', attempts = attempts + 1, sent_at = ? WHERE id = ?",
                )
                .bind(Ts(now))
                .bind(id)
                .execute(&mut *tx)
                .await?;
                done.sent += 1;
            }
            Err(e) if e.permanent => {
                sqlx::query(
                    "UPDATE mail_outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
                )
                .bind(&e.message)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                tracing::warn!(outbox = id, to = %message.to_address, error = %e, "mail refused for good");
                done.failed += 1;
            }
            Err(e) => {
                let attempts: i64 =
                    sqlx::query_scalar("SELECT attempts + 1 FROM mail_outbox WHERE id = ?")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                let wait = backoff(
                    u32::try_from(attempts).unwrap_or(u32::MAX),
                    state.settings.mail_retry,
                    state.settings.mail_retry_max,
                );
                let next = now + chrono::Duration::from_std(wait).unwrap_or(CLAIM);
                sqlx::query(
                    "UPDATE mail_outbox SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
                )
                .bind(attempts)
                .bind(&e.message)
                .bind(Ts(next))
                .bind(id)
                .execute(&mut *tx)
                .await?;
                tracing::info!(outbox = id, attempts, retry_in = ?wait, error = %e, "mail not delivered yet; will retry");
                done.retrying += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(done)
}

/// Takes a due message for this pass (pushing its next attempt past the longest send), or `None`
/// when another pass took it first or it is no longer due.
async fn claim(state: &AppState, id: i64, now: DateTime<Utc>) -> AppResult<Option<Outgoing>> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let message: Option<Outgoing> = sqlx::query_as(
        "UPDATE mail_outbox SET next_attempt_at = ?
         WHERE id = ? AND status = 'queued' AND next_attempt_at <= ?
         RETURNING id, to_address, to_name, subject, body_text, ics, topic",
    )
    .bind(Ts(now + CLAIM))
    .bind(id)
    .bind(Ts(now))
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(message)
}

/// One row of the outbox, for the administrators' page.
#[derive(Clone, Debug, FromRow)]
pub struct OutboxEntry {
    pub id: i64,
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub topic: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: String,
    pub next_attempt_at: Ts,
    pub created_at: Ts,
    pub sent_at: Option<Ts>,
}

/// The newest `limit` messages of the outbox (of one status, if given), newest first.
pub async fn recent(
    db: &SqlitePool,
    status: Option<&str>,
    limit: i64,
) -> AppResult<Vec<OutboxEntry>> {
    Ok(sqlx::query_as(
        "SELECT id, to_address, to_name, subject, topic, status, attempts, last_error, next_attempt_at, created_at, sent_at
         FROM mail_outbox WHERE (? IS NULL OR status = ?) ORDER BY id DESC LIMIT ?",
    )
    .bind(status)
    .bind(status)
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// How many messages are queued, sent and failed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
}

pub async fn counts(db: &SqlitePool) -> AppResult<Counts> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM mail_outbox GROUP BY status")
            .fetch_all(db)
            .await?;
    let mut c = Counts::default();
    for (status, n) in rows {
        match status.as_str() {
            "queued" => c.queued = n,
            "sent" => c.sent = n,
            "failed" => c.failed = n,
            _ => {}
        }
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_stable_per_row_and_name_the_portal() {
        let a = message_id(12, "term-ending/3", "https://minga.gob.mx/");
        assert_eq!(a, message_id(12, "term-ending/3", "https://minga.gob.mx"));
        assert!(a.starts_with("<outbox-12."), "{a}");
        assert!(a.ends_with("@minga.gob.mx>"), "{a}");
        assert_ne!(a, message_id(12, "term-ending/4", "https://minga.gob.mx"));
        assert!(message_id(1, "t", "http://127.0.0.1:3000").ends_with("@127.0.0.1>"));
        assert!(message_id(1, "t", "http://u:p@[::1]:3000/x").ends_with("@[::1]>"));
        assert!(message_id(1, "t", "").ends_with("@localhost>"));
    }

    #[test]
    fn permanent_rejections_are_about_the_message() {
        assert!(is_permanent_rejection(
            550,
            "5.1.1 <x@y>: Recipient address rejected: User unknown"
        ));
        assert!(is_permanent_rejection(
            553,
            "5.1.3 mailbox name not allowed"
        ));
        assert!(is_permanent_rejection(
            501,
            "5.1.3 Bad recipient address syntax"
        ));
        assert!(!is_permanent_rejection(450, "4.2.0 mailbox busy"));
        assert!(!is_permanent_rejection(421, "service not available"));
        assert!(!is_permanent_rejection(
            535,
            "5.7.8 Authentication credentials invalid"
        ));
        assert!(!is_permanent_rejection(
            530,
            "5.7.0 Must issue a STARTTLS command first"
        ));
        assert!(!is_permanent_rejection(
            554,
            "5.7.1 <x@y>: Relay access denied"
        ));
        assert!(!is_permanent_rejection(502, "5.5.2 command not recognized"));
    }
}
