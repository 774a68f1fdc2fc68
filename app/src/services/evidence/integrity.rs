//! The integrity audit: re-derives every entry's hashes from the stored data, items and
//! documents, rebuilds the tree from them and checks it against every signed checkpoint. Any
//! changed row, changed or missing document, deleted or inserted entry, or rewritten checkpoint
//! becomes a finding; the findings turn the affected verification pages to ALTERED.

use super::documents;
use super::store::{self, EvidenceRow};
use crate::AppState;
use crate::db::Ts;
use crate::domain::evidence::checkpoint;
use crate::domain::evidence::entry::Entry;
use crate::domain::evidence::merkle::{self, Frontier};
use crate::domain::evidence::{Hash, jcs};
use crate::error::AppResult;
use serde_json::Value;
use sqlx::{FromRow, SqlitePool};
use std::collections::HashMap;

const PAGE: i64 = 500;

/// One thing found wrong, about the entries `from..=until` (or the log as a whole).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub from: Option<u64>,
    pub until: Option<u64>,
    pub kind: &'static str,
    pub detail: String,
}

impl Finding {
    fn entry(idx: u64, kind: &'static str, detail: String) -> Finding {
        Finding {
            from: Some(idx),
            until: Some(idx),
            kind,
            detail,
        }
    }
}

#[derive(Clone, Debug, FromRow)]
pub struct RunRow {
    pub id: i64,
    pub started_at: Ts,
    pub finished_at: Option<Ts>,
    pub status: String,
    pub total: i64,
    pub checked: i64,
    pub checkpoints: i64,
    pub summary: String,
}

#[derive(Clone, Debug, FromRow)]
pub struct FindingRow {
    pub evidence_idx: Option<i64>,
    pub until_idx: Option<i64>,
    pub kind: String,
    pub detail: String,
}

#[derive(Clone, Debug)]
pub struct RunSummary {
    pub run_id: i64,
    pub entries: u64,
    pub checkpoints: u64,
    pub findings: Vec<Finding>,
}

/// Runs the whole audit; `progress(checked, total)` is called as it goes (and the run's row is
/// updated, so the public page shows it).
pub async fn run(
    state: &AppState,
    progress: &(dyn Fn(u64, u64) + Send + Sync),
) -> AppResult<RunSummary> {
    let db = &state.db;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM evidences")
        .fetch_one(db)
        .await?;
    let run_id: i64 = sqlx::query_scalar("INSERT INTO integrity_runs (started_at, status, total) VALUES (?, 'running', ?) RETURNING id")
        .bind(Ts::now())
        .bind(total)
        .fetch_one(db)
        .await?;
    let result = audit(state, run_id, u64::try_from(total).unwrap_or(0), progress).await;
    let (status, summary) = match &result {
        Ok((findings, entries, cps)) if findings.is_empty() => (
            "clean",
            format!("{entries} entries and {cps} checkpoints verified"),
        ),
        Ok((findings, entries, cps)) => (
            "altered",
            format!(
                "{} findings over {entries} entries and {cps} checkpoints",
                findings.len()
            ),
        ),
        Err(e) => ("failed", format!("the audit could not finish: {e}")),
    };
    sqlx::query("UPDATE integrity_runs SET status = ?, finished_at = ?, summary = ? WHERE id = ?")
        .bind(status)
        .bind(Ts::now())
        .bind(&summary)
        .bind(run_id)
        .execute(db)
        .await?;
    let (findings, entries, checkpoints) = result?;
    for f in &findings {
        sqlx::query("INSERT INTO integrity_findings (run_id, evidence_idx, until_idx, kind, detail) VALUES (?, ?, ?, ?, ?)")
            .bind(run_id)
            .bind(f.from.and_then(|v| i64::try_from(v).ok()))
            .bind(f.until.and_then(|v| i64::try_from(v).ok()))
            .bind(f.kind)
            .bind(&f.detail)
            .execute(db)
            .await?;
    }
    if findings.is_empty() {
        tracing::info!(
            run_id,
            entries,
            checkpoints,
            "integrity audit: the log is intact"
        );
    } else {
        for f in &findings {
            tracing::error!(run_id, kind = f.kind, from = ?f.from, until = ?f.until, detail = %f.detail, "integrity audit finding");
        }
        tracing::error!(
            run_id,
            findings = findings.len(),
            "INTEGRITY AUDIT: THE EVIDENCE LOG WAS ALTERED"
        );
    }
    Ok(RunSummary {
        run_id,
        entries,
        checkpoints,
        findings,
    })
}

