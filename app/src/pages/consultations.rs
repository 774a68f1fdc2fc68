//! `/consultations`: the public consultations of governance documents; `/consultations/{id}`:
//! the draft's numbered sections with their comments and answers, the comment form per section
//! while it is open, the Secretary's answer forms and final version once it closes, and at the
//! end the draft and the final text side by side with the answers grouped by theme.
//! `/consultations/new`: the Executive Secretary opens one.

use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField, TextArea, VerifiedBadge,
};
use crate::domain::consultations::{Answer, Phase, sections};
use crate::i18n::{Tr, fill};
use crate::pages::refused_form;
use crate::services::authority::{CouncilSecretary, Signed};
use crate::services::consultations::{
    self, AnswerForm, CommentForm, CommentRow, ConsultationRow, DOCUMENTS, FinalForm, OpenForm,
};
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use std::collections::BTreeMap;

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/consultations", get(list).post(open))
        .route("/consultations/new", get(new))
        .route("/consultations/{id}", get(show))
        .route("/consultations/{id}/comments", post(comment))
        .route(
            "/consultations/{id}/comments/{comment}/answer",
            post(answer),
        )
        .route("/consultations/{id}/final", post(conclude))
}

fn document_name(d: &str, t: &'static Tr) -> &'static str {
    match d {
        "governance-model" => t.consultation_doc_model,
        "ethics-code" => t.ethics_title,
        "security-protocol" => t.security_protocol_title,
        _ => t.consultation_doc_call_rules,
    }
}

fn phase_name(p: Phase, t: &'static Tr) -> &'static str {
    match p {
        Phase::Upcoming => t.consultation_upcoming,
        Phase::Open => t.consultation_open,
        Phase::Closed => t.consultation_closed,
        Phase::Concluded => t.consultation_concluded,
    }
}

fn answer_name(a: Answer, t: &'static Tr) -> &'static str {
    match a {
        Answer::Integrated => t.consultation_integrated,
        Answer::Declined => t.consultation_declined,
        Answer::Agenda => t.consultation_agenda,
    }
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let today = chrono::Utc::now().date_naive();
    let all = consultations::all(&state.db).await?;
    let items = all
        .iter()
        .map(|c| {
            view! {
                <li>
                    <a href=format!("/consultations/{}", c.id)>{c.title(lang)}</a>
                    " · "{document_name(&c.document, t)}" · "{format!("{} — {}", c.opens_on, c.closes_on)}" · "{phase_name(c.phase(today), t)}
                </li>
            }
        })
        .collect_view();
    let empty = all.is_empty();
    let secretary = CouncilSecretary::would_allow(ctx.user.as_ref());
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.consultation_title>
                <h1>{t.consultation_title}</h1>
                <p>{t.consultation_intro}</p>
                {secretary.then(|| view! { <p><a class="button" href="/consultations/new">{t.consultation_new}</a></p> })}
                {if empty { view! { <p>{t.consultation_none}</p> }.into_any() } else { view! { <ul>{items}</ul> }.into_any() }}
            </Layout>
        },
    ))
}

pub async fn new(State(_state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    CouncilSecretary::check(ctx.user.as_ref())?;
    render_open(
        &ctx,
        &OpenForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
}

pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<OpenForm>,
) -> Result<Response, AppError> {
    let who = CouncilSecretary::check(ctx.user.as_ref())?;
    match consultations::open(&state, &who, &form, &ctx.actor()).await {
        Ok(id) => Ok(redirect(&format!("/consultations/{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_open(&ctx, &form, refused.errors.clone(), refused.status)
                .map(|r| refused.finish(r))
        }
    }
}

fn render_open(
    ctx: &Ctx,
    form: &OpenForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let (ctx, form) = (ctx.clone(), form.clone());
    let documents: Vec<(String, String)> = DOCUMENTS
        .iter()
        .map(|d| (d.to_string(), document_name(d, t).to_string()))
        .collect();
    let labels = vec![
        ("document", t.consultation_document),
        ("title_es", t.ethics_title_es),
        ("title_en", t.ethics_title_en),
        ("opens_on", t.consultation_opens),
        ("closes_on", t.consultation_closes),
        ("draft", t.consultation_draft),
    ];
    let anonymous = form.anonymous_allowed.is_some();
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.consultation_new>
                <p><a href="/consultations">{t.consultation_title}</a></p>
                <h1>{t.consultation_new}</h1>
                <ErrorSummary errors=errors.clone() t=t labels=labels/>
                <form method="post" action="/consultations" class="narrow" novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <SelectField label=t.consultation_document name="document" options=documents selected=form.document.clone() error=errors.get("document")/>
                    <Field label=t.ethics_title_es name="title_es" value=form.title_es.clone() error=errors.get("title_es") required=true/>
                    <Field label=t.ethics_title_en name="title_en" value=form.title_en.clone() error=errors.get("title_en") required=true/>
                    <Field label=t.consultation_opens name="opens_on" kind="date" value=form.opens_on.clone() error=errors.get("opens_on") required=true/>
                    <Field label=t.consultation_closes name="closes_on" kind="date" value=form.closes_on.clone() error=errors.get("closes_on") required=true/>
                    <div class="field checkbox">
                        <input type="checkbox" id="anonymous_allowed" name="anonymous_allowed" value="1" checked=anonymous/>
                        <label for="anonymous_allowed">{t.consultation_anonymous_allowed}</label>
                    </div>
                    <TextArea label=t.consultation_draft name="draft" value=form.draft.clone() error=errors.get("draft") rows=16 required=true/>
                    <p class="hint">{t.consultation_draft_hint}</p>
                    <button type="submit" class="button">{t.consultation_open_submit}</button>
                </form>
            </Layout>
        },
    ))
}

