//! Council meetings: scheduling and editing a draft (a body, ordinary or extraordinary, date,
//! time zone, place and/or link), who convenes and who sits, and reading meetings back.
//!
//! - [`agenda`]: the ordered agenda, its items' motions and documents;
//! - [`convocation`]: the convocation by e-mail with an iCalendar invitation (refused when too
//!   late for the body's notice period), revisions, cancellations, the members' answers;
//! - [`session`]: the day itself — attendance, quorum, the opening and closing of the session,
//!   motions put to the vote seat by seat.

mod agenda;
mod convocation;
mod session;

pub use agenda::{
    AgendaItem, Attachment, MAX_ATTACHMENT_BYTES, Move, add_item, agenda, agendas, attach,
    attachment, attachments, clean_filename, move_item, remove_item,
};
pub(crate) use agenda::{check_item, insert_item};
pub use convocation::{
    AnswerRow, advisory_days, answer, answers, cancel, convene, event, notice_check, send_revision,
};
pub use session::{
    Closed, attendance_year, close_session, open_session, open_vote, quorum, record_presence,
    record_votes, recorded, seats, settle_ended, voting_seats,
};

use super::audit::{self, Actor};
use super::authority::Convener;
use crate::db::Ts;
use crate::domain::meetings::{Body, MeetingKind, MeetingStatus, StatusRefusal};
use crate::domain::roles::Role;
use crate::domain::voting::Electorate;
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{Tr, fill};
use crate::{AppError, AppState};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use serde_json::json;
use sqlx::{FromRow, SqliteConnection, SqlitePool};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeetingProblem {
    Required,
    TooLong {
        max: usize,
    },
    BodyUnknown,
    /// The body is not one whose meetings this person convenes.
    BodyNotYours,
    KindUnknown,
    DateInvalid,
    TimeInvalid,
    EndsBeforeStart,
    TimezoneUnknown,
    PlaceOrLink,
    LinkInvalid,
    ObjectivesRequired,
    NoAgenda,
    AnswerInvalid,
    NotAMember,
    ProxyNotAMember,
    NoMotion,
    FileRequired,
    FileTooLarge {
        max_mb: usize,
    },
    /// The session cannot close while a motion's vote is open.
    VotesOpen,
    /// The session was never opened with quorum: it is cancelled, not held.
    NeverOpened,
    /// The item is what decides a project or a removal: it stays on the agenda to be voted (or
    /// lapses with its meeting).
    ItemTied,
}

