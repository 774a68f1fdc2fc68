//! `/decisions`: the public register of governance decisions, newest first; each one links to
//! the verification page of its evidence in the log.

use crate::components::{Field, Layout, SelectField, VerifiedBadge};
use crate::domain::atom;
use crate::i18n::{Tr, datetime};
use crate::services::evidence::decisions;
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

const PAGE: i64 = 50;

/// The register's query: paging and filters (by body, kind and date range).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Paging {
    before: Option<i64>,
    body: String,
    event: String,
    from: String,
    to: String,
}

impl Paging {
    fn filter(&self) -> decisions::Filter {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        decisions::Filter {
            body: some(&self.body),
            event: some(&self.event),
            from: day(&self.from),
            to: day(&self.to),
        }
    }

    /// The filters as a query string of their own (`body=…&from=…`), for the feed's links.
    fn filter_query(&self) -> String {
        let q = self.query();
        q.strip_prefix('&').unwrap_or(&q).to_string()
    }

    /// The query string of the filters, for the "older" link.
    fn query(&self) -> String {
        [
            ("body", &self.body),
            ("event", &self.event),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("&{k}={}", crate::web::urlencode(v)))
        .collect()
    }
}

/// The body that took a decision, in the visitor's language.
pub fn body_name(body: &str, t: &'static Tr) -> String {
    match body {
        "administration" => t.body_administration.to_string(),
        "executive-council" => t.body_executive_council.to_string(),
        "advisory-council" => t.body_advisory_council.to_string(),
        "collectives" => t.body_collectives.to_string(),
        "nodes-commission" => t.role_nodes_commission.to_string(),
        "founding-council" => t.body_founding.to_string(),
        other => other.to_string(),
    }
}

/// What kind of decision it is, in the visitor's language.
pub fn event_name(event: &str, t: &'static Tr) -> String {
    match event {
        "collective-created" => t.event_collective_created,
        "collective-request-rejected" => t.event_collective_request_rejected,
        "leader-elected" => t.event_leader_elected,
        "leader-renewed" => t.event_leader_renewed,
        "council-designated" => t.event_council_designated,
        "advisory-admitted" => t.event_advisory_admitted,
        "advisory-renewed" => t.event_advisory_renewed,
        "term-ended" => t.event_term_ended,
        "vote-result" => t.event_vote_result,
        "office-granted" => t.event_office_granted,
        "office-revoked" => t.event_office_revoked,
        "meeting-convened" => t.event_meeting_convened,
        "quorum-established" => t.event_quorum_established,
        "minutes-approved" => t.event_minutes_approved,
        "agreement-opened" => t.event_agreement_opened,
        "agreement-closed" => t.event_agreement_closed,
        "node-forwarded" => t.node_step_forward,
        "node-returned" => t.node_step_return,
        "node-admitted" => t.node_step_admit,
        "node-rejected" => t.node_step_reject,
        "node-suspended" => t.node_step_suspend,
        "node-reinstated" => t.node_step_reinstate,
        "node-retired" => t.node_step_retire,
        "node-imported" => t.node_step_import,
        "project-call-opened" => t.project_event_call_opened,
        "project-selected" => t.project_step_select,
        "project-returned" => t.project_step_return,
        "project-admitted" => t.project_step_admit,
        "project-rejected" => t.project_step_reject,
        "project-phase-changed" => t.project_step_change_phase,
        "project-replanned" => t.project_step_replan,
        "project-closed" => t.project_step_close,
        other => return other.to_string(),
    }
    .to_string()
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(paging): Query<Paging>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let filter = paging.filter();
    let (rows, more) = decisions::recent(&state, paging.before, PAGE, &filter).await?;
    let atom_href = match paging.filter_query() {
        q if q.is_empty() => "/decisions.atom".to_string(),
        q => format!("/decisions.atom?{q}"),
    };
    let (bodies, events) = decisions::facets(&state).await?;
    let older = more
        .then(|| {
            rows.last()
                .map(|d| format!("/decisions?before={}{}", d.id, paging.query()))
        })
        .flatten();
    let all = |label: &'static str| std::iter::once((String::new(), label.to_string()));
    let body_options: Vec<(String, String)> = all(t.decisions_filter_all)
        .chain(bodies.iter().map(|b| (b.clone(), body_name(b, t))))
        .collect();
    let event_options: Vec<(String, String)> = all(t.decisions_filter_all)
        .chain(events.iter().map(|e| (e.clone(), event_name(e, t))))
        .collect();
    let filtered = filter.body.is_some()
        || filter.event.is_some()
        || filter.from.is_some()
        || filter.to.is_some();
    let empty = rows.is_empty();
    let lang = ctx.lang;
    let rows = rows
        .into_iter()
        .map(|d| {
            let title = lang.pick(&d.title_es, &d.title_en);
            let evidence = view! {
                <VerifiedBadge evidence_id=d.evidence_id.clone() t=t/>
                {d.evidence_id.clone().map(|id| view! { <br/><code class="meta">{id}</code> })}
            };
            view! {
                <tr>
                    <td><time datetime=d.decided_at.to_db()>{datetime(d.decided_at.0)}</time></td>
                    <td>{title}</td>
                    <td>{body_name(&d.body, t)}<br/><span class="meta">{event_name(&d.event, t)}</span></td>
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
                <form method="get" action="/decisions" class="filters" role="search" aria-label=t.decisions_filter>
                    <SelectField label=t.decisions_col_body name="body" options=body_options selected=paging.body.clone()/>
                    <SelectField label=t.decisions_filter_event name="event" options=event_options selected=paging.event.clone()/>
                    <Field label=t.decisions_filter_from name="from" kind="date" value=paging.from.clone()/>
                    <Field label=t.decisions_filter_to name="to" kind="date" value=paging.to.clone()/>
                    <button type="submit" class="button">{t.decisions_filter}</button>
                    {filtered.then(|| view! { " "<a href="/decisions">{t.decisions_filter_clear}</a> })}
                </form>
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
                <p><a href=atom_href type="application/atom+xml">{t.feed_decisions}</a></p>
                <crate::pages::open_data::DataLinks t=t lang=ctx.lang page="/decisions"/>
            </Layout>
        },
    ))
}

