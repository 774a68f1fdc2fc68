//! Anchoring of checkpoints on outside systems. Each backend (an Ethereum-compatible chain, an
//! RFC 3161 time-stamping authority) sits behind [`AnchorBackend`]; this module keeps the
//! durable state: rounds (one per anchoring interval in which the log grew), one anchor row per
//! (backend, round), each backend's health and backoff. Nothing is skipped: a backend that was
//! down anchors the newest pending checkpoint when it comes back, and that anchor covers every
//! older pending round of the backend.

use crate::db::Ts;
use crate::domain::evidence::Hash;
use crate::error::AppResult;
use crate::{AppError, AppState};
use sqlx::{FromRow, SqlitePool};
use std::future::Future;
use std::pin::Pin;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The checkpoint to seal.
#[derive(Clone, Debug)]
pub struct Sealing {
    pub checkpoint_id: i64,
    pub tree_size: u64,
    pub root: Hash,
    /// The signed note, exactly as published at `/log/checkpoint`.
    pub note: String,
}

/// Proof that a checkpoint was sealed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sealed {
    pub chain_id: Option<u64>,
    pub tx_hash: Option<String>,
    pub block_number: Option<u64>,
    pub block_time: Option<chrono::DateTime<chrono::Utc>>,
    /// An RFC 3161 time-stamp token (DER).
    pub token: Option<Vec<u8>>,
    pub stamped_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What a backend did with a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// A transaction is out; follow it until it has its confirmations.
    Sent {
        tx_hash: String,
    },
    Done(Sealed),
}

/// Where a sent transaction stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Followed {
    /// Mined with enough confirmations.
    Confirmed(Sealed),
    /// Known to the node, not yet (sufficiently) confirmed.
    Waiting,
    /// The node does not know it (dropped, or a node that lost its state): send again.
    Unknown,
}

pub trait AnchorBackend: Send + Sync {
    /// Stable name, e.g. `eth-648540`: the key of its state.
    fn name(&self) -> &str;
    /// `ethereum` or `rfc3161`.
    fn kind(&self) -> &'static str;
    fn anchor<'a>(&'a self, sealing: &'a Sealing) -> BoxFuture<'a, Result<Progress, String>>;
    fn follow<'a>(&'a self, tx_hash: &'a str) -> BoxFuture<'a, Result<Followed, String>>;
}

/// The calldata of an Ethereum anchor: ASCII `MINGA` ‖ 0x01 ‖ uint64 BE tree size ‖ root.
pub fn calldata(tree_size: u64, root: &Hash) -> Vec<u8> {
    let mut out = Vec::with_capacity(5 + 1 + 8 + 32);
    out.extend_from_slice(b"MINGA");
    out.push(0x01);
    out.extend_from_slice(&tree_size.to_be_bytes());
    out.extend_from_slice(&root.0);
    out
}

/// Reads back an anchor's calldata: (tree size, root), or `None` if it is not one.
pub fn parse_calldata(data: &[u8]) -> Option<(u64, Hash)> {
    if data.len() != 46 || &data[..5] != b"MINGA" || data[5] != 0x01 {
        return None;
    }
    let size = u64::from_be_bytes(data[6..14].try_into().ok()?);
    Some((size, Hash::from_slice(&data[14..])?))
}

/// Wait before the next attempt after `failures` consecutive failures: doubling from `base`,
/// at most `max`.
pub fn backoff(
    failures: u32,
    base: std::time::Duration,
    max: std::time::Duration,
) -> std::time::Duration {
    let factor = 1u32
        .checked_shl(failures.saturating_sub(1).min(20))
        .unwrap_or(u32::MAX);
    base.saturating_mul(factor).min(max)
}

/// Registers a configured backend (idempotent).
pub async fn ensure_backend(db: &SqlitePool, name: &str, kind: &str) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO anchor_backends (name, kind) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(kind)
    .execute(db)
    .await?;
    Ok(())
}

/// The kind of the batch report each round registers about itself (public).
pub const REPORT_KIND: &str = "evidence.batch-report";

