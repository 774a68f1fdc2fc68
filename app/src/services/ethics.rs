//! The ethics code and the security protocol: versions published by the Executive Council (the
//! Executive Secretary records each; its decision's evidence carries the text and its
//! fingerprint), the acceptances of the ethics code (one decision a day lists the day's), and the
//! gate: while an ethics code is in force, whoever has not accepted it may read everything but
//! not vote, apply or file.

use crate::db::Ts;
use crate::domain::documents::{Acceptance, DocKind, acceptance, fingerprint};
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{Tr, fill};
use crate::services::audit::{self, Actor};
use crate::services::authority::{CouncilSecretary, Signed};
use crate::services::evidence::decisions;
use crate::{AppError, AppState};
use chrono::{NaiveDate, NaiveTime};
use serde_json::json;
use sqlx::{FromRow, SqlitePool};

const MAX_TEXT: usize = 60_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EthicsProblem {
    Required,
    TooLong {
        max: usize,
    },
    /// The ethics code in force (this version) is not accepted yet.
    NotAccepted {
        version: i64,
    },
    Unchanged,
}

impl Reason for EthicsProblem {
    fn code(&self) -> &'static str {
        match self {
            EthicsProblem::Required => "required",
            EthicsProblem::TooLong { .. } => "too_long",
            EthicsProblem::NotAccepted { .. } => "ethics_code_not_accepted",
            EthicsProblem::Unchanged => "document_unchanged",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            EthicsProblem::Required => t.problem_required.into(),
            EthicsProblem::TooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            EthicsProblem::NotAccepted { version } => {
                fill(t.ethics_problem_not_accepted, &[("version", version)])
            }
            EthicsProblem::Unchanged => t.ethics_problem_unchanged.into(),
        }
    }

    fn link(&self, t: &'static Tr) -> Option<(&'static str, &'static str)> {
        matches!(self, EthicsProblem::NotAccepted { .. })
            .then_some(("/ethics#accept", t.ethics_problem_not_accepted_link))
    }
}

/// One published version.
#[derive(Clone, Debug, FromRow)]
pub struct Version {
    pub id: i64,
    pub kind: DocKind,
    pub version: i64,
    pub title_es: String,
    pub title_en: String,
    pub text_es: String,
    pub text_en: String,
    pub change_note: String,
    pub sha256: String,
    pub published_on: NaiveDate,
    pub evidence_id: Option<String>,
}

impl Version {
    pub fn title(&self, lang: crate::i18n::Lang) -> String {
        lang.pick(&self.title_es, &self.title_en)
    }

    pub fn text(&self, lang: crate::i18n::Lang) -> String {
        lang.pick(&self.text_es, &self.text_en)
    }

    /// The reference of the decision that published it.
    pub fn reference(&self) -> String {
        format!("{}/{}", self.kind.as_str(), self.version)
    }
}

const VERSION_SELECT: &str =
    "SELECT g.id, g.kind, g.version, g.title_es, g.title_en, g.text_es, g.text_en, g.change_note,
        g.sha256, g.published_on, d.evidence_id
     FROM governance_documents g LEFT JOIN decisions d ON d.id = g.decision_id";

/// Every version of `kind`, newest first.
pub async fn versions(db: &SqlitePool, kind: DocKind) -> AppResult<Vec<Version>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{VERSION_SELECT} WHERE g.kind = ? ORDER BY g.version DESC"
    )))
    .bind(kind)
    .fetch_all(db)
    .await?)
}

/// The version of `kind` in force (the newest), if any was published.
pub async fn in_force<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    kind: DocKind,
) -> AppResult<Option<Version>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{VERSION_SELECT} WHERE g.kind = ? ORDER BY g.version DESC LIMIT 1"
    )))
    .bind(kind)
    .fetch_optional(db)
    .await?)
}

/// A new version as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct VersionForm {
    pub kind: String,
    pub title_es: String,
    pub title_en: String,
    pub text_es: String,
    pub text_en: String,
    pub change_note: String,
}

