//! The rules of the network's projects (seeds 003 and 004): the path of an application from the
//! applicant through the collective's leaders, the projects commission's scores and the
//! Executive Council's plenary vote to an admitted project; the phases it runs in (proof of
//! concept → prototype → MVP → production), its plan and metrics as fixed at admission, and when
//! it is stalled.
//!
//! Pure rules over plain data: the caller passes the facts and `today`. Every number is a setting
//! or the call's configuration, whose defaults are the seed's.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Where a project stands.
///
/// submitted → (the collective's leaders select it) in evaluation → (every commission seat has
/// scored it; put on a Council meeting's agenda) voting → admitted | rejected; the leaders may
/// return a submitted application (returned → resubmitted); the applicant may withdraw it before
/// the vote; an admitted project closes (in production, finished or abandoned).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Submitted,
    Returned,
    InEvaluation,
    Voting,
    Admitted,
    Rejected,
    Withdrawn,
    Closed,
}

/// What moves an application or a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProjectStep {
    /// The collective's leaders send it to the projects commission.
    Select,
    /// The leaders send it back to the applicant, with a reason.
    Return,
    /// The applicant sends a returned application again, amended.
    Resubmit,
    /// The applicant takes it back.
    Withdraw,
    /// Every commission seat has scored it: it goes on a Council meeting's agenda.
    PutToVote,
    /// The Council's plenary approved it.
    Admit,
    /// The Council's plenary refused it.
    Reject,
    /// The Council decided a change of phase.
    ChangePhase,
    /// The Council decided new dates or targets.
    Replan,
    /// The project ends: in production, finished or abandoned.
    Close,
}

/// Why a step cannot be taken from where the project stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepRefused {
    pub from: ProjectStatus,
    pub step: ProjectStep,
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 8] = [
        ProjectStatus::Submitted,
        ProjectStatus::Returned,
        ProjectStatus::InEvaluation,
        ProjectStatus::Voting,
        ProjectStatus::Admitted,
        ProjectStatus::Rejected,
        ProjectStatus::Withdrawn,
        ProjectStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Submitted => "submitted",
            ProjectStatus::Returned => "returned",
            ProjectStatus::InEvaluation => "in_evaluation",
            ProjectStatus::Voting => "voting",
            ProjectStatus::Admitted => "admitted",
            ProjectStatus::Rejected => "rejected",
            ProjectStatus::Withdrawn => "withdrawn",
            ProjectStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<ProjectStatus> {
        ProjectStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the application is still on its way to a decision.
    pub fn pending(self) -> bool {
        matches!(
            self,
            ProjectStatus::Submitted
                | ProjectStatus::Returned
                | ProjectStatus::InEvaluation
                | ProjectStatus::Voting
        )
    }

    /// Whether its page is public: an admitted project (running or closed), or a rejected one
    /// (the decision and its reasons are public).
    pub fn public(self) -> bool {
        matches!(
            self,
            ProjectStatus::Admitted | ProjectStatus::Closed | ProjectStatus::Rejected
        )
    }

    /// Where `step` leads from here.
    pub fn step(self, step: ProjectStep) -> Result<ProjectStatus, StepRefused> {
        use ProjectStatus as S;
        use ProjectStep as T;
        let to = match (self, step) {
            (S::Submitted, T::Select) => S::InEvaluation,
            (S::Submitted, T::Return) => S::Returned,
            (S::Returned, T::Resubmit) => S::Submitted,
            (S::Submitted | S::Returned | S::InEvaluation, T::Withdraw) => S::Withdrawn,
            (S::InEvaluation, T::PutToVote) => S::Voting,
            (S::Voting, T::Admit) => S::Admitted,
            (S::Voting, T::Reject) => S::Rejected,
            (S::Admitted, T::ChangePhase | T::Replan) => S::Admitted,
            (S::Admitted, T::Close) => S::Closed,
            (from, step) => return Err(StepRefused { from, step }),
        };
        Ok(to)
    }
}

impl ProjectStep {
    /// The event of the decision this step is, registered as `governance.project-<event>`;
    /// `None` for the steps that decide nothing (the applicant's own, the agenda's).
    pub fn decision_event(self) -> Option<&'static str> {
        match self {
            ProjectStep::Select => Some("project-selected"),
            ProjectStep::Return => Some("project-returned"),
            ProjectStep::Resubmit | ProjectStep::Withdraw | ProjectStep::PutToVote => None,
            ProjectStep::Admit => Some("project-admitted"),
            ProjectStep::Reject => Some("project-rejected"),
            ProjectStep::ChangePhase => Some("project-phase-changed"),
            ProjectStep::Replan => Some("project-replanned"),
            ProjectStep::Close => Some("project-closed"),
        }
    }

    /// Steps that must say why.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            ProjectStep::Return | ProjectStep::Reject | ProjectStep::Replan | ProjectStep::Close
        )
    }
}

