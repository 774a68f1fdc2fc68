//! The minutes of a meeting held and the agreements they record.
//!
//! The secretary drafts the minutes in the portal, prefilled with the attendance, the quorum,
//! the agenda and each motion's result, and lists the agreements (what, who, by when). The draft
//! is circulated to the members by e-mail for their comments; a member may object. The minutes
//! are approved either by a vote at a later meeting of the same body (an agenda item that puts
//! them to the vote) or by the body's rule: circulated for the comment period
//! (`MINGA_MINUTES_COMMENT_DAYS`) with no objection to the text as it stands. Approved minutes
//! are frozen, rendered to a PDF stored by its SHA-256 and registered with the
//! `minutes-approved` decision as its evidence's document; each agreement is then opened (a
//! decision), followed up, mailed to its owner when overdue, and closed (a decision).

use super::audit::{self, Actor};
use super::evidence::decisions::{self, Decision};
use super::mail::{self, Message};
use super::meetings::{self, AgendaItem, MeetingRow, SeatAt};
use crate::db::Ts;
use crate::domain::evidence::Hash;
use crate::domain::meetings::{self as rules, Body};
use crate::domain::voting::{Outcome, Tally};
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{Lang, Tr, fill};
use crate::{AppError, AppState};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MinutesProblem {
    Required,
    TooLong { max: usize },
    NotHeld,
    Approved,
    NotSaved,
    NotCirculated,
    CommentPeriod { until: String },
    Objections { count: i64 },
    NotAMember,
    OwnerNotASeat,
    DueInvalid,
    NotProposed,
    NotOpen,
    OutcomeInvalid,
    NotApprovable,
}

impl Reason for MinutesProblem {
    fn code(&self) -> &'static str {
        match self {
            MinutesProblem::Required => "required",
            MinutesProblem::TooLong { .. } => "too_long",
            MinutesProblem::NotHeld => "not_held",
            MinutesProblem::Approved => "minutes_approved",
            MinutesProblem::NotSaved => "minutes_not_saved",
            MinutesProblem::NotCirculated => "minutes_not_circulated",
            MinutesProblem::CommentPeriod { .. } => "comment_period",
            MinutesProblem::Objections { .. } => "objections",
            MinutesProblem::NotAMember => "not_a_member",
            MinutesProblem::OwnerNotASeat => "owner_not_a_seat",
            MinutesProblem::DueInvalid => "date_invalid",
            MinutesProblem::NotProposed => "not_proposed",
            MinutesProblem::NotOpen => "not_open",
            MinutesProblem::OutcomeInvalid => "outcome_invalid",
            MinutesProblem::NotApprovable => "not_approvable",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            MinutesProblem::Required => t.problem_required.into(),
            MinutesProblem::TooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            MinutesProblem::NotHeld => t.min_problem_not_held.into(),
            MinutesProblem::Approved => t.min_problem_approved.into(),
            MinutesProblem::NotSaved => t.min_problem_not_saved.into(),
            MinutesProblem::NotCirculated => t.min_problem_not_circulated.into(),
            MinutesProblem::CommentPeriod { until } => {
                fill(t.min_problem_comment_period, &[("until", until)])
            }
            MinutesProblem::Objections { count } => {
                fill(t.min_problem_objections, &[("count", count)])
            }
            MinutesProblem::NotAMember => t.min_problem_not_a_member.into(),
            MinutesProblem::OwnerNotASeat => t.min_problem_owner_not_a_seat.into(),
            MinutesProblem::DueInvalid => t.problem_date_invalid.into(),
            MinutesProblem::NotProposed => t.min_problem_not_proposed.into(),
            MinutesProblem::NotOpen => t.min_problem_not_open.into(),
            MinutesProblem::OutcomeInvalid => t.min_problem_outcome_invalid.into(),
            MinutesProblem::NotApprovable => t.min_problem_not_approvable.into(),
        }
    }
}

const MAX_MINUTES: usize = 60_000;
const MAX_COMMENT: usize = 4000;
const MAX_AGREEMENT: usize = 1000;

/// The body as the decisions register names it.
pub fn decision_body(body: Option<Body>) -> &'static str {
    match body {
        Some(Body::ExecutiveCouncil) => "executive-council",
        Some(Body::AdvisoryCouncil) => "advisory-council",
        _ => "collectives",
    }
}

#[derive(Clone, Debug, FromRow)]
pub struct MinutesRow {
    pub meeting_id: i64,
    pub text: String,
    pub status: String,
    pub revision: i64,
    pub updated_at: Ts,
    pub circulated_at: Option<Ts>,
    pub approved_at: Option<Ts>,
    pub approved_how: Option<String>,
    pub approval_vote_id: Option<i64>,
    pub pdf_sha256: Option<String>,
    pub decision_id: Option<i64>,
}

const MINUTES_SELECT: &str = "SELECT meeting_id, text, status, revision, updated_at, circulated_at, approved_at, approved_how,
        approval_vote_id, pdf_sha256, decision_id FROM minutes";

pub async fn get<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    meeting_id: i64,
) -> AppResult<Option<MinutesRow>> {
    let sql = format!("{MINUTES_SELECT} WHERE meeting_id = ?");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(meeting_id)
        .fetch_optional(db)
        .await?)
}

/// When the session was opened with quorum, and the quorum as established.
pub async fn held<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    meeting_id: i64,
) -> AppResult<Option<(Ts, Value)>> {
    let row: Option<(Option<Ts>, Option<String>)> =
        sqlx::query_as("SELECT opened_at, quorum_json FROM meetings WHERE id = ?")
            .bind(meeting_id)
            .fetch_optional(db)
            .await?;
    Ok(match row {
        Some((Some(at), q)) => Some((
            at,
            q.and_then(|q| serde_json::from_str(&q).ok())
                .unwrap_or(Value::Null),
        )),
        _ => None,
    })
}

/// The evidence of a registered decision (`None` until the publisher has registered it).
pub async fn evidence_of(db: &SqlitePool, decision_id: Option<i64>) -> AppResult<Option<String>> {
    let Some(id) = decision_id else {
        return Ok(None);
    };
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT evidence_id FROM decisions WHERE id = ?")
            .bind(id)
            .fetch_optional(db)
            .await?
            .flatten(),
    )
}

/// Whether the person sits on the body: at the meeting (a member then, or the chair) or today.
pub async fn is_member(
    conn: &mut SqliteConnection,
    m: &MeetingRow,
    person_id: i64,
) -> AppResult<bool> {
    if meetings::seats(conn, m)
        .await?
        .iter()
        .any(|s| s.person_id == person_id)
    {
        return Ok(true);
    }
    let body = m.body().ok_or(AppError::NotFound)?;
    Ok(meetings::members(conn, body, Utc::now().date_naive())
        .await?
        .iter()
        .any(|p| p.0 == person_id))
}

