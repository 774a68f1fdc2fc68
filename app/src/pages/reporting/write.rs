//! `/reporting/write?debtor=…&subject=…&period=…`: a report's form for its author — the
//! portal's figures for the period (read-only), the questions of its kind, "save the draft" and
//! "file". Filing freezes it; a refused one keeps what was typed beside the errors.

use super::{debtor_name, recipient_name};
use crate::components::{CsrfInput, ErrorSummary, FormErrors, Layout, TextArea};
use crate::i18n::fill;
use crate::pages::refused_form;
use crate::services::authority::Signed;
use crate::services::reporting::filing::{self, Author, ReportForm};
use crate::services::reporting::question_label;
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Which {
    pub debtor: String,
    pub subject: String,
    pub period: String,
    pub saved: Option<String>,
}

/// The refusal of a form the visitor may not write (not theirs, a period not owed or not over),
/// as a page that says why.
fn refused_page(ctx: &Ctx, err: AppError) -> Result<Response, AppError> {
    let t = ctx.t();
    let refused = refused_form(err, t)?;
    let message = refused
        .errors
        .0
        .first()
        .map(|e| e.message.clone())
        .unwrap_or_default();
    Ok(page(
        StatusCode::FORBIDDEN,
        view! {
            <Layout ctx=ctx.clone() title=t.report_write>
                <h1>{t.report_write}</h1>
                <p class="field-error" role="alert">{message}</p>
                <p><a href="/reporting/mine">{t.report_mine_title}</a></p>
            </Layout>
        },
    ))
}

/// The proof that the visitor writes this report, or the page that says why not.
async fn author(
    state: &AppState,
    ctx: &Ctx,
    debtor: &str,
    subject: &str,
    period: &str,
) -> Result<Result<Author, Response>, AppError> {
    let who = Signed::check(ctx.user.as_ref())?;
    let today = chrono::Utc::now().date_naive();
    match Author::check(state, &who, debtor, subject, period, today).await {
        Ok(a) => Ok(Ok(a)),
        Err(e) => refused_page(ctx, e).map(Err),
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(which): Query<Which>,
) -> Result<Response, AppError> {
    let author = match author(&state, &ctx, &which.debtor, &which.subject, &which.period).await? {
        Ok(a) => a,
        Err(refused) => return Ok(refused),
    };
    let draft = filing::open(&state, &author).await?;
    if let Some(r) = draft.report.as_ref().filter(|r| r.filed()) {
        return Ok(redirect(&format!("/reporting/reports/{}", r.id)));
    }
    let form = draft
        .report
        .as_ref()
        .map(ReportForm::from_report)
        .unwrap_or_default();
    let saved = which.saved.is_some();
    render(
        &ctx,
        &author,
        &draft.facts,
        &form,
        FormErrors::default(),
        StatusCode::OK,
        saved,
    )
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<ReportForm>,
) -> Result<Response, AppError> {
    let author = match author(&state, &ctx, &form.debtor, &form.subject, &form.period).await? {
        Ok(a) => a,
        Err(refused) => return Ok(refused),
    };
    let done = if form.file.is_some() {
        filing::file(&state, &author, &form, &ctx.actor())
            .await
            .map(|id| format!("/reporting/reports/{id}"))
    } else {
        filing::save(&state, &author, &form, &ctx.actor())
            .await
            .map(|_| {
                format!(
                    "{}&saved=1",
                    super::write_url(
                        author.subject.debtor,
                        &author.subject.key,
                        &author.span.label()
                    )
                )
            })
    };
    match done {
        Ok(to) => Ok(redirect(&to)),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let facts = filing::open(&state, &author).await?.facts;
            render(
                &ctx,
                &author,
                &facts,
                &form,
                refused.errors.clone(),
                refused.status,
                false,
            )
            .map(|r| refused.finish(r))
        }
    }
}

fn render(
    ctx: &Ctx,
    a: &Author,
    facts: &[crate::services::reporting::facts::Fact],
    form: &ReportForm,
    errors: FormErrors,
    status: StatusCode,
    saved: bool,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let ctx = ctx.clone();
    let s = &a.subject;
    let label = a.span.label();
    let title = fill(
        t.report_title,
        &[("period", &label), ("subject", &s.name(lang))],
    );
    let facts = facts
        .iter()
        .map(|f| view! { <tr><th scope="row">{lang.pick(&f.label_es, &f.label_en)}</th><td>{f.value.clone()}</td></tr> })
        .collect_view();
    let labels: Vec<(&'static str, &'static str)> = s
        .debtor
        .questions()
        .iter()
        .map(|q| (q.key(), question_label(*q, t)))
        .collect();
    let fields = s
        .debtor
        .questions()
        .iter()
        .map(|q| {
            view! {
                <TextArea label=question_label(*q, t) name=q.key() value=form.answer(*q).to_string()
                    error=errors.get(q.key()) rows=6/>
            }
        })
        .collect_view();
    let terms = fill(
        t.report_write_terms,
        &[
            ("debtor", &debtor_name(s.debtor, t)),
            ("to", &recipient_name(s.debtor.recipient(), t)),
            ("due", &a.due_on),
        ],
    );
    let (debtor, key) = (s.debtor.as_str(), s.key.clone());
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=title.clone()>
                <p><a href="/reporting/mine">{t.report_mine_title}</a></p>
                <h1>{title}</h1>
                <p>{terms}</p>
                {saved.then(|| view! { <p class="notice" role="status">{t.report_saved}</p> })}
                <ErrorSummary errors=errors.clone() t=t labels=labels/>
                <h2>{t.report_facts}</h2>
                <p class="hint">{t.report_facts_hint}</p>
                <div class="table-scroll" role="region" aria-label=t.report_facts tabindex="0">
                    <table><tbody>{facts}</tbody></table>
                </div>
                <h2>{t.report_answers}</h2>
                <form method="post" action="/reporting/write" class="narrow" novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <input type="hidden" name="debtor" value=debtor/>
                    <input type="hidden" name="subject" value=key/>
                    <input type="hidden" name="period" value=label/>
                    {fields}
                    <p class="hint">{t.report_file_hint}</p>
                    <button type="submit" class="button secondary" name="save" value="1">{t.report_save}</button>
                    " "
                    <button type="submit" class="button" name="file" value="1">{t.report_file}</button>
                </form>
            </Layout>
        },
    ))
}