/// The settings of projects, with the seed's defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectSettings {
    /// Days without a metric value after which a running project is stalled
    /// (`MINGA_PROJECT_STALE_DAYS`, 60; 0 turns the rule off).
    pub stale_days: u32,
    /// Days before a phase's end from which its schedule shows "ending soon".
    pub soon_days: u32,
}

impl Default for ProjectSettings {
    fn default() -> Self {
        ProjectSettings {
            stale_days: 60,
            soon_days: 14,
        }
    }
}

/// The phases a project runs in, in order (Colombia's pilot: proof of concept, prototype, MVP,
/// production).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    ProofOfConcept,
    Prototype,
    Mvp,
    Production,
}

impl Phase {
    pub const ALL: [Phase; 4] = [
        Phase::ProofOfConcept,
        Phase::Prototype,
        Phase::Mvp,
        Phase::Production,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::ProofOfConcept => "proof_of_concept",
            Phase::Prototype => "prototype",
            Phase::Mvp => "mvp",
            Phase::Production => "production",
        }
    }

    pub fn parse(s: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The phase after this one, if any.
    pub fn next(self) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| *p > self)
    }
}

/// How a project ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Closing {
    /// It runs in production: the pilot became a service.
    InProduction,
    /// It delivered what it set out to and stops.
    Finished,
    /// It stopped before its plan was done (the reason is required).
    Abandoned,
}

impl Closing {
    pub const ALL: [Closing; 3] = [Closing::InProduction, Closing::Finished, Closing::Abandoned];

    pub fn as_str(self) -> &'static str {
        match self {
            Closing::InProduction => "in_production",
            Closing::Finished => "finished",
            Closing::Abandoned => "abandoned",
        }
    }

    pub fn parse(s: &str) -> Option<Closing> {
        Closing::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One phase of the plan: its dates and what it delivers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedPhase {
    pub phase: Phase,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub deliverables: String,
}

/// One metric of the plan: what is measured, from where, and the target of each phase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedMetric {
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    /// (phase, target), in phase order; a phase without a target has none.
    pub targets: Vec<(Phase, f64)>,
    pub method: String,
}

/// The plan: the phases, in order, and the metrics. As admitted it is the admission evidence's
/// data; a re-plan is a later decision beside it, never an edit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub phases: Vec<PlannedPhase>,
    pub metrics: Vec<PlannedMetric>,
}

/// What is wrong with a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanProblem {
    NoPhases,
    /// A phase ends before it starts.
    EndsBeforeStart(Phase),
    /// Phases out of order, repeated, or overlapping the one before.
    OutOfOrder(Phase),
    NoMetrics,
    /// A metric without a name or a unit.
    MetricIncomplete(usize),
    /// A metric with a target for a phase the plan does not have.
    TargetWithoutPhase(usize, Phase),
    /// A number that is not finite.
    NotANumber(usize),
}

impl Plan {
    /// Checks the plan: at least one phase, in order without overlap, each ending on or after
    /// its start; at least one metric, each named with a unit and finite numbers, targets only
    /// for the plan's phases.
    pub fn check(&self) -> Vec<PlanProblem> {
        let mut out = Vec::new();
        if self.phases.is_empty() {
            out.push(PlanProblem::NoPhases);
        }
        let mut before: Option<&PlannedPhase> = None;
        for p in &self.phases {
            if p.ends_on < p.starts_on {
                out.push(PlanProblem::EndsBeforeStart(p.phase));
            }
            if let Some(b) = before
                && (p.phase <= b.phase || p.starts_on <= b.ends_on)
            {
                out.push(PlanProblem::OutOfOrder(p.phase));
            }
            before = Some(p);
        }
        if self.metrics.is_empty() {
            out.push(PlanProblem::NoMetrics);
        }
        for (i, m) in self.metrics.iter().enumerate() {
            if m.name.trim().is_empty() || m.unit.trim().is_empty() {
                out.push(PlanProblem::MetricIncomplete(i));
            }
            if !m.baseline.is_finite() || m.targets.iter().any(|(_, t)| !t.is_finite()) {
                out.push(PlanProblem::NotANumber(i));
            }
            for (phase, _) in &m.targets {
                if !self.phases.iter().any(|p| p.phase == *phase) {
                    out.push(PlanProblem::TargetWithoutPhase(i, *phase));
                }
            }
        }
        out
    }

    pub fn phase(&self, phase: Phase) -> Option<&PlannedPhase> {
        self.phases.iter().find(|p| p.phase == phase)
    }

