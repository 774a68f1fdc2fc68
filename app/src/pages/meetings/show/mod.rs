//! `/meetings/{id}`: the meeting. Its data is read once by [`load`] (a few queries, none per
//! item or per member) and rendered section by section: the facts, the minutes' link, the agenda
//! (with its motions, votes and documents), the convener's tools (editing a draft, convening or
//! why it can no longer be, revisions, cancellation), the session on its day (attendance,
//! quorum, opening and closing), the member's answer, the members and the delivery of the
//! convocation.

use super::{BodyNames, convened_by, format_size, mail_state, status_name};
use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField, TextArea, VerifiedBadge,
};
use crate::domain::meetings::{
    self as rules, Answer, MeetingStatus, NoticeRefusal, Presence, Quorum, SeatAt, SessionTooEarly,
};
use crate::domain::minutes::MinutesStatus;
use crate::error::Reason;
use crate::i18n::{datetime, fill};
use crate::services::mail::OutboxRow;
use crate::services::meetings::{self, AgendaItem, AnswerRow, Attachment, MeetingRow};
use crate::services::minutes::{self, MinutesRow};
use crate::services::votes::{self, VoteRow};
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use std::collections::HashMap;

mod session;
use session::session;

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let p = load(&state, &ctx, id).await?;
    Ok(render(&ctx, &p, FormErrors::default(), StatusCode::OK))
}

/// Everything the page shows, read once.
pub(crate) struct Page {
    m: MeetingRow,
    body_name: String,
    convener: bool,
    member: bool,
    me: Option<i64>,
    items: Vec<AgendaItem>,
    votes: HashMap<i64, VoteRow>,
    documents: Vec<Attachment>,
    members: Vec<(i64, String, String)>,
    answers: Vec<AnswerRow>,
    seats: Vec<SeatAt>,
    quorum: Quorum,
    /// Whether the secretary recorded the attendance (a meeting held shows that, not answers).
    recorded: bool,
    delivery: Vec<OutboxRow>,
    minutes: Option<MinutesRow>,
    minutes_evidence: Option<String>,
    /// Earlier meetings whose circulated minutes this one may put to the vote.
    approvable: Vec<MeetingRow>,
    /// Why a draft can no longer be convened in time.
    too_late: Option<NoticeRefusal>,
    latest_convocation: NaiveDate,
    /// Until when the session waits for its day.
    too_early: Option<SessionTooEarly>,
}

pub(crate) async fn load(state: &AppState, ctx: &Ctx, id: i64) -> Result<Page, AppError> {
    let m = meetings::get(&state.db, id).await?;
    let body = m.body().ok_or(AppError::NotFound)?;
    let convener = convened_by(state, ctx).await?.contains(&body);
    // a draft is seen by who convenes it only
    if !m.status.is_public() && !convener {
        return Err(AppError::NotFound);
    }
    let body_name = BodyNames::load(&state.db).await?.name(Some(body), ctx.lang);
    let mut conn = state.db.acquire().await?;
    let items = meetings::agenda(&mut *conn, id).await?;
    let documents = meetings::attachments(&mut *conn, id).await?;
    let members = meetings::members(&mut conn, body, m.starts_at.0.date_naive()).await?;
    let (seats, quorum) = meetings::quorum(state, &mut conn, &m).await?;
    let recorded = meetings::recorded(&mut conn, id).await?;
    let minutes = minutes::get(&mut *conn, id).await?;
    drop(conn);
    let vote_ids: Vec<i64> = items.iter().filter_map(|i| i.vote_id).collect();
    let votes = votes::by_ids(&state.db, &vote_ids)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let answers = meetings::answers(&state.db, id).await?;
    let me = ctx.user.as_ref().map(|u| u.person_id);
    let member = me.is_some_and(|p| members.iter().any(|(id, _, _)| *id == p));
    let delivery = if convener {
        crate::services::mail::by_topic(&state.db, &format!("meeting/{}/{}", m.id, m.sequence))
            .await?
    } else {
        Vec::new()
    };
    let minutes_evidence = match &minutes {
        Some(r) if r.status == MinutesStatus::Approved => {
            minutes::evidence_of(&state.db, r.decision_id).await?
        }
        _ => None,
    };
    let approvable = if convener && m.status.add_to_agenda().is_ok() {
        minutes::approvable_at(&state.db, &m).await?
    } else {
        Vec::new()
    };
    let too_late = (m.status == MeetingStatus::Draft)
        .then(|| meetings::notice_check(state, &m).err())
        .flatten();
    let latest_convocation =
        rules::latest_convocation_day(body, m.local_day(), &state.settings.meetings);
    let too_early = rules::session_may_start(
        Utc::now(),
        m.starts_at.0,
        m.tz(),
        state.settings.meetings.session_days_early,
    )
    .err();
    Ok(Page {
        m,
        body_name,
        convener,
        member,
        me,
        items,
        votes,
        documents,
        members,
        answers,
        seats,
        quorum,
        recorded,
        delivery,
        minutes,
        minutes_evidence,
        approvable,
        too_late,
        latest_convocation,
        too_early,
    })
}