/// A motion's result as the minutes state it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VoteSummary {
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    pub approved: bool,
    pub tie: bool,
}

impl VoteSummary {
    pub fn of(t: &Tally) -> VoteSummary {
        VoteSummary {
            yes: t.yes.total(),
            no: t.no.total(),
            abstain: t.abstain.total(),
            approved: t.outcome == Outcome::Approved,
            tie: t.tie,
        }
    }

    /// From a closed vote's stored result.
    pub fn from_json(result: &str) -> Option<VoteSummary> {
        let v: Value = serde_json::from_str(result).ok()?;
        let total = |k: &str| {
            let w = &v[k];
            u32::try_from(w["direct"].as_u64().unwrap_or(0) + w["delegated"].as_u64().unwrap_or(0))
                .unwrap_or(0)
        };
        Some(VoteSummary {
            yes: total("yes"),
            no: total("no"),
            abstain: total("abstain"),
            approved: v["outcome"].as_str()? == "approved",
            tie: v["tie"].as_bool().unwrap_or(false),
        })
    }
}

/// What the prefilled draft is made of.
pub struct Record<'a> {
    pub title: &'a str,
    pub body_name: &'a str,
    pub extraordinary: bool,
    pub span: String,
    pub place: &'a str,
    pub link: &'a str,
    pub objectives: &'a str,
    pub opened_local: Option<String>,
    pub quorum: Option<(u64, u64)>,
    pub seats: &'a [SeatAt],
    pub items: Vec<(&'a AgendaItem, Option<VoteSummary>)>,
}

/// The draft of the minutes: heading, attendance, quorum, agenda with each motion and its
/// result, and room for the deliberations, in the secretary's language.
pub fn prefill(lang: Lang, r: &Record) -> String {
    let p = |es: &str, en: &str| lang.pick(es, en);
    let mut out = String::new();
    let kind = if r.extraordinary {
        p("EXTRAORDINARIA", "EXTRAORDINARY")
    } else {
        p("ORDINARIA", "ORDINARY")
    };
    out.push_str(&match lang {
        Lang::Es => format!("ACTA DE LA SESIÓN {kind} — {}\n", r.title),
        Lang::En => format!("MINUTES OF THE {kind} MEETING — {}\n", r.title),
    });
    out.push_str(&format!("{}: {}\n", p("Órgano", "Body"), r.body_name));
    out.push_str(&format!(
        "{}: {}\n",
        p("Fecha y hora", "Date and time"),
        r.span
    ));
    if !r.place.is_empty() {
        out.push_str(&format!("{}: {}\n", p("Lugar", "Place"), r.place));
    }
    if !r.link.is_empty() {
        out.push_str(&format!("{}: {}\n", p("Enlace", "Link"), r.link));
    }
    if r.extraordinary && !r.objectives.is_empty() {
        out.push_str(&format!(
            "{}: {}\n",
            p("Objetivos", "Objectives"),
            r.objectives
        ));
    }
    out.push_str(&format!("\n1. {}\n", p("Asistencia", "Attendance")));
    let names = |f: &dyn Fn(&SeatAt) -> bool| {
        r.seats
            .iter()
            .filter(|s| f(s))
            .map(|s| {
                let mut n = s.name.clone();
                if s.attendance.seat == rules::Seat::Secretary {
                    n.push_str(&p(" (Secretaría Ejecutiva)", " (Executive Secretary)"));
                }
                if let (rules::Presence::Represented { .. }, Some(by)) =
                    (s.attendance.presence, &s.proxy_name)
                {
                    n.push_str(&format!(
                        ", {} {by}",
                        p("representado por", "represented by")
                    ));
                }
                n
            })
            .collect::<Vec<_>>()
    };
    for (label, list) in [
        (
            p("En persona", "In person"),
            names(&|s| s.attendance.presence == rules::Presence::InPerson),
        ),
        (
            p("En línea", "Online"),
            names(&|s| s.attendance.presence == rules::Presence::Virtual),
        ),
        (
            p("Representados", "Represented"),
            names(&|s| matches!(s.attendance.presence, rules::Presence::Represented { .. })),
        ),
        (
            p("Ausentes", "Absent"),
            names(&|s| s.attendance.presence == rules::Presence::Absent),
        ),
    ] {
        if !list.is_empty() {
            out.push_str(&format!("   {label}: {}\n", list.join("; ")));
        }
    }
    out.push_str(&format!("\n2. {}\n", p("Quórum", "Quorum")));
    match (&r.opened_local, r.quorum) {
        (Some(at), Some((present, required))) => out.push_str(&match lang {
            Lang::Es => format!(
                "   La sesión se abrió el {at} con quórum: {present} miembros presentes o representados (se requieren {required} además de quien preside).\n"
            ),
            Lang::En => format!(
                "   The meeting was opened on {at} with quorum: {present} members present or represented ({required} required besides the chair).\n"
            ),
        }),
        (Some(at), None) => out.push_str(&match lang {
            Lang::Es => format!("   La sesión se abrió el {at} con quórum.\n"),
            Lang::En => format!("   The meeting was opened on {at} with quorum.\n"),
        }),
        _ => out.push_str(&p(
            "   La sesión no se abrió con quórum.\n",
            "   The meeting was not opened with quorum.\n",
        )),
    }
    out.push_str(&format!("\n3. {}\n", p("Orden del día", "Agenda")));
    for (item, vote) in &r.items {
        out.push_str(&format!("   3.{} {}", item.position, item.title));
        if !item.presenter.is_empty() {
            out.push_str(&format!(
                " ({} {})",
                p("presenta", "presented by"),
                item.presenter
            ));
        }
        out.push('\n');
        if !item.motion.is_empty() {
            out.push_str(&format!(
                "       {}: {}\n",
                p("Moción", "Motion"),
                item.motion
            ));
            out.push_str(&match vote {
                Some(v) => {
                    let outcome = if v.approved {
                        p("aprobada", "approved")
                    } else {
                        p("rechazada", "rejected")
                    };
                    let tie = if v.tie {
                        p(" (empate: decide quien preside)", " (tie: the chair decides)")
                    } else {
                        String::new()
                    };
                    match lang {
                        Lang::Es => format!(
                            "       Votación: {outcome}{tie} — a favor {}, en contra {}, abstenciones {}.\n",
                            v.yes, v.no, v.abstain
                        ),
                        Lang::En => format!(
                            "       Vote: {outcome}{tie} — yes {}, no {}, abstain {}.\n",
                            v.yes, v.no, v.abstain
                        ),
                    }
                }
                None => p(
                    "       Votación: no se votó.\n",
                    "       Vote: not put to the vote.\n",
                ),
            });
        }
        out.push_str(&p("       Deliberación: \n", "       Deliberation: \n"));
    }
    out.push_str(&format!(
        "\n4. {}\n   {}\n",
        p("Acuerdos", "Agreements"),
        p(
            "Los acuerdos se registran al pie del acta con su responsable y su fecha límite.",
            "The agreements are recorded at the foot of the minutes with their owner and due date."
        )
    ));
    out
}

