//! `/projects/calls`: the calls for projects, open and past; `/projects/calls/{id}`: one call
//! with its criteria and weights and the applications it received that are public;
//! `/projects/calls/new`: the form that opens one (the Executive Secretary or the projects
//! commission).

use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField, TextArea, VerifiedBadge,
};
use crate::domain::projects::seed_criteria;
use crate::i18n::fill;
use crate::pages::refused_form;
use crate::services::authority::ProjectCaller;
use crate::services::projects::calls::{self, CallForm, CallRow, Eligibility};
use crate::services::projects::{self, status_name};
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

pub fn eligibility_name(e: Eligibility, t: &'static crate::i18n::Tr) -> &'static str {
    match e {
        Eligibility::PublicEntities => t.project_eligibility_public,
        Eligibility::Members => t.project_eligibility_members,
        Eligibility::Anyone => t.project_eligibility_anyone,
    }
}

fn period(c: &CallRow) -> String {
    format!("{} — {}", c.opens_on, c.closes_on)
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let all = calls::list(&state.db).await?;
    let today = chrono::Utc::now().date_naive();
    let can_open = ProjectCaller::would_allow(ctx.user.as_ref());
    let rows = all
        .iter()
        .map(|c| {
            let open = c.open_on(today);
            view! {
                <tr>
                    <td><a href=format!("/projects/calls/{}", c.id)>{c.title(lang)}</a></td>
                    <td>{period(c)}</td>
                    <td>{if open { t.project_call_open } else if today < c.opens_on { t.project_call_upcoming } else { t.project_call_closed }}</td>
                    <td>{eligibility_name(c.eligibility(), t)}</td>
                    <td>{c.applications}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = all.is_empty();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.project_calls_title>
                <p><a href="/projects">{t.project_list_title}</a></p>
                <h1>{t.project_calls_title}</h1>
                <p>{t.project_calls_intro}</p>
                {can_open.then(|| view! { <p><a class="button" href="/projects/calls/new">{t.project_call_new}</a></p> })}
                {if empty {
                    view! { <p>{t.project_calls_empty}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" role="region" aria-label=t.project_calls_title tabindex="0">
                            <table>
                                <thead><tr>
                                    <th scope="col">{t.project_col_title}</th>
                                    <th scope="col">{t.project_call_period}</th>
                                    <th scope="col">{t.project_col_status}</th>
                                    <th scope="col">{t.project_call_eligibility}</th>
                                    <th scope="col">{t.project_call_applications}</th>
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

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let c = calls::get(&state.db, id).await?;
    let evidence = calls::evidence_of(&state.db, id).await?;
    let today = chrono::Utc::now().date_naive();
    let criteria = c
        .criteria()
        .into_iter()
        .filter(|k| k.weight > 0)
        .map(|k| view! { <li>{lang.pick(&k.name_es, &k.name_en)}" — "{fill(t.project_weight, &[("w", &k.weight)])}</li> })
        .collect_view();
    let public: Vec<_> = projects::public(&state.db)
        .await?
        .into_iter()
        .filter(|p| p.call_id == Some(id))
        .collect();
    let items = public
        .iter()
        .map(|p| view! { <li><a href=format!("/projects/{}", p.id)>{p.title.clone()}</a>" — "{status_name(p.status(), t)}</li> })
        .collect_view();
    let open = c.open_on(today);
    let signed_in = ctx.user.is_some();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=c.title(lang)>
                <p><a href="/projects/calls">{t.project_calls_title}</a></p>
                <h1>{c.title(lang)}</h1>
                <p><VerifiedBadge evidence_id=evidence t=t/></p>
                <dl class="facts">
                    <dt>{t.project_call_period}</dt><dd>{period(&c)}</dd>
                    <dt>{t.project_call_eligibility}</dt><dd>{eligibility_name(c.eligibility(), t)}</dd>
                    <dt>{t.project_call_applications}</dt><dd>{c.applications}</dd>
                    {(!c.documents.is_empty()).then(|| view! { <dt>{t.project_call_documents}</dt><dd class="prewrap">{c.documents.clone()}</dd> })}
                </dl>
                {(!c.description.is_empty()).then(|| view! { <p class="prewrap">{c.description.clone()}</p> })}
                <h2>{t.project_call_criteria}</h2>
                <ul>{criteria}</ul>
                {(open && signed_in).then(|| view! { <p><a class="button" href=format!("/projects/new?call={id}")>{t.project_apply}</a></p> })}
                {(open && !signed_in).then(|| view! { <p><a href="/login">{t.project_sign_in_to_apply}</a></p> })}
                <h2>{t.project_call_public}</h2>
                {if public.is_empty() {
                    view! { <p>{t.project_list_empty}</p> }.into_any()
                } else {
                    view! { <ul>{items}</ul> }.into_any()
                }}
            </Layout>
        },
    ))
}

pub async fn new(State(_state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ProjectCaller::check(ctx.user.as_ref())?;
    let form = CallForm {
        eligibility: "anyone".into(),
        ..Default::default()
    };
    render_form(&ctx, &form, FormErrors::default(), StatusCode::OK)
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<CallForm>,
) -> Result<Response, AppError> {
    let caller = ProjectCaller::check(ctx.user.as_ref())?;
    match calls::open(&state, &caller, &form, &ctx.actor()).await {
        Ok(id) => Ok(redirect(&format!("/projects/calls/{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_form(&ctx, &form, refused.errors.clone(), refused.status)
                .map(|r| refused.finish(r))
        }
    }
}

fn render_form(
    ctx: &Ctx,
    form: &CallForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let (ctx, form) = (ctx.clone(), form.clone());
    let eligibility: Vec<(String, String)> = Eligibility::ALL
        .iter()
        .map(|e| (e.as_str().to_string(), eligibility_name(*e, t).to_string()))
        .collect();
    let weights_error = errors.get("weights");
    let weights = seed_criteria()
        .into_iter()
        .map(|c| {
            let name = format!("weight_{}", c.key);
            let value = form
                .weights
                .get(&name)
                .cloned()
                .unwrap_or_else(|| "1".into());
            view! {
                <div class="field">
                    <label for=name.clone()>{lang.pick(&c.name_es, &c.name_en)}</label>
                    <input id=name.clone() name=name type="number" min="0" max="10" value=value/>
                </div>
            }
        })
        .collect_view();
    let labels = vec![
        ("title_es", t.project_call_title_es),
        ("title_en", t.project_call_title_en),
        ("opens_on", t.project_call_opens),
        ("closes_on", t.project_call_closes),
        ("eligibility", t.project_call_eligibility),
        ("documents", t.project_call_documents),
        ("weights", t.project_call_criteria),
    ];
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.project_call_new>
                <p><a href="/projects/calls">{t.project_calls_title}</a></p>
                <h1>{t.project_call_new}</h1>
                <ErrorSummary errors=errors.clone() t=t labels=labels/>
                <form method="post" action="/projects/calls" class="narrow" novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <Field label=t.project_call_title_es name="title_es" value=form.title_es.clone() error=errors.get("title_es") required=true/>
                    <Field label=t.project_call_title_en name="title_en" value=form.title_en.clone() error=errors.get("title_en") required=true/>
                    <TextArea label=t.project_call_description name="description" value=form.description.clone() error=errors.get("description") rows=4/>
                    <Field label=t.project_call_opens name="opens_on" kind="date" value=form.opens_on.clone() error=errors.get("opens_on") required=true/>
                    <Field label=t.project_call_closes name="closes_on" kind="date" value=form.closes_on.clone() error=errors.get("closes_on") required=true/>
                    <SelectField label=t.project_call_eligibility name="eligibility" options=eligibility selected=form.eligibility.clone() error=errors.get("eligibility")/>
                    <TextArea label=t.project_call_documents name="documents" value=form.documents.clone() error=errors.get("documents") rows=3/>
                    <fieldset class=if weights_error.is_some() { "field-invalid" } else { "" } id="weights">
                        <legend>{t.project_call_criteria}</legend>
                        <p class="hint">{t.project_call_weights_hint}</p>
                        {weights_error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                        {weights}
                    </fieldset>
                    <button type="submit" class="button">{t.project_call_submit}</button>
                </form>
            </Layout>
        },
    ))
}