pub(crate) fn render(ctx: &Ctx, p: &Page, errors: FormErrors, status: StatusCode) -> Response {
    let ctx = ctx.clone();
    let t = ctx.t();
    let title = ctx.lang.pick(&p.m.title_es, &p.m.title_en);
    // each section is rendered here, so that the page owns what it shows
    let sections = (
        facts(&ctx, p),
        minutes_link(&ctx, p),
        agenda(&ctx, p),
        add_item(&ctx, p, &errors),
        session(&ctx, p),
        convocation(&ctx, p, &errors),
        answer(&ctx, p, &errors),
        members(&ctx, p),
        delivery(&ctx, p),
    );
    page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=title.clone()>
                <p><a href="/meetings">{t.mtg_title}</a></p>
                <h1>{title.clone()}</h1>
                <ErrorSummary errors=errors.clone() t=t/>
                {sections}
            </Layout>
        },
    )
}

fn facts(ctx: &Ctx, p: &Page) -> impl IntoView + use<> {
    let t = ctx.t();
    let m = &p.m;
    let kind = if m.extraordinary() {
        t.mtg_kind_extraordinary
    } else {
        t.mtg_kind_ordinary
    };
    let state_text = format!(
        "{}{}",
        status_name(m.status, t),
        if m.cancel_reason.is_empty() {
            String::new()
        } else {
            format!(" — {}", m.cancel_reason)
        }
    );
    view! {
        <dl class="facts">
            <dt>{t.mtg_body}</dt><dd>{p.body_name.clone()}</dd>
            <dt>{t.mtg_kind}</dt><dd>{kind}</dd>
            <dt>{t.mtg_when}</dt><dd>{m.local_span()}</dd>
            {(!m.place.is_empty()).then(|| view! { <dt>{t.mtg_place}</dt><dd>{m.place.clone()}</dd> })}
            {(!m.virtual_url.is_empty()).then(|| view! { <dt>{t.mtg_link}</dt><dd><a href=m.virtual_url.clone() rel="noopener noreferrer external">{m.virtual_url.clone()}</a></dd> })}
            {(!m.requested_by.is_empty()).then(|| view! { <dt>{t.mtg_requested_by}</dt><dd>{m.requested_by.clone()}</dd> })}
            {(!m.objectives.is_empty()).then(|| view! { <dt>{t.mtg_objectives}</dt><dd class="prewrap">{m.objectives.clone()}</dd> })}
            <dt>{t.col_state}</dt><dd id="status">{state_text}</dd>
            {m.opened_at.map(|o| view! { <dt>{t.mtg_session_opened}</dt><dd>{datetime(o.0)}</dd> })}
            {m.closed_at.map(|c| view! { <dt>{t.mtg_session_closed}</dt><dd>{datetime(c.0)}</dd> })}
        </dl>
        {m.status.is_public().then(|| view! { <p><a href=format!("/meetings/{}/invite.ics", m.id)>{t.mtg_ics}</a></p> })}
    }
}