impl Reason for MeetingProblem {
    fn code(&self) -> &'static str {
        match self {
            MeetingProblem::Required => "required",
            MeetingProblem::TooLong { .. } => "too_long",
            MeetingProblem::BodyUnknown => "body_unknown",
            MeetingProblem::BodyNotYours => "body_not_yours",
            MeetingProblem::KindUnknown => "kind_unknown",
            MeetingProblem::DateInvalid => "date_invalid",
            MeetingProblem::TimeInvalid => "time_invalid",
            MeetingProblem::EndsBeforeStart => "ends_before_start",
            MeetingProblem::TimezoneUnknown => "timezone_unknown",
            MeetingProblem::PlaceOrLink => "place_or_link",
            MeetingProblem::LinkInvalid => "link_invalid",
            MeetingProblem::ObjectivesRequired => "objectives_required",
            MeetingProblem::NoAgenda => "no_agenda",
            MeetingProblem::AnswerInvalid => "answer_invalid",
            MeetingProblem::NotAMember => "not_a_member",
            MeetingProblem::ProxyNotAMember => "proxy_not_a_member",
            MeetingProblem::NoMotion => "no_motion",
            MeetingProblem::FileRequired => "file_required",
            MeetingProblem::FileTooLarge { .. } => "file_too_large",
            MeetingProblem::VotesOpen => "votes_open",
            MeetingProblem::NeverOpened => "never_opened",
            MeetingProblem::ItemTied => "item_tied",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            MeetingProblem::Required => t.problem_required.into(),
            MeetingProblem::TooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            MeetingProblem::BodyUnknown => t.mtg_problem_body_unknown.into(),
            MeetingProblem::BodyNotYours => t.mtg_problem_body_not_yours.into(),
            MeetingProblem::KindUnknown => t.mtg_problem_kind_unknown.into(),
            MeetingProblem::DateInvalid => t.problem_date_invalid.into(),
            MeetingProblem::TimeInvalid => t.mtg_problem_time_invalid.into(),
            MeetingProblem::EndsBeforeStart => t.mtg_problem_ends_before_start.into(),
            MeetingProblem::TimezoneUnknown => t.mtg_problem_timezone_unknown.into(),
            MeetingProblem::PlaceOrLink => t.mtg_problem_place_or_link.into(),
            MeetingProblem::LinkInvalid => t.mtg_problem_link_invalid.into(),
            MeetingProblem::ObjectivesRequired => t.mtg_problem_objectives_required.into(),
            MeetingProblem::NoAgenda => t.mtg_problem_no_agenda.into(),
            MeetingProblem::AnswerInvalid => t.mtg_problem_answer_invalid.into(),
            MeetingProblem::NotAMember => t.mtg_problem_not_a_member.into(),
            MeetingProblem::ProxyNotAMember => t.mtg_problem_proxy_not_a_member.into(),
            MeetingProblem::NoMotion => t.mtg_problem_no_motion.into(),
            MeetingProblem::FileRequired => t.mtg_problem_file_required.into(),
            MeetingProblem::FileTooLarge { max_mb } => {
                fill(t.mtg_problem_file_too_large, &[("max", max_mb)])
            }
            MeetingProblem::VotesOpen => t.mtg_problem_votes_open.into(),
            MeetingProblem::NeverOpened => t.mtg_problem_never_opened.into(),
            MeetingProblem::ItemTied => t.mtg_problem_item_tied.into(),
        }
    }
}

/// A status step refused, as a form error (the whole form's).
pub(crate) fn refused(r: StatusRefusal) -> AppError {
    Invalid::one("", r).into()
}

const MAX_TEXT: usize = 4000;
const MAX_LINE: usize = 300;

/// A meeting as typed in the form.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct MeetingForm {
    pub body: String,
    pub kind: String,
    pub title_es: String,
    pub title_en: String,
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub timezone: String,
    pub place: String,
    pub virtual_url: String,
    pub requested_by: String,
    pub objectives: String,
}

impl MeetingForm {
    /// The form of a meeting as it stands (to edit a draft).
    pub fn of(m: &MeetingRow) -> MeetingForm {
        let tz = m.tz();
        let (s, e) = (
            m.starts_at.0.with_timezone(&tz),
            m.ends_at.0.with_timezone(&tz),
        );
        MeetingForm {
            body: m.body.clone(),
            kind: m.kind.clone(),
            title_es: m.title_es.clone(),
            title_en: m.title_en.clone(),
            date: s.format("%Y-%m-%d").to_string(),
            start_time: s.format("%H:%M").to_string(),
            end_time: e.format("%H:%M").to_string(),
            timezone: m.timezone.clone(),
            place: m.place.clone(),
            virtual_url: m.virtual_url.clone(),
            requested_by: m.requested_by.clone(),
            objectives: m.objectives.clone(),
        }
    }
}

/// A checked meeting.
#[derive(Clone, Debug)]
pub struct Checked {
    pub body: Body,
    pub kind: MeetingKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub timezone: chrono_tz::Tz,
}

