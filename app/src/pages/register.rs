//! `/register`: anyone may open an account (the applicant role); offices come later. The answer
//! is the same whether or not the address already had an account (`/register/sent`).

use super::refused_form;
use crate::components::{CsrfInput, ErrorSummary, Field, FormErrors, Layout};
use crate::i18n::fill;
use crate::services::accounts::{self, Registration};
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
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
    CsrfForm(form): CsrfForm<Registration>,
) -> Result<Response, AppError> {
    match accounts::register(&state, &form, ctx.lang, &ctx.actor()).await {
        // the same answer whether the address was new or already had an account
        Ok(()) => Ok(redirect("/register/sent")),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let (status, errors) = (refused.status, refused.errors.clone());
            Ok(refused.finish(render(&state, &ctx, &form, errors, status)))
        }
    }
}

/// What every registration is answered with: look in your mail.
pub async fn sent(ctx: Ctx) -> Response {
    let t = ctx.t();
    page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.register_sent_title>
                <div class="narrow">
                    <h1>{t.register_sent_title}</h1>
                    <p>{t.register_sent_text}</p>
                    <p><a class="button" href="/login">{t.register_login_link}</a></p>
                </div>
            </Layout>
        },
    )
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
