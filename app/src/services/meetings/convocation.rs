//! The convocation: every member of the body is sent the meeting by e-mail with an iCalendar
//! invitation — refused when it is too late for the body's notice period — revisions and
//! cancellations go out as revised invitations (next `SEQUENCE`, `METHOD:CANCEL`), and members
//! answer (in person, virtual, absent, or a representative).

use super::{
    AgendaItem, MeetingProblem, MeetingRow, agenda, attachments, covered, get, members, refused,
};
use crate::db::Ts;
use crate::domain::ics::{self, Calendar, Event, Method, Person, Status};
use crate::domain::meetings::{self as rules, Answer, MeetingStatus, NoticeRefusal, StatusRefusal};
use crate::error::{AppResult, Invalid};
use crate::services::audit::{self, Actor};
use crate::services::authority::{Convener, Signed};
use crate::services::evidence::decisions::{self, Decision};
use crate::services::mail::{self, Message};
use crate::{AppError, AppState};
use chrono::{NaiveDate, Utc};
use serde_json::json;
use sqlx::{FromRow, SqliteConnection, SqlitePool};

/// The event of a meeting at its current revision (for a feed or a download: no attendees),
/// from its agenda.
pub fn event(state: &AppState, m: &MeetingRow, items: &[AgendaItem]) -> Event {
    let organizer = Person {
        name: "Minga".into(),
        email: state.settings.mail_from_address(),
    };
    let mut e = invitation(state, m, items, organizer, Vec::new());
    if m.status == MeetingStatus::Cancelled {
        e.status = Status::Cancelled;
    }
    e
}

