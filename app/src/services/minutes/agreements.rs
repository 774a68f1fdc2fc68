//! The agreements the minutes record — what, who (a seat of the meeting), by when — proposed
//! with the draft, opened when the minutes are approved (a decision, and a message to the
//! owner), mailed to their owner once when overdue, and closed as done or dropped (a decision).

use super::{MAX_COMMENT, MinutesProblem, get, held, is_member, refused, scope};
use crate::db::Ts;
use crate::domain::evidence::Hash;
use crate::domain::meetings::Body;
use crate::domain::minutes::{AgreementRefusal, AgreementStatus, MinutesStatus, Outcome};
use crate::error::{AppResult, Invalid};
use crate::services::audit::{self, Actor};
use crate::services::authority::Convener;
use crate::services::evidence::decisions::{self, Decision};
use crate::services::mail::{self, Message};
use crate::services::meetings::{self, MeetingRow};
use crate::{AppError, AppState};
use chrono::{NaiveDate, Utc};
use serde_json::json;
use sqlx::{FromRow, SqliteConnection, SqlitePool};

const MAX_AGREEMENT: usize = 1000;

#[derive(Clone, Debug, FromRow)]
pub struct AgreementRow {
    pub id: i64,
    pub meeting_id: i64,
    pub text: String,
    pub owner_id: i64,
    pub owner_name: String,
    pub due_on: NaiveDate,
    pub status: AgreementStatus,
    pub closed_at: Option<Ts>,
    pub closing_note: String,
    pub title_es: String,
    pub title_en: String,
    pub body: String,
}

impl AgreementRow {
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status.overdue(self.due_on, today)
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
    let sql = format!(
        "{AGREEMENT_SELECT} WHERE a.status = 'open' AND m.body IN (SELECT value FROM json_each(?))
         ORDER BY a.due_on, a.id LIMIT 500"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(serde_json::to_string(bodies).map_err(AppError::internal)?)
        .fetch_all(db)
        .await?)
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
    convener: &Convener,
    meeting_id: i64,
    f: &AgreementForm,
    actor: &Actor,
) -> AppResult<i64> {
    meetings::covered(&state.db, convener, meeting_id).await?;
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
    if let Some(n) = get(&mut *tx, meeting_id).await?
        && n.status == MinutesStatus::Approved
    {
        return Err(refused(crate::domain::minutes::MinutesRefusal::Approved));
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
    convener: &Convener,
    meeting_id: i64,
    agreement_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    meetings::covered(&state.db, convener, meeting_id).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let done = sqlx::query(
        "DELETE FROM agreements WHERE id = ? AND meeting_id = ? AND status = 'proposed'",
    )
    .bind(agreement_id)
    .bind(meeting_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Invalid::one("", AgreementRefusal::NotProposed).into());
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

/// Opens a proposed agreement when its minutes are approved (inside the approval's
/// transaction): a decision, and a message to its owner.
pub(super) async fn open_agreement(
    state: &AppState,
    tx: &mut SqliteConnection,
    m: &MeetingRow,
    a: &AgreementRow,
    minutes_pdf: &Hash,
) -> AppResult<()> {
    let next = a
        .status
        .open()
        .map_err(|r| AppError::from(Invalid::one("", r)))?;
    sqlx::query(
        "UPDATE agreements SET status = ?, opened_at = ? WHERE id = ? AND status = 'proposed'",
    )
    .bind(next)
    .bind(Ts::now())
    .bind(a.id)
    .execute(&mut *tx)
    .await?;
    decisions::record(
        tx,
        &Decision {
            event: "agreement-opened",
            body: scope(m),
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
    convener: &Convener,
    agreement_id: i64,
    outcome: &str,
    note: &str,
    actor: &Actor,
) -> AppResult<()> {
    let outcome = Outcome::parse(outcome)
        .ok_or_else(|| Invalid::one("outcome", MinutesProblem::OutcomeInvalid))?;
    let note = note.trim();
    if outcome == Outcome::Dropped && note.is_empty() {
        return Err(Invalid::one("note", MinutesProblem::Required).into());
    }
    if note.chars().count() > MAX_COMMENT {
        return Err(Invalid::one("note", MinutesProblem::TooLong { max: MAX_COMMENT }).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let a = agreement(&mut *tx, agreement_id).await?;
    convener.covers(meetings::get(&mut *tx, a.meeting_id).await?.body())?;
    let next = a
        .status
        .close(outcome)
        .map_err(|r| AppError::from(Invalid::one("", r)))?;
    let done = sqlx::query(
        "UPDATE agreements SET status = ?, closed_at = ?, closed_by = ?, closing_note = ? WHERE id = ? AND status = 'open'",
    )
    .bind(next)
    .bind(Ts::now())
    .bind(actor.account_id)
    .bind(note)
    .bind(agreement_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Invalid::one("", AgreementRefusal::NotOpen).into());
    }
    let today = Utc::now().date_naive();
    let done_word = next == AgreementStatus::Done;
    decisions::record(
        &mut tx,
        &Decision {
            event: "agreement-closed",
            body: Body::parse(&a.body).map_or("collectives", |b| b.decision_scope()),
            reference: format!("agreement/{agreement_id}/closed"),
            title_es: format!(
                "Acuerdo {}: {}",
                if done_word { "cumplido" } else { "desistido" },
                a.text
            ),
            title_en: format!(
                "Agreement {}: {}",
                if done_word { "done" } else { "dropped" },
                a.text
            ),
            data: json!({
                "agreement": {"id": a.id, "text": a.text, "owner": {"id": a.owner_id, "name": a.owner_name}, "due_on": a.due_on},
                "meeting": {"id": a.meeting_id, "title_es": a.title_es},
                "outcome": next,
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
        Some(json!({"status": next, "note": note})),
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
