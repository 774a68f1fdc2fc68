//! The evidence engine as the portal uses it: submissions (from source systems' API keys and
//! from the portal's own decisions), the records with their proofs, receipts, the re-check of a
//! stored evidence behind `/v/{id}`, and search.

pub mod api_keys;
pub mod checkpoints;
pub mod decisions;
pub mod documents;
pub mod integrity;
pub mod sequencer;
pub mod store;
pub mod submit;
pub mod views;

use crate::domain::evidence::checkpoint;
use crate::domain::evidence::entry::Entry;
use crate::domain::evidence::receipt::{Anchor, Inclusion, Receipt};
use crate::domain::evidence::{Hash, jcs, merkle};
use crate::error::AppResult;
use crate::{AppError, AppState};
use serde_json::Value;
use sqlx::SqliteConnection;
use std::sync::Arc;
use store::{CheckpointRow, EvidenceRow};

pub use sequencer::{Head, Log};
pub use submit::{AtPosition, DocumentUpload, Submission, register_portal, submit};

/// How a stored evidence stands when re-checked now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every hash re-derives and the entry is in a signed checkpoint.
    Verified,
    /// Registered and intact, not yet in a signed checkpoint (seconds).
    Pending,
    /// Something stored no longer matches what was registered.
    Altered,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckName {
    DataHash,
    ItemsRoot,
    Document,
    Entry,
    Leaf,
    Inclusion,
    Signature,
    Audit,
}

#[derive(Clone, Debug)]
pub struct StoredCheck {
    pub name: CheckName,
    /// `None`: not applicable or not yet possible.
    pub ok: Option<bool>,
    pub detail: String,
}

#[derive(Clone, Debug)]
pub struct Verification {
    pub verdict: Verdict,
    pub checks: Vec<StoredCheck>,
}

/// Everything known about one evidence, for its API answer and its public page.
#[derive(Clone, Debug)]
pub struct EvidenceView {
    pub row: EvidenceRow,
    pub entry: Option<Entry>,
    pub public: bool,
    pub data: Option<Value>,
    pub items: Vec<Value>,
    pub checkpoint: Option<CheckpointRow>,
    pub inclusion: Option<Inclusion>,
    /// For each anchor backend, the first anchored checkpoint containing this evidence.
    pub anchors: Vec<Anchor>,
    pub verification: Verification,
}

/// The anchors covering entry `index`, each with its consistency proof to the checkpoint of
/// `tree_size` (the one the inclusion proof leads to).
pub async fn anchors_for(
    state: &AppState,
    conn: &mut SqliteConnection,
    index: u64,
    tree_size: u64,
) -> AppResult<Vec<Anchor>> {
    let mut out = Vec::new();
    for a in crate::services::anchors::covering(&mut *conn, index).await? {
        let size = u64::try_from(a.tree_size).unwrap_or(0);
        if size > tree_size {
            continue;
        }
        let consistency = if size == tree_size {
            Vec::new()
        } else {
            store::consistency_proof_on(conn, size, tree_size).await?
        };
        let mut details = serde_json::Map::new();
        details.insert("backend".into(), Value::from(a.backend.clone()));
        if let Some(chain) = a.chain_id {
            details.insert("chain_id".into(), Value::from(chain));
        }
        if let Some(tx) = &a.tx_hash {
            details.insert("tx_hash".into(), Value::from(tx.clone()));
            if a.kind == "ethereum"
                && let Some(template) = state
                    .settings
                    .eth
                    .iter()
                    .find(|e| e.name == a.backend)
                    .and_then(|e| e.explorer.as_ref())
            {
                details.insert("explorer".into(), Value::from(template.replace("{tx}", tx)));
            }
        }
        if let Some(block) = a.block_number {
            details.insert("block_number".into(), Value::from(block));
        }
        if let Some(t) = a.block_time {
            details.insert(
                "block_time".into(),
                Value::from(crate::domain::evidence::entry::format_time(t.0)),
            );
        }
        if a.kind == "rfc3161" {
            details.insert("checkpoint".into(), Value::from(a.note.clone()));
        }
        if let Some(token) = &a.token {
            use base64::Engine;
            details.insert(
                "token".into(),
                Value::from(base64::engine::general_purpose::STANDARD.encode(token)),
            );
        }
        if let Some(t) = a.stamped_at {
            details.insert(
                "stamped_at".into(),
                Value::from(crate::domain::evidence::entry::format_time(t.0)),
            );
        }
        out.push(Anchor {
            kind: a.kind,
            tree_size: size,
            root: EvidenceRow::hash(&a.root_hash),
            consistency,
            details,
        });
    }
    Ok(out)
}

