//! A node's health on its page: the latest figures, availability over 24 h / 7 d / 30 d, and
//! charts of lag, peers, latency and availability over the chosen period, each chart with the
//! same figures in a table (a chart alone says nothing to a screen reader).

use crate::components::charts::line_svg;
use crate::i18n::{Tr, fill};
use crate::services::nodes::health::{self, Health, Point};
use crate::{AppError, AppState};
use chrono::{Duration, Utc};
use leptos::prelude::*;

/// A share as a percentage, or a dash.
pub fn percent(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{:.1} %", v * 100.0))
}

/// Up, down or not yet known.
pub fn state_word(h: Option<&Health>, t: &'static Tr) -> &'static str {
    match h.and_then(|h| h.up) {
        Some(true) => t.node_up,
        Some(false) => t.node_down,
        None => t.node_unknown,
    }
}

pub fn number(v: Option<i64>) -> String {
    v.map_or("—".into(), |v| v.to_string())
}

/// A validator's blocks proposed in the signer metrics' window, against its expected share.
pub fn proposals(h: &Health, t: &'static Tr) -> Option<String> {
    let (p, total, n) = (h.proposed?, h.proposed_of?, h.signers?);
    Some(fill(
        t.node_proposed_line,
        &[
            ("proposed", &p),
            ("total", &total),
            ("signers", &n),
            ("expected", &(total / n.max(1))),
        ],
    ))
}

/// The period of `?span=`: 24 h (the default), 7 d or 30 d.
pub fn span_of(query: &str) -> (&'static str, Duration) {
    match query
        .split("span=")
        .nth(1)
        .and_then(|s| s.split('&').next())
    {
        Some("7d") => ("7d", Duration::days(7)),
        Some("30d") => ("30d", Duration::days(30)),
        _ => ("24h", Duration::hours(24)),
    }
}

/// The health section of node `id`'s page.
pub async fn section(
    state: &AppState,
    id: i64,
    path: &str,
    t: &'static Tr,
) -> Result<AnyView, AppError> {
    let now = Utc::now();
    let figures = health::figures(&state.db, &[id], now, health::Reach::Month).await?;
    let h = figures.get(&id).cloned().unwrap_or_default();
    if h.up.is_none() {
        return Ok(view! {
            <h2>{t.node_health_title}</h2>
            <p>{t.node_health_none}</p>
        }
        .into_any());
    }
    let last_new = match h.block {
        Some(b) => health::last_new_block(&state.db, id, b).await?,
        None => None,
    };
    let (span_key, span) = span_of(path);
    let [lag, peers, latency, up] = health::series(&state.db, id, span, now).await?;
    let spans = [
        ("24h", t.node_span_24h),
        ("7d", t.node_span_7d),
        ("30d", t.node_span_30d),
    ]
    .into_iter()
    .map(|(key, label)| {
        let current = (key == span_key).then_some("page");
        view! { <li><a href=format!("/network/nodes/{id}?span={key}#health") aria-current=current>{label}</a></li> }
    })
    .collect_view();
    let charts = [
        (t.node_chart_lag, lag),
        (t.node_chart_peers, peers),
        (t.node_chart_latency, latency),
        (t.node_chart_availability, up),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (caption, points))| chart(i, caption, &points, t))
    .collect_view();
    Ok(view! {
        <h2 id="health">{t.node_health_title}</h2>
        <dl class="facts">
            <dt>{t.node_col_health}</dt><dd>{state_word(Some(&h), t)}</dd>
            <dt>{t.node_col_lag}</dt><dd>{number(h.lag)}</dd>
            <dt>{t.node_col_peers}</dt><dd>{number(h.peers)}</dd>
            <dt>{t.node_col_latency}</dt><dd>{number(h.latency_ms)}</dd>
            <dt>{t.node_col_client}</dt><dd>{h.client.clone().unwrap_or_else(|| "—".into())}</dd>
            {proposals(&h, t).map(|line| view! { <dt>{t.node_proposed}</dt><dd>{line}</dd> })}
        </dl>
        {h.proposes_too_little.then(|| view! { <p class="flag" role="status">{t.node_proposes_too_little}</p> })}
        <p>{fill(t.node_availability_line, &[
            ("d1", &percent(h.availability_24h)),
            ("d7", &percent(h.availability_7d)),
            ("d30", &percent(h.availability_30d)),
        ])}</p>
        {last_new.map(|at| view! { <p>{fill(t.node_last_block, &[("at", &crate::i18n::datetime(at.0))])}</p> })}
        <nav aria-label=t.node_span_label><ul class="tabs">{spans}</ul></nav>
        {charts}
    }
    .into_any())
}

/// One chart and its table.
fn chart(i: usize, caption: &'static str, points: &[Point], t: &'static Tr) -> AnyView {
    let svg = line_svg(points, caption, 720);
    let rows = points
        .iter()
        .rev()
        .take(48)
        .map(|(at, v)| {
            view! { <tr><th scope="row">{at.format("%Y-%m-%d %H:%M").to_string()}</th><td>{format!("{v:.0}")}</td></tr> }
        })
        .collect_view();
    let id = format!("chart-{i}");
    let (id1, id2) = (id.clone(), id.clone());
    view! {
        <section aria-labelledby=id1>
            <h3 id=id2>{caption}</h3>
            <figure class="chart chart-fluid">
                <div aria-hidden="true" inner_html=svg></div>
                <figcaption>{t.node_chart_caption}</figcaption>
            </figure>
            <details>
                <summary>{t.node_figures_title}</summary>
                <div class="table-scroll" role="region" aria-labelledby=id tabindex="0">
                    <table>
                        <thead><tr><th scope="col">{t.node_col_time}</th><th scope="col">{caption}</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </section>
    }
    .into_any()
}
