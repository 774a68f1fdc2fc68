//! `/stats`: the public figures (see `services::stats`), each chart an SVG drawn by plotters with
//! the same figures in a table beside it and a sentence that says them.

use crate::components::charts::{attendance_svg, daily_svg};
use crate::i18n::fill;
use crate::services::stats::{self, Figures};
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

/// The periods offered; another number of days is taken to the nearest one.
const PERIODS: [i64; 4] = [7, 30, 90, 365];

#[derive(Deserialize, Default)]
pub struct StatsQuery {
    #[serde(default)]
    days: Option<String>,
}

fn period(q: &StatsQuery) -> i64 {
    let asked = q
        .days
        .as_deref()
        .and_then(|d| d.trim().parse::<i64>().ok())
        .unwrap_or(30);
    PERIODS
        .into_iter()
        .min_by_key(|p| (p - asked).abs())
        .unwrap_or(30)
}

fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        "—".into()
    } else {
        format!("{:.1}", 100.0 * part as f64 / whole as f64)
    }
}

/// A wait in seconds as people read it: "45 s", "12 min", "3 h 05 min", "2 d 4 h".
pub fn wait(secs: Option<i64>) -> String {
    match secs {
        None => "—".into(),
        Some(s) if s < 60 => format!("{s} s"),
        Some(s) if s < 3600 => format!("{} min", s / 60),
        Some(s) if s < 86_400 => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
        Some(s) => format!("{} d {} h", s / 86_400, (s % 86_400) / 3600),
    }
}

