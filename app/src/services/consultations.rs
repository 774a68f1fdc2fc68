//! Public consultations of governance documents: the Executive Secretary opens one (a decision)
//! with a draft whose paragraphs are numbered sections; anyone signed in comments on a section
//! during the period (anonymously when the consultation allows it); at the close the Secretary
//! answers every comment (integrated, declined or left to an agenda, with a theme) and records the
//! final version the Council approved — a decision whose evidence carries the draft, every
//! comment with its answer, and the final text.

use crate::db::Ts;
use crate::domain::consultations::{Answer, NotYet, Phase, may_conclude, phase, sections};
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{ChoiceInvalid, DateInvalid, Lang, Tr, fill};
use crate::services::audit::{self, Actor};
use crate::services::authority::{CouncilSecretary, Signed};
use crate::services::evidence::decisions;
use crate::{AppError, AppState};
use chrono::{NaiveDate, Utc};
use serde_json::json;
use sqlx::{FromRow, SqlitePool};

const MAX_TEXT: usize = 60_000;
const MAX_COMMENT: usize = 4000;

pub const DOCUMENTS: [&str; 4] = [
    "governance-model",
    "ethics-code",
    "security-protocol",
    "call-rules",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsultationProblem {
    Required,
    TooLong { max: usize },
    Period,
    SectionUnknown,
    NotOpen,
    AnonymousNotAllowed,
    NotClosed,
    Unanswered { count: usize },
}

impl Reason for ConsultationProblem {
    fn code(&self) -> &'static str {
        match self {
            ConsultationProblem::Required => "required",
            ConsultationProblem::TooLong { .. } => "too_long",
            ConsultationProblem::Period => "consultation_period_invalid",
            ConsultationProblem::SectionUnknown => "consultation_section_unknown",
            ConsultationProblem::NotOpen => "consultation_not_open",
            ConsultationProblem::AnonymousNotAllowed => "consultation_anonymous_refused",
            ConsultationProblem::NotClosed => "consultation_not_closed",
            ConsultationProblem::Unanswered { .. } => "consultation_comments_unanswered",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            ConsultationProblem::Required => t.problem_required.into(),
            ConsultationProblem::TooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            ConsultationProblem::Period => t.consultation_problem_period.into(),
            ConsultationProblem::SectionUnknown => t.consultation_problem_section.into(),
            ConsultationProblem::NotOpen => t.consultation_problem_not_open.into(),
            ConsultationProblem::AnonymousNotAllowed => t.consultation_problem_anonymous.into(),
            ConsultationProblem::NotClosed => t.consultation_problem_not_closed.into(),
            ConsultationProblem::Unanswered { count } => {
                fill(t.consultation_problem_unanswered, &[("count", count)])
            }
        }
    }
}

#[derive(Clone, Debug, FromRow)]
pub struct ConsultationRow {
    pub id: i64,
    pub document: String,
    pub title_es: String,
    pub title_en: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub anonymous_allowed: bool,
    pub draft: String,
    pub final_text: Option<String>,
    pub final_note: String,
    pub evidence_id: Option<String>,
    pub final_evidence_id: Option<String>,
}

impl ConsultationRow {
    pub fn title(&self, lang: Lang) -> String {
        lang.pick(&self.title_es, &self.title_en)
    }

    pub fn phase(&self, today: NaiveDate) -> Phase {
        phase(
            self.opens_on,
            self.closes_on,
            self.final_text.is_some(),
            today,
        )
    }
}

/// A comment with its author's name as the public sees it (`None`: anonymous).
#[derive(Clone, Debug, FromRow)]
pub struct CommentRow {
    pub id: i64,
    pub section: i64,
    pub author: Option<String>,
    pub text: String,
    pub created_at: Ts,
    pub answer: Option<Answer>,
    pub answer_text: String,
    pub theme: String,
}

const SELECT: &str = "SELECT c.id, c.document, c.title_es, c.title_en, c.opens_on, c.closes_on, c.anonymous_allowed, c.draft,
        c.final_text, c.final_note, d.evidence_id, f.evidence_id AS final_evidence_id
     FROM consultations c LEFT JOIN decisions d ON d.id = c.decision_id LEFT JOIN decisions f ON f.id = c.final_decision_id";

pub async fn all(db: &SqlitePool) -> AppResult<Vec<ConsultationRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} ORDER BY c.opens_on DESC, c.id DESC"
    )))
    .fetch_all(db)
    .await?)
}