async fn audit(
    state: &AppState,
    run_id: i64,
    total: u64,
    progress: &(dyn Fn(u64, u64) + Send + Sync),
) -> AppResult<(Vec<Finding>, u64, u64)> {
    let db = &state.db;
    let key = state.log.key.verifier_key().to_string();
    let mut findings = Vec::new();
    let checkpoints: Vec<store::CheckpointRow> = sqlx::query_as(
        "SELECT tree_size, root_hash, note, signed_at FROM checkpoints ORDER BY tree_size",
    )
    .fetch_all(db)
    .await?;
    let mut next_cp = 0usize;
    let mut frontier = Frontier::default();
    // the tree the stored leaves make, to check the stored interior nodes against
    let mut stored = Frontier::default();
    // the last size up to which the rebuilt tree matched a signed checkpoint
    let mut last_good: u64 = 0;
    let check_checkpoints = |frontier: &Frontier,
                             findings: &mut Vec<Finding>,
                             last_good: &mut u64,
                             next_cp: &mut usize| {
        while let Some(cp) = checkpoints
            .get(*next_cp)
            .filter(|c| c.size() == frontier.size())
        {
            let root = frontier.root();
            match checkpoint::verify(&cp.note, &key) {
                Ok(signed) => {
                    if EvidenceRow::hash(&cp.root_hash) != signed.root || signed.size != cp.size() {
                        findings.push(Finding {
                            from: None,
                            until: None,
                            kind: "checkpoint_rewritten",
                            detail: format!("the stored size or root of checkpoint {} differs from its signed note", cp.size()),
                        });
                    }
                    if signed.root == root {
                        *last_good = cp.size();
                    } else {
                        // explained when entries in the range were found changed one by one;
                        // otherwise which entry changed is unknown, and the whole range is in doubt
                        let range = (*last_good, cp.size());
                        let explained = findings.iter().any(|f| {
                            f.from == f.until && f.from.is_some_and(|i| i >= range.0 && i < range.1)
                        });
                        findings.push(Finding {
                            from: (!explained).then_some(range.0),
                            until: if explained {
                                None
                            } else {
                                range.1.checked_sub(1)
                            },
                            kind: "checkpoint_root",
                            detail: format!(
                                "the entries no longer hash to the root signed at size {} ({})",
                                cp.size(),
                                signed.root
                            ),
                        });
                    }
                }
                Err(e) => findings.push(Finding {
                    from: Some(*last_good),
                    until: cp.size().checked_sub(1),
                    kind: "checkpoint_signature",
                    detail: format!("checkpoint {}: {e}", cp.size()),
                }),
            }
            *next_cp += 1;
        }
    };
    check_checkpoints(&frontier, &mut findings, &mut last_good, &mut next_cp);

    let mut expected: u64 = 0;
    let mut after: i64 = -1;
    loop {
        let sql = format!(
            "SELECT {} FROM evidences WHERE idx > ? ORDER BY idx LIMIT ?",
            store::EVIDENCE_COLUMNS
        );
        let rows: Vec<EvidenceRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(after)
            .bind(PAGE)
            .fetch_all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        let (first_idx, last_idx) = (rows[0].idx, last.idx);
        let items = items_between(db, first_idx, last_idx).await?;
        let leaves: HashMap<i64, Vec<u8>> =
            sqlx::query_as("SELECT key, hash FROM log_tree WHERE key BETWEEN ? AND ?")
                .bind(first_idx)
                .bind(last_idx)
                .fetch_all(db)
                .await?
                .into_iter()
                .collect();
        for row in &rows {
            let idx = row.index();
            if idx != expected {
                findings.push(Finding {
                    from: Some(expected),
                    until: idx.checked_sub(1),
                    kind: "missing_entries",
                    detail: format!(
                        "entries {expected}..{} are missing from the log",
                        idx.saturating_sub(1)
                    ),
                });
                // the tree cannot be rebuilt past a gap: keep the leaves' places with the stored hashes
                while frontier.size() < idx {
                    let leaf = leaves_at(db, frontier.size()).await?.unwrap_or_default();
                    frontier.append(leaf);
                    stored.append(leaf);
                    check_checkpoints(&frontier, &mut findings, &mut last_good, &mut next_cp);
                }
            }
            let leaf = check_entry(
                state,
                row,
                items.get(&row.idx).map(Vec::as_slice).unwrap_or_default(),
                leaves.get(&row.idx),
                &mut findings,
            )
            .await?;
            frontier.append(leaf);
            stored.append(
                leaves
                    .get(&row.idx)
                    .and_then(|h| Hash::from_slice(h))
                    .unwrap_or_default(),
            );
            check_checkpoints(&frontier, &mut findings, &mut last_good, &mut next_cp);
            expected = idx + 1;
        }
        after = last_idx;
        sqlx::query("UPDATE integrity_runs SET checked = ? WHERE id = ?")
            .bind(i64::try_from(expected).unwrap_or(0))
            .bind(run_id)
            .execute(db)
            .await?;
        progress(expected, total);
    }
    for cp in &checkpoints[next_cp..] {
        findings.push(Finding {
            from: Some(frontier.size()),
            until: cp.size().checked_sub(1),
            kind: "entries_deleted",
            detail: format!(
                "a checkpoint of size {} was signed but the log holds {} entries",
                cp.size(),
                frontier.size()
            ),
        });
    }
    let mut conn = db.acquire().await?;
    let stored_root = store::tree_root(&mut conn, stored.size()).await;
    if stored_root.as_ref().ok() != Some(&stored.root()) {
        findings.push(Finding {
            from: None,
            until: None,
            kind: "tree",
            detail: "the stored tree's interior nodes do not match its leaves".into(),
        });
    }
    sqlx::query("UPDATE integrity_runs SET checkpoints = ? WHERE id = ?")
        .bind(i64::try_from(checkpoints.len()).unwrap_or(0))
        .bind(run_id)
        .execute(db)
        .await?;
    Ok((findings, frontier.size(), checkpoints.len() as u64))
}