/// The Executive Secretary records the Council's publication of a new version (the next
/// number); its `governance.<kind>-published` decision carries the texts and the fingerprint.
pub async fn publish(
    state: &AppState,
    who: &CouncilSecretary,
    form: &VersionForm,
    actor: &Actor,
) -> AppResult<i64> {
    let kind = DocKind::parse(form.kind.trim()).ok_or(AppError::NotFound)?;
    let mut errors = Invalid::new();
    let field = |errors: &mut Invalid, name: &'static str, v: &str, max: usize| {
        let v = v.trim();
        if v.is_empty() {
            errors.add(name, EthicsProblem::Required);
        } else if v.chars().count() > max {
            errors.add(name, EthicsProblem::TooLong { max });
        }
        v.replace("\r\n", "\n")
    };
    let title_es = field(&mut errors, "title_es", &form.title_es, 200);
    let title_en = field(&mut errors, "title_en", &form.title_en, 200);
    let text_es = field(&mut errors, "text_es", &form.text_es, MAX_TEXT);
    let text_en = field(&mut errors, "text_en", &form.text_en, MAX_TEXT);
    let note = form.change_note.trim().to_string();
    if note.chars().count() > 4000 {
        errors.add("change_note", EthicsProblem::TooLong { max: 4000 });
    }
    errors.into_result()?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let before = in_force(&mut *tx, kind).await?;
    if before
        .as_ref()
        .is_some_and(|b| b.text_es == text_es && b.text_en == text_en)
    {
        return Err(Invalid::one("text_es", EthicsProblem::Unchanged).into());
    }
    let version = before.as_ref().map_or(1, |b| b.version + 1);
    let sha256 = fingerprint(kind, version, &text_es, &text_en);
    let now = Ts::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO governance_documents (kind, version, title_es, title_en, text_es, text_en, change_note, sha256,
             published_on, published_at, published_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(kind)
    .bind(version)
    .bind(&title_es)
    .bind(&title_en)
    .bind(&text_es)
    .bind(&text_en)
    .bind(&note)
    .bind(&sha256)
    .bind(now.0.date_naive())
    .bind(now)
    .bind(who.person_id())
    .fetch_one(&mut *tx)
    .await?;
    let decision = decisions::record(
        &mut tx,
        &decisions::Decision {
            event: match kind {
                DocKind::EthicsCode => "ethics-code-published",
                DocKind::SecurityProtocol => "security-protocol-published",
            },
            body: "executive-council",
            reference: format!("{}/{version}", kind.as_str()),
            title_es: format!("{} — versión {version}", title_es),
            title_en: format!("{} — version {version}", title_en),
            data: json!({
                "kind": kind.as_str(),
                "version": version,
                "title_es": title_es,
                "title_en": title_en,
                "text_es": text_es,
                "text_en": text_en,
                "change_note": note,
                "sha256": sha256,
                "replaces": before.as_ref().map(|b| b.sha256.clone()),
            }),
        },
    )
    .await?;
    sqlx::query("UPDATE governance_documents SET decision_id = ? WHERE id = ?")
        .bind(decision)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "governance-document.published",
        "governance_document",
        id,
        None,
        Some(json!({"kind": kind.as_str(), "version": version, "sha256": sha256})),
    )
    .await?;
    tx.commit().await?;
    state.committed();
    Ok(version)
}

/// The versions of the ethics code `person_id` accepted.
pub async fn accepted_by(db: &SqlitePool, person_id: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT g.version FROM ethics_acceptances a JOIN governance_documents g ON g.id = a.document_id
         WHERE a.person_id = ? AND g.kind = 'ethics-code' ORDER BY g.version",
    )
    .bind(person_id)
    .fetch_all(db)
    .await?)
}

