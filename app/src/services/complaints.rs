//! Complaints under the ethics code: any account files one to a collective's leaders (to the
//! Executive Secretary when a leader is concerned); its handler takes it up and resolves it,
//! upheld or dismissed with a written resolution, within `MINGA_COMPLAINT_DAYS`. The resolution
//! is a `governance.complaint-resolved` decision that carries only what is public: the rule, the
//! outcome, the dates, who handled it — never the parties' names nor the resolution's text.

use crate::db::Ts;
use crate::domain::complaints::{
    ComplaintStatus, ComplaintStep, Handler, Outcome, due_on, handler,
};
use crate::domain::documents::DocKind;
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{ChoiceInvalid, Tr, fill};
use crate::services::audit::{self, Actor};
use crate::services::authority::Signed;
use crate::services::evidence::decisions;
use crate::{AppError, AppState};
use chrono::{NaiveDate, Utc};
use serde_json::json;
use sqlx::{FromRow, SqlitePool};

const MAX_TEXT: usize = 8000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComplaintProblem {
    Required,
    TooLong {
        max: usize,
    },
    CollectiveUnknown,
    /// Not its handler (the collective's leaders, or the Secretary when a leader is concerned).
    NotHandler,
    StepRefused,
}

impl Reason for ComplaintProblem {
    fn code(&self) -> &'static str {
        match self {
            ComplaintProblem::Required => "required",
            ComplaintProblem::TooLong { .. } => "too_long",
            ComplaintProblem::CollectiveUnknown => "collective_unknown",
            ComplaintProblem::NotHandler => "complaint_not_handler",
            ComplaintProblem::StepRefused => "complaint_step_refused",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            ComplaintProblem::Required => t.problem_required.into(),
            ComplaintProblem::TooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            ComplaintProblem::CollectiveUnknown => t.node_problem_collective.into(),
            ComplaintProblem::NotHandler => t.complaint_problem_handler.into(),
            ComplaintProblem::StepRefused => t.complaint_problem_step.into(),
        }
    }
}

/// A complaint, with the names only its parties and handlers see.
#[derive(Clone, Debug, FromRow)]
pub struct ComplaintRow {
    pub id: i64,
    pub complainant_id: i64,
    pub complainant_name: String,
    pub collective_id: i64,
    pub collective_es: String,
    pub collective_en: String,
    pub about_leader: bool,
    pub rule: String,
    pub description: String,
    pub status: ComplaintStatus,
    pub outcome: Option<Outcome>,
    pub resolution: String,
    pub filed_at: Ts,
    pub due_on: NaiveDate,
    pub resolved_at: Option<Ts>,
    pub evidence_id: Option<String>,
}

impl ComplaintRow {
    pub fn handler(&self) -> Handler {
        handler(self.about_leader)
    }
}

const SELECT: &str = "SELECT q.id, q.complainant_id, p.full_name AS complainant_name, q.collective_id,
        c.name_es AS collective_es, c.name_en AS collective_en, q.about_leader, q.rule, q.description, q.status,
        q.outcome, q.resolution, q.filed_at, q.due_on, q.resolved_at, d.evidence_id
     FROM complaints q JOIN people p ON p.id = q.complainant_id JOIN collectives c ON c.id = q.collective_id
     LEFT JOIN decisions d ON d.id = q.decision_id";

/// Every complaint, newest first (the public page shows them anonymised).
pub async fn all(db: &SqlitePool) -> AppResult<Vec<ComplaintRow>> {
    Ok(
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY q.id DESC")))
            .fetch_all(db)
            .await?,
    )
}

pub async fn get<'e>(db: impl sqlx::SqliteExecutor<'e>, id: i64) -> AppResult<ComplaintRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE q.id = ?")))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// What a person handles today: the collectives they lead, and whether they are the Executive
/// Secretary (read once, then asked of every complaint).
pub struct Handling {
    person_id: i64,
    led: Vec<i64>,
    secretary: bool,
}