pub async fn view(state: &AppState, id: &str) -> AppResult<EvidenceView> {
    // every read on one connection; what does not change between views comes from the cache
    let mut conn = state.db.acquire().await?;
    // the entry and what the page needs to know of the log, in one statement
    let sql = format!(
        "SELECT {}, (SELECT MAX(tree_size) FROM checkpoints) AS tree_size, r.audit_run, r.audit_total,
                (SELECT v.public FROM evidence_visibility v WHERE v.source = e.source AND v.kind = e.kind) AS public,
                EXISTS (SELECT 1 FROM anchors a WHERE a.state = 'done' AND a.tree_size > e.idx) AS anchored
         FROM evidences e
         LEFT JOIN (SELECT id AS audit_run, total AS audit_total FROM integrity_runs
                    WHERE status IN ('clean', 'altered') ORDER BY id DESC LIMIT 1) r ON 1 = 1
         WHERE e.id = ?",
        store::EVIDENCE_COLUMNS
    );
    let Facts { row, facts } = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let public = store::always_public(&row.source, &row.kind) || facts.public.unwrap_or(0) != 0;
    let latest = match facts.tree_size {
        Some(size) => Some(latest_checkpoint(state, &mut conn, size).await?),
        None => None,
    }
    .flatten()
    .filter(|l| l.row.size() > row.index());
    let key = (
        row.idx,
        latest.as_ref().map_or(0, |l| l.row.tree_size),
        facts.audit_run.unwrap_or(0),
    );
    let checked = match state.views.checked(key) {
        Some(found) => found,
        None => {
            let made = check_stored(state, &mut conn, &row, latest.as_deref(), &facts).await?;
            state.views.keep_checked(key, made)
        }
    };
    let anchors = match &latest {
        Some(l) if facts.anchored => {
            anchors_for(state, &mut conn, row.index(), l.row.size()).await?
        }
        _ => Vec::new(),
    };
    drop(conn);

    let mut checks = checked.checks.clone();
    // `None`: no finished audit has read this entry yet — said as such, not as "nothing found"
    checks.push(StoredCheck {
        name: CheckName::Audit,
        ok: checked.audit.as_ref().map(Vec::is_empty),
        detail: checked
            .audit
            .as_ref()
            .map(|f| f.join("; "))
            .unwrap_or_default(),
    });
    let verdict = if checks.iter().any(|c| c.ok == Some(false)) {
        Verdict::Altered
    } else if latest.is_none() {
        Verdict::Pending
    } else {
        Verdict::Verified
    };
    let entry = serde_json::from_slice::<Entry>(&row.entry).ok();
    let (data, items) = if public {
        (
            serde_json::from_str(&row.data_json).ok(),
            checked
                .items_json
                .iter()
                .filter_map(|i| serde_json::from_str(i).ok())
                .collect(),
        )
    } else {
        (None, Vec::new())
    };
    Ok(EvidenceView {
        row,
        entry,
        public,
        data,
        items,
        checkpoint: latest.as_ref().map(|l| l.row.clone()),
        inclusion: checked.inclusion.clone(),
        anchors,
        verification: Verification { verdict, checks },
    })
}

/// An entry and what the same query tells the verification page about the log.
#[derive(sqlx::FromRow)]
struct Facts {
    #[sqlx(flatten)]
    row: EvidenceRow,
    #[sqlx(flatten)]
    facts: LogFacts,
}

#[derive(sqlx::FromRow)]
struct LogFacts {
    tree_size: Option<i64>,
    audit_run: Option<i64>,
    audit_total: Option<i64>,
    public: Option<i64>,
    /// Whether a finished anchor covers the entry (its anchors are read only then).
    anchored: bool,
}

/// The latest checkpoint (of `tree_size`), its signature checked once per checkpoint.
async fn latest_checkpoint(
    state: &AppState,
    conn: &mut SqliteConnection,
    tree_size: i64,
) -> AppResult<Option<Arc<views::Latest>>> {
    if let Some(kept) = state.views.latest(tree_size) {
        return Ok(Some(kept));
    }
    let Some(row) = store::latest_checkpoint(&mut *conn).await? else {
        return Ok(None);
    };
    let signed = checkpoint::verify(&row.note, state.log.key.verifier_key())
        .ok()
        .map(|c| (c.size, c.root));
    Ok(Some(state.views.keep_latest(views::Latest { row, signed })))
}

