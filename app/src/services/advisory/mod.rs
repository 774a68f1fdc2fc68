//! Applications to the Advisory Council: a written application (letter and CV, kept as a
//! document addressed by its SHA-256) or a sitting member's request for a second term, admitted
//! or not by the Executive Council (its Secretary records the decision). An admission appoints
//! the seat after the seat rules and is a public decision that names the application by hashes
//! only; a refusal stays out of the public log (the applicant's personal data is not published).

use super::audit::{self, Actor};
use super::authority::{CouncilSecretary, Signed};
use super::evidence::documents;
use super::mail::{self, Message};
use super::seats::{self, Appoint};
use crate::db::Ts;
use crate::domain::evidence::Hash;
use crate::domain::governance::{self, Term};
use crate::domain::roles::Role;
use crate::error::{AppResult, FieldError, Invalid, Reason};
use crate::i18n::{Tr, fill};
use crate::{AppError, AppState};
use chrono::{NaiveDate, Utc};
use serde_json::json;
use sqlx::{FromRow, SqliteConnection, SqlitePool};

/// The longest letter accepted, in characters.
pub const MAX_LETTER: usize = 8000;
/// The longest decision note accepted, in characters.
pub const MAX_NOTE: usize = 4000;
/// The largest CV accepted, in bytes.
pub const MAX_CV_BYTES: usize = 10 * 1024 * 1024;
/// The longest CV file name kept.
const MAX_FILENAME: usize = 120;

mod decision;
pub mod removal;
pub use decision::*;

/// Why an application, a renewal request or a decision is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdvisoryProblem {
    LetterRequired,
    LetterTooLong { max: usize },
    CvRequired,
    CvNotPdf,
    CvTooLarge { max_mb: usize },
    AlreadyMember,
    AlreadyPending,
    NoSeat,
    NotRenewable,
    NotSubmitted,
    DecisionRequired,
    NoteRequired,
    NoteTooLong { max: usize },
}

impl Reason for AdvisoryProblem {
    fn code(&self) -> &'static str {
        match self {
            AdvisoryProblem::LetterRequired => "required",
            AdvisoryProblem::LetterTooLong { .. } => "too_long",
            AdvisoryProblem::CvRequired => "cv_required",
            AdvisoryProblem::CvNotPdf => "cv_not_pdf",
            AdvisoryProblem::CvTooLarge { .. } => "cv_too_large",
            AdvisoryProblem::AlreadyMember => "already_member",
            AdvisoryProblem::AlreadyPending => "already_pending",
            AdvisoryProblem::NoSeat => "no_seat",
            AdvisoryProblem::NotRenewable => "not_renewable",
            AdvisoryProblem::NotSubmitted => "not_submitted",
            AdvisoryProblem::DecisionRequired => "decision_required",
            AdvisoryProblem::NoteRequired => "note_required",
            AdvisoryProblem::NoteTooLong { .. } => "too_long",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            AdvisoryProblem::LetterRequired => t.adv_problem_letter_required.into(),
            AdvisoryProblem::LetterTooLong { max } | AdvisoryProblem::NoteTooLong { max } => {
                fill(t.problem_too_long, &[("max", max)])
            }
            AdvisoryProblem::CvRequired => t.adv_problem_cv_required.into(),
            AdvisoryProblem::CvNotPdf => t.adv_problem_cv_not_pdf.into(),
            AdvisoryProblem::CvTooLarge { max_mb } => {
                fill(t.adv_problem_cv_too_large, &[("max", max_mb)])
            }
            AdvisoryProblem::AlreadyMember => t.adv_problem_already_member.into(),
            AdvisoryProblem::AlreadyPending => t.adv_problem_already_pending.into(),
            AdvisoryProblem::NoSeat => t.adv_problem_no_seat.into(),
            AdvisoryProblem::NotRenewable => t.adv_problem_not_renewable.into(),
            AdvisoryProblem::NotSubmitted => t.adv_problem_not_submitted.into(),
            AdvisoryProblem::DecisionRequired => t.adv_problem_decision_required.into(),
            AdvisoryProblem::NoteRequired => t.adv_problem_note_required.into(),
        }
    }
}

