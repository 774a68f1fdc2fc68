//! The path of an application: the collective's leaders select it for the projects commission or
//! return it with a reason; every commission seat scores each criterion with a justification (the
//! weighted score is computed); the Executive Secretary puts it on a Council meeting's agenda,
//! where the plenary votes on it as a motion (members who delegated the "projects" scope are
//! represented by their delegates); the vote admits or rejects it, and the plan as admitted is
//! the admission decision's data.

use super::{ProjectProblem, ProjectRow, applicant_email, application_url, get, project_url};
use crate::db::Ts;
use crate::domain::projects::{Plan, ProjectStatus, ProjectStep};
use crate::error::{AppResult, Invalid};
use crate::services::audit::{self, Actor};
use crate::services::authority::{Convener, Signed, Steward};
use crate::services::evidence::decisions::{self, Decision};
use crate::services::mail::{self, Message};
use crate::{AppError, AppState};
use serde_json::json;
use sqlx::{FromRow, SqliteConnection, SqlitePool};

const MAX_REASON: usize = 4000;

pub use super::scores::{ScoreForm, ScoreRow, score, scores, seats_missing, weighted};

/// Keeps one step of a project's history; returns its id.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_step(
    conn: &mut SqliteConnection,
    project_id: i64,
    step: &str,
    from: ProjectStatus,
    to: ProjectStatus,
    phase: Option<&str>,
    reason: &str,
    detail: &serde_json::Value,
    actor: &Actor,
) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO project_steps (project_id, step, from_status, to_status, phase, reason, detail_json, account_id, actor_label, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(project_id)
    .bind(step)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(phase)
    .bind(reason)
    .bind(detail.to_string())
    .bind(actor.account_id)
    .bind(&actor.label)
    .bind(Ts::now())
    .fetch_one(&mut *conn)
    .await?)
}

/// Moves the project by `step` inside the caller's transaction, only if it still stands where it
/// was read; returns (from, to).
pub(crate) async fn step_status(
    conn: &mut SqliteConnection,
    project_id: i64,
    step: ProjectStep,
) -> AppResult<(ProjectStatus, ProjectStatus)> {
    let from: String = sqlx::query_scalar("SELECT status FROM projects WHERE id = ?")
        .bind(project_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = ProjectStatus::parse(&from).ok_or(AppError::NotFound)?;
    let to = from
        .step(step)
        .map_err(|_| Invalid::one("", ProjectProblem::StepRefused))?;
    let done =
        sqlx::query("UPDATE projects SET status = ?, updated_at = ? WHERE id = ? AND status = ?")
            .bind(to.as_str())
            .bind(Ts::now())
            .bind(project_id)
            .bind(from.as_str())
            .execute(&mut *conn)
            .await?;
    if done.rows_affected() == 0 {
        return Err(Invalid::one("", ProjectProblem::StepRefused).into());
    }
    Ok((from, to))
}

pub(crate) fn step_name(step: ProjectStep) -> &'static str {
    match step {
        ProjectStep::Select => "select",
        ProjectStep::Return => "return",
        ProjectStep::Resubmit => "resubmit",
        ProjectStep::Withdraw => "withdraw",
        ProjectStep::PutToVote => "put_to_vote",
        ProjectStep::Admit => "admit",
        ProjectStep::Reject => "reject",
        ProjectStep::ChangePhase => "change_phase",
        ProjectStep::Replan => "replan",
        ProjectStep::Close => "close",
    }
}

