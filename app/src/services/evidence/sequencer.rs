//! The log's one writer. Submissions queue here; the sequencer gathers them for a few
//! milliseconds (or up to a batch size), writes their entries and the new tree nodes in one
//! transaction, and only then answers. A submission is all-or-nothing (a savepoint each).

use super::store;
use crate::AppError;
use crate::domain::evidence::Hash;
use crate::domain::evidence::checkpoint::LogKey;
use crate::domain::evidence::entry::{self, Entry};
use crate::domain::evidence::merkle::{self, Frontier, Node};
use crate::error::AppResult;
use serde::Serialize;
use sqlx::{Acquire, QueryBuilder, Sqlite, SqlitePool, Transaction};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc, oneshot, watch};

/// How long the sequencer waits for more submissions before writing a batch...
const GATHER: Duration = Duration::from_millis(4);
/// ...and how many entries it writes at most in one transaction.
const MAX_BATCH: usize = 5_000;

/// A submission checked, hashed and with its document stored: ready to append.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub source: String,
    pub kind: String,
    pub reference: String,
    /// The canonical (RFC 8785) text of the data.
    pub data_json: String,
    pub data_hash: Hash,
    pub items_json: Vec<String>,
    pub items_root: Option<Hash>,
    pub document: Option<StoredDocument>,
}

#[derive(Clone, Debug)]
pub struct StoredDocument {
    pub hash: Hash,
    pub media_type: String,
    pub filename: String,
    pub size: u64,
}

/// What a submission became: the evidence, and whether this submission created it.
#[derive(Clone, Debug, Serialize)]
pub struct Registered {
    pub id: String,
    pub index: u64,
    pub data_hash: Hash,
    pub document_hash: Option<Hash>,
    pub items_root: Option<Hash>,
    pub link_hash: Hash,
    pub registered_at: String,
    #[serde(skip)]
    pub created: bool,
}

/// The log's size and root after the last write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub size: u64,
    pub root: Hash,
}

struct Job {
    items: Vec<Prepared>,
    reply: oneshot::Sender<AppResult<Vec<Registered>>>,
}

/// The handle the rest of the portal holds: submit, read the head, the signing key.
#[derive(Clone)]
pub struct Log {
    jobs: mpsc::Sender<Job>,
    head: watch::Receiver<Head>,
    pub key: Arc<LogKey>,
    /// Woken after every write, so the checkpoint signer need not poll.
    pub appended: Arc<Notify>,
}

impl Log {
    /// Loads the tree's right edge and starts the sequencer task.
    pub async fn start(db: SqlitePool, key: LogKey) -> AppResult<Log> {
        let mut conn = db.acquire().await?;
        let size = store::size(&mut conn).await?;
        let nodes = store::nodes(&mut conn, &merkle::root_nodes(size)).await?;
        drop(conn);
        let frontier = Frontier::from_nodes(size, &nodes).map_err(|e| {
            AppError::internal(format!(
                "the log tree does not match its {size} entries ({e}); run `minga audit`"
            ))
        })?;
        let (jobs, rx) = mpsc::channel(1024);
        let (head_tx, head) = watch::channel(Head {
            size,
            root: frontier.root(),
        });
        let appended = Arc::new(Notify::new());
        tokio::spawn(run(db, frontier, rx, head_tx, appended.clone()));
        Ok(Log {
            jobs,
            head,
            key: Arc::new(key),
            appended,
        })
    }

    /// Appends the submissions as one all-or-nothing unit; answers once they are durable.
    pub async fn append(&self, items: Vec<Prepared>) -> AppResult<Vec<Registered>> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { items, reply })
            .await
            .map_err(|_| AppError::Unavailable("the log is shutting down".into()))?;
        answer
            .await
            .map_err(|_| AppError::Unavailable("the log stopped".into()))?
    }

    pub fn head(&self) -> Head {
        *self.head.borrow()
    }
}