/// When a round is due. Each round's batch report is itself an evidence: counting it as growth
/// would anchor the report, whose own report would be anchored next, forever — one transaction
/// per interval on an idle network. So a round is due when something other than the portal's
/// batch reports was registered since the last round (`interval` after it), and otherwise, when
/// only reports wait, once `idle` after the last round: the closing round that seals the last
/// report of a quiet day.
#[derive(Clone, Copy, Debug)]
pub struct RoundRule {
    pub interval: chrono::Duration,
    pub idle: chrono::Duration,
}

/// Opens a round for the latest checkpoint when [`RoundRule`] says one is due, with a pending
/// anchor for each of `backends`. Returns the new round's tree size.
pub async fn open_round_if_due(
    state: &AppState,
    backends: &[String],
    rule: RoundRule,
) -> AppResult<Option<u64>> {
    // read first, without the write lock: most ticks find nothing due (the anchoring worker is
    // the only writer of rounds, and checkpoint_id is unique besides)
    let last: Option<(i64, Ts)> =
        sqlx::query_as("SELECT tree_size, created_at FROM anchor_rounds ORDER BY id DESC LIMIT 1")
            .fetch_optional(&state.db)
            .await?;
    let now = Ts::now();
    if let Some((_, at)) = &last
        && now.0 - at.0 < rule.interval
    {
        return Ok(None);
    }
    let latest: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, tree_size FROM checkpoints ORDER BY tree_size DESC LIMIT 1")
            .fetch_optional(&state.db)
            .await?;
    let Some((checkpoint_id, size)) = latest else {
        return Ok(None);
    };
    if size == 0 || last.is_some_and(|(s, _)| s >= size) {
        return Ok(None);
    }
    if let Some((from, at)) = &last
        && now.0 - at.0 < rule.idle
    {
        // only the reports of earlier rounds since? they wait for real work or the idle round
        let real: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM evidences
                 WHERE idx >= ? AND idx < ? AND NOT (source = 'portal' AND kind = ?))",
        )
        .bind(from)
        .bind(size)
        .bind(REPORT_KIND)
        .fetch_one(&state.db)
        .await?;
        if !real {
            return Ok(None);
        }
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let round: i64 = sqlx::query_scalar(
        "INSERT INTO anchor_rounds (checkpoint_id, tree_size, created_at) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(checkpoint_id)
    .bind(size)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for backend in backends {
        sqlx::query("INSERT INTO anchors (backend, round_id, state) VALUES (?, ?, 'pending')")
            .bind(backend)
            .bind(round)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Some(u64::try_from(size).unwrap_or(0)))
}

/// What a backend should do next.
#[derive(Clone, Debug)]
pub enum Work {
    /// Follow this sent transaction (anchor row id, checkpoint, tx hash, sent at).
    Follow {
        anchor_id: i64,
        sealing: Sealing,
        tx_hash: String,
        sent_at: Ts,
    },
    /// Seal the newest pending round's checkpoint.
    Anchor {
        anchor_id: i64,
        sealing: Sealing,
    },
    Nothing,
}

#[derive(FromRow)]
struct WorkRow {
    id: i64,
    state: String,
    tx_hash: Option<String>,
    sent_at: Option<Ts>,
    checkpoint_id: i64,
    tree_size: i64,
    root_hash: Vec<u8>,
    note: String,
}

