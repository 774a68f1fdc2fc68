//! The stalled flag: every pass of the terms calendar computes each running project's causes
//! (`domain::projects::stalls`), keeps them with since when, and mails the projects commission
//! once the day a project turns stalled.

use super::review::commission;
use super::{ProjectRow, project_url};
use crate::domain::projects::{RunningFacts, Stall, stalls};
use crate::domain::reporting::Debtor;
use crate::error::AppResult;
use crate::services::audit::{self, Actor};
use crate::services::mail::{self, Message};
use crate::{AppError, AppState};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::SqlitePool;
use std::collections::BTreeSet;

/// What the stalled rules read of one running project on `today` (its reports' standing from
/// the report calendar).
pub async fn facts(
    db: &SqlitePool,
    p: &ProjectRow,
    today: NaiveDate,
    holidays: &BTreeSet<NaiveDate>,
) -> AppResult<RunningFacts> {
    let plan = p.plan();
    let last_metric_on: Option<NaiveDate> = sqlx::query_scalar(
        "SELECT MAX(measured_on) FROM project_metric_values WHERE project_id = ?",
    )
    .bind(p.id)
    .fetch_one(db)
    .await?;
    Ok(RunningFacts {
        phase_ends_on: p
            .phase()
            .and_then(|ph| plan.phase(ph).map(|x| (ph, x.ends_on))),
        report_overdue_since: crate::services::reporting::overdue_since(
            db,
            Debtor::Project,
            &format!("project:{}", p.id),
            today,
            holidays,
        )
        .await?,
        last_metric_on,
        admitted_on: p
            .admitted_at
            .map_or_else(|| p.submitted_at.0.date_naive(), |a| a.0.date_naive()),
        commitment_lapsed_on: p.commitment_lapsed_on,
    })
}

/// Computes every running project's stalled flag for `today`, keeps it (its causes and since
/// when), and mails the projects commission once the day a project turns stalled. Returns how
/// many turned.
pub async fn check_stalled(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let running: Vec<ProjectRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE p.status = 'admitted' ORDER BY p.id",
        super::PROJECT_SELECT
    )))
    .fetch_all(&state.db)
    .await?;
    let stale_days = state.settings.projects.stale_days;
    let holidays = &state.settings.meetings.holidays;
    let mut turned = 0;
    for p in running {
        let f = facts(&state.db, &p, today, holidays).await?;
        let now: Vec<Stall> = stalls(&f, today, stale_days, holidays);
        let json = serde_json::to_string(&now).map_err(AppError::internal)?;
        if json == p.stalled_json {
            continue;
        }
        let since = now.iter().map(Stall::since).min();
        let was_stalled = p.stalled_since.is_some();
        let mut tx = crate::db::begin_write(&state.db).await?;
        sqlx::query("UPDATE projects SET stalled_json = ?, stalled_since = ? WHERE id = ?")
            .bind(&json)
            .bind(if was_stalled && since.is_some() {
                p.stalled_since
            } else {
                since
            })
            .bind(p.id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            &Actor::system("projects"),
            if now.is_empty() {
                "project.unstalled"
            } else {
                "project.stalled"
            },
            "project",
            p.id,
            Some(json!({"stalls": p.stalls()})),
            Some(json!({"stalls": now})),
        )
        .await?;
        if !was_stalled && !now.is_empty() {
            let mailed: i64 = sqlx::query_scalar(
                "UPDATE projects SET stalled_mailed_on = ?1 WHERE id = ?2 AND (stalled_mailed_on IS NULL OR stalled_mailed_on <> ?1) RETURNING 1",
            )
            .bind(today)
            .bind(p.id)
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or(0);
            if mailed == 1 {
                tell_stalled(&mut tx, state, &p, &now).await?;
                turned += 1;
            }
        }
        tx.commit().await?;
    }
    if turned > 0 {
        state.mail_pending.notify_one();
    }
    Ok(turned)
}

async fn tell_stalled(
    tx: &mut sqlx::SqliteConnection,
    state: &AppState,
    p: &ProjectRow,
    now: &[Stall],
) -> AppResult<()> {
    let url = project_url(state, p.id);
    let (es, en): (Vec<String>, Vec<String>) = now.iter().map(stall_words).unzip();
    for (_, name, email) in commission(&mut *tx).await? {
        if email.is_empty() {
            continue;
        }
        mail::queue(
            &mut *tx,
            &Message {
                to_address: email,
                to_name: name,
                subject: format!("Proyecto detenido / Project stalled: {}", p.title),
                body_text: format!(
                    "El proyecto «{}» está detenido: {}.\n{url}\n\nThe project \"{}\" is stalled: {}.\n{url}\n",
                    p.title,
                    es.join("; "),
                    p.title,
                    en.join("; ")
                ),
                ics: None,
                topic: format!("project-stalled/{}/{}", p.id, now.first().map(Stall::since).unwrap_or_default()),
            },
        )
        .await?;
    }
    Ok(())
}

/// A cause in a mail's words: (Spanish, English).
fn stall_words(s: &Stall) -> (String, String) {
    match s {
        Stall::PhaseOverdue { phase, since } => (
            format!(
                "la fase {} venció sin decisión (desde {since})",
                phase.as_str()
            ),
            format!(
                "the {} phase ended without a decision (since {since})",
                phase.as_str()
            ),
        ),
        Stall::ReportOverdue { since } => (
            format!("un informe está atrasado (desde {since})"),
            format!("a report is overdue (since {since})"),
        ),
        Stall::NoMetrics { since } => (
            format!("no registra métricas (desde {since})"),
            format!("no metric recorded (since {since})"),
        ),
        Stall::CommitmentLapsed { since } => (
            format!("el compromiso firmado caducó al cambiar el titular (desde {since})"),
            format!("the signed commitment lapsed when the head changed (since {since})"),
        ),
    }
}
