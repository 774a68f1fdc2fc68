//! `/projects/{id}`: a public project — the plan as admitted with its evidence badge (and the
//! plan as re-planned beside it), the phase it is in and its schedule, the stalled flag and why,
//! each metric charted against its baseline and target (with the same figures in a table), the
//! commission's scores, every decision with its verification, and once closed its lessons and
//! guide. The project's own forms: its applicant records metric values, proposes the next phase
//! and reports a change of the entity's head; the commission recommends; the Executive Secretary
//! records the Council's decision on the phase and the closing.

use super::review::{facts_view, scores_view};
use super::{number, plan_view, stall_line};
use crate::components::charts::metric_svg;
use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField, TextArea, VerifiedBadge,
};
use crate::domain::projects::{Closing, Plan, ProjectStatus, schedule};
use crate::domain::roles::Role;
use crate::i18n::{Tr, datetime, fill};
use crate::pages::refused_form;
use crate::services::authority::{CouncilSecretary, ProjectEvaluator};
use crate::services::projects::running::{self, CloseForm, ValueForm};
use crate::services::projects::{self, ApplicationForm, ProjectRow, phase_name, review};
use crate::web::{CsrfForm, Ctx, page, read_form_with_file, redirect};
use crate::{AppError, AppState};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

pub fn step_label(step: &str, t: &'static Tr) -> &'static str {
    match step {
        "submit" => t.project_step_submit,
        "select" => t.project_step_select,
        "return" => t.project_step_return,
        "resubmit" => t.project_step_resubmit,
        "withdraw" => t.project_step_withdraw,
        "put_to_vote" => t.project_step_put_to_vote,
        "admit" => t.project_step_admit,
        "reject" => t.project_step_reject,
        "change_phase" => t.project_step_change_phase,
        "replan" => t.project_step_replan,
        "close" => t.project_step_close,
        _ => "—",
    }
}

fn closing_name(c: Closing, t: &'static Tr) -> &'static str {
    match c {
        Closing::InProduction => t.project_closing_production,
        Closing::Finished => t.project_closing_finished,
        Closing::Abandoned => t.project_closing_abandoned,
    }
}

/// Everything typed in one of the page's forms, kept when it is refused.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageForm {
    metric: String,
    measured_on: String,
    value: String,
    note: String,
    delivered: String,
    recommendation: String,
    decision: String,
    reason: String,
    closing: String,
    lessons: String,
    guide: String,
    changed_on: String,
    commitment_head: String,
    metrics_source: String,
    /// The re-plan form as typed (its plan's fields), kept when it is refused.
    #[serde(skip)]
    replan: Option<ApplicationForm>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    render(
        &state,
        &ctx,
        id,
        &PageForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn refused(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    form: &PageForm,
    e: AppError,
) -> Result<Response, AppError> {
    let refused = refused_form(e, ctx.t())?;
    render(state, ctx, id, form, refused.errors.clone(), refused.status)
        .await
        .map(|r| refused.finish(r))
}

pub async fn record_value(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PageForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    let v = ValueForm {
        metric: form.metric.clone(),
        measured_on: form.measured_on.clone(),
        value: form.value.clone(),
        note: form.note.clone(),
    };
    match running::record_value(&state, &who, id, &v, &ctx.actor()).await {
        Ok(_) => Ok(redirect(&format!("/projects/{id}#metric-charts"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

pub async fn propose(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PageForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match running::propose_phase(&state, &who, id, &form.delivered, &ctx.actor()).await {
        Ok(_) => Ok(redirect(&format!("/projects/{id}#phase"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

pub async fn recommend(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PageForm>,
) -> Result<Response, AppError> {
    let evaluator = ProjectEvaluator::check(ctx.user.as_ref())?;
    match running::recommend(&state, &evaluator, id, &form.recommendation, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/projects/{id}#phase"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

pub async fn decide_phase(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PageForm>,
) -> Result<Response, AppError> {
    let secretary = CouncilSecretary::check(ctx.user.as_ref())?;
    let approve = form.decision == "approve";
    match running::decide_phase(&state, &secretary, id, approve, &form.reason, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/projects/{id}#phase"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

pub async fn close(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PageForm>,
) -> Result<Response, AppError> {
    let secretary = CouncilSecretary::check(ctx.user.as_ref())?;
    let c = CloseForm {
        closing: form.closing.clone(),
        reason: form.reason.clone(),
        lessons: form.lessons.clone(),
        guide: form.guide.clone(),
    };
    match running::close(&state, &secretary, id, &c, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/projects/{id}"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

/// The Executive Secretary records a re-plan the Council decided: the plan's fields and the
/// reason.
pub async fn replan(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(typed): CsrfForm<ApplicationForm>,
) -> Result<Response, AppError> {
    let secretary = CouncilSecretary::check(ctx.user.as_ref())?;
    let reason = typed.plan_field("reason").to_string();
    match running::replan(&state, &secretary, id, &typed, &reason, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/projects/{id}"))),
        Err(e) => {
            let form = PageForm {
                replan: Some(typed),
                ..Default::default()
            };
            refused(&state, &ctx, id, &form, e).await
        }
    }
}

/// The applicant names the API source whose evidences record the project's metrics.
pub async fn metrics_source(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PageForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match projects::metrics::set_source(&state, &who, id, &form.metrics_source, &ctx.actor()).await
    {
        Ok(()) => Ok(redirect(&format!("/projects/{id}#metric-charts"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

pub async fn head_changed(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PageForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match running::head_changed(&state, &who, id, &form.changed_on, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/projects/{id}#commitment"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

pub async fn renew_commitment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    let (form, file): (PageForm, _) = read_form_with_file(
        &ctx,
        mp,
        projects::MAX_COMMITMENT_BYTES as u64 + 1,
        "commitment",
    )
    .await?;
    let upload = file.as_ref().map(|(f, b)| (f.as_str(), b.as_slice()));
    match running::renew_commitment(
        &state,
        &who,
        id,
        &form.commitment_head,
        upload,
        &ctx.actor(),
    )
    .await
    {
        Ok(()) => Ok(redirect(&format!("/projects/{id}#commitment"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

/// Each metric: its chart against the baseline and the phase's target, and its values in a
/// table (the chart's text alternative).
fn metrics_view(
    p: &ProjectRow,
    plan: &Plan,
    values: &[running::ValueRow],
    t: &'static Tr,
) -> AnyView {
    if plan.metrics.is_empty() {
        return ().into_any();
    }
    let phase = p.phase();
    plan.metrics
        .iter()
        .enumerate()
        .map(|(n, m)| {
            let mine: Vec<&running::ValueRow> =
                values.iter().filter(|v| v.metric == n as i64).collect();
            let points: Vec<_> = mine
                .iter()
                .filter_map(|v| {
                    Some((v.measured_on.and_hms_opt(12, 0, 0)?.and_utc(), v.value))
                })
                .collect();
            let target = phase.and_then(|ph| m.targets.iter().find(|(x, _)| *x == ph).map(|(_, v)| *v));
            let mut refs = vec![(m.baseline, format!("{} {}", t.project_col_baseline, number(m.baseline)))];
            if let Some(v) = target {
                refs.push((v, format!("{} {}", t.project_col_target, number(v))));
            }
            let caption = format!("{} ({})", m.name, m.unit);
            let svg = metric_svg(&points, &refs, &caption, 640);
            let last = mine.last().map(|v| v.value);
            let progress = match (last, phase) {
                (Some(v), Some(ph)) => crate::domain::projects::progress(m, ph, v),
                _ => None,
            };
            let alt = fill(
                t.project_chart_alt,
                &[
                    ("name", &m.name),
                    ("n", &mine.len()),
                    ("baseline", &number(m.baseline)),
                    ("target", &target.map_or_else(|| "—".to_string(), number)),
                    ("last", &last.map_or_else(|| "—".to_string(), number)),
                ],
            );
            let rows = mine
                .iter()
                .map(|v| view! { <tr><td>{v.measured_on.to_string()}</td><td>{number(v.value)}</td><td>{v.note.clone()}</td><td>{v.source.clone()}</td></tr> })
                .collect_view();
            view! {
                <section aria-labelledby=format!("metric-{n}")>
                    <h3 id=format!("metric-{n}")>{caption.clone()}</h3>
                    <figure>
                        <div role="img" aria-label=alt.clone() inner_html=svg></div>
                        <figcaption>{alt}{progress.map(|p| format!(" {}", fill(t.project_progress, &[("pct", &format!("{:.0}", p * 100.0))])))}</figcaption>
                    </figure>
                    <details>
                        <summary>{t.project_values_table}</summary>
                        <div class="table-scroll" role="region" aria-label=caption tabindex="0">
                            <table>
                                <thead><tr>
                                    <th scope="col">{t.project_col_measured_on}</th>
                                    <th scope="col">{t.project_col_value}</th>
                                    <th scope="col">{t.project_col_note}</th>
                                    <th scope="col">{t.project_col_source}</th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    </details>
                </section>
            }
        })
        .collect_view()
        .into_any()
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    form: &PageForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let p = projects::get(&state.db, id).await?;
    if !p.status().public() {
        return Err(AppError::NotFound);
    }
    let t = ctx.t();
    let lang = ctx.lang;
    let plan = p.plan();
    let history = review::history(&state.db, id).await?;
    let admitted_plan: Option<Plan> = history
        .iter()
        .find(|s| s.step == "admit")
        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s.detail_json).ok())
        .and_then(|d| serde_json::from_value(d["plan"].clone()).ok());
    let replanned = admitted_plan.as_ref().is_some_and(|a| *a != plan);
    let evidence = review::admission_evidence(&state.db, id).await?;
    let values = running::values(&state.db, id).await?;
    let criteria = projects::criteria_of(&state.db, &p).await?;
    let scores = review::scores(&state.db, id).await?;
    let weighted = review::weighted(&state.db, &p).await?;
    let proposal = running::open_proposal(&state.db, id).await?;
    let user = ctx.user.clone();
    let is_applicant = user.as_ref().is_some_and(|u| u.person_id == p.person_id);
    let seat = ProjectEvaluator::would_allow(ctx.user.as_ref());
    let secretary = ctx.is(Role::ExecutiveSecretary);
    let running_now = p.status() == ProjectStatus::Admitted;
    let today = chrono::Utc::now().date_naive();
    let ends = p.phase().and_then(|ph| plan.phase(ph)).map(|x| x.ends_on);
    let sched = schedule(
        running_now,
        ends,
        today,
        i64::from(state.settings.projects.soon_days),
        &state.settings.meetings.holidays,
    );
    let stalls = p.stalls();
    let stalled = (running_now && !stalls.is_empty()).then(|| {
        let items = stalls
            .iter()
            .map(|s| view! { <li>{stall_line(s, t)}</li> })
            .collect_view();
        view! {
            <div class="notice notice-warning" role="note">
                <p><strong>{t.project_stalled}</strong>{p.stalled_since.map(|s| format!(" — {}", fill(t.project_stalled_since, &[("since", &s)])))}</p>
                <ul>{items}</ul>
            </div>
        }
    });
    let steps = history
        .iter()
        .map(|s| {
            view! {
                <li>
                    {datetime(s.at.0)}" — "{step_label(&s.step, t)}
                    {s.phase.as_deref().and_then(crate::domain::projects::Phase::parse).map(|ph| format!(" ({})", phase_name(ph, t)))}
                    {(!s.reason.is_empty()).then(|| view! { <p class="prewrap">{s.reason.clone()}</p> })}" "
                    {s.evidence_id.clone().map(|e| view! { <VerifiedBadge evidence_id=Some(e) t=t/> })}
                </li>
            }
        })
        .collect_view();
    let metric_options: Vec<(String, String)> = plan
        .metrics
        .iter()
        .enumerate()
        .map(|(n, m)| (n.to_string(), format!("{} ({})", m.name, m.unit)))
        .collect();
    let source = if form.metrics_source.is_empty() {
        p.metrics_source.clone().unwrap_or_default()
    } else {
        form.metrics_source.clone()
    };
    let source_form = (is_applicant && running_now).then(|| view! {
        <form method="post" action=format!("/projects/{id}/source") class="narrow" novalidate>
            <CsrfInput ctx=ctx.clone()/>
            <Field label=t.project_metrics_source name="metrics_source" value=source error=errors.get("metrics_source") hint=t.project_metrics_source_hint.to_string()/>
            <button type="submit" class="button button-secondary">{t.project_metrics_source_submit}</button>
        </form>
    });
    let value_form = (is_applicant && running_now).then(|| view! {
        <section aria-labelledby="value-title" class="narrow">
            <h3 id="value-title">{t.project_value_title}</h3>
            <form method="post" action=format!("/projects/{id}/values") novalidate>
                <CsrfInput ctx=ctx.clone()/>
                <SelectField label=t.project_col_metric name="metric" options=metric_options selected=form.metric.clone() error=errors.get("metric")/>
                <Field label=t.project_col_measured_on name="measured_on" kind="date" value=form.measured_on.clone() error=errors.get("measured_on") required=true/>
                <Field label=t.project_col_value name="value" value=form.value.clone() error=errors.get("value") required=true/>
                <TextArea label=t.project_col_note name="note" value=form.note.clone() error=errors.get("note") rows=2/>
                <button type="submit" class="button">{t.project_value_submit}</button>
            </form>
        </section>
    });
    let next = p.phase().and_then(|ph| plan.after(ph));
    let proposal_view = proposal.as_ref().map(|pr| {
        let to = crate::domain::projects::Phase::parse(&pr.to_phase).map(|ph| phase_name(ph, t)).unwrap_or("—");
        view! {
            <div class="notice" role="note">
                <p><strong>{fill(t.project_proposal_line, &[("phase", &to)])}</strong></p>
                <p class="prewrap">{pr.delivered.clone()}</p>
                {(!pr.recommendation.is_empty()).then(|| view! { <p><strong>{t.project_recommendation}": "</strong></p><p class="prewrap">{pr.recommendation.clone()}</p> })}
            </div>
        }
    });
    let propose_form = (is_applicant && running_now && proposal.is_none() && next.is_some()).then(|| view! {
        <form method="post" action=format!("/projects/{id}/proposal") class="narrow" novalidate>
            <CsrfInput ctx=ctx.clone()/>
            <TextArea label=t.project_delivered name="delivered" value=form.delivered.clone() error=errors.get("delivered") required=true rows=4/>
            <button type="submit" class="button">{fill(t.project_propose, &[("phase", &next.map(|n| phase_name(n, t)).unwrap_or("—"))])}</button>
        </form>
    });
    let recommend_form = (seat && running_now && proposal.as_ref().is_some_and(|pr| pr.recommended_at.is_none())).then(|| view! {
        <form method="post" action=format!("/projects/{id}/recommendation") class="narrow" novalidate>
            <CsrfInput ctx=ctx.clone()/>
            <TextArea label=t.project_recommendation name="recommendation" value=form.recommendation.clone() error=errors.get("recommendation") required=true rows=4/>
            <button type="submit" class="button">{t.project_recommend}</button>
        </form>
    });
    let decide_form = (secretary && running_now && proposal.as_ref().is_some_and(|pr| pr.recommended_at.is_some())).then(|| view! {
        <form method="post" action=format!("/projects/{id}/phase") class="narrow" novalidate>
            <CsrfInput ctx=ctx.clone()/>
            <p class="hint">{t.project_decide_hint}</p>
            <TextArea label=t.node_change_reason name="reason" id="decide-reason" value=form.reason.clone() error=errors.get("reason") rows=3/>
            <button type="submit" name="decision" value="approve" class="button">{t.project_decide_approve}</button>" "
            <button type="submit" name="decision" value="refuse" class="button button-secondary">{t.project_decide_refuse}</button>
        </form>
    });
    let closings: Vec<(String, String)> =
        std::iter::once((String::new(), t.node_request_choose.to_string()))
            .chain(
                Closing::ALL
                    .iter()
                    .map(|c| (c.as_str().to_string(), closing_name(*c, t).to_string())),
            )
            .collect();
    let close_form = (secretary && running_now).then(|| view! {
        <section aria-labelledby="close-title" class="narrow">
            <h2 id="close-title">{t.project_close_title}</h2>
            <form method="post" action=format!("/projects/{id}/close") novalidate>
                <CsrfInput ctx=ctx.clone()/>
                <SelectField label=t.project_closing name="closing" options=closings selected=form.closing.clone() error=errors.get("closing")/>
                <TextArea label=t.node_change_reason name="reason" id="close-reason" value=form.reason.clone() error=errors.get("reason") rows=3/>
                <TextArea label=t.project_lessons name="lessons" value=form.lessons.clone() error=errors.get("lessons") required=true rows=5/>
                <TextArea label=t.project_guide name="guide" value=form.guide.clone() error=errors.get("guide") required=true rows=6/>
                <button type="submit" class="button">{t.project_close}</button>
            </form>
        </section>
    });
    let replan_form = (secretary && running_now).then(|| {
        let typed = form.replan.clone().unwrap_or_else(|| ApplicationForm {
            plan: projects::plan_fields(&plan),
            ..Default::default()
        });
        let reason = typed.plan_field("reason").to_string();
        view! {
            <section aria-labelledby="replan-title" class="narrow">
                <h2 id="replan-title">{t.project_replan_title}</h2>
                <p class="hint">{t.project_replan_hint}</p>
                <form method="post" action=format!("/projects/{id}/replan") novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    {super::apply::plan_fields(&typed, &errors, t)}
                    <TextArea label=t.node_change_reason name="reason" id="replan-reason" value=reason error=errors.get("reason") required=true rows=3/>
                    <button type="submit" class="button">{t.project_replan_submit}</button>
                </form>
            </section>
        }
    });
    let commitment_forms = (is_applicant && running_now).then(|| view! {
        <section aria-labelledby="commitment-title" class="narrow" id="commitment">
            <h2 id="commitment-title">{t.project_commitment}</h2>
            {p.commitment_lapsed_on.map(|d| view! { <p class="flag">{fill(t.project_stall_commitment, &[("since", &d)])}</p> })}
            <form method="post" action=format!("/projects/{id}/head") novalidate>
                <CsrfInput ctx=ctx.clone()/>
                <Field label=t.project_head_changed_on name="changed_on" kind="date" value=form.changed_on.clone() error=errors.get("changed_on")/>
                <button type="submit" class="button button-secondary">{t.project_head_changed}</button>
            </form>
            <form method="post" action=format!("/projects/{id}/commitment") enctype="multipart/form-data" novalidate>
                <CsrfInput ctx=ctx.clone()/>
                <Field label=t.project_commitment_head name="commitment_head" value=form.commitment_head.clone() error=errors.get("commitment_head")/>
                <div class=if errors.get("commitment").is_some() { "field field-invalid" } else { "field" }>
                    <label for="commitment">{t.project_commitment}</label>
                    {errors.get("commitment").map(|e| view! { <p class="field-error" id="commitment-error">{e}</p> })}
                    <input id="commitment" name="commitment" type="file" accept="application/pdf,.pdf"/>
                </div>
                <button type="submit" class="button button-secondary">{t.project_commitment_renew}</button>
            </form>
        </section>
    });
    let closed = (p.status() == ProjectStatus::Closed).then(|| {
        let how = p
            .closing
            .as_deref()
            .and_then(Closing::parse)
            .map(|c| closing_name(c, t));
        view! {
            <section aria-labelledby="closed-title">
                <h2 id="closed-title">{t.project_closed_title}</h2>
                <p><strong>{how}</strong>{p.closed_at.map(|c| format!(" — {}", datetime(c.0)))}</p>
                <h3>{t.project_lessons}</h3>
                <p class="prewrap">{p.lessons.clone()}</p>
                <h3>{t.project_guide}</h3>
                <p class="prewrap">{p.guide.clone()}</p>
            </section>
        }
    });
    let commitment_link = p.commitment_sha256.clone().map(|hash| view! {
        <p><a href=format!("/projects/applications/{id}/commitment")>{fill(t.project_commitment_download, &[("name", &p.commitment_filename.clone().unwrap_or_default()), ("head", &p.commitment_head)])}</a>
            " · SHA-256 "<code>{hash}</code></p>
    });
    let original = (replanned)
        .then(|| admitted_plan.clone())
        .flatten()
        .map(|a| {
            view! {
                <h3>{t.project_plan_admitted}</h3>
                {plan_view(&a, None, t)}
            }
        });
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=p.title.clone()>
                <p><a href="/projects">{t.project_list_title}</a></p>
                <h1>{p.title.clone()}</h1>
                <ErrorSummary errors=errors.clone() t=t/>
                <p>
                    {p.phase().map(|ph| view! { <strong>{t.project_col_phase}": "</strong>{phase_name(ph, t)}" · " })}
                    <strong>{t.project_col_schedule}": "</strong>{super::list::schedule_name(sched, t)}{ends.filter(|_| running_now).map(|e| format!(" ({e})"))}
                </p>
                {stalled}
                {facts_view(&p, lang, t)}
                {commitment_link}
                <h2>{if replanned { t.project_plan_current } else { t.project_plan_admitted }}" "<VerifiedBadge evidence_id=evidence t=t/></h2>
                <p class="hint">{t.project_plan_hint}</p>
                {plan_view(&plan, p.phase(), t)}
                {original}
                <h2 id="metric-charts">{t.project_metrics_title}</h2>
                {metrics_view(&p, &plan, &values, t)}
                {value_form}
                {source_form}
                <h2 id="phase">{t.project_phase_title}</h2>
                {proposal_view}
                {propose_form}
                {recommend_form}
                {decide_form}
                {closed}
                <h2>{t.project_scores_title}</h2>
                {scores_view(&scores, &criteria, weighted, lang, t)}
                <h2>{t.project_decisions_title}</h2>
                <ol>{steps}</ol>
                {commitment_forms}
                {replan_form}
                {close_form}
            </Layout>
        },
    ))
}