/// A CV as uploaded: file name, declared content type, bytes.
pub type CvUpload<'a> = (&'a str, &'a str, &'a [u8]);

/// Checks a letter: required, and at most [`MAX_LETTER`] characters.
fn check_letter(invalid: &mut Invalid, letter: &str) {
    if letter.is_empty() {
        invalid.add("letter", AdvisoryProblem::LetterRequired);
    } else if letter.chars().count() > MAX_LETTER {
        invalid.add("letter", AdvisoryProblem::LetterTooLong { max: MAX_LETTER });
    }
}

/// A file name safe to keep and to send back: its last path segment, without control
/// characters, at most [`MAX_FILENAME`] characters, `cv.pdf` when nothing is left.
pub fn clean_filename(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILENAME)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_string();
    if cleaned.is_empty() {
        "cv.pdf".into()
    } else {
        cleaned
    }
}

/// The file name for a `Content-Disposition` header: ASCII letters, digits, `.`, `-` and `_`
/// only (anything else becomes `_`), ending in `.pdf`.
pub fn attachment_filename(name: &str) -> String {
    let base: String = clean_filename(name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let base = base.trim_matches(['.', '_']).to_string();
    let base = if base.is_empty() { "cv".into() } else { base };
    if base.to_ascii_lowercase().ends_with(".pdf") {
        base
    } else {
        format!("{base}.pdf")
    }
}

/// Why `person_id` may not apply for a seat now: they hold one (today or from a later day), or
/// an application of theirs is still to be decided.
async fn cannot_apply(
    conn: &mut SqliteConnection,
    person_id: i64,
    today: NaiveDate,
) -> AppResult<Option<AdvisoryProblem>> {
    if pending_of(conn, person_id).await? {
        return Ok(Some(AdvisoryProblem::AlreadyPending));
    }
    let seats: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM offices WHERE person_id = ?1 AND role = 'advisory_member' AND revoked_at IS NULL
           AND (ends_on IS NULL OR ends_on >= ?2)",
    )
    .bind(person_id)
    .bind(today)
    .fetch_one(&mut *conn)
    .await?;
    Ok((seats > 0).then_some(AdvisoryProblem::AlreadyMember))
}

/// Whether an application of `person_id` is still to be decided.
async fn pending_of(conn: &mut SqliteConnection, person_id: i64) -> AppResult<bool> {
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM advisory_applications WHERE person_id = ? AND status = 'submitted'",
    )
    .bind(person_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(pending > 0)
}