/// The prefilled draft of a meeting's minutes.
pub async fn draft_for(
    state: &AppState,
    m: &MeetingRow,
    lang: Lang,
    body_name: &str,
) -> AppResult<String> {
    let mut conn = state.db.acquire().await?;
    let seats = meetings::seats(&mut conn, m).await?;
    drop(conn);
    let items = meetings::agenda(&state.db, m.id).await?;
    let mut results = Vec::new();
    for i in &items {
        let summary = match i.vote_id {
            Some(v) => super::votes::get(&state.db, v)
                .await?
                .result_json
                .as_deref()
                .and_then(VoteSummary::from_json),
            None => None,
        };
        results.push(summary);
    }
    let held = held(&state.db, m.id).await?;
    let opened_local = held.as_ref().map(|(at, _)| {
        at.0.with_timezone(&m.tz())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    });
    let quorum = held.as_ref().and_then(|(_, q)| {
        let q = &q["quorum"];
        Some((
            q["members_present"].as_u64()?,
            q["members_required"].as_u64()?,
        ))
    });
    Ok(prefill(
        lang,
        &Record {
            title: &lang.pick(&m.title_es, &m.title_en),
            body_name,
            extraordinary: m.kind == "extraordinary",
            span: m.local_span(),
            place: &m.place,
            link: &m.virtual_url,
            objectives: &m.objectives,
            opened_local,
            quorum,
            seats: &seats,
            items: items.iter().zip(results).collect(),
        },
    ))
}

