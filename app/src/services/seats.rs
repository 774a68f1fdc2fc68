//! The seats of the governance bodies: appointing a term after the seat rules (each appointment a
//! decision of record), who holds which seat on a day, and the terms calendar.

use super::audit::{self, Actor};
use super::evidence::decisions::{self, Decision};
use crate::AppError;
use crate::db::Ts;
use crate::domain::governance::{self, Appointment, Candidate, GovernanceSettings, Profile, Term};
use crate::domain::roles::Role;
use crate::error::{AppResult, Invalid};
use crate::i18n::{Lang, role_name};
use chrono::{NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

/// An appointment to make: who, which seat, from when, and the decision that makes it.
#[derive(Clone, Debug)]
pub struct Appoint {
    pub person_id: i64,
    pub role: Role,
    pub collective_id: Option<i64>,
    pub starts_on: NaiveDate,
    /// `None`: the seat's full term.
    pub ends_on: Option<NaiveDate>,
    /// The term this one renews (the same person, seat, and the next day).
    pub renews: Option<i64>,
    /// `leader-elected`, `leader-renewed`, `council-designated`, `advisory-admitted`, …
    pub event: &'static str,
    /// The deciding body: `executive-council`, `advisory-council`, `collective:<slug>`, …
    pub body: &'static str,
    /// What the decision rests on (the call, the vote, the nomination, the application), kept in
    /// the decision's data.
    pub grounds: Value,
    pub note: String,
}

#[derive(Clone, Debug, FromRow)]
struct TermRow {
    id: i64,
    person_id: i64,
    institution_id: Option<i64>,
    role: String,
    collective_id: Option<i64>,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    revoked_at: Option<Ts>,
}

impl TermRow {
    fn to_term(&self) -> Option<Term> {
        Some(Term {
            office_id: self.id,
            person_id: self.person_id,
            institution_id: self.institution_id,
            role: Role::parse(&self.role)?,
            collective_id: self.collective_id,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            revoked_on: self.revoked_at.map(|t| t.0.date_naive()),
        })
    }
}

/// Everyone holding `role` today (a commission's seats): (person id, name, e-mail).
pub async fn holders(
    conn: &mut sqlx::SqliteConnection,
    role: Role,
) -> AppResult<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT p.id, p.full_name, p.email FROM offices o JOIN people p ON p.id = o.person_id
         WHERE o.role = ?1 AND o.revoked_at IS NULL
           AND o.starts_on <= ?2 AND (o.ends_on IS NULL OR o.ends_on >= ?2)
         ORDER BY p.id",
    )
    .bind(role.as_str())
    .bind(chrono::Utc::now().date_naive())
    .fetch_all(&mut *conn)
    .await?)
}

/// Whether `person_id` leads `collective_id` today.
pub async fn leads(db: &SqlitePool, person_id: i64, collective_id: i64) -> AppResult<bool> {
    let today = Utc::now().date_naive();
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM offices WHERE person_id = ?1 AND role = 'collective_leader' AND collective_id = ?2
           AND revoked_at IS NULL AND starts_on <= ?3 AND (ends_on IS NULL OR ends_on >= ?3)",
    )
    .bind(person_id)
    .bind(collective_id)
    .bind(today)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// Every term ever held in seats of `role`, as the rules see them.
pub async fn terms_of(conn: &mut SqliteConnection, role: Role) -> AppResult<Vec<Term>> {
    let rows: Vec<TermRow> = sqlx::query_as(
        "SELECT o.id, o.person_id, p.institution_id, o.role, o.collective_id, o.starts_on, o.ends_on, o.revoked_at
         FROM offices o JOIN people p ON p.id = o.person_id WHERE o.role = ?",
    )
    .bind(role.as_str())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().filter_map(TermRow::to_term).collect())
}

/// How many members (institutions and individuals) a collective has on `day`.
pub async fn collective_size(
    conn: &mut SqliteConnection,
    collective_id: i64,
    day: NaiveDate,
) -> AppResult<usize> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM collective_memberships WHERE collective_id = ? AND since <= ? AND (until IS NULL OR until >= ?)",
    )
    .bind(collective_id)
    .bind(day)
    .bind(day)
    .fetch_one(&mut *conn)
    .await?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Whether a person, or the institution they belong to, is a member of a collective on `day`.
