//! `/calls`: open calls for collective leaders (public), the form to open one (administrator,
//! Executive Secretary); `/calls/{id}`: the call, its candidacies, the form to apply (members of
//! the collective) and the Executive Council's election (recorded by its Secretary).

use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField, TextArea,
};
use crate::domain::meetings::Body;
use crate::i18n::fill;
use crate::pages::refused_form;
use crate::services::authority::{CallOpener, Convener, CouncilSecretary};
use crate::services::calls::{self, CallForm};
use crate::services::network;
use crate::web::{CsrfForm, CsrfPairs, Ctx, NoFields, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Days, Utc};
use leptos::prelude::*;
use serde::Deserialize;

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let today = Utc::now().date_naive();
    let all = calls::list(&state.db, None).await?;
    let (open, past): (Vec<_>, Vec<_>) = all.into_iter().partition(|k| k.status == "open");
    let item = |k: &calls::CallRow| {
        let status = if k.accepts_candidacies(today) {
            t.gov_call_state_open
        } else if k.status == "decided" {
            t.gov_call_state_decided
        } else {
            t.gov_call_state_closed
        };
        view! {
            <li>
                <a href=format!("/calls/{}", k.id)>{lang.pick(&k.collective_es, &k.collective_en)}</a>
                " — "{t.gov_call_line.fill(k.seats, &[("closes", &k.closes_on)])}
                " · "{t.gov_candidacies_count.fill(k.candidacies, &[])}" · "{status}
            </li>
        }
    };
    let open_items = open.iter().map(item).collect_view();
    let past_items = past.iter().map(item).collect_view();
    let can_open = CallOpener::would_allow(ctx.user.as_ref());
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.gov_calls_title>
                <h1>{t.gov_calls_title}</h1>
                <p>{t.gov_calls_intro}</p>
                {can_open.then(|| view! { <p><a class="button" href="/calls/new">{t.gov_call_new}</a></p> })}
                <h2>{t.gov_calls_open}</h2>
                {open.is_empty().then(|| view! { <p>{t.gov_calls_none}</p> })}
                <ul>{open_items}</ul>
                <h2>{t.gov_calls_past}</h2>
                <ul>{past_items}</ul>
            </Layout>
        },
    ))
}

