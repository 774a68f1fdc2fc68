//! An admitted project at work: the metric values it records, the change of phase it proposes
//! (recommended by the projects commission, decided by the Executive Council), a re-plan (a
//! decision that keeps the plan as admitted beside it), its closing with lessons learned and a
//! guide for the next entity, and a change of the entity's head that lapses its signed commitment
//! (the stalled flag is [`super::stalled`]'s).

use super::review::{Taken, after_step, commission, step_status};
use super::{ProjectProblem, ProjectRow, get, parse_number, project_url, read_plan};
use crate::db::Ts;
use crate::domain::projects::{Closing, Phase, Plan, ProjectStatus, ProjectStep};
use crate::error::{AppResult, Invalid};
use crate::services::audit::{self, Actor};
use crate::services::authority::{CouncilSecretary, ProjectEvaluator, Signed};
use crate::services::evidence::documents;
use crate::services::mail::{self, Message};
use crate::{AppError, AppState};
use chrono::{NaiveDate, Utc};
use serde_json::json;
use sqlx::{FromRow, SqlitePool};

const MAX_TEXT: usize = 8000;

fn running(p: &ProjectRow) -> AppResult<()> {
    if p.status() == ProjectStatus::Admitted {
        Ok(())
    } else {
        Err(Invalid::one("", ProjectProblem::StepRefused).into())
    }
}

fn long_text(errors: &mut Invalid, field: &'static str, v: &str, required: bool) -> String {
    let v = v.trim();
    if required && v.is_empty() {
        errors.add(field, ProjectProblem::Required);
    } else if v.chars().count() > MAX_TEXT {
        errors.add(field, ProjectProblem::TooLong { max: MAX_TEXT });
    }
    v.to_string()
}

/// A metric value as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ValueForm {
    pub metric: String,
    pub measured_on: String,
    pub value: String,
    pub note: String,
}

/// The applicant (the project's responsible user) records a metric's value.
pub async fn record_value(
    state: &AppState,
    who: &Signed,
    project_id: i64,
    form: &ValueForm,
    actor: &Actor,
) -> AppResult<i64> {
    let p = get(&state.db, project_id).await?;
    if p.person_id != who.person_id() {
        return Err(Invalid::one("", ProjectProblem::NotTheApplicant).into());
    }
    running(&p)?;
    let mut errors = Invalid::new();
    let plan = p.plan();
    let metric = form.metric.trim().parse::<usize>().ok();
    if metric.is_none_or(|m| m >= plan.metrics.len()) {
        errors.add("metric", ProjectProblem::MetricUnknown);
    }
    let today = Utc::now().date_naive();
    let on = NaiveDate::parse_from_str(form.measured_on.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| *d <= today);
    if on.is_none() {
        errors.add("measured_on", ProjectProblem::Date);
    }
    let value = parse_number(&form.value);
    if value.is_none() {
        errors.add("value", ProjectProblem::Number);
    }
    let note = long_text(&mut errors, "note", &form.note, false);
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    let (Some(metric), Some(on), Some(value)) = (metric, on, value) else {
        return Err(AppError::internal("checked above"));
    };
    insert_value(state, p.id, metric, on, value, &note, "portal", actor).await
}

