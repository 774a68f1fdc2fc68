//! `/admin/accounts`: every account, its roles and offices; granting and revoking offices,
//! disabling accounts. Administrators only; every change lands in the audit trail.

use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, Notice, OfficeTable, SelectField,
};
use crate::domain::roles::{Grant, Role};
use crate::error::Invalid;
use crate::i18n::{ChoiceInvalid, DateInvalid, Lang, datetime, role_name};
use crate::pages::refused_form;
use crate::services::authority::Admin;
use crate::services::{accounts, institutions, network, offices};
use crate::web::{CsrfForm, Ctx, NoFields, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    q: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    Admin::check(ctx.user.as_ref())?;
    let t = ctx.t();
    let rows = accounts::search(&state.db, &query.q).await?;
    let count = rows.len();
    let rows = rows
        .into_iter()
        .map(|a| {
            let status = if a.disabled_at.is_some() { t.admin_account_disabled } else { t.admin_account_enabled };
            view! {
                <tr>
                    <th scope="row"><a href=format!("/admin/accounts/{}", a.id)>{a.full_name}</a></th>
                    <td>{a.email}</td>
                    <td>{a.institution.unwrap_or_default()}</td>
                    <td>{datetime(a.created_at.0)}</td>
                    <td>{a.last_login_at.map(|l| datetime(l.0)).unwrap_or_else(|| "—".into())}</td>
                    <td>{status}</td>
                </tr>
            }
        })
        .collect_view();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.admin_accounts_title>
                <h1>{t.admin_accounts_title}</h1>
                <form method="get" action="/admin/accounts" class="search-form" role="search">
                    <Field label=t.admin_accounts_search name="q" kind="search" value=query.q.clone()/>
                    <button type="submit" class="button">{t.search_submit}</button>
                </form>
                <p class="hint">{crate::i18n::fill(t.admin_accounts_count, &[("count", &count)])}</p>
                <div class="table-scroll" role="region" aria-label=t.admin_accounts_title tabindex="0">
                    <table>
                        <thead><tr>
                            <th scope="col">{t.field_full_name}</th>
                            <th scope="col">{t.field_email}</th>
                            <th scope="col">{t.col_institution}</th>
                            <th scope="col">{t.col_created}</th>
                            <th scope="col">{t.col_last_login}</th>
                            <th scope="col">{t.col_state}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </Layout>
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    ok: String,
}

/// The grant form as typed, kept when it is refused.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct GrantForm {
    role: String,
    collective_id: String,
    starts_on: String,
    ends_on: String,
    note: String,
}