async fn run(
    db: SqlitePool,
    mut frontier: Frontier,
    mut rx: mpsc::Receiver<Job>,
    head: watch::Sender<Head>,
    appended: Arc<Notify>,
) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        let mut count = jobs[0].items.len();
        let deadline = tokio::time::Instant::now() + GATHER;
        while count < MAX_BATCH {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(job)) => {
                    count += job.items.len();
                    jobs.push(job);
                }
                _ => break,
            }
        }
        let before = frontier.clone();
        match write_batch(&db, &mut frontier, &jobs).await {
            Ok(outcomes) => {
                let _ = head.send(Head {
                    size: frontier.size(),
                    root: frontier.root(),
                });
                appended.notify_one();
                for (job, outcome) in jobs.into_iter().zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "writing a batch to the log failed; nothing of it was acknowledged");
                frontier = before;
                for job in jobs {
                    let _ = job.reply.send(Err(AppError::Unavailable(
                        "the log could not store the submission; retry".into(),
                    )));
                }
            }
        }
    }
}

type Key = (String, String, String);

/// Writes every job of the batch in one transaction, each in its own savepoint.
async fn write_batch(
    db: &SqlitePool,
    frontier: &mut Frontier,
    jobs: &[Job],
) -> AppResult<Vec<AppResult<Vec<Registered>>>> {
    let registered_at = entry::format_time(chrono::Utc::now());
    let mut tx = crate::db::begin_write(db).await?;
    let mut seen: HashMap<Key, (Entry, Registered)> = HashMap::new();
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in jobs {
        let saved_frontier = frontier.clone();
        let mut local: HashMap<Key, (Entry, Registered)> = HashMap::new();
        let mut sp = (&mut tx).begin().await?;
        let result = write_job(
            &mut sp,
            frontier,
            &job.items,
            &registered_at,
            &seen,
            &mut local,
        )
        .await;
        match result {
            Ok(done) => {
                sp.commit().await?;
                seen.extend(local);
                outcomes.push(Ok(done));
            }
            Err(AppError::Conflict(detail)) => {
                sp.rollback().await?;
                *frontier = saved_frontier;
                outcomes.push(Err(AppError::Conflict(detail)));
            }
            Err(other) => return Err(other),
        }
    }
    tx.commit().await?;
    Ok(outcomes)
}

