//! Writing and filing a report: only an author of its debtor may ([`Author`] is the proof), for
//! a period the debtor owes that is over. A draft keeps the answers and the figures as of its
//! last save; filing checks every answer is written, freezes the figures and the answers as a
//! PDF/A (rendered and stored before the write lock), and records a `governance.report-filed`
//! decision carrying it, so the filed report is an evidence in the log.

use super::facts::{Fact, facts};
use super::{ReportProblem, ReportRow, Subject, obligation, report_for, subjects};
use crate::db::Ts;
use crate::domain::reporting::{Debtor, Obligation, Question, Span, Standing};
use crate::error::{AppResult, Invalid};
use crate::services::audit::{self, Actor};
use crate::services::authority::Signed;
use crate::services::evidence::{decisions, documents};
use crate::{AppError, AppState};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use std::collections::BTreeMap;

const MAX_TEXT: usize = 8000;

/// Proof that a person writes a debtor's report for a period: made only by [`Author::check`].
#[derive(Clone, Debug)]
pub struct Author {
    pub subject: Subject,
    pub obligation: Obligation,
    pub span: Span,
    pub due_on: NaiveDate,
    person_id: i64,
}

impl Author {
    /// `who` writes `subject_key`'s report (of kind `debtor`) for the period labelled
    /// `period` — if they are one of its authors today, and the period is one it owes and over.
    pub async fn check(
        state: &AppState,
        who: &Signed,
        debtor: &str,
        subject_key: &str,
        period: &str,
        today: NaiveDate,
    ) -> AppResult<Author> {
        let debtor = Debtor::parse(debtor.trim()).ok_or(AppError::NotFound)?;
        let mut conn = state.db.acquire().await?;
        let obligation = obligation(&mut *conn, debtor).await?;
        let subject = subjects(&mut conn, debtor, obligation.starts_on, today)
            .await?
            .into_iter()
            .find(|s| s.key == subject_key.trim())
            .ok_or(AppError::NotFound)?;
        if !subject.authors.contains(&who.person_id()) {
            return Err(Invalid::one("", ReportProblem::NotYours).into());
        }
        let span = Span::parse(period.trim(), obligation.period)
            .filter(|s| obligation.active && s.end < today)
            .filter(|s| obligation.periods(subject.since, today).contains(s))
            .ok_or_else(|| AppError::from(Invalid::one("", ReportProblem::PeriodRefused)))?;
        let due_on = obligation.due_on(span, &state.settings.meetings.holidays);
        Ok(Author {
            subject,
            obligation,
            span,
            due_on,
            person_id: who.person_id(),
        })
    }

    /// The reference of the report's decision (and evidence).
    pub fn reference(&self) -> String {
        format!(
            "report/{}/{}/{}",
            self.subject.debtor.as_str(),
            self.subject.key,
            self.span.label()
        )
    }
}

/// A report as its form shows it: the one started (or filed), or the figures of a new one.
#[derive(Clone, Debug)]
pub struct Draft {
    pub report: Option<ReportRow>,
    pub facts: Vec<Fact>,
}

/// The report of `a`'s debtor and period: as saved, or a new one with the portal's figures.
pub async fn open(state: &AppState, a: &Author) -> AppResult<Draft> {
    let mut conn = state.db.acquire().await?;
    let report = report_for(&mut *conn, a.subject.debtor, &a.subject.key, a.span.start).await?;
    let facts = match &report {
        Some(r) if r.filed() => r.facts(),
        _ => facts(&mut conn, &a.subject, a.span).await?,
    };
    Ok(Draft { report, facts })
}

/// The answers as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReportForm {
    pub debtor: String,
    pub subject: String,
    pub period: String,
    pub performance: String,
    pub lessons: String,
    pub proposals: String,
    pub strategies: String,
    pub justifications: String,
    pub advice: String,
    pub outcomes: String,
    /// Present when the author files (rather than saves) it.
    pub file: Option<String>,
}

impl ReportForm {
    pub fn answer(&self, q: Question) -> &str {
        match q {
            Question::Performance => &self.performance,
            Question::Lessons => &self.lessons,
            Question::Proposals => &self.proposals,
            Question::Strategies => &self.strategies,
            Question::Justifications => &self.justifications,
            Question::Advice => &self.advice,
            Question::Outcomes => &self.outcomes,
        }
    }

