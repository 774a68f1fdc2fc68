//! `/projects/new`: the application (anyone signed in, member or not): the entity and, for a
//! public body, the commitment its head signed (a PDF); the problem, the public value, who
//! benefits, licence and repository, open data, team, the resources requested; and the plan —
//! phases with dates and deliverables, metrics with baseline and target per phase.

use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField, TextArea,
};
use crate::domain::projects::Phase;
use crate::i18n::fill;
use crate::pages::refused_form;
use crate::services::network;
use crate::services::projects::{self, ApplicationForm, METRIC_ROWS, calls, phase_name};
use crate::web::{Ctx, page, read_form_with_file, redirect};
use crate::{AppError, AppState};
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

/// The largest request accepted: the commitment and the form's framing.
pub const MAX_FORM_BYTES: usize = projects::MAX_COMMITMENT_BYTES + 256 * 1024;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    call: String,
}

pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    ctx.require_user()?;
    let form = ApplicationForm {
        on_behalf: "institution".into(),
        call: q.call,
        ..Default::default()
    };
    render(&state, &ctx, &form, FormErrors::default(), StatusCode::OK).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    mp: Multipart,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    let (form, commitment): (ApplicationForm, _) = read_form_with_file(
        &ctx,
        mp,
        projects::MAX_COMMITMENT_BYTES as u64 + 1,
        "commitment",
    )
    .await?;
    let upload = commitment.as_ref().map(|(f, b)| (f.as_str(), b.as_slice()));
    match projects::apply(&state, &who, &form, upload, &ctx.actor()).await {
        Ok(id) => Ok(redirect(&format!("/projects/applications/{id}?sent=1"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(&state, &ctx, &form, refused.errors.clone(), refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    form: &ApplicationForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let body = form_view(state, ctx, form, &errors).await?;
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.project_apply_title>
                <p><a href="/projects">{t.project_list_title}</a></p>
                <h1>{t.project_apply_title}</h1>
                {body}
            </Layout>
        },
    ))
}

/// One plan input (its name built from the phase or the metric row, so not a [`Field`]).
fn plan_input(
    id: String,
    label: String,
    kind: &'static str,
    value: String,
    invalid: bool,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id.clone() name=id type=kind value=value aria-invalid=invalid.then_some("true")/>
        </div>
    }
}

