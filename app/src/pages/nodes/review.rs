//! `/network/requests`: the requests under way one may see; `/network/requests/{id}`: one
//! request — the form as filed, the requirements it does not meet, the endpoint's probe, the
//! letter, the commission's evaluations, the history — with what the one reading may do: the
//! leaders forward or return it, each commission seat evaluates, the applicant withdraws it or
//! amends a returned one.

use super::{
    collective_name, host_name, probe_line, status_name, step_name, type_name, unmet_lines,
};
use crate::components::{CsrfInput, ErrorSummary, FormErrors, Layout, TextArea, VerifiedBadge};
use crate::domain::nodes::{NodeStatus, missing_evaluations};
use crate::domain::roles::Role;
use crate::i18n::{datetime, fill};
use crate::pages::refused_form;
use crate::services::authority::{NodeEvaluator, Steward};
use crate::services::nodes::{self, NodeRow, admission};
use crate::services::seats;
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

/// Whether the signed-in reader sees every request (not only their collectives').
fn sees_all(ctx: &Ctx) -> bool {
    [
        Role::NodesCommission,
        Role::ExecutiveSecretary,
        Role::Administrator,
    ]
    .iter()
    .any(|r| ctx.is(*r))
}

/// The request, if the reader may see it: its applicant, its collective's leaders, the nodes
/// commission, the Executive Secretary, an administrator. Anyone else: not found.
async fn readable(state: &AppState, ctx: &Ctx, id: i64) -> Result<NodeRow, AppError> {
    let user = ctx.require_user()?;
    let n = nodes::get(&state.db, id).await?;
    if n.person_id == user.person_id
        || sees_all(ctx)
        || seats::leads(&state.db, user.person_id, n.collective_id).await?
    {
        Ok(n)
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let t = ctx.t();
    let lang = ctx.lang;
    let mut rows = nodes::pending(&state.db, None).await?;
    if !sees_all(&ctx) {
        let mut mine = Vec::new();
        for n in rows {
            if n.person_id == user.person_id
                || seats::leads(&state.db, user.person_id, n.collective_id).await?
            {
                mine.push(n);
            }
        }
        rows = mine;
    }
    let own = nodes::of_person(&state.db, user.person_id).await?;
    let items = rows
        .iter()
        .map(|n| {
            view! {
                <tr>
                    <td><a href=format!("/network/requests/{}", n.id)>{n.name.clone()}</a></td>
                    <td>{collective_name(n, lang)}</td>
                    <td>{n.operator_name()}</td>
                    <td>{type_name(n.node_type, t)}</td>
                    <td>{status_name(n.status, t)}</td>
                </tr>
            }
        })
        .collect_view();
    let own_items = own
        .iter()
        .map(|n| {
            let href = if matches!(
                n.status,
                NodeStatus::Admitted | NodeStatus::Suspended | NodeStatus::Retired
            ) {
                format!("/network/nodes/{}", n.id)
            } else {
                format!("/network/requests/{}", n.id)
            };
            view! { <li><a href=href>{n.name.clone()}</a>" — "{status_name(n.status, t)}</li> }
        })
        .collect_view();
    let empty = rows.is_empty();
    let has_own = !own.is_empty();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.node_requests_title>
                <p><a href="/network">{t.node_network_title}</a></p>
                <h1>{t.node_requests_title}</h1>
                <p><a class="button" href="/network/requests/new">{t.node_network_request}</a></p>
                {has_own.then(|| view! { <h2>{t.node_request_mine}</h2><ul>{own_items}</ul> })}
                <h2>{t.node_network_requests}</h2>
                <p>{t.node_requests_intro}</p>
                {if empty {
                    view! { <p>{t.node_requests_empty}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" role="region" aria-label=t.node_requests_title tabindex="0">
                            <table>
                                <thead><tr>
                                    <th scope="col">{t.node_col_name}</th>
                                    <th scope="col">{t.node_col_collective}</th>
                                    <th scope="col">{t.node_col_operator}</th>
                                    <th scope="col">{t.node_col_type}</th>
                                    <th scope="col">{t.node_col_status}</th>
                                </tr></thead>
                                <tbody>{items}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </Layout>
        },
    ))
}

/// What was typed in one of the page's forms, kept when it is refused.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    decision: String,
    note: String,
    opinion: String,
    justification: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    render(
        &state,
        &ctx,
        id,
        &ReviewForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn refused(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    form: &ReviewForm,
    e: AppError,
) -> Result<Response, AppError> {
    let refused = refused_form(e, ctx.t())?;
    render(state, ctx, id, form, refused.errors.clone(), refused.status)
        .await
        .map(|r| refused.finish(r))
}

/// The leaders forward the request to the commission, or return it to the applicant.
pub async fn leaders(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<Response, AppError> {
    let n = nodes::get(&state.db, id).await?;
    let steward = Steward::of(&state.db, ctx.user.as_ref(), n.collective_id).await?;
    let done = if form.decision == "return" {
        admission::return_to_applicant(&state, &steward, id, &form.note, &ctx.actor()).await
    } else {
        admission::forward(&state, &steward, id, &form.note, &ctx.actor()).await
    };
    match done {
        Ok(()) => Ok(redirect(&format!("/network/requests/{id}"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

pub async fn evaluate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<Response, AppError> {
    let evaluator = NodeEvaluator::check(ctx.user.as_ref())?;
    match admission::evaluate(
        &state,
        &evaluator,
        id,
        &form.opinion,
        &form.justification,
        &ctx.actor(),
    )
    .await
    {
        Ok(Some(vote)) => Ok(redirect(&format!("/votes/{vote}"))),
        Ok(None) => Ok(redirect(&format!("/network/requests/{id}"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match admission::withdraw(&state, &who, id, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/network/requests/{id}"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

/// The letter of intent, downloaded (never shown inside the portal).
pub async fn letter(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let n = readable(&state, &ctx, id).await?;
    crate::pages::stored_pdf(
        &state,
        n.letter_sha256.as_deref(),
        n.letter_filename.as_deref().unwrap_or("carta.pdf"),
    )
    .await
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    form: &ReviewForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let n = readable(state, ctx, id).await?;
    let user = ctx.require_user()?.clone();
    let t = ctx.t();
    let lang = ctx.lang;
    let sent = ctx.path.contains("sent=1");
    let evaluations = admission::evaluations(&state.db, id).await?;
    let history = admission::history(&state.db, id).await?;
    let is_applicant = n.person_id == user.person_id;
    let leads = user.has(Role::ExecutiveSecretary)
        || user.has(Role::Administrator)
        || seats::leads(&state.db, user.person_id, n.collective_id).await?;
    let seat = NodeEvaluator::would_allow(ctx.user.as_ref());
    let unmet = unmet_lines(&n.unmet(), t);
    let unmet_view = if unmet.is_empty() {
        view! { <p>{t.node_unmet_none}</p> }.into_any()
    } else {
        let items = unmet
            .into_iter()
            .map(|u| view! { <li>{u}</li> })
            .collect_view();
        view! { <div class="notice notice-warning" role="note"><p><strong>{t.node_unmet_title}</strong></p><ul>{items}</ul></div> }.into_any()
    };
    let probe = probe_line(n.probe().as_ref(), t);
    let eval_items = evaluations
        .iter()
        .map(|e| {
            let opinion = if e.opinion == "favourable" {
                t.node_opinion_favourable
            } else {
                t.node_opinion_unfavourable
            };
            view! {
                <li><strong>{e.full_name.clone()}</strong>" — "{opinion}" ("{datetime(e.written_at.0)}")"
                    <p class="prewrap">{e.justification.clone()}</p></li>
            }
        })
        .collect_view();
    let commission: Vec<i64> = {
        let mut conn = state.db.acquire().await?;
        crate::services::votes::eligible(
            &mut conn,
            crate::domain::voting::Electorate::NodesCommission,
            chrono::Utc::now().date_naive(),
        )
        .await?
        .into_iter()
        .collect()
    };
    let written: Vec<i64> = evaluations.iter().map(|e| e.person_id).collect();
    let missing = missing_evaluations(&commission, &written).len();
    let steps = history
        .into_iter()
        .map(|s| {
            view! {
                <li>
                    {datetime(s.at.0)}" — "{step_name(&s.step, t)}" ("{s.actor_label.clone()}")"
                    {(!s.reason.is_empty()).then(|| view! { <p class="prewrap">{s.reason.clone()}</p> })}" "
                    {s.evidence_id.clone().map(|e| view! { <VerifiedBadge evidence_id=Some(e) t=t/> })}
                </li>
            }
        })
        .collect_view();
    let leaders_form = (leads && n.status == NodeStatus::Submitted).then(|| view! {
        <section aria-labelledby="leaders-title" class="narrow">
            <h2 id="leaders-title">{t.node_forward_title}</h2>
            <form method="post" action=format!("/network/requests/{id}/leaders") novalidate>
                <CsrfInput ctx=ctx.clone()/>
                <TextArea label=t.node_forward_note name="note" value=form.note.clone() error=errors.get("reason") rows=3/>
                <button type="submit" name="decision" value="forward" class="button">{t.node_forward}</button>" "
                <button type="submit" name="decision" value="return" class="button button-secondary">{t.node_return}</button>
            </form>
        </section>
    });
    let mine = evaluations.iter().find(|e| e.person_id == user.person_id);
    let opinion = if form.opinion.is_empty() {
        mine.map(|e| e.opinion.clone()).unwrap_or_default()
    } else {
        form.opinion.clone()
    };
    let justification = if form.justification.is_empty() {
        mine.map(|e| e.justification.clone()).unwrap_or_default()
    } else {
        form.justification.clone()
    };
    let evaluate_form = (seat && n.status == NodeStatus::InEvaluation).then(|| {
        let opinion_error = errors.get("opinion");
        view! {
            <section aria-labelledby="evaluate-title" class="narrow">
                <h2 id="evaluate-title">{t.node_evaluate_title}</h2>
                <form method="post" action=format!("/network/requests/{id}/evaluation") novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <fieldset class=if opinion_error.is_some() { "field field-invalid" } else { "field" }>
                        <legend>{t.node_evaluate_opinion}</legend>
                        {opinion_error.clone().map(|e| view! { <p class="field-error" id="opinion-error">{e}</p> })}
                        <label><input type="radio" name="opinion" value="favourable" checked=opinion == "favourable"/>" "{t.node_opinion_favourable}</label>
                        <label><input type="radio" name="opinion" value="unfavourable" checked=opinion == "unfavourable"/>" "{t.node_opinion_unfavourable}</label>
                    </fieldset>
                    <TextArea label=t.node_evaluate_justification name="justification" value=justification error=errors.get("justification") required=true rows=5/>
                    <button type="submit" class="button">{t.node_evaluate_submit}</button>
                </form>
            </section>
        }
    });
    let withdraw_form = (is_applicant
        && matches!(
            n.status,
            NodeStatus::Submitted | NodeStatus::Returned | NodeStatus::InEvaluation
        ))
    .then(|| {
        view! {
            <form method="post" action=format!("/network/requests/{id}/withdraw")>
                <CsrfInput ctx=ctx.clone()/>
                <button type="submit" class="button button-secondary">{t.node_withdraw}</button>
            </form>
        }
    });
    let resubmit = if is_applicant && n.status == NodeStatus::Returned {
        let f = super::request::form_of(&n);
        Some(super::request::form_view(state, ctx, &f, Some(id), &errors).await?)
    } else {
        None
    };
    let letter = n.letter_sha256.clone().map(|hash| {
        view! {
            <p><a href=format!("/network/requests/{id}/letter")>{fill(t.node_show_letter, &[("name", &n.letter_filename.clone().unwrap_or_default())])}</a></p>
            <p class="hint">{t.node_show_letter_hash}" "<code>{hash}</code></p>
        }
    });
    let vote = n
        .vote_id
        .map(|v| view! { <p><a href=format!("/votes/{v}")>{t.node_show_vote}</a></p> });
    let in_evaluation = n.status == NodeStatus::InEvaluation && missing > 0;
    let summary_errors = if resubmit.is_some() {
        FormErrors::default()
    } else {
        errors.clone()
    };
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=n.name.clone()>
                <p><a href="/network/requests">{t.node_requests_title}</a></p>
                <h1>{n.name.clone()}</h1>
                {sent.then(|| view! { <div class="notice" role="status">{t.node_request_sent}</div> })}
                <ErrorSummary errors=summary_errors t=t/>
                <dl class="facts">
                    <dt>{t.node_col_status}</dt><dd>{status_name(n.status, t)}</dd>
                    {(!n.reason.is_empty()).then(|| view! { <dt>{t.node_show_reason}</dt><dd class="prewrap">{n.reason.clone()}</dd> })}
                    <dt>{t.node_show_applicant}</dt><dd>{n.applicant.clone()}</dd>
                    <dt>{t.node_col_operator}</dt><dd>{n.operator_name()}</dd>
                    <dt>{t.node_col_collective}</dt><dd>{collective_name(&n, lang)}</dd>
                    <dt>{t.node_col_type}</dt><dd>{type_name(n.node_type, t)}</dd>
                    <dt>{t.node_request_enode}</dt><dd><code>{n.enode.clone()}</code></dd>
                    <dt>{t.node_request_rpc}</dt><dd><code>{n.rpc_url.clone()}</code></dd>
                    <dt>{t.node_request_host}</dt><dd>{host_name(n.host_kind, t)}</dd>
                    <dt>{t.node_request_os}</dt><dd>{n.os.clone()}</dd>
                    <dt>{t.node_request_ram}</dt><dd>{n.ram_mb}</dd>
                    <dt>{t.node_request_disk}</dt><dd>{n.disk_gb}</dd>
                    <dt>{t.node_request_location}</dt><dd>{n.location.clone()}</dd>
                    <dt>{t.node_request_projects}</dt><dd class="prewrap">{n.projects.clone()}</dd>
                    <dt>{t.node_request_liaison}</dt><dd>{format!("{} ({}) · {} · {}", n.liaison_name, n.liaison_position, n.liaison_email, n.liaison_phone)}</dd>
                </dl>
                {letter}
                {unmet_view}
                <h2>{t.node_probe_title}</h2>
                <p>{probe}</p>
                <h2>{t.node_show_evaluations}</h2>
                {if evaluations.is_empty() {
                    view! { <p>{t.node_show_no_evaluations}</p> }.into_any()
                } else {
                    view! { <ul>{eval_items}</ul> }.into_any()
                }}
                {in_evaluation.then(|| view! { <p>{t.node_show_missing.fill(missing as i64, &[])}</p> })}
                {vote}
                {leaders_form}
                {evaluate_form}
                {resubmit.map(|f| view! { <section aria-labelledby="resubmit-title"><h2 id="resubmit-title">{t.node_resubmit_title}</h2>{f}</section> })}
                {withdraw_form}
                <h2>{t.node_show_history}</h2>
                <ol>{steps}</ol>
            </Layout>
        },
    ))
}