pub async fn get<'e>(db: impl sqlx::SqliteExecutor<'e>, id: i64) -> AppResult<ConsultationRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE c.id = ?")))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The comments of a consultation, by section then order of arrival.
pub async fn comments<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    id: i64,
) -> AppResult<Vec<CommentRow>> {
    Ok(sqlx::query_as(
        "SELECT k.id, k.section, CASE WHEN k.anonymous = 1 THEN NULL ELSE p.full_name END AS author, k.text,
                k.created_at, k.answer, k.answer_text, k.theme
         FROM consultation_comments k JOIN people p ON p.id = k.person_id
         WHERE k.consultation_id = ? ORDER BY k.section, k.id",
    )
    .bind(id)
    .fetch_all(db)
    .await?)
}

fn text(errors: &mut Invalid, field: &'static str, v: &str, max: usize) -> String {
    let v = v.trim();
    if v.is_empty() {
        errors.add(field, ConsultationProblem::Required);
    } else if v.chars().count() > max {
        errors.add(field, ConsultationProblem::TooLong { max });
    }
    v.replace("\r\n", "\n")
}

/// A consultation as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct OpenForm {
    pub document: String,
    pub title_es: String,
    pub title_en: String,
    pub opens_on: String,
    pub closes_on: String,
    pub anonymous_allowed: Option<String>,
    pub draft: String,
}

/// The Executive Secretary opens a consultation (a `governance.consultation-opened` decision
/// carrying the draft and its period).
pub async fn open(
    state: &AppState,
    who: &CouncilSecretary,
    form: &OpenForm,
    actor: &Actor,
) -> AppResult<i64> {
    let mut errors = Invalid::new();
    let document = form.document.trim();
    if !DOCUMENTS.contains(&document) {
        errors.add("document", ChoiceInvalid);
    }
    let title_es = text(&mut errors, "title_es", &form.title_es, 200);
    let title_en = text(&mut errors, "title_en", &form.title_en, 200);
    let draft = text(&mut errors, "draft", &form.draft, MAX_TEXT);
    let date = |errors: &mut Invalid, field: &'static str, v: &str| {
        let d = NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok();
        if d.is_none() {
            errors.add(field, DateInvalid);
        }
        d
    };
    let opens_on = date(&mut errors, "opens_on", &form.opens_on);
    let closes_on = date(&mut errors, "closes_on", &form.closes_on);
    if let (Some(o), Some(c)) = (opens_on, closes_on)
        && c < o
    {
        errors.add("closes_on", ConsultationProblem::Period);
    }
    errors.into_result()?;
    let (Some(opens_on), Some(closes_on)) = (opens_on, closes_on) else {
        return Err(Invalid::one("opens_on", DateInvalid).into());
    };
    let anonymous = form.anonymous_allowed.is_some();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO consultations (document, title_es, title_en, opens_on, closes_on, anonymous_allowed, draft, opened_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(document)
    .bind(&title_es)
    .bind(&title_en)
    .bind(opens_on)
    .bind(closes_on)
    .bind(anonymous)
    .bind(&draft)
    .bind(who.person_id())
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    let decision = decisions::record(
        &mut tx,
        &decisions::Decision {
            event: "consultation-opened",
            body: "executive-secretary",
            reference: format!("consultation/{id}/opened"),
            title_es: format!("Consulta pública: {title_es}"),
            title_en: format!("Public consultation: {title_en}"),
            data: json!({
                "consultation": id, "document": document, "opens_on": opens_on, "closes_on": closes_on,
                "anonymous_allowed": anonymous,
                "sections": sections(&draft).iter().map(|s| json!({"n": s.n, "text": s.text})).collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    sqlx::query("UPDATE consultations SET decision_id = ? WHERE id = ?")
        .bind(decision)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "consultation.opened",
        "consultation",
        id,
        None,
        Some(json!({"document": document})),
    )
    .await?;
    tx.commit().await?;
    state.committed();
    Ok(id)
}

/// A comment as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CommentForm {
    pub section: String,
    pub comment: String,
    pub anonymous: Option<String>,
}

/// Anyone signed in comments on a section while the consultation is open.
pub async fn comment(
    state: &AppState,
    who: &Signed,
    id: i64,
    form: &CommentForm,
    actor: &Actor,
) -> AppResult<i64> {
    let c = get(&state.db, id).await?;
    if c.phase(Utc::now().date_naive()) != Phase::Open {
        return Err(Invalid::one("", ConsultationProblem::NotOpen).into());
    }
    let mut errors = Invalid::new();
    let count = sections(&c.draft).len();
    let section = form
        .section
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=count).contains(n));
    if section.is_none() {
        errors.add("section", ConsultationProblem::SectionUnknown);
    }
    let anonymous = form.anonymous.is_some();
    if anonymous && !c.anonymous_allowed {
        errors.add("anonymous", ConsultationProblem::AnonymousNotAllowed);
    }
    let text = text(&mut errors, "comment", &form.comment, MAX_COMMENT);
    errors.into_result()?;
    let section = section.unwrap_or(1) as i64;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let comment: i64 = sqlx::query_scalar(
        "INSERT INTO consultation_comments (consultation_id, section, person_id, anonymous, text, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(id)
    .bind(section)
    .bind(who.person_id())
    .bind(anonymous)
    .bind(&text)
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "consultation.commented",
        "consultation_comment",
        comment,
        None,
        Some(json!({"consultation": id, "section": section})),
    )
    .await?;
    tx.commit().await?;
    Ok(comment)
}

