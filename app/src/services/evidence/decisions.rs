//! The register of governance decisions. A decision is written in the transaction that makes
//! it, then the publisher registers it in the evidence log (`source = "portal"`, kind
//! `governance.<event>`) and records the evidence id — so a decision is never lost between the
//! two, and re-publishing is harmless (same source, kind and ref: same evidence).

use super::Submission;
use crate::AppState;
use crate::db::Ts;
use crate::error::AppResult;
use serde_json::Value;
use sqlx::{FromRow, SqliteConnection};

/// A decision to register.
#[derive(Clone, Debug)]
pub struct Decision {
    /// `collective-created`, `office-granted`, … (the kind is `governance.<event>`).
    pub event: &'static str,
    /// The deciding body, e.g. `executive-council`, `administration`.
    pub body: &'static str,
    /// Unique and stable: the evidence's ref.
    pub reference: String,
    pub title_es: String,
    pub title_en: String,
    /// The full decision.
    pub data: Value,
}

/// Writes a decision inside the caller's transaction; call [`AppState::decisions_pending`]'s
/// `notify_one` after committing so that the publisher registers it at once.
pub async fn record(conn: &mut SqliteConnection, d: &Decision) -> AppResult<i64> {
    let now = Ts::now();
    let mut data = d.data.clone();
    if let Value::Object(map) = &mut data {
        map.insert(
            "decided_at".into(),
            Value::String(crate::domain::evidence::entry::format_time(now.0)),
        );
        map.insert("event".into(), Value::String(d.event.into()));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO decisions (event, body, ref, title_es, title_en, data_json, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(d.event)
    .bind(d.body)
    .bind(&d.reference)
    .bind(&d.title_es)
    .bind(&d.title_en)
    .bind(data.to_string())
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Attaches a stored document (see [`super::documents::store`]) to a decision recorded in the
/// same transaction: the publisher registers it as the evidence's document.
pub async fn attach_document(
    conn: &mut SqliteConnection,
    decision_id: i64,
    sha256: &str,
    filename: &str,
    media_type: &str,
) -> AppResult<()> {
    sqlx::query(
        "UPDATE decisions SET document_sha256 = ?, document_name = ?, document_type = ? WHERE id = ?",
    )
    .bind(sha256)
    .bind(filename)
    .bind(media_type)
    .bind(decision_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The document a decision carries: (sha256, filename, media type).
type Attached = (i64, String, String, String);

#[derive(Clone, Debug, FromRow)]
pub struct DecisionRow {
    pub id: i64,
    pub event: String,
    pub body: String,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub title_es: String,
    pub title_en: String,
    pub data_json: String,
    pub decided_at: Ts,
    pub evidence_id: Option<String>,
}

/// Registers every decision not yet in the log; returns how many were registered.
pub async fn publish_pending(state: &AppState) -> AppResult<usize> {
    let pending: Vec<DecisionRow> = sqlx::query_as(
        "SELECT id, event, body, ref, title_es, title_en, data_json, decided_at, evidence_id
         FROM decisions WHERE evidence_id IS NULL ORDER BY id LIMIT 500",
    )
    .fetch_all(&state.db)
    .await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let attached: Vec<Attached> = sqlx::query_as(
        "SELECT id, document_sha256, COALESCE(document_name, ''), COALESCE(document_type, '')
         FROM decisions WHERE evidence_id IS NULL AND document_sha256 IS NOT NULL AND id <= ?",
    )
    .bind(pending.last().map_or(0, |d| d.id))
    .fetch_all(&state.db)
    .await?;
    let mut kinds = Vec::new();
    let mut subs = Vec::with_capacity(pending.len());
    for d in &pending {
        let kind = format!("governance.{}", d.event);
        if !kinds.contains(&kind) {
            kinds.push(kind.clone());
        }
        subs.push(Submission {
            kind,
            reference: d.reference.clone(),
            data: serde_json::from_str(&d.data_json).map_err(crate::AppError::internal)?,
            items: Vec::new(),
            document: match attached.iter().find(|a| a.0 == d.id) {
                Some((_, sha, filename, media_type)) => {
                    let hash = crate::domain::evidence::Hash::from_hex(sha)
                        .ok_or_else(|| crate::AppError::internal("a decision's document hash"))?;
                    let bytes = super::documents::read(&state.settings.documents_dir(), &hash)
                        .await?
                        .ok_or_else(|| {
                            crate::AppError::internal(format!(
                                "decision {}: document {sha} is missing",
                                d.id
                            ))
                        })?;
                    Some(super::DocumentUpload {
                        bytes,
                        media_type: media_type.clone(),
                        filename: filename.clone(),
                    })
                }
                None => None,
            },
        });
    }
    let registered = super::submit(state, "portal", &kinds, subs, false).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    for kind in &kinds {
        sqlx::query("INSERT INTO evidence_visibility (source, kind, public, changed_at) VALUES ('portal', ?, 1, ?) ON CONFLICT (source, kind) DO NOTHING")
            .bind(kind)
            .bind(Ts::now())
            .execute(&mut *tx)
            .await?;
    }
    for (d, r) in pending.iter().zip(&registered) {
        sqlx::query("UPDATE decisions SET evidence_id = ? WHERE id = ?")
            .bind(&r.id)
            .bind(d.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(registered.len())
}

/// What the register is narrowed to: the deciding body, the kind of decision, a date range
/// (days, inclusive, UTC).
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub body: Option<String>,
    pub event: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

/// A page of the register, newest first: up to `limit` decisions older than `before` (all when
/// `None`) that match `filter`, and whether there are more.
pub async fn recent(
    state: &AppState,
    before: Option<i64>,
    limit: i64,
    filter: &Filter,
) -> AppResult<(Vec<DecisionRow>, bool)> {
    let from = filter.from.map(|d| format!("{d}T00:00:00.000Z"));
    let to = filter
        .to
        .and_then(|d| d.succ_opt())
        .map(|d| format!("{d}T00:00:00.000Z"));
    let mut rows: Vec<DecisionRow> = sqlx::query_as(
        "SELECT id, event, body, ref, title_es, title_en, data_json, decided_at, evidence_id FROM decisions
         WHERE id < ? AND (? IS NULL OR body = ?) AND (? IS NULL OR event = ?)
           AND (? IS NULL OR decided_at >= ?) AND (? IS NULL OR decided_at < ?)
         ORDER BY id DESC LIMIT ?",
    )
    .bind(before.unwrap_or(i64::MAX))
    .bind(&filter.body)
    .bind(&filter.body)
    .bind(&filter.event)
    .bind(&filter.event)
    .bind(&from)
    .bind(&from)
    .bind(&to)
    .bind(&to)
    .bind(limit + 1)
    .fetch_all(&state.db)
    .await?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok((rows, more))
}

/// The bodies and kinds of decision the register holds, for its filters.
pub async fn facets(state: &AppState) -> AppResult<(Vec<String>, Vec<String>)> {
    let bodies = sqlx::query_scalar("SELECT DISTINCT body FROM decisions ORDER BY body")
        .fetch_all(&state.db)
        .await?;
    let events = sqlx::query_scalar("SELECT DISTINCT event FROM decisions ORDER BY event")
        .fetch_all(&state.db)
        .await?;
    Ok((bodies, events))
}
