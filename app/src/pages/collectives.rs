//! `/collectives`: the network's collectives with their leaders; `/collectives/{slug}`: one
//! collective — leaders and their terms, members by seniority, nodes, open calls, history — and,
//! for its leaders and the Executive Secretary, the renewal vote of a leader's term.

use crate::components::{CsrfInput, ErrorSummary, FormErrors, Layout, VerifiedBadge, term_text};
use crate::domain::governance::leaders_short;
use crate::domain::roles::Role;
use crate::i18n::{fill, role_name};
use crate::pages::refused_form;
use crate::services::authority::Steward;
use crate::services::{calls, network, seats, votes};
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Days, Utc};
use leptos::prelude::*;
use serde::Deserialize;

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let today = Utc::now().date_naive();
    let overview = network::overview(&state.db).await?;
    let holders = seats::holders_on(&state.db, today).await?;
    let open_calls = calls::list(&state.db, None).await?;
    let cards = overview
        .collectives
        .into_iter()
        .map(|c| {
            let leaders = holders
                .iter()
                .filter(|h| h.role() == Some(Role::CollectiveLeader) && h.collective_id == Some(c.id))
                .map(|h| {
                    view! {
                        <li>
                            <strong>{h.full_name.clone()}</strong>
                            {h.institution.clone().map(|i| format!(" — {i}"))}
                            " · "{term_text(h, t)}" "
                            <VerifiedBadge evidence_id=h.evidence_id.clone() t=t/>
                        </li>
                    }
                })
                .collect_view();
            let calls_open = open_calls
                .iter()
                .filter(|k| k.collective_id == c.id && k.accepts_candidacies(today))
                .count();
            let count = holders
                .iter()
                .filter(|h| h.role() == Some(Role::CollectiveLeader) && h.collective_id == Some(c.id))
                .count();
            let short = leaders_short(count, &state.settings.governance).map(|missing| {
                fill(t.gov_leaders_short, &[("count", &count), ("min", &state.settings.governance.leaders_min), ("missing", &missing)])
            });
            let name = lang.pick(&c.name_es, &c.name_en);
            view! {
                <article class="card" aria-labelledby=format!("c-{}", c.slug)>
                    <h2 id=format!("c-{}", c.slug)><a href=format!("/collectives/{}", c.slug)>{name}</a></h2>
                    <p>{lang.pick(&c.description_es, &c.description_en)}</p>
                    <p class="meta">{crate::i18n::fill(t.gov_members_count, &[
                        ("institutions", &t.gov_members_institutions.fill(c.institutions, &[])),
                        ("individuals", &t.gov_members_individuals.fill(c.individuals, &[])),
                    ])}</p>
                    <h3>{t.gov_leaders}</h3>
                    <ul class="plain">{leaders}</ul>
                    {short.map(|s| view! { <p class="flag">{s}</p> })}
                    {(calls_open > 0).then(|| view! { <p><a href="/calls">{t.gov_call_open_badge}</a></p> })}
                </article>
            }
        })
        .collect_view();
    let may_request = ctx.user.is_some();
    let sees_requests = ctx.is(Role::ExecutiveSecretary) || ctx.is(Role::Administrator);
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.gov_collectives_title>
                <h1>{t.gov_collectives_title}</h1>
                <p>{t.gov_collectives_intro}</p>
                <div class="cards">{cards}</div>
                <p>
                    <a href="/calls">{t.gov_calls_title}</a>" · "
                    <a href="/councils">{t.gov_councils_title}</a>
                    {may_request.then(|| view! { " · " <a href="/collectives/request">{t.gov_request_title}</a> })}
                    {sees_requests.then(|| view! { " · " <a href="/collectives/requests">{t.gov_requests_title}</a> })}
                </p>
                <crate::pages::open_data::DataLinks t=t lang=ctx.lang page="/collectives"/>
            </Layout>
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    render(&state, &ctx, &slug, FormErrors::default(), StatusCode::OK).await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RenewalForm {
    office_id: String,
    closes_on: String,
}

/// Who may put a leader's renewal to the members: the collective's leaders, the Executive
/// Secretary, the administrator.
fn may_open_renewal(ctx: &Ctx, leads: bool) -> bool {
    leads || ctx.is(Role::ExecutiveSecretary) || ctx.is(Role::Administrator)
}

