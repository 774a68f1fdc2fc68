//! `/account`: who I am, which roles I hold and until when, my password and my language.

use super::refused_form;
use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, Notice, OfficeTable, SelectField,
};
use crate::i18n::{ChoiceInvalid, Lang, datetime, fill, role_name};
use crate::services::accounts::{self, PasswordChange};
use crate::services::offices;
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState, error::Invalid};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AccountQuery {
    ok: String,
}

pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AccountQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let notice = match q.ok.as_str() {
        "password" => Some(t.account_notice_password),
        "language" => Some(t.account_notice_language),
        "verified" => Some(t.email_verify_done),
        "verification_sent" => Some(t.email_verify_resent),
        _ => None,
    };
    let page = Page {
        notice,
        ..Page::default()
    };
    render(&state, &ctx, page, StatusCode::OK).await
}

pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<PasswordChange>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match accounts::change_password(&state, &who, &form, &ctx.actor()).await {
        Ok(()) => Ok(redirect("/account?ok=password")),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let page = Page {
                password_errors: refused.errors.clone(),
                ..Page::default()
            };
            render(&state, &ctx, page, refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LanguageForm {
    locale: String,
}

pub async fn change_language(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<LanguageForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    let Some(lang) = Lang::parse(&form.locale) else {
        let refused = refused_form(
            AppError::Invalid(Invalid::one("locale", ChoiceInvalid)),
            ctx.t(),
        )?;
        let page = Page {
            language_errors: refused.errors.clone(),
            ..Page::default()
        };
        return render(&state, &ctx, page, refused.status)
            .await
            .map(|r| refused.finish(r));
    };
    accounts::set_locale(&state.db, &who, lang, &ctx.actor()).await?;
    let mut response = redirect("/account?ok=language");
    crate::web::add_cookies(&mut response, &[super::lang::cookie(&state, lang)])?;
    Ok(response)
}

/// What the account page shows besides the account: a notice, and the refusal of one of its
/// forms.
#[derive(Default)]
pub(crate) struct Page {
    pub notice: Option<&'static str>,
    pub password_errors: FormErrors,
    pub language_errors: FormErrors,
    pub verify_errors: FormErrors,
}

pub(crate) async fn render(
    state: &AppState,
    ctx: &Ctx,
    page_state: Page,
    status: StatusCode,
) -> Result<Response, AppError> {
    let Page {
        notice,
        password_errors,
        language_errors,
        verify_errors,
    } = page_state;
    let ctx = ctx.clone();
    let user = ctx.require_user()?.clone();
    let t = ctx.t();
    let account = accounts::get(&state.db, user.account_id).await?;
    let verified = crate::services::identity::verified_at(&state.db, user.account_id).await?;
    let verification = match verified {
        Some(at) => view! { <p class="hint">{fill(t.email_verify_status_done, &[("at", &datetime(at.0))])}</p> }.into_any(),
        None => view! {
            <div class="notice-box" id="verify">
                <p>{t.email_verify_status_pending}</p>
                <ErrorSummary errors=verify_errors.clone() t=t/>
                <form method="post" action="/account/verify/resend">
                    <CsrfInput ctx=ctx.clone()/>
                    <button type="submit" class="button">{t.email_verify_resend}</button>
                </form>
            </div>
        }
        .into_any(),
    };
    let held = offices::for_person(&state.db, user.person_id).await?;
    // the institutions' identities one signs in with, when the portal offers any
    let linked = crate::services::oidc::linked_to(&state.db, user.account_id).await?;
    let linked = (!linked.is_empty() || !state.oidc.is_empty()).then(|| {
        let items = linked
            .iter()
            .map(|l| {
                fill(
                    t.oidc_linked_item,
                    &[
                        ("provider", &crate::services::oidc::provider_name(state, &l.issuer)),
                        ("email", &l.email),
                        ("when", &datetime(l.linked_at.0)),
                    ],
                )
            })
            .collect::<Vec<_>>();
        let body = if items.is_empty() {
            view! { <span>{t.oidc_linked_none}</span> }.into_any()
        } else {
            view! { <ul class="plain">{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul> }.into_any()
        };
        view! { <div><dt>{t.oidc_linked_title}</dt><dd>{body}</dd></div> }
    });
    let roles = user
        .roles
        .iter()
        .map(|r| role_name(*r, t))
        .collect::<Vec<_>>()
        .join(", ");
    let password_hint = fill(
        t.field_password_hint,
        &[("min", &state.settings.password_min_length)],
    );
    let locale_options = Lang::ALL
        .iter()
        .map(|l| (l.code().to_string(), l.native_name().to_string()))
        .collect::<Vec<_>>();
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.account_title>
                <h1>{t.account_title}</h1>
                {notice.map(|n| view! { <Notice text=n/> })}
                {user.must_set_up_second_factor().then(|| view! {
                    <div class="notice-box"><p>{t.mfa_problem_required}" "<a href="/account/second-factor">{t.mfa_set_up}</a></p></div>
                })}
                <section aria-labelledby="profile-title">
                    <h2 id="profile-title">{t.account_profile}</h2>
                    <dl class="facts">
                        <div><dt>{t.field_full_name}</dt><dd>{account.full_name.clone()}</dd></div>
                        <div><dt>{t.field_email}</dt><dd>{account.email.clone()}{verification}</dd></div>
                        <div><dt>{t.col_institution}</dt><dd>{account.institution.clone().unwrap_or_else(|| "—".into())}</dd></div>
                        <div><dt>{t.account_roles_today}</dt><dd>{roles}</dd></div>
                        <div><dt>{t.account_created}</dt><dd>{datetime(account.created_at.0)}</dd></div>
                        {linked}
                    </dl>
                </section>
                <section aria-labelledby="offices-title">
                    <h2 id="offices-title">{t.account_offices}</h2>
                    <OfficeTable ctx=ctx.clone() offices=held/>
                </section>
                <section aria-labelledby="next-title">
                    <h2 id="next-title">{t.account_next_title}</h2>
                    <ul>
                        <li><a href="/network/requests/new">{t.account_next_node}</a></li>
                        <li><a href="/calls">{t.account_next_calls}</a></li>
                        <li><a href="/advisory/apply">{t.account_next_advisory}</a></li>
                        <li><a href="/collectives/request">{t.account_next_collective}</a></li>
                        <li><a href="/account/delegations">{t.account_next_delegations}</a></li>
                        <li><a href="/account/sessions">{t.sessions_title}</a></li>
                        <li><a href="/account/second-factor">{t.mfa_title}</a></li>
                        <li><a href="/meetings">{t.account_next_meetings}</a></li>
                    </ul>
                </section>
                <section aria-labelledby="password-title" class="narrow">
                    <h2 id="password-title">{t.account_password_title}</h2>
                    <ErrorSummary errors=password_errors.clone() t=t labels=vec![("current_password", t.field_current_password), ("new_password", t.field_new_password), ("new_password_confirm", t.field_new_password_confirm)]/>
                    <form method="post" action="/account/password" novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <Field label=t.field_current_password name="current_password" kind="password"
                            error=password_errors.get("current_password") autocomplete="current-password" required=true/>
                        <Field label=t.field_new_password name="new_password" kind="password" error=password_errors.get("new_password")
                            hint=password_hint autocomplete="new-password" required=true/>
                        <Field label=t.field_new_password_confirm name="new_password_confirm" kind="password"
                            error=password_errors.get("new_password_confirm") autocomplete="new-password" required=true/>
                        <button type="submit" class="button">{t.account_password_submit}</button>
                    </form>
                </section>
                <section aria-labelledby="language-title" class="narrow">
                    <h2 id="language-title">{t.account_language_title}</h2>
                    <form method="post" action="/account/language">
                        <CsrfInput ctx=ctx.clone()/>
                        <SelectField label=t.field_language name="locale" options=locale_options selected=user.locale.code()
                            error=language_errors.get("locale")/>
                        <button type="submit" class="button">{t.account_language_submit}</button>
                    </form>
                </section>
            </Layout>
        },
    ))
}