async fn write_job(
    tx: &mut Transaction<'_, Sqlite>,
    frontier: &mut Frontier,
    items: &[Prepared],
    registered_at: &str,
    seen: &HashMap<Key, (Entry, Registered)>,
    local: &mut HashMap<Key, (Entry, Registered)>,
) -> AppResult<Vec<Registered>> {
    let keys: Vec<Key> = items
        .iter()
        .map(|p| (p.source.clone(), p.kind.clone(), p.reference.clone()))
        .filter(|k| !seen.contains_key(k))
        .collect();
    let stored = existing(tx, &keys).await?;
    let mut out = Vec::with_capacity(items.len());
    let mut rows: Vec<Row<'_>> = Vec::with_capacity(items.len());
    let mut item_rows: Vec<(i64, i64, &str)> = Vec::new();
    let mut nodes: Vec<(Node, Hash)> = Vec::with_capacity(items.len() * 2);
    for p in items {
        let key: Key = (p.source.clone(), p.kind.clone(), p.reference.clone());
        let candidate = Entry {
            v: 1,
            kind: p.kind.clone(),
            source: p.source.clone(),
            reference: p.reference.clone(),
            data_hash: p.data_hash,
            document_hash: p.document.as_ref().map(|d| d.hash),
            items_root: p.items_root,
            items: p.items_json.len() as u64,
            registered_at: registered_at.to_string(),
        };
        let found = local
            .get(&key)
            .or_else(|| seen.get(&key))
            .or_else(|| stored.get(&key));
        if let Some((entry, registered)) = found {
            if entry.same_content(&candidate) {
                out.push(Registered {
                    created: false,
                    ..registered.clone()
                });
                continue;
            }
            return Err(AppError::Conflict(format!(
                "evidence ({}, {}, {}) is already registered with other content (evidence {}); a registered evidence cannot change",
                key.0, key.1, key.2, registered.id
            )));
        }
        let index = frontier.size();
        let bytes = candidate.to_jcs();
        let link = merkle::leaf_hash(&bytes);
        let id = new_id()?;
        let idx = i64::try_from(index).map_err(AppError::internal)?;
        rows.push(Row {
            idx,
            id: id.clone(),
            prepared: p,
            entry: bytes,
            link,
        });
        for (position, item) in p.items_json.iter().enumerate() {
            item_rows.push((idx, i64::try_from(position).unwrap_or(i64::MAX), item));
        }
        nodes.extend(frontier.append(link));
        let registered = Registered {
            id,
            index,
            data_hash: p.data_hash,
            document_hash: candidate.document_hash,
            items_root: p.items_root,
            link_hash: link,
            registered_at: registered_at.to_string(),
            created: true,
        };
        local.insert(key, (candidate, registered.clone()));
        out.push(registered);
    }
    // the job's entries, items and tree nodes, a few hundred rows per statement (one statement
    // per evidence made ingest a tenth of what SQLite can do)
    for chunk in rows.chunks(500) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO evidences (idx, id, source, kind, ref, data_json, data_hash, document_hash, document_media_type,
                 document_filename, document_size, items_root, items_count, registered_at, entry, link_hash) ",
        );
        q.push_values(chunk, |mut b, r| {
            let p = r.prepared;
            b.push_bind(r.idx)
                .push_bind(&r.id)
                .push_bind(&p.source)
                .push_bind(&p.kind)
                .push_bind(&p.reference)
                .push_bind(&p.data_json)
                .push_bind(p.data_hash.0.to_vec())
                .push_bind(p.document.as_ref().map(|d| d.hash.0.to_vec()))
                .push_bind(p.document.as_ref().map(|d| d.media_type.clone()))
                .push_bind(p.document.as_ref().map(|d| d.filename.clone()))
                .push_bind(
                    p.document
                        .as_ref()
                        .map(|d| i64::try_from(d.size).unwrap_or(i64::MAX)),
                )
                .push_bind(p.items_root.map(|h| h.0.to_vec()))
                .push_bind(i64::try_from(p.items_json.len()).unwrap_or(i64::MAX))
                .push_bind(registered_at)
                .push_bind(&r.entry)
                .push_bind(r.link.0.to_vec());
        });
        q.build().execute(&mut **tx).await?;
    }
    for chunk in item_rows.chunks(300) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO evidence_items (evidence_idx, position, item_json) ");
        q.push_values(chunk, |mut b, (idx, position, item)| {
            b.push_bind(*idx).push_bind(*position).push_bind(*item);
        });
        q.build().execute(&mut **tx).await?;
    }
    // the lookup from any of its hashes to the entry (see `store::hash_prefix`)
    let hashes: Vec<(Vec<u8>, i64)> = rows
        .iter()
        .flat_map(|r| {
            let p = r.prepared;
            [Some(p.data_hash), Some(r.link), p.items_root]
                .into_iter()
                .flatten()
                .map(move |h| (store::hash_prefix(&h), r.idx))
        })
        .collect();
    for chunk in hashes.chunks(300) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO evidence_hashes (bucket, prefix, evidence_idx) ");
        q.push_values(chunk, |mut b, (prefix, idx)| {
            b.push_bind(idx / store::HASH_BUCKET)
                .push_bind(prefix)
                .push_bind(*idx);
        });
        // two hashes of one entry sharing their first 8 bytes need one row
        q.push(" ON CONFLICT DO NOTHING");
        q.build().execute(&mut **tx).await?;
    }
    for chunk in nodes.chunks(400) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("INSERT INTO log_tree (key, hash) ");
        q.push_values(chunk, |mut b, (node, hash)| {
            b.push_bind(node.key()).push_bind(hash.0.to_vec());
        });
        q.build().execute(&mut **tx).await?;
    }
    Ok(out)
}

/// A new entry, written with the others of its job.
struct Row<'a> {
    idx: i64,
    id: String,
    prepared: &'a Prepared,
    entry: Vec<u8>,
    link: Hash,
}

