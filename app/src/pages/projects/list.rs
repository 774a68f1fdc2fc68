//! `/projects`: every public project with its collective, entity, phase, schedule and stalled
//! flag; filtered by phase, collective and state (a plain GET form, no JavaScript).

use super::stall_line;
use crate::components::Layout;
use crate::domain::projects::{Phase, ProjectStatus, Schedule, schedule};
use crate::services::projects::{self, phase_name, status_name};
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Filter {
    phase: String,
    collective: String,
    state: String,
}

pub fn schedule_name(s: Schedule, t: &'static crate::i18n::Tr) -> &'static str {
    match s {
        Schedule::NotRunning => "—",
        Schedule::OnTime => t.project_schedule_on_time,
        Schedule::EndingSoon => t.project_schedule_soon,
        Schedule::Late => t.project_schedule_late,
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let all = projects::public(&state.db).await?;
    let today = chrono::Utc::now().date_naive();
    let holidays = &state.settings.meetings.holidays;
    let soon = i64::from(state.settings.projects.soon_days);
    let phase = Phase::parse(&filter.phase);
    let wanted_state = filter.state.as_str();
    let mut collectives: Vec<(String, String)> = all
        .iter()
        .map(|p| (p.collective_slug.clone(), p.collective(lang)))
        .collect();
    collectives.sort();
    collectives.dedup();
    let shown: Vec<_> = all
        .iter()
        .filter(|p| phase.is_none_or(|ph| p.phase() == Some(ph)))
        .filter(|p| filter.collective.is_empty() || p.collective_slug == filter.collective)
        .filter(|p| match wanted_state {
            "running" => p.status() == ProjectStatus::Admitted,
            "stalled" => p.status() == ProjectStatus::Admitted && p.stalled_since.is_some(),
            "closed" => p.status() == ProjectStatus::Closed,
            "rejected" => p.status() == ProjectStatus::Rejected,
            _ => true,
        })
        .collect();
    let rows = shown
        .iter()
        .map(|p| {
            let plan = p.plan();
            let ends = p.phase().and_then(|ph| plan.phase(ph)).map(|x| x.ends_on);
            let sched = schedule(
                p.status() == ProjectStatus::Admitted,
                ends,
                today,
                soon,
                holidays,
            );
            let stalls = p.stalls();
            let flag = (!stalls.is_empty() && p.status() == ProjectStatus::Admitted).then(|| {
                let why = stalls
                    .iter()
                    .map(|s| stall_line(s, t))
                    .collect::<Vec<_>>()
                    .join("; ");
                view! { <span class="flag">{t.project_stalled}</span><br/><small>{why}</small> }
            });
            view! {
                <tr>
                    <td><a href=format!("/projects/{}", p.id)>{p.title.clone()}</a></td>
                    <td><a href=format!("/collectives/{}", p.collective_slug)>{p.collective(lang)}</a></td>
                    <td>{p.entity()}</td>
                    <td>{status_name(p.status(), t)}</td>
                    <td>{p.phase().map(|ph| phase_name(ph, t)).unwrap_or("—")}</td>
                    <td>{schedule_name(sched, t)}{ends.filter(|_| sched != Schedule::NotRunning).map(|e| format!(" ({e})"))}</td>
                    <td>{flag}</td>
                </tr>
            }
        })
        .collect_view();
    let phase_options = Phase::ALL
        .iter()
        .map(|ph| view! { <option value=ph.as_str() selected=phase == Some(*ph)>{phase_name(*ph, t)}</option> })
        .collect_view();
    let collective_options = collectives
        .into_iter()
        .map(|(slug, name)| {
            let selected = slug == filter.collective;
            view! { <option value=slug selected=selected>{name}</option> }
        })
        .collect_view();
    let state_options = [
        ("running", t.project_state_running),
        ("stalled", t.project_state_stalled),
        ("closed", t.project_state_closed),
        ("rejected", t.project_state_rejected),
    ]
    .into_iter()
    .map(|(v, label)| view! { <option value=v selected=wanted_state == v>{label}</option> })
    .collect_view();
    let signed_in = ctx.user.is_some();
    let empty = shown.is_empty();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.project_list_title>
                <h1>{t.project_list_title}</h1>
                <p>{t.project_list_intro}</p>
                <p>
                    <a href="/projects/calls">{t.project_calls_title}</a>
                    {signed_in.then(|| view! { " · "<a href="/projects/applications">{t.project_applications_title}</a> })}
                </p>
                {signed_in.then(|| view! { <p><a class="button" href="/projects/new">{t.project_apply}</a></p> })}
                <form method="get" action="/projects" class="filters">
                    <div class="field">
                        <label for="phase">{t.project_col_phase}</label>
                        <select id="phase" name="phase"><option value="">{t.project_filter_all}</option>{phase_options}</select>
                    </div>
                    <div class="field">
                        <label for="collective">{t.node_col_collective}</label>
                        <select id="collective" name="collective"><option value="">{t.project_filter_all}</option>{collective_options}</select>
                    </div>
                    <div class="field">
                        <label for="state">{t.project_col_status}</label>
                        <select id="state" name="state"><option value="">{t.project_filter_all}</option>{state_options}</select>
                    </div>
                    <button type="submit" class="button button-secondary">{t.project_filter}</button>
                </form>
                {if empty {
                    view! { <p>{t.project_list_empty}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" role="region" aria-label=t.project_list_title tabindex="0">
                            <table>
                                <thead><tr>
                                    <th scope="col">{t.project_col_title}</th>
                                    <th scope="col">{t.node_col_collective}</th>
                                    <th scope="col">{t.project_col_entity}</th>
                                    <th scope="col">{t.project_col_status}</th>
                                    <th scope="col">{t.project_col_phase}</th>
                                    <th scope="col">{t.project_col_schedule}</th>
                                    <th scope="col">{t.project_col_stalled}</th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
                <crate::pages::open_data::DataLinks t=t lang=ctx.lang page="/projects"/>
            </Layout>
        },
    ))
}