/// The words the applicant's mail uses for what happened: (Spanish, English).
fn told(step: ProjectStep) -> (&'static str, &'static str) {
    match step {
        ProjectStep::Select => (
            "fue seleccionada por los líderes del colectivo y pasó a la comisión de proyectos",
            "was selected by the collective's leaders and went to the projects commission",
        ),
        ProjectStep::Return => (
            "le fue devuelta por los líderes del colectivo",
            "was returned to you by the collective's leaders",
        ),
        ProjectStep::Resubmit => ("fue enviada de nuevo", "was sent again"),
        ProjectStep::Withdraw => ("fue retirada por usted", "was withdrawn by you"),
        ProjectStep::PutToVote => (
            "se puso en el orden del día del Consejo Ejecutivo",
            "was put on the Executive Council's agenda",
        ),
        ProjectStep::Admit => (
            "fue admitida por el Consejo Ejecutivo",
            "was admitted by the Executive Council",
        ),
        ProjectStep::Reject => (
            "no fue admitida por el Consejo Ejecutivo",
            "was not admitted by the Executive Council",
        ),
        ProjectStep::ChangePhase => ("cambió de fase", "moved to a new phase"),
        ProjectStep::Replan => ("fue replanificado", "was re-planned"),
        ProjectStep::Close => ("fue cerrado", "was closed"),
    }
}

/// What one step did.
pub(crate) struct Taken<'a> {
    pub project: &'a ProjectRow,
    pub step: ProjectStep,
    pub from: ProjectStatus,
    pub to: ProjectStatus,
    pub phase: Option<&'a str>,
    pub reason: &'a str,
    /// What the decision carries beyond the step: the plan as admitted, what was delivered …
    pub detail: serde_json::Value,
}

/// Keeps the step, its audit line, its decision (when it is one) and the applicant's mail.
/// Returns the step's id. Call [`AppState::committed`] after the transaction commits.
pub(crate) async fn after_step(
    tx: &mut SqliteConnection,
    state: &AppState,
    t: Taken<'_>,
    actor: &Actor,
) -> AppResult<i64> {
    let p = t.project;
    let name = step_name(t.step);
    let step_id = record_step(
        &mut *tx, p.id, name, t.from, t.to, t.phase, t.reason, &t.detail, actor,
    )
    .await?;
    audit::record(
        &mut *tx,
        actor,
        &format!("project.{name}"),
        "project",
        p.id,
        Some(json!({"status": t.from.as_str(), "phase": p.phase})),
        Some(json!({"status": t.to.as_str(), "phase": t.phase, "reason": t.reason})),
    )
    .await?;
    let (es, en) = told(t.step);
    if let Some(event) = t.step.decision_event() {
        let body = match t.step {
            ProjectStep::Select | ProjectStep::Return => "collectives",
            _ => "executive-council",
        };
        decisions::record(
            &mut *tx,
            &Decision {
                event,
                body,
                reference: format!("project-step/{step_id}"),
                title_es: format!("Proyecto «{}» ({}): {es}", p.title, p.entity()),
                title_en: format!("Project \"{}\" ({}): {en}", p.title, p.entity()),
                data: json!({
                    "project": {"id": p.id, "title": p.title, "entity": p.entity(), "collective": p.collective_slug,
                                "licence": p.licence, "repository": p.repository, "call": p.call_id},
                    "step": name,
                    "from": t.from.as_str(),
                    "to": t.to.as_str(),
                    "phase": t.phase,
                    "reason": t.reason,
                    "detail": t.detail,
                    "recorded_by": actor.label,
                }),
            },
        )
        .await?;
    }
    let email = applicant_email(&mut *tx, p.person_id).await?;
    if !email.is_empty() {
        let why = if t.reason.is_empty() {
            String::new()
        } else {
            format!("\n\n{}\n", t.reason)
        };
        let url = if t.to.public() {
            project_url(state, p.id)
        } else {
            application_url(state, p.id)
        };
        mail::queue(
            &mut *tx,
            &Message {
                to_address: email,
                to_name: p.applicant.clone(),
                subject: format!("Su proyecto / Your project: {}", p.title),
                body_text: format!(
                    "El proyecto «{}» {es}.{why}\n{url}\n\nThe project \"{}\" {en}.{why}\n{url}\n",
                    p.title, p.title
                ),
                ics: None,
                topic: format!("project-step/{step_id}"),
            },
        )
        .await?;
    }
    Ok(step_id)
}

