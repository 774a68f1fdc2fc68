//! `/meetings`: the public meetings calendar (upcoming and past); `/meetings/new`: scheduling a
//! meeting (its body's secretary); `/meetings/{id}`: the meeting — agenda, day, time, place and
//! link — with, for its secretary, the agenda editor, the convocation (refused when too late for
//! the notice period) and each recipient's delivery state, and for members, their answer
//! (in person, virtual, absent, or a representative); `/meetings/{id}/invite.ics` and
//! `/meetings/calendar/{body}.ics`: iCalendar.

use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField, VerifiedBadge,
};
use crate::domain::ics::{self, Calendar, Method};
use crate::domain::meetings::{self as rules, Body};
use crate::i18n::{Tr, datetime, fill};
use crate::pages::calls::TextArea;
use crate::pages::refused_form;
use crate::services::meetings::{self, MeetingForm, MeetingRow};
use crate::services::{mail, network};
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::{Days, Utc};
use leptos::prelude::*;
use serde::Deserialize;

/// The name of a body, in the visitor's language.
pub(crate) async fn body_name(
    state: &AppState,
    body: Option<Body>,
    ctx: &Ctx,
) -> Result<String, AppError> {
    let t = ctx.t();
    Ok(match body {
        Some(Body::ExecutiveCouncil) => t.body_executive_council.to_string(),
        Some(Body::AdvisoryCouncil) => t.body_advisory_council.to_string(),
        Some(Body::Collective(id)) => network::collective_choices(&state.db)
            .await?
            .into_iter()
            .find(|(c, _, _)| *c == id)
            .map(|(_, es, en)| ctx.lang.pick(&es, &en))
            .unwrap_or_default(),
        None => String::new(),
    })
}

/// Whether the visitor convenes the meetings of `body`.
pub(crate) async fn convenes(state: &AppState, ctx: &Ctx, body: Body) -> Result<bool, AppError> {
    Ok(match &ctx.user {
        Some(u) => meetings::may_convene(&state.db, body, u.person_id, &u.roles).await?,
        None => false,
    })
}

/// A queued message's delivery state.
pub(crate) fn mail_state(status: &str, t: &'static Tr) -> &'static str {
    match status {
        "sent" => t.mtg_mail_sent,
        "failed" => t.mtg_mail_failed,
        _ => t.mtg_mail_queued,
    }
}

pub(crate) fn status_name(status: &str, t: &'static Tr) -> &'static str {
    match status {
        "convened" => t.mtg_status_convened,
        "cancelled" => t.mtg_status_cancelled,
        "held" => t.mtg_status_held,
        _ => t.mtg_status_draft,
    }
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let now = Utc::now();
    let all = meetings::list(&state.db, false, None).await?;
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
        if m.status == "draft" {
            let mine = match (&ctx.user, m.body()) {
                (Some(u), Some(b)) => {
                    meetings::may_convene(&state.db, b, u.person_id, &u.roles).await?
                }
                _ => false,
            };
            if !mine {
                continue;
            }
        }
        let body = body_name(&state, m.body(), &ctx).await?;
        let minutes = approved.get(&m.id).map(|evidence| {
            view! {
                " · "<a href=format!("/meetings/{}/minutes", m.id)>{t.min_approved}</a>" "
                <VerifiedBadge evidence_id=evidence.clone() t=t/>
            }
        });
        let item = view! {
            <li>
                <a href=format!("/meetings/{}", m.id)>{ctx.lang.pick(&m.title_es, &m.title_en)}</a>
                " — "{body}" · "{m.local_span()}" · "{status_name(&m.status, t)}
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
    let can_schedule = ctx.is(crate::domain::roles::Role::ExecutiveSecretary)
        || ctx.is(crate::domain::roles::Role::CollectiveLeader);
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
                <ul>{past}</ul>
                <h2>{t.mtg_feeds}</h2>
                <ul>
                    <li><a href="/meetings/calendar/executive-council.ics">{t.body_executive_council}" (iCalendar)"</a></li>
                    <li><a href="/meetings/calendar/advisory-council.ics">{t.body_advisory_council}" (iCalendar)"</a></li>
                    {collective_feeds}
                </ul>
            </Layout>
        },
    ))
}

