//! The minutes of a meeting held and the agreements they record.
//!
//! The secretary drafts the minutes in the portal, prefilled with the attendance, the quorum,
//! the agenda and each motion's result (`domain::minutes::prefill`), and lists the agreements
//! (what, who, by when). The draft is circulated to the members by e-mail for their comments; a
//! member may object.
//!
//! - [`approval`]: approval by a vote at a later meeting of the body, or by the body's rule
//!   (circulated for `MINGA_MINUTES_COMMENT_DAYS` with no objection to the text as it stands);
//!   approved minutes are frozen and rendered to a PDF registered with the `minutes-approved`
//!   decision;
//! - [`agreements`]: each agreement opened (a decision) when the minutes are approved, followed
//!   up, mailed to its owner when overdue, and closed (a decision).

mod agreements;
mod approval;

pub use agreements::{
    AgreementForm, AgreementRow, add_agreement, agreement, agreements_of, close_agreement,
    mail_overdue, open_agreements, owned_by, remove_agreement,
};
pub(crate) use approval::approve_as_of;
pub use approval::{
    add_approval_item, approvable_at, approve, approve_by_votes, comments_until, pdf, pending,
};

use super::audit::{self, Actor};
use super::authority::{Convener, Signed};
use super::mail::{self, Message};
use super::meetings::{self, MeetingRow};
use crate::db::Ts;
use crate::domain::evidence::Hash;
use crate::domain::meetings::{Body, MeetingStatus};
use crate::domain::minutes::{self as rules, MinutesRefusal, MinutesStatus, Record, VoteSummary};
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{Lang, Tr, fill};
use crate::{AppError, AppState};
use chrono::Utc;
use serde_json::{Value, json};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MinutesProblem {
    Required,
    TooLong { max: usize },
    NotHeld,
    NotSaved,
    CommentPeriod { until: String },
    Objections { count: i64 },
    NotAMember,
    OwnerNotASeat,
    DueInvalid,
    OutcomeInvalid,
    NotApprovable,
}

impl Reason for MinutesProblem {
    fn code(&self) -> &'static str {
        match self {
            MinutesProblem::Required => "required",
            MinutesProblem::TooLong { .. } => "too_long",
            MinutesProblem::NotHeld => "not_held",
            MinutesProblem::NotSaved => "minutes_not_saved",
            MinutesProblem::CommentPeriod { .. } => "comment_period",
            MinutesProblem::Objections { .. } => "objections",
            MinutesProblem::NotAMember => "not_a_member",
            MinutesProblem::OwnerNotASeat => "owner_not_a_seat",
            MinutesProblem::DueInvalid => "date_invalid",
            MinutesProblem::OutcomeInvalid => "outcome_invalid",
            MinutesProblem::NotApprovable => "not_approvable",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            MinutesProblem::Required => t.problem_required.into(),
            MinutesProblem::TooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            MinutesProblem::NotHeld => t.min_problem_not_held.into(),
            MinutesProblem::NotSaved => t.min_problem_not_saved.into(),
            MinutesProblem::CommentPeriod { until } => {
                fill(t.min_problem_comment_period, &[("until", until)])
            }
            MinutesProblem::Objections { count } => t.min_problem_objections.fill(*count, &[]),
            MinutesProblem::NotAMember => t.min_problem_not_a_member.into(),
            MinutesProblem::OwnerNotASeat => t.min_problem_owner_not_a_seat.into(),
            MinutesProblem::DueInvalid => t.problem_date_invalid.into(),
            MinutesProblem::OutcomeInvalid => t.min_problem_outcome_invalid.into(),
            MinutesProblem::NotApprovable => t.min_problem_not_approvable.into(),
        }
    }
}

/// A step the minutes' status refuses, as the whole form's error.
fn refused(r: MinutesRefusal) -> AppError {
    Invalid::one("", r).into()
}

const MAX_MINUTES: usize = 60_000;
const MAX_COMMENT: usize = 4000;