impl Handling {
    pub async fn of(db: &SqlitePool, person_id: i64) -> AppResult<Handling> {
        let led =
            crate::services::reporting::led_collectives(db, person_id, Utc::now().date_naive())
                .await?;
        let mut conn = db.acquire().await?;
        let secretary = crate::services::seats::holders(
            &mut conn,
            crate::domain::roles::Role::ExecutiveSecretary,
        )
        .await?
        .iter()
        .any(|h| h.0 == person_id);
        Ok(Handling {
            person_id,
            led,
            secretary,
        })
    }

    /// Whether they handle `c`.
    pub fn handles(&self, c: &ComplaintRow) -> bool {
        match c.handler() {
            Handler::CollectiveLeaders => self.led.contains(&c.collective_id),
            Handler::ExecutiveSecretary => self.secretary,
        }
    }

    /// Whether they may read `c` whole: its complainant or its handler.
    pub fn may_read(&self, c: &ComplaintRow) -> bool {
        c.complainant_id == self.person_id || self.handles(c)
    }
}

/// A complaint as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ComplaintForm {
    pub collective: String,
    pub about_leader: Option<String>,
    pub rule: String,
    pub description: String,
}

fn text(errors: &mut Invalid, field: &'static str, v: &str, max: usize) -> String {
    let v = v.trim();
    if v.is_empty() {
        errors.add(field, ComplaintProblem::Required);
    } else if v.chars().count() > max {
        errors.add(field, ComplaintProblem::TooLong { max });
    }
    v.to_string()
}

