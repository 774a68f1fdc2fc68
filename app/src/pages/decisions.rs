//! `/decisions`: the public register of governance decisions, newest first; each one links to
//! the verification page of its evidence in the log.

use crate::components::Layout;
use crate::i18n::{Lang, Tr, datetime};
use crate::services::evidence::decisions;
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

const PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct Paging {
    #[serde(default)]
    before: Option<i64>,
}

/// The body that took a decision, in the visitor's language.
pub fn body_name(body: &str, t: &'static Tr) -> String {
    match body {
        "administration" => t.body_administration.to_string(),
        "executive-council" => t.body_executive_council.to_string(),
        "advisory-council" => t.body_advisory_council.to_string(),
        other => other.to_string(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(paging): Query<Paging>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let (rows, more) = decisions::recent(&state, paging.before, PAGE).await?;
    let older = more
        .then(|| rows.last().map(|d| format!("/decisions?before={}", d.id)))
        .flatten();
    let empty = rows.is_empty();
    let lang = ctx.lang;
    let rows = rows
        .into_iter()
        .map(|d| {
            let title = match lang {
                Lang::Es => d.title_es.clone(),
                Lang::En => d.title_en.clone(),
            };
            let evidence = match &d.evidence_id {
                Some(id) => view! { <a href=format!("/v/{id}")>{id.clone()}</a> }.into_any(),
                None => view! { <span class="pending">{t.decisions_pending}</span> }.into_any(),
            };
            view! {
                <tr>
                    <td><time datetime=d.decided_at.to_db()>{datetime(d.decided_at.0)}</time></td>
                    <td>{title}</td>
                    <td>{body_name(&d.body, t)}</td>
                    <td><code>{d.reference}</code></td>
                    <td>{evidence}</td>
                </tr>
            }
        })
        .collect_view();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.decisions_title>
                <h1>{t.decisions_title}</h1>
                <p>{t.decisions_intro}</p>
                {empty.then(|| view! { <p>{t.decisions_none}</p> })}
                <div class="table-scroll" role="region" aria-label=t.decisions_title tabindex="0">
                    <table>
                        <thead><tr>
                            <th scope="col">{t.col_when}</th>
                            <th scope="col">{t.decisions_col_decision}</th>
                            <th scope="col">{t.decisions_col_body}</th>
                            <th scope="col">{t.verify_col_ref}</th>
                            <th scope="col">{t.decisions_col_evidence}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                {older.map(|href| view! { <p><a href=href>{t.decisions_older}</a></p> })}
            </Layout>
        },
    ))
}
