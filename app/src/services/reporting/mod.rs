//! The report calendar: the obligations as configured (the seed's defaults, changed by an
//! administrator), who owes each ([`subjects`]), the reports written and filed, and where each
//! debtor stands per period ([`register`]) — computed from the filings, never kept by hand.
//! Filing is [`filing`]'s, the prefilled figures [`facts`]', the reminders [`reminders`]'.

use crate::db::Ts;
use crate::domain::reporting::{Debtor, Obligation, Period, Question, Span, Standing};
use crate::domain::roles::Role;
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{ChoiceInvalid, DateInvalid, Lang, Tr};
use crate::services::audit::{self, Actor};
use crate::services::authority::{Administering, Allowed};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::{FromRow, SqliteConnection, SqlitePool};
use std::collections::{BTreeSet, HashMap};

pub mod facts;
pub mod filing;
pub mod reminders;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportProblem {
    Required,
    TooLong {
        max: usize,
    },
    DueDay,
    /// Not a report the signed-in person owes (not an author of that debtor).
    NotYours,
    /// The period is unknown, not one the debtor owes, or not over yet.
    PeriodRefused,
    AlreadyFiled,
}

impl Reason for ReportProblem {
    fn code(&self) -> &'static str {
        match self {
            ReportProblem::Required => "required",
            ReportProblem::TooLong { .. } => "too_long",
            ReportProblem::DueDay => "report_due_day_invalid",
            ReportProblem::NotYours => "report_not_yours",
            ReportProblem::PeriodRefused => "report_period_refused",
            ReportProblem::AlreadyFiled => "report_already_filed",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            ReportProblem::Required => t.problem_required.into(),
            ReportProblem::TooLong { max } => {
                crate::i18n::fill(t.problem_too_long, &[("max", max)])
            }
            ReportProblem::DueDay => t.report_problem_due_day.into(),
            ReportProblem::NotYours => t.report_problem_not_yours.into(),
            ReportProblem::PeriodRefused => t.report_problem_period.into(),
            ReportProblem::AlreadyFiled => t.report_problem_filed.into(),
        }
    }
}

#[derive(FromRow)]
struct ObligationRow {
    debtor: Debtor,
    period: Period,
    due_day: i64,
    starts_on: NaiveDate,
    active: bool,
}

impl From<ObligationRow> for Obligation {
    fn from(r: ObligationRow) -> Obligation {
        Obligation {
            debtor: r.debtor,
            period: r.period,
            due_day: u32::try_from(r.due_day).unwrap_or(10),
            starts_on: r.starts_on,
            active: r.active,
        }
    }
}

/// Every obligation, in the seed's order.
pub async fn obligations<'e>(db: impl sqlx::SqliteExecutor<'e>) -> AppResult<Vec<Obligation>> {
    let rows: Vec<ObligationRow> =
        sqlx::query_as("SELECT debtor, period, due_day, starts_on, active FROM report_obligations")
            .fetch_all(db)
            .await?;
    let mut all: Vec<Obligation> = rows.into_iter().map(Obligation::from).collect();
    all.sort_by_key(|o| Debtor::ALL.iter().position(|d| *d == o.debtor));
    Ok(all)
}

/// One obligation.
pub async fn obligation<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    debtor: Debtor,
) -> AppResult<Obligation> {
    let row: Option<ObligationRow> = sqlx::query_as(
        "SELECT debtor, period, due_day, starts_on, active FROM report_obligations WHERE debtor = ?",
    )
    .bind(debtor)
    .fetch_optional(db)
    .await?;
    row.map(Obligation::from).ok_or(crate::AppError::NotFound)
}

/// An obligation's settings as typed by the administrator.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ObligationForm {
    pub debtor: String,
    pub period: String,
    pub due_day: String,
    pub starts_on: String,
    pub active: Option<String>,
}