pub async fn open_renewal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<RenewalForm>,
) -> Result<Response, AppError> {
    let collective = network::collective(&state.db, &slug).await?;
    let steward = Steward::of(&state.db, ctx.user.as_ref(), collective.id).await?;
    // the service opens renewals of this collective's leaders only
    let office_id: i64 = form.office_id.parse().map_err(|_| AppError::NotFound)?;
    match votes::open_renewal(&state, &steward, office_id, &form.closes_on, &ctx.actor()).await {
        Ok(id) => Ok(redirect(&format!("/votes/{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(&state, &ctx, &slug, refused.errors.clone(), refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let t = ctx.t();
    let lang = ctx.lang;
    let today = Utc::now().date_naive();
    let c = network::collective(&state.db, slug).await?;
    let members = network::members(&state.db, c.id).await?;
    let holders = seats::holders_on(&state.db, today).await?;
    let history = seats::history(&state.db, c.id).await?;
    let collective_calls = calls::list(&state.db, Some(c.id)).await?;
    let collective_nodes = crate::services::nodes::on_network(&state.db, Some(c.id)).await?;
    let in_operation = collective_nodes
        .iter()
        .any(|n| n.status == crate::domain::nodes::NodeStatus::Admitted);
    let node_items = collective_nodes
        .iter()
        .filter(|n| n.status != crate::domain::nodes::NodeStatus::Retired)
        .map(|n| {
            view! {
                <li>
                    <a href=format!("/network/nodes/{}", n.id)>{n.name.clone()}</a>
                    " — "{n.operator_name()}" · "{crate::pages::nodes::type_name(n.node_type, t)}
                    " · "{crate::pages::nodes::status_name(n.status, t)}
                </li>
            }
        })
        .collect_view();
    let leaders: Vec<_> = holders
        .iter()
        .filter(|h| h.collective_id == Some(c.id))
        .cloned()
        .collect();
    let leads = ctx.user.as_ref().is_some_and(|u| {
        leaders
            .iter()
            .any(|h| h.person_id == u.person_id && h.role() == Some(Role::CollectiveLeader))
    });
    let can_renew = ctx.user.is_some() && may_open_renewal(&ctx, leads);
    // a term already being voted on links to its vote instead of offering another
    let renewals = votes::open_renewals(&state.db).await?;
    let leader_count = leaders
        .iter()
        .filter(|h| h.role() == Some(Role::CollectiveLeader))
        .count();
    let short = leaders_short(leader_count, &state.settings.governance).map(|missing| {
        fill(
            t.gov_leaders_short,
            &[
                ("count", &leader_count),
                ("min", &state.settings.governance.leaders_min),
                ("missing", &missing),
            ],
        )
    });
    let default_close = (today + Days::new(14)).to_string();
    let seat_rows = leaders
        .iter()
        .map(|h| {
            let role = h.role().map_or(h.role.clone(), |r| role_name(r, t).to_string());
            let open_vote = renewals.get(&h.office_id).copied();
            let renew = (can_renew && h.role() == Some(Role::CollectiveLeader)).then(|| {
                let ctx = ctx.clone();
                if let Some(vote) = open_vote {
                    return view! {
                        <a href=format!("/votes/{vote}")>{t.gov_renewal_in_vote}</a>
                    }
                    .into_any();
                }
                let id = format!("renew-close-{}", h.office_id);
                view! {
                    <form method="post" action=format!("/collectives/{}/renewals", c.slug) class="inline-form">
                        <CsrfInput ctx=ctx/>
                        <input type="hidden" name="office_id" value=h.office_id.to_string()/>
                        <label for=id.clone()>{t.gov_renewal_closes}</label>
                        <input id=id type="date" name="closes_on" value=default_close.clone() required=true/>
                        <button type="submit" class="button button-secondary">{t.gov_renewal_open}</button>
                    </form>
                }
                .into_any()
            });
            view! {
                <tr>
                    <th scope="row">{h.full_name.clone()}</th>
                    <td>{role}</td>
                    <td>{h.institution.clone().unwrap_or_default()}</td>
                    <td>{term_text(h, t)}</td>
                    <td><VerifiedBadge evidence_id=h.evidence_id.clone() t=t/></td>
                    {can_renew.then(|| view! { <td>{renew}</td> })}
                </tr>
            }
        })
        .collect_view();
    let (no_leaders, no_members, no_history) =
        (leaders.is_empty(), members.is_empty(), history.is_empty());
    let member_rows = members
        .into_iter()
        .map(|m| {
            let kind = if m.institution {
                t.gov_member_institution
            } else {
                t.gov_member_individual
            };
            view! {
                <tr>
                    <th scope="row">{m.name}</th>
                    <td>{kind}</td>
                    <td>{m.since.format("%Y-%m-%d").to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    let call_items = collective_calls
        .iter()
        .map(|k| {
            let state_text = if k.accepts_candidacies(today) {
                t.gov_call_state_open
            } else if k.status == "decided" {
                t.gov_call_state_decided
            } else {
                t.gov_call_state_closed
            };
            view! {
                <li><a href=format!("/calls/{}", k.id)>{t.gov_call_line.fill(k.seats, &[("closes", &k.closes_on)])}</a>" — "{state_text}</li>
            }
        })
        .collect_view();
    let history_rows = history
        .iter()
        .map(|h| {
            let role = h
                .role()
                .map_or(h.role.clone(), |r| role_name(r, t).to_string());
            let state_text = if h.revoked_at.is_some() {
                t.offices_state_revoked
            } else if h.ends_on.is_some_and(|e| e < today) {
                t.offices_state_ended
            } else if h.starts_on > today {
                t.offices_state_upcoming
            } else {
                t.offices_state_active
            };
            view! {
                <tr>
                    <th scope="row">{h.full_name.clone()}</th>
                    <td>{role}</td>
                    <td>{term_text(h, t)}</td>
                    <td>{state_text}</td>
                    <td><VerifiedBadge evidence_id=h.evidence_id.clone() t=t/></td>
                </tr>
            }
        })
        .collect_view();
    let name = lang.pick(&c.name_es, &c.name_en);
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=name.clone()>
                <p><a href="/collectives">{t.gov_collectives_title}</a></p>
                <h1>{name.clone()}</h1>
                <p>{lang.pick(&c.description_es, &c.description_en)}</p>
                <ErrorSummary errors=errors t=t/>
                <h2>{t.gov_leaders_and_seats}</h2>
                {no_leaders.then(|| view! { <p>{t.gov_leaders_none}</p> })}
                <div class="table-scroll" role="region" aria-label=t.gov_leaders_and_seats tabindex="0" hidden=no_leaders>
                    <table>
                        <thead><tr>
                            <th scope="col">{t.gov_col_person}</th>
                            <th scope="col">{t.gov_col_seat}</th>
                            <th scope="col">{t.gov_col_institution}</th>
                            <th scope="col">{t.gov_col_term}</th>
                            <th scope="col">{t.decisions_col_evidence}</th>
                            {can_renew.then(|| view! { <th scope="col">{t.gov_renewal_col}</th> })}
                        </tr></thead>
                        <tbody>{seat_rows}</tbody>
                    </table>
                </div>
                {short.map(|s| view! { <p class="flag" role="status">{s}</p> })}
                <h2>{t.gov_members}</h2>
                {no_members.then(|| view! { <p>{t.gov_members_none}</p> })}
                <div class="table-scroll" role="region" aria-label=t.gov_members tabindex="0" hidden=no_members>
                    <table>
                        <thead><tr>
                            <th scope="col">{t.gov_col_member}</th>
                            <th scope="col">{t.gov_col_kind}</th>
                            <th scope="col">{t.gov_col_since}</th>
                        </tr></thead>
                        <tbody>{member_rows}</tbody>
                    </table>
                </div>
                <h2>{t.node_collective_nodes}</h2>
                {(!in_operation).then(|| view! { <p class="flag" role="status">{t.node_collective_no_node}</p> })}
                <ul>{node_items}</ul>
                <h2>{t.gov_calls_title}</h2>
                {collective_calls.is_empty().then(|| view! { <p>{t.gov_calls_none}</p> })}
                <ul>{call_items}</ul>
                <h2>{t.gov_history}</h2>
                {no_history.then(|| view! { <p>{t.gov_history_none}</p> })}
                <div class="table-scroll" role="region" aria-label=t.gov_history tabindex="0" hidden=no_history>
                    <table>
                        <thead><tr>
                            <th scope="col">{t.gov_col_person}</th>
                            <th scope="col">{t.gov_col_seat}</th>
                            <th scope="col">{t.gov_col_term}</th>
                            <th scope="col">{t.col_state}</th>
                            <th scope="col">{t.decisions_col_evidence}</th>
                        </tr></thead>
                        <tbody>{history_rows}</tbody>
                    </table>
                </div>
            </Layout>
        },
    ))
}
