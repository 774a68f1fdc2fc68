//! The audit trail: every change, with who, when, what, before and after. The table refuses
//! updates and deletes (triggers in the migration), so the trail is append-only.

use crate::db::Ts;
use serde_json::Value;
use sqlx::{FromRow, SqliteConnection, SqlitePool};
use std::fmt::Display;

/// Who did something, and from where.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub account_id: Option<i64>,
    pub label: String,
    pub ip: String,
    pub request_id: String,
}

impl Actor {
    /// The portal itself (start-up, workers, the command line).
    pub fn system(label: &str) -> Actor {
        Actor {
            account_id: None,
            label: label.to_string(),
            ..Actor::default()
        }
    }
}

/// Appends one entry; call it inside the transaction that makes the change.
pub async fn record(
    conn: &mut SqliteConnection,
    actor: &Actor,
    action: &str,
    entity_type: &str,
    entity_id: impl Display,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_label, action, entity_type, entity_id, before_json, after_json, ip, request_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(Ts::now())
    .bind(actor.account_id)
    .bind(&actor.label)
    .bind(action)
    .bind(entity_type)
    .bind(entity_id.to_string())
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .bind(&actor.ip)
    .bind(&actor.request_id)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, FromRow)]
pub struct Entry {
    pub id: i64,
    pub at: Ts,
    pub actor_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub ip: String,
    pub request_id: String,
}

/// What the administrator filters the trail by; empty strings mean "any".
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Matches the actor's label (e-mail) or, as a number, the actor's account id.
    pub actor: String,
    /// An action or its prefix (`office.` for every office change).
    pub action: String,
    /// `type` or `type:id`.
    pub entity: String,
    /// Newest-first paging: only entries older than this id.
    pub before: Option<i64>,
}

pub const PAGE: i64 = 50;

/// A page of entries, newest first, and whether older ones remain.
pub async fn list(db: &SqlitePool, filter: &Filter) -> Result<(Vec<Entry>, bool), sqlx::Error> {
    let (entity_type, entity_id) = match filter.entity.trim().split_once(':') {
        Some((t, id)) => (t.trim().to_string(), id.trim().to_string()),
        None => (filter.entity.trim().to_string(), String::new()),
    };
    let actor = filter.actor.trim();
    let mut rows: Vec<Entry> = sqlx::query_as(
        "SELECT id, at, actor_id, actor_label, action, entity_type, entity_id, before_json, after_json, ip, request_id
         FROM audit_log
         WHERE (?1 = '' OR actor_label = ?1 OR CAST(actor_id AS TEXT) = ?1)
           AND (?2 = '' OR action = ?2 OR (substr(?2, -1) = '.' AND substr(action, 1, length(?2)) = ?2))
           AND (?3 = '' OR entity_type = ?3)
           AND (?4 = '' OR entity_id = ?4)
           AND (?5 IS NULL OR id < ?5)
         ORDER BY id DESC
         LIMIT ?6",
    )
    .bind(actor)
    .bind(filter.action.trim())
    .bind(entity_type)
    .bind(entity_id)
    .bind(filter.before)
    .bind(PAGE + 1)
    .fetch_all(db)
    .await?;
    let more = rows.len() > PAGE as usize;
    rows.truncate(PAGE as usize);
    Ok((rows, more))
}