/// An administrator changes an obligation (its period, due day, start, whether it is kept);
/// audited with the settings before and after.
pub async fn update_obligation(
    db: &SqlitePool,
    _admin: &Allowed<Administering>,
    form: &ObligationForm,
    actor: &Actor,
) -> AppResult<()> {
    let mut errors = Invalid::new();
    let debtor = Debtor::parse(form.debtor.trim());
    if debtor.is_none() {
        errors.add("debtor", ChoiceInvalid);
    }
    let period = Period::parse(form.period.trim());
    if period.is_none() {
        errors.add("period", ChoiceInvalid);
    }
    let due_day = form
        .due_day
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=31).contains(d));
    if due_day.is_none() {
        errors.add("due_day", ReportProblem::DueDay);
    }
    let starts_on = NaiveDate::parse_from_str(form.starts_on.trim(), "%Y-%m-%d").ok();
    if starts_on.is_none() {
        errors.add("starts_on", DateInvalid);
    }
    errors.into_result()?;
    let (Some(debtor), Some(period), Some(due_day), Some(starts_on)) =
        (debtor, period, due_day, starts_on)
    else {
        return Err(Invalid::one("", ChoiceInvalid).into());
    };
    let after = Obligation {
        debtor,
        period,
        due_day,
        starts_on,
        active: form.active.is_some(),
    };
    let mut tx = crate::db::begin_write(db).await?;
    let before = obligation(&mut *tx, debtor).await?;
    if before == after {
        return Ok(());
    }
    sqlx::query(
        "UPDATE report_obligations SET period = ?, due_day = ?, starts_on = ?, active = ?, updated_at = ? WHERE debtor = ?",
    )
    .bind(after.period)
    .bind(i64::from(after.due_day))
    .bind(after.starts_on)
    .bind(after.active)
    .bind(Ts::now())
    .bind(debtor)
    .execute(&mut *tx)
    .await?;
    let as_json = |o: &Obligation| json!({"period": o.period.as_str(), "due_day": o.due_day, "starts_on": o.starts_on, "active": o.active});
    audit::record(
        &mut tx,
        actor,
        "report-obligation.updated",
        "report_obligation",
        debtor.as_str(),
        Some(as_json(&before)),
        Some(as_json(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Who owes one kind of report: a member, a project, a collective's leaders, a commission, the
/// Executive Secretary or the Advisory Council.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    pub debtor: Debtor,
    /// Stable: `institution:7@3`, `person:5@3`, `project:4`, `collective:3`, `nodes-commission`,
    /// `projects-commission`, `executive-secretary`, `advisory-council`.
    pub key: String,
    pub name_es: String,
    pub name_en: String,
    /// The collective whose leaders receive it (members and projects) or who write it.
    pub collective_id: Option<i64>,
    /// Since when it owes (its admission; the calendar's start for the bodies).
    pub since: NaiveDate,
    /// The people who may write and file it today.
    pub authors: Vec<i64>,
}

impl Subject {
    pub fn name(&self, lang: Lang) -> String {
        lang.pick(&self.name_es, &self.name_en)
    }
}

#[derive(FromRow)]
struct MemberNode {
    collective_id: i64,
    institution_id: Option<i64>,
    institution: Option<String>,
    person_id: i64,
    full_name: String,
    admitted_at: Ts,
}

#[derive(FromRow)]
struct Held {
    person_id: i64,
    collective_id: Option<i64>,
}

/// The people holding `role` today (with the collective of the office).
async fn holding(
    conn: &mut SqliteConnection,
    role: Role,
    today: NaiveDate,
) -> AppResult<Vec<Held>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT person_id, collective_id FROM offices WHERE role = ?1 AND revoked_at IS NULL
           AND starts_on <= ?2 AND (ends_on IS NULL OR ends_on >= ?2) ORDER BY person_id",
    )
    .bind(role.as_str())
    .bind(today)
    .fetch_all(&mut *conn)
    .await?)
}

