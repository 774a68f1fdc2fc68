//! Open calls for collective leaders: the call, the candidacies, and the Executive Council's
//! election, which appoints the elected after the seat rules and registers the decision.

use super::audit::{self, Actor};
use super::authority::{CallOpener, Convener, Signed};
use super::mail::{self, Message};
use super::seats::{self, Appoint};
use crate::db::Ts;
use crate::domain::meetings::{Body, MeetingStatus};
use crate::domain::roles::Role;
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{Tr, fill};
use crate::{AppError, AppState};
use chrono::{NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{FromRow, SqlitePool};

mod election;
pub use election::*;

/// Why a call, a candidacy or an election is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallProblem {
    CollectiveUnknown,
    SeatsOutOfRange {
        max: usize,
    },
    DateInvalid,
    ClosesInThePast,
    TermBeforeClose,
    TextTooLong {
        max: usize,
    },
    StatementRequired,
    NotOpen,
    DeadlinePassed,
    NotInCollective,
    AlreadyApplied,
    NoneElected,
    TooManyElected {
        seats: i64,
    },
    NotACandidate,
    ConfirmEarlyClose,
    /// The meeting that votes the election must be a convened (or draft) Executive Council
    /// meeting after the call closes.
    MeetingUnfit,
    /// An election of this call is already on a meeting's agenda, waiting for its vote.
    AlreadyOnAgenda,
}

impl Reason for CallProblem {
    fn code(&self) -> &'static str {
        match self {
            CallProblem::CollectiveUnknown => "collective_unknown",
            CallProblem::SeatsOutOfRange { .. } => "seats_out_of_range",
            CallProblem::DateInvalid => "date_invalid",
            CallProblem::ClosesInThePast => "closes_in_the_past",
            CallProblem::TermBeforeClose => "term_before_close",
            CallProblem::TextTooLong { .. } => "too_long",
            CallProblem::StatementRequired => "required",
            CallProblem::NotOpen => "call_not_open",
            CallProblem::DeadlinePassed => "deadline_passed",
            CallProblem::NotInCollective => "not_in_collective",
            CallProblem::MeetingUnfit => "meeting_unfit",
            CallProblem::AlreadyOnAgenda => "already_on_agenda",
            CallProblem::AlreadyApplied => "already_applied",
            CallProblem::NoneElected => "none_elected",
            CallProblem::TooManyElected { .. } => "too_many_elected",
            CallProblem::NotACandidate => "not_a_candidate",
            CallProblem::ConfirmEarlyClose => "confirm_early_close",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            CallProblem::CollectiveUnknown => t.gov_problem_collective_unknown.into(),
            CallProblem::SeatsOutOfRange { max } => {
                fill(t.gov_problem_seats_out_of_range, &[("max", max)])
            }
            CallProblem::DateInvalid => t.gov_problem_date_invalid.into(),
            CallProblem::ClosesInThePast => t.gov_problem_closes_in_the_past.into(),
            CallProblem::TermBeforeClose => t.gov_problem_term_before_close.into(),
            CallProblem::TextTooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            CallProblem::StatementRequired => t.problem_required.into(),
            CallProblem::NotOpen => t.gov_problem_call_not_open.into(),
            CallProblem::DeadlinePassed => t.gov_problem_deadline_passed.into(),
            CallProblem::NotInCollective => t.gov_problem_not_in_collective.into(),
            CallProblem::AlreadyApplied => t.gov_problem_already_applied.into(),
            CallProblem::NoneElected => t.gov_problem_none_elected.into(),
            CallProblem::TooManyElected { seats } => {
                t.gov_problem_too_many_elected.fill(*seats, &[])
            }
            CallProblem::NotACandidate => t.gov_problem_not_a_candidate.into(),
            CallProblem::ConfirmEarlyClose => t.gov_problem_confirm_early_close.into(),
            CallProblem::MeetingUnfit => t.gov_problem_meeting_unfit.into(),
            CallProblem::AlreadyOnAgenda => t.gov_problem_already_on_agenda.into(),
        }
    }
}

const MAX_TEXT: usize = 4000;

/// A call as typed in the form.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CallForm {
    pub collective_id: String,
    pub seats: String,
    pub closes_on: String,
    pub term_starts_on: String,
    pub description_es: String,
    pub description_en: String,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Opens a call for leaders of a collective; its members are told by mail.
