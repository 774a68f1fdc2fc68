//! Projects (seeds 003 and 004): calls for projects, the application with its plan and metrics,
//! its path through the collective's leaders, the projects commission's scores and the Executive
//! Council's plenary vote ([`review`]), and the admitted project run in phases, its metric values
//! and its stalled flag ([`running`]). Every step is kept; those that decide are registered as
//! `governance.project-*` decisions; the applicant is mailed at each.

use crate::db::Ts;
use crate::domain::projects::{
    Criterion, Phase, Plan, PlanProblem, ProjectStatus, Stall, seed_criteria,
};
use crate::error::{AppResult, Reason};
use crate::i18n::{Tr, fill};
use crate::{AppError, AppState};
use chrono::NaiveDate;
use sqlx::{FromRow, SqliteConnection, SqlitePool};

mod application;
pub mod calls;
pub mod metrics;
pub mod review;
pub mod running;
mod scores;
mod stalled;

pub(crate) use application::check_commitment;
pub use application::{ApplicationForm, Commitment, apply, parse_number, plan_fields, read_plan};
/// The largest signed commitment accepted.
pub const MAX_COMMITMENT_BYTES: usize = 10 * 1024 * 1024;
/// How many metric rows the application form offers.
pub const METRIC_ROWS: usize = 4;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProjectProblem {
    Required,
    TooLong {
        max: usize,
    },
    Number,
    Date,
    Url,
    CollectiveUnknown,
    NoInstitution,
    CommitmentRequired,
    CommitmentNotPdf,
    CommitmentTooLarge,
    Plan(PlanProblem),
    /// The call is not open today, or the applicant is not among those it admits.
    CallClosed,
    CallNotForYou,
    StepRefused,
    ReasonRequired,
    NotTheApplicant,
    ScoreInvalid,
    JustificationRequired,
    /// Not every commission seat has scored it yet.
    ScoresMissing {
        missing: usize,
    },
    MeetingUnsuitable,
    PhaseUnknown,
    ClosingUnknown,
    MetricUnknown,
    CallPeriod,
    CriteriaWeights,
    /// A `project.metric` evidence whose data is not {project, metric, value, measured_on}.
    MetricData,
    /// The project does not take its metrics from this API source (or is not running).
    MetricSource,
    MetricSourceName,
}

impl Reason for ProjectProblem {
    fn code(&self) -> &'static str {
        match self {
            ProjectProblem::Required => "required",
            ProjectProblem::TooLong { .. } => "too_long",
            ProjectProblem::Number => "number_invalid",
            ProjectProblem::Date => "date_invalid",
            ProjectProblem::Url => "url_invalid",
            ProjectProblem::CollectiveUnknown => "collective_unknown",
            ProjectProblem::NoInstitution => "no_institution",
            ProjectProblem::CommitmentRequired => "commitment_required",
            ProjectProblem::CommitmentNotPdf => "commitment_not_pdf",
            ProjectProblem::CommitmentTooLarge => "commitment_too_large",
            ProjectProblem::Plan(_) => "plan_invalid",
            ProjectProblem::CallClosed => "call_closed",
            ProjectProblem::CallNotForYou => "call_not_for_you",
            ProjectProblem::StepRefused => "project_step_refused",
            ProjectProblem::ReasonRequired => "reason_required",
            ProjectProblem::NotTheApplicant => "not_the_applicant",
            ProjectProblem::ScoreInvalid => "score_invalid",
            ProjectProblem::JustificationRequired => "justification_required",
            ProjectProblem::ScoresMissing { .. } => "scores_missing",
            ProjectProblem::MeetingUnsuitable => "meeting_unsuitable",
            ProjectProblem::PhaseUnknown => "phase_unknown",
            ProjectProblem::ClosingUnknown => "closing_unknown",
            ProjectProblem::MetricUnknown => "metric_unknown",
            ProjectProblem::CallPeriod => "call_period_invalid",
            ProjectProblem::CriteriaWeights => "criteria_weights_invalid",
            ProjectProblem::MetricData => "project_metric_data_invalid",
            ProjectProblem::MetricSource => "project_metric_source_refused",
            ProjectProblem::MetricSourceName => "project_metric_source_invalid",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            ProjectProblem::Required => t.problem_required.into(),
            ProjectProblem::TooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            ProjectProblem::Number => t.project_problem_number.into(),
            ProjectProblem::Date => t.project_problem_date.into(),
            ProjectProblem::Url => t.project_problem_url.into(),
            ProjectProblem::CollectiveUnknown => t.node_problem_collective.into(),
            ProjectProblem::NoInstitution => t.node_problem_no_institution.into(),
            ProjectProblem::CommitmentRequired => t.project_problem_commitment.into(),
            ProjectProblem::CommitmentNotPdf => t.node_problem_letter_pdf.into(),
            ProjectProblem::CommitmentTooLarge => fill(
                t.node_problem_letter_large,
                &[("max", &(MAX_COMMITMENT_BYTES / (1024 * 1024)))],
            ),
            ProjectProblem::Plan(p) => plan_message(p, t),
            ProjectProblem::CallClosed => t.project_problem_call_closed.into(),
            ProjectProblem::CallNotForYou => t.project_problem_call_not_for_you.into(),
            ProjectProblem::StepRefused => t.project_problem_step.into(),
            ProjectProblem::ReasonRequired => t.node_problem_reason.into(),
            ProjectProblem::NotTheApplicant => t.node_problem_not_applicant.into(),
            ProjectProblem::ScoreInvalid => t.project_problem_score.into(),
            ProjectProblem::JustificationRequired => t.project_problem_justification.into(),
            ProjectProblem::ScoresMissing { missing } => {
                t.project_problem_scores_missing.fill(*missing as i64, &[])
            }
            ProjectProblem::MeetingUnsuitable => t.project_problem_meeting.into(),
            ProjectProblem::PhaseUnknown => t.project_problem_phase.into(),
            ProjectProblem::ClosingUnknown => t.project_problem_closing.into(),
            ProjectProblem::MetricUnknown => t.project_problem_metric.into(),
            ProjectProblem::CallPeriod => t.project_problem_call_period.into(),
            ProjectProblem::CriteriaWeights => t.project_problem_weights.into(),
            ProjectProblem::MetricData => t.project_problem_metric_data.into(),
            ProjectProblem::MetricSource => t.project_problem_metric_source.into(),
            ProjectProblem::MetricSourceName => t.project_problem_metric_source_name.into(),
        }
    }
}

