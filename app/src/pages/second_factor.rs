//! The second factor's pages: `/account/second-factor` sets it up (the secret as a QR code and
//! as text, then the app's first code; the recovery codes shown once), and
//! `/login/second-factor` asks for the code after the password.

use super::login::{CHALLENGE_COOKIE, open_session};
use super::refused_form;
use crate::components::{CsrfInput, ErrorSummary, Field, FormErrors, Layout};
use crate::i18n::fill;
use crate::services::second_factor;
use crate::web::{Cookies, CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use serde::Deserialize;

/// A code as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    render(&state, &ctx, FormErrors::default(), None, StatusCode::OK).await
}

pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    let email = ctx.require_user()?.email.clone();
    match second_factor::confirm(&state, &who, &email, &form.code, &ctx.actor()).await {
        // shown once, on this answer (not a redirect: the codes are kept only as hashes)
        Ok(codes) => {
            render(
                &state,
                &ctx,
                FormErrors::default(),
                Some(codes),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(&state, &ctx, refused.errors.clone(), None, refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    codes: Option<Vec<String>>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let who = ctx.signed()?;
    let ctx = ctx.clone();
    let t = ctx.t();
    // as the request's session read it (the confirmation's own answer shows the codes instead)
    let on = user.second_factor_on;
    let body = if let Some(codes) = codes {
        let items = codes
            .into_iter()
            .map(|c| view! { <li><code>{c}</code></li> })
            .collect_view();
        view! {
            <div class="notice" role="status">{t.mfa_on_now}</div>
            <h2 id="codes-title">{t.mfa_codes_title}</h2>
            <p>{t.mfa_codes_intro}</p>
            <ul class="recovery-codes" aria-labelledby="codes-title">{items}</ul>
            <p><a class="button" href="/account">{t.account_title}</a></p>
        }
        .into_any()
    } else if on {
        let left = second_factor::recovery_left(&state.db, user.account_id).await?;
        view! {
            <p>{t.mfa_state_on}</p>
            <p>{fill(t.mfa_codes_left, &[("n", &left)])}</p>
            <p class="hint">{t.mfa_lost_device}</p>
        }
        .into_any()
    } else {
        let enrolment = second_factor::enrolment(state, &who, &user.email).await?;
        view! {
            {user.must_set_up_second_factor().then(|| view! { <div class="notice-box"><p>{t.mfa_problem_required}</p></div> })}
            <ol>
                <li>{t.mfa_step_app}</li>
                <li>
                    {t.mfa_step_scan}
                    <p><img src="/account/second-factor/qr.svg" width="240" height="240" alt=t.mfa_qr_alt/></p>
                    <p>{t.mfa_step_type}" "<code class="secret">{enrolment.secret}</code></p>
                </li>
                <li>{t.mfa_step_code}</li>
            </ol>
            <ErrorSummary errors=errors.clone() t=t labels=vec![("code", t.mfa_code)]/>
            <form method="post" action="/account/second-factor" novalidate>
                <CsrfInput ctx=ctx.clone()/>
                <Field label=t.mfa_code name="code" kind="text" error=errors.get("code")
                    autocomplete="one-time-code" required=true/>
                <button type="submit" class="button">{t.mfa_confirm}</button>
            </form>
        }
        .into_any()
    };
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.mfa_title>
                <div class="narrow">
                    <p><a href="/account">{t.account_title}</a></p>
                    <h1>{t.mfa_title}</h1>
                    <p>{t.mfa_intro}</p>
                    {body}
                </div>
            </Layout>
        },
    ))
}

/// The QR code of the secret being set up (never cached; nothing once the factor is on).
pub async fn qr(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    let email = ctx.require_user()?.email.clone();
    let enrolment = second_factor::enrolment(&state, &who, &email)
        .await
        .map_err(|_| AppError::NotFound)?;
    let svg = crate::components::qr::svg(&enrolment.uri).map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        svg,
    )
        .into_response())
}

fn challenge_token(headers: &HeaderMap) -> String {
    Cookies::parse(headers)
        .get(CHALLENGE_COOKIE)
        .unwrap_or_default()
        .to_string()
}

pub async fn code_page(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if !second_factor::challenge_is_live(&state.db, &challenge_token(&headers)).await? {
        return Ok(redirect("/login"));
    }
    Ok(render_code(&ctx, FormErrors::default(), StatusCode::OK))
}

pub async fn code(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, AppError> {
    let token = challenge_token(&headers);
    match second_factor::answer(&state, &token, &form.code, &ctx.actor()).await {
        Ok((account_id, next)) => {
            open_session(&state, &ctx, &headers, account_id, &next, false).await
        }
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let errors = refused.errors.clone();
            Ok(refused.finish(render_code(&ctx, errors, refused.status)))
        }
    }
}

fn render_code(ctx: &Ctx, errors: FormErrors, status: StatusCode) -> Response {
    let ctx = ctx.clone();
    let t = ctx.t();
    page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.mfa_login_title>
                <div class="narrow">
                    <h1>{t.mfa_login_title}</h1>
                    <p>{t.mfa_login_intro}</p>
                    <ErrorSummary errors=errors.clone() t=t labels=vec![("code", t.mfa_code)]/>
                    <form method="post" action="/login/second-factor" novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <Field label=t.mfa_code name="code" kind="text" error=errors.get("code")
                            autocomplete="one-time-code" required=true/>
                        <button type="submit" class="button">{t.login_submit}</button>
                    </form>
                    <p><a href="/login">{t.login_title}</a></p>
                </div>
            </Layout>
        },
    )
}