/// The plan's part of a form: a fieldset per phase and per metric row. `form` holds what was
/// typed (or the plan as it stands).
pub fn plan_fields(
    form: &ApplicationForm,
    errors: &FormErrors,
    t: &'static crate::i18n::Tr,
) -> AnyView {
    let phases = Phase::ALL
        .iter()
        .map(|ph| {
            let key = ph.as_str();
            let field = format!("phase_{key}");
            let error = errors.get(&field);
            let on = !form.plan_field(&format!("{field}_on")).is_empty();
            let deliverables_name: &'static str = match ph {
                Phase::ProofOfConcept => "phase_proof_of_concept_deliverables",
                Phase::Prototype => "phase_prototype_deliverables",
                Phase::Mvp => "phase_mvp_deliverables",
                Phase::Production => "phase_production_deliverables",
            };
            view! {
                <fieldset class=if error.is_some() { "field-invalid" } else { "" } id=field.clone()>
                    <legend>{phase_name(*ph, t)}</legend>
                    {error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                    <label><input type="checkbox" name=format!("{field}_on") value="on" checked=on/>" "{t.project_phase_included}</label>
                    {plan_input(format!("{field}_starts_on"), t.project_col_starts.into(), "date", form.plan_field(&format!("{field}_starts_on")).into(), error.is_some())}
                    {plan_input(format!("{field}_ends_on"), t.project_col_ends.into(), "date", form.plan_field(&format!("{field}_ends_on")).into(), error.is_some())}
                    <TextArea label=t.project_col_deliverables name=deliverables_name value=form.plan_field(deliverables_name).to_string() rows=2/>
                </fieldset>
            }
        })
        .collect_view();
    let metrics = (0..METRIC_ROWS)
        .map(|n| {
            let field = format!("metric{n}");
            let error = errors.get(&field);
            let v = |name: &str| form.plan_field(&format!("{field}_{name}")).to_string();
            let targets = Phase::ALL
                .iter()
                .map(|ph| {
                    plan_input(
                        format!("{field}_target_{}", ph.as_str()),
                        fill(t.project_target_of, &[("phase", &phase_name(*ph, t))]),
                        "text",
                        v(&format!("target_{}", ph.as_str())),
                        error.is_some(),
                    )
                })
                .collect_view();
            view! {
                <fieldset class=if error.is_some() { "field-invalid" } else { "" } id=field.clone()>
                    <legend>{fill(t.project_metric_n, &[("n", &(n + 1))])}</legend>
                    {error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                    {plan_input(format!("{field}_name"), t.project_col_metric.into(), "text", v("name"), error.is_some())}
                    {plan_input(format!("{field}_unit"), t.project_col_unit.into(), "text", v("unit"), error.is_some())}
                    {plan_input(format!("{field}_baseline"), t.project_col_baseline.into(), "text", v("baseline"), error.is_some())}
                    {targets}
                    {plan_input(format!("{field}_method"), t.project_col_method.into(), "text", v("method"), error.is_some())}
                </fieldset>
            }
        })
        .collect_view();
    let phases_error = errors.get("phases");
    let metrics_error = errors.get("metrics");
    view! {
        <h2 id="phases">{t.project_plan_phases}</h2>
        <p class="hint">{t.project_plan_phases_hint}</p>
        {phases_error.map(|e| view! { <p class="field-error">{e}</p> })}
        {phases}
        <h2 id="metrics">{t.project_plan_metrics}</h2>
        <p class="hint">{t.project_plan_metrics_hint}</p>
        {metrics_error.map(|e| view! { <p class="field-error">{e}</p> })}
        {metrics}
    }
    .into_any()
}

pub async fn form_view(
    state: &AppState,
    ctx: &Ctx,
    form: &ApplicationForm,
    errors: &FormErrors,
) -> Result<AnyView, AppError> {
    let t = ctx.t();
    let user = ctx.require_user()?.clone();
    let institution = crate::services::nodes::institution_of(&state.db, user.person_id).await?;
    let choose = (String::new(), t.node_request_choose.to_string());
    let collectives: Vec<(String, String)> = std::iter::once(choose)
        .chain(
            network::collective_choices(&state.db)
                .await?
                .into_iter()
                .map(|(id, es, en)| (id.to_string(), ctx.lang.pick(&es, &en))),
        )
        .collect();
    let today = chrono::Utc::now().date_naive();
    let calls: Vec<(String, String)> =
        std::iter::once((String::new(), t.project_no_call.to_string()))
            .chain(
                calls::open_on(&state.db, today)
                    .await?
                    .into_iter()
                    .map(|c| (c.id.to_string(), c.title(ctx.lang))),
            )
            .collect();
    let mut behalf = vec![("other".to_string(), t.project_for_other.to_string())];
    if let Some(name) = &institution {
        behalf.insert(
            0,
            (
                "institution".to_string(),
                fill(t.node_request_for_institution, &[("name", name)]),
            ),
        );
    }
    let labels = vec![
        ("call", t.project_call),
        ("collective", t.node_request_collective),
        ("on_behalf", t.project_on_behalf),
        ("entity_name", t.project_entity_name),
        ("commitment_head", t.project_commitment_head),
        ("commitment", t.project_commitment),
        ("title", t.project_col_title),
        ("problem", t.project_problem),
        ("public_value", t.project_public_value),
        ("beneficiaries", t.project_beneficiaries),
        ("licence", t.project_licence),
        ("repository", t.project_repository),
        ("open_data", t.project_open_data),
        ("team", t.project_team),
        ("partner", t.project_partner),
        ("requested_nodes", t.project_requested_nodes),
        ("requested_capital", t.project_requested_capital),
        ("requested_support", t.project_requested_support),
        ("phases", t.project_plan_phases),
        ("metrics", t.project_plan_metrics),
    ];
    let commitment_error = errors.get("commitment");
    let described = commitment_error.as_ref().map(|_| "commitment-error");
    let ctx = ctx.clone();
    Ok(view! {
        <p>{t.project_apply_intro}</p>
        <ErrorSummary errors=errors.clone() t=t labels=labels/>
        <form method="post" action="/projects/new" enctype="multipart/form-data" class="narrow" novalidate>
            <CsrfInput ctx=ctx.clone()/>
            <SelectField label=t.project_call name="call" options=calls selected=form.call.clone() error=errors.get("call")/>
            <SelectField label=t.node_request_collective name="collective" options=collectives selected=form.collective.clone() error=errors.get("collective")/>
            <SelectField label=t.project_on_behalf name="on_behalf" options=behalf selected=form.on_behalf.clone() error=errors.get("on_behalf")/>
            <Field label=t.project_entity_name name="entity_name" value=form.entity_name.clone() error=errors.get("entity_name") hint=t.project_entity_name_hint.to_string()/>
            <fieldset>
                <legend>{t.project_public_body_legend}</legend>
                <label><input type="checkbox" name="public_body" value="on" checked=!form.public_body.is_empty()/>" "{t.project_public_body}</label>
                <Field label=t.project_commitment_head name="commitment_head" value=form.commitment_head.clone() error=errors.get("commitment_head")/>
                <div class=if commitment_error.is_some() { "field field-invalid" } else { "field" }>
                    <label for="commitment">{t.project_commitment}</label>
                    <p class="hint" id="commitment-hint">{t.project_commitment_hint}</p>
                    {commitment_error.clone().map(|e| view! { <p class="field-error" id="commitment-error">{e}</p> })}
                    <input id="commitment" name="commitment" type="file" accept="application/pdf,.pdf"
                        aria-describedby=described aria-invalid=commitment_error.is_some().then_some("true")/>
                </div>
            </fieldset>
            <Field label=t.project_col_title name="title" value=form.title.clone() error=errors.get("title") required=true/>
            <TextArea label=t.project_problem name="problem" value=form.problem.clone() error=errors.get("problem") required=true rows=4/>
            <TextArea label=t.project_public_value name="public_value" value=form.public_value.clone() error=errors.get("public_value") required=true rows=4/>
            <TextArea label=t.project_beneficiaries name="beneficiaries" value=form.beneficiaries.clone() error=errors.get("beneficiaries") required=true rows=3/>
            <Field label=t.project_licence name="licence" value=form.licence.clone() error=errors.get("licence") hint=t.project_licence_hint.to_string() required=true/>
            <Field label=t.project_repository name="repository" kind="url" value=form.repository.clone() error=errors.get("repository") required=true/>
            <TextArea label=t.project_open_data name="open_data" value=form.open_data.clone() error=errors.get("open_data") rows=3/>
            <TextArea label=t.project_team name="team" value=form.team.clone() error=errors.get("team") required=true rows=3/>
            <TextArea label=t.project_partner name="partner" value=form.partner.clone() error=errors.get("partner") rows=2/>
            <fieldset>
                <legend>{t.project_requested}</legend>
                <Field label=t.project_requested_nodes name="requested_nodes" kind="number" value=form.requested_nodes.clone() error=errors.get("requested_nodes")/>
                <Field label=t.project_requested_capital name="requested_capital" kind="number" value=form.requested_capital.clone() error=errors.get("requested_capital")/>
                <TextArea label=t.project_requested_support name="requested_support" value=form.requested_support.clone() error=errors.get("requested_support") rows=2/>
            </fieldset>
            {plan_fields(form, errors, t)}
            <button type="submit" class="button">{t.project_apply_submit}</button>
        </form>
    }
    .into_any())
}