fn minutes_link(ctx: &Ctx, p: &Page) -> impl IntoView + use<> {
    let t = ctx.t();
    let status = p.minutes.as_ref().map(|r| r.status);
    let approved = status == Some(MinutesStatus::Approved);
    let visible = approved
        || (p.m.opened_at.is_some()
            && (p.convener || (p.member && status == Some(MinutesStatus::Circulated))));
    let evidence = p.minutes_evidence.clone();
    let id = p.m.id;
    visible.then(|| {
        view! {
            <p id="minutes-link">
                <a href=format!("/meetings/{id}/minutes")>{t.min_link}</a>" — "{crate::pages::minutes::minutes_status(status, t)}
                {approved.then(|| view! { " "<VerifiedBadge evidence_id=evidence.clone() t=t/> })}
            </p>
        }
    })
}

/// The agenda: each item with its presenter, motion, documents and, for the convener, its
/// vote (on the meeting's day) and, while a draft, its place in the order.
fn agenda(ctx: &Ctx, p: &Page) -> impl IntoView + use<> {
    let t = ctx.t();
    let m = &p.m;
    let in_session = p.convener && m.status == MeetingStatus::Convened && p.too_early.is_none();
    let draft = p.convener && m.status == MeetingStatus::Draft;
    let may_read_documents = p.convener || p.member;
    let may_attach = p.convener && m.status.add_to_agenda().is_ok();
    let last = p.items.len() as i64;
    let voting: Vec<(i64, String)> = p
        .seats
        .iter()
        .filter(|s| !matches!(s.attendance.presence, Presence::Absent))
        .map(|s| match &s.proxy_name {
            Some(by) => (
                s.person_id,
                format!("{} ({} {by})", s.name, t.mtg_represented_by),
            ),
            None => (s.person_id, s.name.clone()),
        })
        .collect();
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
    let rows = p
        .items
        .iter()
        .map(|i| {
            let vote = i.vote_id.and_then(|v| p.votes.get(&v));
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
            let docs: Vec<&Attachment> = p.documents.iter().filter(|a| a.item_id == i.id).collect();
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
            let order = draft.then(|| {
                let label = fill(t.mtg_item_actions, &[("position", &i.position)]);
                let action = format!("/meetings/{}/agenda/{}/move", m.id, i.id);
                view! {
                    <div class="item-actions" role="group" aria-label=label>
                        {(i.position > 1).then(|| view! {
                            <form method="post" action=action.clone() class="inline-form">
                                <CsrfInput ctx=ctx.clone()/>
                                <input type="hidden" name="to" value="up"/>
                                <button type="submit" class="button button-secondary">{t.mtg_item_up}</button>
                            </form>
                        })}
                        {(i.position < last).then(|| view! {
                            <form method="post" action=action.clone() class="inline-form">
                                <CsrfInput ctx=ctx.clone()/>
                                <input type="hidden" name="to" value="down"/>
                                <button type="submit" class="button button-secondary">{t.mtg_item_down}</button>
                            </form>
                        })}
                        <form method="post" action=format!("/meetings/{}/agenda/{}/remove", m.id, i.id) class="inline-form">
                            <CsrfInput ctx=ctx.clone()/>
                            <button type="submit" class="button button-secondary">{t.mtg_item_remove}</button>
                        </form>
                    </div>
                }
            });
            view! {
                <li id=format!("item-{}", i.id)>
                    <strong>{i.title.clone()}</strong>
                    {(!i.presenter.is_empty()).then(|| format!(" — {}: {}", t.mtg_presenter, i.presenter))}
                    {(!i.motion.is_empty()).then(|| view! { <p class="meta">{t.mtg_motion}": "{i.motion.clone()}</p> })}
                    {doc_list}
                    {doc_count}
                    {upload}
                    {order}
                    {controls}
                </li>
            }
        })
        .collect_view();
    let empty = p.items.is_empty();
    view! {
        <h2 id="agenda">{t.mtg_agenda}</h2>
        {empty.then(|| view! { <p>{t.mtg_agenda_empty}</p> })}
        <ol>{rows}</ol>
    }
}