/// Saves the secretary's text. Changing circulated minutes makes a new revision, a draft again
/// to be circulated anew (so that objections are to the text as it stands).
pub async fn save(state: &AppState, meeting_id: i64, text: &str, actor: &Actor) -> AppResult<()> {
    let text = text.replace("\r\n", "\n");
    let text = text.trim_end();
    if text.trim().is_empty() {
        return Err(Invalid::one("text", MinutesProblem::Required).into());
    }
    if text.chars().count() > MAX_MINUTES {
        return Err(Invalid::one("text", MinutesProblem::TooLong { max: MAX_MINUTES }).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    if held(&mut *tx, meeting_id).await?.is_none() {
        return Err(Invalid::one("", MinutesProblem::NotHeld).into());
    }
    let before = get(&mut *tx, meeting_id).await?;
    match &before {
        Some(b) if b.status == "approved" => {
            return Err(Invalid::one("", MinutesProblem::Approved).into());
        }
        Some(b) if b.text == text => return Ok(()),
        Some(b) => {
            let revision = if b.status == "circulated" {
                b.revision + 1
            } else {
                b.revision
            };
            sqlx::query(
                "UPDATE minutes SET text = ?, status = 'draft', revision = ?, drafted_by = ?, updated_at = ? WHERE meeting_id = ?",
            )
            .bind(text)
            .bind(revision)
            .bind(actor.account_id)
            .bind(Ts::now())
            .bind(meeting_id)
            .execute(&mut *tx)
            .await?;
        }
        None => {
            sqlx::query(
                "INSERT INTO minutes (meeting_id, text, drafted_by, updated_at) VALUES (?, ?, ?, ?)",
            )
            .bind(meeting_id)
            .bind(text)
            .bind(actor.account_id)
            .bind(Ts::now())
            .execute(&mut *tx)
            .await?;
        }
    }
    audit::record(
        &mut tx,
        actor,
        "minutes.saved",
        "meeting",
        meeting_id,
        before.map(|b| json!({"status": b.status, "revision": b.revision, "text_sha256": Hash::of(b.text.as_bytes()).hex()})),
        Some(json!({"text_sha256": Hash::of(text.as_bytes()).hex()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sends the saved draft to every member of the body for comments; returns the messages queued.
pub async fn circulate(state: &AppState, meeting_id: i64, actor: &Actor) -> AppResult<usize> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let minutes = get(&mut *tx, meeting_id)
        .await?
        .ok_or_else(|| Invalid::one("", MinutesProblem::NotSaved))?;
    match minutes.status.as_str() {
        "approved" => return Err(Invalid::one("", MinutesProblem::Approved).into()),
        // this revision is out already: its comment period is not restarted
        "circulated" => return Ok(0),
        _ => {}
    }
    let m = meetings::get(&mut *tx, meeting_id).await?;
    let body = m.body().ok_or(AppError::NotFound)?;
    let now = Utc::now();
    sqlx::query("UPDATE minutes SET status = 'circulated', circulated_at = ? WHERE meeting_id = ?")
        .bind(Ts(now))
        .bind(meeting_id)
        .execute(&mut *tx)
        .await?;
    let until = comments_until(now, &state.settings.meetings);
    let url = format!(
        "{}/meetings/{meeting_id}/minutes",
        state.settings.public_url.trim_end_matches('/')
    );
    let mut people = meetings::members(&mut tx, body, m.starts_at.0.date_naive()).await?;
    for p in meetings::members(&mut tx, body, now.date_naive()).await? {
        if !people.iter().any(|q| q.0 == p.0) {
            people.push(p);
        }
    }
    let mut sent = 0;
    for (_, name, email) in people.into_iter().filter(|p| !p.2.is_empty()) {
        if mail::queue(
            &mut tx,
            &Message {
                to_address: email,
                to_name: name,
                subject: format!(
                    "Borrador de acta / Draft minutes: {} — {}",
                    m.title_es,
                    m.local_span()
                ),
                body_text: format!(
                    "Se circula el borrador del acta (revisión {rev}) de «{}». Puede comentarlo u objetarlo hasta el {until} en {url}\n\n\
                     The draft minutes (revision {rev}) of \"{}\" are circulated. You may comment or object until {until} at {url}\n\n\
                     ----\n{}\n",
                    m.title_es,
                    m.title_en,
                    minutes.text,
                    rev = minutes.revision,
                    until = until.format("%Y-%m-%d %H:%M UTC"),
                ),
                ics: None,
                topic: format!("minutes/{meeting_id}/{}", minutes.revision),
            },
        )
        .await?
        {
            sent += 1;
        }
    }
    audit::record(
        &mut tx,
        actor,
        "minutes.circulated",
        "meeting",
        meeting_id,
        Some(json!({"status": minutes.status})),
        Some(json!({"status": "circulated", "revision": minutes.revision, "messages": sent})),
    )
    .await?;
    tx.commit().await?;
    state.mail_pending.notify_one();
    Ok(sent)
}

/// The end of the comment period of minutes circulated at `at`.
pub fn comments_until(at: DateTime<Utc>, settings: &rules::MeetingSettings) -> DateTime<Utc> {
    at + chrono::Duration::days(i64::from(settings.minutes_comment_days))
}

#[derive(Clone, Debug, FromRow)]
pub struct CommentRow {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub revision: i64,
    pub objection: bool,
    pub text: String,
    pub created_at: Ts,
}

pub async fn comments(db: &SqlitePool, meeting_id: i64) -> AppResult<Vec<CommentRow>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.person_id, p.full_name AS name, c.revision, c.objection, c.text, c.created_at
         FROM minutes_comments c JOIN people p ON p.id = c.person_id WHERE c.meeting_id = ? ORDER BY c.id",
    )
    .bind(meeting_id)
    .fetch_all(db)
    .await?)
}

/// A member's comment on the circulated draft; `objection` holds back the approval by rule
/// until the text is revised.
pub async fn comment(
    state: &AppState,
    meeting_id: i64,
    person_id: i64,
    text: &str,
    objection: bool,
    actor: &Actor,
) -> AppResult<()> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Invalid::one("comment", MinutesProblem::Required).into());
    }
    if text.chars().count() > MAX_COMMENT {
        return Err(Invalid::one("comment", MinutesProblem::TooLong { max: MAX_COMMENT }).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let minutes = get(&mut *tx, meeting_id).await?;
    let minutes = match minutes {
        Some(x) if x.status == "circulated" => x,
        Some(x) if x.status == "approved" => {
            return Err(Invalid::one("", MinutesProblem::Approved).into());
        }
        _ => return Err(Invalid::one("", MinutesProblem::NotCirculated).into()),
    };
    let m = meetings::get(&mut *tx, meeting_id).await?;
    if !is_member(&mut tx, &m, person_id).await? {
        return Err(Invalid::one("", MinutesProblem::NotAMember).into());
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO minutes_comments (meeting_id, person_id, revision, objection, text, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(meeting_id)
    .bind(person_id)
    .bind(minutes.revision)
    .bind(objection)
    .bind(text)
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "minutes.commented",
        "meeting",
        meeting_id,
        None,
        Some(json!({"comment": id, "revision": minutes.revision, "objection": objection})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Objections to the text as it stands.
async fn objections(conn: &mut SqliteConnection, minutes: &MinutesRow) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM minutes_comments WHERE meeting_id = ? AND revision = ? AND objection = 1",
    )
    .bind(minutes.meeting_id)
    .bind(minutes.revision)
    .fetch_one(conn)
    .await?)
}

/// How the minutes were approved.
pub enum Approval {
    /// By the body's rule: circulated for the comment period with no objection.
    Rule,
    /// By the vote on an agenda item of a later meeting.
    Vote {
        vote_id: i64,
        meeting: Box<MeetingRow>,
        result: VoteSummary,
    },
}

/// The closed, approving vote that put these minutes to a later meeting, if any.
async fn approving_vote(
    conn: &mut SqliteConnection,
    meeting_id: i64,
) -> AppResult<Option<(i64, i64, VoteSummary)>> {
    let rows: Vec<(i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT a.meeting_id, v.id, v.result_json FROM agenda_items a JOIN votes v ON v.id = a.vote_id
         WHERE a.approves_minutes_of = ? AND v.status = 'closed' ORDER BY v.closed_at DESC",
    )
    .bind(meeting_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().find_map(|(at, vote, result)| {
        let s = VoteSummary::from_json(result.as_deref()?)?;
        s.approved.then_some((at, vote, s))
    }))
}

/// The secretary registers the approval: by the vote at a later meeting when one approved the
/// minutes, otherwise by the body's rule (refused, with the reason, within the comment period or
/// while a member objects to the text as it stands).
pub async fn approve(state: &AppState, meeting_id: i64, actor: &Actor) -> AppResult<()> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let approval = match approving_vote(&mut tx, meeting_id).await? {
        Some((at, vote_id, result)) => Approval::Vote {
            vote_id,
            meeting: Box::new(meetings::get(&mut *tx, at).await?),
            result,
        },
        None => Approval::Rule,
    };
    freeze(state, &mut tx, meeting_id, approval, actor).await?;
    tx.commit().await?;
    state.decisions_pending.notify_one();
    state.mail_pending.notify_one();
    Ok(())
}

/// After a vote on an agenda item closes: if the item put minutes to the vote and they were
/// approved, they are frozen and registered at once.
pub async fn after_vote(
    state: &AppState,
    item_id: i64,
    tally: &Tally,
    actor: &Actor,
) -> AppResult<()> {
    let of: Option<i64> =
        sqlx::query_scalar("SELECT approves_minutes_of FROM agenda_items WHERE id = ?")
            .bind(item_id)
            .fetch_optional(&state.db)
            .await?
            .flatten();
    if let Some(of) = of
        && tally.outcome == Outcome::Approved
    {
        approve(state, of, actor).await?;
    }
    Ok(())
}

/// Freezes the minutes, renders and stores the PDF, records the `minutes-approved` decision
/// with the PDF as its document and opens the agreements — inside the caller's transaction.
async fn freeze(
    state: &AppState,
    tx: &mut SqliteConnection,
    meeting_id: i64,
    approval: Approval,
    actor: &Actor,
) -> AppResult<()> {
    let minutes = get(&mut *tx, meeting_id)
        .await?
        .ok_or_else(|| Invalid::one("", MinutesProblem::NotSaved))?;
    match minutes.status.as_str() {
        "approved" => return Err(Invalid::one("", MinutesProblem::Approved).into()),
        "draft" => return Err(Invalid::one("", MinutesProblem::NotCirculated).into()),
        _ => {}
    }
    let now = Utc::now();
    if let Approval::Rule = approval {
        let until = comments_until(
            minutes.circulated_at.map_or(now, |t| t.0),
            &state.settings.meetings,
        );
        if until > now {
            return Err(Invalid::one(
                "",
                MinutesProblem::CommentPeriod {
                    until: until.format("%Y-%m-%d %H:%M UTC").to_string(),
                },
            )
            .into());
        }
        let count = objections(tx, &minutes).await?;
        if count > 0 {
            return Err(Invalid::one("", MinutesProblem::Objections { count }).into());
        }
    }
    let m = meetings::get(&mut *tx, meeting_id).await?;
    let agreements = agreements_of(&mut *tx, meeting_id).await?;
    let proposed: Vec<&AgreementRow> = agreements
        .iter()
        .filter(|a| a.status == "proposed")
        .collect();
    let statement = approval_statement(&approval, &minutes, &state.settings.meetings);
    let font = tokio::fs::read(&state.settings.report_font)
        .await
        .map_err(|e| {
            AppError::internal(format!(
                "the PDF font {} cannot be read (MINGA_REPORT_FONT): {e}",
                state.settings.report_font.display()
            ))
        })?;
    let pdf = render_pdf(
        &m,
        &minutes,
        &proposed,
        &statement,
        now,
        &state.settings.public_url,
        &font,
    )
    .map_err(AppError::internal)?;
    let hash = super::evidence::documents::store(&state.settings.documents_dir(), &pdf).await?;
    let (how, vote_id) = match &approval {
        Approval::Rule => ("rule", None),
        Approval::Vote { vote_id, .. } => ("vote", Some(*vote_id)),
    };
    sqlx::query(
        "UPDATE minutes SET status = 'approved', approved_at = ?, approved_how = ?, approval_vote_id = ?, pdf_sha256 = ? WHERE meeting_id = ?",
    )
    .bind(Ts(now))
    .bind(how)
    .bind(vote_id)
    .bind(hash.hex())
    .bind(meeting_id)
    .execute(&mut *tx)
    .await?;
    let approved = match &approval {
        Approval::Rule => json!({
            "how": "rule",
            "circulated_at": minutes.circulated_at.map(|t| t.to_db()),
            "comment_days": state.settings.meetings.minutes_comment_days,
        }),
        Approval::Vote {
            vote_id,
            meeting,
            result,
        } => json!({
            "how": "vote",
            "vote": vote_id,
            "meeting": {"id": meeting.id, "title_es": meeting.title_es, "starts_at": meeting.starts_at.to_db()},
            "yes": result.yes, "no": result.no, "abstain": result.abstain,
        }),
    };
    let decision = decisions::record(
        tx,
        &Decision {
            event: "minutes-approved",
            body: decision_body(m.body()),
            reference: format!("meeting/{meeting_id}/minutes"),
            title_es: format!("Acta aprobada: {}", m.title_es),
            title_en: format!("Minutes approved: {}", m.title_en),
            data: json!({
                "meeting": {"id": m.id, "body": m.body, "kind": m.kind, "title_es": m.title_es, "title_en": m.title_en,
                            "starts_at": m.starts_at.to_db(), "timezone": m.timezone},
                "minutes": {"revision": minutes.revision, "text_sha256": Hash::of(minutes.text.as_bytes()).hex(),
                            "pdf_sha256": hash.hex(), "pdf_bytes": pdf.len()},
                "approved": approved,
                "agreements": proposed.iter().map(|a| json!({"id": a.id, "text": a.text, "owner": a.owner_name, "due_on": a.due_on})).collect::<Vec<_>>(),
                "recorded_by": actor.label,
            }),
        },
    )
    .await?;
    decisions::attach_document(
        tx,
        decision,
        &hash.hex(),
        &format!("acta-sesion-{meeting_id}.pdf"),
        "application/pdf",
    )
    .await?;
    sqlx::query("UPDATE minutes SET decision_id = ? WHERE meeting_id = ?")
        .bind(decision)
        .bind(meeting_id)
        .execute(&mut *tx)
        .await?;
    for a in &proposed {
        open_agreement(state, tx, &m, a, &hash).await?;
    }
    audit::record(
        tx,
        actor,
        "minutes.approved",
        "meeting",
        meeting_id,
        Some(json!({"status": minutes.status})),
        Some(json!({"status": "approved", "how": how, "vote": vote_id, "pdf_sha256": hash.hex(), "agreements": proposed.len()})),
    )
    .await?;
    Ok(())
}

/// One sentence saying how the minutes were approved (in both languages, for the PDF).
fn approval_statement(
    approval: &Approval,
    minutes: &MinutesRow,
    settings: &rules::MeetingSettings,
) -> (String, String) {
    match approval {
        Approval::Rule => {
            let at = minutes
                .circulated_at
                .map(|t| t.0.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            let days = settings.minutes_comment_days;
            (
                format!(
                    "Aprobada por la regla del órgano: circulada a sus integrantes el {at}, sin objeciones en {days} días."
                ),
                format!(
                    "Approved by the body's rule: circulated to its members on {at}, with no objection within {days} days."
                ),
            )
        }
        Approval::Vote {
            meeting, result, ..
        } => (
            format!(
                "Aprobada por votación en la sesión «{}» del {}: a favor {}, en contra {}, abstenciones {}.",
                meeting.title_es,
                meeting
                    .starts_at
                    .0
                    .with_timezone(&meeting.tz())
                    .format("%Y-%m-%d"),
                result.yes,
                result.no,
                result.abstain
            ),
            format!(
                "Approved by vote at the meeting \"{}\" of {}: yes {}, no {}, abstain {}.",
                meeting.title_en,
                meeting
                    .starts_at
                    .0
                    .with_timezone(&meeting.tz())
                    .format("%Y-%m-%d"),
                result.yes,
                result.no,
                result.abstain
            ),
        ),
    }
}

/// The approved minutes as a PDF: the text as written, the agreements, how they were approved.
pub fn render_pdf(
    m: &MeetingRow,
    minutes: &MinutesRow,
    agreements: &[&AgreementRow],
    statement: &(String, String),
    approved_at: DateTime<Utc>,
    public_url: &str,
    font: &[u8],
) -> Result<Vec<u8>, String> {
    let mut w = crate::pdf::Writer::new();
    w.line(14.0, "Acta aprobada · Approved minutes");
    w.line(9.0, format!("{} / {}", m.title_es, m.title_en));
    w.line(
        8.5,
        format!(
            "Sesión n.º {} · Meeting no. {} · revisión {} · aprobada {} · approved",
            m.id,
            m.id,
            minutes.revision,
            approved_at.format("%Y-%m-%d %H:%M UTC")
        ),
    );
    w.gap();
    w.paragraphs(9.5, &minutes.text, 92);
    w.gap();
    w.line(11.0, "Acuerdos · Agreements");
    if agreements.is_empty() {
        w.line(9.0, "Sin acuerdos de seguimiento · No follow-up agreements");
    }
    for (n, a) in agreements.iter().enumerate() {
        w.paragraphs(9.0, &format!("{}. {}", n + 1, a.text), 92);
        w.line(
            8.5,
            format!(
                "    Responsable · Owner: {} · Fecha límite · Due: {}",
                a.owner_name, a.due_on
            ),
        );
    }
    w.gap();
    w.line(11.0, "Aprobación · Approval");
    w.paragraphs(9.0, &statement.0, 95);
    w.paragraphs(9.0, &statement.1, 95);
    w.gap();
    let verify = format!("{}/v", public_url.trim_end_matches('/'));
    w.paragraphs(
        7.5,
        &format!(
            "Este documento está registrado como evidencia en el registro de Minga: su huella SHA-256 se comprueba en {verify}. This document is registered as an evidence in the Minga log: its SHA-256 fingerprint can be checked at {verify}."
        ),
        110,
    );
    w.finish(
        font,
        &format!("Acta · {}", m.title_es),
        "es",
        approved_at,
        |n, total| format!("Minga · acta de la sesión {} · página {n} de {total}", m.id),
    )
}

// ---------------------------------------------------------------------------------------------
// Agreements

#[derive(Clone, Debug, FromRow)]
pub struct AgreementRow {
    pub id: i64,
    pub meeting_id: i64,
    pub text: String,
    pub owner_id: i64,
    pub owner_name: String,
    pub due_on: NaiveDate,
    pub status: String,
    pub closed_at: Option<Ts>,
    pub closing_note: String,
    pub title_es: String,
    pub title_en: String,
    pub body: String,
}

impl AgreementRow {
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status == "open" && self.due_on < today
    }
}

const AGREEMENT_SELECT: &str =
    "SELECT a.id, a.meeting_id, a.text, a.owner_id, p.full_name AS owner_name, a.due_on, a.status,
        a.closed_at, a.closing_note, m.title_es, m.title_en, m.body
     FROM agreements a JOIN people p ON p.id = a.owner_id JOIN meetings m ON m.id = a.meeting_id";

pub async fn agreements_of<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    meeting_id: i64,
) -> AppResult<Vec<AgreementRow>> {
    let sql = format!("{AGREEMENT_SELECT} WHERE a.meeting_id = ? ORDER BY a.id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(meeting_id)
        .fetch_all(db)
        .await?)
}

pub async fn agreement<'e>(db: impl sqlx::SqliteExecutor<'e>, id: i64) -> AppResult<AgreementRow> {
    let sql = format!("{AGREEMENT_SELECT} WHERE a.id = ?");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The open agreements of the given bodies, the overdue first.
pub async fn open_agreements(db: &SqlitePool, bodies: &[String]) -> AppResult<Vec<AgreementRow>> {
    let sql =
        format!("{AGREEMENT_SELECT} WHERE a.status = 'open' ORDER BY a.due_on, a.id LIMIT 500");
    let rows: Vec<AgreementRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|a| bodies.contains(&a.body))
        .collect())
}

