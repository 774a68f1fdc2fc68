//! The mail outbox: mail is written here in the transaction of what it announces, and delivered
//! by the mail worker (or kept queued while mail is not configured). A topic names what the
//! message is about, so that a message is queued once per topic and recipient.

use crate::db::Ts;
use crate::error::AppResult;
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
