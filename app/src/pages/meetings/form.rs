//! `/meetings/new` and `/meetings/{id}/edit`: scheduling a meeting of a body one convenes, and
//! changing a draft (date, time, place, link, titles, kind). Only the bodies one convenes are
//! offered; a refusal shows the form again with what was typed.

use super::{BodyNames, convened_by, convener};
use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField, TextArea,
};
use crate::domain::meetings::{Body, MeetingStatus};
use crate::error::Invalid;
use crate::pages::refused_form;
use crate::services::authority::Convener;
use crate::services::meetings::{self, MeetingForm, MeetingProblem};
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Days, Utc};
use leptos::prelude::*;

pub async fn new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_user()?;
    let bodies = convened_by(&state, &ctx).await?;
    let today = Utc::now().date_naive();
    let form = MeetingForm {
        body: bodies.first().map(Body::key).unwrap_or_default(),
        kind: "ordinary".into(),
        date: (today + Days::new(21)).to_string(),
        start_time: "10:00".into(),
        end_time: "12:00".into(),
        timezone: "America/Mexico_City".into(),
        ..MeetingForm::default()
    };
    render(
        &state,
        &ctx,
        None,
        &form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<MeetingForm>,
) -> Result<Response, AppError> {
    ctx.require_user()?;
    let bodies = convened_by(&state, &ctx).await?;
    let result = match meetings::check_form(&form) {
        // a body one does not convene is refused beside its field, keeping what was typed
        Ok(c) if !bodies.contains(&c.body) => {
            Err(Invalid::one("body", MeetingProblem::BodyNotYours).into())
        }
        Ok(c) => {
            let convener = Convener::of(&state.db, ctx.user.as_ref(), c.body).await?;
            meetings::create(&state, &convener, &form, &ctx.actor()).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(redirect(&format!("/meetings/{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(
                &state,
                &ctx,
                None,
                &form,
                refused.errors.clone(),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    convener(&state, &ctx, id).await?;
    let m = meetings::get(&state.db, id).await?;
    if m.status != MeetingStatus::Draft {
        return Ok(redirect(&format!("/meetings/{id}")));
    }
    render(
        &state,
        &ctx,
        Some(id),
        &MeetingForm::of(&m),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<MeetingForm>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    match meetings::update(&state, &convener, id, &form, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/meetings/{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(
                &state,
                &ctx,
                Some(id),
                &form,
                refused.errors.clone(),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

/// The form: a new meeting (`editing` is `None`) or a draft's.
async fn render(
    state: &AppState,
    ctx: &Ctx,
    editing: Option<i64>,
    form: &MeetingForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let form = form.clone();
    let t = ctx.t();
    let names = BodyNames::load(&state.db).await?;
    let convenable = convened_by(state, &ctx).await?;
    let bodies: Vec<(String, String)> = match editing {
        // a draft's body stays
        Some(_) => Body::parse(&form.body)
            .map(|b| vec![(b.key(), names.name(Some(b), ctx.lang))])
            .unwrap_or_default(),
        None => convenable
            .iter()
            .map(|b| (b.key(), names.name(Some(*b), ctx.lang)))
            .collect(),
    };
    let kinds = vec![
        ("ordinary".to_string(), t.mtg_kind_ordinary.to_string()),
        (
            "extraordinary".to_string(),
            t.mtg_kind_extraordinary.to_string(),
        ),
    ];
    let labels = vec![
        ("body", t.mtg_body),
        ("kind", t.mtg_kind),
        ("title_es", t.mtg_title_es),
        ("title_en", t.mtg_title_en),
        ("date", t.mtg_date),
        ("start_time", t.mtg_start),
        ("end_time", t.mtg_end),
        ("timezone", t.mtg_timezone),
        ("place", t.mtg_place),
        ("virtual_url", t.mtg_link),
        ("requested_by", t.mtg_requested_by),
        ("objectives", t.mtg_objectives),
    ];
    let (title, intro, action, submit) = match editing {
        Some(id) => (
            t.mtg_edit_title,
            t.mtg_edit_intro,
            format!("/meetings/{id}/edit"),
            t.mtg_save,
        ),
        None => (
            t.mtg_new,
            t.mtg_new_intro,
            "/meetings".to_string(),
            t.mtg_create,
        ),
    };
    let back = editing.map_or("/meetings".to_string(), |id| format!("/meetings/{id}"));
    let none = bodies.is_empty();
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=title>
                <p><a href=back>{t.mtg_title}</a></p>
                <h1>{title}</h1>
                {if none {
                    view! { <p>{t.mtg_no_bodies}</p> }.into_any()
                } else {
                    view! {
                        <p>{intro}</p>
                        <ErrorSummary errors=errors.clone() t=t labels=labels/>
                        <form method="post" action=action class="narrow" novalidate>
                            <CsrfInput ctx=ctx.clone()/>
                            <SelectField label=t.mtg_body name="body" options=bodies selected=form.body.clone() error=errors.get("body")/>
                            <SelectField label=t.mtg_kind name="kind" options=kinds selected=form.kind.clone() error=errors.get("kind")/>
                            <Field label=t.mtg_title_es name="title_es" value=form.title_es.clone() error=errors.get("title_es") required=true/>
                            <Field label=t.mtg_title_en name="title_en" value=form.title_en.clone() error=errors.get("title_en") required=true/>
                            <Field label=t.mtg_date name="date" kind="date" value=form.date.clone() error=errors.get("date") required=true/>
                            <Field label=t.mtg_start name="start_time" kind="time" value=form.start_time.clone() error=errors.get("start_time") required=true/>
                            <Field label=t.mtg_end name="end_time" kind="time" value=form.end_time.clone() error=errors.get("end_time") required=true/>
                            <Field label=t.mtg_timezone name="timezone" value=form.timezone.clone() error=errors.get("timezone") hint=t.mtg_timezone_hint.to_string() required=true/>
                            <Field label=t.mtg_place name="place" value=form.place.clone() error=errors.get("place") hint=t.mtg_place_hint.to_string()/>
                            <Field label=t.mtg_link name="virtual_url" kind="url" value=form.virtual_url.clone() error=errors.get("virtual_url")/>
                            <Field label=t.mtg_requested_by name="requested_by" value=form.requested_by.clone() error=errors.get("requested_by") hint=t.mtg_extraordinary_hint.to_string()/>
                            <TextArea label=t.mtg_objectives name="objectives" value=form.objectives.clone() error=errors.get("objectives")/>
                            <button type="submit" class="button">{submit}</button>
                        </form>
                    }.into_any()
                }}
            </Layout>
        },
    ))
}