/// A person applies for an Advisory Council seat with a letter and a CV (a PDF). The Executive
/// Secretary is told by mail. Returns the application's id.
pub async fn apply(
    state: &AppState,
    who: &Signed,
    letter: &str,
    cv: Option<CvUpload<'_>>,
    actor: &Actor,
) -> AppResult<i64> {
    crate::services::identity::require_standing(&state.db, who.person_id()).await?;
    let person_id = who.person_id();
    let today = Utc::now().date_naive();
    let letter = letter.trim();
    let mut invalid = Invalid::new();
    check_letter(&mut invalid, letter);
    let cv = cv.filter(|(_, _, bytes)| !bytes.is_empty());
    match cv {
        None => invalid.add("cv", AdvisoryProblem::CvRequired),
        Some((_, _, bytes)) if bytes.len() > MAX_CV_BYTES => invalid.add(
            "cv",
            AdvisoryProblem::CvTooLarge {
                max_mb: MAX_CV_BYTES / (1024 * 1024),
            },
        ),
        Some((_, _, bytes)) if !bytes.starts_with(b"%PDF-") => {
            invalid.add("cv", AdvisoryProblem::CvNotPdf);
        }
        Some(_) => {}
    }
    invalid.into_result()?;
    let Some((filename, _, bytes)) = cv else {
        return Err(AppError::internal("CV checked"));
    };
    {
        let mut conn = state.db.acquire().await?;
        if let Some(problem) = cannot_apply(&mut conn, person_id, today).await? {
            return Err(Invalid::one("", problem).into());
        }
    }
    let filename = clean_filename(filename);
    let hash = documents::store(&state.settings.documents_dir(), bytes).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    if let Some(problem) = cannot_apply(&mut tx, person_id, today).await? {
        return Err(Invalid::one("", problem).into());
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO advisory_applications (person_id, kind, letter, cv_sha256, cv_filename, submitted_at)
         VALUES (?, 'admission', ?, ?, ?, ?) RETURNING id",
    )
    .bind(person_id)
    .bind(letter)
    .bind(hash.hex())
    .bind(&filename)
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "advisory.applied",
        "advisory_application",
        id,
        None,
        Some(json!({
            "person_id": person_id, "kind": "admission", "letter_sha256": Hash::of(letter.as_bytes()).hex(),
            "cv_sha256": hash.hex(), "cv_filename": filename, "cv_bytes": bytes.len(),
        })),
    )
    .await?;
    tell_secretaries(state, &mut tx, id, person_id, "admission").await?;
    tx.commit().await?;
    Ok(id)
}

/// A sitting member of the Advisory Council asks for a second term; it would continue the
/// latest term of their chain, and the seat rules must allow it. Returns the request's id.
pub async fn request_renewal(
    state: &AppState,
    who: &Signed,
    letter: &str,
    actor: &Actor,
) -> AppResult<i64> {
    let person_id = who.person_id();
    let today = Utc::now().date_naive();
    let letter = letter.trim();
    let mut invalid = Invalid::new();
    check_letter(&mut invalid, letter);
    invalid.into_result()?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let Some(current) = current_term(&mut tx, person_id, today).await? else {
        return Err(Invalid::one("", AdvisoryProblem::NoSeat).into());
    };
    if pending_of(&mut tx, person_id).await? {
        return Err(Invalid::one("", AdvisoryProblem::AlreadyPending).into());
    }
    let latest = latest_in_chain(&mut tx, current).await?;
    let starts_on = renewal_start_of(&mut tx, latest).await?;
    seats::check(
        &mut tx,
        &state.settings.governance,
        &renewal_appointment(person_id, latest, starts_on, json!({}), String::new()),
    )
    .await
    .map_err(|e| refield(e, ""))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO advisory_applications (person_id, kind, letter, renews, submitted_at)
         VALUES (?, 'renewal', ?, ?, ?) RETURNING id",
    )
    .bind(person_id)
    .bind(letter)
    .bind(latest)
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "advisory.renewal-requested",
        "advisory_application",
        id,
        None,
        Some(json!({
            "person_id": person_id, "kind": "renewal", "renews": latest, "starts_on": starts_on,
            "letter_sha256": Hash::of(letter.as_bytes()).hex(),
        })),
    )
    .await?;
    tell_secretaries(state, &mut tx, id, person_id, "renewal").await?;
    tx.commit().await?;
    Ok(id)
}

/// The advisory term `person_id` holds on `today`, if any.
async fn current_term(
    conn: &mut SqliteConnection,
    person_id: i64,
    today: NaiveDate,
) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM offices WHERE person_id = ?1 AND role = 'advisory_member' AND starts_on <= ?2
           AND (ends_on IS NULL OR ends_on >= ?2) AND (revoked_at IS NULL OR revoked_at >= ?3)
         ORDER BY starts_on DESC, id DESC LIMIT 1",
    )
    .bind(person_id)
    .bind(today)
    // revoked during `today`: no longer held today (`Office::is_active_on`)
    .bind(today.checked_add_days(chrono::Days::new(1)).unwrap_or(today))
    .fetch_optional(&mut *conn)
    .await?)
}

