//! Reads of the log: tree nodes (a few indexed reads per proof, never a rebuild), checkpoints,
//! entries.

use crate::AppError;
use crate::db::Ts;
use crate::domain::evidence::Hash;
use crate::domain::evidence::merkle::{self, Node};
use crate::error::AppResult;
use sqlx::{FromRow, QueryBuilder, Sqlite, SqliteConnection, SqliteExecutor, SqlitePool};
use std::collections::HashMap;

/// Reads the given complete subtrees in one query.
pub async fn nodes(conn: &mut SqliteConnection, wanted: &[Node]) -> AppResult<HashMap<Node, Hash>> {
    let mut out = HashMap::with_capacity(wanted.len());
    for chunk in wanted.chunks(500) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT key, hash FROM log_tree WHERE key IN (");
        let mut sep = q.separated(", ");
        for n in chunk {
            sep.push_bind(n.key());
        }
        q.push(")");
        let rows: Vec<(i64, Vec<u8>)> = q.build_query_as().fetch_all(&mut *conn).await?;
        for (key, hash) in rows {
            let h = Hash::from_slice(&hash)
                .ok_or_else(|| AppError::internal("a stored tree hash is not 32 bytes"))?;
            out.insert(Node::from_key(key), h);
        }
    }
    Ok(out)
}

pub async fn inclusion_proof(db: &SqlitePool, index: u64, tree_size: u64) -> AppResult<Vec<Hash>> {
    inclusion_proof_on(&mut *db.acquire().await?, index, tree_size).await
}

/// The inclusion proof, read on a connection the caller already holds.
pub async fn inclusion_proof_on(
    conn: &mut SqliteConnection,
    index: u64,
    tree_size: u64,
) -> AppResult<Vec<Hash>> {
    let wanted = merkle::inclusion_nodes(index, tree_size)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let got = nodes(conn, &wanted).await?;
    merkle::inclusion_proof(index, tree_size, &got)
        .map_err(|e| AppError::internal(format!("log tree: {e}")))
}

pub async fn consistency_proof(db: &SqlitePool, from: u64, to: u64) -> AppResult<Vec<Hash>> {
    consistency_proof_on(&mut *db.acquire().await?, from, to).await
}

pub async fn consistency_proof_on(
    conn: &mut SqliteConnection,
    from: u64,
    to: u64,
) -> AppResult<Vec<Hash>> {
    let wanted =
        merkle::consistency_nodes(from, to).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let got = nodes(conn, &wanted).await?;
    merkle::consistency_proof(from, to, &got)
        .map_err(|e| AppError::internal(format!("log tree: {e}")))
}

pub async fn tree_root(conn: &mut SqliteConnection, size: u64) -> AppResult<Hash> {
    let got = nodes(conn, &merkle::root_nodes(size)).await?;
    merkle::root(size, &got).map_err(|e| AppError::internal(format!("log tree: {e}")))
}

/// The number of entries in the log.
pub async fn size(conn: &mut SqliteConnection) -> AppResult<u64> {
    let n: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(idx) + 1, 0) FROM evidences")
        .fetch_one(conn)
        .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

#[derive(Clone, Debug, FromRow)]
pub struct CheckpointRow {
    pub tree_size: i64,
    pub root_hash: Vec<u8>,
    pub note: String,
    pub signed_at: Ts,
}

impl CheckpointRow {
    pub fn size(&self) -> u64 {
        u64::try_from(self.tree_size).unwrap_or(0)
    }
}

pub async fn latest_checkpoint<'e>(
    db: impl SqliteExecutor<'e>,
) -> AppResult<Option<CheckpointRow>> {
    Ok(sqlx::query_as("SELECT tree_size, root_hash, note, signed_at FROM checkpoints ORDER BY tree_size DESC LIMIT 1")
        .fetch_optional(db)
        .await?)
}

/// The smallest checkpoint that covers entry `index`.
pub async fn first_checkpoint_covering(
    db: &SqlitePool,
    index: u64,
) -> AppResult<Option<CheckpointRow>> {
    Ok(sqlx::query_as(
        "SELECT tree_size, root_hash, note, signed_at FROM checkpoints WHERE tree_size > ? ORDER BY tree_size LIMIT 1",
    )
    .bind(i64::try_from(index).unwrap_or(i64::MAX))
    .fetch_optional(db)
    .await?)
}

/// One stored evidence, as the database holds it.
#[derive(Clone, Debug, FromRow)]
pub struct EvidenceRow {
    pub idx: i64,
    pub id: String,
    pub source: String,
    pub kind: String,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub data_json: String,
    pub data_hash: Vec<u8>,
    pub document_hash: Option<Vec<u8>>,
    pub document_media_type: Option<String>,
    pub document_filename: Option<String>,
    pub document_size: Option<i64>,
    pub items_root: Option<Vec<u8>>,
    pub items_count: i64,
    pub registered_at: String,
    pub entry: Vec<u8>,
    pub link_hash: Vec<u8>,
}

pub const EVIDENCE_COLUMNS: &str = "idx, id, source, kind, ref, data_json, data_hash, document_hash, document_media_type, \
     document_filename, document_size, items_root, items_count, registered_at, entry, link_hash";

impl EvidenceRow {
    pub fn index(&self) -> u64 {
        u64::try_from(self.idx).unwrap_or(0)
    }

    pub fn hash(bytes: &[u8]) -> Hash {
        Hash::from_slice(bytes).unwrap_or_default()
    }
}

/// The key of `evidence_hashes`: the first 8 bytes of a data hash, link hash or items root.
/// Enough to find the one entry among millions (a shared prefix is one more row to compare, never
/// a wrong answer: the lookup compares the whole hash on the entry).
pub fn hash_prefix(hash: &Hash) -> Vec<u8> {
    hash.0[..8].to_vec()
}

/// Entries per bucket of `evidence_hashes` (the entry's index divided by it; see migration 0024).
pub const HASH_BUCKET: i64 = 16_384;

pub async fn by_id<'e>(db: impl SqliteExecutor<'e>, id: &str) -> AppResult<Option<EvidenceRow>> {
    let sql = format!("SELECT {EVIDENCE_COLUMNS} FROM evidences WHERE id = ?");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?)
}

pub async fn items<'e>(db: impl SqliteExecutor<'e>, idx: i64) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT item_json FROM evidence_items WHERE evidence_idx = ? ORDER BY position",
    )
    .bind(idx)
    .fetch_all(db)
    .await?)
}

/// The portal's governance decisions are public whatever the visibility table says.
pub fn always_public(source: &str, kind: &str) -> bool {
    source == "portal" && kind.starts_with("governance.")
}

/// Whether the records that `source` registers under `kind` are shown to the public (their
/// hashes always are). The portal's governance decisions always are.
pub async fn is_public(db: &SqlitePool, source: &str, kind: &str) -> AppResult<bool> {
    if always_public(source, kind) {
        return Ok(true);
    }
    let public: Option<i64> =
        sqlx::query_scalar("SELECT public FROM evidence_visibility WHERE source = ? AND kind = ?")
            .bind(source)
            .bind(kind)
            .fetch_optional(db)
            .await?;
    Ok(public.unwrap_or(0) != 0)
}
