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

use crate::domain::evidence::checkpoint;
use crate::domain::evidence::entry::Entry;
use crate::domain::evidence::receipt::{Anchor, Inclusion, Receipt};
use crate::domain::evidence::submission::{self, SubmissionProblem};
use crate::domain::evidence::{Hash, jcs, merkle};
use crate::error::{AppResult, Invalid};
use crate::{AppError, AppState};
use sequencer::{Prepared, Registered, StoredDocument};
use serde_json::Value;
use store::{CheckpointRow, EvidenceRow};

pub use sequencer::{Head, Log};

/// One record as a source system sends it.
#[derive(Clone, Debug)]
pub struct Submission {
    pub kind: String,
    pub reference: String,
    pub data: Value,
    pub items: Vec<Value>,
    pub document: Option<DocumentUpload>,
}

#[derive(Clone, Debug)]
pub struct DocumentUpload {
    pub bytes: Vec<u8>,
    pub media_type: String,
    pub filename: String,
}

/// A problem of the submission at `position` of a batch (JSON pointer `/evidences/<n>/<field>`).
#[derive(Debug)]
pub struct AtPosition {
    pub position: usize,
    pub field: &'static str,
    pub problem: SubmissionProblem,
}

/// Checks a submission against the key's scope and the limits; `position` names it in a batch.
fn check(
    sub: &Submission,
    kinds: &[String],
    settings: &crate::settings::Settings,
    position: Option<usize>,
    invalid: &mut Invalid,
) {
    let limits = settings.evidence_limits;
    let mut add = |field: &'static str, problem: SubmissionProblem| match position {
        Some(position) => invalid.add(
            "evidences",
            AtPosition {
                position,
                field,
                problem,
            },
        ),
        None => invalid.add(field, problem),
    };
    match submission::check_kind(&sub.kind) {
        Err(p) => add("kind", p),
        Ok(()) if !kinds.iter().any(|k| k == &sub.kind) => {
            add("kind", SubmissionProblem::KindNotAllowed)
        }
        Ok(()) => {}
    }
    if let Err(p) = submission::check_ref(&sub.reference) {
        add("ref", p);
    }
    if let Err(p) = submission::check_data(&sub.data).and_then(|()| unsafe_integer(&sub.data)) {
        add("data", p);
    }
    if let Err(p) = submission::check_items(&sub.items, &limits)
        .and_then(|()| sub.items.iter().try_for_each(unsafe_integer))
    {
        add("items", p);
    }
    if let Some(doc) = &sub.document
        && let Err(p) = submission::check_document(&doc.bytes, &doc.media_type, &limits)
    {
        add("document", p);
    }
}

fn unsafe_integer(v: &Value) -> Result<(), SubmissionProblem> {
    jcs::check_value_integers(v).map_err(|e| match e {
        jcs::JsonProblem::UnsafeInteger(n) => SubmissionProblem::UnsafeInteger(n),
        jcs::JsonProblem::NotAnObject => SubmissionProblem::NotAnObject,
    })
}

/// Validates, hashes and stores the documents of `subs`, then appends them to the log as one
/// unit. Answers once every entry is durable.
pub async fn submit(
    state: &AppState,
    source: &str,
    kinds: &[String],
    subs: Vec<Submission>,
    batch: bool,
) -> AppResult<Vec<Registered>> {
    let mut invalid = Invalid::new();
    if batch {
        if subs.is_empty() {
            invalid.add("evidences", SubmissionProblem::BatchEmpty);
        } else if subs.len() > state.settings.evidence_limits.max_batch {
            invalid.add(
                "evidences",
                SubmissionProblem::BatchTooLarge {
                    max: state.settings.evidence_limits.max_batch,
                },
            );
        }
    }
    for (i, sub) in subs.iter().enumerate() {
        check(
            sub,
            kinds,
            &state.settings,
            batch.then_some(i),
            &mut invalid,
        );
    }
    invalid.into_result()?;
    let mut prepared = Vec::with_capacity(subs.len());
    for sub in subs {
        prepared.push(prepare(state, source, sub).await?);
    }
    state.log.append(prepared).await
}