pub async fn open(
    state: &AppState,
    _who: &CallOpener,
    form: &CallForm,
    actor: &Actor,
) -> AppResult<i64> {
    let today = Utc::now().date_naive();
    let settings = &state.settings.governance;
    let mut invalid = Invalid::new();
    let collective_id: Option<i64> = match form.collective_id.trim().parse::<i64>() {
        Ok(id) => {
            sqlx::query_scalar("SELECT id FROM collectives WHERE id = ?")
                .bind(id)
                .fetch_optional(&state.db)
                .await?
        }
        Err(_) => None,
    };
    if collective_id.is_none() {
        invalid.add("collective_id", CallProblem::CollectiveUnknown);
    }
    let seats = form.seats.trim().parse::<usize>().ok();
    if !seats.is_some_and(|n| (1..=settings.leaders_max).contains(&n)) {
        invalid.add(
            "seats",
            CallProblem::SeatsOutOfRange {
                max: settings.leaders_max,
            },
        );
    }
    let closes_on = parse_date(&form.closes_on);
    match closes_on {
        None => invalid.add("closes_on", CallProblem::DateInvalid),
        Some(d) if d < today => invalid.add("closes_on", CallProblem::ClosesInThePast),
        _ => {}
    }
    let term_starts_on = parse_date(&form.term_starts_on);
    match (term_starts_on, closes_on) {
        (None, _) => invalid.add("term_starts_on", CallProblem::DateInvalid),
        (Some(t), Some(c)) if t < c => invalid.add("term_starts_on", CallProblem::TermBeforeClose),
        _ => {}
    }
    for (field, text) in [
        ("description_es", &form.description_es),
        ("description_en", &form.description_en),
    ] {
        if text.chars().count() > MAX_TEXT {
            invalid.add(field, CallProblem::TextTooLong { max: MAX_TEXT });
        }
    }
    invalid.into_result()?;
    let (Some(collective_id), Some(seats), Some(closes_on), Some(term_starts_on)) =
        (collective_id, seats, closes_on, term_starts_on)
    else {
        return Err(AppError::internal("call form checked"));
    };
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO calls (role, collective_id, seats, description_es, description_en, opens_on, closes_on, term_starts_on, created_by, created_at)
         VALUES ('collective_leader', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(collective_id)
    .bind(i64::try_from(seats).unwrap_or(1))
    .bind(form.description_es.trim())
    .bind(form.description_en.trim())
    .bind(today)
    .bind(closes_on)
    .bind(term_starts_on)
    .bind(actor.account_id)
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "call.opened",
        "call",
        id,
        None,
        Some(json!({"collective_id": collective_id, "seats": seats, "closes_on": closes_on, "term_starts_on": term_starts_on})),
    )
    .await?;
    let (name_es, name_en): (String, String) =
        sqlx::query_as("SELECT name_es, name_en FROM collectives WHERE id = ?")
            .bind(collective_id)
            .fetch_one(&mut *tx)
            .await?;
    let members: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT p.email, p.full_name FROM people p JOIN collective_memberships m
           ON (m.person_id = p.id OR (m.institution_id IS NOT NULL AND m.institution_id = p.institution_id))
         WHERE m.collective_id = ?1 AND m.since <= ?2 AND (m.until IS NULL OR m.until >= ?2) AND p.email <> ''",
    )
    .bind(collective_id)
    .bind(today)
    .fetch_all(&mut *tx)
    .await?;
    let url = format!(
        "{}/calls/{id}",
        state.settings.public_url.trim_end_matches('/')
    );
    for (email, name) in members {
        mail::queue(
            &mut tx,
            &Message {
                to_address: email,
                to_name: name,
                subject: format!("Convocatoria a liderazgo / Call for leaders: {name_es}"),
                body_text: format!(
                    "Se abre la convocatoria para {seats} liderazgo(s) del {name_es}. Candidaturas hasta el {closes_on}; el periodo inicia el {term_starts_on}.\n{url}\n\n\
                     A call is open for {seats} leader seat(s) of the {name_en}. Candidacies until {closes_on}; the term starts on {term_starts_on}.\n{url}\n"
                ),
                ics: None,
                topic: format!("call-opened/{id}"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    state.mail_pending.notify_one();
    Ok(id)
}

#[derive(Clone, Debug, FromRow)]
pub struct CallRow {
    pub id: i64,
    pub collective_id: i64,
    pub collective_slug: String,
    pub collective_es: String,
    pub collective_en: String,
    pub seats: i64,
    pub description_es: String,
    pub description_en: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub term_starts_on: NaiveDate,
    pub status: String,
    pub decided_at: Option<Ts>,
    pub candidacies: i64,
}

impl CallRow {
    /// Whether candidacies are accepted on `today`.
    pub fn accepts_candidacies(&self, today: NaiveDate) -> bool {
        self.status == "open" && today <= self.closes_on
    }
}

const CALL_SELECT: &str = "SELECT k.id, k.collective_id, c.slug AS collective_slug, c.name_es AS collective_es, c.name_en AS collective_en,
        k.seats, k.description_es, k.description_en, k.opens_on, k.closes_on, k.term_starts_on, k.status, k.decided_at,
        (SELECT COUNT(*) FROM candidacies d WHERE d.call_id = k.id AND d.status <> 'withdrawn') AS candidacies
 FROM calls k JOIN collectives c ON c.id = k.collective_id";

/// Calls still to be decided (open ones first by deadline), then the latest decided ones.
pub async fn list(db: &SqlitePool, collective_id: Option<i64>) -> AppResult<Vec<CallRow>> {
    let sql = format!(
        "{CALL_SELECT} WHERE (?1 IS NULL OR k.collective_id = ?1)
         ORDER BY CASE k.status WHEN 'open' THEN 0 ELSE 1 END, k.closes_on DESC, k.id DESC LIMIT 100"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(collective_id)
        .fetch_all(db)
        .await?)
}

pub async fn get(db: &SqlitePool, id: i64) -> AppResult<CallRow> {
    let sql = format!("{CALL_SELECT} WHERE k.id = ?");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Clone, Debug, FromRow)]
pub struct CandidacyRow {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub institution: Option<String>,
    pub statement: String,
    pub status: String,
    pub submitted_at: Ts,
    pub office_id: Option<i64>,
}

pub async fn candidacies(db: &SqlitePool, call_id: i64) -> AppResult<Vec<CandidacyRow>> {
    Ok(sqlx::query_as(
        "SELECT d.id, d.person_id, p.full_name, i.name AS institution, d.statement, d.status, d.submitted_at, d.office_id
         FROM candidacies d JOIN people p ON p.id = d.person_id LEFT JOIN institutions i ON i.id = p.institution_id
         WHERE d.call_id = ? ORDER BY d.id",
    )
    .bind(call_id)
    .fetch_all(db)
    .await?)
}

/// A person applies to a call with a statement; they (or their institution) must be a member
/// of the collective.
pub async fn apply(
    state: &AppState,
    call_id: i64,
    who: &Signed,
    statement: &str,
    actor: &Actor,
) -> AppResult<i64> {
    let person_id = who.person_id();
    let today = Utc::now().date_naive();
    let call = get(&state.db, call_id).await?;
    let statement = statement.trim();
    if call.status != "open" {
        return Err(Invalid::one("", CallProblem::NotOpen).into());
    }
    if today > call.closes_on {
        return Err(Invalid::one("", CallProblem::DeadlinePassed).into());
    }
    if statement.is_empty() {
        return Err(Invalid::one("statement", CallProblem::StatementRequired).into());
    }
    if statement.chars().count() > MAX_TEXT {
        return Err(Invalid::one("statement", CallProblem::TextTooLong { max: MAX_TEXT }).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    if !seats::in_collective(&mut tx, person_id, call.collective_id, today).await? {
        return Err(Invalid::one("", CallProblem::NotInCollective).into());
    }
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO candidacies (call_id, person_id, statement, submitted_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (call_id, person_id) DO NOTHING RETURNING id",
    )
    .bind(call_id)
    .bind(person_id)
    .bind(statement)
    .bind(Ts::now())
    .fetch_optional(&mut *tx)
    .await?;
    let id = id.ok_or_else(|| AppError::from(Invalid::one("", CallProblem::AlreadyApplied)))?;
    audit::record(
        &mut tx,
        actor,
        "candidacy.submitted",
        "candidacy",
        id,
        None,
        Some(json!({"call_id": call_id, "person_id": person_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A candidate withdraws their own candidacy while the call is open.
pub async fn withdraw(
    state: &AppState,
    candidacy_id: i64,
    who: &Signed,
    actor: &Actor,
) -> AppResult<i64> {
    let person_id = who.person_id();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT d.call_id, d.status, k.status FROM candidacies d JOIN calls k ON k.id = d.call_id WHERE d.id = ? AND d.person_id = ?",
    )
    .bind(candidacy_id)
    .bind(person_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (call_id, status, call_status) = row.ok_or(AppError::NotFound)?;
    if status != "submitted" || call_status != "open" {
        return Err(Invalid::one("", CallProblem::NotOpen).into());
    }
    sqlx::query("UPDATE candidacies SET status = 'withdrawn', decided_at = ? WHERE id = ?")
        .bind(Ts::now())
        .bind(candidacy_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "candidacy.withdrawn",
        "candidacy",
        candidacy_id,
        Some(json!({"status": status})),
        Some(json!({"status": "withdrawn"})),
    )
    .await?;
    tx.commit().await?;
    Ok(call_id)
}