/// What the visitor typed into one of the page's forms (kept beside its errors).
#[derive(Clone, Default)]
enum Typed {
    #[default]
    Nothing,
    Comment(CommentForm),
    Answer(i64, AnswerForm),
    Final(FinalForm),
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    render_show(
        &state,
        &ctx,
        id,
        Typed::Nothing,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> Result<Response, AppError> {
    let who = Signed::check(ctx.user.as_ref())?;
    match consultations::comment(&state, &who, id, &form, &ctx.actor()).await {
        Ok(_) => Ok(redirect(&format!(
            "/consultations/{id}#section-{}",
            form.section.trim()
        ))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_show(
                &state,
                &ctx,
                id,
                Typed::Comment(form),
                refused.errors.clone(),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, comment)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> Result<Response, AppError> {
    let who = CouncilSecretary::check(ctx.user.as_ref())?;
    match consultations::answer(&state, &who, id, comment, &form, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/consultations/{id}#comment-{comment}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_show(
                &state,
                &ctx,
                id,
                Typed::Answer(comment, form),
                refused.errors.clone(),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

pub async fn conclude(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<FinalForm>,
) -> Result<Response, AppError> {
    let who = CouncilSecretary::check(ctx.user.as_ref())?;
    match consultations::conclude(&state, &who, id, &form, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/consultations/{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_show(
                &state,
                &ctx,
                id,
                Typed::Final(form),
                refused.errors.clone(),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

fn comment_view(k: &CommentRow, t: &'static Tr) -> AnyView {
    view! {
        <li id=format!("comment-{}", k.id)>
            <p><strong>{k.author.clone().unwrap_or_else(|| t.consultation_anonymous.to_string())}</strong>
               " · "{k.created_at.0.date_naive().to_string()}</p>
            <p class="prewrap">{k.text.clone()}</p>
            {k.answer.map(|a| view! {
                <p class="answer"><strong>{answer_name(a, t)}</strong>" ("{k.theme.clone()}"): "<span class="prewrap">{k.answer_text.clone()}</span></p>
            })}
        </li>
    }
    .into_any()
}

fn answer_form(ctx: &Ctx, id: i64, k: &CommentRow, typed: Option<&AnswerForm>) -> AnyView {
    let t = ctx.t();
    let (kind, text, theme) = match typed {
        Some(f) => (f.answer.clone(), f.answer_text.clone(), f.theme.clone()),
        None => (
            k.answer.map(|a| a.as_str().to_string()).unwrap_or_default(),
            k.answer_text.clone(),
            k.theme.clone(),
        ),
    };
    let options = Answer::ALL
        .iter()
        .map(|a| {
            let v = a.as_str();
            view! { <option value=v selected=kind == v>{answer_name(*a, t)}</option> }
        })
        .collect_view();
    let (sel, area, th) = (
        format!("answer-{}", k.id),
        format!("answer-text-{}", k.id),
        format!("theme-{}", k.id),
    );
    view! {
        <form method="post" action=format!("/consultations/{id}/comments/{}/answer", k.id) class="narrow answer-form">
            <CsrfInput ctx=ctx.clone()/>
            <div class="field"><label for=sel.clone()>{t.consultation_answer}</label>
                <select id=sel name="answer"><option value="">{t.complaint_choose}</option>{options}</select></div>
            <div class="field"><label for=th.clone()>{t.consultation_theme}</label>
                <input id=th type="text" name="theme" value=theme/></div>
            <TextArea label=t.consultation_answer_text name="answer_text" id=area value=text rows=3/>
            <button type="submit" class="button secondary">{t.consultation_answer_submit}</button>
        </form>
    }
    .into_any()
}

async fn render_show(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    typed: Typed,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let c = consultations::get(&state.db, id).await?;
    let all = consultations::comments(&state.db, id).await?;
    let today = chrono::Utc::now().date_naive();
    let phase = c.phase(today);
    let secretary = CouncilSecretary::would_allow(ctx.user.as_ref());
    let signed_in = ctx.user.is_some();
    let body = sections(&c.draft)
        .into_iter()
        .map(|s| {
            let here: Vec<&CommentRow> = all.iter().filter(|k| k.section == s.n as i64).collect();
            let list = here.iter().map(|k| comment_view(k, t)).collect_view();
            let answers = (secretary && phase == Phase::Closed).then(|| {
                here.iter()
                    .map(|k| {
                        let mine = match &typed {
                            Typed::Answer(cid, f) if *cid == k.id => Some(f),
                            _ => None,
                        };
                        answer_form(ctx, id, k, mine)
                    })
                    .collect_view()
            });
            let value = match &typed {
                Typed::Comment(f) if f.section.trim() == s.n.to_string() => f.comment.clone(),
                _ => String::new(),
            };
            let form = (signed_in && phase == Phase::Open).then(|| {
                let anon = format!("anonymous-{}", s.n);
                view! {
                    <form method="post" action=format!("/consultations/{id}/comments") class="narrow">
                        <CsrfInput ctx=ctx.clone()/>
                        <input type="hidden" name="section" value=s.n.to_string()/>
                        <TextArea label=t.consultation_comment name="comment" id=format!("comment-{}-text", s.n) value=value rows=3/>
                        {c.anonymous_allowed.then(|| view! {
                            <div class="field checkbox"><input type="checkbox" id=anon.clone() name="anonymous" value="1"/>
                            <label for=anon>{t.consultation_comment_anonymous}</label></div>
                        })}
                        <button type="submit" class="button secondary">{t.consultation_comment_submit}</button>
                    </form>
                }
            });
            view! {
                <section id=format!("section-{}", s.n) class="consultation-section">
                    <h2>{fill(t.consultation_section, &[("n", &s.n)])}</h2>
                    <p class="prewrap">{s.text.clone()}</p>
                    {(!here.is_empty()).then(|| view! { <h3>{t.consultation_comments}</h3><ul class="comments">{list}</ul> })}
                    {answers}
                    {form}
                </section>
            }
        })
        .collect_view();
    let final_form = (secretary && phase == Phase::Closed).then(|| {
        let (text, note) = match &typed {
            Typed::Final(f) => (f.final_text.clone(), f.final_note.clone()),
            _ => (c.draft.clone(), String::new()),
        };
        view! {
            <section aria-labelledby="final-title" class="notice-box">
                <h2 id="final-title">{t.consultation_final_title}</h2>
                <p>{t.consultation_final_intro}</p>
                <form method="post" action=format!("/consultations/{id}/final") class="narrow" novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <TextArea label=t.consultation_final_text name="final_text" value=text rows=16 required=true/>
                    <TextArea label=t.consultation_final_note name="final_note" value=note rows=3/>
                    <button type="submit" class="button">{t.consultation_final_submit}</button>
                </form>
            </section>
        }
    });
    let concluded = concluded_view(&c, &all, t);
    let labels = vec![
        ("comment", t.consultation_comment),
        ("section", t.consultation_comment),
        ("anonymous", t.consultation_comment_anonymous),
        ("answer", t.consultation_answer),
        ("answer_text", t.consultation_answer_text),
        ("theme", t.consultation_theme),
        ("final_text", t.consultation_final_text),
    ];
    let title = c.title(lang);
    let facts = format!(
        "{} · {} — {} · {}",
        document_name(&c.document, t),
        c.opens_on,
        c.closes_on,
        phase_name(phase, t)
    );
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=title.clone()>
                <p><a href="/consultations">{t.consultation_title}</a></p>
                <h1>{title}</h1>
                <p>{facts}" "<VerifiedBadge evidence_id=c.evidence_id.clone() t=t/></p>
                <p>{fill(t.consultation_count, &[("count", &all.len())])}</p>
                <ErrorSummary errors=errors.clone() t=t labels=labels/>
                {concluded}
                {final_form}
                {body}
            </Layout>
        },
    ))
}

/// At the end: the draft and the final text side by side, and the answers grouped by theme.
fn concluded_view(c: &ConsultationRow, all: &[CommentRow], t: &'static Tr) -> Option<AnyView> {
    let final_text = c.final_text.clone()?;
    let mut themes: BTreeMap<String, Vec<&CommentRow>> = BTreeMap::new();
    for k in all {
        themes.entry(k.theme.clone()).or_default().push(k);
    }
    let grouped = themes
        .into_iter()
        .map(|(theme, list)| {
            let items = list
                .iter()
                .map(|k| {
                    view! {
                        <li>{fill(t.consultation_section, &[("n", &k.section)])}": "{k.text.clone()}" — "
                            <strong>{k.answer.map(|a| answer_name(a, t)).unwrap_or_default()}</strong>": "{k.answer_text.clone()}</li>
                    }
                })
                .collect_view();
            view! { <h3>{theme}</h3><ul>{items}</ul> }
        })
        .collect_view();
    Some(
        view! {
            <section aria-labelledby="outcome-title">
                <h2 id="outcome-title">{t.consultation_outcome}</h2>
                <p><VerifiedBadge evidence_id=c.final_evidence_id.clone() t=t/></p>
                {(!c.final_note.is_empty()).then(|| view! { <p>{c.final_note.clone()}</p> })}
                <div class="side-by-side">
                    <div><h3>{t.consultation_draft}</h3><p class="prewrap">{c.draft.clone()}</p></div>
                    <div><h3>{t.consultation_final_text}</h3><p class="prewrap">{final_text}</p></div>
                </div>
                <h3>{t.consultation_by_theme}</h3>
                {grouped}
            </section>
        }
        .into_any(),
    )
}