/// An answer as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    pub answer: String,
    pub answer_text: String,
    pub theme: String,
}

/// The Secretary answers a comment once the consultation has closed (again, until it concludes).
pub async fn answer(
    state: &AppState,
    _who: &CouncilSecretary,
    id: i64,
    comment: i64,
    form: &AnswerForm,
    actor: &Actor,
) -> AppResult<()> {
    let c = get(&state.db, id).await?;
    if c.phase(Utc::now().date_naive()) != Phase::Closed {
        return Err(Invalid::one("", ConsultationProblem::NotClosed).into());
    }
    let mut errors = Invalid::new();
    let kind = Answer::parse(form.answer.trim());
    if kind.is_none() {
        errors.add("answer", ChoiceInvalid);
    }
    let answer_text = text(&mut errors, "answer_text", &form.answer_text, MAX_COMMENT);
    let theme = text(&mut errors, "theme", &form.theme, 120);
    errors.into_result()?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let done = sqlx::query(
        "UPDATE consultation_comments SET answer = ?, answer_text = ?, theme = ?, answered_at = ? WHERE id = ? AND consultation_id = ?",
    )
    .bind(kind)
    .bind(&answer_text)
    .bind(&theme)
    .bind(Ts::now())
    .bind(comment)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        actor,
        "consultation.answered",
        "consultation_comment",
        comment,
        None,
        Some(json!({"answer": form.answer.trim(), "theme": theme})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The final version as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FinalForm {
    pub final_text: String,
    pub final_note: String,
}

/// The Secretary records the final version the Council approved, once every comment is
/// answered: a `governance.consultation-concluded` decision carrying the draft, every comment
/// (its author's name unless anonymous) with its answer and theme, and the final text.
pub async fn conclude(
    state: &AppState,
    _who: &CouncilSecretary,
    id: i64,
    form: &FinalForm,
    actor: &Actor,
) -> AppResult<()> {
    let mut errors = Invalid::new();
    let final_text = text(&mut errors, "final_text", &form.final_text, MAX_TEXT);
    let note = form.final_note.trim().to_string();
    errors.into_result()?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let c = get(&mut *tx, id).await?;
    let all = comments(&mut *tx, id).await?;
    let unanswered = all.iter().filter(|k| k.answer.is_none()).count();
    match may_conclude(c.phase(Utc::now().date_naive()), unanswered) {
        Ok(()) => {}
        Err(NotYet::NotClosed) => {
            return Err(Invalid::one("", ConsultationProblem::NotClosed).into());
        }
        Err(NotYet::Unanswered(count)) => {
            return Err(Invalid::one("", ConsultationProblem::Unanswered { count }).into());
        }
    }
    let decision = decisions::record(
        &mut tx,
        &decisions::Decision {
            event: "consultation-concluded",
            body: "executive-council",
            reference: format!("consultation/{id}/final"),
            title_es: format!("Versión final tras la consulta: {}", c.title_es),
            title_en: format!("Final version after the consultation: {}", c.title_en),
            data: json!({
                "consultation": id,
                "document": c.document,
                "draft": sections(&c.draft).iter().map(|s| json!({"n": s.n, "text": s.text})).collect::<Vec<_>>(),
                "comments": all.iter().map(|k| json!({
                    "section": k.section, "author": k.author, "text": k.text,
                    "answer": k.answer.map(Answer::as_str), "answer_text": k.answer_text, "theme": k.theme,
                })).collect::<Vec<_>>(),
                "final_text": final_text,
                "note": note,
            }),
        },
    )
    .await?;
    let done = sqlx::query(
        "UPDATE consultations SET final_text = ?, final_note = ?, concluded_at = ?, final_decision_id = ? WHERE id = ? AND final_text IS NULL",
    )
    .bind(&final_text)
    .bind(&note)
    .bind(Ts::now())
    .bind(decision)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(Invalid::one("", ConsultationProblem::NotClosed).into());
    }
    audit::record(
        &mut tx,
        actor,
        "consultation.concluded",
        "consultation",
        id,
        None,
        Some(json!({"comments": all.len()})),
    )
    .await?;
    tx.commit().await?;
    state.committed();
    Ok(())
}
