//! Sign-in with an institution's OpenID provider: `/login/oidc/{n}` sends the browser to the
//! provider (a link, not a form: the page's `form-action 'self'` would stop a form's redirect to
//! another origin), `/login/oidc/callback` answers its return, and `/login/oidc/link` asks for the
//! password of an existing account with the provider's address before linking them. Every refusal
//! is a page saying what happened and what to do, never an error status without words.

use super::login::signed_in;
use super::refused_form;
use crate::components::{CsrfInput, ErrorSummary, Field, FormErrors, Layout};
use crate::error::Invalid;
use crate::i18n::fill;
use crate::services::oidc::{
    self, Callback, FLOW_COOKIE, FLOW_TTL_MINUTES, Outcome, Refusal, SignIn,
};
use crate::web::Cookies;
use crate::web::{CsrfForm, Ctx, page, redirect, safe_next, set_cookie};
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StartQuery {
    next: String,
}

/// Sends the browser to provider `n`, with a new sign-in bound to it by a cookie.
pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(n): Path<usize>,
    Query(q): Query<StartQuery>,
) -> Result<Response, AppError> {
    let next = if q.next.is_empty() {
        "/account".to_string()
    } else {
        safe_next(&q.next)
    };
    match oidc::start(&state, n, &next, ctx.lang, &ctx.actor()).await? {
        Ok(to) => with_cookie(
            redirect(&to.url),
            &state,
            &to.cookie,
            Some(FLOW_TTL_MINUTES * 60),
        ),
        Err(refusal) => Ok(refused(&ctx, &refusal)),
    }
}

/// The provider's answer.
pub async fn callback(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(answer): Query<Callback>,
) -> Result<Response, AppError> {
    let cookies = Cookies::parse(&headers);
    let cookie = cookies.get(FLOW_COOKIE);
    match oidc::callback(&state, cookie, &answer, ctx.lang, &ctx.actor()).await? {
        Ok(Outcome::LinkWaiting) => Ok(redirect("/login/oidc/link")),
        Ok(Outcome::SignedIn(SignIn {
            account_id,
            mfa,
            next,
        })) => signed_in(&state, &ctx, &headers, account_id, &next, mfa).await,
        Err(refusal) => {
            let response = refused(&ctx, &refusal);
            with_cookie(response, &state, "", Some(0))
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub password: String,
}

pub async fn link_page(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let cookies = Cookies::parse(&headers);
    match oidc::pending_link(&state.db, cookies.get(FLOW_COOKIE)).await? {
        Some(pending) => Ok(render_link(
            &ctx,
            &pending.email,
            &oidc::provider_name(&state, &pending.issuer),
            FormErrors::default(),
            StatusCode::OK,
        )),
        None => Ok(refused(&ctx, &Refusal::LinkMissing)),
    }
}

pub async fn link(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> Result<Response, AppError> {
    let cookies = Cookies::parse(&headers);
    let Some(pending) = oidc::pending_link(&state.db, cookies.get(FLOW_COOKIE)).await? else {
        return Ok(refused(&ctx, &Refusal::LinkMissing));
    };
    match oidc::link(&state, &pending, &form.password, &ctx.actor()).await {
        Ok(Ok(SignIn {
            account_id,
            mfa,
            next,
        })) => signed_in(&state, &ctx, &headers, account_id, &next, mfa).await,
        Ok(Err(refusal)) => Ok(refused(&ctx, &refusal)),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let errors = refused.errors.clone();
            let provider = oidc::provider_name(&state, &pending.issuer);
            Ok(refused.finish(render_link(
                &ctx,
                &pending.email,
                &provider,
                errors,
                refused.status,
            )))
        }
    }
}

fn with_cookie(
    mut response: Response,
    state: &AppState,
    value: &str,
    max_age: Option<i64>,
) -> Result<Response, AppError> {
    crate::web::add_cookies(
        &mut response,
        &[set_cookie(
            FLOW_COOKIE,
            value,
            max_age,
            true,
            state.settings.secure_cookies(),
        )],
    )?;
    Ok(response)
}

/// The page of a refused sign-in: what happened, and the way back.
fn refused(ctx: &Ctx, refusal: &Refusal) -> Response {
    let ctx = ctx.clone();
    let t = ctx.t();
    let errors = FormErrors::from_invalid(&Invalid::one("", refusal.clone()), t);
    page(
        StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST),
        view! {
            <Layout ctx=ctx.clone() title=t.oidc_refused_title>
                <div class="narrow">
                    <h1>{t.oidc_refused_title}</h1>
                    <ErrorSummary errors=errors t=t/>
                </div>
            </Layout>
        },
    )
}

fn render_link(
    ctx: &Ctx,
    email: &str,
    provider: &str,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let ctx = ctx.clone();
    let t = ctx.t();
    let intro = fill(
        t.oidc_link_intro,
        &[("email", &email), ("provider", &provider)],
    );
    page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.oidc_link_title>
                <div class="narrow">
                    <h1>{t.oidc_link_title}</h1>
                    <p>{intro}</p>
                    <ErrorSummary errors=errors.clone() t=t labels=vec![("password", t.field_password)]/>
                    <form method="post" action="/login/oidc/link" novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <Field label=t.field_password name="password" kind="password" error=errors.get("password")
                            autocomplete="current-password" required=true/>
                        <button type="submit" class="button">{t.oidc_link_submit}</button>
                    </form>
                    <p><a href="/login">{t.oidc_link_cancel}</a></p>
                </div>
            </Layout>
        },
    )
}