pub async fn in_collective(
    conn: &mut SqliteConnection,
    person_id: i64,
    collective_id: i64,
    day: NaiveDate,
) -> AppResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM collective_memberships m
         WHERE m.collective_id = ?1 AND m.since <= ?2 AND (m.until IS NULL OR m.until >= ?2)
           AND (m.person_id = ?3 OR m.institution_id = (SELECT institution_id FROM people WHERE id = ?3))",
    )
    .bind(collective_id)
    .bind(day)
    .bind(person_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// The candidate as the seat rules see them, for a seat of `collective_id` starting on `day`.
pub async fn candidate(
    conn: &mut SqliteConnection,
    person_id: i64,
    collective_id: Option<i64>,
    day: NaiveDate,
) -> AppResult<Candidate> {
    let (institution_id, profile): (Option<i64>, String) =
        sqlx::query_as("SELECT institution_id, profile FROM people WHERE id = ?")
            .bind(person_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(AppError::NotFound)?;
    let in_collective = match collective_id {
        Some(c) => in_collective(conn, person_id, c, day).await?,
        None => false,
    };
    Ok(Candidate {
        person_id,
        institution_id,
        profile: Profile::parse(&profile),
        in_collective,
    })
}

/// Checks an appointment against the seat rules without making it.
pub async fn check(
    conn: &mut SqliteConnection,
    settings: &GovernanceSettings,
    a: &Appoint,
) -> AppResult<NaiveDate> {
    let ends_on = match a.ends_on {
        Some(e) => e,
        None => governance::term_end(a.role, a.starts_on, settings).ok_or_else(|| {
            AppError::Invalid(Invalid::one(
                "role",
                governance::AppointmentRefusal::NotASeat,
            ))
        })?,
    };
    let candidate = candidate(conn, a.person_id, a.collective_id, a.starts_on).await?;
    let size = match a.collective_id {
        Some(c) => collective_size(conn, c, a.starts_on).await?,
        None => 0,
    };
    let terms = terms_of(conn, a.role).await?;
    let appointment = Appointment {
        role: a.role,
        collective_id: a.collective_id,
        starts_on: a.starts_on,
        ends_on,
    };
    governance::check_appointment(&appointment, &candidate, &terms, size, settings)
        .map_err(|r| AppError::Invalid(Invalid::one("", r)))?;
    Ok(ends_on)
}

/// Makes an appointment inside the caller's transaction: the seat rules, the office, its audit
/// entry and the decision. Returns the office id; the caller commits and then wakes the decision
/// publisher.
pub async fn appoint(
    conn: &mut SqliteConnection,
    settings: &GovernanceSettings,
    a: &Appoint,
    actor: &Actor,
) -> AppResult<i64> {
    let ends_on = check(conn, settings, a).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO offices (person_id, role, collective_id, starts_on, ends_on, note, granted_by, granted_at, renews)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(a.person_id)
    .bind(a.role.as_str())
    .bind(a.collective_id)
    .bind(a.starts_on)
    .bind(ends_on)
    .bind(a.note.trim())
    .bind(actor.account_id)
    .bind(Ts::now())
    .bind(a.renews)
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        actor,
        "office.granted",
        "office",
        id,
        None,
        Some(json!({
            "person_id": a.person_id, "role": a.role.as_str(), "collective_id": a.collective_id,
            "starts_on": a.starts_on, "ends_on": ends_on, "renews": a.renews, "event": a.event,
        })),
    )
    .await?;
    super::sessions::end_after_office_change(conn, a.person_id, actor).await?;
    let who = describe(conn, a.person_id, a.collective_id).await?;
    let (title_es, title_en) = titles(a.event, a.role, &who);
    let data = json!({
        "office_id": id,
        "person": {"id": a.person_id, "name": who.person, "institution": who.institution},
        "role": a.role.as_str(),
        "collective": who.collective_json(a.collective_id),
        "starts_on": a.starts_on,
        "ends_on": ends_on,
        "renews": a.renews,
        "grounds": a.grounds,
        "note": a.note.trim(),
        "recorded_by": actor.label,
    });
    decisions::record(
        conn,
        &Decision {
            event: a.event,
            body: a.body,
            reference: format!("appointment/{id}"),
            title_es,
            title_en,
            data,
        },
    )
    .await?;
    Ok(id)
}

/// Names for a decision's title and data.
pub(crate) struct Who {
    pub person: String,
    pub institution: Option<String>,
    pub collective: Option<(String, String, String)>,
}

impl Who {
    fn collective_json(&self, id: Option<i64>) -> Value {
        match &self.collective {
            Some((slug, es, en)) => json!({"id": id, "slug": slug, "name_es": es, "name_en": en}),
            None => Value::Null,
        }
    }
}

pub(crate) async fn describe(
    conn: &mut SqliteConnection,
    person_id: i64,
    collective_id: Option<i64>,
) -> AppResult<Who> {
    let (person, institution): (String, Option<String>) = sqlx::query_as(
        "SELECT p.full_name, i.name FROM people p LEFT JOIN institutions i ON i.id = p.institution_id WHERE p.id = ?",
    )
    .bind(person_id)
    .fetch_one(&mut *conn)
    .await?;
    let collective = match collective_id {
        Some(id) => {
            sqlx::query_as("SELECT slug, name_es, name_en FROM collectives WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    Ok(Who {
        person,
        institution,
        collective,
    })
}

/// The titles of an appointment decision, in Spanish and English.
fn titles(event: &str, role: Role, who: &Who) -> (String, String) {
    let p = &who.person;
    let (res, ren) = (
        role_name(role, Lang::Es.tr()),
        role_name(role, Lang::En.tr()),
    );
    let (ces, cen) = match &who.collective {
        Some((_, es, en)) => (format!(" ({es})"), format!(" ({en})")),
        None => (String::new(), String::new()),
    };
    match event {
        "leader-elected" => (
            format!("Elección de {p} como {res}{ces}"),
            format!("{p} elected {ren}{cen}"),
        ),
        "leader-renewed" => (
            format!("Renovación de {p} como {res}{ces}"),
            format!("{p} renewed as {ren}{cen}"),
        ),
        "council-designated" => (
            format!("Designación de {p}: {res}{ces}"),
            format!("{p} designated: {ren}{cen}"),
        ),
        "advisory-admitted" => (
            format!("Admisión de {p} al Consejo Consultivo"),
            format!("{p} admitted to the Advisory Council"),
        ),
        "advisory-renewed" => (
            format!("Segundo periodo de {p} en el Consejo Consultivo"),
            format!("Second term of {p} on the Advisory Council"),
        ),
        _ => (format!("{p}: {res}{ces}"), format!("{p}: {ren}{cen}")),
    }
}

/// A seat held, for the public composition pages and the terms calendar.
#[derive(Clone, Debug, FromRow)]
pub struct SeatHolder {
    pub office_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub email: String,
    pub institution: Option<String>,
    pub role: String,
    pub collective_id: Option<i64>,
    pub collective_slug: Option<String>,
    pub collective_es: Option<String>,
    pub collective_en: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub renews: Option<i64>,
    pub revoked_at: Option<Ts>,
    pub evidence_id: Option<String>,
}

impl SeatHolder {
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }
}

const HOLDER_SELECT: &str = "SELECT o.id AS office_id, o.person_id, p.full_name, p.email, i.name AS institution, o.role,
        o.collective_id, c.slug AS collective_slug, c.name_es AS collective_es, c.name_en AS collective_en,
        o.starts_on, o.ends_on, o.renews, o.revoked_at,
        (SELECT d.evidence_id FROM decisions d WHERE d.ref IN ('appointment/' || o.id, 'office-granted/' || o.id)) AS evidence_id
 FROM offices o JOIN people p ON p.id = o.person_id
 LEFT JOIN institutions i ON i.id = p.institution_id
 LEFT JOIN collectives c ON c.id = o.collective_id";

const SEAT_ROLES: &str = "('collective_leader', 'executive_secretary', 'projects_commission', 'nodes_commission', 'advisory_member')";

/// Every seat held on `day`, by role, collective and start.
pub async fn holders_on(db: &SqlitePool, day: NaiveDate) -> AppResult<Vec<SeatHolder>> {
    let sql = format!(
        "{HOLDER_SELECT} WHERE o.role IN {SEAT_ROLES} AND o.starts_on <= ?1 AND (o.ends_on IS NULL OR o.ends_on >= ?1)
           AND (o.revoked_at IS NULL OR o.revoked_at >= ?2)
         ORDER BY o.role, o.collective_id, o.starts_on, p.full_name"
    );
    // an office revoked during `day` is no longer held on it (`Office::is_active_on`): the
    // revocation must come on the next day or later
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(day)
        .bind(day.checked_add_days(chrono::Days::new(1)).unwrap_or(day))
        .fetch_all(db)
        .await?)
}