    /// The form filled from a saved report.
    pub fn from_report(r: &ReportRow) -> ReportForm {
        let a = r.answers();
        let get = |q: Question| a.get(q.key()).cloned().unwrap_or_default();
        ReportForm {
            performance: get(Question::Performance),
            lessons: get(Question::Lessons),
            proposals: get(Question::Proposals),
            strategies: get(Question::Strategies),
            justifications: get(Question::Justifications),
            advice: get(Question::Advice),
            outcomes: get(Question::Outcomes),
            ..ReportForm::default()
        }
    }
}

/// The debtor's answers, checked: each within bounds, and every one written to file.
fn answers(
    a: &Author,
    form: &ReportForm,
    filing: bool,
) -> AppResult<BTreeMap<&'static str, String>> {
    let mut errors = Invalid::new();
    let mut out = BTreeMap::new();
    for q in a.subject.debtor.questions() {
        let v = form.answer(*q).trim();
        if filing && v.is_empty() {
            errors.add(q.key(), ReportProblem::Required);
        } else if v.chars().count() > MAX_TEXT {
            errors.add(q.key(), ReportProblem::TooLong { max: MAX_TEXT });
        }
        out.insert(q.key(), v.to_string());
    }
    errors.into_result()?;
    Ok(out)
}

/// Keeps the report as a draft (the figures as of now); returns its id.
pub async fn save(
    state: &AppState,
    a: &Author,
    form: &ReportForm,
    actor: &Actor,
) -> AppResult<i64> {
    crate::services::identity::require_standing(&state.db, a.person_id).await?;
    let answers = answers(a, form, false)?;
    let figures = {
        let mut conn = state.db.acquire().await?;
        facts(&mut conn, &a.subject, a.span).await?
    };
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id = upsert(&mut tx, a, &answers, &figures).await?;
    audit::record(
        &mut tx,
        actor,
        "report.saved",
        "report",
        id,
        None,
        Some(json!({"reference": a.reference(), "answers": answers})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Writes the draft; refuses a report already filed.
async fn upsert(
    conn: &mut sqlx::SqliteConnection,
    a: &Author,
    answers: &BTreeMap<&'static str, String>,
    figures: &[Fact],
) -> AppResult<i64> {
    let now = Ts::now();
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO reports (debtor, subject, subject_name, subject_name_en, period_start, period_end, period, due_on,
             facts_json, answers_json, author_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)
         ON CONFLICT (debtor, subject, period_start) DO UPDATE SET facts_json = ?9, answers_json = ?10,
             author_id = ?11, updated_at = ?12, due_on = ?8
         WHERE reports.status = 'draft'
         RETURNING id",
    )
    .bind(a.subject.debtor)
    .bind(&a.subject.key)
    .bind(&a.subject.name_es)
    .bind(&a.subject.name_en)
    .bind(a.span.start)
    .bind(a.span.end)
    .bind(a.span.label())
    .bind(a.due_on)
    .bind(serde_json::to_string(figures).map_err(AppError::internal)?)
    .bind(serde_json::to_string(answers).map_err(AppError::internal)?)
    .bind(a.person_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    id.ok_or_else(|| Invalid::one("", ReportProblem::AlreadyFiled).into())
}

/// Files the report: every answer written, frozen as a PDF registered as an evidence through
/// its decision. Returns the report's id.
pub async fn file(
    state: &AppState,
    a: &Author,
    form: &ReportForm,
    actor: &Actor,
) -> AppResult<i64> {
    file_at(state, a, form, actor, Utc::now()).await
}

/// [`file`] as of `now` (the demo files its past reports on the days they were filed).
pub(crate) async fn file_at(
    state: &AppState,
    a: &Author,
    form: &ReportForm,
    actor: &Actor,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    crate::services::identity::require_standing(&state.db, a.person_id).await?;
    let answers = answers(a, form, true)?;
    let (figures, author_name) = {
        let mut conn = state.db.acquire().await?;
        if report_for(&mut *conn, a.subject.debtor, &a.subject.key, a.span.start)
            .await?
            .is_some_and(|r| r.filed())
        {
            return Err(Invalid::one("", ReportProblem::AlreadyFiled).into());
        }
        let name: String = sqlx::query_scalar("SELECT full_name FROM people WHERE id = ?")
            .bind(a.person_id)
            .fetch_one(&mut *conn)
            .await?;
        (facts(&mut conn, &a.subject, a.span).await?, name)
    };
    let standing = Standing::of(a.due_on, Some(now.date_naive()), now.date_naive());
    let verify_url = crate::services::evidence::lookup_url(
        &state.settings.public_url,
        "portal",
        "governance.report-filed",
        &a.reference(),
    );
    let font = tokio::fs::read(&state.settings.report_font)
        .await
        .map_err(|e| {
            AppError::internal(format!(
                "the PDF font cannot be read (MINGA_REPORT_FONT): {e}"
            ))
        })?;
    let pdf = {
        let (a, figures, answers, author_name) = (
            a.clone(),
            figures.clone(),
            answers.clone(),
            author_name.clone(),
        );
        tokio::task::spawn_blocking(move || {
            render_pdf(
                &a,
                &figures,
                &answers,
                &author_name,
                now,
                &verify_url,
                &font,
            )
        })
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?
    };
    let hash = documents::store(&state.settings.documents_dir(), &pdf).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id = upsert(&mut tx, a, &answers, &figures).await?;
    let s = &a.subject;
    let label = a.span.label();
    let decision = decisions::record(
        &mut tx,
        &decisions::Decision {
            event: "report-filed",
            body: s.debtor.as_str(),
            reference: a.reference(),
            title_es: format!("Informe {label} de {}", s.name_es),
            title_en: format!("Report {label} by {}", s.name_en),
            data: json!({
                "report": id,
                "debtor": s.debtor.as_str(),
                "subject": s.key,
                "subject_name": s.name_es,
                "period": label,
                "period_start": a.span.start,
                "period_end": a.span.end,
                "due_on": a.due_on,
                "standing": standing.as_str(),
                "author": author_name,
                "answers": answers,
                "facts": figures,
                "pdf_sha256": hash.hex(),
            }),
        },
    )
    .await?;
    let file_name = format!(
        "informe-{}-{}.pdf",
        s.debtor.as_str(),
        label.replace('/', "-")
    );
    decisions::attach_document(
        &mut tx,
        decision,
        &hash.hex(),
        &file_name,
        "application/pdf",
    )
    .await?;
    let filed = sqlx::query(
        "UPDATE reports SET status = 'filed', filed_at = ?, pdf_sha256 = ?, decision_id = ? WHERE id = ? AND status = 'draft'",
    )
    .bind(Ts(now))
    .bind(hash.hex())
    .bind(decision)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if filed.rows_affected() != 1 {
        return Err(Invalid::one("", ReportProblem::AlreadyFiled).into());
    }
    audit::record(
        &mut tx,
        actor,
        "report.filed",
        "report",
        id,
        None,
        Some(json!({"reference": a.reference(), "standing": standing.as_str(), "pdf_sha256": hash.hex()})),
    )
    .await?;
    tx.commit().await?;
    state.committed();
    Ok(id)
}

/// The filed report as a PDF/A: the debtor, the period and its due day, the figures, the
/// answers, who filed it and when, and a QR code to the page that verifies the PDF.
pub fn render_pdf(
    a: &Author,
    figures: &[Fact],
    answers: &BTreeMap<&'static str, String>,
    author_name: &str,
    filed_at: DateTime<Utc>,
    verify_url: &str,
    font: &[u8],
) -> Result<Vec<u8>, String> {
    let es = crate::i18n::Lang::Es.tr();
    let en = crate::i18n::Lang::En.tr();
    let s = &a.subject;
    let mut w = crate::pdf::Writer::new();
    w.line(14.0, "Informe · Report");
    w.line(10.0, format!("{} / {}", s.name_es, s.name_en));
    w.line(
        8.5,
        format!(
            "Periodo · Period {} · vence · due {} · presentado · filed {} · {}",
            a.span.label(),
            a.due_on,
            filed_at.format("%Y-%m-%d %H:%M UTC"),
            author_name
        ),
    );
    w.gap();
    w.line(11.0, "Cifras del portal · The portal's figures");
    for f in figures {
        w.paragraphs(
            9.0,
            &format!("{} / {}: {}", f.label_es, f.label_en, f.value),
            95,
        );
    }
    for q in s.debtor.questions() {
        w.gap();
        w.line(
            11.0,
            format!(
                "{} · {}",
                super::question_label(*q, es),
                super::question_label(*q, en)
            ),
        );
        w.paragraphs(9.5, answers.get(q.key()).map_or("", |v| v.as_str()), 92);
    }
    w.gap();
    w.qr(verify_url, 90.0)?;
    w.paragraphs(
        7.5,
        &format!(
            "Verifique este documento en {verify_url}: su huella SHA-256 está registrada en el registro público de Minga. \
             Verify this document at {verify_url}: its SHA-256 fingerprint is registered in Minga's public log."
        ),
        110,
    );
    w.finish(
        font,
        &format!("Informe {} · {}", a.span.label(), s.name_es),
        "es",
        filed_at,
        |n, total| format!("Minga · informe {} · página {n} de {total}", a.span.label()),
    )
}
