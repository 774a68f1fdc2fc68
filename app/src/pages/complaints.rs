//! `/ethics/complaints`: the complaints under the ethics code, public only anonymised (the rule,
//! the handler, the dates, the status and outcome, the resolution's verification); the form that
//! files one; `/ethics/complaints/{id}`: the whole complaint for its complainant and its
//! handlers, with the handler's steps.

use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField, TextArea, VerifiedBadge,
};
use crate::domain::complaints::{ComplaintStatus, Handler, Outcome, overdue};
use crate::i18n::{Tr, fill};
use crate::pages::refused_form;
use crate::services::authority::Signed;
use crate::services::complaints::{self, ComplaintForm, ComplaintRow, Handling, StepForm};
use crate::services::network;
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/ethics/complaints", get(list).post(file))
        .route("/ethics/complaints/new", get(new))
        .route("/ethics/complaints/{id}", get(show))
        .route("/ethics/complaints/{id}/step", post(step))
}

fn status_name(c: &ComplaintRow, t: &'static Tr) -> &'static str {
    match (c.status, c.outcome) {
        (ComplaintStatus::Received, _) => t.complaint_received,
        (ComplaintStatus::UnderReview, _) => t.complaint_under_review,
        (ComplaintStatus::Resolved, Some(Outcome::Upheld)) => t.complaint_upheld,
        (ComplaintStatus::Resolved, _) => t.complaint_dismissed,
    }
}

fn handler_name(h: Handler, t: &'static Tr) -> &'static str {
    match h {
        Handler::CollectiveLeaders => t.report_to_leaders,
        Handler::ExecutiveSecretary => t.report_to_secretary,
    }
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let today = chrono::Utc::now().date_naive();
    let all = complaints::all(&state.db).await?;
    let handling = match &ctx.user {
        Some(u) => Some(Handling::of(&state.db, u.person_id).await?),
        None => None,
    };
    let rows = all
        .iter()
        .map(|c| {
            let late = overdue(c.status, c.due_on, today);
            let number = if handling.as_ref().is_some_and(|h| h.may_read(c)) {
                view! { <a href=format!("/ethics/complaints/{}", c.id)>{c.id}</a> }.into_any()
            } else {
                view! { {c.id} }.into_any()
            };
            view! {
                <tr>
                    <th scope="row">{number}</th>
                    <td>{c.rule.clone()}</td>
                    <td>{lang.pick(&c.collective_es, &c.collective_en)}" · "{handler_name(c.handler(), t)}</td>
                    <td>{c.filed_at.0.date_naive().to_string()}</td>
                    <td class=late.then_some("overdue")>{c.due_on.to_string()}{late.then(|| view! { " ("{t.complaint_overdue}")" })}</td>
                    <td>{status_name(c, t)}{c.resolved_at.map(|r| format!(" · {}", r.0.date_naive()))}</td>
                    <td>{c.evidence_id.clone().map(|e| view! { <a href=format!("/v/{e}")>{t.report_verify_short}</a> })}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = all.is_empty();
    let signed_in = ctx.user.is_some();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.complaint_title>
                <p><a href="/ethics">{t.ethics_title}</a></p>
                <h1>{t.complaint_title}</h1>
                <p>{fill(t.complaint_intro, &[("days", &state.settings.reporting.complaint_days)])}</p>
                {signed_in.then(|| view! { <p><a class="button" href="/ethics/complaints/new">{t.complaint_new}</a></p> })}
                {if empty {
                    view! { <p>{t.complaint_none}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" role="region" aria-label=t.complaint_title tabindex="0">
                            <table>
                                <thead><tr>
                                    <th scope="col">{t.complaint_col_number}</th>
                                    <th scope="col">{t.complaint_col_rule}</th>
                                    <th scope="col">{t.complaint_col_handler}</th>
                                    <th scope="col">{t.complaint_col_filed}</th>
                                    <th scope="col">{t.complaint_col_due}</th>
                                    <th scope="col">{t.report_col_standing}</th>
                                    <th scope="col">{t.complaint_col_verify}</th>
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

pub async fn new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    Signed::check(ctx.user.as_ref())?;
    render(
        &state,
        &ctx,
        &ComplaintForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<ComplaintForm>,
) -> Result<Response, AppError> {
    let who = Signed::check(ctx.user.as_ref())?;
    match complaints::file(&state, &who, &form, &ctx.actor()).await {
        Ok(id) => Ok(redirect(&format!("/ethics/complaints/{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(&state, &ctx, &form, refused.errors.clone(), refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    form: &ComplaintForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let collectives: Vec<(String, String)> =
        std::iter::once((String::new(), t.complaint_choose.to_string()))
            .chain(
                network::collective_choices(&state.db)
                    .await?
                    .into_iter()
                    .map(|(id, es, en)| (id.to_string(), ctx.lang.pick(&es, &en))),
            )
            .collect();
    let (ctx, form) = (ctx.clone(), form.clone());
    let labels = vec![
        ("collective", t.complaint_collective),
        ("rule", t.complaint_col_rule),
        ("description", t.complaint_description),
    ];
    let about_leader = form.about_leader.is_some();
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.complaint_new>
                <p><a href="/ethics/complaints">{t.complaint_title}</a></p>
                <h1>{t.complaint_new}</h1>
                <p>{t.complaint_new_intro}</p>
                <ErrorSummary errors=errors.clone() t=t labels=labels/>
                <form method="post" action="/ethics/complaints" class="narrow" novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <SelectField label=t.complaint_collective name="collective" options=collectives selected=form.collective.clone() error=errors.get("collective")/>
                    <div class="field checkbox">
                        <input type="checkbox" id="about_leader" name="about_leader" value="1" checked=about_leader/>
                        <label for="about_leader">{t.complaint_about_leader}</label>
                    </div>
                    <Field label=t.complaint_col_rule name="rule" value=form.rule.clone() error=errors.get("rule") hint=t.complaint_rule_hint.to_string() required=true/>
                    <TextArea label=t.complaint_description name="description" value=form.description.clone() error=errors.get("description") rows=8 required=true/>
                    <button type="submit" class="button">{t.complaint_submit}</button>
                </form>
            </Layout>
        },
    ))
}

async fn readable(state: &AppState, ctx: &Ctx, id: i64) -> Result<(ComplaintRow, bool), AppError> {
    let user = ctx.user.as_ref().ok_or(AppError::Unauthenticated)?;
    let c = complaints::get(&state.db, id).await?;
    let handling = Handling::of(&state.db, user.person_id).await?;
    if !handling.may_read(&c) {
        return Err(AppError::NotFound);
    }
    let handles = handling.handles(&c);
    Ok((c, handles))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (c, handles) = readable(&state, &ctx, id).await?;
    render_show(
        &ctx,
        &c,
        handles,
        &StepForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
}

pub async fn step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<StepForm>,
) -> Result<Response, AppError> {
    let who = Signed::check(ctx.user.as_ref())?;
    match complaints::step(&state, &who, id, &form, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/ethics/complaints/{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let (c, handles) = readable(&state, &ctx, id).await?;
            render_show(
                &ctx,
                &c,
                handles,
                &form,
                refused.errors.clone(),
                refused.status,
            )
            .map(|r| refused.finish(r))
        }
    }
}

fn render_show(
    ctx: &Ctx,
    c: &ComplaintRow,
    handles: bool,
    form: &StepForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let (ctx, c, form) = (ctx.clone(), c.clone(), form.clone());
    let title = fill(t.complaint_number, &[("n", &c.id)]);
    let action = format!("/ethics/complaints/{}/step", c.id);
    let outcomes = vec![
        (String::new(), t.complaint_choose.to_string()),
        ("upheld".to_string(), t.complaint_upheld.to_string()),
        ("dismissed".to_string(), t.complaint_dismissed.to_string()),
    ];
    let open = c.status != ComplaintStatus::Resolved;
    let received = c.status == ComplaintStatus::Received;
    let labels = vec![
        ("outcome", t.complaint_outcome),
        ("resolution", t.complaint_resolution),
    ];
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=title.clone()>
                <p><a href="/ethics/complaints">{t.complaint_title}</a></p>
                <h1>{title}</h1>
                <p class="hint">{t.complaint_private}</p>
                <dl class="facts">
                    <dt>{t.complaint_col_handler}</dt><dd>{lang.pick(&c.collective_es, &c.collective_en)}" · "{handler_name(c.handler(), t)}</dd>
                    <dt>{t.complaint_complainant}</dt><dd>{c.complainant_name.clone()}</dd>
                    <dt>{t.complaint_col_rule}</dt><dd>{c.rule.clone()}</dd>
                    <dt>{t.complaint_col_filed}</dt><dd>{c.filed_at.0.date_naive().to_string()}</dd>
                    <dt>{t.complaint_col_due}</dt><dd>{c.due_on.to_string()}</dd>
                    <dt>{t.report_col_standing}</dt><dd>{status_name(&c, t)}</dd>
                </dl>
                <h2>{t.complaint_description}</h2>
                <p class="prewrap">{c.description.clone()}</p>
                {(!c.resolution.is_empty()).then(|| view! {
                    <h2>{t.complaint_resolution}</h2>
                    <p class="prewrap">{c.resolution.clone()}</p>
                    <p><VerifiedBadge evidence_id=c.evidence_id.clone() t=t/></p>
                })}
                {(handles && open).then(|| view! {
                    <ErrorSummary errors=errors.clone() t=t labels=labels/>
                    {received.then(|| view! {
                        <form method="post" action=action.clone()>
                            <CsrfInput ctx=ctx.clone()/>
                            <input type="hidden" name="step" value="review"/>
                            <button type="submit" class="button secondary">{t.complaint_take_up}</button>
                        </form>
                    })}
                    <h2>{t.complaint_resolve}</h2>
                    <form method="post" action=action.clone() class="narrow" novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <input type="hidden" name="step" value="resolve"/>
                        <SelectField label=t.complaint_outcome name="outcome" options=outcomes.clone() selected=form.outcome.clone() error=errors.get("outcome")/>
                        <TextArea label=t.complaint_resolution name="resolution" value=form.resolution.clone() error=errors.get("resolution") rows=6 required=true/>
                        <button type="submit" class="button">{t.complaint_resolve}</button>
                    </form>
                })}
            </Layout>
        },
    ))
}