/// Everyone who owes `debtor`'s report today, with who may write it.
pub async fn subjects(
    conn: &mut SqliteConnection,
    debtor: Debtor,
    starts_on: NaiveDate,
    today: NaiveDate,
) -> AppResult<Vec<Subject>> {
    let body = |key: &str, es: &str, en: &str, authors: Vec<i64>| Subject {
        debtor,
        key: key.into(),
        name_es: es.into(),
        name_en: en.into(),
        collective_id: None,
        since: starts_on,
        authors,
    };
    let people = |held: Vec<Held>| held.into_iter().map(|h| h.person_id).collect::<Vec<_>>();
    Ok(match debtor {
        Debtor::Member => {
            // a member is an institution (or a person for itself) with a node admitted in a
            // collective; whoever asked for one of its nodes writes its report
            let nodes: Vec<MemberNode> = sqlx::query_as(
                "SELECT n.collective_id, n.institution_id, i.name AS institution, n.person_id, p.full_name, n.admitted_at
                 FROM nodes n JOIN people p ON p.id = n.person_id LEFT JOIN institutions i ON i.id = n.institution_id
                 WHERE n.status IN ('admitted', 'suspended') AND n.admitted_at IS NOT NULL ORDER BY n.id",
            )
            .fetch_all(&mut *conn)
            .await?;
            let mut out: Vec<Subject> = Vec::new();
            for n in nodes {
                let (key, name) = match (n.institution_id, &n.institution) {
                    (Some(i), Some(name)) => {
                        (format!("institution:{i}@{}", n.collective_id), name.clone())
                    }
                    _ => (
                        format!("person:{}@{}", n.person_id, n.collective_id),
                        n.full_name.clone(),
                    ),
                };
                let since = n.admitted_at.0.date_naive();
                match out.iter_mut().find(|s| s.key == key) {
                    Some(s) => {
                        s.since = s.since.min(since);
                        if !s.authors.contains(&n.person_id) {
                            s.authors.push(n.person_id);
                        }
                    }
                    None => out.push(Subject {
                        debtor,
                        key,
                        name_es: name.clone(),
                        name_en: name,
                        collective_id: Some(n.collective_id),
                        since,
                        authors: vec![n.person_id],
                    }),
                }
            }
            out
        }
        Debtor::Project => {
            let rows: Vec<(i64, String, i64, i64, Ts)> = sqlx::query_as(
                "SELECT id, title, person_id, collective_id, admitted_at FROM projects
                 WHERE status = 'admitted' AND admitted_at IS NOT NULL ORDER BY id",
            )
            .fetch_all(&mut *conn)
            .await?;
            rows.into_iter()
                .map(|(id, title, person, collective, at)| Subject {
                    debtor,
                    key: format!("project:{id}"),
                    name_es: title.clone(),
                    name_en: title,
                    collective_id: Some(collective),
                    since: at.0.date_naive(),
                    authors: vec![person],
                })
                .collect()
        }
        Debtor::Leaders => {
            // the leaders owe from the first day the collective had one (the day it was created
            // when it never had)
            let rows: Vec<(i64, String, String, NaiveDate)> = sqlx::query_as(
                "SELECT c.id, c.name_es, c.name_en,
                        COALESCE((SELECT MIN(o.starts_on) FROM offices o
                                  WHERE o.role = 'collective_leader' AND o.collective_id = c.id), c.created_on)
                 FROM collectives c ORDER BY c.name_es",
            )
            .fetch_all(&mut *conn)
            .await?;
            let leaders = holding(conn, Role::CollectiveLeader, today).await?;
            rows.into_iter()
                .map(|(id, es, en, created)| Subject {
                    debtor,
                    key: format!("collective:{id}"),
                    name_es: format!("Líderes de {es}"),
                    name_en: format!("Leaders of {en}"),
                    collective_id: Some(id),
                    since: created,
                    authors: leaders
                        .iter()
                        .filter(|h| h.collective_id == Some(id))
                        .map(|h| h.person_id)
                        .collect(),
                })
                .collect()
        }
        Debtor::Commission => vec![
            body(
                "nodes-commission",
                "Comisión de nodos",
                "Nodes commission",
                people(holding(conn, Role::NodesCommission, today).await?),
            ),
            body(
                "projects-commission",
                "Comisión de proyectos",
                "Projects commission",
                people(holding(conn, Role::ProjectsCommission, today).await?),
            ),
        ],
        Debtor::ExecutiveSecretary => vec![body(
            "executive-secretary",
            "Secretaría Ejecutiva",
            "Executive Secretary",
            people(holding(conn, Role::ExecutiveSecretary, today).await?),
        )],
        Debtor::AdvisoryCouncil => vec![body(
            "advisory-council",
            "Consejo Asesor",
            "Advisory Council",
            people(holding(conn, Role::AdvisoryMember, today).await?),
        )],
    })
}

/// A report, draft or filed.
#[derive(Clone, Debug, FromRow)]
pub struct ReportRow {
    pub id: i64,
    pub debtor: Debtor,
    pub subject: String,
    pub subject_name: String,
    pub subject_name_en: String,
    pub period: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub due_on: NaiveDate,
    pub status: String,
    pub facts_json: String,
    pub answers_json: String,
    pub author_id: i64,
    pub author_name: String,
    pub filed_at: Option<Ts>,
    pub pdf_sha256: Option<String>,
    pub evidence_id: Option<String>,
}

impl ReportRow {
    pub fn filed(&self) -> bool {
        self.status == "filed"
    }