fn evidences(t: &'static crate::i18n::Tr, f: &Figures, days: i64) -> impl IntoView + use<> {
    let registered = f.registered();
    let anchored = f.anchored();
    let summary = fill(
        t.stats_evidences_summary,
        &[
            ("days", &days),
            ("registered", &registered),
            ("anchored", &anchored),
            ("percent", &percent(anchored, registered)),
        ],
    );
    let svg = daily_svg(
        &f.per_day(),
        (t.stats_chart_registered, t.stats_chart_anchored),
        t.stats_evidences_title,
        720,
    );
    let rows = f
        .days
        .iter()
        .map(|d| {
            view! {
                <tr>
                    <th scope="row">{d.day.to_string()}</th>
                    <td>{d.source.clone()}</td>
                    <td class="num">{d.registered}</td>
                    <td class="num">{d.anchored}</td>
                    <td class="num">{percent(d.anchored, d.registered)}</td>
                    <td class="num">{wait(d.p50)}</td>
                    <td class="num">{wait(d.p95)}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = f.days.is_empty();
    view! {
        <section aria-labelledby="evidences-title">
            <h2 id="evidences-title">{t.stats_evidences_title}</h2>
            <p>{summary}</p>
            {empty.then(|| view! { <p>{t.stats_none}</p> })}
            <figure class="chart chart-fluid" hidden=empty>
                <div aria-hidden="true" inner_html=svg></div>
                <figcaption>{t.stats_chart_caption}</figcaption>
            </figure>
            <div class="table-scroll" role="region" aria-labelledby="evidences-title" tabindex="0" hidden=empty>
                <table>
                    <thead><tr>
                        <th scope="col">{t.stats_col_day}</th>
                        <th scope="col">{t.stats_col_source}</th>
                        <th scope="col">{t.stats_col_registered}</th>
                        <th scope="col">{t.stats_col_anchored}</th>
                        <th scope="col">{t.stats_col_share}</th>
                        <th scope="col">{t.stats_col_p50}</th>
                        <th scope="col">{t.stats_col_p95}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

fn governance(t: &'static crate::i18n::Tr, f: &Figures, days: i64) -> impl IntoView + use<> {
    let of = |part: i64, whole: i64| {
        format!(
            "{} ({} %)",
            fill(t.stats_of, &[("part", &part), ("whole", &whole)]),
            percent(part, whole)
        )
    };
    let meetings = of(f.meetings_with_quorum, f.meetings_held);
    let reports = of(f.reports_on_time, f.reports_filed);
    let agreements = format!("{} ({})", f.agreements_open, f.agreements_overdue);
    let caption = fill(t.stats_nodes_caption, &[("days", &days)]);
    let bars: Vec<(String, u32, u32)> = f
        .nodes
        .iter()
        .map(|n| (n.name.clone(), n.percent().round() as u32, 100))
        .collect();
    let svg = attendance_svg(&bars, t.stats_nodes_title, 720);
    let rows = f
        .nodes
        .iter()
        .map(|n| {
            view! {
                <tr>
                    <th scope="row"><a href=format!("/network/nodes/{}", n.id)>{n.name.clone()}</a></th>
                    <td class="num">{format!("{:.1} %", n.percent())}</td>
                    <td class="num">{n.samples}</td>
                </tr>
            }
        })
        .collect_view();
    let no_nodes = f.nodes.is_empty();
    view! {
        <section aria-labelledby="governance-title">
            <h2 id="governance-title">{t.stats_governance_title}</h2>
            <dl class="facts">
                <div><dt>{t.stats_meetings}</dt><dd>{meetings}</dd></div>
                <div><dt>{t.stats_agreements}</dt><dd>{agreements}</dd></div>
                <div><dt>{t.stats_reports}</dt><dd>{reports}</dd></div>
            </dl>
            <h3 id="nodes-title">{t.stats_nodes_title}</h3>
            <p>{caption.clone()}</p>
            <figure class="chart chart-fluid" hidden=no_nodes>
                <div aria-hidden="true" inner_html=svg></div>
                <figcaption>{caption}</figcaption>
            </figure>
            <div class="table-scroll" role="region" aria-labelledby="nodes-title" tabindex="0" hidden=no_nodes>
                <table>
                    <thead><tr>
                        <th scope="col">{t.stats_col_node}</th>
                        <th scope="col">{t.stats_col_availability}</th>
                        <th scope="col">{t.stats_col_samples}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<StatsQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let days = period(&q);
    let f = stats::figures(&state, days).await?;
    let verified = fill(
        t.stats_verified_summary,
        &[
            ("public", &f.public_evidences),
            ("verified", &f.verified),
            ("percent", &percent(f.verified, f.public_evidences)),
            ("views", &f.views),
        ],
    );
    let options = PERIODS
        .into_iter()
        .map(|p| {
            view! {
                <option value=p.to_string() selected=p == days>
                    {fill(t.stats_days_option, &[("days", &p)])}
                </option>
            }
        })
        .collect_view();
    Ok(page(
        StatusCode::OK,
        view! {
            <crate::components::Layout ctx=ctx.clone() title=t.stats_title>
                <h1>{t.stats_title}</h1>
                <p>{t.stats_intro}</p>
                <form method="get" action="/stats" class="inline-form">
                    <label for="days">{t.stats_days_label}</label>
                    <select id="days" name="days">{options}</select>
                    <button type="submit" class="button">{t.stats_show}</button>
                </form>
                {evidences(t, &f, days)}
                <section aria-labelledby="verified-title">
                    <h2 id="verified-title">{t.stats_verified_title}</h2>
                    <p>{verified}</p>
                    <p class="hint">{t.stats_verified_note}</p>
                </section>
                {governance(t, &f, days)}
                <p><a href="/data">{t.data_title}</a></p>
            </crate::components::Layout>
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_and_periods_read_plainly() {
        assert_eq!(wait(None), "—");
        assert_eq!(wait(Some(45)), "45 s");
        assert_eq!(wait(Some(12 * 60 + 5)), "12 min");
        assert_eq!(wait(Some(3 * 3600 + 5 * 60)), "3 h 05 min");
        assert_eq!(wait(Some(2 * 86_400 + 4 * 3600)), "2 d 4 h");
        let q = |d: &str| StatsQuery {
            days: Some(d.into()),
        };
        assert_eq!(period(&StatsQuery::default()), 30);
        assert_eq!(period(&q("7")), 7);
        assert_eq!(period(&q("100")), 90);
        assert_eq!(period(&q("x")), 30);
        assert_eq!(period(&q("-5")), 7);
    }
}
