//! `/collectives/request`: the written request to create a collective (any logged-in account);
//! `/collectives/requests`: the requests, and the Executive Council's decision on each, recorded
//! by its Secretary.

use crate::components::TextArea;
use crate::components::{CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField};
use crate::i18n::{Tr, datetime, sector_name};
use crate::pages::refused_form;
use crate::services::authority::{ApplicationsReader, CouncilSecretary};
use crate::services::collective_requests::{self, RequestForm, SECTORS};
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

pub async fn new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_user()?;
    render_new(
        &state,
        &ctx,
        &RequestForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<RequestForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match collective_requests::submit(&state, &who, &form, &ctx.actor()).await {
        Ok(_) => Ok(redirect("/collectives/request?sent=1")),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_new(&state, &ctx, &form, refused.errors.clone(), refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

async fn render_new(
    state: &AppState,
    ctx: &Ctx,
    form: &RequestForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let form = form.clone();
    let t = ctx.t();
    let user = ctx.require_user()?.clone();
    let mine = collective_requests::list(&state.db, Some(user.person_id)).await?;
    let sent = ctx.path.contains("sent=1");
    let sectors: Vec<(String, String)> =
        std::iter::once((String::new(), t.gov_request_sector_choose.to_string()))
            .chain(
                SECTORS
                    .iter()
                    .map(|s| (s.to_string(), sector_name(s, t).to_string())),
            )
            .collect();
    let mine_items = mine
        .into_iter()
        .map(|r| {
            view! { <li>{r.name_es.clone()}" — "{request_state(&r.status, t)}{(!r.decision_note.is_empty()).then(|| format!(" ({})", r.decision_note))}</li> }
        })
        .collect_view();
    let labels = vec![
        ("name_es", t.gov_request_name_es),
        ("name_en", t.gov_request_name_en),
        ("sector", t.gov_request_sector),
        ("justification", t.gov_request_justification),
        ("node_commitment", t.gov_request_node_commitment),
    ];
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.gov_request_title>
                <p><a href="/collectives">{t.gov_collectives_title}</a></p>
                <h1>{t.gov_request_title}</h1>
                {sent.then(|| view! { <div class="notice" role="status">{t.gov_request_sent}</div> })}
                <p>{t.gov_request_intro}</p>
                <ul>{mine_items}</ul>
                <ErrorSummary errors=errors.clone() t=t labels=labels/>
                <form method="post" action="/collectives/request" class="narrow" novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <Field label=t.gov_request_name_es name="name_es" value=form.name_es.clone() error=errors.get("name_es") required=true/>
                    <Field label=t.gov_request_name_en name="name_en" value=form.name_en.clone() error=errors.get("name_en") required=true/>
                    <SelectField label=t.gov_request_sector name="sector" options=sectors selected=form.sector.clone() error=errors.get("sector")/>
                    <TextArea label=t.gov_request_justification name="justification" value=form.justification.clone() error=errors.get("justification") required=true/>
                    <div class=if errors.get("node_commitment").is_some() { "field checkbox field-invalid" } else { "field checkbox" }>
                        {errors.get("node_commitment").map(|e| view! { <p class="field-error" id="node_commitment-error">{e}</p> })}
                        <input id="node_commitment" name="node_commitment" type="checkbox" checked=form.node_commitment == "on"/>
                        <label for="node_commitment">{t.gov_request_node_commitment}</label>
                    </div>
                    <button type="submit" class="button">{t.gov_request_submit}</button>
                </form>
            </Layout>
        },
    ))
}

fn request_state(status: &str, t: &'static Tr) -> &'static str {
    match status {
        "approved" => t.gov_request_approved,
        "rejected" => t.gov_request_rejected,
        _ => t.gov_request_submitted,
    }
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ApplicationsReader::check(ctx.user.as_ref())?;
    render_list(&state, &ctx, None, FormErrors::default(), StatusCode::OK).await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
    note: String,
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, AppError> {
    let secretary = CouncilSecretary::check(ctx.user.as_ref())?;
    match collective_requests::decide(
        &state,
        &secretary,
        id,
        form.decision == "approve",
        &form.note,
        &ctx.actor(),
    )
    .await
    {
        Ok(Some(slug)) => Ok(redirect(&format!("/collectives/{slug}"))),
        Ok(None) => Ok(redirect("/collectives/requests")),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_list(
                &state,
                &ctx,
                Some((id, form)),
                refused.errors.clone(),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

async fn render_list(
    state: &AppState,
    ctx: &Ctx,
    typed: Option<(i64, DecisionForm)>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let t = ctx.t();
    let rows = collective_requests::list(&state.db, None).await?;
    let can_decide = CouncilSecretary::would_allow(ctx.user.as_ref());
    let items = rows
        .into_iter()
        .map(|r| {
            let refused_here = typed.as_ref().is_some_and(|(id, _)| *id == r.id);
            let note = typed
                .as_ref()
                .filter(|(id, _)| *id == r.id)
                .map(|(_, f)| f.note.clone())
                .unwrap_or_default();
            let errs = if refused_here { errors.clone() } else { FormErrors::default() };
            let note_id = format!("note-{}", r.id);
            let form = (can_decide && r.status == "submitted").then(|| view! {
                <form method="post" action=format!("/collectives/requests/{}/decision", r.id) novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <ErrorSummary errors=errs.clone() t=t/>
                    <TextArea label=t.gov_request_note name="note" id=note_id value=note rows=3/>
                    <button type="submit" name="decision" value="approve" class="button">{t.gov_request_approve}</button>" "
                    <button type="submit" name="decision" value="reject" class="button button-secondary">{t.gov_request_reject}</button>
                </form>
            });
            view! {
                <article class="card">
                    <h2>{r.name_es.clone()}" / "{r.name_en.clone()}</h2>
                    <dl class="facts">
                        <dt>{t.gov_request_sector}</dt><dd>{sector_name(&r.sector, t)}</dd>
                        <dt>{t.gov_request_by}</dt><dd>{r.requester.clone()}{r.institution.clone().map(|i| format!(" ({i})"))}</dd>
                        <dt>{t.col_created}</dt><dd>{datetime(r.submitted_at.0)}</dd>
                        <dt>{t.col_state}</dt><dd>{request_state(&r.status, t)}{(!r.decision_note.is_empty()).then(|| format!(" — {}", r.decision_note))}</dd>
                    </dl>
                    <p class="prewrap">{r.justification.clone()}</p>
                    {r.collective_slug.clone().map(|s| view! { <p><a href=format!("/collectives/{s}")>{t.gov_request_open_collective}</a></p> })}
                    {form}
                </article>
            }
        })
        .collect_view();
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.gov_requests_title>
                <h1>{t.gov_requests_title}</h1>
                <p>{t.gov_requests_intro}</p>
                {items}
            </Layout>
        },
    ))
}