/// The next piece of work of `backend`, unless it is backing off.
pub async fn next_work(db: &SqlitePool, backend: &str) -> AppResult<Work> {
    let waiting: Option<Option<Ts>> =
        sqlx::query_scalar("SELECT next_attempt_at FROM anchor_backends WHERE name = ?")
            .bind(backend)
            .fetch_optional(db)
            .await?;
    if let Some(Some(at)) = waiting
        && at > Ts::now()
    {
        return Ok(Work::Nothing);
    }
    // a transaction already out comes first; else the newest pending round
    let row: Option<WorkRow> = sqlx::query_as(
        "SELECT a.id, a.state, a.tx_hash, a.sent_at, c.id AS checkpoint_id, c.tree_size, c.root_hash, c.note
         FROM anchors a
         JOIN checkpoints c ON c.id = COALESCE(a.checkpoint_id, (SELECT checkpoint_id FROM anchor_rounds r WHERE r.id = a.round_id))
         WHERE a.backend = ? AND a.state IN ('pending', 'sent')
         ORDER BY a.state = 'sent' DESC, a.round_id DESC LIMIT 1",
    )
    .bind(backend)
    .fetch_optional(db)
    .await?;
    let Some(r) = row else {
        return Ok(Work::Nothing);
    };
    let sealing = Sealing {
        checkpoint_id: r.checkpoint_id,
        tree_size: u64::try_from(r.tree_size).unwrap_or(0),
        root: Hash::from_slice(&r.root_hash)
            .ok_or_else(|| AppError::internal("a stored checkpoint root is not 32 bytes"))?,
        note: r.note,
    };
    Ok(match (r.state.as_str(), r.tx_hash, r.sent_at) {
        ("sent", Some(tx_hash), Some(sent_at)) => Work::Follow {
            anchor_id: r.id,
            sealing,
            tx_hash,
            sent_at,
        },
        _ => Work::Anchor {
            anchor_id: r.id,
            sealing,
        },
    })
}

/// A transaction is out for `anchor_id`'s checkpoint.
pub async fn record_sent(
    db: &SqlitePool,
    anchor_id: i64,
    sealing: &Sealing,
    tx_hash: &str,
) -> AppResult<()> {
    sqlx::query(
        "UPDATE anchors SET state = 'sent', checkpoint_id = ?, tree_size = ?, tx_hash = ?, sent_at = ? WHERE id = ?",
    )
    .bind(sealing.checkpoint_id)
    .bind(i64::try_from(sealing.tree_size).map_err(AppError::internal)?)
    .bind(tx_hash)
    .bind(Ts::now())
    .bind(anchor_id)
    .execute(db)
    .await?;
    Ok(())
}

/// A sent transaction was lost: the row goes back to pending, to be sent again.
pub async fn record_lost(db: &SqlitePool, anchor_id: i64) -> AppResult<()> {
    sqlx::query("UPDATE anchors SET state = 'pending', tx_hash = NULL, sent_at = NULL WHERE id = ? AND state = 'sent'")
        .bind(anchor_id)
        .execute(db)
        .await?;
    Ok(())
}

/// `sealing` is anchored by `backend`: the row of `anchor_id` and every older round still
/// pending for the backend (which the anchored checkpoint covers) are done.
pub async fn record_done(
    state: &AppState,
    backend: &str,
    anchor_id: i64,
    sealing: &Sealing,
    sealed: &Sealed,
) -> AppResult<()> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let round: i64 = sqlx::query_scalar("SELECT round_id FROM anchors WHERE id = ?")
        .bind(anchor_id)
        .fetch_one(&mut *tx)
        .await?;
    let now = Ts::now();
    let size = i64::try_from(sealing.tree_size).map_err(AppError::internal)?;
    sqlx::query(
        "UPDATE anchors SET state = 'done', checkpoint_id = ?, tree_size = ?, chain_id = ?, tx_hash = ?, block_number = ?,
             block_time = ?, token = ?, stamped_at = ?, anchored_at = ?
         WHERE backend = ? AND (id = ? OR (state = 'pending' AND round_id <= ?))",
    )
    .bind(sealing.checkpoint_id)
    .bind(size)
    .bind(sealed.chain_id.and_then(|c| i64::try_from(c).ok()))
    .bind(&sealed.tx_hash)
    .bind(sealed.block_number.and_then(|b| i64::try_from(b).ok()))
    .bind(sealed.block_time.map(Ts))
    .bind(&sealed.token)
    .bind(sealed.stamped_at.map(Ts))
    .bind(now)
    .bind(backend)
    .bind(anchor_id)
    .bind(round)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE anchor_backends SET failures = 0, next_attempt_at = NULL, last_ok_at = ? WHERE name = ?",
    )
    .bind(now)
    .bind(backend)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A failed attempt: counted, logged on the backend, retried after the backoff.