/// Keeps a metric value (from the portal or a source system) with its audit line.
#[allow(clippy::too_many_arguments)]
pub async fn insert_value(
    state: &AppState,
    project_id: i64,
    metric: usize,
    on: NaiveDate,
    value: f64,
    note: &str,
    source: &str,
    actor: &Actor,
) -> AppResult<i64> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO project_metric_values (project_id, metric, measured_on, value, note, account_id, source, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(project_id)
    .bind(metric as i64)
    .bind(on)
    .bind(value)
    .bind(note)
    .bind(actor.account_id)
    .bind(source)
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "project.metric_recorded",
        "project",
        project_id,
        None,
        Some(json!({"metric": metric, "measured_on": on, "value": value, "note": note, "source": source})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// One recorded value of a metric.
#[derive(Clone, Debug, FromRow)]
pub struct ValueRow {
    pub metric: i64,
    pub measured_on: NaiveDate,
    pub value: f64,
    pub note: String,
    pub source: String,
}

/// Every value of the project's metrics, by metric and date.
pub async fn values(db: &SqlitePool, project_id: i64) -> AppResult<Vec<ValueRow>> {
    Ok(sqlx::query_as(
        "SELECT metric, measured_on, value, note, source FROM project_metric_values
         WHERE project_id = ? ORDER BY metric, measured_on, id",
    )
    .bind(project_id)
    .fetch_all(db)
    .await?)
}

/// A phase change as proposed and (perhaps) recommended.
#[derive(Clone, Debug, FromRow)]
pub struct ProposalRow {
    pub id: i64,
    pub to_phase: String,
    pub delivered: String,
    pub proposed_at: Ts,
    pub recommendation: String,
    pub recommended_at: Option<Ts>,
    pub status: String,
}

pub async fn open_proposal(db: &SqlitePool, project_id: i64) -> AppResult<Option<ProposalRow>> {
    Ok(sqlx::query_as(
        "SELECT id, to_phase, delivered, proposed_at, recommendation, recommended_at, status FROM project_proposals
         WHERE project_id = ? AND status = 'open' ORDER BY id DESC LIMIT 1",
    )
    .bind(project_id)
    .fetch_optional(db)
    .await?)
}

/// The project (its applicant) proposes to move to the plan's next phase, saying what it
/// delivered.
pub async fn propose_phase(
    state: &AppState,
    who: &Signed,
    project_id: i64,
    delivered: &str,
    actor: &Actor,
) -> AppResult<i64> {
    let p = get(&state.db, project_id).await?;
    if p.person_id != who.person_id() {
        return Err(Invalid::one("", ProjectProblem::NotTheApplicant).into());
    }
    running(&p)?;
    let mut errors = Invalid::new();
    let delivered = long_text(&mut errors, "delivered", delivered, true);
    let next = p.phase().and_then(|ph| p.plan().after(ph));
    if next.is_none() {
        errors.add("delivered", ProjectProblem::PhaseUnknown);
    }
    if open_proposal(&state.db, project_id).await?.is_some() {
        errors.add("delivered", ProjectProblem::StepRefused);
    }
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    let next = next.ok_or_else(|| AppError::internal("checked above"))?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO project_proposals (project_id, to_phase, delivered, proposed_by, proposed_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(project_id)
    .bind(next.as_str())
    .bind(&delivered)
    .bind(actor.account_id)
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "project.phase_proposed",
        "project",
        project_id,
        None,
        Some(json!({"to_phase": next.as_str(), "delivered": delivered})),
    )
    .await?;
    let url = project_url(state, project_id);
    for (_, name, email) in commission(&mut tx).await? {
        if email.is_empty() {
            continue;
        }
        mail::queue(
            &mut tx,
            &Message {
                to_address: email,
                to_name: name,
                subject: format!("Cambio de fase propuesto / Phase change proposed: {}", p.title),
                body_text: format!(
                    "El proyecto «{}» propone pasar a la fase siguiente. La comisión la recomienda al Consejo.\n{url}\n\nThe project \"{}\" proposes to move to its next phase. The commission recommends it to the Council.\n{url}\n",
                    p.title, p.title
                ),
                ics: None,
                topic: format!("project-proposal/{id}"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    state.mail_pending.notify_one();
    Ok(id)
}

/// A projects commission seat writes the commission's recommendation on the open proposal.
pub async fn recommend(
    state: &AppState,
    _evaluator: &ProjectEvaluator,
    project_id: i64,
    recommendation: &str,
    actor: &Actor,
) -> AppResult<()> {
    let mut errors = Invalid::new();
    let text = long_text(&mut errors, "recommendation", recommendation, true);
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    let proposal = open_proposal(&state.db, project_id)
        .await?
        .ok_or_else(|| Invalid::one("recommendation", ProjectProblem::StepRefused))?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    sqlx::query(
        "UPDATE project_proposals SET recommendation = ?, recommended_by = ?, recommended_at = ? WHERE id = ? AND status = 'open'",
    )
    .bind(&text)
    .bind(actor.account_id)
    .bind(Ts::now())
    .bind(proposal.id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "project.phase_recommended",
        "project",
        project_id,
        None,
        Some(json!({"proposal": proposal.id, "recommendation": text})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The Executive Secretary records the Council's decision on the recommended proposal: the
/// project moves to the proposed phase (or stays, with the reason). A decision either way.
pub async fn decide_phase(
    state: &AppState,
    _secretary: &CouncilSecretary,
    project_id: i64,
    approve: bool,
    reason: &str,
    actor: &Actor,
) -> AppResult<()> {
    let p = get(&state.db, project_id).await?;
    running(&p)?;
    let proposal = open_proposal(&state.db, project_id)
        .await?
        .ok_or_else(|| Invalid::one("", ProjectProblem::StepRefused))?;
    if proposal.recommended_at.is_none() {
        return Err(Invalid::one("", ProjectProblem::StepRefused).into());
    }
    let reason = reason.trim();
    if !approve && reason.is_empty() {
        return Err(Invalid::one("reason", ProjectProblem::ReasonRequired).into());
    }
    let to_phase = Phase::parse(&proposal.to_phase).ok_or(AppError::NotFound)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let (from, to) = step_status(&mut tx, project_id, ProjectStep::ChangePhase).await?;
    sqlx::query("UPDATE project_proposals SET status = ? WHERE id = ?")
        .bind(if approve { "decided" } else { "refused" })
        .bind(proposal.id)
        .execute(&mut *tx)
        .await?;
    let phase = if approve {
        sqlx::query("UPDATE projects SET phase = ? WHERE id = ?")
            .bind(to_phase.as_str())
            .bind(project_id)
            .execute(&mut *tx)
            .await?;
        Some(to_phase.as_str())
    } else {
        p.phase.as_deref()
    };
    after_step(
        &mut tx,
        state,
        Taken {
            project: &p,
            step: ProjectStep::ChangePhase,
            from,
            to,
            phase,
            reason,
            detail: json!({"approved": approve, "from_phase": p.phase, "to_phase": to_phase.as_str(),
                           "delivered": proposal.delivered, "recommendation": proposal.recommendation}),
        },
        actor,
    )
    .await?;
    tx.commit().await?;
    state.committed();
    Ok(())
}

/// The Executive Secretary records a re-plan the Council decided: new dates or targets, with
/// the reason. The plan as admitted stays in its decision; this one is a new decision beside it.
pub async fn replan(
    state: &AppState,
    _secretary: &CouncilSecretary,
    project_id: i64,
    form: &super::ApplicationForm,
    reason: &str,
    actor: &Actor,
) -> AppResult<()> {
    let p = get(&state.db, project_id).await?;
    running(&p)?;
    let mut errors = Invalid::new();
    let plan: Plan = read_plan(form, &mut errors);
    let reason = reason.trim();
    if reason.is_empty() {
        errors.add("reason", ProjectProblem::ReasonRequired);
    }
    if let Some(ph) = p.phase()
        && !plan.phases.iter().any(|x| x.phase == ph)
    {
        errors.add("phases", ProjectProblem::PhaseUnknown);
    }
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    let before = p.plan();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let (from, to) = step_status(&mut tx, project_id, ProjectStep::Replan).await?;
    sqlx::query("UPDATE projects SET plan_json = ? WHERE id = ?")
        .bind(serde_json::to_string(&plan).map_err(AppError::internal)?)
        .bind(project_id)
        .execute(&mut *tx)
        .await?;
    after_step(
        &mut tx,
        state,
        Taken {
            project: &p,
            step: ProjectStep::Replan,
            from,
            to,
            phase: p.phase.as_deref(),
            reason,
            detail: json!({"plan": plan, "replaces": before}),
        },
        actor,
    )
    .await?;
    tx.commit().await?;
    state.committed();
    Ok(())
}

/// The closing form: how it ended, why (required for an abandoned project), the lessons learned
/// and a step-by-step guide for the next entity.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CloseForm {
    pub closing: String,
    pub reason: String,
    pub lessons: String,
    pub guide: String,
}

/// The Executive Secretary records the Council's decision that closes the project.
pub async fn close(
    state: &AppState,
    _secretary: &CouncilSecretary,
    project_id: i64,
    form: &CloseForm,
    actor: &Actor,
) -> AppResult<()> {
    let p = get(&state.db, project_id).await?;
    running(&p)?;
    let mut errors = Invalid::new();
    let closing = Closing::parse(form.closing.trim());
    if closing.is_none() {
        errors.add("closing", ProjectProblem::ClosingUnknown);
    }
    let reason = long_text(
        &mut errors,
        "reason",
        &form.reason,
        closing == Some(Closing::Abandoned),
    );
    let lessons = long_text(&mut errors, "lessons", &form.lessons, true);
    let guide = long_text(&mut errors, "guide", &form.guide, true);
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    let closing = closing.ok_or_else(|| AppError::internal("checked above"))?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let (from, to) = step_status(&mut tx, project_id, ProjectStep::Close).await?;
    sqlx::query(
        "UPDATE projects SET closing = ?, reason = ?, lessons = ?, guide = ?, closed_at = ?, stalled_json = '[]', stalled_since = NULL WHERE id = ?",
    )
    .bind(closing.as_str())
    .bind(&reason)
    .bind(&lessons)
    .bind(&guide)
    .bind(Ts::now())
    .bind(project_id)
    .execute(&mut *tx)
    .await?;
    after_step(
        &mut tx,
        state,
        Taken {
            project: &p,
            step: ProjectStep::Close,
            from,
            to,
            phase: p.phase.as_deref(),
            reason: &reason,
            detail: json!({"closing": closing.as_str(), "lessons": lessons, "guide": guide}),
        },
        actor,
    )
    .await?;
    tx.commit().await?;
    state.committed();
    Ok(())
}

/// The applicant (or the leaders) record that the entity's head changed: the signed commitment
/// lapses until the new head signs one.
pub async fn head_changed(
    state: &AppState,
    who: &Signed,
    project_id: i64,
    on: &str,
    actor: &Actor,
) -> AppResult<()> {
    let p = get(&state.db, project_id).await?;
    if p.person_id != who.person_id() {
        return Err(Invalid::one("", ProjectProblem::NotTheApplicant).into());
    }
    running(&p)?;
    let day = NaiveDate::parse_from_str(on.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| *d <= Utc::now().date_naive())
        .ok_or_else(|| Invalid::one("changed_on", ProjectProblem::Date))?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    sqlx::query("UPDATE projects SET commitment_lapsed_on = ? WHERE id = ?")
        .bind(day)
        .bind(project_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "project.head_changed",
        "project",
        project_id,
        None,
        Some(json!({"changed_on": day})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The new head signed the commitment again: the PDF stored, the lapse cleared.
pub async fn renew_commitment(
    state: &AppState,
    who: &Signed,
    project_id: i64,
    head: &str,
    commitment: Option<super::Commitment<'_>>,
    actor: &Actor,
) -> AppResult<()> {
    let p = get(&state.db, project_id).await?;
    if p.person_id != who.person_id() {
        return Err(Invalid::one("", ProjectProblem::NotTheApplicant).into());
    }
    let mut errors = Invalid::new();
    let head = long_text(&mut errors, "commitment_head", head, true);
    let file = match super::check_commitment(commitment) {
        Ok(Some(c)) => Some(c),
        Ok(None) => {
            errors.add("commitment", ProjectProblem::CommitmentRequired);
            None
        }
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    let (name, bytes) = file.ok_or_else(|| AppError::internal("checked above"))?;
    let hash = documents::store(&state.settings.documents_dir(), bytes)
        .await?
        .hex();
    let name = crate::services::advisory::clean_filename(name);
    let mut tx = crate::db::begin_write(&state.db).await?;
    sqlx::query(
        "UPDATE projects SET commitment_sha256 = ?, commitment_filename = ?, commitment_head = ?, commitment_lapsed_on = NULL, public_body = 1 WHERE id = ?",
    )
    .bind(&hash)
    .bind(&name)
    .bind(&head)
    .bind(project_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "project.commitment_renewed",
        "project",
        project_id,
        None,
        Some(json!({"commitment_sha256": hash, "head": head})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub use super::stalled::{check_stalled, facts};