fn plan_message(p: &PlanProblem, t: &'static Tr) -> String {
    match p {
        PlanProblem::NoPhases => t.project_problem_no_phases.into(),
        PlanProblem::EndsBeforeStart(ph) => fill(
            t.project_problem_phase_dates,
            &[("phase", &phase_name(*ph, t))],
        ),
        PlanProblem::OutOfOrder(ph) => fill(
            t.project_problem_phase_order,
            &[("phase", &phase_name(*ph, t))],
        ),
        PlanProblem::NoMetrics => t.project_problem_no_metrics.into(),
        PlanProblem::MetricIncomplete(i) => {
            fill(t.project_problem_metric_incomplete, &[("n", &(i + 1))])
        }
        PlanProblem::TargetWithoutPhase(i, ph) => fill(
            t.project_problem_target_phase,
            &[("n", &(i + 1)), ("phase", &phase_name(*ph, t))],
        ),
        PlanProblem::NotANumber(i) => fill(t.project_problem_metric_number, &[("n", &(i + 1))]),
    }
}

pub fn phase_name(p: Phase, t: &'static Tr) -> &'static str {
    match p {
        Phase::ProofOfConcept => t.project_phase_poc,
        Phase::Prototype => t.project_phase_prototype,
        Phase::Mvp => t.project_phase_mvp,
        Phase::Production => t.project_phase_production,
    }
}

pub fn status_name(s: ProjectStatus, t: &'static Tr) -> &'static str {
    match s {
        ProjectStatus::Submitted => t.project_status_submitted,
        ProjectStatus::Returned => t.project_status_returned,
        ProjectStatus::InEvaluation => t.project_status_in_evaluation,
        ProjectStatus::Voting => t.project_status_voting,
        ProjectStatus::Admitted => t.project_status_admitted,
        ProjectStatus::Rejected => t.project_status_rejected,
        ProjectStatus::Withdrawn => t.project_status_withdrawn,
        ProjectStatus::Closed => t.project_status_closed,
    }
}

/// The application's page (for the applicant, the leaders and the commission).
pub fn application_url(state: &AppState, id: i64) -> String {
    format!(
        "{}/projects/applications/{id}",
        state.settings.public_url.trim_end_matches('/')
    )
}

/// A project's public page.
pub fn project_url(state: &AppState, id: i64) -> String {
    format!(
        "{}/projects/{id}",
        state.settings.public_url.trim_end_matches('/')
    )
}

/// A project or application, with the names it is shown with.
#[derive(Clone, Debug, FromRow)]
pub struct ProjectRow {
    pub id: i64,
    pub call_id: Option<i64>,
    pub person_id: i64,
    pub applicant: String,
    pub institution_id: Option<i64>,
    pub institution: Option<String>,
    pub entity_name: String,
    pub public_body: bool,
    pub commitment_sha256: Option<String>,
    pub commitment_filename: Option<String>,
    pub commitment_head: String,
    pub commitment_lapsed_on: Option<NaiveDate>,
    pub collective_id: i64,
    pub collective_slug: String,
    pub collective_es: String,
    pub collective_en: String,
    pub title: String,
    pub problem: String,
    pub public_value: String,
    pub beneficiaries: String,
    pub licence: String,
    pub repository: String,
    pub open_data: String,
    pub team: String,
    pub partner: String,
    pub requested_nodes: i64,
    pub requested_capital: i64,
    pub requested_support: String,
    pub metrics_source: Option<String>,
    pub plan_json: String,
    pub status: String,
    pub phase: Option<String>,
    pub agenda_item_id: Option<i64>,
    pub vote_id: Option<i64>,
    pub reason: String,
    pub closing: Option<String>,
    pub lessons: String,
    pub guide: String,
    pub stalled_json: String,
    pub stalled_since: Option<NaiveDate>,
    pub submitted_at: Ts,
    pub admitted_at: Option<Ts>,
    pub closed_at: Option<Ts>,
}

impl ProjectRow {
    pub fn status(&self) -> ProjectStatus {
        ProjectStatus::parse(&self.status).unwrap_or(ProjectStatus::Submitted)
    }

    pub fn phase(&self) -> Option<Phase> {
        self.phase.as_deref().and_then(Phase::parse)
    }

    /// The plan as it stands (as admitted, or as last re-planned).
    pub fn plan(&self) -> Plan {
        serde_json::from_str(&self.plan_json).unwrap_or_default()
    }

    /// The entity it is for: the institution, the entity as written, or the applicant.
    pub fn entity(&self) -> String {
        match (&self.institution, self.entity_name.is_empty()) {
            (Some(i), _) => i.clone(),
            (None, false) => self.entity_name.clone(),
            (None, true) => self.applicant.clone(),
        }
    }

    pub fn collective(&self, lang: crate::i18n::Lang) -> String {
        lang.pick(&self.collective_es, &self.collective_en)
    }

    /// The reasons it is stalled (empty: it is not).
    pub fn stalls(&self) -> Vec<Stall> {
        serde_json::from_str(&self.stalled_json).unwrap_or_default()
    }
}

pub(crate) const PROJECT_SELECT: &str =
    "SELECT p.id, p.call_id, p.person_id, pe.full_name AS applicant, p.institution_id, i.name AS institution, p.entity_name,
            p.public_body, p.commitment_sha256, p.commitment_filename, p.commitment_head, p.commitment_lapsed_on,
            p.collective_id, c.slug AS collective_slug, c.name_es AS collective_es, c.name_en AS collective_en,
            p.title, p.problem, p.public_value, p.beneficiaries, p.licence, p.repository, p.open_data, p.team, p.partner,
            p.requested_nodes, p.requested_capital, p.requested_support, p.metrics_source, p.plan_json, p.status, p.phase, p.agenda_item_id,
            p.vote_id, p.reason, p.closing, p.lessons, p.guide, p.stalled_json, p.stalled_since, p.submitted_at,
            p.admitted_at, p.closed_at
     FROM projects p JOIN people pe ON pe.id = p.person_id JOIN collectives c ON c.id = p.collective_id
     LEFT JOIN institutions i ON i.id = p.institution_id";

pub async fn get<'e>(db: impl sqlx::SqliteExecutor<'e>, id: i64) -> AppResult<ProjectRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PROJECT_SELECT} WHERE p.id = ?"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)
}