pub async fn record_failure(
    db: &SqlitePool,
    backend: &str,
    error: &str,
    base: std::time::Duration,
    max: std::time::Duration,
) -> AppResult<std::time::Duration> {
    let failures: i64 = sqlx::query_scalar(
        "UPDATE anchor_backends SET failures = failures + 1, last_error = ?, last_error_at = ? WHERE name = ? RETURNING failures",
    )
    .bind(error)
    .bind(Ts::now())
    .bind(backend)
    .fetch_one(db)
    .await?;
    let wait = backoff(u32::try_from(failures).unwrap_or(u32::MAX), base, max);
    let next = Ts(chrono::Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default());
    sqlx::query("UPDATE anchor_backends SET next_attempt_at = ? WHERE name = ?")
        .bind(next)
        .bind(backend)
        .execute(db)
        .await?;
    Ok(wait)
}

/// A backend's health, for the administrators' page.
#[derive(Clone, Debug, FromRow)]
pub struct BackendStatus {
    pub name: String,
    pub kind: String,
    pub failures: i64,
    pub next_attempt_at: Option<Ts>,
    pub last_ok_at: Option<Ts>,
    pub last_error: Option<String>,
    pub last_error_at: Option<Ts>,
    /// Rounds not yet anchored by this backend.
    pub backlog: i64,
    pub last_tx: Option<String>,
    pub last_size: Option<i64>,
}

pub async fn backends(db: &SqlitePool) -> AppResult<Vec<BackendStatus>> {
    Ok(sqlx::query_as(
        "SELECT b.name, b.kind, b.failures, b.next_attempt_at, b.last_ok_at, b.last_error, b.last_error_at,
             (SELECT COUNT(*) FROM anchors a WHERE a.backend = b.name AND a.state <> 'done') AS backlog,
             (SELECT a.tx_hash FROM anchors a WHERE a.backend = b.name AND a.state = 'done' ORDER BY a.tree_size DESC LIMIT 1) AS last_tx,
             (SELECT MAX(a.tree_size) FROM anchors a WHERE a.backend = b.name AND a.state = 'done') AS last_size
         FROM anchor_backends b ORDER BY b.name",
    )
    .fetch_all(db)
    .await?)
}

/// A done anchor, as receipts and pages show it.
#[derive(Clone, Debug, FromRow)]
pub struct AnchorRow {
    pub backend: String,
    pub kind: String,
    pub tree_size: i64,
    pub root_hash: Vec<u8>,
    /// The signed checkpoint that was anchored (what a time-stamp's imprint is the SHA-256 of).
    pub note: String,
    pub chain_id: Option<i64>,
    pub tx_hash: Option<String>,
    pub block_number: Option<i64>,
    pub block_time: Option<Ts>,
    pub token: Option<Vec<u8>>,
    pub stamped_at: Option<Ts>,
    pub anchored_at: Option<Ts>,
}

/// The columns of [`AnchorRow`], with the backend's kind and the anchored checkpoint.
const ANCHOR_SELECT: &str =
    "SELECT a.backend, b.kind, a.tree_size, c.root_hash, c.note, a.chain_id, a.tx_hash,
         a.block_number, a.block_time, a.token, a.stamped_at, a.anchored_at
     FROM anchors a
     JOIN anchor_backends b ON b.name = a.backend
     JOIN checkpoints c ON c.id = a.checkpoint_id";

/// For each backend, the first anchored checkpoint that covers entry `index`.
pub async fn covering<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    index: u64,
) -> AppResult<Vec<AnchorRow>> {
    let index = i64::try_from(index).map_err(AppError::internal)?;
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ANCHOR_SELECT}
         WHERE a.state = 'done' AND a.tree_size > ?
           AND a.tree_size = (SELECT MIN(a2.tree_size) FROM anchors a2 WHERE a2.backend = a.backend AND a2.state = 'done' AND a2.tree_size > ?)
         GROUP BY a.backend ORDER BY a.backend"
    )))
    .bind(index)
    .bind(index)
    .fetch_all(db)
    .await?)
}

/// A round whose anchors are all done and whose batch report is still to be made.
#[derive(Clone, Debug, FromRow)]
pub struct ReportJob {
    pub round_id: i64,
    pub from_size: i64,
    pub to_size: i64,
    pub created_at: Ts,
    pub note: String,
}

