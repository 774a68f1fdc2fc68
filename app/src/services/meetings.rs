//! Council meetings: scheduling (a body, ordinary or extraordinary, date, time zone, place and/or
//! link, an ordered agenda), the convocation by e-mail to every member with an iCalendar
//! invitation — refused when it is too late for the body's notice period — revisions and
//! cancellations sent as revised invitations, and the members' answers (in person, virtual,
//! absent, or a representative).

use super::audit::{self, Actor};
use super::mail::{self, Message};
use crate::db::Ts;
use crate::domain::ics::{self, Calendar, Event, Method, Person, Status};
use crate::domain::meetings::{self as rules, Body, MeetingKind, NoticeRefusal};
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
    TooLong { max: usize },
    BodyUnknown,
    KindUnknown,
    DateInvalid,
    TimeInvalid,
    EndsBeforeStart,
    TimezoneUnknown,
    PlaceOrLink,
    LinkInvalid,
    ObjectivesRequired,
    NotDraft,
    NotConvened,
    NoAgenda,
    AnswerInvalid,
    NotAMember,
    ProxyNotAMember,
    NoMotion,
    FileRequired,
    FileTooLarge { max_mb: usize },
}

impl Reason for MeetingProblem {
    fn code(&self) -> &'static str {
        match self {
            MeetingProblem::Required => "required",
            MeetingProblem::TooLong { .. } => "too_long",
            MeetingProblem::BodyUnknown => "body_unknown",
            MeetingProblem::KindUnknown => "kind_unknown",
            MeetingProblem::DateInvalid => "date_invalid",
            MeetingProblem::TimeInvalid => "time_invalid",
            MeetingProblem::EndsBeforeStart => "ends_before_start",
            MeetingProblem::TimezoneUnknown => "timezone_unknown",
            MeetingProblem::PlaceOrLink => "place_or_link",
            MeetingProblem::LinkInvalid => "link_invalid",
            MeetingProblem::ObjectivesRequired => "objectives_required",
            MeetingProblem::NotDraft => "not_draft",
            MeetingProblem::NotConvened => "not_convened",
            MeetingProblem::NoAgenda => "no_agenda",
            MeetingProblem::AnswerInvalid => "answer_invalid",
            MeetingProblem::NotAMember => "not_a_member",
            MeetingProblem::ProxyNotAMember => "proxy_not_a_member",
            MeetingProblem::NoMotion => "no_motion",
            MeetingProblem::FileRequired => "file_required",
            MeetingProblem::FileTooLarge { .. } => "file_too_large",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            MeetingProblem::Required => t.problem_required.into(),
            MeetingProblem::TooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            MeetingProblem::BodyUnknown => t.mtg_problem_body_unknown.into(),
            MeetingProblem::KindUnknown => t.mtg_problem_kind_unknown.into(),
            MeetingProblem::DateInvalid => t.problem_date_invalid.into(),
            MeetingProblem::TimeInvalid => t.mtg_problem_time_invalid.into(),
            MeetingProblem::EndsBeforeStart => t.mtg_problem_ends_before_start.into(),
            MeetingProblem::TimezoneUnknown => t.mtg_problem_timezone_unknown.into(),
            MeetingProblem::PlaceOrLink => t.mtg_problem_place_or_link.into(),
            MeetingProblem::LinkInvalid => t.mtg_problem_link_invalid.into(),
            MeetingProblem::ObjectivesRequired => t.mtg_problem_objectives_required.into(),
            MeetingProblem::NotDraft => t.mtg_problem_not_draft.into(),
            MeetingProblem::NotConvened => t.mtg_problem_not_convened.into(),
            MeetingProblem::NoAgenda => t.mtg_problem_no_agenda.into(),
            MeetingProblem::AnswerInvalid => t.mtg_problem_answer_invalid.into(),
            MeetingProblem::NotAMember => t.mtg_problem_not_a_member.into(),
            MeetingProblem::ProxyNotAMember => t.mtg_problem_proxy_not_a_member.into(),
            MeetingProblem::NoMotion => t.mtg_problem_no_motion.into(),
            MeetingProblem::FileRequired => t.mtg_problem_file_required.into(),
            MeetingProblem::FileTooLarge { max_mb } => {
                fill(t.mtg_problem_file_too_large, &[("max", max_mb)])
            }
        }
    }
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
        Body::Collective(c) => {
            let today = Utc::now().date_naive();
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM offices WHERE person_id = ?1 AND role = 'collective_leader' AND collective_id = ?2
                   AND revoked_at IS NULL AND starts_on <= ?3 AND (ends_on IS NULL OR ends_on >= ?3)",
            )
            .bind(person_id)
            .bind(c)
            .bind(today)
            .fetch_one(db)
            .await?;
            n > 0
        }
    })
}