/// Validates a meeting form; every problem beside its field.
pub fn check_form(f: &MeetingForm) -> Result<Checked, AppError> {
    let mut invalid = Invalid::new();
    let body = Body::parse(f.body.trim());
    if body.is_none() {
        invalid.add("body", MeetingProblem::BodyUnknown);
    }
    let kind = MeetingKind::parse(f.kind.trim());
    if kind.is_none() {
        invalid.add("kind", MeetingProblem::KindUnknown);
    }
    for (field, v) in [("title_es", &f.title_es), ("title_en", &f.title_en)] {
        if v.trim().is_empty() {
            invalid.add(field, MeetingProblem::Required);
        } else if v.chars().count() > MAX_LINE {
            invalid.add(field, MeetingProblem::TooLong { max: MAX_LINE });
        }
    }
    let date = NaiveDate::parse_from_str(f.date.trim(), "%Y-%m-%d").ok();
    if date.is_none() {
        invalid.add("date", MeetingProblem::DateInvalid);
    }
    let time = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
    let (start, end) = (time(&f.start_time), time(&f.end_time));
    if start.is_none() {
        invalid.add("start_time", MeetingProblem::TimeInvalid);
    }
    if end.is_none() {
        invalid.add("end_time", MeetingProblem::TimeInvalid);
    }
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        invalid.add("end_time", MeetingProblem::EndsBeforeStart);
    }
    let tz: Option<chrono_tz::Tz> = f.timezone.trim().parse().ok();
    if tz.is_none() {
        invalid.add("timezone", MeetingProblem::TimezoneUnknown);
    }
    let (place, url) = (f.place.trim(), f.virtual_url.trim());
    if place.is_empty() && url.is_empty() {
        invalid.add("place", MeetingProblem::PlaceOrLink);
    }
    if place.chars().count() > MAX_LINE {
        invalid.add("place", MeetingProblem::TooLong { max: MAX_LINE });
    }
    let url_ok = url.is_empty()
        || ((url.starts_with("https://") || url.starts_with("http://"))
            && !url.contains(char::is_whitespace));
    if !url_ok {
        invalid.add("virtual_url", MeetingProblem::LinkInvalid);
    }
    if kind == Some(MeetingKind::Extraordinary) {
        if f.requested_by.trim().is_empty() {
            invalid.add("requested_by", MeetingProblem::Required);
        }
        if f.objectives.trim().is_empty() {
            invalid.add("objectives", MeetingProblem::ObjectivesRequired);
        }
    }
    for (field, v, max) in [
        ("requested_by", &f.requested_by, MAX_LINE),
        ("objectives", &f.objectives, MAX_TEXT),
    ] {
        if v.chars().count() > max {
            invalid.add(field, MeetingProblem::TooLong { max });
        }
    }
    invalid.into_result()?;
    let (Some(body), Some(kind), Some(date), Some(start), Some(end), Some(tz)) =
        (body, kind, date, start, end, tz)
    else {
        return Err(AppError::internal("meeting form checked"));
    };
    let local = |t: NaiveTime| {
        tz.from_local_datetime(&date.and_time(t))
            .earliest()
            .map(|d| d.with_timezone(&Utc))
    };
    let (Some(starts_at), Some(ends_at)) = (local(start), local(end)) else {
        return Err(Invalid::one("start_time", MeetingProblem::TimeInvalid).into());
    };
    Ok(Checked {
        body,
        kind,
        starts_at,
        ends_at,
        timezone: tz,
    })
}

/// Refuses unless `convener` convenes the body of meeting `meeting_id` (a proof for one body
/// opens nothing of another's); the meeting as it stands.
pub(crate) async fn covered<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    convener: &Convener,
    meeting_id: i64,
) -> AppResult<MeetingRow> {
    let m = get(db, meeting_id).await?;
    convener.covers(m.body())?;
    Ok(m)
}

/// The Executive Council's meetings an item may still be put to (a project's admission, a
/// removal): drafts and convened ones, soonest first, as (id, Spanish title, English title,
/// start).
pub async fn council_meetings_open(db: &SqlitePool) -> AppResult<Vec<(i64, String, String, Ts)>> {
    Ok(sqlx::query_as(
        "SELECT id, title_es, title_en, starts_at FROM meetings
         WHERE body = 'executive-council' AND status IN ('draft', 'convened') ORDER BY starts_at, id",
    )
    .fetch_all(db)
    .await?)
}