/// The open agreements a person owns, the earliest due first.
pub async fn owned_by(db: &SqlitePool, person_id: i64) -> AppResult<Vec<AgreementRow>> {
    let sql = format!(
        "{AGREEMENT_SELECT} WHERE a.status = 'open' AND a.owner_id = ? ORDER BY a.due_on, a.id LIMIT 100"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_all(db)
        .await?)
}

/// The meetings of the given bodies held with quorum whose minutes are not approved yet:
/// (meeting, minutes status or `None` when not drafted).
pub async fn pending(
    db: &SqlitePool,
    bodies: &[String],
) -> AppResult<Vec<(MeetingRow, Option<String>)>> {
    let sql = format!(
        "{} WHERE opened_at IS NOT NULL AND status <> 'cancelled'
           AND id NOT IN (SELECT meeting_id FROM minutes WHERE status = 'approved')
         ORDER BY starts_at LIMIT 200",
        meetings::MEETING_SELECT
    );
    let held: Vec<MeetingRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(db)
        .await?;
    let statuses: std::collections::HashMap<i64, String> =
        sqlx::query_as("SELECT meeting_id, status FROM minutes WHERE status <> 'approved'")
            .fetch_all(db)
            .await?
            .into_iter()
            .collect();
    Ok(held
        .into_iter()
        .filter(|m| bodies.contains(&m.body))
        .map(|m| {
            let status = statuses.get(&m.id).cloned();
            (m, status)
        })
        .collect())
}