    /// The first phase of the plan (where an admitted project starts).
    pub fn first_phase(&self) -> Option<Phase> {
        self.phases.first().map(|p| p.phase)
    }

    /// The last day of the plan.
    pub fn ends_on(&self) -> Option<NaiveDate> {
        self.phases.iter().map(|p| p.ends_on).max()
    }

    /// The phase after `phase` in this plan (a plan may skip a phase: a prototype straight to
    /// an MVP).
    pub fn after(&self, phase: Phase) -> Option<Phase> {
        self.phases.iter().map(|p| p.phase).find(|p| *p > phase)
    }
}

/// One prioritisation criterion of a call (or the seed's defaults), with its weight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub key: String,
    pub name_es: String,
    pub name_en: String,
    pub weight: u32,
}

/// The seed's six criteria, weighted equally: social benefit or better public services; open
/// source; uses, reuses or produces open data; testing and development; research; impact
/// entrepreneurship.
pub fn seed_criteria() -> Vec<Criterion> {
    [
        (
            "social_benefit",
            "Beneficio social o mejores servicios públicos",
            "Social benefit or better public services",
        ),
        ("open_source", "Código abierto", "Open source"),
        (
            "open_data",
            "Usa, reutiliza o produce datos abiertos",
            "Uses, reuses or produces open data",
        ),
        ("testing", "Pruebas y desarrollo", "Testing and development"),
        ("research", "Investigación", "Research"),
        (
            "impact",
            "Emprendimiento de impacto",
            "Impact entrepreneurship",
        ),
    ]
    .into_iter()
    .map(|(key, es, en)| Criterion {
        key: key.into(),
        name_es: es.into(),
        name_en: en.into(),
        weight: 1,
    })
    .collect()
}

/// The lowest and highest score a seat may give a criterion.
pub const SCORE_MIN: u8 = 0;
pub const SCORE_MAX: u8 = 5;

/// One seat's score of one criterion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Score {
    pub seat: i64,
    pub criterion: String,
    pub score: u8,
}

/// What is wrong with a seat's scores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScoreProblem {
    /// A criterion of the call left without a score.
    Missing(String),
    /// A score outside 0–5.
    OutOfRange(String),
    /// A score for a criterion the call does not have.
    Unknown(String),
}

/// Checks one seat's scores against the call's criteria: every criterion scored once, 0–5.
pub fn check_scores(criteria: &[Criterion], scores: &[(String, u8)]) -> Vec<ScoreProblem> {
    let mut out = Vec::new();
    for c in criteria {
        match scores.iter().find(|(k, _)| *k == c.key) {
            None => out.push(ScoreProblem::Missing(c.key.clone())),
            Some((_, s)) if !(SCORE_MIN..=SCORE_MAX).contains(s) => {
                out.push(ScoreProblem::OutOfRange(c.key.clone()))
            }
            Some(_) => {}
        }
    }
    for (k, _) in scores {
        if !criteria.iter().any(|c| c.key == *k) {
            out.push(ScoreProblem::Unknown(k.clone()));
        }
    }
    out
}

/// The weighted score of an application, out of [`SCORE_MAX`]: for each seat the weighted mean
/// of its scores, then the mean over the seats that scored. Criteria of weight 0 count for
/// nothing; `None` when no seat scored or every weight is 0. Computed, never typed.
pub fn weighted_score(criteria: &[Criterion], scores: &[Score]) -> Option<f64> {
    let total_weight: u64 = criteria.iter().map(|c| u64::from(c.weight)).sum();
    if total_weight == 0 {
        return None;
    }
    let seats: BTreeSet<i64> = scores.iter().map(|s| s.seat).collect();
    let mut sum = 0.0;
    let mut counted = 0u32;
    for seat in &seats {
        let mut seat_sum = 0u64;
        for c in criteria {
            let score = scores
                .iter()
                .find(|s| s.seat == *seat && s.criterion == c.key)
                .map_or(0, |s| u64::from(s.score));
            seat_sum += score * u64::from(c.weight);
        }
        sum += seat_sum as f64 / total_weight as f64;
        counted += 1;
    }
    (counted > 0).then(|| sum / f64::from(counted))
}

/// The seats whose scores are missing (the commission cannot put the application to the vote
/// until every seat scored).
pub fn missing_scores(seats: &[i64], scored: &[i64]) -> Vec<i64> {
    seats
        .iter()
        .copied()
        .filter(|s| !scored.contains(s))
        .collect()
}