fn check_reason(step: ProjectStep, reason: &str) -> AppResult<String> {
    let reason = reason.trim();
    if step.needs_reason() && reason.is_empty() {
        return Err(Invalid::one("reason", ProjectProblem::ReasonRequired).into());
    }
    if reason.chars().count() > MAX_REASON {
        return Err(Invalid::one("reason", ProjectProblem::TooLong { max: MAX_REASON }).into());
    }
    Ok(reason.to_string())
}

/// Takes `step` on the project in one transaction.
async fn take(
    state: &AppState,
    project_id: i64,
    step: ProjectStep,
    reason: &str,
    actor: &Actor,
) -> AppResult<ProjectStatus> {
    let reason = check_reason(step, reason)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let p = get(&mut *tx, project_id).await?;
    let (from, to) = step_status(&mut tx, project_id, step).await?;
    if !reason.is_empty() {
        sqlx::query("UPDATE projects SET reason = ? WHERE id = ?")
            .bind(&reason)
            .bind(project_id)
            .execute(&mut *tx)
            .await?;
    }
    after_step(
        &mut tx,
        state,
        Taken {
            project: &p,
            step,
            from,
            to,
            phase: None,
            reason: &reason,
            detail: json!({}),
        },
        actor,
    )
    .await?;
    if step == ProjectStep::Select {
        tell_commission(&mut tx, state, &p).await?;
    }
    tx.commit().await?;
    state.committed();
    Ok(to)
}

/// The leaders of the collective the application came through select it for the commission.
pub async fn select(
    state: &AppState,
    steward: &Steward,
    project_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    let p = get(&state.db, project_id).await?;
    if p.collective_id != steward.collective_id() {
        return Err(AppError::Forbidden);
    }
    take(state, project_id, ProjectStep::Select, "", actor).await?;
    Ok(())
}

/// The leaders return it to the applicant, saying why.
pub async fn return_to_applicant(
    state: &AppState,
    steward: &Steward,
    project_id: i64,
    reason: &str,
    actor: &Actor,
) -> AppResult<()> {
    let p = get(&state.db, project_id).await?;
    if p.collective_id != steward.collective_id() {
        return Err(AppError::Forbidden);
    }
    take(state, project_id, ProjectStep::Return, reason, actor).await?;
    Ok(())
}

/// The applicant takes the application back (before the vote).
pub async fn withdraw(
    state: &AppState,
    who: &Signed,
    project_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    let p = get(&state.db, project_id).await?;
    if p.person_id != who.person_id() {
        return Err(Invalid::one("", ProjectProblem::NotTheApplicant).into());
    }
    take(state, project_id, ProjectStep::Withdraw, "", actor).await?;
    Ok(())
}

/// The applicant sends a returned application again (unchanged, or after amending it).
pub async fn resubmit(
    state: &AppState,
    who: &Signed,
    project_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    let p = get(&state.db, project_id).await?;
    if p.person_id != who.person_id() {
        return Err(Invalid::one("", ProjectProblem::NotTheApplicant).into());
    }
    take(state, project_id, ProjectStep::Resubmit, "", actor).await?;
    Ok(())
}

/// The projects commission's seats today: (person id, name, e-mail).
pub async fn commission(conn: &mut SqliteConnection) -> AppResult<Vec<(i64, String, String)>> {
    crate::services::seats::holders(conn, crate::domain::roles::Role::ProjectsCommission).await
}

async fn tell_commission(
    tx: &mut SqliteConnection,
    state: &AppState,
    p: &ProjectRow,
) -> AppResult<()> {
    let url = application_url(state, p.id);
    for (_, name, email) in commission(&mut *tx).await? {
        if email.is_empty() {
            continue;
        }
        mail::queue(
            &mut *tx,
            &Message {
                to_address: email,
                to_name: name,
                subject: format!("Proyecto por evaluar / Project to evaluate: {}", p.title),
                body_text: format!(
                    "Los líderes del {} seleccionaron el proyecto «{}». Cada integrante de la comisión califica cada criterio con su justificación.\n{url}\n\nThe leaders of the {} selected the project \"{}\". Each commission member scores every criterion with a justification.\n{url}\n",
                    p.collective_es, p.title, p.collective_en, p.title
                ),
                ics: None,
                topic: format!("project-selected/{}", p.id),
            },
        )
        .await?;
    }
    Ok(())
}