/// `/decisions.atom`: the register as an Atom feed, narrowed by the page's own filters (the
/// newest decisions first), each entry linking to its evidence's verification page.
pub async fn atom(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(paging): Query<Paging>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let base = state.settings.public_url.trim_end_matches('/').to_string();
    let (rows, _) = decisions::recent(&state, None, PAGE, &paging.filter()).await?;
    let suffix = match paging.filter_query() {
        q if q.is_empty() => q,
        q => format!("?{q}"),
    };
    let entries = rows
        .iter()
        .map(|d| {
            let title = ctx.lang.pick(&d.title_es, &d.title_en);
            let link = match &d.evidence_id {
                Some(id) => format!("{base}/v/{id}"),
                None => format!("{base}/decisions"),
            };
            atom::Entry {
                id: format!("{base}/decisions#decision-{}", d.id),
                summary: format!(
                    "{} · {} · {}",
                    event_name(&d.event, t),
                    body_name(&d.body, t),
                    datetime(d.decided_at.0)
                ),
                title,
                link,
                updated: d.decided_at.0,
                content: None,
                related: None,
            }
        })
        .collect();
    let feed = atom::Feed {
        id: format!("{base}/decisions.atom{suffix}"),
        title: format!("{} · Minga", t.nav_decisions),
        self_link: format!("{base}/decisions.atom{suffix}"),
        alternate: format!("{base}/decisions{suffix}"),
        lang: ctx.lang.code(),
        entries,
    };
    Ok(atom_response(feed.render(chrono::Utc::now())))
}

/// An Atom document, as any feed reader asks for it.
pub fn atom_response(xml: String) -> Response {
    use axum::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_TYPE};
    use axum::response::IntoResponse;
    (
        [
            (CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=300"),
            (ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        xml,
    )
        .into_response()
}