/// The day a date-bound duty is overdue from: the day after `due`, or — when `due` falls on a
/// weekend or a holiday — the day after the next business day (a deadline on a day nobody works
/// moves to the next working day).
pub fn overdue_from(due: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> NaiveDate {
    let day = crate::domain::meetings::next_business_day(due, holidays);
    day.succ_opt().unwrap_or(day)
}

/// The facts the stalled rules read about one running project.
#[derive(Clone, Debug, Default)]
pub struct RunningFacts {
    /// The phase it is in and the day that phase ends (as last planned: a re-plan moves it).
    pub phase_ends_on: Option<(Phase, NaiveDate)>,
    /// The day its oldest report not filed became overdue (the day after its due day), if any.
    pub report_overdue_since: Option<NaiveDate>,
    /// The day of the last metric value recorded, if any.
    pub last_metric_on: Option<NaiveDate>,
    /// The day it was admitted (the start of the metric clock when none was recorded).
    pub admitted_on: NaiveDate,
    /// The day the entity's head changed after signing the commitment, if it did and no new
    /// commitment was signed since.
    pub commitment_lapsed_on: Option<NaiveDate>,
}

/// Why a project is stalled, and since when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum Stall {
    /// The phase's end date passed without a phase decision.
    PhaseOverdue { phase: Phase, since: NaiveDate },
    /// A required report is overdue.
    ReportOverdue { since: NaiveDate },
    /// No metric was recorded for the configured number of days.
    NoMetrics { since: NaiveDate },
    /// The head of the entity changed and the signed commitment was not renewed.
    CommitmentLapsed { since: NaiveDate },
}

impl Stall {
    pub fn since(&self) -> NaiveDate {
        match self {
            Stall::PhaseOverdue { since, .. }
            | Stall::ReportOverdue { since }
            | Stall::NoMetrics { since }
            | Stall::CommitmentLapsed { since } => *since,
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            Stall::PhaseOverdue { .. } => "phase_overdue",
            Stall::ReportOverdue { .. } => "report_overdue",
            Stall::NoMetrics { .. } => "no_metrics",
            Stall::CommitmentLapsed { .. } => "commitment_lapsed",
        }
    }
}

/// Every reason a running project is stalled on `today`, earliest first. `stale_days`: how long
/// without a metric value (`MINGA_PROJECT_STALE_DAYS`, 60).
pub fn stalls(
    f: &RunningFacts,
    today: NaiveDate,
    stale_days: u32,
    holidays: &BTreeSet<NaiveDate>,
) -> Vec<Stall> {
    let mut out = Vec::new();
    if let Some((phase, ends_on)) = f.phase_ends_on {
        let since = overdue_from(ends_on, holidays);
        if today >= since {
            out.push(Stall::PhaseOverdue { phase, since });
        }
    }
    if let Some(since) = f.report_overdue_since.filter(|s| today >= *s) {
        out.push(Stall::ReportOverdue { since });
    }
    let clock = f.last_metric_on.unwrap_or(f.admitted_on).max(f.admitted_on);
    let since = clock + Duration::days(i64::from(stale_days));
    if stale_days > 0 && today >= since {
        out.push(Stall::NoMetrics { since });
    }
    if let Some(since) = f.commitment_lapsed_on.filter(|s| today >= *s) {
        out.push(Stall::CommitmentLapsed { since });
    }
    out.sort_by_key(Stall::since);
    out
}

/// How a running project keeps to its schedule on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    /// Not yet admitted, or closed.
    NotRunning,
    OnTime,
    /// The phase ends within `soon_days`.
    EndingSoon,
    /// The phase's end passed without a phase decision.
    Late,
}

pub fn schedule(
    running: bool,
    phase_ends_on: Option<NaiveDate>,
    today: NaiveDate,
    soon_days: i64,
    holidays: &BTreeSet<NaiveDate>,
) -> Schedule {
    match (running, phase_ends_on) {
        (false, _) | (true, None) => Schedule::NotRunning,
        (true, Some(end)) if today >= overdue_from(end, holidays) => Schedule::Late,
        (true, Some(end)) if end - today <= Duration::days(soon_days) => Schedule::EndingSoon,
        (true, Some(_)) => Schedule::OnTime,
    }
}

/// A metric's value against its plan: the target of the phase under way and the share of the
/// way from the baseline to it (1.0 = reached; negative = moved away). `None` when the phase has
/// no target or the target equals the baseline.
pub fn progress(metric: &PlannedMetric, phase: Phase, value: f64) -> Option<f64> {
    let target = metric
        .targets
        .iter()
        .find(|(p, _)| *p == phase)
        .map(|(_, t)| *t)?;
    let span = target - metric.baseline;
    (span != 0.0 && value.is_finite()).then(|| (value - metric.baseline) / span)
}

#[cfg(test)]
mod tests;
