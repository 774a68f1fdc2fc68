//! `/admin/reporting`: the report calendar's obligations (who owes what to whom, how often, by
//! which day) and, per obligation, the form an administrator changes them with (audited).

use super::{debtor_name, period_name, recipient_name};
use crate::components::{CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField};
use crate::domain::reporting::{Debtor, Obligation, Period};
use crate::pages::refused_form;
use crate::services::authority::{Administering, Allowed};
use crate::services::reporting::{self, ObligationForm};
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    Allowed::<Administering>::check(ctx.user.as_ref())?;
    let t = ctx.t();
    let rows = reporting::obligations(&state.db)
        .await?
        .into_iter()
        .map(|o| {
            view! {
                <tr>
                    <th scope="row">{debtor_name(o.debtor, t)}</th>
                    <td>{recipient_name(o.debtor.recipient(), t)}</td>
                    <td>{period_name(o.period, t)}</td>
                    <td>{o.due_day}</td>
                    <td>{o.starts_on.to_string()}</td>
                    <td>{if o.active { t.report_active_yes } else { t.report_active_no }}</td>
                    <td><a href=format!("/admin/reporting/{}", o.debtor.as_str())>{t.report_admin_edit}</a></td>
                </tr>
            }
        })
        .collect_view();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.report_admin_title>
                <h1>{t.report_admin_title}</h1>
                <p>{t.report_admin_intro}</p>
                <div class="table-scroll" role="region" aria-label=t.report_admin_title tabindex="0">
                    <table>
                        <thead><tr>
                            <th scope="col">{t.report_col_debtor}</th>
                            <th scope="col">{t.report_col_to}</th>
                            <th scope="col">{t.report_col_period}</th>
                            <th scope="col">{t.report_col_due_day}</th>
                            <th scope="col">{t.report_col_starts}</th>
                            <th scope="col">{t.report_col_active}</th>
                            <th scope="col"><span class="visually-hidden">{t.report_admin_edit}</span></th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <p><a href="/reporting">{t.report_compliance_heading}</a></p>
            </Layout>
        },
    ))
}

fn form_of(o: &Obligation) -> ObligationForm {
    ObligationForm {
        debtor: o.debtor.as_str().into(),
        period: o.period.as_str().into(),
        due_day: o.due_day.to_string(),
        starts_on: o.starts_on.to_string(),
        active: o.active.then(|| "1".into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(debtor): Path<String>,
) -> Result<Response, AppError> {
    Allowed::<Administering>::check(ctx.user.as_ref())?;
    let debtor = Debtor::parse(&debtor).ok_or(AppError::NotFound)?;
    let o = reporting::obligation(&state.db, debtor).await?;
    render(
        &ctx,
        debtor,
        &form_of(&o),
        FormErrors::default(),
        StatusCode::OK,
    )
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<ObligationForm>,
) -> Result<Response, AppError> {
    let admin = Allowed::<Administering>::check(ctx.user.as_ref())?;
    let debtor = Debtor::parse(form.debtor.trim()).ok_or(AppError::NotFound)?;
    match reporting::update_obligation(&state.db, &admin, &form, &ctx.actor()).await {
        Ok(()) => Ok(redirect("/admin/reporting")),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(&ctx, debtor, &form, refused.errors.clone(), refused.status)
                .map(|r| refused.finish(r))
        }
    }
}

fn render(
    ctx: &Ctx,
    debtor: Debtor,
    form: &ObligationForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let (ctx, form) = (ctx.clone(), form.clone());
    let periods: Vec<(String, String)> = Period::ALL
        .iter()
        .map(|p| (p.as_str().to_string(), period_name(*p, t).to_string()))
        .collect();
    let labels = vec![
        ("period", t.report_col_period),
        ("due_day", t.report_col_due_day),
        ("starts_on", t.report_col_starts),
    ];
    let title = debtor_name(debtor, t);
    let active = form.active.is_some();
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=title>
                <p><a href="/admin/reporting">{t.report_admin_title}</a></p>
                <h1>{title}</h1>
                <p>{recipient_name(debtor.recipient(), t)}</p>
                <ErrorSummary errors=errors.clone() t=t labels=labels/>
                <form method="post" action="/admin/reporting" class="narrow" novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <input type="hidden" name="debtor" value=debtor.as_str()/>
                    <SelectField label=t.report_col_period name="period" options=periods selected=form.period.clone() error=errors.get("period")/>
                    <Field label=t.report_col_due_day name="due_day" kind="number" value=form.due_day.clone() error=errors.get("due_day") hint=t.report_due_day_hint.to_string() required=true/>
                    <Field label=t.report_col_starts name="starts_on" kind="date" value=form.starts_on.clone() error=errors.get("starts_on") required=true/>
                    <div class="field checkbox">
                        <input type="checkbox" id="active" name="active" value="1" checked=active/>
                        <label for="active">{t.report_col_active}</label>
                    </div>
                    <button type="submit" class="button">{t.report_admin_save}</button>
                </form>
            </Layout>
        },
    ))
}