impl GrantForm {
    fn parse(&self, today: NaiveDate) -> Result<Grant, AppError> {
        let mut invalid = Invalid::new();
        let role = Role::parse(self.role.trim());
        if role.is_none() {
            invalid.add("role", ChoiceInvalid);
        }
        let collective_id = match self.collective_id.trim() {
            "" => None,
            s => s.parse::<i64>().map(Some).unwrap_or_else(|_| {
                invalid.add("collective_id", ChoiceInvalid);
                None
            }),
        };
        let mut date = |field: &'static str, s: &str| -> Option<NaiveDate> {
            match s.trim() {
                "" => None,
                s => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map(Some)
                    .unwrap_or_else(|_| {
                        invalid.add(field, DateInvalid);
                        None
                    }),
            }
        };
        let starts_on = date("starts_on", &self.starts_on).unwrap_or(today);
        let ends_on = date("ends_on", &self.ends_on);
        invalid.into_result()?;
        Ok(Grant {
            role: role.ok_or_else(|| AppError::internal("role checked above"))?,
            collective_id,
            starts_on,
            ends_on,
        })
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    Admin::check(ctx.user.as_ref())?;
    let t = ctx.t();
    let notice = match q.ok.as_str() {
        "granted" => Some(t.admin_notice_granted),
        "revoked" => Some(t.admin_notice_revoked),
        "disabled" => Some(t.admin_notice_disabled),
        "enabled" => Some(t.admin_notice_enabled),
        "person" => Some(t.inst_notice_person),
        "second_factor_reset" => Some(t.mfa_reset_done),
        _ => None,
    };
    render_show(
        &state,
        &ctx,
        id,
        notice,
        &GrantForm::default(),
        FormErrors::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn grant(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<GrantForm>,
) -> Result<Response, AppError> {
    let admin = Admin::check(ctx.user.as_ref())?;
    let account = accounts::get(&state.db, id).await?;
    let result = match form.parse(Utc::now().date_naive()) {
        Ok(grant) => offices::grant(
            &state,
            &admin,
            account.person_id,
            &grant,
            &form.note,
            &ctx.actor(),
        )
        .await
        .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(redirect(&format!("/admin/accounts/{id}?ok=granted"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let (status, errors) = (refused.status, refused.errors.clone());
            render_show(
                &state,
                &ctx,
                id,
                None,
                &form,
                errors,
                FormErrors::default(),
                status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RevokeForm {
    reason: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(office_id): Path<i64>,
    CsrfForm(form): CsrfForm<RevokeForm>,
) -> Result<Response, AppError> {
    let admin = Admin::check(ctx.user.as_ref())?;
    let person_id: i64 = sqlx::query_scalar("SELECT person_id FROM offices WHERE id = ?")
        .bind(office_id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let account_id = accounts::id_for_person(&state.db, person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    match offices::revoke(&state, &admin, office_id, &form.reason, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!(
            "/admin/accounts/{account_id}?ok=revoked"
        ))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let (status, errors) = (refused.status, refused.errors.clone());
            render_show(
                &state,
                &ctx,
                account_id,
                None,
                &GrantForm::default(),
                FormErrors::default(),
                errors,
                status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PersonForm {
    institution_id: String,
    profile: String,
    member_collective_id: String,
    member_since: String,
}

/// Sets the person's institution and profile (business / technical, for commission seats).
pub async fn set_person(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PersonForm>,
) -> Result<Response, AppError> {
    let admin = Admin::check(ctx.user.as_ref())?;
    let account = accounts::get(&state.db, id).await?;
    let result = institutions::set_person(
        &state,
        &admin,
        account.person_id,
        &form.institution_id,
        &form.profile,
        &ctx.actor(),
    )
    .await;
    person_result(&state, &ctx, id, result).await
}

/// Makes the person an individual member of a collective from a day.
pub async fn add_membership(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PersonForm>,
) -> Result<Response, AppError> {
    let admin = Admin::check(ctx.user.as_ref())?;
    let account = accounts::get(&state.db, id).await?;
    let result = institutions::add_membership(
        &state,
        &admin,
        &form.member_collective_id,
        crate::services::memberships::Member::Person(account.person_id),
        &form.member_since,
        &ctx.actor(),
    )
    .await
    .map(|_| ());
    person_result(&state, &ctx, id, result).await
}

async fn person_result(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    result: Result<(), AppError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(redirect(&format!("/admin/accounts/{id}?ok=person"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let (status, errors) = (refused.status, refused.errors.clone());
            render_show(
                state,
                ctx,
                id,
                None,
                &GrantForm::default(),
                FormErrors::default(),
                errors,
                status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

pub async fn disable(
    state: State<AppState>,
    ctx: Ctx,
    id: Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    set_disabled(state, ctx, id, true).await
}

pub async fn enable(
    state: State<AppState>,
    ctx: Ctx,
    id: Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    set_disabled(state, ctx, id, false).await
}

/// The administrator turns someone's second factor off (a lost device).
pub async fn reset_second_factor(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let admin = Admin::check(ctx.user.as_ref())?;
    crate::services::second_factor::reset(&state, &admin, id, &ctx.actor()).await?;
    Ok(redirect(&format!(
        "/admin/accounts/{id}?ok=second_factor_reset"
    )))
}

async fn set_disabled(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    disabled: bool,
) -> Result<Response, AppError> {
    let admin = Admin::check(ctx.user.as_ref())?;
    match accounts::set_disabled(&state.db, &admin, id, disabled, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!(
            "/admin/accounts/{id}?ok={}",
            if disabled { "disabled" } else { "enabled" }
        ))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let (status, errors) = (refused.status, refused.errors.clone());
            render_show(
                &state,
                &ctx,
                id,
                None,
                &GrantForm::default(),
                FormErrors::default(),
                errors,
                status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn render_show(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    notice: Option<&'static str>,
    form: &GrantForm,
    grant_errors: FormErrors,
    account_errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let form = form.clone();
    let t = ctx.t();
    let account = accounts::get(&state.db, id).await?;
    let held = offices::for_person(&state.db, account.person_id).await?;
    let role_options: Vec<(String, String)> =
        std::iter::once((String::new(), t.choose_one.to_string()))
            .chain(
                Role::ALL
                    .into_iter()
                    .filter(|r| r.is_granted())
                    .map(|r| (r.as_str().to_string(), role_name(r, t).to_string())),
            )
            .collect();
    let collective_options: Vec<(String, String)> =
        std::iter::once((String::new(), t.admin_grant_no_collective.to_string()))
            .chain(
                network::collective_choices(&state.db)
                    .await?
                    .into_iter()
                    .map(|(id, es, en)| {
                        (id.to_string(), if ctx.lang == Lang::Es { es } else { en })
                    }),
            )
            .collect();
    let person: (Option<i64>, String) =
        sqlx::query_as("SELECT institution_id, profile FROM people WHERE id = ?")
            .bind(account.person_id)
            .fetch_one(&state.db)
            .await?;
    let institution_options: Vec<(String, String)> =
        std::iter::once((String::new(), t.inst_no_institution.to_string()))
            .chain(
                institutions::choices(&state.db)
                    .await?
                    .into_iter()
                    .map(|(id, n)| (id.to_string(), n)),
            )
            .collect();
    let profile_options: Vec<(String, String)> = vec![
        (String::new(), t.seat_profile_none.to_string()),
        ("business".into(), t.seat_profile_business.to_string()),
        ("technical".into(), t.seat_profile_technical.to_string()),
    ];
    let member_collectives: Vec<(String, String)> =
        collective_options.iter().skip(1).cloned().collect();
    let second_factor = crate::services::second_factor::is_on(&state.db, id).await?;
    let reset_form = second_factor.then(|| {
        view! {
            <form method="post" action=format!("/admin/accounts/{id}/second-factor/reset")>
                <CsrfInput ctx=ctx.clone()/>
                <p class="hint">{t.mfa_reset_hint}</p>
                <button type="submit" class="button button-secondary">{t.mfa_reset}</button>
            </form>
        }
    });
    let disabled = account.disabled_at.is_some();
    let (toggle_action, toggle_label) = if disabled {
        (format!("/admin/accounts/{id}/enable"), t.admin_enable)
    } else {
        (format!("/admin/accounts/{id}/disable"), t.admin_disable)
    };
    let title = account.full_name.clone();
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=title.clone()>
                <p><a href="/admin/accounts">{t.admin_back_to_accounts}</a></p>
                <h1>{title}</h1>
                {notice.map(|n| view! { <Notice text=n/> })}
                <ErrorSummary errors=account_errors t=t/>
                <dl class="facts">
                    <div><dt>{t.field_email}</dt><dd>{account.email.clone()}</dd></div>
                    <div><dt>{t.col_institution}</dt><dd>{account.institution.clone().unwrap_or_else(|| "—".into())}</dd></div>
                    <div><dt>{t.col_created}</dt><dd>{datetime(account.created_at.0)}</dd></div>
                    <div><dt>{t.col_last_login}</dt><dd>{account.last_login_at.map(|l| datetime(l.0)).unwrap_or_else(|| "—".into())}</dd></div>
                    <div><dt>{t.col_state}</dt><dd>{if disabled { t.admin_account_disabled } else { t.admin_account_enabled }}</dd></div>
                    <div><dt>{t.mfa_title}</dt><dd>{if second_factor { t.mfa_state_on } else { t.mfa_state_off }}</dd></div>
                </dl>
                {reset_form}
                <form method="post" action=toggle_action>
                    <CsrfInput ctx=ctx.clone()/>
                    <button type="submit" class="button button-secondary">{toggle_label}</button>
                </form>
                <p><a href=format!("/admin/audit?entity=account:{id}")>{t.admin_account_history}</a></p>
                <section aria-labelledby="offices-title">
                    <h2 id="offices-title">{t.account_offices}</h2>
                    <OfficeTable ctx=ctx.clone() offices=held can_revoke=true/>
                </section>
                <section aria-labelledby="person-title" class="narrow">
                    <h2 id="person-title">{t.inst_person_title}</h2>
                    <form method="post" action=format!("/admin/accounts/{id}/person") novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <SelectField label=t.col_institution name="institution_id" options=institution_options selected=person.0.map(|i| i.to_string()).unwrap_or_default()/>
                        <SelectField label=t.inst_profile name="profile" options=profile_options selected=person.1.clone()/>
                        <button type="submit" class="button">{t.inst_person_submit}</button>
                    </form>
                    <form method="post" action=format!("/admin/accounts/{id}/memberships") novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <SelectField label=t.inst_member_collective name="member_collective_id" options=member_collectives/>
                        <Field label=t.inst_member_since name="member_since" kind="date" value=Utc::now().date_naive().to_string()/>
                        <button type="submit" class="button button-secondary">{t.inst_add_individual}</button>
                    </form>
                </section>
                <section aria-labelledby="grant-title" class="narrow">
                    <h2 id="grant-title">{t.admin_grant_title}</h2>
                    <p class="hint">{t.admin_grant_intro}</p>
                    <ErrorSummary errors=grant_errors.clone() t=t labels=vec![("role", t.col_role), ("collective_id", t.col_collective), ("starts_on", t.field_starts_on), ("ends_on", t.field_ends_on)]/>
                    <form method="post" action=format!("/admin/accounts/{id}/offices") novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <SelectField label=t.col_role name="role" options=role_options selected=form.role.clone() error=grant_errors.get("role")/>
                        <SelectField label=t.col_collective name="collective_id" options=collective_options
                            selected=form.collective_id.clone() error=grant_errors.get("collective_id")/>
                        <Field label=t.field_starts_on name="starts_on" kind="date" value=form.starts_on.clone()
                            error=grant_errors.get("starts_on") hint=t.field_starts_on_hint.to_string()/>
                        <Field label=t.field_ends_on name="ends_on" kind="date" value=form.ends_on.clone()
                            error=grant_errors.get("ends_on") hint=t.field_ends_on_hint.to_string()/>
                        <Field label=t.field_note name="note" value=form.note.clone()/>
                        <button type="submit" class="button">{t.admin_grant_submit}</button>
                    </form>
                </section>
            </Layout>
        },
    ))
}
