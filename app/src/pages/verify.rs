//! `/v/{id}`: the public verification page, the QR code's target. A plain verdict first, then
//! what it proves and what it does not, the record (for public kinds), the three hashes, each
//! check, the inclusion proof and checkpoint, a form to check one's own copy of the document,
//! the QR codes and the receipt. `/v?q=` searches by id, reference or any hash.

use crate::components::{CsrfInput, Layout, qr};
use crate::domain::evidence::Hash;
use crate::i18n::{Tr, fill};
use crate::services::evidence::store::EvidenceRow;
use crate::services::evidence::{self, CheckName, EvidenceView, Verdict};
use crate::web::{Ctx, Part, page, read_multipart, urlencode};
use crate::{AppError, AppState};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct LookupQuery {
    source: String,
    kind: String,
    #[serde(rename = "ref")]
    reference: String,
}

/// `/v/lookup?source=…&kind=…&ref=…`: to the evidence of a source's record, by the reference it
/// was registered under (what a document that cannot carry its own evidence's id points to).
pub async fn lookup(
    State(state): State<AppState>,
    Query(q): Query<LookupQuery>,
) -> Result<Response, AppError> {
    match evidence::find(&state.db, &q.source, &q.kind, &q.reference).await? {
        Some(id) => Ok(crate::web::redirect(&format!("/v/{id}"))),
        None => Err(AppError::NotFound),
    }
}

pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let found = evidence::search(&state, &query.q).await?;
    if found.len() == 1 && !query.q.trim().is_empty() {
        return Ok(crate::web::redirect(&format!("/v/{}", found[0].id)));
    }
    let t = ctx.t();
    let searched = !query.q.trim().is_empty();
    let none_found = found.is_empty();
    let rows = found
        .into_iter()
        .map(|e| {
            view! {
                <tr>
                    <th scope="row"><a href=format!("/v/{}", e.id)>{e.id.clone()}</a></th>
                    <td>{e.kind}</td>
                    <td>{e.reference}</td>
                    <td>{e.source}</td>
                    <td>{e.registered_at}</td>
                </tr>
            }
        })
        .collect_view();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.verify_search_title>
                <h1>{t.verify_search_title}</h1>
                <p>{t.verify_search_intro}</p>
                <SearchForm t=t value=query.q.clone()/>
                {searched.then(|| view! {
                    <h2 id="results-title">{t.verify_search_results}</h2>
                    {none_found.then(|| view! { <p>{t.verify_search_nothing}</p> })}
                    <div class="table-scroll" role="region" aria-labelledby="results-title" tabindex="0" hidden=none_found>
                        <table>
                            <thead><tr>
                                <th scope="col">{t.verify_col_id}</th>
                                <th scope="col">{t.verify_col_kind}</th>
                                <th scope="col">{t.verify_col_ref}</th>
                                <th scope="col">{t.verify_col_source}</th>
                                <th scope="col">{t.verify_col_registered}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    <p class="hint">{t.verify_search_none_hint}</p>
                })}
                <crate::pages::open_data::DataLinks t=t lang=ctx.lang page="/v"/>
            </Layout>
        },
    ))
}

