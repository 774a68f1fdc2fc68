//! Projects: `/projects` and a project's page (public), the calls for projects, the application
//! form and the applications' pages (applicant, the collective's leaders, the projects
//! commission, the Executive Secretary).

use crate::domain::projects::{Phase, Plan, Stall};
use crate::i18n::{Tr, fill};
use crate::services::projects::phase_name;
use leptos::prelude::*;

pub mod apply;
pub mod calls;
pub mod list;
pub mod review;
pub mod show;

/// A stalled cause in the page's words.
pub fn stall_line(s: &Stall, t: &'static Tr) -> String {
    match s {
        Stall::PhaseOverdue { phase, since } => fill(
            t.project_stall_phase,
            &[("phase", &phase_name(*phase, t)), ("since", since)],
        ),
        Stall::ReportOverdue { since } => fill(t.project_stall_report, &[("since", since)]),
        Stall::NoMetrics { since } => fill(t.project_stall_metrics, &[("since", since)]),
        Stall::CommitmentLapsed { since } => fill(t.project_stall_commitment, &[("since", since)]),
    }
}

/// A number as the plan shows it (no trailing ".0").
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
    }
}

/// The plan: its phases (dates, deliverables) and its metrics (baseline, target per phase).
pub fn plan_view(plan: &Plan, current: Option<Phase>, t: &'static Tr) -> AnyView {
    let phases = plan
        .phases
        .iter()
        .map(|p| {
            let here = current == Some(p.phase);
            view! {
                <tr class=here.then_some("current")>
                    <th scope="row">{phase_name(p.phase, t)}{here.then(|| view! { " ("{t.project_phase_current}")" })}</th>
                    <td>{p.starts_on.to_string()}</td>
                    <td>{p.ends_on.to_string()}</td>
                    <td class="prewrap">{p.deliverables.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let phase_heads = plan
        .phases
        .iter()
        .map(|p| view! { <th scope="col">{fill(t.project_target_of, &[("phase", &phase_name(p.phase, t))])}</th> })
        .collect_view();
    let metrics = plan
        .metrics
        .iter()
        .map(|m| {
            let targets = plan
                .phases
                .iter()
                .map(|p| {
                    let v = m
                        .targets
                        .iter()
                        .find(|(ph, _)| *ph == p.phase)
                        .map(|(_, v)| number(*v))
                        .unwrap_or_else(|| "—".into());
                    view! { <td>{v}</td> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{m.name.clone()}</th>
                    <td>{m.unit.clone()}</td>
                    <td>{number(m.baseline)}</td>
                    {targets}
                    <td>{m.method.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" aria-label=t.project_plan_phases tabindex="0">
            <table>
                <caption>{t.project_plan_phases}</caption>
                <thead><tr>
                    <th scope="col">{t.project_col_phase}</th>
                    <th scope="col">{t.project_col_starts}</th>
                    <th scope="col">{t.project_col_ends}</th>
                    <th scope="col">{t.project_col_deliverables}</th>
                </tr></thead>
                <tbody>{phases}</tbody>
            </table>
        </div>
        <div class="table-scroll" role="region" aria-label=t.project_plan_metrics tabindex="0">
            <table>
                <caption>{t.project_plan_metrics}</caption>
                <thead><tr>
                    <th scope="col">{t.project_col_metric}</th>
                    <th scope="col">{t.project_col_unit}</th>
                    <th scope="col">{t.project_col_baseline}</th>
                    {phase_heads}
                    <th scope="col">{t.project_col_method}</th>
                </tr></thead>
                <tbody>{metrics}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The routes of this page family.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects", get(list::show))
        .route(
            "/projects/new",
            get(apply::new)
                .post(apply::create)
                .layer(DefaultBodyLimit::max(apply::MAX_FORM_BYTES)),
        )
        .route("/projects/calls", get(calls::list).post(calls::create))
        .route("/projects/calls/new", get(calls::new))
        .route("/projects/calls/{id}", get(calls::show))
        .route("/projects/applications", get(review::list))
        .route("/projects/applications/{id}", get(review::show))
        .route(
            "/projects/applications/{id}/commitment",
            get(review::commitment),
        )
        .route("/projects/applications/{id}/leaders", post(review::leaders))
        .route("/projects/applications/{id}/scores", post(review::score))
        .route("/projects/applications/{id}/agenda", post(review::agenda))
        .route(
            "/projects/applications/{id}/withdraw",
            post(review::withdraw),
        )
        .route(
            "/projects/applications/{id}/resubmit",
            post(review::resubmit),
        )
        .route("/projects/{id}", get(show::show))
        .route("/projects/{id}/values", post(show::record_value))
        .route("/projects/{id}/proposal", post(show::propose))
        .route("/projects/{id}/recommendation", post(show::recommend))
        .route("/projects/{id}/phase", post(show::decide_phase))
        .route("/projects/{id}/close", post(show::close))
        .route("/projects/{id}/replan", post(show::replan))
        .route("/projects/{id}/head", post(show::head_changed))
        .route("/projects/{id}/source", post(show::metrics_source))
        .route(
            "/projects/{id}/commitment",
            post(show::renew_commitment).layer(DefaultBodyLimit::max(apply::MAX_FORM_BYTES)),
        )
}