async fn prepare(state: &AppState, source: &str, sub: Submission) -> AppResult<Prepared> {
    let data_json = String::from_utf8(jcs::canonicalize(&sub.data)).map_err(AppError::internal)?;
    let document = match sub.document {
        Some(doc) => {
            let hash = documents::store(&state.settings.documents_dir(), &doc.bytes).await?;
            Some(StoredDocument {
                hash,
                media_type: doc.media_type,
                filename: submission::clean_filename(&doc.filename),
                size: doc.bytes.len() as u64,
            })
        }
        None => None,
    };
    let items_json = sub
        .items
        .iter()
        .map(|i| String::from_utf8(jcs::canonicalize(i)).map_err(AppError::internal))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Prepared {
        source: source.to_string(),
        kind: sub.kind,
        reference: sub.reference,
        data_hash: Hash::of(data_json.as_bytes()),
        data_json,
        items_root: jcs::items_root(&sub.items),
        items_json,
        document,
    })
}

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
pub async fn anchors_for(state: &AppState, index: u64, tree_size: u64) -> AppResult<Vec<Anchor>> {
    let mut out = Vec::new();
    for a in crate::services::anchors::covering(&state.db, index).await? {
        let size = u64::try_from(a.tree_size).unwrap_or(0);
        if size > tree_size {
            continue;
        }
        let consistency = if size == tree_size {
            Vec::new()
        } else {
            store::consistency_proof(&state.db, size, tree_size).await?
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
    let row = store::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let public = store::is_public_kind(&state.db, &row.kind).await?;
    let items_json = store::items(&state.db, row.idx).await?;
    let checkpoint = store::latest_checkpoint(&state.db)
        .await?
        .filter(|c| c.size() > row.index());
    let inclusion = match &checkpoint {
        Some(cp) => Some(Inclusion {
            tree_size: cp.size(),
            root: EvidenceRow::hash(&cp.root_hash),
            path: store::inclusion_proof(&state.db, row.index(), cp.size()).await?,
        }),
        None => None,
    };
    let anchors = match &checkpoint {
        Some(cp) => anchors_for(state, row.index(), cp.size()).await?,
        None => Vec::new(),
    };
    let verification = verify_stored(
        state,
        &row,
        &items_json,
        checkpoint.as_ref(),
        inclusion.as_ref(),
    )
    .await?;
    let entry = serde_json::from_slice::<Entry>(&row.entry).ok();
    let (data, items) = if public {
        (
            serde_json::from_str(&row.data_json).ok(),
            items_json
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
        checkpoint,
        inclusion,
        anchors,
        verification,
    })
}

/// Re-derives every hash of a stored evidence from what is stored now, checks its leaf, its
/// inclusion proof and the checkpoint's signature, and the last integrity audit's findings.
async fn verify_stored(
    state: &AppState,
    row: &EvidenceRow,
    items_json: &[String],
    checkpoint: Option<&CheckpointRow>,
    inclusion: Option<&Inclusion>,
) -> AppResult<Verification> {
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
        let found = documents::read(&state.settings.documents_dir(), &expected).await?;
        let (ok, detail) = match found {
            Some(bytes) => {
                let h = Hash::of(&bytes);
                (h == expected, h.hex())
            }
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

    let mut conn = state.db.acquire().await?;
    let leaf = store::nodes(
        &mut conn,
        &[merkle::Node {
            level: 0,
            index: row.index(),
        }],
    )
    .await?;
    drop(conn);
    let leaf = leaf.values().next().copied();
    checks.push(StoredCheck {
        name: CheckName::Leaf,
        ok: Some(leaf == Some(link)),
        detail: leaf.map(|h| h.hex()).unwrap_or_default(),
    });

    match (checkpoint, inclusion) {
        (Some(cp), Some(inc)) => {
            let proof =
                merkle::verify_inclusion(row.index(), inc.tree_size, &link, &inc.path, &inc.root);
            checks.push(StoredCheck {
                name: CheckName::Inclusion,
                ok: Some(proof.is_ok()),
                detail: format!("{} / {}", inc.tree_size, inc.root.hex()),
            });
            let signed = checkpoint::verify(&cp.note, state.log.key.verifier_key());
            let ok = signed
                .as_ref()
                .is_ok_and(|c| c.size == inc.tree_size && c.root == inc.root);
            checks.push(StoredCheck {
                name: CheckName::Signature,
                ok: Some(ok),
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

    let flagged = integrity::findings_for(&state.db, row.idx).await?;
    checks.push(StoredCheck {
        name: CheckName::Audit,
        ok: Some(flagged.is_empty()),
        detail: flagged.join("; "),
    });

    let verdict = if checks.iter().any(|c| c.ok == Some(false)) {
        Verdict::Altered
    } else if checkpoint.is_none() {
        Verdict::Pending
    } else {
        Verdict::Verified
    };
    Ok(Verification { verdict, checks })
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
        anchors: anchors_for(state, row.index(), cp.size()).await?,
        checkpoint: cp.note,
    })
}

/// Evidences matching an id, a reference, or any of their hashes (at most 50, newest first).
pub async fn search(state: &AppState, query: &str) -> AppResult<Vec<EvidenceRow>> {
    let q = query.trim();
    if q.is_empty() || q.len() > 200 {
        return Ok(Vec::new());
    }
    let hash = Hash::from_hex(q).map(|h| h.0.to_vec()).unwrap_or_default();
    let sql = format!(
        "SELECT {} FROM evidences WHERE id = ?1 OR ref = ?2 OR data_hash = ?3 OR document_hash = ?3 OR link_hash = ?3 OR items_root = ?3
         ORDER BY idx DESC LIMIT 50",
        store::EVIDENCE_COLUMNS
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(q.to_lowercase())
        .bind(q)
        .bind(hash)
        .fetch_all(&state.db)
        .await?)
}