/// The last term of the chain `office_id` starts (following renewals that were not revoked).
async fn latest_in_chain(conn: &mut SqliteConnection, office_id: i64) -> AppResult<i64> {
    let mut latest = office_id;
    // a chain is short (one term plus its renewals); the bound only guards against a cycle
    for _ in 0..64 {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM offices WHERE renews = ? AND role = 'advisory_member' AND revoked_at IS NULL ORDER BY id LIMIT 1",
        )
        .bind(latest)
        .fetch_optional(&mut *conn)
        .await?;
        match next {
            Some(n) => latest = n,
            None => break,
        }
    }
    Ok(latest)
}

/// The first day of a term renewing the advisory term `office_id`; refused when that term has
/// no end or was cut short.
async fn renewal_start_of(conn: &mut SqliteConnection, office_id: i64) -> AppResult<NaiveDate> {
    let terms = seats::terms_of(conn, Role::AdvisoryMember).await?;
    terms
        .iter()
        .find(|t| t.office_id == office_id)
        .and_then(|t: &Term| governance::renewal_start(t))
        .ok_or_else(|| Invalid::one("", AdvisoryProblem::NotRenewable).into())
}

fn renewal_appointment(
    person_id: i64,
    renews: i64,
    starts_on: NaiveDate,
    grounds: serde_json::Value,
    note: String,
) -> Appoint {
    Appoint {
        person_id,
        role: Role::AdvisoryMember,
        collective_id: None,
        starts_on,
        ends_on: None,
        renews: Some(renews),
        event: "advisory-renewed",
        body: "executive-council",
        grounds,
        note,
    }
}

/// The same problems, tied to another field of the form.
fn refield(e: AppError, field: &'static str) -> AppError {
    match e {
        AppError::Invalid(inv) => AppError::Invalid(Invalid(
            inv.0
                .into_iter()
                .map(|fe| FieldError {
                    field,
                    reason: fe.reason,
                })
                .collect(),
        )),
        other => other,
    }
}

/// Mails the Executive Secretary (every person holding the office today, with an address)
/// that an application or a renewal request waits for the Executive Council.
async fn tell_secretaries(
    state: &AppState,
    conn: &mut SqliteConnection,
    id: i64,
    person_id: i64,
    kind: &str,
) -> AppResult<()> {
    let today = Utc::now().date_naive();
    let applicant: String = sqlx::query_scalar("SELECT full_name FROM people WHERE id = ?")
        .bind(person_id)
        .fetch_one(&mut *conn)
        .await?;
    let secretaries = super::seats::executive_secretaries(conn, today).await?;
    let url = format!(
        "{}/advisory/applications/{id}",
        state.settings.public_url.trim_end_matches('/')
    );
    let (what_es, what_en) = if kind == "renewal" {
        (
            "una solicitud de segundo periodo en el Consejo Consultivo",
            "a request for a second term on the Advisory Council",
        )
    } else {
        (
            "una solicitud de admisión al Consejo Consultivo",
            "an application to the Advisory Council",
        )
    };
    for (_, name, email) in secretaries.into_iter().filter(|s| !s.2.is_empty()) {
        mail::queue(
            conn,
            &Message {
                to_address: email,
                to_name: name,
                subject: format!(
                    "Consejo Consultivo: solicitud de {applicant} / Advisory Council: application by {applicant}"
                ),
                body_text: format!(
                    "{applicant} presentó {what_es}. El Consejo Ejecutivo decide; la Secretaría registra la decisión.\n{url}\n\n\
                     {applicant} submitted {what_en}. The Executive Council decides; its Secretary records the decision.\n{url}\n"
                ),
                ics: None,
                topic: format!("advisory-application/{id}"),
            },
        )
        .await?;
    }
    Ok(())
}

