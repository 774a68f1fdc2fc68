//! `/integrity`: the integrity audit's latest result, progress while it runs, its findings, its
//! history, and the log's current state.

use crate::components::Layout;
use crate::i18n::{datetime, fill};
use crate::services::evidence::{integrity, store};
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let runs = integrity::latest_runs(&state.db, 20).await?;
    let findings = match runs.iter().find(|r| r.status != "running") {
        Some(run) => integrity::findings_of(&state.db, run.id).await?,
        None => Vec::new(),
    };
    let head = state.log.head();
    let checkpoint = store::latest_checkpoint(&state.db).await?;
    let status_text = |status: &str| match status {
        "clean" => t.integrity_status_clean,
        "altered" => t.integrity_status_altered,
        "running" => t.integrity_status_running,
        _ => t.integrity_status_failed,
    };
    let current = runs.iter().find(|r| r.status != "running").cloned();
    let running = runs.first().filter(|r| r.status == "running").cloned();
    let banner = match &current {
        Some(run) if run.status == "altered" => view! {
            <div class="verdict verdict-altered" role="status">
                <p class="verdict-label">"✗ "{t.integrity_status_altered}</p>
                <p>{t.integrity_altered_text}</p>
                <p class="hint">{datetime(run.finished_at.unwrap_or(run.started_at).0)}" — "{run.summary.clone()}</p>
            </div>
        }
        .into_any(),
        Some(run) if run.status == "clean" => view! {
            <div class="verdict verdict-ok" role="status">
                <p class="verdict-label">"✓ "{t.integrity_status_clean}</p>
                <p>{fill(t.integrity_clean_text, &[("entries", &run.checked), ("checkpoints", &run.checkpoints)])}</p>
                <p class="hint">{datetime(run.finished_at.unwrap_or(run.started_at).0)}</p>
            </div>
        }
        .into_any(),
        Some(run) => view! {
            <div class="verdict verdict-pending" role="status"><p class="verdict-label">{t.integrity_status_failed}</p><p>{run.summary.clone()}</p></div>
        }
        .into_any(),
        None => view! { <div class="verdict verdict-pending" role="status"><p>{t.integrity_never_run}</p></div> }.into_any(),
    };
    let progress = running.map(|r| {
        let total = r.total.max(1);
        let percent = r.checked * 100 / total;
        view! {
            <p>
                <label for="audit-progress">{fill(t.integrity_progress, &[("checked", &r.checked), ("total", &r.total)])}</label>" "
                <progress id="audit-progress" max=r.total.to_string() value=r.checked.to_string()>{format!("{percent} %")}</progress>
            </p>
        }
    });
    let no_findings = findings.is_empty();
    let no_history = runs.is_empty();
    let finding_rows = findings
        .into_iter()
        .map(|f| {
            let range = match (f.evidence_idx, f.until_idx) {
                (Some(a), Some(b)) if a == b => a.to_string(),
                (Some(a), Some(b)) => format!("{a}–{b}"),
                _ => "—".into(),
            };
            view! { <tr><td>{range}</td><td><code>{f.kind}</code></td><td>{f.detail}</td></tr> }
        })
        .collect_view();
    let history = runs
        .into_iter()
        .map(|r| {
            view! {
                <tr>
                    <td>{datetime(r.started_at.0)}</td>
                    <td>{status_text(&r.status)}</td>
                    <td>{format!("{}/{}", r.checked, r.total)}</td>
                    <td>{r.checkpoints}</td>
                </tr>
            }
        })
        .collect_view();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.integrity_title>
                <h1>{t.integrity_title}</h1>
                <p>{t.integrity_intro}</p>
                {banner}
                {progress}
                <section aria-labelledby="log-state">
                    <h2 id="log-state">{t.integrity_log_title}</h2>
                    <dl class="facts">
                        <div><dt>{t.integrity_entries}</dt><dd>{head.size}</dd></div>
                        <div><dt>{t.proof_root}</dt><dd><code>{head.root.hex()}</code></dd></div>
                        <div><dt>{t.proof_checkpoint}</dt><dd><a href="/log/checkpoint">{checkpoint.map(|c| fill(t.integrity_checkpoint_of, &[("size", &c.tree_size), ("when", &datetime(c.signed_at.0))])).unwrap_or_default()}</a></dd></div>
                        <div><dt>{t.footer_verifier_key}</dt><dd><a href="/log/key"><code>{state.log.key.verifier_key().to_string()}</code></a></dd></div>
                    </dl>
                </section>
                <section aria-labelledby="findings-title">
                    <h2 id="findings-title">{t.integrity_findings_title}</h2>
                    {no_findings.then(|| view! { <p>{t.integrity_findings_none}</p> })}
                    {(!no_findings).then(|| view! {
                        <div class="table-scroll" role="region" aria-labelledby="findings-title" tabindex="0">
                            <table>
                                <thead><tr><th scope="col">{t.integrity_col_entries}</th><th scope="col">{t.integrity_col_kind}</th><th scope="col">{t.integrity_col_detail}</th></tr></thead>
                                <tbody>{finding_rows}</tbody>
                            </table>
                        </div>
                    })}
                </section>
                <section aria-labelledby="history-title">
                    <h2 id="history-title">{t.integrity_history_title}</h2>
                    {no_history.then(|| view! { <p>{t.integrity_history_none}</p> })}
                    {(!no_history).then(|| view! {
                        <div class="table-scroll" role="region" aria-labelledby="history-title" tabindex="0">
                            <table>
                                <thead><tr><th scope="col">{t.col_when}</th><th scope="col">{t.col_state}</th><th scope="col">{t.integrity_entries}</th><th scope="col">{t.integrity_checkpoints}</th></tr></thead>
                                <tbody>{history}</tbody>
                            </table>
                        </div>
                    })}
                </section>
            </Layout>
        },
    ))
}
