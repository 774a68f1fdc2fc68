//! `/network`: the admitted nodes of the network by collective, with the lists Besu loads;
//! `/network/nodes/{id}`: one node, its history with each decision's verification, and for the
//! nodes commission the form that suspends, reinstates or retires it.

use super::health::{number, percent, state_word};
use super::{collective_name, status_name, step_name, type_name};
use crate::components::{CsrfInput, ErrorSummary, FormErrors, Layout, TextArea, VerifiedBadge};
use crate::domain::nodes::{NodeStatus, NodeStep};
use crate::i18n::{datetime, fill};
use crate::pages::refused_form;
use crate::services::authority::NodeEvaluator;
use crate::services::nodes::capital::CapitalForm;
use crate::services::nodes::{self, admission, exports, health};
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let all = nodes::on_network(&state.db, None).await?;
    let change = exports::last_change(&state.db).await?;
    let signed_in = ctx.user.is_some();
    let reviewer = ctx.user.as_ref().is_some_and(|u| {
        use crate::domain::roles::Role;
        [
            Role::CollectiveLeader,
            Role::NodesCommission,
            Role::ExecutiveSecretary,
            Role::Administrator,
        ]
        .iter()
        .any(|r| u.has(*r))
    });
    let ids = crate::services::nodes::kept::in_operation(&all);
    let figures = crate::services::nodes::kept::figures_kept(
        &state,
        &ids,
        chrono::Utc::now(),
        health::Reach::Day,
    )
    .await?;
    let head = figures
        .values()
        .filter_map(|h| Some(h.block? + h.lag?))
        .max();
    let mut by_collective: BTreeMap<String, usize> = BTreeMap::new();
    for n in all.iter().filter(|n| n.status != NodeStatus::Retired) {
        *by_collective.entry(collective_name(n, lang)).or_default() += 1;
    }
    let counts = by_collective
        .into_iter()
        .map(|(c, n)| view! { <li>{c}": "{t.node_count.fill(n as i64, &[])}</li> })
        .collect_view();
    let rows = all
        .iter()
        .map(|n| {
            let h = figures.get(&n.id);
            view! {
                <tr>
                    <td><a href=format!("/network/nodes/{}", n.id)>{n.name.clone()}</a></td>
                    <td><a href=format!("/collectives/{}", n.collective_slug)>{collective_name(n, lang)}</a></td>
                    <td>{n.operator_name()}</td>
                    <td>{type_name(n.node_type, t)}</td>
                    <td>{status_name(n.status, t)}{h.filter(|h| h.proposes_too_little).map(|_| view! { <br/><span class="flag">{t.node_proposes_too_little_short}</span> })}</td>
                    <td>{if n.status == NodeStatus::Admitted { state_word(h, t) } else { "—" }}</td>
                    <td>{number(h.and_then(|h| h.lag))}</td>
                    <td>{number(h.and_then(|h| h.peers))}</td>
                    <td>{number(h.and_then(|h| h.latency_ms))}</td>
                    <td>{percent(h.and_then(|h| h.availability_24h))}</td>
                    <td>{h.and_then(|h| h.client.clone()).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = all.is_empty();
    let changed = change.at.map(|at| {
        view! {
            <p>
                {fill(t.node_network_changed, &[("at", &datetime(at.0))])}" "
                {change.evidence_id.clone().map(|id| view! { <a href=format!("/v/{id}")>{t.node_network_changed_by}</a> })}
            </p>
        }
    });
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.node_network_title>
                <h1>{t.node_network_title}</h1>
                <p>{t.node_network_intro}</p>
                {head.map(|b| view! { <p>{fill(t.node_head, &[("block", &b)])}</p> })}
                {signed_in.then(|| view! { <p><a class="button" href="/network/requests/new">{t.node_network_request}</a></p> })}
                {reviewer.then(|| view! { <p><a href="/network/requests">{t.node_network_requests}</a></p> })}
                {(!empty).then(|| view! {
                    <h2>{t.node_network_by_collective}</h2>
                    <ul>{counts}</ul>
                })}
                {if empty {
                    view! { <p>{t.node_network_empty}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" role="region" aria-label=t.node_network_title tabindex="0">
                            <table>
                                <thead><tr>
                                    <th scope="col">{t.node_col_name}</th>
                                    <th scope="col">{t.node_col_collective}</th>
                                    <th scope="col">{t.node_col_operator}</th>
                                    <th scope="col">{t.node_col_type}</th>
                                    <th scope="col">{t.node_col_status}</th>
                                    <th scope="col">{t.node_col_health}</th>
                                    <th scope="col">{t.node_col_lag}</th>
                                    <th scope="col">{t.node_col_peers}</th>
                                    <th scope="col">{t.node_col_latency}</th>
                                    <th scope="col">{t.node_col_availability}</th>
                                    <th scope="col">{t.node_col_client}</th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
                <h2>{t.node_network_exports}</h2>
                {changed}
                <ul>
                    <li><a href="/network/permissions_config.toml">{t.node_network_toml}</a></li>
                    <li><a href="/network/static-nodes.json">{t.node_network_static}</a></li>
                    <li><a href="/network/nodes.json">{t.node_network_json}</a></li>
                    <li><a href="/network/capital">{t.capital_title}</a>" ("<a href="/network/capital.json">"capital.json"</a>")"</li>
                </ul>
                <crate::pages::open_data::DataLinks t=t lang=ctx.lang page="/network"/>
            </Layout>
        },
    ))
}

pub async fn node(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    render_node(
        &state,
        &ctx,
        id,
        &ChangeForm::default(),
        &None,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChangeForm {
    step: String,
    reason: String,
}

pub async fn change(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ChangeForm>,
) -> Result<Response, AppError> {
    let evaluator = NodeEvaluator::check(ctx.user.as_ref())?;
    let step = match form.step.as_str() {
        "suspend" => NodeStep::Suspend,
        "reinstate" => NodeStep::Reinstate,
        "retire" => NodeStep::Retire,
        _ => NodeStep::Admit,
    };
    match admission::change(&state, &evaluator, id, step, &form.reason, &ctx.actor()).await {
        Ok(_) => Ok(redirect(&format!("/network/nodes/{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_node(
                &state,
                &ctx,
                id,
                &form,
                &None,
                refused.errors.clone(),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

/// The node's page again, with a capital form refused (`grant`: the grant it was about, `None`
/// for the request) and what was typed in it.
pub async fn refused_capital(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    grant: Option<i64>,
    typed: CapitalForm,
    e: AppError,
) -> Result<Response, AppError> {
    let refused = refused_form(e, ctx.t())?;
    render_node(
        state,
        ctx,
        id,
        &ChangeForm::default(),
        &Some((grant, typed)),
        refused.errors.clone(),
        refused.status,
    )
    .await
    .map(|r| refused.finish(r))
}

async fn render_node(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    form: &ChangeForm,
    capital_typed: &super::capital::Typed,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let n = nodes::get(&state.db, id).await?;
    // a request not (yet) admitted is not public: its page is the request's
    if !matches!(
        n.status,
        NodeStatus::Admitted | NodeStatus::Suspended | NodeStatus::Retired
    ) {
        return Err(AppError::NotFound);
    }
    let history = admission::history(&state.db, id).await?;
    let health_view = super::health::section(state, id, &ctx.path, t).await?;
    let capital_view = super::capital::section(state, ctx, &n, capital_typed, &errors).await?;
    // the change form shows the errors only when it was the form posted
    let errors = if capital_typed.is_some() {
        FormErrors::default()
    } else {
        errors
    };
    let steps = history
        .into_iter()
        .map(|s| {
            view! {
                <li>
                    {datetime(s.at.0)}" — "{step_name(&s.step, t)}
                    {(!s.reason.is_empty()).then(|| format!(": {}", s.reason))}" "
                    {s.evidence_id.clone().map(|e| view! { <VerifiedBadge evidence_id=Some(e) t=t/> })}
                </li>
            }
        })
        .collect_view();
    let can_change =
        NodeEvaluator::would_allow(ctx.user.as_ref()) && n.status != NodeStatus::Retired;
    let change_form = can_change.then(|| {
        let choices: Vec<(&str, &str)> = match n.status {
            NodeStatus::Admitted => vec![("suspend", t.node_suspend), ("retire", t.node_retire)],
            _ => vec![("reinstate", t.node_reinstate), ("retire", t.node_retire)],
        };
        let buttons = choices
            .into_iter()
            .map(|(value, label)| view! { <button type="submit" name="step" value=value class="button button-secondary">{label}</button>" " })
            .collect_view();
        view! {
            <section aria-labelledby="change-title" class="narrow">
                <h2 id="change-title">{t.node_change_title}</h2>
                <form method="post" action=format!("/network/nodes/{id}/status") novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <ErrorSummary errors=errors.clone() t=t/>
                    <TextArea label=t.node_change_reason name="reason" value=form.reason.clone() error=errors.get("reason") required=true rows=3/>
                    {buttons}
                </form>
            </section>
        }
    });
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=n.name.clone()>
                <p><a href="/network">{t.node_network_title}</a></p>
                <h1>{n.name.clone()}</h1>
                <dl class="facts">
                    <dt>{t.node_col_status}</dt><dd>{status_name(n.status, t)}</dd>
                    <dt>{t.node_col_collective}</dt><dd><a href=format!("/collectives/{}", n.collective_slug)>{collective_name(&n, lang)}</a></dd>
                    <dt>{t.node_col_operator}</dt><dd>{n.operator_name()}</dd>
                    <dt>{t.node_col_type}</dt><dd>{type_name(n.node_type, t)}</dd>
                    <dt>{t.node_request_enode}</dt><dd><code>{n.enode.clone()}</code></dd>
                    <dt>{t.node_col_since}</dt><dd>{n.admitted_at.map(|a| a.0.date_naive().to_string())}</dd>
                    <dt>{t.node_deployment}</dt><dd>{deployment_name(&n.deployment, t)}</dd>
                </dl>
                {health_view}
                {capital_view}
                <h2>{t.node_show_history}</h2>
                <ol>{steps}</ol>
                {change_form}
            </Layout>
        },
    ))
}

fn deployment_name(d: &str, t: &'static crate::i18n::Tr) -> &'static str {
    match d {
        "deployed" => t.node_deploy_deployed,
        "retired" => t.node_deploy_retired,
        _ => t.node_deploy_provisioned,
    }
}