/// Re-derives every hash of a stored evidence from what is stored, checks its leaf, its
/// inclusion proof and the checkpoint's signature, and reads the findings of the last finished
/// audit about it.
async fn check_stored(
    state: &AppState,
    conn: &mut SqliteConnection,
    row: &EvidenceRow,
    latest: Option<&views::Latest>,
    facts: &LogFacts,
) -> AppResult<views::Checked> {
    let items_json = store::items(&mut *conn, row.idx).await?;
    let inclusion = match latest {
        Some(l) => Some(Inclusion {
            tree_size: l.row.size(),
            root: EvidenceRow::hash(&l.row.root_hash),
            path: store::inclusion_proof_on(conn, row.index(), l.row.size()).await?,
        }),
        None => None,
    };
    let mut checks = Vec::new();
    let stored_data_hash = EvidenceRow::hash(&row.data_hash);
    let data_hash = serde_json::from_str::<Value>(&row.data_json)
        .ok()
        .map(|v| jcs::data_hash(&v));
    checks.push(StoredCheck {
        name: CheckName::DataHash,
        ok: Some(data_hash == Some(stored_data_hash)),
        detail: data_hash.map_or_else(|| "the stored data is not valid JSON".into(), |h| h.hex()),
    });

    let items: Option<Vec<Value>> = items_json
        .iter()
        .map(|i| serde_json::from_str(i).ok())
        .collect();
    let items_root = items.as_ref().map(|i| jcs::items_root(i));
    let stored_items_root = row.items_root.as_deref().map(EvidenceRow::hash);
    checks.push(StoredCheck {
        name: CheckName::ItemsRoot,
        ok: (row.items_count > 0 || stored_items_root.is_some()).then(|| {
            items_root == Some(stored_items_root) && items_json.len() as i64 == row.items_count
        }),
        detail: stored_items_root.map(|h| h.hex()).unwrap_or_default(),
    });

    let document_hash = row.document_hash.as_deref().map(EvidenceRow::hash);
    if let Some(expected) = document_hash {
        let found = documents::hash_stored(&state.settings.documents_dir(), &expected).await?;
        let (ok, detail) = match found {
            Some(h) => (h == expected, h.hex()),
            None => (false, "missing".into()),
        };
        checks.push(StoredCheck {
            name: CheckName::Document,
            ok: Some(ok),
            detail,
        });
    }

    let rebuilt = Entry {
        v: 1,
        kind: row.kind.clone(),
        source: row.source.clone(),
        reference: row.reference.clone(),
        data_hash: stored_data_hash,
        document_hash,
        items_root: stored_items_root,
        items: u64::try_from(row.items_count).unwrap_or(0),
        registered_at: row.registered_at.clone(),
    };
    let link = EvidenceRow::hash(&row.link_hash);
    let entry_ok = rebuilt.to_jcs() == row.entry && merkle::leaf_hash(&row.entry) == link;
    checks.push(StoredCheck {
        name: CheckName::Entry,
        ok: Some(entry_ok),
        detail: link.hex(),
    });

    let leaf = store::nodes(
        conn,
        &[merkle::Node {
            level: 0,
            index: row.index(),
        }],
    )
    .await?;
    let leaf = leaf.values().next().copied();
    checks.push(StoredCheck {
        name: CheckName::Leaf,
        ok: Some(leaf == Some(link)),
        detail: leaf.map(|h| h.hex()).unwrap_or_default(),
    });

    match (latest, &inclusion) {
        (Some(l), Some(inc)) => {
            let proof =
                merkle::verify_inclusion(row.index(), inc.tree_size, &link, &inc.path, &inc.root);
            checks.push(StoredCheck {
                name: CheckName::Inclusion,
                ok: Some(proof.is_ok()),
                detail: format!("{} / {}", inc.tree_size, inc.root.hex()),
            });
            checks.push(StoredCheck {
                name: CheckName::Signature,
                ok: Some(l.signed == Some((inc.tree_size, inc.root))),
                detail: state.log.key.verifier_key().to_string(),
            });
        }
        _ => {
            checks.push(StoredCheck {
                name: CheckName::Inclusion,
                ok: None,
                detail: String::new(),
            });
            checks.push(StoredCheck {
                name: CheckName::Signature,
                ok: None,
                detail: String::new(),
            });
        }
    }

    let audit = match (facts.audit_run, facts.audit_total) {
        (Some(run), Some(total)) if row.idx < total => {
            Some(integrity::findings_of_run(&mut *conn, run, row.idx).await?)
        }
        _ => None,
    };
    Ok(views::Checked {
        items_json,
        inclusion,
        checks,
        audit,
    })
}