pub async fn pending_reports(db: &SqlitePool) -> AppResult<Vec<ReportJob>> {
    Ok(sqlx::query_as(
        "SELECT r.id AS round_id,
             COALESCE((SELECT MAX(p.tree_size) FROM anchor_rounds p WHERE p.id < r.id), 0) AS from_size,
             r.tree_size AS to_size, r.created_at, c.note
         FROM anchor_rounds r JOIN checkpoints c ON c.id = r.checkpoint_id
         WHERE NOT EXISTS (SELECT 1 FROM batch_reports b WHERE b.round_id = r.id)
           AND NOT EXISTS (SELECT 1 FROM anchors a WHERE a.round_id = r.id AND a.state <> 'done')
         ORDER BY r.id",
    )
    .fetch_all(db)
    .await?)
}

/// The anchors of a round, as the report lists them.
pub async fn round_anchors(db: &SqlitePool, round_id: i64) -> AppResult<Vec<AnchorRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ANCHOR_SELECT} WHERE a.round_id = ? AND a.state = 'done' ORDER BY a.backend"
    )))
    .bind(round_id)
    .fetch_all(db)
    .await?)
}

/// An evidence sealed in a round.
#[derive(Clone, Debug, FromRow)]
pub struct SealedEntry {
    pub idx: i64,
    pub id: String,
    pub kind: String,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub link_hash: Vec<u8>,
}

pub async fn sealed_entries(db: &SqlitePool, from: i64, to: i64) -> AppResult<Vec<SealedEntry>> {
    Ok(sqlx::query_as(
        "SELECT idx, id, kind, ref, link_hash FROM evidences WHERE idx >= ? AND idx < ? ORDER BY idx",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?)
}

pub async fn record_report(db: &SqlitePool, job: &ReportJob, evidence_id: &str) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO batch_reports (round_id, from_size, to_size, evidence_id, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (round_id) DO NOTHING",
    )
    .bind(job.round_id)
    .bind(job.from_size)
    .bind(job.to_size)
    .bind(evidence_id)
    .bind(Ts::now())
    .execute(db)
    .await?;
    Ok(())
}

/// Makes the portal's records of `kind` public (the batch reports are).
pub async fn ensure_public_kind(db: &SqlitePool, kind: &str) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO evidence_visibility (source, kind, public, changed_at) VALUES ('portal', ?, 1, ?)
         ON CONFLICT (source, kind) DO NOTHING",
    )
    .bind(kind)
    .bind(Ts::now())
    .execute(db)
    .await?;
    Ok(())
}

/// A published batch report, for the public "Reports" page.
#[derive(Clone, Debug, FromRow)]
pub struct ReportRow {
    pub round_id: i64,
    pub from_size: i64,
    pub to_size: i64,
    pub evidence_id: String,
    pub created_at: Ts,
}

pub async fn reports(db: &SqlitePool, limit: i64) -> AppResult<Vec<ReportRow>> {
    Ok(sqlx::query_as(
        "SELECT round_id, from_size, to_size, evidence_id, created_at FROM batch_reports ORDER BY round_id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(db)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn calldata_is_minga_version_size_and_root() {
        let root = Hash([0xab; 32]);
        let data = calldata(0x0102, &root);
        assert_eq!(data.len(), 46);
        assert_eq!(&data[..6], b"MINGA\x01");
        assert_eq!(&data[6..14], &[0, 0, 0, 0, 0, 0, 1, 2]);
        assert_eq!(&data[14..], &[0xab; 32]);
        assert_eq!(parse_calldata(&data), Some((0x0102, root)));
        assert_eq!(parse_calldata(&data[1..]), None);
        let mut other = data.clone();
        other[5] = 2;
        assert_eq!(parse_calldata(&other), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let (base, max) = (Duration::from_secs(2), Duration::from_secs(60));
        assert_eq!(backoff(1, base, max), Duration::from_secs(2));
        assert_eq!(backoff(2, base, max), Duration::from_secs(4));
        assert_eq!(backoff(5, base, max), Duration::from_secs(32));
        assert_eq!(backoff(6, base, max), Duration::from_secs(60));
        assert_eq!(backoff(u32::MAX, base, max), Duration::from_secs(60));
    }
}