/// The Executive Secretary puts an application every commission seat has scored on a Council
/// meeting's agenda: an item whose motion admits the project with its plan, voted in the
/// plenary. Refused while a seat's scores are missing.
pub async fn put_on_agenda(
    state: &AppState,
    convener: &Convener,
    project_id: i64,
    meeting_id: i64,
    actor: &Actor,
) -> AppResult<i64> {
    let p = get(&state.db, project_id).await?;
    if p.status() != ProjectStatus::InEvaluation {
        return Err(Invalid::one("", ProjectProblem::StepRefused).into());
    }
    let missing = seats_missing(state, &p).await?;
    if !missing.is_empty() {
        return Err(Invalid::one(
            "",
            ProjectProblem::ScoresMissing {
                missing: missing.len(),
            },
        )
        .into());
    }
    if !crate::services::meetings::council_meetings_open(&state.db)
        .await?
        .iter()
        .any(|(id, ..)| *id == meeting_id)
    {
        return Err(Invalid::one("meeting", ProjectProblem::MeetingUnsuitable).into());
    }
    let score = weighted(&state.db, &p).await?;
    let plan = p.plan();
    let score_text = score.map_or_else(|| "—".to_string(), |s| format!("{s:.2}/5"));
    let item = crate::services::meetings::add_item(
        state,
        convener,
        meeting_id,
        &format!("Admisión del proyecto «{}» / Admission of the project \"{}\"", p.title, p.title),
        &p.entity(),
        &format!(
            "Admitir el proyecto «{}» de {} con su plan ({} fases, {} métricas; calificación de la comisión {score_text}). / Admit the project \"{}\" of {} with its plan ({} phases, {} metrics; commission score {score_text}).",
            p.title,
            p.entity(),
            plan.phases.len(),
            plan.metrics.len(),
            p.title,
            p.entity(),
            plan.phases.len(),
            plan.metrics.len()
        ),
        actor,
    )
    .await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let (from, to) = step_status(&mut tx, project_id, ProjectStep::PutToVote).await?;
    sqlx::query("UPDATE projects SET agenda_item_id = ? WHERE id = ?")
        .bind(item)
        .bind(project_id)
        .execute(&mut *tx)
        .await?;
    after_step(
        &mut tx,
        state,
        Taken {
            project: &p,
            step: ProjectStep::PutToVote,
            from,
            to,
            phase: None,
            reason: "",
            detail: json!({"meeting": meeting_id, "agenda_item": item, "score": score}),
        },
        actor,
    )
    .await?;
    tx.commit().await?;
    state.committed();
    Ok(item)
}