    pub fn facts(&self) -> Vec<facts::Fact> {
        serde_json::from_str(&self.facts_json).unwrap_or_default()
    }

    pub fn answers(&self) -> HashMap<String, String> {
        serde_json::from_str(&self.answers_json).unwrap_or_default()
    }

    pub fn standing(&self, today: NaiveDate) -> Standing {
        Standing::of(
            self.due_on,
            self.filed_at
                .filter(|_| self.filed())
                .map(|t| t.0.date_naive()),
            today,
        )
    }

    pub fn subject_name(&self, lang: Lang) -> String {
        lang.pick(&self.subject_name, &self.subject_name_en)
    }
}

const REPORT_SELECT: &str = "SELECT r.id, r.debtor, r.subject, r.subject_name, r.subject_name_en, r.period, r.period_start,
        r.period_end, r.due_on, r.status, r.facts_json, r.answers_json, r.author_id, p.full_name AS author_name,
        r.filed_at, r.pdf_sha256, d.evidence_id
     FROM reports r JOIN people p ON p.id = r.author_id LEFT JOIN decisions d ON d.id = r.decision_id";

/// One report by its id.
pub async fn report<'e>(db: impl sqlx::SqliteExecutor<'e>, id: i64) -> AppResult<ReportRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{REPORT_SELECT} WHERE r.id = ?"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?
    .ok_or(crate::AppError::NotFound)
}

/// The report of a debtor for a period, if one was started.
pub async fn report_for<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    debtor: Debtor,
    subject: &str,
    start: NaiveDate,
) -> AppResult<Option<ReportRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{REPORT_SELECT} WHERE r.debtor = ? AND r.subject = ? AND r.period_start = ?"
    )))
    .bind(debtor)
    .bind(subject)
    .bind(start)
    .fetch_optional(db)
    .await?)
}

/// One cell of the compliance table: a debtor's report for a period.
#[derive(Clone, Debug)]
pub struct Cell {
    pub span: Span,
    pub due_on: NaiveDate,
    pub standing: Standing,
    /// The filed report (its page) and its evidence (the verification page).
    pub report_id: Option<i64>,
    pub evidence_id: Option<String>,
}

/// A debtor's row: its cells, oldest first.
#[derive(Clone, Debug)]
pub struct Line {
    pub subject: Subject,
    pub cells: Vec<Cell>,
}

/// One obligation's table.
#[derive(Clone, Debug)]
pub struct Section {
    pub obligation: Obligation,
    pub lines: Vec<Line>,
}

impl Section {
    /// The periods the table's columns show (those of any line), oldest first.
    pub fn spans(&self) -> Vec<Span> {
        let all: BTreeSet<Span> = self
            .lines
            .iter()
            .flat_map(|l| l.cells.iter().map(|c| c.span))
            .collect();
        all.into_iter().collect()
    }
}

/// The filed reports: (debtor, subject, period start) → (filed on, id, evidence).
pub(super) type Filings = HashMap<(Debtor, String, NaiveDate), (NaiveDate, i64, Option<String>)>;

pub(super) async fn filings(conn: &mut SqliteConnection) -> AppResult<Filings> {
    let rows: Vec<(Debtor, String, NaiveDate, Ts, i64, Option<String>)> = sqlx::query_as(
        "SELECT r.debtor, r.subject, r.period_start, r.filed_at, r.id, d.evidence_id FROM reports r
         LEFT JOIN decisions d ON d.id = r.decision_id WHERE r.status = 'filed'",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(d, s, start, at, id, ev)| ((d, s, start), (at.0.date_naive(), id, ev)))
        .collect())
}

/// Where every debtor of every kept obligation stands, per period, for the periods that start
/// in `year` up to today's (computed from the filings).
pub async fn register(
    db: &SqlitePool,
    year: Option<i32>,
    today: NaiveDate,
    holidays: &BTreeSet<NaiveDate>,
) -> AppResult<Vec<Section>> {
    let mut conn = db.acquire().await?;
    let filed = filings(&mut conn).await?;
    let mut out = Vec::new();
    for o in obligations(&mut *conn).await? {
        if !o.active {
            continue;
        }
        let mut lines = Vec::new();
        for subject in subjects(&mut conn, o.debtor, o.starts_on, today).await? {
            let cells = cells(&o, &subject, &filed, today, holidays)
                .into_iter()
                .filter(|c| year.is_none_or(|y| chrono::Datelike::year(&c.span.start) == y))
                .collect();
            lines.push(Line { subject, cells });
        }
        out.push(Section {
            obligation: o,
            lines,
        });
    }
    Ok(out)
}