/// An application as the pages show it.
#[derive(Clone, Debug, FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub email: String,
    pub institution: Option<String>,
    pub kind: String,
    pub letter: String,
    pub cv_sha256: Option<String>,
    pub cv_filename: String,
    pub renews: Option<i64>,
    pub status: String,
    pub submitted_at: Ts,
    pub decided_at: Option<Ts>,
    pub decision_note: String,
    pub office_id: Option<i64>,
}

impl ApplicationRow {
    pub fn is_pending(&self) -> bool {
        self.status == "submitted"
    }

    pub fn is_renewal(&self) -> bool {
        self.kind == "renewal"
    }
}

const APPLICATION_SELECT: &str = "SELECT a.id, a.person_id, p.full_name, p.email, i.name AS institution, a.kind, a.letter,
        a.cv_sha256, a.cv_filename, a.renews, a.status, a.submitted_at, a.decided_at, a.decision_note, a.office_id
 FROM advisory_applications a JOIN people p ON p.id = a.person_id LEFT JOIN institutions i ON i.id = p.institution_id";

/// Every application: those still to be decided first (oldest first), then the decided ones
/// (latest decision first).
pub async fn list(db: &SqlitePool) -> AppResult<Vec<ApplicationRow>> {
    let sql = format!(
        "{APPLICATION_SELECT}
         ORDER BY CASE a.status WHEN 'submitted' THEN 0 ELSE 1 END,
                  CASE a.status WHEN 'submitted' THEN a.submitted_at ELSE '' END,
                  a.decided_at DESC, a.id DESC
         LIMIT 500"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(db)
        .await?)
}

/// The applications of one person, latest first.
pub async fn of_person(db: &SqlitePool, person_id: i64) -> AppResult<Vec<ApplicationRow>> {
    let sql = format!("{APPLICATION_SELECT} WHERE a.person_id = ? ORDER BY a.id DESC");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_all(db)
        .await?)
}

pub async fn get(db: &SqlitePool, id: i64) -> AppResult<ApplicationRow> {
    let sql = format!("{APPLICATION_SELECT} WHERE a.id = ?");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The advisory seat `person_id` holds today and, when it was already renewed, the latest term
/// of its chain.
pub async fn seat_of(
    db: &SqlitePool,
    person_id: i64,
) -> AppResult<Option<(seats::SeatHolder, seats::SeatHolder)>> {
    let today = Utc::now().date_naive();
    let mut conn = db.acquire().await?;
    let Some(current) = current_term(&mut conn, person_id, today).await? else {
        return Ok(None);
    };
    let latest = latest_in_chain(&mut conn, current).await?;
    let current = seats::holder(&mut conn, current).await?;
    let latest = seats::holder(&mut conn, latest).await?;
    Ok(Some((current, latest)))
}

/// A seat by its office id (the term a renewal continues, the term an admission granted).
pub async fn term(db: &SqlitePool, office_id: i64) -> AppResult<seats::SeatHolder> {
    let mut conn = db.acquire().await?;
    seats::holder(&mut conn, office_id).await
}

/// The CV of an application: its (cleaned) file name and bytes.
pub async fn cv(state: &AppState, application: &ApplicationRow) -> AppResult<(String, Vec<u8>)> {
    let hash = application
        .cv_sha256
        .as_deref()
        .and_then(Hash::from_hex)
        .ok_or(AppError::NotFound)?;
    let bytes = documents::read(&state.settings.documents_dir(), &hash)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((application.cv_filename.clone(), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_cleaned_for_keeping_and_for_headers() {
        assert_eq!(clean_filename("C:\\Users\\ana\\CV Ana.pdf"), "CV Ana.pdf");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename(""), "cv.pdf");
        assert_eq!(clean_filename("..."), "cv.pdf");
        assert_eq!(attachment_filename("CV Ana María.pdf"), "CV_Ana_Mar_a.pdf");
        assert_eq!(attachment_filename("x\"; y=z"), "x___y_z.pdf");
        assert_eq!(attachment_filename("résumé"), "r_sum.pdf");
        assert_eq!(attachment_filename(""), "cv.pdf");
    }
}