/// One seat by its office id.
pub async fn holder(conn: &mut SqliteConnection, office_id: i64) -> AppResult<SeatHolder> {
    let sql = format!("{HOLDER_SELECT} WHERE o.id = ?");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(office_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Seats whose term ends between `today` and `today + days` (the terms calendar), soonest first.
pub async fn ending_within(
    db: &SqlitePool,
    today: NaiveDate,
    days: u32,
) -> AppResult<Vec<SeatHolder>> {
    let until = today + chrono::Days::new(u64::from(days));
    let sql = format!(
        "{HOLDER_SELECT} WHERE o.role IN {SEAT_ROLES} AND o.revoked_at IS NULL AND o.ends_on IS NOT NULL
           AND o.ends_on >= ?1 AND o.ends_on <= ?2 AND o.starts_on <= ?1
           AND NOT EXISTS (SELECT 1 FROM offices r WHERE r.renews = o.id AND r.revoked_at IS NULL)
         ORDER BY o.ends_on, p.full_name"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(today)
        .bind(until)
        .fetch_all(db)
        .await?)
}

/// Seats whose term ended before `today` and whose end is not yet a decision of record.
pub async fn ended_unrecorded(db: &SqlitePool, today: NaiveDate) -> AppResult<Vec<SeatHolder>> {
    let sql = format!(
        "{HOLDER_SELECT} WHERE o.role IN {SEAT_ROLES} AND o.revoked_at IS NULL AND o.ends_on IS NOT NULL AND o.ends_on < ?1
           AND NOT EXISTS (SELECT 1 FROM term_events e WHERE e.office_id = o.id AND e.event = 'ended')
         ORDER BY o.ends_on LIMIT 200"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(today)
        .fetch_all(db)
        .await?)
}

/// The body a seat belongs to, as decisions name it.
pub fn body_of(role: Role) -> &'static str {
    match role {
        Role::CollectiveLeader => "collectives",
        Role::AdvisoryMember => "advisory-council",
        _ => "executive-council",
    }
}

/// What one pass of the terms calendar did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CalendarPass {
    pub notices_queued: usize,
    pub terms_ended: usize,
}