#[derive(sqlx::FromRow)]
struct StoredKey {
    source: String,
    kind: String,
    #[sqlx(rename = "ref")]
    reference: String,
    id: String,
    idx: i64,
    entry: Vec<u8>,
    link_hash: Vec<u8>,
}

/// The stored evidences among `keys`, looked up a few hundred at a time.
async fn existing(
    tx: &mut Transaction<'_, Sqlite>,
    keys: &[Key],
) -> AppResult<HashMap<Key, (Entry, Registered)>> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(300) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT source, kind, ref, id, idx, entry, link_hash FROM evidences WHERE (source, kind, ref) IN (",
        );
        let mut rows = q.separated(", ");
        for (source, kind, reference) in chunk {
            rows.push("(")
                .push_bind_unseparated(source)
                .push_unseparated(", ")
                .push_bind_unseparated(kind)
                .push_unseparated(", ")
                .push_bind_unseparated(reference)
                .push_unseparated(")");
        }
        q.push(")");
        let rows: Vec<StoredKey> = q.build_query_as().fetch_all(&mut **tx).await?;
        for StoredKey {
            source,
            kind,
            reference,
            id,
            idx,
            entry: bytes,
            link_hash: link,
        } in rows
        {
            let entry: Entry = serde_json::from_slice(&bytes)
                .map_err(|e| AppError::internal(format!("stored entry {idx}: {e}")))?;
            let registered = Registered {
                id,
                index: u64::try_from(idx).unwrap_or(0),
                data_hash: entry.data_hash,
                document_hash: entry.document_hash,
                items_root: entry.items_root,
                link_hash: Hash::from_slice(&link).unwrap_or_default(),
                registered_at: entry.registered_at.clone(),
                created: false,
            };
            found.insert((source, kind, reference), (entry, registered));
        }
    }
    Ok(found)
}

/// A public evidence id: 16 characters of RFC 4648 base32, lowercase — 45 bits of the time in
/// milliseconds (so that ids are written at the end of their index, not at random places in it;
/// ordered by time until the year 3084) then 35 random bits (so that ids are not guessed).
pub fn new_id() -> AppResult<String> {
    let millis = u128::try_from(chrono::Utc::now().timestamp_millis().max(0)).unwrap_or(0);
    Ok(id_from(
        millis,
        crate::services::secrets::random_bytes::<5>()?,
    ))
}

/// 16 base32 characters of 80 random bits (what must not follow any order, like a key's prefix).
pub fn random_id() -> AppResult<String> {
    let mut bits: u128 = 0;
    for b in crate::services::secrets::random_bytes::<10>()? {
        bits = (bits << 8) | u128::from(b);
    }
    Ok(base32(bits))
}

fn id_from(millis: u128, random: [u8; 5]) -> String {
    let mut bits: u128 = millis & ((1 << 45) - 1);
    for b in random {
        bits = (bits << 8) | u128::from(b);
    }
    // 45 + 40 bits: the 5 lowest random bits are dropped, leaving 80
    base32(bits >> 5)
}

/// The low 80 bits of `bits` as 16 lowercase base32 characters, most significant first.
fn base32(bits: u128) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    (0..16)
        .rev()
        .map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_16_base32_characters() {
        let id = super::new_id().expect("id");
        assert_eq!(id.len(), 16);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || ('2'..='7').contains(&c))
        );
        assert_ne!(id, super::new_id().expect("id"));
        let key = super::random_id().expect("id");
        assert_eq!(key.len(), 16);
        assert_ne!(key[..8], super::random_id().expect("id")[..8]);
    }

    #[test]
    fn ids_follow_time_order_and_keep_random_bits() {
        let a = super::id_from(1_780_000_000_000, [0xff; 5]);
        let b = super::id_from(1_780_000_000_001, [0; 5]);
        assert!(a < b, "{a} < {b}");
        assert_ne!(
            super::id_from(1_780_000_000_000, [1, 2, 3, 4, 5]),
            super::id_from(1_780_000_000_000, [1, 2, 3, 4, 6 << 5])
        );
        assert_eq!(super::id_from(0, [0; 5]), "aaaaaaaaaaaaaaaa");
    }
}