/// The project an agenda item decides, if any (its vote is the plenary's on a project: liquid,
/// in the "projects" scope).
pub async fn decided_by_item(conn: &mut SqliteConnection, item_id: i64) -> AppResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM projects WHERE agenda_item_id = ?")
            .bind(item_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Carries out the plenary's closed votes on projects: admitted (the plan as admitted is the
/// decision's data; the project starts in the plan's first phase) or rejected (the reasons are
/// the unfavourable justifications). Returns how many were decided.
pub async fn decide_by_votes(state: &AppState) -> AppResult<usize> {
    let due: Vec<(i64, Option<String>)> = sqlx::query_as(
        "SELECT p.id, v.result_json FROM projects p JOIN agenda_items a ON a.id = p.agenda_item_id
         JOIN votes v ON v.id = a.vote_id
         WHERE p.status = 'voting' AND v.status = 'closed'",
    )
    .fetch_all(&state.db)
    .await?;
    let actor = Actor::system("projects");
    let mut done = 0;
    for (project_id, result) in due {
        let result: serde_json::Value = result
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or_default();
        let approved = result["outcome"] == "approved";
        let step = if approved {
            ProjectStep::Admit
        } else {
            ProjectStep::Reject
        };
        let mut tx = crate::db::begin_write(&state.db).await?;
        let p = get(&mut *tx, project_id).await?;
        let (from, to) = match step_status(&mut tx, project_id, step).await {
            Ok(moved) => moved,
            Err(AppError::Invalid(_)) => continue,
            Err(e) => return Err(e),
        };
        let plan: Plan = p.plan();
        let vote_id: Option<i64> =
            sqlx::query_scalar("SELECT vote_id FROM agenda_items WHERE id = ?")
                .bind(p.agenda_item_id)
                .fetch_optional(&mut *tx)
                .await?
                .flatten();
        let (phase, reason) = if approved {
            let phase = plan.first_phase().map(|f| f.as_str());
            sqlx::query(
                "UPDATE projects SET phase = ?, admitted_at = ?, vote_id = ?, reason = '' WHERE id = ?",
            )
            .bind(phase)
            .bind(Ts::now())
            .bind(vote_id)
            .bind(project_id)
            .execute(&mut *tx)
            .await?;
            (phase, String::new())
        } else {
            let reason = rejection_reasons(&mut tx, project_id).await?;
            sqlx::query("UPDATE projects SET reason = ?, vote_id = ? WHERE id = ?")
                .bind(&reason)
                .bind(vote_id)
                .bind(project_id)
                .execute(&mut *tx)
                .await?;
            (None, reason)
        };
        let score = weighted(&state.db, &p).await?;
        after_step(
            &mut tx,
            state,
            Taken {
                project: &p,
                step,
                from,
                to,
                phase,
                reason: &reason,
                detail: json!({"vote": vote_id, "result": result, "score": score, "plan": plan}),
            },
            &actor,
        )
        .await?;
        tx.commit().await?;
        state.committed();
        done += 1;
    }
    Ok(done)
}

/// The justifications of the lowest scores (2 or less), as the reasons of a rejection.
async fn rejection_reasons(tx: &mut SqliteConnection, project_id: i64) -> AppResult<String> {
    let low: Vec<(String, String)> = sqlx::query_as(
        "SELECT criterion, justification FROM project_scores WHERE project_id = ? AND score <= 2 ORDER BY id",
    )
    .bind(project_id)
    .fetch_all(&mut *tx)
    .await?;
    Ok(low
        .into_iter()
        .map(|(c, j)| format!("{c}: {j}"))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// One step of a project's history, for its pages.
#[derive(Clone, Debug, FromRow)]
pub struct StepRow {
    pub step: String,
    pub to_status: String,
    pub phase: Option<String>,
    pub reason: String,
    pub detail_json: String,
    pub actor_label: String,
    pub at: Ts,
    pub evidence_id: Option<String>,
}

pub async fn history(db: &SqlitePool, project_id: i64) -> AppResult<Vec<StepRow>> {
    Ok(sqlx::query_as(
        "SELECT s.step, s.to_status, s.phase, s.reason, s.detail_json, s.actor_label, s.at, d.evidence_id
         FROM project_steps s LEFT JOIN decisions d ON d.ref = 'project-step/' || s.id
         WHERE s.project_id = ? ORDER BY s.id",
    )
    .bind(project_id)
    .fetch_all(db)
    .await?)
}

/// The verification of the admission decision (whose data is the plan as admitted).
pub async fn admission_evidence(db: &SqlitePool, project_id: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT d.evidence_id FROM project_steps s JOIN decisions d ON d.ref = 'project-step/' || s.id
         WHERE s.project_id = ? AND s.step = 'admit' ORDER BY s.id DESC LIMIT 1",
    )
    .bind(project_id)
    .fetch_optional(db)
    .await?
    .flatten())
}