/// The terms calendar: announces by mail (queued in the outbox) every term ending within the
/// notice period — to its holder, the Executive Secretary and the collective's leaders — and
/// registers the end of every term that has ended as a decision. Each once per term.
pub async fn run_calendar(state: &crate::AppState, today: NaiveDate) -> AppResult<CalendarPass> {
    let settings = &state.settings.governance;
    let mut pass = CalendarPass::default();
    let actor = Actor::system("terms-calendar");
    for h in ending_within(&state.db, today, settings.terms_notice_days).await? {
        let mut tx = crate::db::begin_write(&state.db).await?;
        if !mark_once(&mut tx, h.office_id, "ending-notice").await? {
            continue;
        }
        let mut recipients: Vec<(String, String)> = sqlx::query_as(
            "SELECT DISTINCT p.email, p.full_name FROM offices o JOIN people p ON p.id = o.person_id
             WHERE o.revoked_at IS NULL AND o.starts_on <= ?1 AND (o.ends_on IS NULL OR o.ends_on >= ?1)
               AND (o.role = 'executive_secretary' OR (o.role = 'collective_leader' AND ?2 IS NOT NULL AND o.collective_id = ?2))",
        )
        .bind(today)
        .bind(h.collective_id)
        .fetch_all(&mut *tx)
        .await?;
        recipients.push((h.email.clone(), h.full_name.clone()));
        recipients.sort();
        recipients.dedup();
        let role = h.role().ok_or(AppError::NotFound)?;
        let ends = h.ends_on.map(|d| d.to_string()).unwrap_or_default();
        let seat_es = seat_label(role, h.collective_es.as_deref(), Lang::Es);
        let seat_en = seat_label(role, h.collective_en.as_deref(), Lang::En);
        for (email, name) in recipients.into_iter().filter(|(e, _)| !e.trim().is_empty()) {
            let message = super::mail::Message {
                to_address: email,
                to_name: name,
                subject: format!(
                    "Fin de periodo / Term ending: {} — {seat_es} ({ends})",
                    h.full_name
                ),
                body_text: format!(
                    "El periodo de {name} como {seat_es} termina el {ends}.\n\
                     Si corresponde, inicie la renovación o la convocatoria para ocupar el cargo.\n\
                     {url}/councils\n\n\
                     The term of {name} as {seat_en} ends on {ends}.\n\
                     Where it applies, start the renewal or the call to fill the seat.\n\
                     {url}/councils\n",
                    name = h.full_name,
                    url = state.settings.public_url.trim_end_matches('/'),
                ),
                ics: None,
                topic: format!("term-ending/{}", h.office_id),
            };
            if super::mail::queue(&mut tx, &message).await? {
                pass.notices_queued += 1;
            }
        }
        tx.commit().await?;
    }
    for h in ended_unrecorded(&state.db, today).await? {
        let mut tx = crate::db::begin_write(&state.db).await?;
        if !mark_once(&mut tx, h.office_id, "ended").await? {
            continue;
        }
        let role = h.role().ok_or(AppError::NotFound)?;
        let renewed: Option<i64> =
            sqlx::query_scalar("SELECT id FROM offices WHERE renews = ? AND revoked_at IS NULL")
                .bind(h.office_id)
                .fetch_optional(&mut *tx)
                .await?;
        decisions::record(
            &mut tx,
            &Decision {
                event: "term-ended",
                body: body_of(role),
                reference: format!("term-ended/{}", h.office_id),
                title_es: format!(
                    "Fin del periodo de {}: {}",
                    h.full_name,
                    seat_label(role, h.collective_es.as_deref(), Lang::Es)
                ),
                title_en: format!(
                    "End of the term of {}: {}",
                    h.full_name,
                    seat_label(role, h.collective_en.as_deref(), Lang::En)
                ),
                data: json!({
                    "office_id": h.office_id,
                    "person": {"id": h.person_id, "name": h.full_name, "institution": h.institution},
                    "role": role.as_str(),
                    "collective": h.collective_slug.as_ref().map(|slug| json!({"id": h.collective_id, "slug": slug, "name_es": h.collective_es, "name_en": h.collective_en})),
                    "starts_on": h.starts_on,
                    "ended_on": h.ends_on,
                    "continued_by": renewed,
                }),
            },
        )
        .await?;
        audit::record(
            &mut tx,
            &actor,
            "office.term-ended",
            "office",
            h.office_id,
            None,
            Some(json!({"ended_on": h.ends_on})),
        )
        .await?;
        tx.commit().await?;
        pass.terms_ended += 1;
    }
    if pass.terms_ended > 0 {
        state.decisions_pending.notify_one();
    }
    if pass.notices_queued > 0 {
        state.mail_pending.notify_one();
    }
    Ok(pass)
}

