//! `/search`: one search box over the public records (see `services::search`), the results
//! grouped by kind, each with the text around the words found, marked.

use crate::i18n::{Tr, fill};
use crate::services::search::{self, Hit, KINDS};
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
}

fn kind_name(kind: &str, t: &'static Tr) -> &'static str {
    match kind {
        "decision" => t.search_kind_decision,
        "meeting" => t.search_kind_meeting,
        "minutes" => t.search_kind_minutes,
        "agreement" => t.search_kind_agreement,
        "project" => t.search_kind_project,
        "node" => t.search_kind_node,
        "collective" => t.search_kind_collective,
        "institution" => t.search_kind_institution,
        _ => t.search_kind_evidence,
    }
}

/// The snippet with the words found in `<mark>`, everything else as text.
fn marked(snippet: &str) -> impl IntoView + use<> {
    let mut parts = Vec::new();
    for (n, piece) in snippet.split('\u{2}').enumerate() {
        match piece.split_once('\u{3}') {
            Some((found, rest)) if n > 0 => {
                parts.push(view! { <mark>{found.to_string()}</mark> }.into_any());
                parts.push(rest.to_string().into_any());
            }
            _ => parts.push(piece.replace('\u{3}', "").into_any()),
        }
    }
    parts
}

/// The form, also used on the home page.
#[component]
pub fn SearchBox(t: &'static Tr, #[prop(into)] value: String) -> impl IntoView {
    view! {
        <form method="get" action="/search" class="search-form" role="search" aria-label=t.search_title>
            <div class="field">
                <label for="search-q">{t.search_label}</label>
                <input id="search-q" name="q" type="search" value=value autocomplete="off"/>
            </div>
            <button type="submit" class="button">{t.search_submit}</button>
        </form>
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let text = q.q.trim().chars().take(200).collect::<String>();
    let hits = if text.is_empty() {
        Vec::new()
    } else {
        search::search(&state, &text, 200).await?
    };
    let groups = KINDS
        .iter()
        .filter_map(|kind| {
            let mine: Vec<&Hit> = hits.iter().filter(|h| h.kind == *kind).collect();
            if mine.is_empty() {
                return None;
            }
            let id = format!("found-{kind}");
            let labelled = id.clone();
            let heading = format!("{} ({})", kind_name(kind, t), mine.len());
            let items = mine
                .into_iter()
                .map(|h| {
                    view! {
                        <li>
                            <a href=h.url.clone()>{h.title.clone()}</a>
                            <p class="hint">{marked(&h.snippet)}</p>
                        </li>
                    }
                })
                .collect_view();
            Some(view! {
                <section aria-labelledby=labelled>
                    <h3 id=id>{heading}</h3>
                    <ul>{items}</ul>
                </section>
            })
        })
        .collect_view();
    let searched = !text.is_empty();
    let nothing = searched && hits.is_empty();
    let heading = fill(t.search_found, &[("query", &text)]);
    Ok(page(
        StatusCode::OK,
        view! {
            <crate::components::Layout ctx=ctx.clone() title=t.search_title>
                <h1>{t.search_title}</h1>
                <p>{t.search_intro}</p>
                <SearchBox t=t value=text.clone()/>
                {searched.then(|| view! { <h2>{heading}</h2> })}
                {nothing.then(|| view! { <p>{t.search_none}</p> })}
                {groups}
            </crate::components::Layout>
        },
    ))
}
