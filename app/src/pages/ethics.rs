//! `/ethics` and `/security-protocol`: the version in force with its verified badge, the
//! history, a version (`…/versions/{n}`) and the differences between two (`…/diff?from=&to=`);
//! on `/ethics` the form that accepts the code in force. `/governance-documents/new`: the
//! Executive Secretary records a new version the Executive Council published.

use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, TextArea, VerifiedBadge,
};
use crate::domain::documents::{Change, DocKind, diff};
use crate::i18n::{Tr, fill};
use crate::pages::refused_form;
use crate::services::authority::{CouncilSecretary, Signed};
use crate::services::ethics::{self, Version, VersionForm};
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/ethics", get(ethics_code))
        .route("/ethics/accept", post(accept))
        .route("/security-protocol", get(security_protocol))
        .route(
            "/ethics/versions/{n}",
            get(|s, c, n| version(s, c, n, DocKind::EthicsCode)),
        )
        .route(
            "/security-protocol/versions/{n}",
            get(|s, c, n| version(s, c, n, DocKind::SecurityProtocol)),
        )
        .route(
            "/ethics/diff",
            get(|s, c, q| differences(s, c, q, DocKind::EthicsCode)),
        )
        .route(
            "/security-protocol/diff",
            get(|s, c, q| differences(s, c, q, DocKind::SecurityProtocol)),
        )
        .route("/governance-documents", get(new).post(publish))
}