pub async fn new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    CallOpener::check(ctx.user.as_ref())?;
    let today = Utc::now().date_naive();
    let form = CallForm {
        seats: "1".into(),
        closes_on: (today + Days::new(15)).to_string(),
        term_starts_on: (today + Days::new(30)).to_string(),
        ..CallForm::default()
    };
    render_new(&state, &ctx, &form, FormErrors::default(), StatusCode::OK).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<CallForm>,
) -> Result<Response, AppError> {
    let opener = CallOpener::check(ctx.user.as_ref())?;
    match calls::open(&state, &opener, &form, &ctx.actor()).await {
        Ok(id) => Ok(redirect(&format!("/calls/{id}"))),
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
    form: &CallForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let form = form.clone();
    let t = ctx.t();
    let lang = ctx.lang;
    let options: Vec<(String, String)> = network::collective_choices(&state.db)
        .await?
        .into_iter()
        .map(|(id, es, en)| (id.to_string(), lang.pick(&es, &en)))
        .collect();
    let labels = vec![
        ("collective_id", t.gov_call_collective),
        ("seats", t.gov_call_seats),
        ("closes_on", t.gov_call_closes),
        ("term_starts_on", t.gov_call_term_starts),
        ("description_es", t.gov_call_description_es),
        ("description_en", t.gov_call_description_en),
    ];
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.gov_call_new>
                <p><a href="/calls">{t.gov_calls_title}</a></p>
                <h1>{t.gov_call_new}</h1>
                <p>{t.gov_call_new_intro}</p>
                <ErrorSummary errors=errors.clone() t=t labels=labels/>
                <form method="post" action="/calls" class="narrow" novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <SelectField label=t.gov_call_collective name="collective_id" options=options selected=form.collective_id.clone() error=errors.get("collective_id")/>
                    <Field label=t.gov_call_seats name="seats" kind="number" value=form.seats.clone() error=errors.get("seats") required=true/>
                    <Field label=t.gov_call_closes name="closes_on" kind="date" value=form.closes_on.clone() error=errors.get("closes_on") required=true/>
                    <Field label=t.gov_call_term_starts name="term_starts_on" kind="date" value=form.term_starts_on.clone() error=errors.get("term_starts_on") required=true/>
                    <TextArea label=t.gov_call_description_es name="description_es" value=form.description_es.clone() error=errors.get("description_es")/>
                    <TextArea label=t.gov_call_description_en name="description_en" value=form.description_en.clone() error=errors.get("description_en")/>
                    <button type="submit" class="button">{t.gov_call_submit}</button>
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
    render_call(
        &state,
        &ctx,
        id,
        &Typed::default(),
        FormErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// What was typed in the call page's forms, kept when one is refused.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Typed {
    statement: String,
    /// The candidacies proposed (the checkboxes named `elected`; see [`CsrfPairs`]).
    #[serde(skip)]
    elected: Vec<String>,
    /// The Executive Council meeting that votes the election.
    meeting: String,
}

pub async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Typed>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match calls::apply(&state, id, &who, &form.statement, &ctx.actor()).await {
        Ok(_) => Ok(redirect(&format!("/calls/{id}#candidacies"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_call(
                &state,
                &ctx,
                id,
                &form,
                refused.errors.clone(),
                None,
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, candidacy)): Path<(i64, i64)>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    let call = calls::withdraw(&state, candidacy, &who, &ctx.actor()).await?;
    Ok(redirect(&format!("/calls/{call}#candidacies")))
}

/// The Executive Secretary puts the election to a meeting of the Executive Council: the slate
/// chosen becomes a motion on its agenda, voted there seat by seat.
pub async fn elect(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    pairs: CsrfPairs,
) -> Result<Response, AppError> {
    CouncilSecretary::check(ctx.user.as_ref())?;
    let convener = Convener::of(&state.db, ctx.user.as_ref(), Body::ExecutiveCouncil).await?;
    let form = Typed {
        statement: String::new(),
        elected: pairs.all("elected"),
        meeting: pairs.get("meeting"),
    };
    let elected: Vec<i64> = form.elected.iter().filter_map(|s| s.parse().ok()).collect();
    match calls::put_to_vote(&state, &convener, id, &form.meeting, &elected, &ctx.actor()).await {
        Ok(item) => {
            let meeting = form.meeting.trim();
            Ok(redirect(&format!("/meetings/{meeting}#item-{item}")))
        }
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_call(
                &state,
                &ctx,
                id,
                &form,
                refused.errors.clone(),
                Some(()),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

async fn render_call(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    typed: &Typed,
    errors: FormErrors,
    election_refused: Option<()>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let typed = typed.clone();
    let t = ctx.t();
    let lang = ctx.lang;
    let today = Utc::now().date_naive();
    let call = calls::get(&state.db, id).await?;
    let candidacies = calls::candidacies(&state.db, id).await?;
    let name = lang.pick(&call.collective_es, &call.collective_en);
    let me = ctx.user.as_ref().map(|u| u.person_id);
    let mine = candidacies
        .iter()
        .find(|c| Some(c.person_id) == me && c.status != "withdrawn");
    let can_apply = ctx.user.is_some() && call.accepts_candidacies(today) && mine.is_none();
    let secretary = CouncilSecretary::would_allow(ctx.user.as_ref());
    let motions = calls::election_motions(&state.db, id).await?;
    let can_elect =
        call.status == "open" && secretary && !motions.iter().any(calls::ElectionMotion::pending);
    // a draft meeting is its convener's alone
    let motions: Vec<_> = motions
        .into_iter()
        .filter(|m| secretary || m.meeting_status.is_public())
        .collect();
    let motion_rows = motions
        .iter()
        .map(|m| {
            let tz: chrono_tz::Tz = m.timezone.parse().unwrap_or(chrono_tz::UTC);
            let day = m.starts_at.0.with_timezone(&tz).format("%Y-%m-%d").to_string();
            let state_text = match (m.vote_status.as_deref(), m.approved()) {
                (_, Some(true)) => t.gov_election_motion_approved,
                (_, Some(false)) => t.gov_election_motion_rejected,
                (Some(_), None) => t.gov_election_motion_voting,
                (None, _) if m.pending() => t.gov_election_motion_pending,
                (None, _) => t.gov_election_motion_not_voted,
            };
            view! {
                <li>
                    <a href=format!("/meetings/{}#item-{}", m.meeting_id, m.item_id)>{lang.pick(&m.title_es, &m.title_en).to_string()}</a>
                    {format!(" ({day}): ")}{state_text}
                </li>
            }
        })
        .collect_view();
    let status_text = if call.accepts_candidacies(today) {
        t.gov_call_state_open
    } else if call.status == "decided" {
        t.gov_call_state_decided
    } else {
        t.gov_call_state_closed
    };
    let candidacy_rows = candidacies
        .iter()
        .filter(|c| c.status != "withdrawn")
        .map(|c| {
            let state_text = match c.status.as_str() {
                "elected" => t.gov_candidacy_elected,
                "not_elected" => t.gov_candidacy_not_elected,
                _ => t.gov_candidacy_submitted,
            };
            let withdraw = (Some(c.person_id) == me && c.status == "submitted" && call.status == "open").then(|| {
                view! {
                    <form method="post" action=format!("/calls/{}/candidacies/{}/withdraw", call.id, c.id) class="inline-form">
                        <CsrfInput ctx=ctx.clone()/>
                        <button type="submit" class="button button-secondary">{t.gov_candidacy_withdraw}</button>
                    </form>
                }
            });
            view! {
                <tr>
                    <th scope="row">{c.full_name.clone()}</th>
                    <td>{c.institution.clone().unwrap_or_default()}</td>
                    <td class="prewrap">{c.statement.clone()}</td>
                    <td>{state_text}{withdraw}</td>
                </tr>
            }
        })
        .collect_view();
    let ballot = candidacies
        .iter()
        .filter(|c| c.status == "submitted")
        .map(|c| {
            let field = format!("elected-{}", c.id);
            let checked = typed.elected.contains(&c.id.to_string());
            view! {
                <div class="field checkbox">
                    <input id=field.clone() name="elected" type="checkbox" value=c.id.to_string() checked=checked/>
                    <label for=field>{c.full_name.clone()}{c.institution.clone().map(|i| format!(" ({i})"))}</label>
                </div>
            }
        })
        .collect_view();
    // the Executive Council's meetings after the call closes, not yet held
    let meetings: Vec<(String, String)> = if can_elect {
        std::iter::once((String::new(), "—".to_string()))
            .chain(
                crate::services::meetings::list(
                    &state.db,
                    false,
                    Some(&Body::ExecutiveCouncil.key()),
                )
                .await?
                .into_iter()
                .filter(|m| m.status.add_to_agenda().is_ok() && m.local_day() > call.closes_on)
                .map(|m| {
                    (
                        m.id.to_string(),
                        format!(
                            "{} — {}",
                            lang.pick(&m.title_es, &m.title_en),
                            m.local_span()
                        ),
                    )
                }),
            )
            .collect()
    } else {
        Vec::new()
    };
    let no_meeting = meetings.len() <= 1;
    let errors_for_apply = if election_refused.is_none() {
        errors.clone()
    } else {
        FormErrors::default()
    };
    let errors_for_elect = if election_refused.is_some() {
        errors.clone()
    } else {
        FormErrors::default()
    };
    let form_shown = if election_refused.is_some() {
        can_elect
    } else {
        can_apply
    };
    let orphan_errors = (!form_shown).then(|| errors.clone());
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=fill(t.gov_call_title, &[("collective", &name)])>
                <p><a href="/calls">{t.gov_calls_title}</a></p>
                <h1>{fill(t.gov_call_title, &[("collective", &name)])}</h1>
                <dl class="facts">
                    <dt>{t.gov_call_seats}</dt><dd>{call.seats}</dd>
                    <dt>{t.gov_call_opened}</dt><dd>{call.opens_on.to_string()}</dd>
                    <dt>{t.gov_call_closes}</dt><dd>{call.closes_on.to_string()}</dd>
                    <dt>{t.gov_call_term_starts}</dt><dd>{call.term_starts_on.to_string()}</dd>
                    <dt>{t.col_state}</dt><dd id="result">{status_text}</dd>
                </dl>
                // a refusal whose form is no longer offered is said at the top
                {orphan_errors.map(|errors| view! { <ErrorSummary errors=errors t=t/> })}
                <p class="prewrap">{lang.pick(&call.description_es, &call.description_en)}</p>
                <p><a href=format!("/collectives/{}", call.collective_slug)>{name.clone()}</a></p>
                <h2 id="candidacies">{t.gov_candidacies}</h2>
                {candidacies.iter().all(|c| c.status == "withdrawn").then(|| view! { <p>{t.gov_candidacies_none}</p> })}
                <div class="table-scroll" role="region" aria-labelledby="candidacies" tabindex="0" hidden=candidacies.is_empty()>
                    <table>
                        <thead><tr>
                            <th scope="col">{t.gov_col_person}</th>
                            <th scope="col">{t.gov_col_institution}</th>
                            <th scope="col">{t.gov_candidacy_statement}</th>
                            <th scope="col">{t.col_state}</th>
                        </tr></thead>
                        <tbody>{candidacy_rows}</tbody>
                    </table>
                </div>
                {can_apply.then(|| view! {
                    <section aria-labelledby="apply-title" class="narrow">
                        <h2 id="apply-title">{t.gov_candidacy_apply}</h2>
                        <p>{t.gov_candidacy_apply_intro}</p>
                        <ErrorSummary errors=errors_for_apply.clone() t=t labels=vec![("statement", t.gov_candidacy_statement)]/>
                        <form method="post" action=format!("/calls/{}/candidacies", call.id) novalidate>
                            <CsrfInput ctx=ctx.clone()/>
                            <TextArea label=t.gov_candidacy_statement name="statement" value=typed.statement.clone() error=errors_for_apply.get("statement") required=true/>
                            <button type="submit" class="button">{t.gov_candidacy_submit}</button>
                        </form>
                    </section>
                })}
                {(ctx.user.is_none() && call.accepts_candidacies(today)).then(|| view! {
                    <p><a href=format!("/login?next=/calls/{}", call.id)>{t.gov_candidacy_login}</a></p>
                })}
                {(!motions.is_empty()).then(|| view! {
                    <section aria-labelledby="motions-title">
                        <h2 id="motions-title">{t.gov_election_motions}</h2>
                        <ul id="election-motions">{motion_rows}</ul>
                    </section>
                })}
                {can_elect.then(|| view! {
                    <section aria-labelledby="elect-title" class="narrow">
                        <h2 id="elect-title">{t.gov_election_title}</h2>
                        <p>{fill(t.gov_election_intro, &[("seats", &call.seats)])}</p>
                        <ErrorSummary errors=errors_for_elect.clone() t=t labels=vec![("elected", t.gov_election_elected), ("meeting", t.gov_election_meeting)]/>
                        {no_meeting.then(|| view! { <p class="notice-box">{t.gov_election_no_meeting}" "<a href="/meetings/new">{t.mtg_new}</a></p> })}
                        <form method="post" action=format!("/calls/{}/election", call.id) novalidate>
                            <CsrfInput ctx=ctx.clone()/>
                            <fieldset id="elected">
                                <legend>{t.gov_election_elected}</legend>
                                {errors_for_elect.get("elected").map(|e| view! { <p class="field-error">{e}</p> })}
                                {ballot}
                            </fieldset>
                            <SelectField label=t.gov_election_meeting name="meeting" options=meetings.clone() selected=typed.meeting.clone() error=errors_for_elect.get("meeting")/>
                            <button type="submit" class="button">{t.gov_election_submit}</button>
                        </form>
                    </section>
                })}
            </Layout>
        },
    ))
}