async fn leaves_at(db: &SqlitePool, idx: u64) -> AppResult<Option<Hash>> {
    let h: Option<Vec<u8>> = sqlx::query_scalar("SELECT hash FROM log_tree WHERE key = ?")
        .bind(i64::try_from(idx).unwrap_or(-1))
        .fetch_optional(db)
        .await?;
    Ok(h.and_then(|h| Hash::from_slice(&h)))
}

async fn items_between(
    db: &SqlitePool,
    from: i64,
    to: i64,
) -> AppResult<HashMap<i64, Vec<String>>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT evidence_idx, item_json FROM evidence_items WHERE evidence_idx BETWEEN ? AND ? ORDER BY evidence_idx, position")
            .bind(from)
            .bind(to)
            .fetch_all(db)
            .await?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for (idx, item) in rows {
        out.entry(idx).or_default().push(item);
    }
    Ok(out)
}

/// Re-derives one entry from what is stored and returns the leaf hash those contents give.
async fn check_entry(
    state: &AppState,
    row: &EvidenceRow,
    items: &[String],
    stored_leaf: Option<&Vec<u8>>,
    findings: &mut Vec<Finding>,
) -> AppResult<Hash> {
    let idx = row.index();
    let data_hash = serde_json::from_str::<Value>(&row.data_json)
        .ok()
        .map(|v| jcs::data_hash(&v));
    let recorded_data_hash = EvidenceRow::hash(&row.data_hash);
    if data_hash != Some(recorded_data_hash) {
        findings.push(Finding::entry(
            idx,
            "data",
            format!(
                "evidence {}: its data no longer hashes to {recorded_data_hash}",
                row.id
            ),
        ));
    }
    let parsed: Option<Vec<Value>> = items.iter().map(|i| serde_json::from_str(i).ok()).collect();
    let items_root = parsed.as_deref().and_then(jcs::items_root);
    let recorded_items_root = row.items_root.as_deref().map(EvidenceRow::hash);
    if items_root != recorded_items_root || items.len() as i64 != row.items_count {
        findings.push(Finding::entry(
            idx,
            "items",
            format!("evidence {}: its items no longer match their root", row.id),
        ));
    }
    let document_hash = row.document_hash.as_deref().map(EvidenceRow::hash);
    if let Some(expected) = document_hash {
        match documents::read(&state.settings.documents_dir(), &expected).await? {
            None => findings.push(Finding::entry(
                idx,
                "document_missing",
                format!("evidence {}: its document {expected} is missing", row.id),
            )),
            Some(bytes) if Hash::of(&bytes) != expected => {
                findings.push(Finding::entry(
                    idx,
                    "document",
                    format!(
                        "evidence {}: its document no longer hashes to {expected}",
                        row.id
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    // the entry as the stored data says it should be: what the leaf must be
    let truth = Entry {
        v: 1,
        kind: row.kind.clone(),
        source: row.source.clone(),
        reference: row.reference.clone(),
        data_hash: data_hash.unwrap_or(recorded_data_hash),
        document_hash,
        items_root: items_root.or(recorded_items_root),
        items: items.len() as u64,
        registered_at: row.registered_at.clone(),
    };
    let leaf = truth.link_hash();
    if truth.to_jcs() != row.entry
        || merkle::leaf_hash(&row.entry) != EvidenceRow::hash(&row.link_hash)
    {
        findings.push(Finding::entry(
            idx,
            "entry",
            format!(
                "evidence {}: its stored entry or link hash was changed",
                row.id
            ),
        ));
    }
    if stored_leaf.and_then(|h| Hash::from_slice(h)) != Some(EvidenceRow::hash(&row.link_hash)) {
        findings.push(Finding::entry(
            idx,
            "leaf",
            format!(
                "evidence {}: the log tree's leaf differs from its link hash",
                row.id
            ),
        ));
    }
    Ok(leaf)
}

pub async fn latest_runs(db: &SqlitePool, limit: i64) -> AppResult<Vec<RunRow>> {
    Ok(sqlx::query_as(
        "SELECT id, started_at, finished_at, status, total, checked, checkpoints, summary FROM integrity_runs ORDER BY id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(db)
    .await?)
}

pub async fn findings_of(db: &SqlitePool, run_id: i64) -> AppResult<Vec<FindingRow>> {
    Ok(sqlx::query_as("SELECT evidence_idx, until_idx, kind, detail FROM integrity_findings WHERE run_id = ? ORDER BY id LIMIT 1000")
        .bind(run_id)
        .fetch_all(db)
        .await?)
}

/// What the last finished audit found about entry `idx` (empty when nothing): findings about
/// it or a range holding it, and a corrupted tree, which puts every proof in doubt.
/// What the latest finished audit says of the entry at `idx`: `None` when no finished audit has
/// covered it yet (none has run, or it was registered after the last one read the log), or the
/// findings that touch it (empty: nothing found).
pub async fn audit_of(db: &SqlitePool, idx: i64) -> AppResult<Option<Vec<String>>> {
    let covered: Option<i64> = sqlx::query_scalar(
        "SELECT total FROM integrity_runs WHERE status IN ('clean', 'altered') ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await?;
    match covered {
        Some(total) if idx < total => Ok(Some(findings_for(db, idx).await?)),
        _ => Ok(None),
    }
}

/// The findings of audit run `run` that touch entry `idx` (or the whole tree).
pub async fn findings_of_run<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    run: i64,
    idx: i64,
) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT f.detail FROM integrity_findings f
         WHERE f.run_id = ?1 AND ((f.evidence_idx <= ?2 AND f.until_idx >= ?2) OR f.kind = 'tree')",
    )
    .bind(run)
    .bind(idx)
    .fetch_all(db)
    .await?)
}

pub async fn findings_for(db: &SqlitePool, idx: i64) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT f.detail FROM integrity_findings f
         WHERE f.run_id = (SELECT MAX(id) FROM integrity_runs WHERE status IN ('clean', 'altered'))
           AND ((f.evidence_idx <= ?1 AND f.until_idx >= ?1) OR f.kind = 'tree')",
    )
    .bind(idx)
    .fetch_all(db)
    .await?)
}