#[component]
pub fn SearchForm(t: &'static Tr, #[prop(into)] value: String) -> impl IntoView {
    view! {
        <form method="get" action="/v" class="search-form" role="search">
            <div class="field">
                <label for="q">{t.verify_search_label}</label>
                <p class="hint" id="q-hint">{t.verify_search_hint}</p>
                <input id="q" name="q" type="search" value=value aria-describedby="q-hint" autocomplete="off" spellcheck="false"/>
            </div>
            <button type="submit" class="button">{t.verify_search_submit}</button>
        </form>
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let view = evidence::view(&state, &id).await?;
    // counted for the public figures (/stats), never who or when
    state.views.count_visit(view.row.idx);
    Ok(render(&state, &ctx, view, None, StatusCode::OK))
}

/// What a citizen's own copy turned out to be.
enum CopyCheck {
    Checked {
        filename: String,
        hash: Hash,
        matches: bool,
    },
    /// The form came without a file.
    NoFile,
}

pub async fn check_copy(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    mp: Multipart,
) -> Result<Response, AppError> {
    let parts = read_multipart(
        &ctx,
        mp,
        state.settings.evidence_limits.max_document_bytes as u64,
    )
    .await?;
    let view = evidence::view(&state, &id).await?;
    let registered = view
        .row
        .document_hash
        .as_deref()
        .map(EvidenceRow::hash)
        .ok_or(AppError::NotFound)?;
    let file = parts.into_iter().find_map(|p| match p {
        Part::File {
            name,
            filename,
            size,
            sha256,
        } if name == "copy" && size > 0 => Some((filename, Hash(sha256))),
        _ => None,
    });
    let (check, status) = match file {
        Some((filename, hash)) => (
            CopyCheck::Checked {
                filename: crate::domain::evidence::submission::clean_filename(&filename),
                matches: hash == registered,
                hash,
            },
            StatusCode::OK,
        ),
        None => (CopyCheck::NoFile, StatusCode::UNPROCESSABLE_ENTITY),
    };
    Ok(render(&state, &ctx, view, Some(check), status))
}

/// The QR code of an evidence: the URL of its public page.
async fn qr_target(state: &AppState, id: &str) -> Result<String, AppError> {
    let row = evidence::store::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(format!("{}/v/{}", state.settings.public_url, row.id))
}

fn image(content_type: &'static str, body: impl IntoResponse) -> Response {
    (
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// The QR image of an evidence's page in `format`, made once (an unknown id is a 404).
async fn qr_image(
    state: &AppState,
    id: &str,
    format: &'static str,
    make: impl FnOnce(&str) -> Result<Vec<u8>, String>,
) -> Result<axum::body::Bytes, AppError> {
    if let Some(kept) = state.views.qr(id, format) {
        return Ok(kept);
    }
    let image = make(&qr_target(state, id).await?).map_err(AppError::internal)?;
    Ok(state.views.keep_qr(id, format, image))
}

pub async fn qr_svg(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let svg = qr_image(&state, &id, "svg", |t| qr::svg(t).map(String::into_bytes)).await?;
    Ok(image("image/svg+xml", svg))
}

pub async fn qr_png(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let png = qr_image(&state, &id, "png", |t| qr::png(t, 8)).await?;
    Ok(image("image/png", png))
}

/// The anchors covering the evidence, each re-checked here: the anchored tree contains the
/// entry and is consistent with the checkpoint the inclusion proof leads to.
fn anchor_rows(v: &evidence::EvidenceView, t: &'static Tr) -> AnyView {
    let Some(inc) = v.inclusion.as_ref().filter(|_| !v.anchors.is_empty()) else {
        return view! { <p>{t.anchors_none}</p> }.into_any();
    };
    let index = v.row.index();
    v.anchors
        .iter()
        .map(|a| {
            let ok = a.covers(index, inc).is_ok();
            let title = match (a.kind.as_str(), a.detail("chain_id")) {
                ("ethereum", Some(chain)) => fill(t.anchor_chain, &[("chain", &chain)]),
                _ => t.anchor_timestamp.to_string(),
            };
            let tx = a.detail("tx_hash").map(|tx| match a.detail("explorer") {
                Some(url) => view! { <a href=url><code>{tx}</code></a> }.into_any(),
                None => view! { <code>{tx}</code> }.into_any(),
            });
            let (class, symbol, verdict) = if ok {
                ("check check-ok", "✓", t.check_passed)
            } else {
                ("check check-failed", "✗", t.check_failed)
            };
            view! {
                <h3>{title}</h3>
                <dl class="facts">
                    {tx.map(|tx| view! { <div><dt>{t.anchor_tx}</dt><dd>{tx}</dd></div> })}
                    {a.detail("block_number").map(|b| view! { <div><dt>{t.anchor_block}</dt><dd>{b}</dd></div> })}
                    {a.detail("block_time").or_else(|| a.detail("stamped_at")).map(|w| view! { <div><dt>{t.anchor_time}</dt><dd>{w}</dd></div> })}
                    <div><dt>{t.proof_tree_size}</dt><dd>{a.tree_size}</dd></div>
                    <div><dt>{t.proof_root}</dt><dd><code>{a.root.hex()}</code></dd></div>
                </dl>
                <p class=class><span aria-hidden="true">{symbol}" "</span>{t.anchor_covers}" — "<strong>{verdict}</strong></p>
            }
        })
        .collect_view()
        .into_any()
}

fn check_name(name: CheckName, t: &'static Tr) -> &'static str {
    match name {
        CheckName::DataHash => t.check_data_hash,
        CheckName::ItemsRoot => t.check_items_root,
        CheckName::Document => t.check_document,
        CheckName::Entry => t.check_entry,
        CheckName::Leaf => t.check_leaf,
        CheckName::Inclusion => t.check_inclusion,
        CheckName::Signature => t.check_signature,
        CheckName::Audit => t.check_audit,
    }
}

/// A JSON value as people read it: strings as they are, everything else as compact JSON.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

/// How much of a record the page shows: this many members, each folded to this many characters
/// (a record may be up to `MINGA_MAX_RECORD_SIZE`; the whole of it is one click away as JSON).
const SHOWN_MEMBERS: usize = 60;
const SHOWN_CHARS: usize = 400;

/// `text`, cut to `max` characters with an ellipsis; whether it was cut.
fn folded(text: String, max: usize) -> (String, bool) {
    match text.char_indices().nth(max) {
        Some((at, _)) => (format!("{}…", &text[..at]), true),
        None => (text, false),
    }
}

fn render(
    state: &AppState,
    ctx: &Ctx,
    v: EvidenceView,
    copy: Option<CopyCheck>,
    status: StatusCode,
) -> Response {
    let ctx = ctx.clone();
    let t = ctx.t();
    let row = v.row.clone();
    let id = row.id.clone();
    let when = chrono::DateTime::parse_from_rfc3339(&row.registered_at).map_or_else(
        |_| row.registered_at.clone(),
        |d| crate::i18n::datetime(d.to_utc()),
    );
    let (verdict_class, verdict_title, verdict_text, symbol) = match v.verification.verdict {
        Verdict::Verified => (
            "verdict verdict-ok",
            t.verdict_verified_title,
            fill(t.verdict_verified_text, &[("date", &when)]),
            "✓",
        ),
        Verdict::Pending => (
            "verdict verdict-pending",
            t.verdict_pending_title,
            fill(t.verdict_pending_text, &[("date", &when)]),
            "…",
        ),
        Verdict::Altered => (
            "verdict verdict-altered",
            t.verdict_altered_title,
            t.verdict_altered_text.to_string(),
            "✗",
        ),
    };
    let checks = v
        .verification
        .checks
        .iter()
        .filter(|c| c.ok.is_some() || matches!(c.name, CheckName::Inclusion | CheckName::Audit))
        .map(|c| {
            let (mark, state_text, class) = match (c.ok, c.name) {
                (Some(true), _) => ("✓", t.check_passed, "check-ok"),
                (Some(false), _) => ("✗", t.check_failed, "check-failed"),
                (None, CheckName::Audit) => ("…", t.check_not_audited, "check-pending"),
                (None, _) => ("…", t.check_pending, "check-pending"),
            };
            view! {
                <li class=class>
                    <span aria-hidden="true">{mark}" "</span>
                    // not yet audited: the claim is not made, only what the audit is
                    <strong>{if c.ok.is_none() && c.name == CheckName::Audit { t.check_audit_name } else { check_name(c.name, t) }}</strong>": "{state_text}
                    {(!c.detail.is_empty() && c.ok == Some(false)).then(|| view! { <br/><code>{c.detail.clone()}</code> })}
                </li>
            }
        })
        .collect_view();
    let mut record_folded = false;
    let data_rows = v.data.as_ref().and_then(Value::as_object).map(|obj| {
        record_folded |= obj.len() > SHOWN_MEMBERS;
        obj.iter()
            .take(SHOWN_MEMBERS)
            .map(|(k, val)| {
                let (k, k_cut) = folded(k.clone(), 80);
                let (val, cut) = folded(plain(val), SHOWN_CHARS);
                record_folded |= cut || k_cut;
                view! { <div><dt>{k}</dt><dd>{val}</dd></div> }
            })
            .collect_view()
    });
    let full_record = format!("/api/v1/evidence/{id}");
    let total_items = v.items.len();
    let items = v
        .items
        .iter()
        .take(50)
        .enumerate()
        .map(|(n, i)| {
            // each item is a leaf of the items tree: its hash, and its own proof to download
            let leaf = crate::domain::evidence::merkle::leaf_hash(
                &crate::domain::evidence::jcs::canonicalize(i),
            );
            view! {
                <li>
                    <code>{folded(i.to_string(), SHOWN_CHARS).0}</code>
                    <br/><span class="hint">{t.verify_item_hash}" "<code>{leaf.hex()}</code></span>
                    " · "<a href=format!("/api/v1/evidence/{id}/items/{n}/proof")>{t.verify_item_proof}</a>
                </li>
            }
        })
        .collect_view();
    let document_hash = row.document_hash.as_deref().map(EvidenceRow::hash);
    let items_root = row.items_root.as_deref().map(EvidenceRow::hash);
    let data_hash = EvidenceRow::hash(&row.data_hash);
    let link_hash = EvidenceRow::hash(&row.link_hash);
    let inclusion = v.inclusion.clone();
    let note = v.checkpoint.as_ref().map(|c| c.note.clone());
    let anchors = anchor_rows(&v, t);
    let public = v.public;
    let document_link =
        (public && document_hash.is_some()).then(|| format!("/api/v1/evidence/{id}/document"));
    let copy_error = matches!(copy, Some(CopyCheck::NoFile)).then_some(t.copy_no_file);
    let copy_result = match copy {
        Some(CopyCheck::Checked {
            filename,
            hash,
            matches,
        }) => {
            let (class, text) = if matches {
                (
                    "verdict verdict-ok",
                    fill(t.copy_matches, &[("file", &filename)]),
                )
            } else {
                (
                    "verdict verdict-altered",
                    fill(t.copy_differs, &[("file", &filename)]),
                )
            };
            Some(view! {
                <div class=class role="status" id="copy-result">
                    <p class="verdict-label">{text}</p>
                    <p>{t.copy_hash_label}" "<code>{hash.hex()}</code></p>
                </div>
            })
        }
        _ => None,
    };
    let qr_url = format!("{}/v/{}", state.settings.public_url, id);
    let title = fill(t.verify_title, &[("id", &id)]);
    page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=title.clone()>
                <p class="hint"><a href="/v">{t.verify_search_title}</a></p>
                <h1>{t.verify_heading}" "<code class="evidence-id">{id.clone()}</code></h1>
                <div class=verdict_class role="status">
                    <p class="verdict-label"><span aria-hidden="true">{symbol}" "</span>{verdict_title}</p>
                    <p>{verdict_text}</p>
                    {(v.verification.verdict == Verdict::Pending).then(|| view! { <p><a href=format!("/v/{}", id)>{t.verdict_reload}</a></p> })}
                </div>
                {copy_result}
                <details class="explain">
                    <summary>{t.verify_what_summary}</summary>
                    <p>{t.verify_proves}</p>
                    <p>{t.verify_does_not_prove}</p>
                </details>
                <section aria-labelledby="record-title">
                    <h2 id="record-title">{t.verify_record_title}</h2>
                    <dl class="facts">
                        <div><dt>{t.verify_col_kind}</dt><dd><code>{row.kind.clone()}</code></dd></div>
                        <div><dt>{t.verify_col_ref}</dt><dd>{row.reference.clone()}</dd></div>
                        <div><dt>{t.verify_col_source}</dt><dd>{row.source.clone()}</dd></div>
                        <div><dt>{t.verify_col_registered}</dt><dd><time datetime=row.registered_at.clone()>{row.registered_at.clone()}</time></dd></div>
                        <div><dt>{t.verify_col_index}</dt><dd>{row.idx}</dd></div>
                    </dl>
                    {if public {
                        view! {
                            <h3>{t.verify_data_title}</h3>
                            <dl class="facts data">{data_rows}</dl>
                            {record_folded.then(|| view! { <p class="hint">{t.verify_record_folded}</p> })}
                            <p><a href=full_record.clone() type="application/json">{t.verify_record_json}</a></p>
                            {(total_items > 0).then(|| view! {
                                <h3>{fill(t.verify_items_title, &[("count", &total_items)])}</h3>
                                <ol class="items">{items}</ol>
                            })}
                            {document_link.map(|href| view! { <p><a href=href>{t.verify_document_download}</a></p> })}
                        }.into_any()
                    } else {
                        view! { <p>{t.verify_not_public}</p> }.into_any()
                    }}
                </section>
                <section aria-labelledby="hashes-title">
                    <h2 id="hashes-title">{t.verify_hashes_title}</h2>
                    <dl class="facts hashes">
                        <div><dt>{t.hash_data}</dt><dd><code>{data_hash.hex()}</code></dd></div>
                        <div><dt>{t.hash_document}</dt><dd><code>{document_hash.map_or_else(|| t.hash_none.to_string(), |h| h.hex())}</code></dd></div>
                        <div><dt>{t.hash_link}</dt><dd><code>{link_hash.hex()}</code></dd></div>
                        <div><dt>{t.hash_items_root}</dt><dd><code>{items_root.map_or_else(|| t.hash_none.to_string(), |h| h.hex())}</code></dd></div>
                    </dl>
                </section>
                <section aria-labelledby="checks-title">
                    <h2 id="checks-title">{t.verify_checks_title}</h2>
                    <ul class="checks">{checks}</ul>
                </section>
                {document_hash.map(|_| view! {
                    <section aria-labelledby="copy-title" class="narrow">
                        <h2 id="copy-title">{t.copy_title}</h2>
                        <p>{t.copy_intro}</p>
                        <form method="post" action=format!("/v/{}/check#copy-result", id) enctype="multipart/form-data">
                            <CsrfInput ctx=ctx.clone()/>
                            <div class=if copy_error.is_some() { "field field-invalid" } else { "field" }>
                                <label for="copy">{t.copy_label}</label>
                                {copy_error.map(|e| view! { <p class="field-error" id="copy-error">{e}</p> })}
                                <input id="copy" name="copy" type="file" required=true
                                    aria-invalid=copy_error.map(|_| "true") aria-describedby=copy_error.map(|_| "copy-error")/>
                            </div>
                            <button type="submit" class="button">{t.copy_submit}</button>
                        </form>
                    </section>
                })}
                <section aria-labelledby="proof-title">
                    <h2 id="proof-title">{t.verify_proof_title}</h2>
                    {match inclusion {
                        Some(inc) => view! {
                            <dl class="facts">
                                <div><dt>{t.proof_tree_size}</dt><dd>{inc.tree_size}</dd></div>
                                <div><dt>{t.proof_root}</dt><dd><code>{inc.root.hex()}</code></dd></div>
                                <div><dt>{t.proof_path}</dt><dd>
                                    <ol class="path">{inc.path.iter().map(|h| view! { <li><code>{h.hex()}</code></li> }).collect_view()}</ol>
                                </dd></div>
                            </dl>
                            <h3>{t.proof_checkpoint}</h3>
                            <pre class="note">{note.unwrap_or_default()}</pre>
                        }.into_any(),
                        None => view! { <p>{t.proof_pending}</p> }.into_any(),
                    }}
                    <p>
                        <a href=format!("/api/v1/evidence/{}/receipt", id)>{t.verify_receipt}</a>" · "
                        <a href=format!("/api/v1/evidence/{}/proof", id)>{t.verify_tlog_proof}</a>" · "
                        <a href=format!("/api/v1/evidence/{}", id)>{t.verify_json}</a>" · "
                        <a href="/log/key">{t.verify_key_link}</a>
                    </p>
                    <p class="hint">{t.verify_offline_hint}</p>
                </section>
                <section aria-labelledby="anchors-title">
                    <h2 id="anchors-title">{t.verify_anchors_title}</h2>
                    <p>{t.verify_anchors_intro}</p>
                    {anchors}
                </section>
                <section aria-labelledby="qr-title">
                    <h2 id="qr-title">{t.verify_qr_title}</h2>
                    <img class="qr" src=format!("/v/{}/qr.svg", id) width="240" height="240" alt=fill(t.verify_qr_alt, &[("url", &qr_url)])/>
                    <p><a href=format!("/v/{}/qr.png", id) download=format!("minga-{}.png", id)>{t.verify_qr_png}</a>" · "
                       <a href=format!("/v/{}/qr.svg", id) download=format!("minga-{}.svg", id)>{t.verify_qr_svg}</a></p>
                    <p class="hint"><code>{qr_url.clone()}</code></p>
                </section>
                <p><a href=format!("/v?q={}", urlencode(&row.reference))>{t.verify_same_ref}</a></p>
            </Layout>
        },
    )
}