/// Records that the calendar did `event` for a term; `false` when it was already done.
async fn mark_once(conn: &mut SqliteConnection, office_id: i64, event: &str) -> AppResult<bool> {
    let done = sqlx::query(
        "INSERT INTO term_events (office_id, event, recorded_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(office_id)
    .bind(event)
    .bind(Ts::now())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// "Collective leader (Academic Collective)", in one language.
pub fn seat_label(role: Role, collective: Option<&str>, lang: Lang) -> String {
    let name = role_name(role, lang.tr());
    match collective {
        Some(c) => format!("{name} ({c})"),
        None => name.to_string(),
    }
}

/// Every seat of a collective ever held (leaders and commission seats), latest first.
pub async fn history(db: &SqlitePool, collective_id: i64) -> AppResult<Vec<SeatHolder>> {
    let sql = format!(
        "{HOLDER_SELECT} WHERE o.role IN {SEAT_ROLES} AND o.collective_id = ? ORDER BY o.starts_on DESC, o.id DESC LIMIT 200"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(collective_id)
        .fetch_all(db)
        .await?)
}

/// The Executive Secretaries on `day`: (person id, name, e-mail). They are told of what the
/// Executive Council must decide, and chair the councils' meetings.
pub async fn executive_secretaries(
    conn: &mut SqliteConnection,
    day: NaiveDate,
) -> AppResult<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT p.id, p.full_name, p.email FROM offices o JOIN people p ON p.id = o.person_id
         WHERE o.role = 'executive_secretary' AND o.revoked_at IS NULL AND o.starts_on <= ?1 AND (o.ends_on IS NULL OR o.ends_on >= ?1)
         ORDER BY p.id",
    )
    .bind(day)
    .fetch_all(&mut *conn)
    .await?)
}