fn cells(
    o: &Obligation,
    subject: &Subject,
    filed: &Filings,
    today: NaiveDate,
    holidays: &BTreeSet<NaiveDate>,
) -> Vec<Cell> {
    o.periods(subject.since, today)
        .into_iter()
        .map(|span| {
            let due_on = o.due_on(span, holidays);
            let f = filed.get(&(o.debtor, subject.key.clone(), span.start));
            Cell {
                span,
                due_on,
                standing: Standing::of(due_on, f.map(|f| f.0), today),
                report_id: f.map(|f| f.1),
                evidence_id: f.and_then(|f| f.2.clone()),
            }
        })
        .collect()
}

/// A report someone owes and has not filed: its debtor, period and standing.
#[derive(Clone, Debug)]
pub struct Owed {
    pub subject: Subject,
    pub cell: Cell,
    pub draft: bool,
}

/// The reports not filed yet, pending or missing, of the debtors `pick` chooses (at most the
/// last four periods of each), oldest first.
pub async fn unfiled(
    db: &SqlitePool,
    today: NaiveDate,
    holidays: &BTreeSet<NaiveDate>,
    pick: impl Fn(&Subject) -> bool,
) -> AppResult<Vec<Owed>> {
    let mut conn = db.acquire().await?;
    let filed = filings(&mut conn).await?;
    let drafts: BTreeSet<(Debtor, String, NaiveDate)> =
        sqlx::query_as::<_, (Debtor, String, NaiveDate)>(
            "SELECT debtor, subject, period_start FROM reports WHERE status = 'draft'",
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    let mut out = Vec::new();
    for o in obligations(&mut *conn).await? {
        if !o.active {
            continue;
        }
        for subject in subjects(&mut conn, o.debtor, o.starts_on, today).await? {
            if !pick(&subject) {
                continue;
            }
            let all = cells(&o, &subject, &filed, today, holidays);
            let skip = all.len().saturating_sub(4);
            for cell in all.into_iter().skip(skip) {
                if matches!(cell.standing, Standing::Missing | Standing::Pending) {
                    let draft = drafts.contains(&(o.debtor, subject.key.clone(), cell.span.start));
                    out.push(Owed {
                        subject: subject.clone(),
                        cell,
                        draft,
                    });
                }
            }
        }
    }
    out.sort_by_key(|o| o.cell.due_on);
    Ok(out)
}

/// Since when a debtor has had a report missing (the day after the oldest missing one's due
/// day), if it has: a project's stalled flag reads it.
pub async fn overdue_since(
    db: &SqlitePool,
    debtor: Debtor,
    subject_key: &str,
    today: NaiveDate,
    holidays: &BTreeSet<NaiveDate>,
) -> AppResult<Option<NaiveDate>> {
    let mut conn = db.acquire().await?;
    let o = obligation(&mut *conn, debtor).await?;
    if !o.active {
        return Ok(None);
    }
    let Some(subject) = subjects(&mut conn, debtor, o.starts_on, today)
        .await?
        .into_iter()
        .find(|s| s.key == subject_key)
    else {
        return Ok(None);
    };
    let filed = filings(&mut conn).await?;
    Ok(cells(&o, &subject, &filed, today, holidays)
        .into_iter()
        .find(|c| c.standing == Standing::Missing)
        .and_then(|c| c.due_on.succ_opt()))
}

/// A question's label in the form, the page and the PDF.
pub fn question_label(q: Question, t: &'static Tr) -> &'static str {
    match q {
        Question::Performance => t.report_q_performance,
        Question::Lessons => t.report_q_lessons,
        Question::Proposals => t.report_q_proposals,
        Question::Strategies => t.report_q_strategies,
        Question::Justifications => t.report_q_justifications,
        Question::Advice => t.report_q_advice,
        Question::Outcomes => t.report_q_outcomes,
    }
}

/// The collectives `person_id` leads today.
pub async fn led_collectives(
    db: &SqlitePool,
    person_id: i64,
    today: NaiveDate,
) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT collective_id FROM offices WHERE person_id = ?1 AND role = 'collective_leader'
           AND collective_id IS NOT NULL AND revoked_at IS NULL AND starts_on <= ?2 AND (ends_on IS NULL OR ends_on >= ?2)",
    )
    .bind(person_id)
    .bind(today)
    .fetch_all(db)
    .await?)
}