/// Whether `person_id` may vote, apply or file: refused, with the version to accept, while the
/// ethics code in force is not accepted.
pub async fn require_accepted(db: &SqlitePool, person_id: i64) -> AppResult<()> {
    let current = in_force(db, DocKind::EthicsCode).await?.map(|v| v.version);
    match acceptance(current, &accepted_by(db, person_id).await?) {
        Acceptance::Clear => Ok(()),
        Acceptance::Missing { version } => {
            Err(Invalid::one("", EthicsProblem::NotAccepted { version }).into())
        }
    }
}

/// The signed-in person accepts the ethics code in force (its fingerprint recorded); accepting
/// it again changes nothing. Returns the version accepted.
pub async fn accept(state: &AppState, who: &Signed, version: i64, actor: &Actor) -> AppResult<i64> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let current = in_force(&mut *tx, DocKind::EthicsCode)
        .await?
        .ok_or(AppError::NotFound)?;
    // the form names the version read: a newer one published meanwhile must be read first
    if current.version != version {
        return Err(AppError::Conflict(
            "a newer version of the ethics code was published: read it first".into(),
        ));
    }
    let done = sqlx::query(
        "INSERT INTO ethics_acceptances (person_id, document_id, sha256, accepted_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (person_id, document_id) DO NOTHING",
    )
    .bind(who.person_id())
    .bind(current.id)
    .bind(&current.sha256)
    .bind(Ts::now())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        audit::record(
            &mut tx,
            actor,
            "ethics-code.accepted",
            "governance_document",
            current.id,
            None,
            Some(json!({"version": current.version, "sha256": current.sha256})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(current.version)
}

/// An acceptance not registered yet: (person, name, version, fingerprint, when).
type Accepted = (i64, String, i64, String, Ts);

/// Registers the acceptances of every day before `today` not registered yet: one
/// `governance.ethics-code-accepted` decision per day listing them (who, which version, its
/// fingerprint, when), so the log holds every acceptance without an entry per person. Returns
/// how many days were registered.
pub async fn register_acceptances(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let start = Ts(today.and_time(NaiveTime::MIN).and_utc());
    let rows: Vec<Accepted> = sqlx::query_as(
        "SELECT a.person_id, p.full_name, g.version, a.sha256, a.accepted_at FROM ethics_acceptances a
         JOIN people p ON p.id = a.person_id JOIN governance_documents g ON g.id = a.document_id
         WHERE a.batch_id IS NULL AND a.accepted_at < ? ORDER BY a.accepted_at, a.person_id",
    )
    .bind(start)
    .fetch_all(&state.db)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut days: Vec<(NaiveDate, Vec<Accepted>)> = Vec::new();
    for r in rows {
        let day = r.4.0.date_naive();
        match days.last_mut() {
            Some((d, list)) if *d == day => list.push(r),
            _ => days.push((day, vec![r])),
        }
    }
    let count = days.len();
    let mut tx = crate::db::begin_write(&state.db).await?;
    for (day, list) in days {
        let decision = decisions::record(
            &mut tx,
            &decisions::Decision {
                event: "ethics-code-accepted",
                body: "members",
                reference: format!("ethics-code-accepted/{day}"),
                title_es: format!("Aceptaciones del código de ética del {day}"),
                title_en: format!("Ethics code acceptances of {day}"),
                data: json!({
                    "day": day,
                    "acceptances": list.iter().map(|(_, name, version, sha, at)| json!({
                        "name": name, "version": version, "sha256": sha,
                        "accepted_at": crate::domain::evidence::entry::format_time(at.0),
                    })).collect::<Vec<_>>(),
                }),
            },
        )
        .await?;
        for (person, _, version, _, _) in &list {
            sqlx::query(
                "UPDATE ethics_acceptances SET batch_id = ? WHERE person_id = ? AND batch_id IS NULL
                   AND document_id = (SELECT id FROM governance_documents WHERE kind = 'ethics-code' AND version = ?)",
            )
            .bind(decision)
            .bind(person)
            .bind(version)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    state.committed();
    Ok(count)
}
