//! Transaction capital on a node's page (the operator asks; the collective's leaders grant,
//! refuse, change or revoke), and the public table of the grants in force: `/network/capital`
//! and `/network/capital.json`.

use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField, TextArea, VerifiedBadge,
};
use crate::i18n::{Tr, fill};
use crate::services::authority::Steward;
use crate::services::nodes::capital::{self, CapitalForm, GrantRow, PERIODS, Verdict};
use crate::services::nodes::{self, NodeRow};
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use serde::Deserialize;

/// What was typed in a capital form that was refused: the grant it was about (`None`: the
/// request form) and the fields.
pub type Typed = Option<(Option<i64>, CapitalForm)>;

fn period_name(p: &str, t: &'static Tr) -> &'static str {
    if p == "day" {
        t.capital_per_day
    } else {
        t.capital_per_month
    }
}

fn status_name(s: &str, t: &'static Tr) -> &'static str {
    match s {
        "requested" => t.capital_status_requested,
        "active" => t.capital_status_active,
        "refused" => t.capital_status_refused,
        _ => t.capital_status_ended,
    }
}

/// The capital section of a node's page.
pub async fn section(
    state: &AppState,
    ctx: &Ctx,
    n: &NodeRow,
    typed: &Typed,
    errors: &FormErrors,
) -> Result<AnyView, AppError> {
    let t = ctx.t();
    let grants = capital::of_node(&state.db, n.id).await?;
    let user = ctx.user.clone();
    let operator = user.as_ref().is_some_and(|u| u.person_id == n.person_id);
    let leads = match &user {
        Some(_) => Steward::of(&state.db, user.as_ref(), n.collective_id)
            .await
            .is_ok(),
        None => false,
    };
    let admitted = n.status == crate::domain::nodes::NodeStatus::Admitted;
    let periods: Vec<(String, String)> = PERIODS
        .iter()
        .map(|p| (p.to_string(), period_name(p, t).to_string()))
        .collect();
    let errors_for = |grant: Option<i64>| match typed {
        Some((g, _)) if *g == grant => errors.clone(),
        _ => FormErrors::default(),
    };
    let typed_for = |grant: Option<i64>| match typed {
        Some((g, f)) if *g == grant => Some(f.clone()),
        _ => None,
    };
    let rows = grants
        .iter()
        .map(|g| {
            let decide = (leads && matches!(g.status.as_str(), "requested" | "active")).then(|| {
                let f = typed_for(Some(g.id)).unwrap_or_else(|| CapitalForm {
                    amount: g.amount.to_string(),
                    period: g.period.clone(),
                    ..Default::default()
                });
                let errs = errors_for(Some(g.id));
                let (a, b) = if g.status == "requested" {
                    (("grant", t.capital_grant), ("refuse", t.capital_refuse))
                } else {
                    (("change", t.capital_change), ("revoke", t.capital_revoke))
                };
                let reason_id = format!("reason-{}", g.id);
                let amount_id = format!("amount-{}", g.id);
                view! {
                    <form method="post" action=format!("/network/capital/{}", g.id) class="narrow" novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <ErrorSummary errors=errs.clone() t=t/>
                        <div class="field">
                            <label for=amount_id.clone()>{t.capital_amount}</label>
                            <input id=amount_id name="amount" type="text" inputmode="numeric" value=f.amount.clone()/>
                        </div>
                        <input type="hidden" name="period" value=f.period.clone()/>
                        <TextArea label=t.capital_reason name="reason" id=reason_id value=f.reason.clone() error=errs.get("reason") rows=2/>
                        <button type="submit" name="verdict" value=a.0 class="button">{a.1}</button>" "
                        <button type="submit" name="verdict" value=b.0 class="button button-secondary">{b.1}</button>
                    </form>
                }
            });
            view! {
                <tr>
                    <td><code>{g.account.clone()}</code></td>
                    <td>{fill(t.capital_figure, &[("amount", &g.amount), ("period", &period_name(&g.period, t))])}</td>
                    <td>{status_name(&g.status, t)}</td>
                    <td class="prewrap">{g.reason.clone()}</td>
                    <td>{g.evidence_id.clone().map(|e| view! { <VerifiedBadge evidence_id=Some(e) t=t/> })}{decide}</td>
                </tr>
            }
        })
        .collect_view();
    let has_rows = !grants.is_empty();
    let request_form = (operator && admitted).then(|| {
        let f = typed_for(None).unwrap_or_else(|| CapitalForm {
            period: "month".into(),
            ..Default::default()
        });
        let errs = errors_for(None);
        view! {
            <h3>{t.capital_request_title}</h3>
            <form method="post" action=format!("/network/nodes/{}/capital", n.id) class="narrow" novalidate>
                <CsrfInput ctx=ctx.clone()/>
                <ErrorSummary errors=errs.clone() t=t/>
                <Field label=t.capital_account name="account" value=f.account.clone() error=errs.get("account") hint=t.capital_account_hint.to_string() required=true/>
                <Field label=t.capital_amount name="amount" value=f.amount.clone() error=errs.get("amount") required=true/>
                <SelectField label=t.capital_period name="period" options=periods.clone() selected=f.period.clone() error=errs.get("period")/>
                <TextArea label=t.capital_reason name="reason" value=f.reason.clone() error=errs.get("reason") rows=2/>
                <button type="submit" class="button">{t.capital_request}</button>
            </form>
        }
    });
    Ok(view! {
        <h2 id="capital">{t.capital_title}</h2>
        <p>{t.capital_intro}</p>
        {(!has_rows).then(|| view! { <p>{t.capital_none}</p> })}
        {has_rows.then(|| view! {
            <div class="table-scroll" role="region" aria-labelledby="capital" tabindex="0">
                <table>
                    <thead><tr>
                        <th scope="col">{t.capital_account}</th>
                        <th scope="col">{t.capital_amount}</th>
                        <th scope="col">{t.node_col_status}</th>
                        <th scope="col">{t.capital_reason}</th>
                        <th scope="col">{t.decisions_col_evidence}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        })}
        {request_form}
    }
    .into_any())
}

/// The operator asks for an allowance.
pub async fn request(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CapitalForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match capital::request(&state, &who, id, &form, &ctx.actor()).await {
        Ok(_) => Ok(redirect(&format!("/network/nodes/{id}#capital"))),
        Err(e) => super::network::refused_capital(&state, &ctx, id, None, form, e).await,
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecideForm {
    verdict: String,
    amount: String,
    period: String,
    reason: String,
}

/// A leader of the node's collective decides on a grant.
pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(grant): Path<i64>,
    CsrfForm(form): CsrfForm<DecideForm>,
) -> Result<Response, AppError> {
    let node_id: i64 = sqlx::query_scalar("SELECT node_id FROM capital_grants WHERE id = ?")
        .bind(grant)
        .fetch_optional(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let node = nodes::get(&state.db, node_id).await?;
    let steward = Steward::of(&state.db, ctx.user.as_ref(), node.collective_id).await?;
    let verdict = Verdict::parse(&form.verdict).ok_or(AppError::NotFound)?;
    let typed = CapitalForm {
        account: String::new(),
        amount: form.amount,
        period: form.period,
        reason: form.reason,
    };
    match capital::decide(&state, &steward, grant, verdict, &typed, &ctx.actor()).await {
        Ok(_) => Ok(redirect(&format!("/network/nodes/{node_id}#capital"))),
        Err(e) => {
            super::network::refused_capital(&state, &ctx, node_id, Some(grant), typed, e).await
        }
    }
}

/// `/network/capital`: the grants in force.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let grants = capital::in_force(&state.db).await?;
    let empty = grants.is_empty();
    let rows = grants
        .iter()
        .map(|g: &GrantRow| {
            view! {
                <tr>
                    <td><a href=format!("/network/nodes/{}#capital", g.node_id)>{g.node_name.clone()}</a></td>
                    <td>{g.operator.clone()}</td>
                    <td><code>{g.account.clone()}</code></td>
                    <td>{fill(t.capital_figure, &[("amount", &g.amount), ("period", &period_name(&g.period, t))])}</td>
                    <td>{g.starts_at.0.date_naive().to_string()}</td>
                    <td>{g.evidence_id.clone().map(|e| view! { <VerifiedBadge evidence_id=Some(e) t=t/> })}</td>
                </tr>
            }
        })
        .collect_view();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.capital_title>
                <p><a href="/network">{t.node_network_title}</a></p>
                <h1>{t.capital_title}</h1>
                <p>{t.capital_intro}</p>
                <p><a href="/network/capital.json">"capital.json"</a></p>
                {if empty {
                    view! { <p>{t.capital_none}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" role="region" aria-label=t.capital_title tabindex="0">
                            <table>
                                <thead><tr>
                                    <th scope="col">{t.node_col_name}</th>
                                    <th scope="col">{t.node_col_operator}</th>
                                    <th scope="col">{t.capital_account}</th>
                                    <th scope="col">{t.capital_amount}</th>
                                    <th scope="col">{t.capital_since}</th>
                                    <th scope="col">{t.decisions_col_evidence}</th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </Layout>
        },
    ))
}

pub async fn json(State(state): State<AppState>) -> Result<Response, AppError> {
    let grants = capital::in_force(&state.db).await?;
    let body = serde_json::json!({
        "unit": "gas",
        "grants": grants.iter().map(|g| serde_json::json!({
            "node": g.node_id, "node_name": g.node_name, "operator": g.operator,
            "collective": g.collective_slug, "account": g.account, "amount": g.amount,
            "period": g.period, "since": g.starts_at.to_db(), "decision": g.evidence_id,
        })).collect::<Vec<_>>(),
    });
    let body = serde_json::to_string_pretty(&body).map_err(AppError::internal)?;
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}