/// The circulated minutes of the body's earlier meetings, which a later meeting may approve.
pub async fn approvable_at(db: &SqlitePool, m: &MeetingRow) -> AppResult<Vec<MeetingRow>> {
    let sql = format!(
        "{} WHERE body = ?1 AND starts_at < ?2
           AND id IN (SELECT meeting_id FROM minutes WHERE status = 'circulated')
           AND id NOT IN (SELECT approves_minutes_of FROM agenda_items WHERE meeting_id = ?3 AND approves_minutes_of IS NOT NULL)
         ORDER BY starts_at",
        meetings::MEETING_SELECT
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&m.body)
        .bind(m.starts_at)
        .bind(m.id)
        .fetch_all(db)
        .await?)
}

/// Puts the approval of an earlier meeting's circulated minutes on the agenda, with its motion.
pub async fn add_approval_item(
    state: &AppState,
    meeting_id: i64,
    of: i64,
    actor: &Actor,
) -> AppResult<i64> {
    let m = meetings::get(&state.db, meeting_id).await?;
    if !approvable_at(&state.db, &m)
        .await?
        .iter()
        .any(|e| e.id == of)
    {
        return Err(Invalid::one("of", MinutesProblem::NotApprovable).into());
    }
    let earlier = meetings::get(&state.db, of).await?;
    let day = earlier
        .starts_at
        .0
        .with_timezone(&earlier.tz())
        .format("%Y-%m-%d");
    let id = meetings::add_item(
        state,
        meeting_id,
        &format!(
            "Aprobación del acta de «{}» ({day}) / Approval of the minutes of \"{}\"",
            earlier.title_es, earlier.title_en
        ),
        "",
        &format!(
            "Aprobar el acta de la sesión «{}» del {day} tal como fue circulada. / Approve the minutes of the meeting \"{}\" of {day} as circulated.",
            earlier.title_es, earlier.title_en
        ),
        actor,
    )
    .await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    sqlx::query("UPDATE agenda_items SET approves_minutes_of = ? WHERE id = ?")
        .bind(of)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// An agreement as typed in the minutes editor.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AgreementForm {
    pub agreement: String,
    pub owner: String,
    pub due_on: String,
}