/// The public projects (admitted, closed, rejected), newest first.
pub async fn public(db: &SqlitePool) -> AppResult<Vec<ProjectRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PROJECT_SELECT} WHERE p.status IN ('admitted', 'closed', 'rejected') ORDER BY p.admitted_at DESC, p.id DESC"
    )))
    .fetch_all(db)
    .await?)
}

/// The applications on their way to a decision (and, with `person`, that person's own of every
/// status), oldest first.
pub async fn applications(db: &SqlitePool, person: Option<i64>) -> AppResult<Vec<ProjectRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PROJECT_SELECT} WHERE (?1 IS NULL AND p.status IN ('submitted', 'returned', 'in_evaluation', 'voting'))
                             OR p.person_id = ?1
         ORDER BY p.id"
    )))
    .bind(person)
    .fetch_all(db)
    .await?)
}

/// The criteria an application is scored on: its call's, or the seed's outside a call.
pub async fn criteria_of(db: &SqlitePool, project: &ProjectRow) -> AppResult<Vec<Criterion>> {
    match project.call_id {
        Some(call) => Ok(calls::get(db, call).await?.criteria()),
        None => Ok(seed_criteria()),
    }
}

/// The applicant's e-mail, for the mails at each step.
pub(crate) async fn applicant_email(
    conn: &mut SqliteConnection,
    person_id: i64,
) -> AppResult<String> {
    Ok(sqlx::query_scalar("SELECT email FROM people WHERE id = ?")
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await?
        .unwrap_or_default())
}