/// Who convenes the meetings of a body: the Executive Secretary for both councils, the
/// collective's leaders for a collective.
pub async fn may_convene(
    db: &SqlitePool,
    body: Body,
    person_id: i64,
    roles: &std::collections::BTreeSet<Role>,
) -> AppResult<bool> {
    Ok(match body {
        Body::ExecutiveCouncil | Body::AdvisoryCouncil => roles.contains(&Role::ExecutiveSecretary),
        Body::Collective(c) => super::seats::leads(db, person_id, c).await?,
    })
}

/// The bodies whose meetings a person convenes today: both councils for the Executive
/// Secretary, the collectives they lead.
pub async fn convened_by(
    db: &SqlitePool,
    person_id: i64,
    roles: &std::collections::BTreeSet<Role>,
) -> AppResult<Vec<Body>> {
    let mut bodies = Vec::new();
    if roles.contains(&Role::ExecutiveSecretary) {
        bodies.extend([Body::ExecutiveCouncil, Body::AdvisoryCouncil]);
    }
    let today = Utc::now().date_naive();
    let led: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT collective_id FROM offices WHERE person_id = ?1 AND role = 'collective_leader'
           AND collective_id IS NOT NULL AND revoked_at IS NULL AND starts_on <= ?2 AND (ends_on IS NULL OR ends_on >= ?2)
         ORDER BY collective_id",
    )
    .bind(person_id)
    .bind(today)
    .fetch_all(db)
    .await?;
    bodies.extend(led.into_iter().map(Body::Collective));
    Ok(bodies)
}

pub(crate) fn electorate(body: Body) -> Electorate {
    match body {
        Body::ExecutiveCouncil => Electorate::ExecutiveCouncil,
        Body::AdvisoryCouncil => Electorate::AdvisoryCouncil,
        Body::Collective(c) => Electorate::CollectiveMembers(c),
    }
}

/// The members of a body on a day (those convened, those who attend): (person, name, e-mail).
pub async fn members(
    conn: &mut SqliteConnection,
    body: Body,
    day: NaiveDate,
) -> AppResult<Vec<(i64, String, String)>> {
    let ids: Vec<i64> = super::votes::eligible(conn, electorate(body), day)
        .await?
        .into_iter()
        .collect();
    let mut out: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, full_name, email FROM people WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(&ids).map_err(AppError::internal)?)
    .fetch_all(&mut *conn)
    .await?;
    out.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(out)
}

/// Refuses a body the person does not convene, beside the form's field (so that what was typed
/// is kept), and returns the checked form.
fn check_body(convener: &Convener, c: &Checked) -> AppResult<()> {
    if c.body == convener.body() {
        Ok(())
    } else {
        Err(Invalid::one("body", MeetingProblem::BodyNotYours).into())
    }
}