/// Adds an agreement to minutes not yet approved: what, who (a seat of the meeting), by when.
pub async fn add_agreement(
    state: &AppState,
    meeting_id: i64,
    f: &AgreementForm,
    actor: &Actor,
) -> AppResult<i64> {
    let mut invalid = Invalid::new();
    let text = f.agreement.trim();
    if text.is_empty() {
        invalid.add("agreement", MinutesProblem::Required);
    } else if text.chars().count() > MAX_AGREEMENT {
        invalid.add("agreement", MinutesProblem::TooLong { max: MAX_AGREEMENT });
    }
    let due = NaiveDate::parse_from_str(f.due_on.trim(), "%Y-%m-%d").ok();
    if due.is_none() {
        invalid.add("due_on", MinutesProblem::DueInvalid);
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    if held(&mut *tx, meeting_id).await?.is_none() {
        return Err(Invalid::one("", MinutesProblem::NotHeld).into());
    }
    if get(&mut *tx, meeting_id)
        .await?
        .is_some_and(|n| n.status == "approved")
    {
        return Err(Invalid::one("", MinutesProblem::Approved).into());
    }
    let m = meetings::get(&mut *tx, meeting_id).await?;
    let owner = f.owner.trim().parse::<i64>().ok();
    let seat = match owner {
        Some(o) => is_member(&mut tx, &m, o).await?,
        None => false,
    };
    if !seat {
        invalid.add("owner", MinutesProblem::OwnerNotASeat);
    }
    invalid.into_result()?;
    let (owner, due) = (owner.unwrap_or_default(), due.unwrap_or_default());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO agreements (meeting_id, text, owner_id, due_on) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(meeting_id)
    .bind(text)
    .bind(owner)
    .bind(due)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "agreement.proposed",
        "agreement",
        id,
        None,
        Some(json!({"meeting": meeting_id, "text": text, "owner": owner, "due_on": due})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes an agreement from minutes not yet approved.
pub async fn remove_agreement(
    state: &AppState,
    meeting_id: i64,
    agreement_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let done = sqlx::query(
        "DELETE FROM agreements WHERE id = ? AND meeting_id = ? AND status = 'proposed'",
    )
    .bind(agreement_id)
    .bind(meeting_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Invalid::one("", MinutesProblem::NotProposed).into());
    }
    audit::record(
        &mut tx,
        actor,
        "agreement.removed",
        "agreement",
        agreement_id,
        None,
        Some(json!({"meeting": meeting_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn open_agreement(
    state: &AppState,
    tx: &mut SqliteConnection,
    m: &MeetingRow,
    a: &AgreementRow,
    minutes_pdf: &Hash,
) -> AppResult<()> {
    sqlx::query("UPDATE agreements SET status = 'open', opened_at = ? WHERE id = ?")
        .bind(Ts::now())
        .bind(a.id)
        .execute(&mut *tx)
        .await?;
    decisions::record(
        tx,
        &Decision {
            event: "agreement-opened",
            body: decision_body(m.body()),
            reference: format!("agreement/{}/opened", a.id),
            title_es: format!("Acuerdo: {}", a.text),
            title_en: format!("Agreement: {}", a.text),
            data: json!({
                "agreement": {"id": a.id, "text": a.text, "owner": {"id": a.owner_id, "name": a.owner_name}, "due_on": a.due_on},
                "meeting": {"id": m.id, "title_es": m.title_es, "starts_at": m.starts_at.to_db()},
                "minutes_pdf_sha256": minutes_pdf.hex(),
            }),
        },
    )
    .await?;
    let email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = ?")
        .bind(a.owner_id)
        .fetch_one(&mut *tx)
        .await?;
    if !email.is_empty() {
        mail::queue(
            tx,
            &Message {
                to_address: email,
                to_name: a.owner_name.clone(),
                subject: format!("Acuerdo a su cargo / Agreement assigned to you: {}", short(&a.text)),
                body_text: format!(
                    "El acta aprobada de «{}» le asigna este acuerdo, con fecha límite {due}:\n{}\n\n\
                     The approved minutes of \"{}\" assign you this agreement, due {due}:\n{}\n\n{}/meetings/{}/minutes\n",
                    m.title_es,
                    a.text,
                    m.title_en,
                    a.text,
                    state.settings.public_url.trim_end_matches('/'),
                    m.id,
                    due = a.due_on,
                ),
                ics: None,
                topic: format!("agreement/{}/opened", a.id),
            },
        )
        .await?;
    }
    Ok(())
}

fn short(text: &str) -> String {
    let s: String = text.chars().take(80).collect();
    if s.len() < text.len() {
        format!("{s}…")
    } else {
        s
    }
}

/// Closes an open agreement as done or dropped, with a note; the closing is a decision.
pub async fn close_agreement(
    state: &AppState,
    agreement_id: i64,
    outcome: &str,
    note: &str,
    actor: &Actor,
) -> AppResult<()> {
    if !matches!(outcome, "done" | "dropped") {
        return Err(Invalid::one("outcome", MinutesProblem::OutcomeInvalid).into());
    }
    let note = note.trim();
    if outcome == "dropped" && note.is_empty() {
        return Err(Invalid::one("note", MinutesProblem::Required).into());
    }
    if note.chars().count() > MAX_COMMENT {
        return Err(Invalid::one("note", MinutesProblem::TooLong { max: MAX_COMMENT }).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let a = agreement(&mut *tx, agreement_id).await?;
    if a.status != "open" {
        return Err(Invalid::one("", MinutesProblem::NotOpen).into());
    }
    sqlx::query(
        "UPDATE agreements SET status = ?, closed_at = ?, closed_by = ?, closing_note = ? WHERE id = ?",
    )
    .bind(outcome)
    .bind(Ts::now())
    .bind(actor.account_id)
    .bind(note)
    .bind(agreement_id)
    .execute(&mut *tx)
    .await?;
    let today = Utc::now().date_naive();
    decisions::record(
        &mut tx,
        &Decision {
            event: "agreement-closed",
            body: decision_body(Body::parse(&a.body)),
            reference: format!("agreement/{agreement_id}/closed"),
            title_es: format!(
                "Acuerdo {}: {}",
                if outcome == "done" { "cumplido" } else { "desistido" },
                a.text
            ),
            title_en: format!(
                "Agreement {}: {}",
                if outcome == "done" { "done" } else { "dropped" },
                a.text
            ),
            data: json!({
                "agreement": {"id": a.id, "text": a.text, "owner": {"id": a.owner_id, "name": a.owner_name}, "due_on": a.due_on},
                "meeting": {"id": a.meeting_id, "title_es": a.title_es},
                "outcome": outcome,
                "note": note,
                "overdue": a.due_on < today,
                "recorded_by": actor.label,
            }),
        },
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        "agreement.closed",
        "agreement",
        agreement_id,
        Some(json!({"status": "open"})),
        Some(json!({"status": outcome, "note": note})),
    )
    .await?;
    tx.commit().await?;
    state.decisions_pending.notify_one();
    Ok(())
}

/// Mails each overdue open agreement's owner once (and the secretary who convenes the body
/// sees it on the dashboard); returns the messages queued.
pub async fn mail_overdue(state: &AppState) -> AppResult<usize> {
    let today = Utc::now().date_naive();
    let sql = format!(
        "{AGREEMENT_SELECT} WHERE a.status = 'open' AND a.due_on < ? AND a.overdue_mailed_at IS NULL ORDER BY a.id LIMIT 200"
    );
    let due: Vec<AgreementRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(today)
        .fetch_all(&state.db)
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let mut sent = 0;
    for a in &due {
        let email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = ?")
            .bind(a.owner_id)
            .fetch_one(&mut *tx)
            .await?;
        if !email.is_empty()
            && mail::queue(
                &mut tx,
                &Message {
                    to_address: email,
                    to_name: a.owner_name.clone(),
                    subject: format!("Acuerdo vencido / Overdue agreement: {}", short(&a.text)),
                    body_text: format!(
                        "El acuerdo a su cargo de la sesión «{}» venció el {due} y sigue abierto:\n{}\n\n\
                         The agreement you own from the meeting \"{}\" was due {due} and is still open:\n{}\n\n{}/meetings/{}/minutes\n",
                        a.title_es,
                        a.text,
                        a.title_en,
                        a.text,
                        state.settings.public_url.trim_end_matches('/'),
                        a.meeting_id,
                        due = a.due_on,
                    ),
                    ics: None,
                    topic: format!("agreement/{}/overdue", a.id),
                },
            )
            .await?
        {
            sent += 1;
        }
        sqlx::query("UPDATE agreements SET overdue_mailed_at = ? WHERE id = ?")
            .bind(Ts::now())
            .bind(a.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    if sent > 0 {
        state.mail_pending.notify_one();
    }
    Ok(sent)
}

/// The stored PDF of approved minutes.
pub async fn pdf(state: &AppState, minutes: &MinutesRow) -> AppResult<Vec<u8>> {
    let hash = minutes
        .pdf_sha256
        .as_deref()
        .and_then(Hash::from_hex)
        .ok_or(AppError::NotFound)?;
    super::evidence::documents::read(&state.settings.documents_dir(), &hash)
        .await?
        .ok_or(AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(
        id: i64,
        name: &str,
        seat: rules::Seat,
        presence: rules::Presence,
        proxy: Option<&str>,
    ) -> SeatAt {
        SeatAt {
            person_id: id,
            name: name.into(),
            attendance: rules::Attendance {
                person: id,
                seat,
                presence,
            },
            proxy_name: proxy.map(Into::into),
        }
    }

    #[test]
    fn the_draft_states_attendance_quorum_and_each_motion_with_its_result() {
        let seats = vec![
            seat(
                1,
                "Ana Secretaria",
                rules::Seat::Secretary,
                rules::Presence::InPerson,
                None,
            ),
            seat(
                2,
                "Beto",
                rules::Seat::Member,
                rules::Presence::Virtual,
                None,
            ),
            seat(
                3,
                "Carla",
                rules::Seat::Member,
                rules::Presence::Represented { by: 2 },
                Some("Beto"),
            ),
            seat(
                4,
                "Dante",
                rules::Seat::Member,
                rules::Presence::Absent,
                None,
            ),
        ];
        let voted = AgendaItem {
            id: 10,
            position: 1,
            title: "Presupuesto".into(),
            presenter: "Beto".into(),
            motion: "Aprobar el presupuesto".into(),
            vote_id: Some(5),
        };
        let plain = AgendaItem {
            id: 11,
            position: 2,
            title: "Asuntos generales".into(),
            presenter: String::new(),
            motion: String::new(),
            vote_id: None,
        };
        let record = Record {
            title: "Sesión de diciembre",
            body_name: "Consejo Ejecutivo",
            extraordinary: false,
            span: "2026-12-10 10:00–12:00 (America/Mexico_City)".into(),
            place: "Sala 1",
            link: "",
            objectives: "",
            opened_local: Some("2026-12-10 10:05".into()),
            quorum: Some((2, 6)),
            seats: &seats,
            items: vec![
                (
                    &voted,
                    Some(VoteSummary {
                        yes: 2,
                        no: 0,
                        abstain: 0,
                        approved: true,
                        tie: false,
                    }),
                ),
                (&plain, None),
            ],
        };
        let es = prefill(Lang::Es, &record);
        assert!(
            es.starts_with("ACTA DE LA SESIÓN ORDINARIA — Sesión de diciembre\n"),
            "{es}"
        );
        assert!(
            es.contains("En persona: Ana Secretaria (Secretaría Ejecutiva)\n"),
            "{es}"
        );
        assert!(es.contains("En línea: Beto\n"));
        assert!(es.contains("Representados: Carla, representado por Beto\n"));
        assert!(es.contains("Ausentes: Dante\n"));
        assert!(es.contains("se abrió el 2026-12-10 10:05 con quórum: 2 miembros"));
        assert!(es.contains("3.1 Presupuesto (presenta Beto)\n       Moción: Aprobar el presupuesto\n       Votación: aprobada — a favor 2, en contra 0, abstenciones 0.\n"), "{es}");
        assert!(es.contains("3.2 Asuntos generales\n"));
        assert!(!es.contains("Enlace"));
        let en = prefill(Lang::En, &record);
        assert!(en.starts_with("MINUTES OF THE ORDINARY MEETING"));
        assert!(en.contains("Vote: approved — yes 2, no 0, abstain 0."));
    }

    #[test]
    fn a_stored_result_is_read_back() {
        let s = VoteSummary::from_json(
            r#"{"yes":{"direct":5,"delegated":1},"no":{"direct":1,"delegated":0},"abstain":{"direct":0,"delegated":0},"tie":false,"outcome":"approved"}"#,
        )
        .unwrap();
        assert_eq!(
            s,
            VoteSummary {
                yes: 6,
                no: 1,
                abstain: 0,
                approved: true,
                tie: false
            }
        );
        assert!(VoteSummary::from_json("{}").is_none());
    }
}
