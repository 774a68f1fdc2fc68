//! Metric values a project's source system sends through the evidence API: an evidence of kind
//! `project.metric` whose data is `{"project": id, "metric": n, "value": v, "measured_on":
//! "YYYY-MM-DD"}`, from the API source the project's applicant named. Checked before the log
//! takes it (a value the project cannot take is refused with the evidence, as a problem
//! detail), recorded once registered — with the evidence's id as its note, so each value can be
//! checked at `/v/{id}` — and only when the evidence is new (a resent one records nothing).

use super::{ProjectProblem, get, running::insert_value};
use crate::domain::projects::ProjectStatus;
use crate::error::{AppResult, Invalid};
use crate::services::audit::{self, Actor};
use crate::services::authority::Signed;
use crate::services::evidence::Submission;
use crate::services::evidence::sequencer::Registered;
use crate::{AppError, AppState};
use chrono::{NaiveDate, Utc};
use serde_json::json;

/// The kind whose evidences record a project's metric value.
pub const METRIC_KIND: &str = "project.metric";

/// One value read from a submission: its position in the batch and what it records.
#[derive(Clone, Debug, PartialEq)]
pub struct Reported {
    pub position: usize,
    pub project: i64,
    pub metric: usize,
    pub value: f64,
    pub measured_on: NaiveDate,
}

/// Reads and checks the `project.metric` submissions of a request from `source`: each names a
/// running project whose metrics come from `source`, one of its plan's metrics, a finite value and
/// a day not in the future. Any that does not: the whole request is refused.
pub async fn from_submissions(
    state: &AppState,
    source: &str,
    subs: &[Submission],
) -> AppResult<Vec<Reported>> {
    let mut out = Vec::new();
    let mut errors = Invalid::new();
    let today = Utc::now().date_naive();
    for (position, sub) in subs.iter().enumerate() {
        if sub.kind != METRIC_KIND {
            continue;
        }
        let d = &sub.data;
        let project = d["project"].as_i64();
        let metric = d["metric"].as_u64().and_then(|m| usize::try_from(m).ok());
        let value = d["value"].as_f64().filter(|v| v.is_finite());
        let on = d["measured_on"]
            .as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .filter(|day| *day <= today);
        let (Some(project), Some(metric), Some(value), Some(measured_on)) =
            (project, metric, value, on)
        else {
            errors.add("data", ProjectProblem::MetricData);
            continue;
        };
        let p = match get(&state.db, project).await {
            Ok(p) => p,
            Err(AppError::NotFound) => {
                errors.add("data", ProjectProblem::MetricSource);
                continue;
            }
            Err(e) => return Err(e),
        };
        if p.metrics_source.as_deref() != Some(source) || p.status() != ProjectStatus::Admitted {
            errors.add("data", ProjectProblem::MetricSource);
            continue;
        }
        if metric >= p.plan().metrics.len() {
            errors.add("data", ProjectProblem::MetricUnknown);
            continue;
        }
        out.push(Reported {
            position,
            project,
            metric,
            value,
            measured_on,
        });
    }
    errors.into_result()?;
    Ok(out)
}

/// Records the values of the evidences the log has just registered (new ones only).
pub async fn record(
    state: &AppState,
    source: &str,
    reported: &[Reported],
    registered: &[Registered],
) -> AppResult<usize> {
    let actor = Actor::system(&format!("api:{source}"));
    let mut done = 0;
    for r in reported {
        let Some(evidence) = registered.get(r.position).filter(|e| e.created) else {
            continue;
        };
        insert_value(
            state,
            r.project,
            r.metric,
            r.measured_on,
            r.value,
            &evidence.id,
            &format!("api:{source}"),
            &actor,
        )
        .await?;
        done += 1;
    }
    Ok(done)
}

/// The applicant names the API source whose `project.metric` evidences record the project's
/// metrics (empty: none, only the applicant records them).
pub async fn set_source(
    state: &AppState,
    who: &Signed,
    project_id: i64,
    source: &str,
    actor: &Actor,
) -> AppResult<()> {
    let p = get(&state.db, project_id).await?;
    if p.person_id != who.person_id() {
        return Err(Invalid::one("", ProjectProblem::NotTheApplicant).into());
    }
    let source = source.trim();
    if source.chars().count() > 100 || source.chars().any(char::is_whitespace) {
        return Err(Invalid::one("metrics_source", ProjectProblem::MetricSourceName).into());
    }
    let value = (!source.is_empty()).then_some(source);
    let mut tx = crate::db::begin_write(&state.db).await?;
    sqlx::query("UPDATE projects SET metrics_source = ? WHERE id = ?")
        .bind(value)
        .bind(project_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "project.metrics_source",
        "project",
        project_id,
        Some(json!({"metrics_source": p.metrics_source})),
        Some(json!({"metrics_source": value})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
