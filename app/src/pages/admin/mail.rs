//! `/admin/mail`: the outbox — what the portal has sent, what waits (and why), what a relay
//! refused for good.

use crate::components::Layout;
use crate::domain::roles::Role;
use crate::i18n::{datetime, fill};
use crate::services::mail;
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

/// Rows shown at once (the newest).
const LIMIT: i64 = 200;

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    pub status: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    ctx.require_role(&[Role::Administrator])?;
    let t = ctx.t();
    let status = ["queued", "sent", "failed"]
        .into_iter()
        .find(|s| *s == filter.status);
    let counts = mail::counts(&state.db).await?;
    let entries = mail::recent(&state.db, status, LIMIT).await?;
    let empty = entries.is_empty();
    let relay = match &state.settings.smtp_url {
        Some(url) => view! {
            <p>{fill(t.mail_admin_relay, &[("relay", &url.redacted()), ("from", &state.settings.mail_from)])}</p>
        }
        .into_any(),
        None => view! { <p role="status"><strong>{t.mail_admin_unconfigured}</strong></p> }
            .into_any(),
    };
    let state_label = |s: &str| match s {
        "sent" => t.mail_status_sent,
        "failed" => t.mail_status_failed,
        _ => t.mail_status_queued,
    };
    let tab = |href: &'static str, label: String, current: bool| {
        view! { <a href=href aria-current=current.then_some("page")>{label}</a> }
    };
    let total = counts.queued + counts.sent + counts.failed;
    let tabs = view! {
        <nav aria-label=t.mail_filter_label>
            <p>
                {tab("/admin/mail", fill(t.mail_filter_all, &[("count", &total)]), status.is_none())}" · "
                {tab("/admin/mail?status=queued", fill(t.mail_filter_queued, &[("count", &counts.queued)]), status == Some("queued"))}" · "
                {tab("/admin/mail?status=sent", fill(t.mail_filter_sent, &[("count", &counts.sent)]), status == Some("sent"))}" · "
                {tab("/admin/mail?status=failed", fill(t.mail_filter_failed, &[("count", &counts.failed)]), status == Some("failed"))}
            </p>
        </nav>
    };
    let rows = entries
        .into_iter()
        .map(|e| {
            let recipient = if e.to_name.is_empty() {
                e.to_address.clone()
            } else {
                format!("{} <{}>", e.to_name, e.to_address)
            };
            let label = state_label(&e.status);
            let state_cell = match e.status.as_str() {
                "sent" => view! { <span class="check-ok"><span>"✓ "</span>{label}</span> }.into_any(),
                "failed" => view! { <span class="check-failed">"✗ "{label}</span> }.into_any(),
                _ => {
                    let next = fill(t.mail_next_attempt, &[("at", &datetime(e.next_attempt_at.0))]);
                    view! { <span class="badge badge-pending">{label}</span><br/><small>{next}</small> }.into_any()
                }
            };
            view! {
                <tr id=format!("mail-{}", e.id) data-status=e.status.clone()>
                    <td>{recipient}</td>
                    <td>{e.subject}</td>
                    <td><code>{e.topic}</code></td>
                    <td>{state_cell}</td>
                    <td>{e.attempts}</td>
                    <td>{(!e.last_error.is_empty()).then(|| view! { <code>{e.last_error.clone()}</code> })}</td>
                    <td>{e.sent_at.map(|at| datetime(at.0)).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.mail_admin_title>
                <h1>{t.mail_admin_title}</h1>
                <p>{t.mail_admin_intro}</p>
                {relay}
                {tabs}
                {empty.then(|| view! { <p>{t.mail_admin_empty}</p> })}
                <div class="table-scroll" role="region" aria-label=t.mail_admin_title tabindex="0">
                    <table>
                        <caption>{fill(t.mail_admin_newest, &[("count", &LIMIT)])}</caption>
                        <thead><tr>
                            <th scope="col">{t.mail_col_recipient}</th>
                            <th scope="col">{t.mail_col_subject}</th>
                            <th scope="col">{t.mail_col_topic}</th>
                            <th scope="col">{t.mail_col_state}</th>
                            <th scope="col">{t.mail_col_attempts}</th>
                            <th scope="col">{t.mail_col_last_error}</th>
                            <th scope="col">{t.mail_col_sent_at}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </Layout>
        },
    ))
}
