//! `/account/sessions`: one's open sessions (when each began and was last used, from which
//! address and browser), ending any of them or every other one.

use crate::components::{CsrfInput, Layout, Notice};
use crate::i18n::{Tr, datetime, fill};
use crate::services::sessions::{self, Ending, OpenSession};
use crate::web::{CsrfForm, Ctx, NoFields, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SessionsQuery {
    ended: String,
}

/// A browser's description, shortened to what a person recognises ("Firefox on Linux").
fn device(user_agent: &str, t: &'static Tr) -> String {
    let ua = user_agent.to_ascii_lowercase();
    let browser = [
        ("edg/", "Edge"),
        ("opr/", "Opera"),
        ("firefox/", "Firefox"),
        ("chromium/", "Chromium"),
        ("chrome/", "Chrome"),
        ("safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .into_iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| name);
    let system = [
        ("android", "Android"),
        ("iphone", "iOS"),
        ("ipad", "iPadOS"),
        ("windows", "Windows"),
        ("mac os", "macOS"),
        ("linux", "Linux"),
    ]
    .into_iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(b), Some(s)) => fill(t.sessions_device, &[("browser", &b), ("system", &s)]),
        (Some(one), None) | (None, Some(one)) => one.to_string(),
        (None, None) if user_agent.trim().is_empty() => t.sessions_unknown_device.to_string(),
        (None, None) => user_agent.chars().take(60).collect(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SessionsQuery>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    let ctx = ctx.clone();
    let t = ctx.t();
    let open = sessions::open_of(&state.db, &who).await?;
    let current = who.session_id();
    let notice = q
        .ended
        .parse::<u64>()
        .ok()
        .map(|n| fill(t.sessions_ended, &[("n", &n)]));
    let others = open.iter().filter(|s| Some(s.id) != current).count();
    let rows = open
        .iter()
        .map(|s: &OpenSession| {
            let this = Some(s.id) == current;
            let action = format!("/account/sessions/{}/end", s.id);
            view! {
                <tr>
                    <th scope="row">
                        {device(&s.user_agent, t)}
                        {this.then(|| view! { " " <strong>{t.sessions_this}</strong> })}
                    </th>
                    <td>{s.ip.clone()}</td>
                    <td>{datetime(s.created_at.0)}</td>
                    <td>{datetime(s.last_seen_at.0)}</td>
                    <td>
                        <form method="post" action=action class="inline-form">
                            <CsrfInput ctx=ctx.clone()/>
                            <button type="submit" class="button secondary">
                                {if this { t.sessions_end_this } else { t.sessions_end }}
                            </button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.sessions_title>
                <p><a href="/account">{t.account_title}</a></p>
                <h1>{t.sessions_title}</h1>
                {notice.map(|n| view! { <Notice text=n/> })}
                <p>{t.sessions_intro}</p>
                <div class="table-scroll" role="region" aria-labelledby="sessions-caption" tabindex="0">
                    <table>
                        <caption id="sessions-caption">{t.sessions_caption}</caption>
                        <thead><tr>
                            <th scope="col">{t.sessions_col_device}</th>
                            <th scope="col">{t.sessions_col_ip}</th>
                            <th scope="col">{t.sessions_col_started}</th>
                            <th scope="col">{t.sessions_col_seen}</th>
                            <th scope="col">{t.sessions_col_action}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                {(others > 0).then(|| view! {
                    <form method="post" action="/account/sessions/end-others">
                        <CsrfInput ctx=ctx.clone()/>
                        <button type="submit" class="button">{fill(t.sessions_end_others, &[("n", &others)])}</button>
                    </form>
                })}
            </Layout>
        },
    ))
}

pub async fn end_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    let ended = sessions::end_own(&state.db, &who, Ending::One(id), &ctx.actor()).await?;
    if who.session_id() == Some(id) {
        // this very session: signed out
        return Ok(redirect("/login"));
    }
    Ok(redirect(&format!("/account/sessions?ended={ended}")))
}

pub async fn end_others(
    State(state): State<AppState>,
    ctx: Ctx,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    let ended = sessions::end_own(&state.db, &who, Ending::AllOthers, &ctx.actor()).await?;
    Ok(redirect(&format!("/account/sessions?ended={ended}")))
}
