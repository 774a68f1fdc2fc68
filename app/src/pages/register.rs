//! `/register`: anyone may open an account (the applicant role); offices come later.

use super::refused_form;
use crate::components::{CsrfInput, ErrorSummary, Field, FormErrors, Layout};
use crate::i18n::fill;
use crate::services::accounts::{self, Registration};
use crate::services::sessions;
use crate::web::{CsrfForm, Ctx, SESSION_COOKIE, page, redirect, set_cookie};
use crate::{AppError, AppState};
use axum::extract::State;
use axum::http::header::{SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use leptos::prelude::*;

pub async fn get(State(state): State<AppState>, ctx: Ctx) -> Response {
    if ctx.user.is_some() {
        return redirect("/account");
    }
    render(
        &state,
        &ctx,
        &Registration::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
}

pub async fn post(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<Registration>,
) -> Result<Response, AppError> {
    match accounts::register(&state, &form, &ctx.actor()).await {
        Ok(account_id) => {
            let agent = headers
                .get(USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let token = sessions::create(&state, account_id, &ctx.ip, agent).await?;
            let mut response = redirect("/account?ok=registered");
            let cookie = set_cookie(
                SESSION_COOKIE,
                &token,
                None,
                true,
                state.settings.secure_cookies(),
            );
            response.headers_mut().append(
                SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(AppError::internal)?,
            );
            Ok(response)
        }
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let (status, errors) = (refused.status, refused.errors.clone());
            Ok(refused.finish(render(&state, &ctx, &form, errors, status)))
        }
    }
}

fn render(
    state: &AppState,
    ctx: &Ctx,
    form: &Registration,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let (ctx, form) = (ctx.clone(), form.clone());
    let t = ctx.t();
    let password_hint = fill(
        t.field_password_hint,
        &[("min", &state.settings.password_min_length)],
    );
    page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.register_title>
                <div class="narrow">
                    <h1>{t.register_title}</h1>
                    <p>{t.register_intro}</p>
                    <ErrorSummary errors=errors.clone() t=t labels=vec![("full_name", t.field_full_name), ("email", t.field_email), ("password", t.field_password), ("password_confirm", t.field_password_confirm)]/>
                    <form method="post" action="/register" novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <Field label=t.field_full_name name="full_name" value=form.full_name.clone() error=errors.get("full_name")
                            autocomplete="name" required=true/>
                        <Field label=t.field_email name="email" kind="email" value=form.email.clone() error=errors.get("email")
                            autocomplete="email" required=true/>
                        <Field label=t.field_password name="password" kind="password" error=errors.get("password")
                            hint=password_hint autocomplete="new-password" required=true/>
                        <Field label=t.field_password_confirm name="password_confirm" kind="password"
                            error=errors.get("password_confirm") autocomplete="new-password" required=true/>
                        <button type="submit" class="button">{t.register_submit}</button>
                    </form>
                    <p>{t.register_have_account}" "<a href="/login">{t.register_login_link}</a></p>
                </div>
            </Layout>
        },
    )
}
