//! `/login` and `/logout`. A new session token at every login (no fixation); failures are
//! throttled per account and per address, with the wait stated in the message.

use super::refused_form;
use crate::components::{CsrfInput, ErrorSummary, Field, FormErrors, Layout, Notice};
use crate::i18n::fill;
use crate::services::{accounts, oidc, second_factor, sessions};
use crate::web::{
    CsrfForm, Ctx, NoFields, SESSION_COOKIE, fresh_cookie, page, redirect, safe_next, set_cookie,
};
use crate::{AppError, AppState};
use axum::extract::{Query, State};
use axum::http::header::USER_AGENT;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
    pub next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginQuery {
    next: String,
    /// Back from confirming the address, or from setting a new password.
    verified: String,
    reset: String,
}

pub async fn get(State(state): State<AppState>, ctx: Ctx, Query(q): Query<LoginQuery>) -> Response {
    if ctx.user.is_some() {
        return redirect(&safe_next(if q.next.is_empty() {
            "/account"
        } else {
            &q.next
        }));
    }
    let t = ctx.t();
    let notice = if !q.reset.is_empty() {
        Some(t.reset_done)
    } else if !q.verified.is_empty() {
        Some(t.email_verify_done)
    } else {
        None
    };
    render(
        &state,
        &ctx,
        notice,
        &LoginForm {
            // kept only when it stays on the site, so the form never carries a way out
            next: if q.next.is_empty() {
                String::new()
            } else {
                safe_next(&q.next)
            },
            ..LoginForm::default()
        },
        FormErrors::default(),
        StatusCode::OK,
    )
}

pub async fn post(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, AppError> {
    match accounts::login(&state, &form.email, &form.password, &ctx.actor()).await {
        Ok(account_id) => {
            let next = if form.next.is_empty() {
                "/account".to_string()
            } else {
                safe_next(&form.next)
            };
            signed_in(&state, &ctx, &headers, account_id, &next, false).await
        }
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let (status, errors) = (refused.status, refused.errors.clone());
            Ok(refused.finish(render(&state, &ctx, None, &form, errors, status)))
        }
    }
}

/// The cookie that carries a sign-in waiting for its second-factor code.
pub(crate) const CHALLENGE_COOKIE: &str = "minga_challenge";

/// Credentials accepted (a password, or a provider's identity): a session, or first the
/// account's own second factor when it has one — unless the provider asserted one
/// (`provider_mfa`). The password alone opens no session then: the code answers a short
/// challenge.
pub(crate) async fn signed_in(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    account_id: i64,
    next: &str,
    provider_mfa: bool,
) -> Result<Response, AppError> {
    if !provider_mfa && second_factor::is_on(&state.db, account_id).await? {
        let token = second_factor::challenge(state, account_id, next).await?;
        let mut response = redirect("/login/second-factor");
        let secure = state.settings.secure_cookies();
        crate::web::add_cookies(
            &mut response,
            &[
                set_cookie(CHALLENGE_COOKIE, &token, Some(5 * 60), true, secure),
                // a sign-in through a provider is over
                set_cookie(oidc::FLOW_COOKIE, "", Some(0), true, secure),
            ],
        )?;
        return Ok(response);
    }
    open_session(state, ctx, headers, account_id, next, provider_mfa).await
}

/// Opens a session for `account_id` (its credentials checked) and goes to `next`: a new session
/// token and a new CSRF cookie, so nothing from before the sign-in carries over.
pub(crate) async fn open_session(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    account_id: i64,
    next: &str,
    provider_mfa: bool,
) -> Result<Response, AppError> {
    if let Some(old) = &ctx.user {
        sqlx::query("DELETE FROM sessions WHERE id = ?")
            .bind(old.session_id)
            .execute(&state.db)
            .await?;
    }
    let agent = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let token = sessions::create(state, account_id, &ctx.ip, agent, provider_mfa).await?;
    let mut response = redirect(next);
    let secure = state.settings.secure_cookies();
    crate::web::add_cookies(
        &mut response,
        &[
            set_cookie(SESSION_COOKIE, &token, None, true, secure),
            fresh_cookie(secure)?,
            set_cookie(CHALLENGE_COOKIE, "", Some(0), true, secure),
            set_cookie(oidc::FLOW_COOKIE, "", Some(0), true, secure),
        ],
    )?;
    Ok(response)
}

pub async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    if let Some(user) = &ctx.user {
        sessions::end(&state.db, user, &ctx.actor()).await?;
    }
    let mut response = redirect("/");
    crate::web::add_cookies(
        &mut response,
        &[set_cookie(
            SESSION_COOKIE,
            "",
            Some(0),
            true,
            state.settings.secure_cookies(),
        )],
    )?;
    Ok(response)
}

fn render(
    state: &AppState,
    ctx: &Ctx,
    notice: Option<&'static str>,
    form: &LoginForm,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let (ctx, form) = (ctx.clone(), form.clone());
    let t = ctx.t();
    // one button per configured OpenID provider, keeping where the person was going
    let next = if form.next.is_empty() {
        String::new()
    } else {
        format!("?next={}", crate::web::urlencode(&form.next))
    };
    let providers = state.oidc.names();
    let providers = (!providers.is_empty()).then(|| {
        view! {
            <section class="providers" aria-labelledby="providers-title">
                <h2 id="providers-title">{t.oidc_providers_title}</h2>
                <ul class="plain">
                    {providers
                        .into_iter()
                        .map(|(i, name)| {
                            let label = fill(t.oidc_sign_in_with, &[("provider", &name)]);
                            view! { <li><a class="button button-secondary" href=format!("/login/oidc/{i}{next}")>{label}</a></li> }
                        })
                        .collect_view()}
                </ul>
                <p>{t.oidc_providers_or}</p>
            </section>
        }
    });
    page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.login_title>
                <div class="narrow">
                    <h1>{t.login_title}</h1>
                    {notice.map(|n| view! { <Notice text=n/> })}
                    <ErrorSummary errors=errors.clone() t=t labels=vec![("email", t.field_email), ("password", t.field_password)]/>
                    {providers}
                    <form method="post" action="/login" novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <input type="hidden" name="next" value=form.next.clone()/>
                        <Field label=t.field_email name="email" kind="email" value=form.email.clone()
                            error=errors.get("email")
                            autocomplete="username" required=true/>
                        <Field label=t.field_password name="password" kind="password" error=errors.get("password")
                            autocomplete="current-password" required=true/>
                        <button type="submit" class="button">{t.login_submit}</button>
                    </form>
                    <p><a href="/login/forgot">{t.forgot_link}</a></p>
                    <p>{t.login_no_account}" "<a href="/register">{t.login_register_link}</a></p>
                </div>
            </Layout>
        },
    )
}