/// The convener's forms to add an item, or to put an earlier meeting's minutes to the vote.
fn add_item(ctx: &Ctx, p: &Page, errors: &FormErrors) -> impl IntoView + use<> {
    let t = ctx.t();
    let m = &p.m;
    let approvable: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
        .chain(p.approvable.iter().map(|e| {
            (
                e.id.to_string(),
                format!(
                    "{} — {}",
                    ctx.lang.pick(&e.title_es, &e.title_en),
                    e.local_span()
                ),
            )
        }))
        .collect();
    let errors = errors.clone();
    (p.convener && m.status.add_to_agenda().is_ok()).then(|| view! {
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
    })
}

/// The convener's tools before the meeting: edit and convene a draft (or why it can no longer
/// be convened in time), send a revision, cancel.
fn convocation(ctx: &Ctx, p: &Page, errors: &FormErrors) -> impl IntoView + use<> {
    let t = ctx.t();
    let m = &p.m;
    if !p.convener {
        return None;
    }
    let draft = (m.status == MeetingStatus::Draft).then(|| {
        let body = match &p.too_late {
            Some(reason) => view! {
                <p class="notice-box">{fill(t.mtg_too_late, &[("reason", &reason.message(t))])}</p>
            }
            .into_any(),
            None => view! {
                <p>{fill(t.mtg_convene_deadline, &[("day", &p.latest_convocation), ("members", &p.members.len())])}</p>
                <form method="post" action=format!("/meetings/{}/convene", m.id)>
                    <CsrfInput ctx=ctx.clone()/>
                    <button type="submit" class="button">{t.mtg_convene_submit}</button>
                </form>
            }
            .into_any(),
        };
        view! {
            <section aria-labelledby="convene-title" class="narrow">
                <h3 id="convene-title">{t.mtg_convene}</h3>
                <p><a href=format!("/meetings/{}/edit", m.id)>{t.mtg_edit}</a></p>
                {body}
            </section>
        }
    });
    let revise = (m.status == MeetingStatus::Convened).then(|| view! {
        <section aria-labelledby="revise-title" class="narrow">
            <h3 id="revise-title">{t.mtg_revise}</h3>
            <form method="post" action=format!("/meetings/{}/revision", m.id)>
                <CsrfInput ctx=ctx.clone()/>
                <button type="submit" class="button button-secondary">{t.mtg_revise_submit}</button>
            </form>
        </section>
    });
    let errors = errors.clone();
    let cancel = m.status.cancel().is_ok().then(|| {
        view! {
            <form method="post" action=format!("/meetings/{}/cancel", m.id) class="narrow">
                <CsrfInput ctx=ctx.clone()/>
                <Field label=t.mtg_cancel_reason name="reason" error=errors.get("reason")/>
                <button type="submit" class="button button-secondary">{t.mtg_cancel}</button>
            </form>
        }
    });
    Some(view! { {draft}{revise}{cancel} })
}