/// The proof of the evidence's item at `position` (zero-based) to its items root, with the item
/// itself for public kinds and the evidence's receipt once it is in a signed checkpoint.
pub async fn item_proof(
    state: &AppState,
    id: &str,
    position: u64,
) -> AppResult<crate::domain::evidence::item_proof::ItemProof> {
    let row = store::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let items = store::items(&state.db, row.idx)
        .await?
        .iter()
        .map(|text| serde_json::from_str::<Value>(text))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AppError::internal(format!("stored item: {e}")))?;
    let mut proof = crate::domain::evidence::item_proof::prove(&row.id, &items, position)
        .ok_or(AppError::NotFound)?;
    if store::is_public(&state.db, &row.source, &row.kind).await? {
        proof.item = usize::try_from(position)
            .ok()
            .and_then(|p| items.get(p))
            .cloned();
    }
    proof.receipt = match receipt(state, id).await {
        Ok(r) => Some(r),
        Err(AppError::Pending) => None,
        Err(e) => return Err(e),
    };
    Ok(proof)
}

/// The self-contained receipt of an evidence, against the latest signed checkpoint.
pub async fn receipt(state: &AppState, id: &str) -> AppResult<Receipt> {
    let row = store::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let cp = store::latest_checkpoint(&state.db)
        .await?
        .filter(|c| c.size() > row.index())
        .ok_or(AppError::Pending)?;
    let entry: Entry = serde_json::from_slice(&row.entry)
        .map_err(|e| AppError::internal(format!("stored entry: {e}")))?;
    Ok(Receipt {
        v: 1,
        id: row.id.clone(),
        index: row.index(),
        link_hash: EvidenceRow::hash(&row.link_hash),
        inclusion: Inclusion {
            tree_size: cp.size(),
            root: EvidenceRow::hash(&cp.root_hash),
            path: store::inclusion_proof(&state.db, row.index(), cp.size()).await?,
        },
        entry,
        anchors: anchors_for(
            state,
            &mut *state.db.acquire().await?,
            row.index(),
            cp.size(),
        )
        .await?,
        checkpoint: cp.note,
    })
}

/// Evidences matching an id, a reference, or any of their hashes (at most 50, newest first).
/// The address that leads to the evidence of (`source`, `kind`, `reference`) once it is
/// registered: for a document that cannot carry its own evidence's id, since its hash is part
/// of the entry (the approved minutes' PDF points to its `minutes-approved` evidence so).
pub fn lookup_url(public_url: &str, source: &str, kind: &str, reference: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "{}/v/lookup?source={}&kind={}&ref={}",
        public_url.trim_end_matches('/'),
        enc(source),
        enc(kind),
        enc(reference)
    )
}

/// The evidence registered under (`source`, `kind`, `reference`), which is unique.
pub async fn find(
    db: &sqlx::SqlitePool,
    source: &str,
    kind: &str,
    reference: &str,
) -> AppResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM evidences WHERE source = ? AND kind = ? AND ref = ?")
            .bind(source)
            .bind(kind)
            .bind(reference)
            .fetch_optional(db)
            .await?,
    )
}

pub async fn search(state: &AppState, query: &str) -> AppResult<Vec<EvidenceRow>> {
    let q = query.trim();
    if q.is_empty() || q.len() > 200 {
        return Ok(Vec::new());
    }
    let Some(hash) = Hash::from_hex(q) else {
        let sql = format!(
            "SELECT {} FROM evidences WHERE id = ?1 OR ref = ?2 ORDER BY idx DESC LIMIT 50",
            store::EVIDENCE_COLUMNS
        );
        return Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(q.to_lowercase())
            .bind(q)
            .fetch_all(&state.db)
            .await?);
    };
    // a hash: its prefix is sought in each bucket of `evidence_hashes` (one seek per 16 384
    // entries), and the candidates compared whole on the entry
    let sql = format!(
        "WITH RECURSIVE buckets (n) AS (
             SELECT 0
             UNION ALL
             SELECT n + 1 FROM buckets WHERE n < (SELECT COALESCE(MAX(idx), 0) FROM evidences) / ?4
         )
         SELECT {} FROM evidences WHERE ref = ?1 OR document_hash = ?2
            OR (idx IN (SELECT h.evidence_idx FROM buckets b CROSS JOIN evidence_hashes h
                        WHERE h.bucket = b.n AND h.prefix = ?3)
                AND (data_hash = ?2 OR link_hash = ?2 OR items_root = ?2))
         ORDER BY idx DESC LIMIT 50",
        store::EVIDENCE_COLUMNS
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(q)
        .bind(hash.0.to_vec())
        .bind(store::hash_prefix(&hash))
        .bind(store::HASH_BUCKET)
        .fetch_all(&state.db)
        .await?)
}