/// Schedules a meeting (a draft until convened).
pub async fn create(
    state: &AppState,
    convener: &Convener,
    f: &MeetingForm,
    actor: &Actor,
) -> AppResult<i64> {
    let c = check_form(f)?;
    check_body(convener, &c)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO meetings (body, kind, title_es, title_en, starts_at, ends_at, timezone, place, virtual_url, requested_by, objectives, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(c.body.key())
    .bind(c.kind.as_str())
    .bind(f.title_es.trim())
    .bind(f.title_en.trim())
    .bind(Ts(c.starts_at))
    .bind(Ts(c.ends_at))
    .bind(c.timezone.name())
    .bind(f.place.trim())
    .bind(f.virtual_url.trim())
    .bind(f.requested_by.trim())
    .bind(f.objectives.trim())
    .bind(actor.account_id)
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "meeting.created",
        "meeting",
        id,
        None,
        Some(json!({"body": c.body.key(), "kind": c.kind.as_str(), "starts_at": Ts(c.starts_at).to_db()})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a draft: day, time, place, link, titles, kind (its body stays: a meeting of another
/// body is another meeting). Refused once it is convened.
pub async fn update(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    f: &MeetingForm,
    actor: &Actor,
) -> AppResult<()> {
    let before = covered(&state.db, convener, meeting_id).await?;
    let f = MeetingForm {
        body: before.body.clone(),
        ..f.clone()
    };
    let c = check_form(&f)?;
    before.status.edit().map_err(refused)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let done = sqlx::query(
        "UPDATE meetings SET kind = ?, title_es = ?, title_en = ?, starts_at = ?, ends_at = ?, timezone = ?, place = ?,
             virtual_url = ?, requested_by = ?, objectives = ?
         WHERE id = ? AND status = 'draft'",
    )
    .bind(c.kind.as_str())
    .bind(f.title_es.trim())
    .bind(f.title_en.trim())
    .bind(Ts(c.starts_at))
    .bind(Ts(c.ends_at))
    .bind(c.timezone.name())
    .bind(f.place.trim())
    .bind(f.virtual_url.trim())
    .bind(f.requested_by.trim())
    .bind(f.objectives.trim())
    .bind(meeting_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(refused(StatusRefusal::NotDraft));
    }
    audit::record(
        &mut tx,
        actor,
        "meeting.updated",
        "meeting",
        meeting_id,
        Some(json!({"kind": before.kind, "title_es": before.title_es, "starts_at": before.starts_at.to_db(),
                    "place": before.place, "virtual_url": before.virtual_url})),
        Some(json!({"kind": c.kind.as_str(), "title_es": f.title_es.trim(), "starts_at": Ts(c.starts_at).to_db(),
                    "place": f.place.trim(), "virtual_url": f.virtual_url.trim()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, FromRow)]
pub struct MeetingRow {
    pub id: i64,
    pub body: String,
    pub kind: String,
    pub title_es: String,
    pub title_en: String,
    pub starts_at: Ts,
    pub ends_at: Ts,
    pub timezone: String,
    pub place: String,
    pub virtual_url: String,
    pub requested_by: String,
    pub objectives: String,
    pub status: MeetingStatus,
    pub sequence: i64,
    pub convened_at: Option<Ts>,
    pub cancel_reason: String,
    /// When the session was opened with quorum.
    pub opened_at: Option<Ts>,
    /// When the session was closed (the meeting held).
    pub closed_at: Option<Ts>,
}

impl MeetingRow {
    pub fn body(&self) -> Option<Body> {
        Body::parse(&self.body)
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::UTC)
    }

    pub fn extraordinary(&self) -> bool {
        self.kind == MeetingKind::Extraordinary.as_str()
    }

    /// The meeting's own day, in its time zone.
    pub fn local_day(&self) -> NaiveDate {
        crate::domain::meetings::local_day(self.starts_at.0, self.tz())
    }

    /// Start and end in the meeting's own time zone, as "2026-12-03 10:00–12:00 (America/Mexico_City)".
    pub fn local_span(&self) -> String {
        let tz = self.tz();
        let (s, e) = (
            self.starts_at.0.with_timezone(&tz),
            self.ends_at.0.with_timezone(&tz),
        );
        format!(
            "{} {}–{} ({})",
            s.format("%Y-%m-%d"),
            s.format("%H:%M"),
            e.format("%H:%M"),
            self.timezone
        )
    }
}

pub(crate) const MEETING_SELECT: &str =
    "SELECT id, body, kind, title_es, title_en, starts_at, ends_at, timezone, place, virtual_url,
        requested_by, objectives, status, sequence, convened_at, cancel_reason, opened_at, closed_at FROM meetings";

/// One meeting, from the pool or inside a transaction.
pub async fn get<'e>(db: impl sqlx::SqliteExecutor<'e>, id: i64) -> AppResult<MeetingRow> {
    let sql = format!("{MEETING_SELECT} WHERE id = ?");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Meetings by start, newest last; `public` leaves out drafts.
pub async fn list(db: &SqlitePool, public: bool, body: Option<&str>) -> AppResult<Vec<MeetingRow>> {
    let sql = format!(
        "{MEETING_SELECT} WHERE (?1 = 0 OR status <> 'draft') AND (?2 IS NULL OR body = ?2) ORDER BY starts_at LIMIT 500"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(public)
        .bind(body)
        .fetch_all(db)
        .await?)
}
