//! `/admin/institutions`: the network's institutions and the memberships of institutions and
//! individuals in collectives (with the day each started). Administrators only; every change is
//! audited.

use crate::components::{CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField};
use crate::i18n::sector_name;
use crate::pages::refused_form;
use crate::services::authority::Admin;
use crate::services::institutions::{self, InstitutionForm, SECTORS};
use crate::services::memberships::Member;
use crate::services::network;
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MembershipForm {
    institution_id: String,
    collective_id: String,
    since: String,
    until: String,
}

/// Which form of the page was refused, to show its errors and values.
#[derive(Clone, Debug, Default)]
struct Typed {
    institution: InstitutionForm,
    membership: MembershipForm,
    which: &'static str,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    Admin::check(ctx.user.as_ref())?;
    render(
        &state,
        &ctx,
        Typed::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<InstitutionForm>,
) -> Result<Response, AppError> {
    let admin = Admin::check(ctx.user.as_ref())?;
    match institutions::create(&state, &admin, &form, &ctx.actor()).await {
        Ok(_) => Ok(redirect("/admin/institutions")),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let typed = Typed {
                institution: form,
                which: "institution",
                ..Typed::default()
            };
            render(&state, &ctx, typed, refused.errors.clone(), refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

pub async fn add_membership(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<MembershipForm>,
) -> Result<Response, AppError> {
    let admin = Admin::check(ctx.user.as_ref())?;
    let institution: i64 = form.institution_id.trim().parse().unwrap_or(0);
    match institutions::add_membership(
        &state,
        &admin,
        &form.collective_id,
        Member::Institution(institution),
        &form.since,
        &ctx.actor(),
    )
    .await
    {
        Ok(_) => Ok(redirect("/admin/institutions#memberships")),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let typed = Typed {
                membership: form,
                which: "membership",
                ..Typed::default()
            };
            render(&state, &ctx, typed, refused.errors.clone(), refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

pub async fn end_membership(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<MembershipForm>,
) -> Result<Response, AppError> {
    let admin = Admin::check(ctx.user.as_ref())?;
    match institutions::end_membership(&state, &admin, id, &form.until, &ctx.actor()).await {
        Ok(()) => Ok(redirect("/admin/institutions#memberships")),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let typed = Typed {
                which: "end",
                ..Typed::default()
            };
            render(&state, &ctx, typed, refused.errors.clone(), refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    typed: Typed,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let t = ctx.t();
    let lang = ctx.lang;
    let today = Utc::now().date_naive().to_string();
    let overview = network::overview(&state.db).await?;
    let memberships = institutions::memberships(&state.db).await?;
    let inst_rows = overview
        .institutions
        .iter()
        .map(|i| {
            view! {
                <tr>
                    <th scope="row">{i.name.clone()}</th>
                    <td>{sector_name(&i.sector, t)}</td>
                    <td>{i.website.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let member_rows = memberships
        .iter()
        .map(|m| {
            let until_id = format!("until-{}", m.id);
            let end = m.until.is_none().then(|| view! {
                <form method="post" action=format!("/admin/memberships/{}/end", m.id) class="inline-form">
                    <CsrfInput ctx=ctx.clone()/>
                    <label for=until_id.clone()>{t.inst_until}</label>
                    <input id=until_id type="date" name="until" value=today.clone() required=true/>
                    <button type="submit" class="button button-secondary">{t.inst_end_membership}</button>
                </form>
            });
            view! {
                <tr>
                    <th scope="row">{m.member.clone()}</th>
                    <td>{lang.pick(&m.collective_es, &m.collective_en)}</td>
                    <td>{if m.institution_id.is_some() { t.gov_member_institution } else { t.gov_member_individual }}</td>
                    <td>{m.since.to_string()}</td>
                    <td>{m.until.map(|u| u.to_string()).unwrap_or_default()}{end}</td>
                </tr>
            }
        })
        .collect_view();
    let sectors: Vec<(String, String)> = std::iter::once((String::new(), t.choose_one.to_string()))
        .chain(
            SECTORS
                .iter()
                .map(|s| (s.to_string(), sector_name(s, t).to_string())),
        )
        .collect();
    let institutions_opts: Vec<(String, String)> =
        std::iter::once((String::new(), t.choose_one.to_string()))
            .chain(
                institutions::choices(&state.db)
                    .await?
                    .into_iter()
                    .map(|(id, n)| (id.to_string(), n)),
            )
            .collect();
    let collectives: Vec<(String, String)> =
        std::iter::once((String::new(), t.choose_one.to_string()))
            .chain(
                network::collective_choices(&state.db)
                    .await?
                    .into_iter()
                    .map(|(id, es, en)| (id.to_string(), lang.pick(&es, &en))),
            )
            .collect();
    let (ie, me, ee) = match typed.which {
        "institution" => (errors.clone(), FormErrors::default(), FormErrors::default()),
        "membership" => (FormErrors::default(), errors.clone(), FormErrors::default()),
        _ => (FormErrors::default(), FormErrors::default(), errors.clone()),
    };
    let f = typed.institution.clone();
    let m = typed.membership.clone();
    let since = if m.since.is_empty() {
        today.clone()
    } else {
        m.since.clone()
    };
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.inst_title>
                <h1>{t.inst_title}</h1>
                <p>{t.inst_intro}</p>
                <ErrorSummary errors=ee t=t/>
                <div class="table-scroll" role="region" aria-label=t.inst_title tabindex="0">
                    <table>
                        <thead><tr><th scope="col">{t.col_institution}</th><th scope="col">{t.col_sector}</th><th scope="col">{t.col_website}</th></tr></thead>
                        <tbody>{inst_rows}</tbody>
                    </table>
                </div>
                <section aria-labelledby="new-inst" class="narrow">
                    <h2 id="new-inst">{t.inst_new}</h2>
                    <ErrorSummary errors=ie.clone() t=t labels=vec![("name", t.inst_name), ("sector", t.col_sector), ("website", t.col_website)]/>
                    <form method="post" action="/admin/institutions" novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <Field label=t.inst_name name="name" value=f.name.clone() error=ie.get("name") required=true/>
                        <Field label=t.inst_short_name name="short_name" value=f.short_name.clone() error=ie.get("short_name")/>
                        <SelectField label=t.col_sector name="sector" options=sectors selected=f.sector.clone() error=ie.get("sector")/>
                        <Field label=t.inst_kind name="kind" value=f.kind.clone() error=ie.get("kind") hint=t.inst_kind_hint.to_string()/>
                        <Field label=t.inst_tax_id name="tax_id" value=f.tax_id.clone() error=ie.get("tax_id")/>
                        <Field label=t.col_website name="website" kind="url" value=f.website.clone() error=ie.get("website")/>
                        <button type="submit" class="button">{t.inst_create}</button>
                    </form>
                </section>
                <h2 id="memberships">{t.inst_memberships}</h2>
                <div class="table-scroll" role="region" aria-labelledby="memberships" tabindex="0">
                    <table>
                        <thead><tr>
                            <th scope="col">{t.gov_col_member}</th>
                            <th scope="col">{t.col_collective}</th>
                            <th scope="col">{t.gov_col_kind}</th>
                            <th scope="col">{t.gov_col_since}</th>
                            <th scope="col">{t.inst_until}</th>
                        </tr></thead>
                        <tbody>{member_rows}</tbody>
                    </table>
                </div>
                <section aria-labelledby="new-membership" class="narrow">
                    <h2 id="new-membership">{t.inst_add_membership}</h2>
                    <p class="hint">{t.inst_add_membership_hint}</p>
                    <ErrorSummary errors=me.clone() t=t labels=vec![("institution_id", t.col_institution), ("collective_id", t.col_collective), ("since", t.gov_col_since)]/>
                    <form method="post" action="/admin/memberships" novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <SelectField label=t.col_institution name="institution_id" options=institutions_opts selected=m.institution_id.clone() error=me.get("institution_id")/>
                        <SelectField label=t.col_collective name="collective_id" options=collectives selected=m.collective_id.clone() error=me.get("collective_id")/>
                        <Field label=t.gov_col_since name="since" kind="date" value=since error=me.get("since") required=true/>
                        <button type="submit" class="button">{t.inst_add_membership}</button>
                    </form>
                </section>
            </Layout>
        },
    ))
}