/// The invitation of a meeting at its current revision.
fn invitation(
    state: &AppState,
    m: &MeetingRow,
    items: &[AgendaItem],
    organizer: Person,
    attendees: Vec<Person>,
) -> Event {
    let host = state
        .settings
        .public_url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split(['/', ':'])
        .next()
        .unwrap_or("minga")
        .to_string();
    let url = format!(
        "{}/meetings/{}",
        state.settings.public_url.trim_end_matches('/'),
        m.id
    );
    let mut description = format!("{}\n\n", m.local_span());
    for item in items {
        description.push_str(&format!("{}. {}", item.position, item.title));
        if !item.presenter.is_empty() {
            description.push_str(&format!(" ({})", item.presenter));
        }
        description.push('\n');
    }
    description.push_str(&format!("\n{url}\n"));
    let location = [m.place.as_str(), m.virtual_url.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    Event {
        uid: format!("meeting-{}@{host}", m.id),
        sequence: u32::try_from(m.sequence).unwrap_or(0),
        status: Status::Confirmed,
        start: m.starts_at.0,
        end: m.ends_at.0,
        summary: format!("{} / {}", m.title_es, m.title_en),
        description,
        location,
        url: Some(url),
        organizer,
        attendees,
        dtstamp: Utc::now(),
    }
}

/// Sends the convocation (or a revision, or the cancellation) to every member of the body as a
/// queued message with its invitation; one message per member and revision.
async fn send(
    state: &AppState,
    tx: &mut SqliteConnection,
    m: &MeetingRow,
    method: Method,
    what_es: &str,
    what_en: &str,
) -> AppResult<usize> {
    let body = m.body().ok_or(AppError::NotFound)?;
    let members = members(tx, body, m.starts_at.0.date_naive()).await?;
    let items = agenda(&mut *tx, m.id).await?;
    let organizer = Person {
        name: "Minga".into(),
        email: state.settings.mail_from_address(),
    };
    let attendees: Vec<Person> = members
        .iter()
        .filter(|(_, _, e)| !e.is_empty())
        .map(|(_, n, e)| Person {
            name: n.clone(),
            email: e.clone(),
        })
        .collect();
    let mut event = invitation(state, m, &items, organizer, attendees);
    if method == Method::Cancel {
        event.status = Status::Cancelled;
    }
    let ics_text = ics::to_ics(&Calendar {
        method,
        events: vec![event],
    });
    let documents = attachments(&mut *tx, m.id).await?;
    let agenda_text: String = items
        .iter()
        .map(|i| {
            let mut line = format!("  {}. {}\n", i.position, i.title);
            for a in documents.iter().filter(|a| a.item_id == i.id) {
                line.push_str(&format!(
                    "     [{}] {}/meetings/{}/attachments/{}\n",
                    a.filename,
                    state.settings.public_url.trim_end_matches('/'),
                    m.id,
                    a.id
                ));
            }
            line
        })
        .collect();
    let place = [m.place.as_str(), m.virtual_url.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let url = format!(
        "{}/meetings/{}",
        state.settings.public_url.trim_end_matches('/'),
        m.id
    );
    let mut sent = 0;
    for (_, name, email) in members.into_iter().filter(|(_, _, e)| !e.is_empty()) {
        let queued = mail::queue(
            tx,
            &Message {
                to_address: email,
                to_name: name,
                subject: format!("{what_es} / {what_en}: {} — {}", m.title_es, m.local_span()),
                body_text: format!(
                    "{what_es}: {}\n{}\n{place}\n\nOrden del día:\n{agenda_text}\nResponda su asistencia o designe representante: {url}\n\n\
                     {what_en}: {}\n{}\n{place}\n\nAgenda:\n{agenda_text}\nAnswer your attendance or name a representative: {url}\n",
                    m.title_es,
                    m.local_span(),
                    m.title_en,
                    m.local_span(),
                ),
                ics: Some(ics_text.clone()),
                topic: format!("meeting/{}/{}", m.id, m.sequence),
            },
        )
        .await?;
        if queued {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Whether a draft can still be convened in time, or the refusal that says until when it could
/// have been (the day the convocation was due).
pub fn notice_check(state: &AppState, m: &MeetingRow) -> Result<(), NoticeRefusal> {
    let Some(body) = m.body() else {
        return Ok(());
    };
    rules::check_notice(
        body,
        Utc::now(),
        m.starts_at.0,
        m.tz(),
        &state.settings.meetings,
    )
}

/// Convenes a drafted meeting: refused without an agenda or when the body's notice period can
/// no longer be met; otherwise every member is sent the convocation with its invitation, and the
/// convocation is a decision of record. A second submission finds it convened already.
pub async fn convene(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    actor: &Actor,
) -> AppResult<usize> {
    let m = covered(&state.db, convener, meeting_id).await?;
    m.status.convene().map_err(refused)?;
    if agenda(&state.db, meeting_id).await?.is_empty() {
        return Err(Invalid::one("", MeetingProblem::NoAgenda).into());
    }
    notice_check(state, &m).map_err(|r: NoticeRefusal| Invalid::one("", r))?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let done = sqlx::query(
        "UPDATE meetings SET status = 'convened', convened_at = ? WHERE id = ? AND status = 'draft'",
    )
    .bind(Ts::now())
    .bind(meeting_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(refused(StatusRefusal::NotDraft));
    }
    let m = get(&mut *tx, meeting_id).await?;
    let sent = send(
        state,
        &mut tx,
        &m,
        Method::Request,
        "Convocatoria",
        "Convocation",
    )
    .await?;
    let items = agenda(&mut *tx, meeting_id).await?;
    let body = m.body().ok_or(AppError::NotFound)?;
    decisions::record(
        &mut tx,
        &Decision {
            event: "meeting-convened",
            body: body.decision_scope(),
            reference: format!("meeting/{meeting_id}/convened"),
            title_es: format!("Sesión convocada: {}", m.title_es),
            title_en: format!("Meeting convened: {}", m.title_en),
            data: json!({"meeting": {"id": m.id, "body": m.body, "kind": m.kind, "title_es": m.title_es, "title_en": m.title_en,
                                     "starts_at": m.starts_at.to_db(), "ends_at": m.ends_at.to_db(), "timezone": m.timezone,
                                     "place": m.place, "virtual_url": m.virtual_url, "requested_by": m.requested_by, "objectives": m.objectives},
                         "agenda": items.iter().map(|i| json!({"position": i.position, "title": i.title, "motion": i.motion})).collect::<Vec<_>>(),
                         "members_convened": sent, "convened_by": actor.label}),
        },
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        "meeting.convened",
        "meeting",
        meeting_id,
        Some(json!({"status": "draft"})),
        Some(json!({"status": "convened", "messages": sent})),
    )
    .await?;
    tx.commit().await?;
    state.mail_pending.notify_one();
    state.decisions_pending.notify_one();
    Ok(sent)
}

/// Sends every member a revised invitation after a change to a convened meeting.
pub async fn send_revision(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    actor: &Actor,
) -> AppResult<usize> {
    covered(&state.db, convener, meeting_id).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let changed = sqlx::query(
        "UPDATE meetings SET sequence = sequence + 1 WHERE id = ? AND status = 'convened'",
    )
    .bind(meeting_id)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(refused(StatusRefusal::NotConvened));
    }
    let m = get(&mut *tx, meeting_id).await?;
    let sent = send(
        state,
        &mut tx,
        &m,
        Method::Request,
        "Convocatoria actualizada",
        "Updated convocation",
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        "meeting.revised",
        "meeting",
        meeting_id,
        None,
        Some(json!({"sequence": m.sequence, "messages": sent})),
    )
    .await?;
    tx.commit().await?;
    state.mail_pending.notify_one();
    Ok(sent)
}

/// Calls a meeting off; members already convened get the cancellation.
pub async fn cancel(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    reason: &str,
    actor: &Actor,
) -> AppResult<()> {
    covered(&state.db, convener, meeting_id).await?;
    if reason.trim().is_empty() {
        return Err(Invalid::one("reason", MeetingProblem::Required).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let before = get(&mut *tx, meeting_id).await?;
    before.status.cancel().map_err(refused)?;
    let done = sqlx::query(
        "UPDATE meetings SET status = 'cancelled', cancelled_at = ?, cancel_reason = ?, sequence = sequence + 1
         WHERE id = ? AND status = ?",
    )
    .bind(Ts::now())
    .bind(reason.trim())
    .bind(meeting_id)
    .bind(before.status)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(refused(StatusRefusal::Closed));
    }
    if before.status == MeetingStatus::Convened {
        let m = get(&mut *tx, meeting_id).await?;
        send(
            state,
            &mut tx,
            &m,
            Method::Cancel,
            "Sesión cancelada",
            "Meeting cancelled",
        )
        .await?;
    }
    audit::record(
        &mut tx,
        actor,
        "meeting.cancelled",
        "meeting",
        meeting_id,
        Some(json!({"status": before.status})),
        Some(json!({"status": "cancelled", "reason": reason.trim()})),
    )
    .await?;
    tx.commit().await?;
    state.mail_pending.notify_one();
    Ok(())
}

/// A member's answer to the convocation: in person, virtual, absent, or represented by another
/// member of the body (a proxy). Taken while the meeting is convened and has not started.
pub async fn answer(
    state: &AppState,
    meeting_id: i64,
    who: &Signed,
    answer: &str,
    proxy: &str,
    actor: &Actor,
) -> AppResult<()> {
    let person_id = who.person_id();
    let answer = Answer::parse(answer)
        .ok_or_else(|| Invalid::one("answer", MeetingProblem::AnswerInvalid))?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    // where the meeting stands is read in the transaction that answers it
    let m = get(&mut *tx, meeting_id).await?;
    m.status.in_session().map_err(refused)?;
    if m.starts_at.0 <= Utc::now() {
        return Err(refused(StatusRefusal::NotConvened));
    }
    let body = m.body().ok_or(AppError::NotFound)?;
    let members = members(&mut tx, body, m.starts_at.0.date_naive()).await?;
    if !members.iter().any(|(id, _, _)| *id == person_id) {
        return Err(Invalid::one("", MeetingProblem::NotAMember).into());
    }
    let proxy_id: Option<i64> = if answer == Answer::Proxy {
        let id = proxy
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|p| *p != person_id && members.iter().any(|(m, _, _)| m == p));
        Some(id.ok_or_else(|| Invalid::one("proxy", MeetingProblem::ProxyNotAMember))?)
    } else {
        None
    };
    sqlx::query(
        "INSERT INTO attendance (meeting_id, person_id, answer, answer_proxy, answered_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (meeting_id, person_id) DO UPDATE SET answer = excluded.answer, answer_proxy = excluded.answer_proxy, answered_at = excluded.answered_at",
    )
    .bind(meeting_id)
    .bind(person_id)
    .bind(answer)
    .bind(proxy_id)
    .bind(Ts::now())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "meeting.answered",
        "meeting",
        meeting_id,
        None,
        Some(json!({"person": person_id, "answer": answer, "proxy": proxy_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, FromRow)]
pub struct AnswerRow {
    pub person_id: i64,
    pub answer: Option<Answer>,
    pub proxy_name: Option<String>,
}

pub async fn answers(db: &SqlitePool, meeting_id: i64) -> AppResult<Vec<AnswerRow>> {
    Ok(sqlx::query_as(
        "SELECT a.person_id, a.answer, p.full_name AS proxy_name FROM attendance a LEFT JOIN people p ON p.id = a.answer_proxy WHERE a.meeting_id = ?",
    )
    .bind(meeting_id)
    .fetch_all(db)
    .await?)
}

/// The Advisory Council's meetings held or scheduled (not cancelled) in a year, by day.
pub async fn advisory_days(db: &SqlitePool, year: i32) -> AppResult<Vec<NaiveDate>> {
    let rows: Vec<Ts> = sqlx::query_scalar(
        "SELECT starts_at FROM meetings WHERE body = 'advisory-council' AND status IN ('convened', 'held') AND starts_at >= ? AND starts_at < ?",
    )
    .bind(format!("{year}-01-01T00:00:00.000Z"))
    .bind(format!("{}-01-01T00:00:00.000Z", year + 1))
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|t| t.0.date_naive()).collect())
}
