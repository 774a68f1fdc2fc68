//! `/meetings/dashboard`: the secretary's dashboard — the next meetings of the bodies one
//! convenes, the minutes pending, the open agreements (the overdue ones marked) and each
//! member's attendance over the year, as a chart and as a table.

use super::{BodyNames, convened_by, status_name};
use crate::components::Layout;
use crate::domain::meetings::MeetingStatus;
use crate::i18n::fill;
use crate::services::meetings;
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use leptos::prelude::*;

pub async fn dashboard(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_user()?;
    let bodies = convened_by(&state, &ctx).await?;
    if bodies.is_empty() {
        return Err(AppError::Forbidden);
    }
    let t = ctx.t();
    let now = Utc::now();
    let names = BodyNames::load(&state.db).await?;
    let next = meetings::list(&state.db, false, None)
        .await?
        .into_iter()
        .filter(|m| {
            m.ends_at.0 >= now
                && m.status != MeetingStatus::Cancelled
                && m.body().is_some_and(|b| bodies.contains(&b))
        })
        .map(|m| {
            let body = names.name(m.body(), ctx.lang);
            view! {
                <li><a href=format!("/meetings/{}", m.id)>{ctx.lang.pick(&m.title_es, &m.title_en)}</a>" — "{body}" · "{m.local_span()}" · "{status_name(m.status, t)}</li>
            }
        })
        .collect::<Vec<_>>();
    let keys: Vec<String> = bodies.iter().map(|b| b.key()).collect();
    let pending = crate::services::minutes::pending(&state.db, &keys)
        .await?
        .into_iter()
        .map(|(m, status)| {
            let body = names.name(m.body(), ctx.lang);
            view! {
                <li>
                    <a href=format!("/meetings/{}/minutes", m.id)>{ctx.lang.pick(&m.title_es, &m.title_en)}</a>
                    " — "{body}" · "{m.local_span()}" · "
                    <strong>{crate::pages::minutes::minutes_status(status, t)}</strong>
                </li>
            }
        })
        .collect::<Vec<_>>();
    let today = now.date_naive();
    let agreements = crate::services::minutes::open_agreements(&state.db, &keys).await?;
    let agreement_rows = agreements
        .iter()
        .map(|a| {
            let overdue = a.overdue(today);
            view! {
                <tr class=overdue.then_some("overdue")>
                    <td><a href=format!("/agreements/{}", a.id)>{a.text.clone()}</a></td>
                    <td>{a.owner_name.clone()}</td>
                    <td>{a.due_on.to_string()}</td>
                    <td>{if overdue { t.min_agreement_overdue } else { t.min_agreement_open }}</td>
                    <td><a href=format!("/meetings/{}/minutes", a.meeting_id)>{ctx.lang.pick(&a.title_es, &a.title_en)}</a></td>
                </tr>
            }
        })
        .collect_view();
    let has_agreements = !agreements.is_empty();
    let year = chrono::Datelike::year(&today);
    let mut sections = Vec::new();
    let mut conn = state.db.acquire().await?;
    for body in &bodies {
        let rows = meetings::attendance_year(&mut conn, *body, year).await?;
        if rows.is_empty() {
            continue;
        }
        let name = names.name(Some(*body), ctx.lang);
        let caption = fill(t.mtg_attendance_year, &[("body", &name), ("year", &year)]);
        let svg = crate::components::charts::attendance_svg(&rows, &caption, 720);
        let table = rows
            .iter()
            .map(|(n, a, total)| view! { <tr><th scope="row">{n.clone()}</th><td>{*a}</td><td>{*total}</td></tr> })
            .collect_view();
        let id = format!("att-{}", body.key().replace(':', "-"));
        let (id1, id2) = (id.clone(), id.clone());
        sections.push(view! {
            <section aria-labelledby=id1>
                <h2 id=id2>{caption.clone()}</h2>
                <figure class="chart">
                    <div aria-hidden="true" inner_html=svg></div>
                    <figcaption>{t.mtg_attendance_chart_caption}</figcaption>
                </figure>
                <div class="table-scroll" role="region" aria-labelledby=id tabindex="0">
                    <table>
                        <thead><tr><th scope="col">{t.gov_col_person}</th><th scope="col">{t.mtg_attended}</th><th scope="col">{t.mtg_held}</th></tr></thead>
                        <tbody>{table}</tbody>
                    </table>
                </div>
            </section>
        });
    }
    drop(conn);
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.mtg_dashboard>
                <p><a href="/meetings">{t.mtg_title}</a></p>
                <h1>{t.mtg_dashboard}</h1>
                <p>{t.mtg_dashboard_intro}</p>
                <h2>{t.mtg_next}</h2>
                {next.is_empty().then(|| view! { <p>{t.mtg_none}</p> })}
                <ul>{next}</ul>
                <h2 id="pending-minutes">{t.min_pending}</h2>
                {pending.is_empty().then(|| view! { <p>{t.min_none_pending}</p> })}
                <ul>{pending}</ul>
                <h2 id="open-agreements">{t.min_open_agreements}</h2>
                {(!has_agreements).then(|| view! { <p>{t.min_none_open}</p> })}
                {has_agreements.then(|| view! {
                    <div class="table-scroll" role="region" aria-labelledby="open-agreements" tabindex="0">
                        <table>
                            <thead><tr>
                                <th scope="col">{t.min_agreement}</th>
                                <th scope="col">{t.min_owner}</th>
                                <th scope="col">{t.min_due}</th>
                                <th scope="col">{t.min_agreement_status}</th>
                                <th scope="col">{t.min_meeting}</th>
                            </tr></thead>
                            <tbody>{agreement_rows}</tbody>
                        </table>
                    </div>
                })}
                {sections}
            </Layout>
        },
    ))
}
