//! `/meetings`: the public calendar (upcoming and past, each with its state and, once approved,
//! its minutes with their verified badge); `/meetings/{id}/invite.ics` and
//! `/meetings/calendar/{body}.ics`: iCalendar.

use super::{BodyNames, convened_by, status_name};
use crate::components::{Layout, VerifiedBadge};
use crate::domain::ics::{self, Calendar, Method};
use crate::domain::meetings::{self as rules, Body, MeetingStatus};
use crate::i18n::fill;
use crate::services::{meetings, network};
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use leptos::prelude::*;

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let now = Utc::now();
    let all = meetings::list(&state.db, false, None).await?;
    let names = BodyNames::load(&state.db).await?;
    let mine = convened_by(&state, &ctx).await?;
    let approved: std::collections::HashMap<i64, Option<String>> = sqlx::query_as::<_, (i64, Option<String>)>(
        "SELECT n.meeting_id, d.evidence_id FROM minutes n LEFT JOIN decisions d ON d.id = n.decision_id WHERE n.status = 'approved'",
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .collect();
    let mut upcoming = Vec::new();
    let mut past = Vec::new();
    for m in &all {
        // a draft is listed only to who convenes its body
        if m.status == MeetingStatus::Draft && !m.body().is_some_and(|b| mine.contains(&b)) {
            continue;
        }
        let body = names.name(m.body(), ctx.lang);
        let minutes = approved.get(&m.id).map(|evidence| {
            view! {
                " · "<a href=format!("/meetings/{}/minutes", m.id)>{t.min_approved}</a>" "
                <VerifiedBadge evidence_id=evidence.clone() t=t/>
            }
        });
        let item = view! {
            <li>
                <a href=format!("/meetings/{}", m.id)>{ctx.lang.pick(&m.title_es, &m.title_en)}</a>
                " — "{body}" · "{m.local_span()}" · "{status_name(m.status, t)}
                {minutes}
            </li>
        };
        if m.ends_at.0 >= now {
            upcoming.push(item);
        } else {
            past.push(item);
        }
    }
    past.reverse();
    let no_past = past.is_empty();
    let year = now.date_naive();
    let outlook = rules::advisory_outlook(
        &meetings::advisory_days(&state.db, chrono::Datelike::year(&year)).await?,
        year,
        &state.settings.meetings,
    );
    let warning = outlook.warning().map(|w| {
        fill(
            t.mtg_advisory_warning,
            &[
                ("year", &w.year),
                ("count", &(w.held + w.scheduled)),
                ("required", &w.required),
            ],
        )
    });
    let collective_feeds = network::collective_choices(&state.db)
        .await?
        .into_iter()
        .map(|(id, es, en)| {
            let href = format!("/meetings/calendar/{}.ics", Body::Collective(id).key());
            view! { <li><a href=href>{ctx.lang.pick(&es, &en)}" (iCalendar)"</a></li> }
        })
        .collect_view();
    let can_schedule = !mine.is_empty();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.mtg_title>
                <h1>{t.mtg_title}</h1>
                <p>{t.mtg_intro}</p>
                {can_schedule.then(|| view! { <p><a class="button" href="/meetings/new">{t.mtg_new}</a>" "<a href="/meetings/dashboard">{t.mtg_dashboard}</a></p> })}
                {warning.map(|w| view! { <div class="notice-box" role="status"><p>{w}</p></div> })}
                <h2>{t.mtg_upcoming}</h2>
                {upcoming.is_empty().then(|| view! { <p>{t.mtg_none}</p> })}
                <ul>{upcoming}</ul>
                <h2>{t.mtg_past}</h2>
                {no_past.then(|| view! { <p>{t.mtg_none_past}</p> })}
                <ul>{past}</ul>
                <h2>{t.mtg_feeds}</h2>
                <ul>
                    <li><a href="/meetings/calendar/executive-council.ics">{t.body_executive_council}" (iCalendar)"</a></li>
                    <li><a href="/meetings/calendar/advisory-council.ics">{t.body_advisory_council}" (iCalendar)"</a></li>
                    {collective_feeds}
                    <li><a href="/meetings.atom" type="application/atom+xml">{t.feed_meetings}</a></li>
                </ul>
                <crate::pages::open_data::DataLinks t=t lang=ctx.lang page="/meetings"/>
            </Layout>
        },
    ))
}