/// A member's own answer, while the meeting is convened and has not started.
fn answer(ctx: &Ctx, p: &Page, errors: &FormErrors) -> impl IntoView + use<> {
    let t = ctx.t();
    let m = &p.m;
    let open = m.status == MeetingStatus::Convened && m.starts_at.0 > Utc::now();
    let others: Vec<(String, String)> =
        std::iter::once((String::new(), t.gov_delegation_choose.to_string()))
            .chain(
                p.members
                    .iter()
                    .filter(|(pid, _, _)| Some(*pid) != p.me)
                    .map(|(pid, name, _)| (pid.to_string(), name.clone())),
            )
            .collect();
    let options: Vec<(String, String)> = [
        (Answer::InPerson, t.mtg_answer_in_person),
        (Answer::Virtual, t.mtg_answer_virtual),
        (Answer::Absent, t.mtg_answer_absent),
        (Answer::Proxy, t.mtg_answer_proxy),
    ]
    .into_iter()
    .map(|(a, l)| (a.as_str().to_string(), l.to_string()))
    .collect();
    let mine = p
        .answers
        .iter()
        .find(|a| Some(a.person_id) == p.me)
        .and_then(|a| a.answer)
        .map(|a| a.as_str().to_string())
        .unwrap_or_default();
    let errors = errors.clone();
    (p.member && open).then(|| view! {
        <section aria-labelledby="answer" class="narrow">
            <h2 id="answer">{t.mtg_your_answer}</h2>
            <form method="post" action=format!("/meetings/{}/answer", m.id) novalidate>
                <CsrfInput ctx=ctx.clone()/>
                <SelectField label=t.mtg_answer name="answer" options=options selected=mine error=errors.get("answer")/>
                <SelectField label=t.mtg_proxy name="proxy" options=others error=errors.get("proxy")/>
                <button type="submit" class="button">{t.mtg_answer_submit}</button>
            </form>
        </section>
    })
}

/// The members convened: how each attended once the secretary recorded it (a meeting held), or
/// their own answers before.
fn members(ctx: &Ctx, p: &Page) -> impl IntoView + use<> {
    let t = ctx.t();
    if !p.m.status.is_public() {
        return None;
    }
    let (heading, rows) = if p.recorded {
        let rows = p
            .seats
            .iter()
            .map(|s| {
                let text = match (s.attendance.presence, &s.proxy_name) {
                    (Presence::InPerson, _) => t.mtg_presence_in_person.to_string(),
                    (Presence::Virtual, _) => t.mtg_presence_virtual.to_string(),
                    (Presence::Represented { .. }, by) => fill(
                        t.mtg_presence_represented_by,
                        &[("name", &by.clone().unwrap_or_default())],
                    ),
                    (Presence::Absent, _) => t.mtg_presence_absent.to_string(),
                };
                view! { <tr><th scope="row">{s.name.clone()}</th><td>{text}</td></tr> }
            })
            .collect_view()
            .into_any();
        (t.mtg_attendance_recorded, rows)
    } else {
        let rows = p
            .members
            .iter()
            .map(|(pid, name, _)| {
                let a = p.answers.iter().find(|a| a.person_id == *pid);
                let text = match a.and_then(|a| a.answer) {
                    Some(Answer::InPerson) => t.mtg_answer_in_person.to_string(),
                    Some(Answer::Virtual) => t.mtg_answer_virtual.to_string(),
                    // a member's answer as others read it (the form's own label is first-person)
                    Some(Answer::Absent) => t.mtg_answered_absent.to_string(),
                    Some(Answer::Proxy) => fill(
                        t.mtg_answer_proxy_by,
                        &[(
                            "name",
                            &a.and_then(|a| a.proxy_name.clone()).unwrap_or_default(),
                        )],
                    ),
                    None => t.mtg_answer_none.to_string(),
                };
                view! { <tr><th scope="row">{name.clone()}</th><td>{text}</td></tr> }
            })
            .collect_view()
            .into_any();
        (t.mtg_answer, rows)
    };
    Some(view! {
        <h2 id="members">{t.mtg_members}</h2>
        <div class="table-scroll" role="region" aria-labelledby="members" tabindex="0">
            <table>
                <thead><tr><th scope="col">{t.gov_col_person}</th><th scope="col">{heading}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    })
}

/// Each recipient's delivery state, for the convener.
fn delivery(ctx: &Ctx, p: &Page) -> impl IntoView + use<> {
    let t = ctx.t();
    let rows = p
        .delivery
        .iter()
        .map(|d| {
            view! {
                <tr>
                    <th scope="row">{d.to_address.clone()}</th>
                    <td>{mail_state(&d.status, t)}</td>
                    <td>{d.attempts}</td>
                    <td>{d.sent_at.map(|s| datetime(s.0)).unwrap_or_default()}</td>
                    <td>{d.last_error.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    (p.convener && p.m.status.is_public()).then(|| {
        view! {
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
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    })
}