/// The secretary's dashboard: the next meetings of the bodies they convene and the attendance
/// of each member over the year, as a chart and as a table.
pub async fn dashboard(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx
        .require_role(&[
            crate::domain::roles::Role::ExecutiveSecretary,
            crate::domain::roles::Role::CollectiveLeader,
        ])?
        .clone();
    let t = ctx.t();
    let now = Utc::now();
    let mut bodies = Vec::new();
    if user.has(crate::domain::roles::Role::ExecutiveSecretary) {
        bodies.push(Body::ExecutiveCouncil);
        bodies.push(Body::AdvisoryCouncil);
    }
    for (id, _, _) in network::collective_choices(&state.db).await? {
        if meetings::may_convene(&state.db, Body::Collective(id), user.person_id, &user.roles)
            .await?
        {
            bodies.push(Body::Collective(id));
        }
    }
    let mut next = Vec::new();
    for m in meetings::list(&state.db, false, None).await? {
        if m.ends_at.0 >= now
            && m.status != "cancelled"
            && m.body().is_some_and(|b| bodies.contains(&b))
        {
            let body = body_name(&state, m.body(), &ctx).await?;
            next.push(view! {
                <li><a href=format!("/meetings/{}", m.id)>{ctx.lang.pick(&m.title_es, &m.title_en)}</a>" — "{body}" · "{m.local_span()}" · "{status_name(&m.status, t)}</li>
            });
        }
    }
    let keys: Vec<String> = bodies.iter().map(|b| b.key()).collect();
    let mut pending = Vec::new();
    for (m, status) in crate::services::minutes::pending(&state.db, &keys).await? {
        let body = body_name(&state, m.body(), &ctx).await?;
        pending.push(view! {
            <li>
                <a href=format!("/meetings/{}/minutes", m.id)>{ctx.lang.pick(&m.title_es, &m.title_en)}</a>
                " — "{body}" · "{m.local_span()}" · "
                <strong>{crate::pages::minutes::minutes_status(status.as_deref(), t)}</strong>
            </li>
        });
    }
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
    let year = chrono::Datelike::year(&now.date_naive());
    let mut sections = Vec::new();
    for body in bodies {
        let mut conn = state.db.acquire().await?;
        let rows = meetings::attendance_year(&mut conn, body, year).await?;
        drop(conn);
        if rows.is_empty() {
            continue;
        }
        let name = body_name(&state, Some(body), &ctx).await?;
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

pub async fn new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_user()?;
    let today = Utc::now().date_naive();
    let form = MeetingForm {
        body: "executive-council".into(),
        kind: "ordinary".into(),
        date: (today + Days::new(21)).to_string(),
        start_time: "10:00".into(),
        end_time: "12:00".into(),
        timezone: "America/Mexico_City".into(),
        ..MeetingForm::default()
    };
    render_new(&state, &ctx, &form, FormErrors::default(), StatusCode::OK).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<MeetingForm>,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let result = match meetings::check_form(&form) {
        Ok(c) => {
            if !meetings::may_convene(&state.db, c.body, user.person_id, &user.roles).await? {
                return Err(AppError::Forbidden);
            }
            meetings::create(&state, &form, &ctx.actor()).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(redirect(&format!("/meetings/{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_new(&state, &ctx, &form, refused.errors.clone(), refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

async fn render_new(
    state: &AppState,
    ctx: &Ctx,
    form: &MeetingForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let form = form.clone();
    let t = ctx.t();
    let mut bodies = vec![
        (
            "executive-council".to_string(),
            t.body_executive_council.to_string(),
        ),
        (
            "advisory-council".to_string(),
            t.body_advisory_council.to_string(),
        ),
    ];
    for (id, es, en) in network::collective_choices(&state.db).await? {
        bodies.push((Body::Collective(id).key(), ctx.lang.pick(&es, &en)));
    }
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
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.mtg_new>
                <p><a href="/meetings">{t.mtg_title}</a></p>
                <h1>{t.mtg_new}</h1>
                <p>{t.mtg_new_intro}</p>
                <ErrorSummary errors=errors.clone() t=t labels=labels/>
                <form method="post" action="/meetings" class="narrow" novalidate>
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
                    <button type="submit" class="button">{t.mtg_create}</button>
                </form>
            </Layout>
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    render(&state, &ctx, id, FormErrors::default(), StatusCode::OK).await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ItemForm {
    title: String,
    presenter: String,
    motion: String,
}

/// The meeting, if the user convenes its body's meetings.
pub(crate) async fn convener(state: &AppState, ctx: &Ctx, id: i64) -> Result<MeetingRow, AppError> {
    let user = ctx.require_user()?;
    let m = meetings::get(&state.db, id).await?;
    let body = m.body().ok_or(AppError::NotFound)?;
    if !meetings::may_convene(&state.db, body, user.person_id, &user.roles).await? {
        return Err(AppError::Forbidden);
    }
    Ok(m)
}

/// To the meeting's page (at `anchor`) after a change, or the page again with the refusal.
pub(crate) async fn after(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    result: Result<(), AppError>,
    anchor: &str,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(redirect(&format!("/meetings/{id}{anchor}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(state, ctx, id, refused.errors.clone(), refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

pub async fn add_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ItemForm>,
) -> Result<Response, AppError> {
    convener(&state, &ctx, id).await?;
    let r = meetings::add_item(
        &state,
        id,
        &form.title,
        &form.presenter,
        &form.motion,
        &ctx.actor(),
    )
    .await
    .map(|_| ());
    after(&state, &ctx, id, r, "#agenda").await
}

pub async fn convene(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: CsrfForm<crate::web::NoFields>,
) -> Result<Response, AppError> {
    convener(&state, &ctx, id).await?;
    let r = meetings::convene(&state, id, &ctx.actor())
        .await
        .map(|_| ());
    after(&state, &ctx, id, r, "#delivery").await
}

pub async fn revise(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: CsrfForm<crate::web::NoFields>,
) -> Result<Response, AppError> {
    convener(&state, &ctx, id).await?;
    let r = meetings::send_revision(&state, id, &ctx.actor())
        .await
        .map(|_| ());
    after(&state, &ctx, id, r, "#delivery").await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CancelForm {
    reason: String,
}

pub async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CancelForm>,
) -> Result<Response, AppError> {
    convener(&state, &ctx, id).await?;
    let r = meetings::cancel(&state, id, &form.reason, &ctx.actor()).await;
    after(&state, &ctx, id, r, "").await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    answer: String,
    proxy: String,
}

pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    let r = meetings::answer(
        &state,
        id,
        user.person_id,
        &form.answer,
        &form.proxy,
        &ctx.actor(),
    )
    .await;
    after(&state, &ctx, id, r, "#answer").await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PresenceForm {
    person: String,
    presence: String,
    proxy: String,
}

pub async fn record_presence(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PresenceForm>,
) -> Result<Response, AppError> {
    convener(&state, &ctx, id).await?;
    let person: i64 = form.person.parse().map_err(|_| AppError::NotFound)?;
    let r = meetings::record_presence(
        &state,
        id,
        person,
        &form.presence,
        &form.proxy,
        &ctx.actor(),
    )
    .await;
    after(&state, &ctx, id, r, "#attendance").await
}

pub async fn open_session(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: CsrfForm<crate::web::NoFields>,
) -> Result<Response, AppError> {
    convener(&state, &ctx, id).await?;
    let r = meetings::open_session(&state, id, &ctx.actor()).await;
    after(&state, &ctx, id, r, "#quorum").await
}

pub async fn open_vote(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, item)): Path<(i64, i64)>,
    _: CsrfForm<crate::web::NoFields>,
) -> Result<Response, AppError> {
    convener(&state, &ctx, id).await?;
    let r = meetings::open_vote(&state, id, item, &ctx.actor())
        .await
        .map(|_| ());
    after(&state, &ctx, id, r, &format!("#item-{item}")).await
}

pub async fn record_votes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, vote)): Path<(i64, i64)>,
    pairs: crate::web::CsrfPairs,
) -> Result<Response, AppError> {
    convener(&state, &ctx, id).await?;
    let choices: Vec<(i64, String)> = pairs
        .0
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("seat_")?.parse().ok()?, v.clone())))
        .collect();
    let r = meetings::record_votes(&state, id, vote, &choices, &ctx.actor()).await;
    after(&state, &ctx, id, r, "#agenda").await
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let t = ctx.t();
    let m = meetings::get(&state.db, id).await?;
    let body = m.body().ok_or(AppError::NotFound)?;
    let is_convener = convenes(state, &ctx, body).await?;
    // a draft is seen by who convenes it only
    if m.status == "draft" && !is_convener {
        return Err(AppError::NotFound);
    }
    let body_text = body_name(state, Some(body), &ctx).await?;
    let items = meetings::agenda(&state.db, id).await?;
    let mut conn = state.db.acquire().await?;
    let members = meetings::members(&mut conn, body, m.starts_at.0.date_naive()).await?;
    drop(conn);
    let answers = meetings::answers(&state.db, id).await?;
    let mut conn = state.db.acquire().await?;
    let (seats, quorum) = meetings::quorum(state, &mut conn, &m).await?;
    drop(conn);
    let opened: Option<String> = sqlx::query_scalar("SELECT opened_at FROM meetings WHERE id = ?")
        .bind(id)
        .fetch_one(&state.db)
        .await?;
    let in_session = is_convener && m.status == "convened";
    let mut votes_of = std::collections::HashMap::new();
    for i in &items {
        if let Some(v) = i.vote_id {
            votes_of.insert(i.id, crate::services::votes::get(&state.db, v).await?);
        }
    }
    let voting: Vec<(i64, String)> = seats
        .iter()
        .filter(|s| !matches!(s.attendance.presence, rules::Presence::Absent))
        .map(|s| match &s.proxy_name {
            Some(p) => (
                s.person_id,
                format!("{} ({} {p})", s.name, t.mtg_represented_by),
            ),
            None => (s.person_id, s.name.clone()),
        })
        .collect();
    let me = ctx.user.as_ref().map(|u| u.person_id);
    let is_member = me.is_some_and(|p| members.iter().any(|(id, _, _)| *id == p));
    let open_for_answers = m.status == "convened" && m.starts_at.0 > Utc::now();
    let deadline = rules::latest_convocation_day(
        body,
        m.starts_at.0.with_timezone(&m.tz()).date_naive(),
        &state.settings.meetings,
    );
    let delivery = if is_convener {
        mail::by_topic(&state.db, &format!("meeting/{}/{}", m.id, m.sequence)).await?
    } else {
        Vec::new()
    };
    let choice_options: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
        .chain(
            [
                crate::domain::voting::Choice::Yes,
                crate::domain::voting::Choice::No,
                crate::domain::voting::Choice::Abstain,
            ]
            .into_iter()
            .map(|c| {
                (
                    c.as_str().to_string(),
                    crate::pages::votes::choice_name(c, t).to_string(),
                )
            }),
        )
        .collect();
    let documents = meetings::attachments(&state.db, id).await?;
    let may_read_documents = is_convener || is_member;
    let may_attach = is_convener && matches!(m.status.as_str(), "draft" | "convened");
    let item_rows = items
        .iter()
        .map(|i| {
            let vote = votes_of.get(&i.id);
            let controls = if i.motion.is_empty() {
                None
            } else {
                match vote {
                    None => in_session.then(|| view! {
                        <form method="post" action=format!("/meetings/{}/agenda/{}/vote", m.id, i.id) class="inline-form">
                            <CsrfInput ctx=ctx.clone()/>
                            <button type="submit" class="button button-secondary">{t.mtg_put_to_vote}</button>
                        </form>
                    }.into_any()),
                    Some(v) if v.status == "open" && in_session => Some(view! {
                        <form method="post" action=format!("/meetings/{}/votes/{}", m.id, v.id)>
                            <CsrfInput ctx=ctx.clone()/>
                            <fieldset>
                                <legend>{t.mtg_record_votes}</legend>
                                {voting.iter().map(|(pid, label)| {
                                    let name = format!("seat_{pid}");
                                    let id_attr = format!("seat-{}-{pid}", v.id);
                                    let options = choice_options.clone().into_iter().map(|(val, text)| view! { <option value=val>{text}</option> }).collect_view();
                                    view! {
                                        <div class="field">
                                            <label for=id_attr.clone()>{label.clone()}</label>
                                            <select id=id_attr name=name>{options}</select>
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <button type="submit" class="button">{t.mtg_close_vote}</button>
                        </form>
                    }.into_any()),
                    Some(v) => Some(view! {
                        <p><a href=format!("/votes/{}", v.id)>{if v.status == "closed" { t.mtg_vote_result } else { t.mtg_vote_open }}</a></p>
                    }.into_any()),
                }
            };
            let docs: Vec<&meetings::Attachment> = documents.iter().filter(|a| a.item_id == i.id).collect();
            let doc_list = (may_read_documents && !docs.is_empty()).then(|| view! {
                <ul class="attachments" aria-label=t.mtg_attachments>
                    {docs.iter().map(|a| view! {
                        <li>
                            <a href=format!("/meetings/{}/attachments/{}", m.id, a.id)>{a.filename.clone()}</a>
                            " ("{format_size(a.size)}") · SHA-256 "<code class="hash">{a.sha256.clone()}</code>
                        </li>
                    }).collect_view()}
                </ul>
            });
            let doc_count = (!may_read_documents && !docs.is_empty())
                .then(|| view! { <p class="meta">{fill(t.mtg_attachments_members, &[("count", &docs.len())])}</p> });
            let input_id = format!("attachment-{}", i.id);
            let upload = may_attach.then(|| view! {
                <form method="post" action=format!("/meetings/{}/agenda/{}/attachments", m.id, i.id) enctype="multipart/form-data" class="inline-form">
                    <CsrfInput ctx=ctx.clone()/>
                    <label for=input_id.clone()>{t.mtg_attach}</label>
                    <input type="file" id=input_id name="attachment" required/>
                    <button type="submit" class="button button-secondary">{t.mtg_attach_submit}</button>
                </form>
            });
            view! {
                <li id=format!("item-{}", i.id)>
                    <strong>{i.title.clone()}</strong>
                    {(!i.presenter.is_empty()).then(|| format!(" — {}: {}", t.mtg_presenter, i.presenter))}
                    {(!i.motion.is_empty()).then(|| view! { <p class="meta">{t.mtg_motion}": "{i.motion.clone()}</p> })}
                    {doc_list}
                    {doc_count}
                    {upload}
                    {controls}
                </li>
            }
        })
        .collect_view();
    let presence_options = vec![
        ("absent".to_string(), t.mtg_answer_absent.to_string()),
        ("in_person".to_string(), t.mtg_answer_in_person.to_string()),
        ("virtual".to_string(), t.mtg_answer_virtual.to_string()),
        (
            "represented".to_string(),
            t.mtg_presence_represented.to_string(),
        ),
    ];
    let proxy_options: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
        .chain(
            seats
                .iter()
                .map(|s| (s.person_id.to_string(), s.name.clone())),
        )
        .collect();
    let attendance_rows = seats
        .iter()
        .map(|s| {
            let (current, proxy) = match s.attendance.presence {
                rules::Presence::InPerson => ("in_person", String::new()),
                rules::Presence::Virtual => ("virtual", String::new()),
                rules::Presence::Represented { by } => ("represented", by.to_string()),
                rules::Presence::Absent => ("absent", String::new()),
            };
            let seat = if s.attendance.seat == rules::Seat::Secretary { t.mtg_seat_secretary } else { t.mtg_seat_member };
            let (pid_presence, pid_proxy) = (format!("presence-{}", s.person_id), format!("proxy-{}", s.person_id));
            let options = presence_options.clone().into_iter().map(|(v, l)| { let sel = v == current; view! { <option value=v selected=sel>{l}</option> } }).collect_view();
            let proxies = proxy_options.clone().into_iter().filter(|(v, _)| *v != s.person_id.to_string()).map(|(v, l)| { let sel = v == proxy; view! { <option value=v selected=sel>{l}</option> } }).collect_view();
            view! {
                <tr>
                    <th scope="row">{s.name.clone()}</th>
                    <td>{seat}</td>
                    <td>
                        <form method="post" action=format!("/meetings/{}/attendance", m.id) class="inline-form">
                            <CsrfInput ctx=ctx.clone()/>
                            <input type="hidden" name="person" value=s.person_id.to_string()/>
                            <label for=pid_presence.clone() class="visually-hidden">{t.mtg_answer}</label>
                            <select id=pid_presence name="presence">{options}</select>
                            <label for=pid_proxy.clone()>{t.mtg_represented_by}</label>
                            <select id=pid_proxy name="proxy">{proxies}</select>
                            <button type="submit" class="button button-secondary">{t.mtg_record}</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let quorum_text = if quorum.met {
        fill(
            t.mtg_quorum_met,
            &[
                ("present", &quorum.members_present),
                ("required", &quorum.members_required),
            ],
        )
    } else {
        fill(
            t.mtg_quorum_not_met,
            &[
                ("present", &quorum.members_present),
                ("required", &quorum.members_required),
            ],
        )
    };
    let member_rows = members
        .iter()
        .map(|(pid, name, _)| {
            let a = answers.iter().find(|a| a.person_id == *pid);
            let text = match a.and_then(|a| a.answer.as_deref()) {
                Some("in_person") => t.mtg_answer_in_person.to_string(),
                Some("virtual") => t.mtg_answer_virtual.to_string(),
                Some("absent") => t.mtg_answer_absent.to_string(),
                Some("proxy") => fill(
                    t.mtg_answer_proxy_by,
                    &[(
                        "name",
                        &a.and_then(|a| a.proxy_name.clone()).unwrap_or_default(),
                    )],
                ),
                _ => t.mtg_answer_none.to_string(),
            };
            view! { <tr><th scope="row">{name.clone()}</th><td>{text}</td></tr> }
        })
        .collect_view();
    let delivery_rows = delivery
        .iter()
        .map(|d| {
            let state_text = mail_state(&d.status, t);
            view! {
                <tr>
                    <th scope="row">{d.to_address.clone()}</th>
                    <td>{state_text}</td>
                    <td>{d.attempts}</td>
                    <td>{d.sent_at.map(|s| datetime(s.0)).unwrap_or_default()}</td>
                    <td>{d.last_error.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let others: Vec<(String, String)> =
        std::iter::once((String::new(), t.gov_delegation_choose.to_string()))
            .chain(
                members
                    .iter()
                    .filter(|(pid, _, _)| Some(*pid) != me)
                    .map(|(pid, name, _)| (pid.to_string(), name.clone())),
            )
            .collect();
    let answer_options = vec![
        ("in_person".to_string(), t.mtg_answer_in_person.to_string()),
        ("virtual".to_string(), t.mtg_answer_virtual.to_string()),
        ("absent".to_string(), t.mtg_answer_absent.to_string()),
        ("proxy".to_string(), t.mtg_answer_proxy.to_string()),
    ];
    let mine = answers
        .iter()
        .find(|a| Some(a.person_id) == me)
        .and_then(|a| a.answer.clone())
        .unwrap_or_default();
    let minutes_row = crate::services::minutes::get(&state.db, id).await?;
    let minutes_approved = minutes_row.as_ref().is_some_and(|r| r.status == "approved");
    let minutes_evidence = match &minutes_row {
        Some(r) if minutes_approved => {
            crate::services::minutes::evidence_of(&state.db, r.decision_id).await?
        }
        _ => None,
    };
    let minutes_visible = minutes_approved
        || (opened.is_some()
            && (is_convener
                || (is_member
                    && minutes_row
                        .as_ref()
                        .is_some_and(|r| r.status == "circulated"))));
    let minutes_status =
        crate::pages::minutes::minutes_status(minutes_row.as_ref().map(|r| r.status.as_str()), t);
    let approvable: Vec<(String, String)> =
        if is_convener && matches!(m.status.as_str(), "draft" | "convened") {
            std::iter::once((String::new(), "—".to_string()))
                .chain(
                    crate::services::minutes::approvable_at(&state.db, &m)
                        .await?
                        .into_iter()
                        .map(|e| {
                            (
                                e.id.to_string(),
                                format!(
                                    "{} — {}",
                                    ctx.lang.pick(&e.title_es, &e.title_en),
                                    e.local_span()
                                ),
                            )
                        }),
                )
                .collect()
        } else {
            Vec::new()
        };
    let title = ctx.lang.pick(&m.title_es, &m.title_en);
    let kind = if m.kind == "extraordinary" {
        t.mtg_kind_extraordinary
    } else {
        t.mtg_kind_ordinary
    };
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=title.clone()>
                <p><a href="/meetings">{t.mtg_title}</a></p>
                <h1>{title.clone()}</h1>
                <ErrorSummary errors=errors.clone() t=t/>
                <dl class="facts">
                    <dt>{t.mtg_body}</dt><dd>{body_text}</dd>
                    <dt>{t.mtg_kind}</dt><dd>{kind}</dd>
                    <dt>{t.mtg_when}</dt><dd>{m.local_span()}</dd>
                    {(!m.place.is_empty()).then(|| view! { <dt>{t.mtg_place}</dt><dd>{m.place.clone()}</dd> })}
                    {(!m.virtual_url.is_empty()).then(|| view! { <dt>{t.mtg_link}</dt><dd><a href=m.virtual_url.clone() rel="noopener noreferrer external">{m.virtual_url.clone()}</a></dd> })}
                    {(!m.requested_by.is_empty()).then(|| view! { <dt>{t.mtg_requested_by}</dt><dd>{m.requested_by.clone()}</dd> })}
                    {(!m.objectives.is_empty()).then(|| view! { <dt>{t.mtg_objectives}</dt><dd class="prewrap">{m.objectives.clone()}</dd> })}
                    <dt>{t.col_state}</dt><dd id="status">{status_name(&m.status, t)}{(!m.cancel_reason.is_empty()).then(|| format!(" — {}", m.cancel_reason))}</dd>
                </dl>
                {(m.status != "draft").then(|| view! { <p><a href=format!("/meetings/{}/invite.ics", m.id)>{t.mtg_ics}</a></p> })}
                {minutes_visible.then(|| view! {
                    <p id="minutes-link">
                        <a href=format!("/meetings/{}/minutes", m.id)>{t.min_link}</a>" — "{minutes_status}
                        {minutes_approved.then(|| view! { " "<VerifiedBadge evidence_id=minutes_evidence.clone() t=t/> })}
                    </p>
                })}
                <h2 id="agenda">{t.mtg_agenda}</h2>
                {items.is_empty().then(|| view! { <p>{t.mtg_agenda_empty}</p> })}
                <ol>{item_rows}</ol>
                {(is_convener && matches!(m.status.as_str(), "draft" | "convened")).then(|| view! {
                    <section aria-labelledby="item-title" class="narrow">
                        <h3 id="item-title">{t.mtg_add_item}</h3>
                        <form method="post" action=format!("/meetings/{}/agenda", m.id) novalidate>
                            <CsrfInput ctx=ctx.clone()/>
                            <Field label=t.mtg_item_title name="title" error=errors.get("title") required=true/>
                            <Field label=t.mtg_presenter name="presenter" error=errors.get("presenter")/>
                            <TextArea label=t.mtg_motion name="motion" error=errors.get("motion")/>
                            <button type="submit" class="button button-secondary">{t.mtg_add_item}</button>
                        </form>
                        {(approvable.len() > 1).then(|| view! {
                            <form method="post" action=format!("/meetings/{}/agenda/minutes", m.id)>
                                <CsrfInput ctx=ctx.clone()/>
                                <fieldset>
                                    <legend>{t.min_put_to_vote}</legend>
                                    <SelectField label=t.min_of name="of" options=approvable.clone() error=errors.get("of")/>
                                </fieldset>
                                <button type="submit" class="button button-secondary">{t.min_add_item}</button>
                            </form>
                        })}
                    </section>
                })}
                {in_session.then(|| view! {
                    <section aria-labelledby="attendance">
                        <h2 id="attendance">{t.mtg_attendance}</h2>
                        <div class="table-scroll" role="region" aria-labelledby="attendance" tabindex="0">
                            <table>
                                <thead><tr><th scope="col">{t.gov_col_person}</th><th scope="col">{t.gov_col_seat}</th><th scope="col">{t.mtg_answer}</th></tr></thead>
                                <tbody>{attendance_rows}</tbody>
                            </table>
                        </div>
                        <div id="quorum" class="notice-box" role="status">
                            <p><strong>{quorum_text}</strong></p>
                            {opened.clone().map(|o| view! { <p>{t.mtg_session_opened}" "{o}</p> })}
                        </div>
                        {opened.is_none().then(|| view! {
                            <form method="post" action=format!("/meetings/{}/open", m.id)>
                                <CsrfInput ctx=ctx.clone()/>
                                <button type="submit" class="button">{t.mtg_open_session}</button>
                            </form>
                        })}
                    </section>
                })}
                {(is_convener && m.status == "draft").then(|| view! {
                    <section aria-labelledby="convene-title" class="narrow">
                        <h3 id="convene-title">{t.mtg_convene}</h3>
                        <p>{fill(t.mtg_convene_deadline, &[("day", &deadline), ("members", &members.len())])}</p>
                        <form method="post" action=format!("/meetings/{}/convene", m.id)>
                            <CsrfInput ctx=ctx.clone()/>
                            <button type="submit" class="button">{t.mtg_convene_submit}</button>
                        </form>
                    </section>
                })}
                {(is_convener && m.status == "convened").then(|| view! {
                    <section aria-labelledby="revise-title" class="narrow">
                        <h3 id="revise-title">{t.mtg_revise}</h3>
                        <form method="post" action=format!("/meetings/{}/revision", m.id)>
                            <CsrfInput ctx=ctx.clone()/>
                            <button type="submit" class="button button-secondary">{t.mtg_revise_submit}</button>
                        </form>
                    </section>
                })}
                {(is_convener && matches!(m.status.as_str(), "draft" | "convened")).then(|| view! {
                    <form method="post" action=format!("/meetings/{}/cancel", m.id) class="narrow">
                        <CsrfInput ctx=ctx.clone()/>
                        <Field label=t.mtg_cancel_reason name="reason" error=errors.get("reason")/>
                        <button type="submit" class="button button-secondary">{t.mtg_cancel}</button>
                    </form>
                })}
                {(is_member && open_for_answers).then(|| view! {
                    <section aria-labelledby="answer" class="narrow">
                        <h2 id="answer">{t.mtg_your_answer}</h2>
                        <form method="post" action=format!("/meetings/{}/answer", m.id) novalidate>
                            <CsrfInput ctx=ctx.clone()/>
                            <SelectField label=t.mtg_answer name="answer" options=answer_options.clone() selected=mine.clone() error=errors.get("answer")/>
                            <SelectField label=t.mtg_proxy name="proxy" options=others.clone() error=errors.get("proxy")/>
                            <button type="submit" class="button">{t.mtg_answer_submit}</button>
                        </form>
                    </section>
                })}
                {(m.status != "draft").then(|| view! {
                    <h2 id="members">{t.mtg_members}</h2>
                    <div class="table-scroll" role="region" aria-labelledby="members" tabindex="0">
                        <table>
                            <thead><tr><th scope="col">{t.gov_col_person}</th><th scope="col">{t.mtg_answer}</th></tr></thead>
                            <tbody>{member_rows}</tbody>
                        </table>
                    </div>
                })}
                {(is_convener && m.status != "draft").then(|| view! {
                    <h2 id="delivery">{t.mtg_delivery}</h2>
                    <div class="table-scroll" role="region" aria-labelledby="delivery" tabindex="0">
                        <table>
                            <thead><tr>
                                <th scope="col">{t.mtg_recipient}</th>
                                <th scope="col">{t.col_state}</th>
                                <th scope="col">{t.mtg_attempts}</th>
                                <th scope="col">{t.mtg_sent_at}</th>
                                <th scope="col">{t.mtg_last_error}</th>
                            </tr></thead>
                            <tbody>{delivery_rows}</tbody>
                        </table>
                    </div>
                })}
            </Layout>
        },
    ))
}

/// "1.2 MB", "340 KB", "12 B".
fn format_size(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} B"),
    }
}

/// Attaches a document to an agenda item (a multipart form: the token, then the file).
pub async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, item)): Path<(i64, i64)>,
    mp: axum::extract::Multipart,
) -> Result<Response, AppError> {
    convener(&state, &ctx, id).await?;
    let parts = crate::web::read_uploads(&ctx, mp, meetings::MAX_ATTACHMENT_BYTES as u64).await?;
    let file = parts.iter().find_map(|p| match p {
        crate::web::Upload::File {
            name,
            filename,
            content_type,
            bytes,
        } if name == "attachment" => {
            Some((filename.as_str(), content_type.as_str(), bytes.as_slice()))
        }
        _ => None,
    });
    let r = meetings::attach(&state, id, item, file, &ctx.actor())
        .await
        .map(|_| ());
    after(&state, &ctx, id, r, &format!("#item-{item}")).await
}

/// An agenda item's document, for the body's members and its secretary.
pub async fn attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, attachment)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    let m = meetings::get(&state.db, id).await?;
    let body = m.body().ok_or(AppError::NotFound)?;
    let member = {
        let mut conn = state.db.acquire().await?;
        crate::services::minutes::is_member(&mut conn, &m, user.person_id).await?
    };
    if !(member || convenes(&state, &ctx, body).await?) {
        return Err(AppError::Forbidden);
    }
    let (a, bytes) = meetings::attachment(&state, id, attachment).await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (CONTENT_TYPE, a.media_type.clone()),
        (
            axum::http::header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}\"",
                a.filename.replace(|c: char| !c.is_ascii() || c == '"', "_")
            ),
        ),
        (CACHE_CONTROL, "private, no-store".to_string()),
        (
            axum::http::header::X_CONTENT_TYPE_OPTIONS,
            "nosniff".to_string(),
        ),
    ] {
        if let Ok(v) = axum::http::HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    Ok(response)
}

fn calendar_response(text: String, filename: &str) -> Response {
    (
        [
            (CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (CACHE_CONTROL, "no-cache".to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
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
    if m.status == "draft" {
        return Err(AppError::NotFound);
    }
    let event = meetings::event(&state, &m, Vec::new()).await?;
    let method = if m.status == "cancelled" {
        Method::Cancel
    } else {
        Method::Publish
    };
    Ok(calendar_response(
        ics::to_ics(&Calendar {
            method,
            events: vec![event],
        }),
        &format!("meeting-{id}.ics"),
    ))
}

/// A body's meetings as a subscribable calendar feed.
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let key = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let body = Body::parse(key).ok_or(AppError::NotFound)?;
    let mut events = Vec::new();
    for m in meetings::list(&state.db, true, Some(&body.key())).await? {
        events.push(meetings::event(&state, &m, Vec::new()).await?);
    }
    Ok(calendar_response(
        ics::to_ics(&Calendar {
            method: Method::Publish,
            events,
        }),
        &format!("{key}.ics"),
    ))
}