/// Files a complaint; its handlers are mailed. Returns its id.
pub async fn file(
    state: &AppState,
    who: &Signed,
    form: &ComplaintForm,
    actor: &Actor,
) -> AppResult<i64> {
    let mut errors = Invalid::new();
    let collective: Option<i64> = match form.collective.trim().parse::<i64>() {
        Ok(id) => {
            sqlx::query_scalar("SELECT id FROM collectives WHERE id = ?")
                .bind(id)
                .fetch_optional(&state.db)
                .await?
        }
        Err(_) => None,
    };
    if collective.is_none() {
        errors.add("collective", ComplaintProblem::CollectiveUnknown);
    }
    let rule = text(&mut errors, "rule", &form.rule, 300);
    let description = text(&mut errors, "description", &form.description, MAX_TEXT);
    errors.into_result()?;
    let collective = collective.ok_or(AppError::NotFound)?;
    let about_leader = form.about_leader.is_some();
    let now = Utc::now();
    let due = due_on(now.date_naive(), state.settings.reporting.complaint_days);
    let version = crate::services::ethics::in_force(&state.db, DocKind::EthicsCode)
        .await?
        .map(|v| v.version);
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO complaints (complainant_id, collective_id, about_leader, rule, description, code_version, filed_at, due_on)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(who.person_id())
    .bind(collective)
    .bind(about_leader)
    .bind(&rule)
    .bind(&description)
    .bind(version)
    .bind(Ts(now))
    .bind(due)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "complaint.filed",
        "complaint",
        id,
        None,
        Some(json!({"collective": collective, "about_leader": about_leader, "rule": rule})),
    )
    .await?;
    // its handlers are told (not the content: they read it signed in)
    let role = match handler(about_leader) {
        Handler::CollectiveLeaders => "collective_leader",
        Handler::ExecutiveSecretary => "executive_secretary",
    };
    let handlers: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT p.full_name, p.email FROM offices o JOIN people p ON p.id = o.person_id
         WHERE o.role = ?1 AND (?1 <> 'collective_leader' OR o.collective_id = ?2) AND o.revoked_at IS NULL
           AND o.starts_on <= ?3 AND (o.ends_on IS NULL OR o.ends_on >= ?3)",
    )
    .bind(role)
    .bind(collective)
    .bind(now.date_naive())
    .fetch_all(&mut *tx)
    .await?;
    let url = format!(
        "{}/ethics/complaints/{id}",
        state.settings.public_url.trim_end_matches('/')
    );
    for (name, email) in handlers.into_iter().filter(|h| !h.1.is_empty()) {
        crate::services::mail::queue(
            &mut tx,
            &crate::services::mail::Message {
                to_address: email,
                to_name: name,
                subject: format!("Queja n.º {id} bajo el código de ética / Complaint no. {id} under the ethics code"),
                body_text: format!(
                    "Se recibió una queja que te corresponde atender antes del {due}:\n{url}\n\nA complaint you handle was received; resolve it by {due}:\n{url}\n"
                ),
                ics: None,
                topic: format!("complaint/{id}"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    state.committed();
    Ok(id)
}

/// A handler's step as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StepForm {
    pub step: String,
    pub outcome: String,
    pub resolution: String,
}

/// The handler takes the complaint up, or resolves it (the outcome and the written resolution;
/// the resolution's decision carries only the public, anonymised facts).
pub async fn step(
    state: &AppState,
    who: &Signed,
    id: i64,
    form: &StepForm,
    actor: &Actor,
) -> AppResult<()> {
    let c = get(&state.db, id).await?;
    if !Handling::of(&state.db, who.person_id()).await?.handles(&c) {
        return Err(Invalid::one("", ComplaintProblem::NotHandler).into());
    }
    let step = match form.step.trim() {
        "review" => ComplaintStep::Review,
        "resolve" => ComplaintStep::Resolve,
        _ => return Err(Invalid::one("step", ComplaintProblem::StepRefused).into()),
    };
    let next = c
        .status
        .after(step)
        .ok_or_else(|| AppError::from(Invalid::one("", ComplaintProblem::StepRefused)))?;
    let now = Utc::now();
    let mut tx = crate::db::begin_write(&state.db).await?;
    match step {
        ComplaintStep::Review => {
            let done = sqlx::query(
                "UPDATE complaints SET status = ?, reviewed_at = ?, handled_by = ? WHERE id = ? AND status = ?",
            )
            .bind(next)
            .bind(Ts(now))
            .bind(who.person_id())
            .bind(id)
            .bind(c.status)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(Invalid::one("", ComplaintProblem::StepRefused).into());
            }
        }
        ComplaintStep::Resolve => {
            let mut errors = Invalid::new();
            let outcome = Outcome::parse(form.outcome.trim());
            if outcome.is_none() {
                errors.add("outcome", ChoiceInvalid);
            }
            let resolution = text(&mut errors, "resolution", &form.resolution, MAX_TEXT);
            errors.into_result()?;
            let outcome = outcome.ok_or(AppError::NotFound)?;
            let decision = decisions::record(
                &mut tx,
                &decisions::Decision {
                    event: "complaint-resolved",
                    body: match c.handler() {
                        Handler::CollectiveLeaders => "collective-leaders",
                        Handler::ExecutiveSecretary => "executive-secretary",
                    },
                    reference: format!("complaint/{id}"),
                    title_es: format!("Queja n.º {id} bajo el código de ética: resuelta"),
                    title_en: format!("Complaint no. {id} under the ethics code: resolved"),
                    data: json!({
                        "complaint": id,
                        "rule": c.rule,
                        "outcome": outcome.as_str(),
                        "filed_on": c.filed_at.0.date_naive(),
                        "due_on": c.due_on,
                        "resolved_on": now.date_naive(),
                        "collective": c.collective_es,
                        "handled_by": match c.handler() {
                            Handler::CollectiveLeaders => "collective-leaders",
                            Handler::ExecutiveSecretary => "executive-secretary",
                        },
                    }),
                },
            )
            .await?;
            let done = sqlx::query(
                "UPDATE complaints SET status = 'resolved', outcome = ?, resolution = ?, resolved_at = ?, handled_by = ?,
                     decision_id = ? WHERE id = ? AND status = ?",
            )
            .bind(outcome)
            .bind(&resolution)
            .bind(Ts(now))
            .bind(who.person_id())
            .bind(decision)
            .bind(id)
            .bind(c.status)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(Invalid::one("", ComplaintProblem::StepRefused).into());
            }
        }
    }
    audit::record(
        &mut tx,
        actor,
        "complaint.step",
        "complaint",
        id,
        Some(json!({"status": c.status.as_str()})),
        Some(json!({"status": next.as_str(), "outcome": form.outcome.trim()})),
    )
    .await?;
    tx.commit().await?;
    state.committed();
    Ok(())
}