fn kind_name(kind: DocKind, t: &'static Tr) -> &'static str {
    match kind {
        DocKind::EthicsCode => t.ethics_title,
        DocKind::SecurityProtocol => t.security_protocol_title,
    }
}

fn history(kind: DocKind, all: &[Version], t: &'static Tr) -> AnyView {
    let items = all
        .iter()
        .map(|v| {
            let previous = all.iter().find(|p| p.version == v.version - 1).map(|p| p.version);
            let path = kind.path();
            view! {
                <li>
                    <a href=format!("{path}/versions/{}", v.version)>{fill(t.ethics_version, &[("n", &v.version)])}</a>
                    " · "{v.published_on.to_string()}
                    {previous.map(|p| view! { " · "<a href=format!("{path}/diff?from={p}&to={}", v.version)>{t.ethics_changes}</a> })}
                    {(!v.change_note.is_empty()).then(|| view! { <br/><span class="hint">{v.change_note.clone()}</span> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <h2>{t.ethics_history}</h2>
        <ul>{items}</ul>
    }
    .into_any()
}

fn text_view(v: &Version, ctx: &Ctx) -> AnyView {
    let t = ctx.t();
    view! {
        <p class="facts">
            {fill(t.ethics_version_of, &[("n", &v.version), ("on", &v.published_on)])}" "
            <VerifiedBadge evidence_id=v.evidence_id.clone() t=t/>
        </p>
        <p class="hint">{fill(t.ethics_fingerprint, &[("sha", &v.sha256)])}</p>
        <div class="prewrap document-text" lang=ctx.lang.code()>{v.text(ctx.lang)}</div>
    }
    .into_any()
}

async fn show(state: AppState, ctx: Ctx, kind: DocKind) -> Result<Response, AppError> {
    let t = ctx.t();
    let all = ethics::versions(&state.db, kind).await?;
    let title = kind_name(kind, t);
    let current = all.first().cloned();
    let accepted = match (&ctx.user, kind) {
        (Some(u), DocKind::EthicsCode) => Some(ethics::accepted_by(&state.db, u.person_id).await?),
        _ => None,
    };
    let secretary = CouncilSecretary::would_allow(ctx.user.as_ref());
    let accept = match (&current, accepted) {
        (Some(v), Some(list)) if list.contains(&v.version) => {
            Some(view! { <p class="notice" role="status">{fill(t.ethics_accepted, &[("n", &v.version)])}</p> }.into_any())
        }
        (Some(v), Some(_)) => {
            let version = v.version.to_string();
            Some(view! {
                <form method="post" action="/ethics/accept" class="notice-box" id="accept">
                    <CsrfInput ctx=ctx.clone()/>
                    <input type="hidden" name="version" value=version/>
                    <p>{t.ethics_accept_why}</p>
                    <button type="submit" class="button">{fill(t.ethics_accept, &[("n", &v.version)])}</button>
                </form>
            }.into_any())
        }
        _ => None,
    };
    let body = match &current {
        Some(v) => text_view(v, &ctx),
        None => view! { <p>{t.ethics_none}</p> }.into_any(),
    };
    let list = (!all.is_empty()).then(|| history(kind, &all, t));
    let kind_str = kind.as_str();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=title>
                <h1>{title}</h1>
                <p>{match kind { DocKind::EthicsCode => t.ethics_intro, DocKind::SecurityProtocol => t.security_protocol_intro }}</p>
                {accept}
                {body}
                {list}
                {secretary.then(|| view! { <p><a class="button secondary" href=format!("/governance-documents?kind={kind_str}")>{t.ethics_publish}</a></p> })}
                {(kind == DocKind::EthicsCode).then(|| view! { <p><a href="/ethics/complaints">{t.complaint_title}</a></p> })}
            </Layout>
        },
    ))
}

pub async fn ethics_code(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    show(state, ctx, DocKind::EthicsCode).await
}

pub async fn security_protocol(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    show(state, ctx, DocKind::SecurityProtocol).await
}

async fn version(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(n): Path<i64>,
    kind: DocKind,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let all = ethics::versions(&state.db, kind).await?;
    let v = all
        .iter()
        .find(|v| v.version == n)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let title = format!(
        "{} — {}",
        kind_name(kind, t),
        fill(t.ethics_version, &[("n", &n)])
    );
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=title.clone()>
                <p><a href=kind.path()>{kind_name(kind, t)}</a></p>
                <h1>{title}</h1>
                {text_view(&v, &ctx)}
            </Layout>
        },
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Between {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

async fn differences(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Between>,
    kind: DocKind,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let all = ethics::versions(&state.db, kind).await?;
    let pick = |n: Option<i64>| n.and_then(|n| all.iter().find(|v| v.version == n).cloned());
    let (Some(from), Some(to)) = (pick(q.from), pick(q.to)) else {
        return Err(AppError::NotFound);
    };
    let lines = diff(&from.text(lang), &to.text(lang))
        .into_iter()
        .map(|c| match c {
            Change::Same(l) => view! { <li class="diff-same">{l}</li> }.into_any(),
            Change::Added(l) => view! { <li class="diff-added"><ins><span class="visually-hidden">{t.ethics_added}" "</span>{l}</ins></li> }.into_any(),
            Change::Removed(l) => view! { <li class="diff-removed"><del><span class="visually-hidden">{t.ethics_removed}" "</span>{l}</del></li> }.into_any(),
        })
        .collect_view();
    let title = fill(
        t.ethics_diff_title,
        &[
            ("doc", &kind_name(kind, t)),
            ("from", &from.version),
            ("to", &to.version),
        ],
    );
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=title.clone()>
                <p><a href=kind.path()>{kind_name(kind, t)}</a></p>
                <h1>{title}</h1>
                {(!to.change_note.is_empty()).then(|| view! { <p>{to.change_note.clone()}</p> })}
                <ul class="diff">{lines}</ul>
            </Layout>
        },
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AcceptForm {
    pub version: i64,
}

pub async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> Result<Response, AppError> {
    let who = Signed::check(ctx.user.as_ref())?;
    ethics::accept(&state, &who, form.version, &ctx.actor()).await?;
    Ok(redirect("/ethics"))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct KindQuery {
    pub kind: Option<String>,
}

pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<KindQuery>,
) -> Result<Response, AppError> {
    CouncilSecretary::check(ctx.user.as_ref())?;
    let kind =
        DocKind::parse(q.kind.as_deref().unwrap_or("ethics-code")).ok_or(AppError::NotFound)?;
    // a new version starts from the one in force
    let form = match ethics::in_force(&state.db, kind).await? {
        Some(v) => VersionForm {
            kind: kind.as_str().into(),
            title_es: v.title_es,
            title_en: v.title_en,
            text_es: v.text_es,
            text_en: v.text_en,
            change_note: String::new(),
        },
        None => VersionForm {
            kind: kind.as_str().into(),
            ..VersionForm::default()
        },
    };
    render(&ctx, kind, &form, FormErrors::default(), StatusCode::OK)
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<VersionForm>,
) -> Result<Response, AppError> {
    let who = CouncilSecretary::check(ctx.user.as_ref())?;
    let kind = DocKind::parse(form.kind.trim()).ok_or(AppError::NotFound)?;
    match ethics::publish(&state, &who, &form, &ctx.actor()).await {
        Ok(_) => Ok(redirect(kind.path())),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(&ctx, kind, &form, refused.errors.clone(), refused.status)
                .map(|r| refused.finish(r))
        }
    }
}

fn render(
    ctx: &Ctx,
    kind: DocKind,
    form: &VersionForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let (ctx, form) = (ctx.clone(), form.clone());
    let title = fill(t.ethics_publish_title, &[("doc", &kind_name(kind, t))]);
    let labels = vec![
        ("title_es", t.ethics_title_es),
        ("title_en", t.ethics_title_en),
        ("text_es", t.ethics_text_es),
        ("text_en", t.ethics_text_en),
        ("change_note", t.ethics_change_note),
    ];
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=title.clone()>
                <p><a href=kind.path()>{kind_name(kind, t)}</a></p>
                <h1>{title}</h1>
                <p>{t.ethics_publish_intro}</p>
                <ErrorSummary errors=errors.clone() t=t labels=labels/>
                <form method="post" action="/governance-documents" class="narrow" novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <input type="hidden" name="kind" value=kind.as_str()/>
                    <Field label=t.ethics_title_es name="title_es" value=form.title_es.clone() error=errors.get("title_es") required=true/>
                    <Field label=t.ethics_title_en name="title_en" value=form.title_en.clone() error=errors.get("title_en") required=true/>
                    <TextArea label=t.ethics_text_es name="text_es" value=form.text_es.clone() error=errors.get("text_es") rows=16 required=true/>
                    <TextArea label=t.ethics_text_en name="text_en" value=form.text_en.clone() error=errors.get("text_en") rows=16 required=true/>
                    <TextArea label=t.ethics_change_note name="change_note" value=form.change_note.clone() error=errors.get("change_note") rows=3/>
                    <button type="submit" class="button">{t.ethics_publish_submit}</button>
                </form>
            </Layout>
        },
    ))
}