fn calendar_response(text: String, filename: &str) -> Response {
    (
        [
            (CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (CACHE_CONTROL, "no-cache".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
        ],
        text,
    )
        .into_response()
}

/// The invitation of one meeting (its current revision).
pub async fn invite_ics(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let m = meetings::get(&state.db, id).await?;
    if !m.status.is_public() {
        return Err(AppError::NotFound);
    }
    let items = meetings::agenda(&state.db, id).await?;
    let method = if m.status == MeetingStatus::Cancelled {
        Method::Cancel
    } else {
        Method::Publish
    };
    Ok(calendar_response(
        ics::to_ics(&Calendar {
            method,
            events: vec![meetings::event(&state, &m, &items)],
        }),
        &format!("meeting-{id}.ics"),
    ))
}

/// A body's meetings as a subscribable calendar feed (a body that does not exist has none).
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let key = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let body = Body::parse(key).ok_or(AppError::NotFound)?;
    if !BodyNames::load(&state.db).await?.exists(body) {
        return Err(AppError::NotFound);
    }
    let list = meetings::list(&state.db, true, Some(&body.key())).await?;
    let ids: Vec<i64> = list.iter().map(|m| m.id).collect();
    let items = meetings::agendas(&state.db, &ids).await?;
    let events = list
        .iter()
        .map(|m| {
            let own: Vec<_> = items
                .iter()
                .filter(|i| i.meeting_id == m.id)
                .cloned()
                .collect();
            meetings::event(&state, m, &own)
        })
        .collect();
    Ok(calendar_response(
        ics::to_ics(&Calendar {
            method: Method::Publish,
            events,
        }),
        &format!("{key}.ics"),
    ))
}

/// `/meetings.atom`: the meetings convened (newest first), each with its state and, once
/// approved, the text of its minutes.
pub async fn atom(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let base = state.settings.public_url.trim_end_matches('/').to_string();
    let names = BodyNames::load(&state.db).await?;
    let mut all = meetings::list(&state.db, true, None).await?;
    all.reverse();
    all.truncate(100);
    let ids: Vec<i64> = all.iter().map(|m| m.id).collect();
    let minutes = crate::services::minutes::approved_texts(&state.db, &ids).await?;
    let entries = all
        .iter()
        .map(|m| {
            let approved = minutes.get(&m.id);
            let updated = [
                m.convened_at.map(|t| t.0),
                m.closed_at.map(|t| t.0),
                approved.map(|a| a.1.0),
            ]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(m.starts_at.0);
            let title = ctx.lang.pick(&m.title_es, &m.title_en);
            let mut summary = format!(
                "{} · {} · {}",
                names.name(m.body(), ctx.lang),
                crate::i18n::datetime(m.starts_at.0),
                status_name(m.status, t)
            );
            if approved.is_some() {
                summary.push_str(&format!(" · {}", t.event_minutes_approved));
            }
            crate::domain::atom::Entry {
                id: format!("{base}/meetings/{}", m.id),
                title,
                link: format!("{base}/meetings/{}", m.id),
                updated,
                summary,
                content: approved.map(|a| a.0.clone()),
                related: approved.map(|_| format!("{base}/meetings/{}/minutes", m.id)),
            }
        })
        .collect();
    let feed = crate::domain::atom::Feed {
        id: format!("{base}/meetings.atom"),
        title: format!("{} · Minga", t.nav_meetings),
        self_link: format!("{base}/meetings.atom"),
        alternate: format!("{base}/meetings"),
        lang: ctx.lang.code(),
        entries,
    };
    Ok(crate::pages::decisions::atom_response(
        feed.render(Utc::now()),
    ))
}