fn electorate(body: Body) -> Electorate {
    match body {
        Body::ExecutiveCouncil => Electorate::ExecutiveCouncil,
        Body::AdvisoryCouncil => Electorate::AdvisoryCouncil,
        Body::Collective(c) => Electorate::CollectiveMembers(c),
    }
}

/// The members of a body on a day (those convened, those who attend).
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

/// Schedules a meeting (a draft until convened).
pub async fn create(state: &AppState, f: &MeetingForm, actor: &Actor) -> AppResult<i64> {
    let c = check_form(f)?;
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
    pub status: String,
    pub sequence: i64,
    pub convened_at: Option<Ts>,
    pub cancel_reason: String,
}

impl MeetingRow {
    pub fn body(&self) -> Option<Body> {
        Body::parse(&self.body)
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::UTC)
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
        requested_by, objectives, status, sequence, convened_at, cancel_reason FROM meetings";

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

#[derive(Clone, Debug, FromRow)]
pub struct AgendaItem {
    pub id: i64,
    pub position: i64,
    pub title: String,
    pub presenter: String,
    pub motion: String,
    pub vote_id: Option<i64>,
}

pub async fn agenda(db: &SqlitePool, meeting_id: i64) -> AppResult<Vec<AgendaItem>> {
    Ok(sqlx::query_as(
        "SELECT id, position, title, presenter, motion, vote_id FROM agenda_items WHERE meeting_id = ? ORDER BY position",
    )
    .bind(meeting_id)
    .fetch_all(db)
    .await?)
}

/// Adds an item at the end of the agenda (before the convocation, or as a revision after it).
pub async fn add_item(
    state: &AppState,
    meeting_id: i64,
    title: &str,
    presenter: &str,
    motion: &str,
    actor: &Actor,
) -> AppResult<i64> {
    let mut invalid = Invalid::new();
    if title.trim().is_empty() {
        invalid.add("title", MeetingProblem::Required);
    }
    for (field, v, max) in [
        ("title", title, MAX_LINE),
        ("presenter", presenter, MAX_LINE),
        ("motion", motion, MAX_TEXT),
    ] {
        if v.chars().count() > max {
            invalid.add(field, MeetingProblem::TooLong { max });
        }
    }
    invalid.into_result()?;
    let meeting = get(&state.db, meeting_id).await?;
    if !matches!(meeting.status.as_str(), "draft" | "convened") {
        return Err(Invalid::one("", MeetingProblem::NotDraft).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO agenda_items (meeting_id, position, title, presenter, motion)
         VALUES (?1, (SELECT COALESCE(MAX(position), 0) + 1 FROM agenda_items WHERE meeting_id = ?1), ?2, ?3, ?4) RETURNING id",
    )
    .bind(meeting_id)
    .bind(title.trim())
    .bind(presenter.trim())
    .bind(motion.trim())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "meeting.agenda-item-added",
        "meeting",
        meeting_id,
        None,
        Some(json!({"item": id, "title": title.trim(), "motion": motion.trim()})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The largest document attached to an agenda item.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

/// A document attached to an agenda item, stored by its SHA-256.
#[derive(Clone, Debug, FromRow)]
pub struct Attachment {
    pub id: i64,
    pub item_id: i64,
    pub sha256: String,
    pub filename: String,
    pub media_type: String,
    pub size: i64,
}

/// The documents attached to a meeting's agenda, by item and order of attachment.
pub async fn attachments(db: &SqlitePool, meeting_id: i64) -> AppResult<Vec<Attachment>> {
    Ok(sqlx::query_as(
        "SELECT t.id, t.item_id, t.sha256, t.filename, t.media_type, t.size FROM agenda_attachments t
         JOIN agenda_items i ON i.id = t.item_id WHERE i.meeting_id = ? ORDER BY i.position, t.id",
    )
    .bind(meeting_id)
    .fetch_all(db)
    .await?)
}

/// A file name safe to show and to offer for download: no path, no control characters, at most
/// 120 characters.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "documento".into()
    } else {
        cleaned
    }
}

/// Attaches a document to an agenda item of a meeting not yet held or cancelled (a convened
/// meeting's members get it with the next revision sent).
pub async fn attach(
    state: &AppState,
    meeting_id: i64,
    item_id: i64,
    file: Option<(&str, &str, &[u8])>,
    actor: &Actor,
) -> AppResult<i64> {
    let Some((filename, media_type, bytes)) = file.filter(|f| !f.2.is_empty()) else {
        return Err(Invalid::one("attachment", MeetingProblem::FileRequired).into());
    };
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(Invalid::one(
            "attachment",
            MeetingProblem::FileTooLarge {
                max_mb: MAX_ATTACHMENT_BYTES / (1024 * 1024),
            },
        )
        .into());
    }
    let meeting = get(&state.db, meeting_id).await?;
    if !matches!(meeting.status.as_str(), "draft" | "convened") {
        return Err(Invalid::one("", MeetingProblem::NotDraft).into());
    }
    if !agenda(&state.db, meeting_id)
        .await?
        .iter()
        .any(|i| i.id == item_id)
    {
        return Err(AppError::NotFound);
    }
    let media_type = if media_type.is_empty() || media_type.len() > 127 {
        "application/octet-stream"
    } else {
        media_type
    };
    let filename = clean_filename(filename);
    let hash = super::evidence::documents::store(&state.settings.documents_dir(), bytes).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO agenda_attachments (item_id, sha256, filename, media_type, size) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(item_id)
    .bind(hash.hex())
    .bind(&filename)
    .bind(media_type)
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "meeting.attachment-added",
        "meeting",
        meeting_id,
        None,
        Some(json!({"item": item_id, "attachment": id, "filename": filename, "sha256": hash.hex(), "size": bytes.len()})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An attached document's row and bytes.
pub async fn attachment(
    state: &AppState,
    meeting_id: i64,
    attachment_id: i64,
) -> AppResult<(Attachment, Vec<u8>)> {
    let a = attachments(&state.db, meeting_id)
        .await?
        .into_iter()
        .find(|a| a.id == attachment_id)
        .ok_or(AppError::NotFound)?;
    let hash = crate::domain::evidence::Hash::from_hex(&a.sha256).ok_or(AppError::NotFound)?;
    let bytes = super::evidence::documents::read(&state.settings.documents_dir(), &hash)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((a, bytes))
}

/// The event of a meeting at its current revision (for a feed or a download: no attendees).
pub async fn event(state: &AppState, m: &MeetingRow, attendees: Vec<Person>) -> AppResult<Event> {
    let items = agenda(&state.db, m.id).await?;
    let organizer = Person {
        name: "Minga".into(),
        email: state.settings.mail_from_address(),
    };
    let mut e = invitation(state, m, &items, organizer, attendees);
    if m.status == "cancelled" {
        e.status = Status::Cancelled;
    }
    Ok(e)
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
    let items = agenda(&state.db, m.id).await?;
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
    let documents = attachments(&state.db, m.id).await?;
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

/// Convenes a drafted meeting: refused without an agenda or when the body's notice period can
/// no longer be met; otherwise every member is sent the convocation with its invitation.
pub async fn convene(state: &AppState, meeting_id: i64, actor: &Actor) -> AppResult<usize> {
    let m = get(&state.db, meeting_id).await?;
    if m.status != "draft" {
        return Err(Invalid::one("", MeetingProblem::NotDraft).into());
    }
    if agenda(&state.db, meeting_id).await?.is_empty() {
        return Err(Invalid::one("", MeetingProblem::NoAgenda).into());
    }
    let body = m.body().ok_or(AppError::NotFound)?;
    rules::check_notice(
        body,
        Utc::now(),
        m.starts_at.0,
        m.tz(),
        &state.settings.meetings,
    )
    .map_err(|r: NoticeRefusal| Invalid::one("", r))?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    sqlx::query("UPDATE meetings SET status = 'convened', convened_at = ? WHERE id = ? AND status = 'draft'")
        .bind(Ts::now())
        .bind(meeting_id)
        .execute(&mut *tx)
        .await?;
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
    super::evidence::decisions::record(
        &mut tx,
        &super::evidence::decisions::Decision {
            event: "meeting-convened",
            body: super::minutes::decision_body(m.body()),
            reference: format!("meeting/{meeting_id}/convened"),
            title_es: format!("Sesión convocada: {}", m.title_es),
            title_en: format!("Meeting convened: {}", m.title_en),
            data: json!({"meeting": {"id": m.id, "body": m.body, "kind": m.kind, "title_es": m.title_es, "title_en": m.title_en,
                                     "starts_at": m.starts_at.to_db(), "ends_at": m.ends_at.to_db(), "timezone": m.timezone,
                                     "place": m.place, "virtual_url": m.virtual_url, "requested_by": m.requested_by, "objectives": m.objectives},
                         "agenda": agenda(&state.db, meeting_id).await?.iter().map(|i| json!({"position": i.position, "title": i.title, "motion": i.motion})).collect::<Vec<_>>(),
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
pub async fn send_revision(state: &AppState, meeting_id: i64, actor: &Actor) -> AppResult<usize> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let changed = sqlx::query(
        "UPDATE meetings SET sequence = sequence + 1 WHERE id = ? AND status = 'convened'",
    )
    .bind(meeting_id)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(Invalid::one("", MeetingProblem::NotConvened).into());
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
    meeting_id: i64,
    reason: &str,
    actor: &Actor,
) -> AppResult<()> {
    if reason.trim().is_empty() {
        return Err(Invalid::one("reason", MeetingProblem::Required).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let before = get(&mut *tx, meeting_id).await?;
    if !matches!(before.status.as_str(), "draft" | "convened") {
        return Err(Invalid::one("", MeetingProblem::NotConvened).into());
    }
    sqlx::query("UPDATE meetings SET status = 'cancelled', cancelled_at = ?, cancel_reason = ?, sequence = sequence + 1 WHERE id = ?")
        .bind(Ts::now())
        .bind(reason.trim())
        .bind(meeting_id)
        .execute(&mut *tx)
        .await?;
    if before.status == "convened" {
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
/// member of the body (a proxy).
pub async fn answer(
    state: &AppState,
    meeting_id: i64,
    person_id: i64,
    answer: &str,
    proxy: &str,
    actor: &Actor,
) -> AppResult<()> {
    let m = get(&state.db, meeting_id).await?;
    if m.status != "convened" || m.starts_at.0 <= Utc::now() {
        return Err(Invalid::one("", MeetingProblem::NotConvened).into());
    }
    if !["in_person", "virtual", "absent", "proxy"].contains(&answer) {
        return Err(Invalid::one("answer", MeetingProblem::AnswerInvalid).into());
    }
    let body = m.body().ok_or(AppError::NotFound)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let members = members(&mut tx, body, m.starts_at.0.date_naive()).await?;
    if !members.iter().any(|(id, _, _)| *id == person_id) {
        return Err(Invalid::one("", MeetingProblem::NotAMember).into());
    }
    let proxy_id: Option<i64> = if answer == "proxy" {
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
    pub answer: Option<String>,
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

/// What the secretary recorded for a seat: (person, presence, proxy, proxy's name).
type Recorded = (i64, Option<String>, Option<i64>, Option<String>);

/// A seat at the meeting: who, their name, and what the secretary recorded.
#[derive(Clone, Debug)]
pub struct SeatAt {
    pub person_id: i64,
    pub name: String,
    pub attendance: rules::Attendance,
    pub proxy_name: Option<String>,
}

/// The seats of a meeting with what was recorded (absent until recorded). The Executive
/// Secretary holds the chair's seat at both councils' meetings; a collective's meeting has member
/// seats only.
pub async fn seats(conn: &mut SqliteConnection, m: &MeetingRow) -> AppResult<Vec<SeatAt>> {
    let body = m.body().ok_or(AppError::NotFound)?;
    let day = m.starts_at.0.date_naive();
    let mut people = members(conn, body, day).await?;
    let secretaries: Vec<i64> = if matches!(body, Body::Collective(_)) {
        Vec::new()
    } else {
        let ids = super::seats::executive_secretaries(conn, day).await?;
        for s in &ids {
            if !people.iter().any(|p| p.0 == s.0) {
                people.insert(0, s.clone());
            }
        }
        ids.into_iter().map(|s| s.0).collect()
    };
    let recorded: Vec<Recorded> = sqlx::query_as(
        "SELECT a.person_id, a.presence, a.proxy_id, p.full_name FROM attendance a LEFT JOIN people p ON p.id = a.proxy_id WHERE a.meeting_id = ?",
    )
    .bind(m.id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(people
        .into_iter()
        .map(|(pid, name, _)| {
            let r = recorded.iter().find(|r| r.0 == pid);
            let presence = match (r.and_then(|r| r.1.as_deref()), r.and_then(|r| r.2)) {
                (Some("in_person"), _) => rules::Presence::InPerson,
                (Some("virtual"), _) => rules::Presence::Virtual,
                (Some("represented"), Some(by)) => rules::Presence::Represented { by },
                _ => rules::Presence::Absent,
            };
            let seat = if secretaries.contains(&pid) {
                rules::Seat::Secretary
            } else {
                rules::Seat::Member
            };
            SeatAt {
                person_id: pid,
                name,
                attendance: rules::Attendance {
                    person: pid,
                    seat,
                    presence,
                },
                proxy_name: r.and_then(|r| r.3.clone()),
            }
        })
        .collect())
}

/// The quorum as it stands, by the body's rule (a collective's meeting: members only).
pub async fn quorum(
    state: &AppState,
    conn: &mut SqliteConnection,
    m: &MeetingRow,
) -> AppResult<(Vec<SeatAt>, rules::Quorum)> {
    let seats = seats(conn, m).await?;
    let kind = MeetingKind::parse(&m.kind).unwrap_or(MeetingKind::Ordinary);
    let attendance: Vec<rules::Attendance> = seats.iter().map(|s| s.attendance).collect();
    let mut q = rules::quorum(kind, &attendance, &state.settings.meetings);
    if matches!(m.body(), Some(Body::Collective(_))) {
        q.missing_secretary = false;
        q.met = q.members_present >= q.members_required;
    }
    Ok((seats, q))
}

/// The seats that vote at a meeting (present in person, virtually or represented).
pub async fn voting_seats(
    conn: &mut SqliteConnection,
    meeting_id: i64,
) -> AppResult<std::collections::BTreeSet<i64>> {
    let m = get(&mut *conn, meeting_id).await?;
    let attendance: Vec<rules::Attendance> = seats(conn, &m)
        .await?
        .iter()
        .map(|s| s.attendance)
        .collect();
    Ok(rules::voting_seats(&attendance))
}

/// The secretary records how a seat attends: in person, virtually, represented by someone
/// (a proxy the rules accept), or absent.
pub async fn record_presence(
    state: &AppState,
    meeting_id: i64,
    person_id: i64,
    presence: &str,
    proxy: &str,
    actor: &Actor,
) -> AppResult<()> {
    let m = get(&state.db, meeting_id).await?;
    if m.status != "convened" {
        return Err(Invalid::one("", MeetingProblem::NotConvened).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let seats = seats(&mut tx, &m).await?;
    if !seats.iter().any(|s| s.person_id == person_id) {
        return Err(Invalid::one("", MeetingProblem::NotAMember).into());
    }
    let proxy_id = match presence {
        "in_person" | "virtual" | "absent" => None,
        "represented" => {
            let by = proxy
                .trim()
                .parse::<i64>()
                .map_err(|_| Invalid::one("proxy", MeetingProblem::ProxyNotAMember))?;
            // the rules see the attendance without this seat's previous record
            let others: Vec<rules::Attendance> = seats
                .iter()
                .map(|s| {
                    if s.person_id == person_id {
                        rules::Attendance {
                            presence: rules::Presence::Absent,
                            ..s.attendance
                        }
                    } else {
                        s.attendance
                    }
                })
                .collect();
            rules::check_proxy(person_id, by, &others).map_err(|r| Invalid::one("proxy", r))?;
            Some(by)
        }
        _ => return Err(Invalid::one("presence", MeetingProblem::AnswerInvalid).into()),
    };
    sqlx::query(
        "INSERT INTO attendance (meeting_id, person_id, presence, proxy_id, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (meeting_id, person_id) DO UPDATE SET presence = excluded.presence, proxy_id = excluded.proxy_id,
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
    )
    .bind(meeting_id)
    .bind(person_id)
    .bind(presence)
    .bind(proxy_id)
    .bind(actor.account_id)
    .bind(Ts::now())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "meeting.attendance",
        "meeting",
        meeting_id,
        None,
        Some(json!({"person": person_id, "presence": presence, "proxy": proxy_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Why there is no quorum, naming who is missing.
#[derive(Debug)]
struct NoQuorum {
    problems: Vec<rules::QuorumProblem>,
    absent: Vec<String>,
}

impl Reason for NoQuorum {
    fn code(&self) -> &'static str {
        "no_quorum"
    }
    fn message(&self, t: &'static Tr) -> String {
        let mut parts: Vec<String> = self.problems.iter().map(|p| p.message(t)).collect();
        if !self.absent.is_empty() {
            parts.push(fill(
                t.mtg_absent_list,
                &[("names", &self.absent.join(", "))],
            ));
        }
        parts.join(" ")
    }
}

/// The quorum now, or the refusal that says what and who is missing.
async fn require_quorum(
    state: &AppState,
    conn: &mut SqliteConnection,
    m: &MeetingRow,
) -> AppResult<(Vec<SeatAt>, rules::Quorum)> {
    let (seats, q) = quorum(state, conn, m).await?;
    if !q.met {
        let absent = q
            .absent
            .iter()
            .filter_map(|id| {
                seats
                    .iter()
                    .find(|s| s.person_id == *id)
                    .map(|s| s.name.clone())
            })
            .collect();
        let mut problems = q.problems();
        if matches!(m.body(), Some(Body::Collective(_))) {
            problems.retain(|p| !matches!(p, rules::QuorumProblem::MissingSecretary));
        }
        return Err(Invalid::one("", NoQuorum { problems, absent }).into());
    }
    Ok((seats, q))
}

/// Opens the session once there is quorum: the quorum established is a decision of record.
pub async fn open_session(state: &AppState, meeting_id: i64, actor: &Actor) -> AppResult<()> {
    let m = get(&state.db, meeting_id).await?;
    if m.status != "convened" {
        return Err(Invalid::one("", MeetingProblem::NotConvened).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let (seats, q) = require_quorum(state, &mut tx, &m).await?;
    let attendance: Vec<_> = seats
        .iter()
        .map(|s| json!({"person": {"id": s.person_id, "name": s.name}, "attendance": s.attendance, "proxy": s.proxy_name}))
        .collect();
    let quorum = json!({"quorum": q, "attendance": attendance});
    sqlx::query(
        "UPDATE meetings SET opened_at = COALESCE(opened_at, ?), quorum_json = ? WHERE id = ?",
    )
    .bind(Ts::now())
    .bind(quorum.to_string())
    .bind(meeting_id)
    .execute(&mut *tx)
    .await?;
    super::evidence::decisions::record(
        &mut tx,
        &super::evidence::decisions::Decision {
            event: "quorum-established",
            body: super::minutes::decision_body(m.body()),
            reference: format!("meeting/{meeting_id}/quorum/{}", Utc::now().timestamp()),
            title_es: format!("Quórum establecido: {}", m.title_es),
            title_en: format!("Quorum established: {}", m.title_en),
            data: json!({"meeting": {"id": m.id, "title_es": m.title_es, "kind": m.kind, "starts_at": m.starts_at.to_db()},
                         "quorum": quorum, "recorded_by": actor.label}),
        },
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        "meeting.opened",
        "meeting",
        meeting_id,
        None,
        Some(json!({"members_present": q.members_present})),
    )
    .await?;
    tx.commit().await?;
    state.decisions_pending.notify_one();
    Ok(())
}

/// Puts an agenda item's motion to the vote of the seats present: refused without quorum,
/// saying who is missing. Recorded vote, simple majority, the chair breaks a tie.
pub async fn open_vote(
    state: &AppState,
    meeting_id: i64,
    item_id: i64,
    actor: &Actor,
) -> AppResult<i64> {
    let m = get(&state.db, meeting_id).await?;
    if m.status != "convened" {
        return Err(Invalid::one("", MeetingProblem::NotConvened).into());
    }
    let item = agenda(&state.db, meeting_id)
        .await?
        .into_iter()
        .find(|i| i.id == item_id)
        .ok_or(AppError::NotFound)?;
    if item.motion.is_empty() {
        return Err(Invalid::one("", MeetingProblem::NoMotion).into());
    }
    if let Some(v) = item.vote_id {
        return Ok(v);
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let (seats, _) = require_quorum(state, &mut tx, &m).await?;
    let chair = seats
        .iter()
        .find(|s| s.attendance.seat == rules::Seat::Secretary)
        .map(|s| s.person_id);
    let vote = super::votes::open(
        &mut tx,
        &super::votes::NewVote {
            subject: "motion",
            subject_id: Some(item_id),
            electorate: Electorate::Meeting(meeting_id),
            scope: None,
            question_es: format!("{} — {}", m.title_es, item.motion),
            question_en: format!("{} — {}", m.title_en, item.motion),
            majority: crate::domain::voting::Majority::Simple,
            tie: crate::domain::voting::TieRule::ChairDecides,
            chair,
            secret: false,
            eligibility_on: Utc::now().date_naive(),
            closes_at: Utc::now() + chrono::Duration::days(1),
        },
        actor,
    )
    .await?;
    sqlx::query("UPDATE agenda_items SET vote_id = ? WHERE id = ?")
        .bind(vote)
        .bind(item_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(vote)
}

/// The secretary records each seat's vote on a motion (a proxy's vote for their principal) and
/// closes it: the result is frozen and registered as a decision.
pub async fn record_votes(
    state: &AppState,
    meeting_id: i64,
    vote_id: i64,
    choices: &[(i64, String)],
    actor: &Actor,
) -> AppResult<()> {
    let linked: Option<i64> =
        sqlx::query_scalar("SELECT vote_id FROM agenda_items WHERE meeting_id = ? AND vote_id = ?")
            .bind(meeting_id)
            .bind(vote_id)
            .fetch_optional(&state.db)
            .await?;
    linked.ok_or(AppError::NotFound)?;
    for (person, choice) in choices.iter().filter(|(_, c)| !c.is_empty()) {
        super::votes::cast(state, vote_id, *person, choice, actor).await?;
    }
    let tally = super::votes::close(state, vote_id, actor).await?;
    let item: i64 = sqlx::query_scalar("SELECT id FROM agenda_items WHERE vote_id = ?")
        .bind(vote_id)
        .fetch_one(&state.db)
        .await?;
    // minutes put to this vote and approved are frozen at once
    super::minutes::after_vote(state, item, &tally, actor).await
}

/// Attendance per member of a body over a year: (name, sessions attended — in person, virtually
/// or through a representative — and sessions held, i.e. opened with quorum).
pub async fn attendance_year(
    conn: &mut SqliteConnection,
    body: Body,
    year: i32,
) -> AppResult<Vec<(String, u32, u32)>> {
    let (from, to) = (
        format!("{year}-01-01T00:00:00.000Z"),
        format!("{}-01-01T00:00:00.000Z", year + 1),
    );
    let held: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM meetings WHERE body = ? AND opened_at IS NOT NULL AND status <> 'cancelled' AND starts_at >= ? AND starts_at < ?",
    )
    .bind(body.key())
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?;
    let total = u32::try_from(held.len()).unwrap_or(u32::MAX);
    let today = Utc::now().date_naive();
    let mut out = Vec::new();
    for (pid, name, _) in members(conn, body, today).await? {
        let attended: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM attendance a JOIN meetings m ON m.id = a.meeting_id
             WHERE a.person_id = ? AND a.presence IN ('in_person', 'virtual', 'represented')
               AND m.body = ? AND m.opened_at IS NOT NULL AND m.status <> 'cancelled' AND m.starts_at >= ? AND m.starts_at < ?",
        )
        .bind(pid)
        .bind(body.key())
        .bind(&from)
        .bind(&to)
        .fetch_one(&mut *conn)
        .await?;
        out.push((name, u32::try_from(attended).unwrap_or(0), total));
    }
    Ok(out)
}
