//! The links sent by mail: `/account/verify` confirms a new account's address (a page with a
//! button, so that a mail scanner opening the link confirms nothing), `/account/verify/resend`
//! sends a new link; `/login/forgot` asks for a password-reset link (the same answer whether or
//! not the address has an account) and `/login/reset` sets the new password.

use super::refused_form;
use crate::components::{CsrfInput, ErrorSummary, Field, FormErrors, Layout};
use crate::i18n::fill;
use crate::services::identity::{self, NewPassword, Purpose, ResetRequest};
use crate::web::{CsrfForm, Ctx, NoFields, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

/// The token a mailed link carries.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenQuery {
    token: String,
}

/// The page of a link that is no longer good: why, and where to get a new one.
fn link_refused(ctx: &Ctx, purpose: Purpose, status: StatusCode) -> Response {
    let ctx = ctx.clone();
    let t = ctx.t();
    let errors = FormErrors::from_invalid(
        &crate::error::Invalid::one("", identity::IdentityProblem::LinkInvalid { purpose }),
        t,
    );
    page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.identity_link_invalid_title>
                <div class="narrow">
                    <h1>{t.identity_link_invalid_title}</h1>
                    <ErrorSummary errors=errors t=t/>
                </div>
            </Layout>
        },
    )
}

pub async fn verify_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    if !identity::verification_is_good(&state.db, &q.token).await? {
        return Ok(link_refused(&ctx, Purpose::VerifyEmail, StatusCode::OK));
    }
    let t = ctx.t();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.email_verify_title>
                <div class="narrow">
                    <h1>{t.email_verify_title}</h1>
                    <p>{t.email_verify_intro}</p>
                    <form method="post" action="/account/verify">
                        <CsrfInput ctx=ctx.clone()/>
                        <input type="hidden" name="token" value=q.token/>
                        <button type="submit" class="button">{t.email_verify_submit}</button>
                    </form>
                </div>
            </Layout>
        },
    ))
}

pub async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<TokenQuery>,
) -> Result<Response, AppError> {
    match identity::confirm_email(&state, &form.token, &ctx.actor()).await {
        Ok(_) if ctx.user.is_some() => Ok(redirect("/account?ok=verified")),
        Ok(_) => Ok(redirect("/login?verified=1")),
        Err(AppError::Invalid(_)) => Ok(link_refused(
            &ctx,
            Purpose::VerifyEmail,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e),
    }
}

pub async fn resend(
    State(state): State<AppState>,
    ctx: Ctx,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match identity::resend_verification(&state, &who, &ctx.actor()).await {
        Ok(true) => Ok(redirect("/account?ok=verification_sent#verify")),
        Ok(false) => Ok(redirect("/account?ok=verified")),
        Err(e) => {
            // the throttle's wait, shown beside the button on the account page
            let refused = refused_form(e, ctx.t())?;
            let page = super::account::Page {
                verify_errors: refused.errors.clone(),
                ..super::account::Page::default()
            };
            super::account::render(&state, &ctx, page, refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

pub async fn forgot_page(ctx: Ctx) -> Response {
    render_forgot(
        &ctx,
        &ResetRequest::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
}

pub async fn forgot(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<ResetRequest>,
) -> Result<Response, AppError> {
    match identity::request_reset(&state, &form, &ctx.actor()).await {
        // the same answer whether or not the address has an account
        Ok(()) => Ok(redirect("/login/forgot/sent")),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let (status, errors) = (refused.status, refused.errors.clone());
            Ok(refused.finish(render_forgot(&ctx, &form, errors, status)))
        }
    }
}

fn render_forgot(
    ctx: &Ctx,
    form: &ResetRequest,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let (ctx, form) = (ctx.clone(), form.clone());
    let t = ctx.t();
    page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.forgot_title>
                <div class="narrow">
                    <h1>{t.forgot_title}</h1>
                    <p>{t.forgot_intro}</p>
                    <ErrorSummary errors=errors.clone() t=t labels=vec![("email", t.field_email)]/>
                    <form method="post" action="/login/forgot" novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <Field label=t.field_email name="email" kind="email" value=form.email.clone()
                            error=errors.get("email") autocomplete="username" required=true/>
                        <button type="submit" class="button">{t.forgot_submit}</button>
                    </form>
                    <p><a href="/login">{t.login_title}</a></p>
                </div>
            </Layout>
        },
    )
}

pub async fn forgot_sent(State(state): State<AppState>, ctx: Ctx) -> Response {
    let t = ctx.t();
    let minutes = state.settings.password_reset_ttl.num_minutes().max(1);
    page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.forgot_sent_title>
                <div class="narrow">
                    <h1>{t.forgot_sent_title}</h1>
                    <p>{fill(t.forgot_sent_text, &[("minutes", &minutes)])}</p>
                    <p><a class="button" href="/login">{t.login_title}</a></p>
                </div>
            </Layout>
        },
    )
}

pub async fn reset_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    if !identity::reset_is_good(&state.db, &q.token).await? {
        return Ok(link_refused(&ctx, Purpose::ResetPassword, StatusCode::OK));
    }
    let form = NewPassword {
        token: q.token,
        ..NewPassword::default()
    };
    Ok(render_reset(
        &state,
        &ctx,
        &form,
        FormErrors::default(),
        StatusCode::OK,
    ))
}

pub async fn reset(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<NewPassword>,
) -> Result<Response, AppError> {
    match identity::reset_password(&state, &form, &ctx.actor()).await {
        Ok(_) => Ok(redirect("/login?reset=1")),
        Err(AppError::Invalid(invalid))
            if invalid.0.iter().any(|e| e.reason.code() == "link_invalid") =>
        {
            Ok(link_refused(
                &ctx,
                Purpose::ResetPassword,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let (status, errors) = (refused.status, refused.errors.clone());
            Ok(refused.finish(render_reset(&state, &ctx, &form, errors, status)))
        }
    }
}

fn render_reset(
    state: &AppState,
    ctx: &Ctx,
    form: &NewPassword,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let ctx = ctx.clone();
    let t = ctx.t();
    let hint = fill(
        t.field_password_hint,
        &[("min", &state.settings.password_min_length)],
    );
    let token = form.token.clone();
    page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.reset_title>
                <div class="narrow">
                    <h1>{t.reset_title}</h1>
                    <p>{t.reset_intro}</p>
                    <ErrorSummary errors=errors.clone() t=t labels=vec![("new_password", t.field_new_password), ("new_password_confirm", t.field_new_password_confirm)]/>
                    <form method="post" action="/login/reset" novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <input type="hidden" name="token" value=token/>
                        <Field label=t.field_new_password name="new_password" kind="password" error=errors.get("new_password")
                            hint=hint autocomplete="new-password" required=true/>
                        <Field label=t.field_new_password_confirm name="new_password_confirm" kind="password"
                            error=errors.get("new_password_confirm") autocomplete="new-password" required=true/>
                        <button type="submit" class="button">{t.reset_submit}</button>
                    </form>
                </div>
            </Layout>
        },
    )
}
