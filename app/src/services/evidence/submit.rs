//! Submissions: a source system's records (through its API key) and the portal's own, checked
//! against the key's scope and the limits, their documents stored and held, then handed to the
//! sequencer.

use super::documents;
use super::sequencer::{Prepared, Registered, StoredDocument};
use crate::domain::evidence::submission::{self, SubmissionProblem};
use crate::domain::evidence::{Hash, jcs};
use crate::error::{AppResult, Invalid};
use crate::{AppError, AppState};
use serde_json::Value;

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
    /// Where in the submission, when more precise than its field (`/data/a`).
    pub pointer: Option<String>,
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
                pointer: None,
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
    if let Err(p) = submission::check_data(&sub.data)
        .and_then(|()| unsafe_integer(&sub.data))
        .and_then(|()| submission::check_record_size(jcs::canonicalize(&sub.data).len(), &limits))
    {
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
        jcs::JsonProblem::DuplicateKey(p) => SubmissionProblem::DuplicateKey(p),
    })
}

/// Registers one of the portal's own records (source `portal`): what [`submit`] registered.
pub async fn register_portal(state: &AppState, sub: Submission) -> AppResult<Registered> {
    let kinds = [sub.kind.clone()];
    submit(state, "portal", &kinds, vec![sub], false)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal("the portal's record was not registered"))
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
    let mut held = Vec::new();
    for sub in subs {
        prepared.push(prepare(state, source, sub, &mut held).await?);
    }
    let result = state.log.append(prepared).await;
    if result.is_err() {
        // a refused submission (a 409, say) leaves no file of its own behind
        let dir = state.settings.documents_dir();
        for h in held {
            if let Err(e) = documents::discard_if_unused(&state.db, &dir, h).await {
                tracing::warn!(error = %e, "a refused submission's document could not be removed");
            }
        }
    }
    result
}

async fn prepare(
    state: &AppState,
    source: &str,
    sub: Submission,
    held: &mut Vec<documents::Held>,
) -> AppResult<Prepared> {
    let data_json = String::from_utf8(jcs::canonicalize(&sub.data)).map_err(AppError::internal)?;
    let document = match sub.document {
        Some(doc) => {
            let h = documents::store_held(&state.settings.documents_dir(), &doc.bytes).await?;
            let hash = h.hash();
            held.push(h);
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