#[derive(Clone, Debug, FromRow)]
pub struct MinutesRow {
    pub meeting_id: i64,
    pub text: String,
    pub status: MinutesStatus,
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

/// The text and approval time of the approved minutes among those of `meeting_ids`.
pub async fn approved_texts(
    db: &SqlitePool,
    meeting_ids: &[i64],
) -> AppResult<std::collections::HashMap<i64, (String, Ts)>> {
    let mut out = std::collections::HashMap::new();
    for chunk in meeting_ids.chunks(300) {
        let mut q: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(
            "SELECT meeting_id, text, approved_at FROM minutes
             WHERE status = 'approved' AND approved_at IS NOT NULL AND meeting_id IN (",
        );
        let mut ids = q.separated(", ");
        for id in chunk {
            ids.push_bind(*id);
        }
        q.push(")");
        let rows: Vec<(i64, String, Ts)> = q.build_query_as().fetch_all(db).await?;
        out.extend(rows.into_iter().map(|(id, text, at)| (id, (text, at))));
    }
    Ok(out)
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

/// The prefilled draft of a meeting's minutes (its agenda's votes read in one query).
pub async fn draft_for(
    state: &AppState,
    m: &MeetingRow,
    lang: Lang,
    body_name: &str,
) -> AppResult<String> {
    let mut conn = state.db.acquire().await?;
    let seats = meetings::seats(&mut conn, m).await?;
    let items = meetings::agenda(&mut *conn, m.id).await?;
    let vote_ids: Vec<i64> = items.iter().filter_map(|i| i.vote_id).collect();
    let results: std::collections::HashMap<i64, VoteSummary> =
        sqlx::query_as::<_, (i64, Option<String>)>(
            "SELECT id, result_json FROM votes WHERE id IN (SELECT value FROM json_each(?))",
        )
        .bind(serde_json::to_string(&vote_ids).map_err(AppError::internal)?)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .filter_map(|(id, r)| Some((id, VoteSummary::from_json(r.as_deref()?)?)))
        .collect();
    let held = held(&mut *conn, m.id).await?;
    drop(conn);
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
    Ok(rules::prefill(
        lang,
        &Record {
            title: &lang.pick(&m.title_es, &m.title_en),
            body_name,
            extraordinary: m.extraordinary(),
            span: m.local_span(),
            place: &m.place,
            link: &m.virtual_url,
            objectives: &m.objectives,
            opened_local,
            quorum,
            seats: &seats,
            items: items
                .iter()
                .map(|i| (i.line(), i.vote_id.and_then(|v| results.get(&v).copied())))
                .collect(),
        },
    ))
}

/// Saves the secretary's text. Changing circulated minutes makes a new revision, a draft again
/// to be circulated anew (so that objections are to the text as it stands).
pub async fn save(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    text: &str,
    actor: &Actor,
) -> AppResult<()> {
    meetings::covered(&state.db, convener, meeting_id).await?;
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
        Some(b) => {
            let saved = b.status.save().map_err(refused)?;
            if b.text == text {
                return Ok(());
            }
            let revision = b.revision + i64::from(saved.new_revision);
            let done = sqlx::query(
                "UPDATE minutes SET text = ?, status = ?, revision = ?, drafted_by = ?, updated_at = ?
                 WHERE meeting_id = ? AND status = ? AND revision = ?",
            )
            .bind(text)
            .bind(saved.status)
            .bind(revision)
            .bind(actor.account_id)
            .bind(Ts::now())
            .bind(meeting_id)
            .bind(b.status)
            .bind(b.revision)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(refused(MinutesRefusal::Approved));
            }
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
pub async fn circulate(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    actor: &Actor,
) -> AppResult<usize> {
    meetings::covered(&state.db, convener, meeting_id).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let minutes = get(&mut *tx, meeting_id)
        .await?
        .ok_or_else(|| Invalid::one("", MinutesProblem::NotSaved))?;
    // this revision out already: its comment period is not restarted
    let Some(next) = minutes.status.circulate().map_err(refused)? else {
        return Ok(0);
    };
    let m = meetings::get(&mut *tx, meeting_id).await?;
    let body = m.body().ok_or(AppError::NotFound)?;
    let now = Utc::now();
    sqlx::query(
        "UPDATE minutes SET status = ?, circulated_at = ? WHERE meeting_id = ? AND status = 'draft'",
    )
    .bind(next)
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
        Some(json!({"status": next, "revision": minutes.revision, "messages": sent})),
    )
    .await?;
    tx.commit().await?;
    state.mail_pending.notify_one();
    Ok(sent)
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
    who: &Signed,
    text: &str,
    objection: bool,
    actor: &Actor,
) -> AppResult<()> {
    let person_id = who.person_id();
    let text = text.trim();
    if text.is_empty() {
        return Err(Invalid::one("comment", MinutesProblem::Required).into());
    }
    if text.chars().count() > MAX_COMMENT {
        return Err(Invalid::one("comment", MinutesProblem::TooLong { max: MAX_COMMENT }).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let minutes = get(&mut *tx, meeting_id)
        .await?
        .ok_or_else(|| refused(MinutesRefusal::NotCirculated))?;
    minutes.status.comment().map_err(refused)?;
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

/// Who may read a meeting's minutes now: approved minutes are public; circulated ones are the
/// body's and its convener's; a draft is the convener's alone.
pub fn readable(
    status: MinutesStatus,
    meeting: MeetingStatus,
    convener: bool,
    member: bool,
) -> bool {
    match status {
        MinutesStatus::Approved => meeting != MeetingStatus::Draft,
        MinutesStatus::Circulated => convener || member,
        MinutesStatus::Draft => convener,
    }
}

/// The body of a meeting, for the decisions register.
fn scope(m: &MeetingRow) -> &'static str {
    m.body().map_or("collectives", |b: Body| b.decision_scope())
}
