//! The projects commission's scores: each seat scores every criterion of the call (or the
//! seed's, outside a call) 0–5 with a justification; the weighted score is computed from them;
//! an application goes to the Council only once every seat has scored it.

use super::{ProjectProblem, ProjectRow, get};
use crate::db::Ts;
use crate::domain::projects::{ProjectStatus, Score, check_scores, missing_scores, weighted_score};
use crate::error::{AppResult, Invalid};
use crate::services::audit::{self, Actor};
use crate::services::authority::ProjectEvaluator;
use crate::{AppError, AppState};
use serde_json::json;
use sqlx::{FromRow, SqlitePool};

const MAX_REASON: usize = 4000;

/// One seat's score of one criterion, as kept.
#[derive(Clone, Debug, FromRow)]
pub struct ScoreRow {
    pub person_id: i64,
    pub evaluator: String,
    pub criterion: String,
    pub score: i64,
    pub justification: String,
    pub written_at: Ts,
}

pub async fn scores(db: &SqlitePool, project_id: i64) -> AppResult<Vec<ScoreRow>> {
    Ok(sqlx::query_as(
        "SELECT s.person_id, p.full_name AS evaluator, s.criterion, s.score, s.justification, s.written_at
         FROM project_scores s JOIN people p ON p.id = s.person_id
         WHERE s.project_id = ? ORDER BY p.full_name, s.id",
    )
    .bind(project_id)
    .fetch_all(db)
    .await?)
}

/// The weighted score of the application so far (out of 5), computed from the scores kept.
pub async fn weighted(db: &SqlitePool, p: &ProjectRow) -> AppResult<Option<f64>> {
    let criteria = super::criteria_of(db, p).await?;
    let kept: Vec<Score> = scores(db, p.id)
        .await?
        .into_iter()
        .map(|s| Score {
            seat: s.person_id,
            criterion: s.criterion,
            score: u8::try_from(s.score).unwrap_or(0),
        })
        .collect();
    Ok(weighted_score(&criteria, &kept))
}

/// One seat's scores as typed: `score_{key}` and `why_{key}` per criterion.
pub type ScoreForm = std::collections::BTreeMap<String, String>;

/// A commission seat scores every criterion with its justification (again, while the
/// application is in evaluation: the last scores count).
pub async fn score(
    state: &AppState,
    evaluator: &ProjectEvaluator,
    project_id: i64,
    form: &ScoreForm,
    actor: &Actor,
) -> AppResult<()> {
    let person = evaluator.person_id().ok_or(AppError::Forbidden)?;
    let p = get(&state.db, project_id).await?;
    if p.status() != ProjectStatus::InEvaluation {
        return Err(Invalid::one("", ProjectProblem::StepRefused).into());
    }
    let criteria = super::criteria_of(&state.db, &p).await?;
    let mut errors = Invalid::new();
    let mut typed: Vec<(String, u8, String)> = Vec::new();
    for c in &criteria {
        let raw = form
            .get(&format!("score_{}", c.key))
            .map_or("", |s| s.trim());
        let why = form
            .get(&format!("why_{}", c.key))
            .map_or("", |s| s.trim())
            .to_string();
        let field = leak_field(&c.key);
        let Ok(s) = raw.parse::<u8>() else {
            errors.add(field, ProjectProblem::ScoreInvalid);
            continue;
        };
        if why.is_empty() {
            errors.add(field, ProjectProblem::JustificationRequired);
        } else if why.chars().count() > MAX_REASON {
            errors.add(field, ProjectProblem::TooLong { max: MAX_REASON });
        }
        typed.push((c.key.clone(), s, why));
    }
    let pairs: Vec<(String, u8)> = typed.iter().map(|(k, s, _)| (k.clone(), *s)).collect();
    for problem in check_scores(&criteria, &pairs) {
        if let crate::domain::projects::ScoreProblem::OutOfRange(k) = problem {
            errors.add(leak_field(&k), ProjectProblem::ScoreInvalid);
        }
    }
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let now = Ts::now();
    for (key, s, why) in &typed {
        sqlx::query(
            "INSERT INTO project_scores (project_id, person_id, criterion, score, justification, written_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (project_id, person_id, criterion) DO UPDATE SET score = excluded.score,
                justification = excluded.justification, written_at = excluded.written_at",
        )
        .bind(project_id)
        .bind(person)
        .bind(key)
        .bind(i64::from(*s))
        .bind(why)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        actor,
        "project.scored",
        "project",
        project_id,
        None,
        Some(json!({"scores": typed.iter().map(|(k, s, w)| json!({"criterion": k, "score": s, "justification": w})).collect::<Vec<_>>()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The criterion's key as a form field name (criteria keys come from the call's configuration,
/// a short fixed list: `score_<key>`).
fn leak_field(key: &str) -> &'static str {
    match key {
        "social_benefit" => "score_social_benefit",
        "open_source" => "score_open_source",
        "open_data" => "score_open_data",
        "testing" => "score_testing",
        "research" => "score_research",
        "impact" => "score_impact",
        _ => "scores",
    }
}

/// The commission seats that have not scored every criterion yet.
pub async fn seats_missing(state: &AppState, p: &ProjectRow) -> AppResult<Vec<(i64, String)>> {
    let mut conn = state.db.acquire().await?;
    let seats = super::review::commission(&mut conn).await?;
    let criteria = super::criteria_of(&state.db, p).await?;
    let kept = scores(&state.db, p.id).await?;
    let complete: Vec<i64> = seats
        .iter()
        .map(|(id, _, _)| *id)
        .filter(|id| {
            criteria.iter().all(|c| {
                kept.iter()
                    .any(|s| s.person_id == *id && s.criterion == c.key)
            })
        })
        .collect();
    let ids: Vec<i64> = seats.iter().map(|(id, _, _)| *id).collect();
    let missing = missing_scores(&ids, &complete);
    Ok(seats
        .into_iter()
        .filter(|(id, _, _)| missing.contains(id))
        .map(|(id, name, _)| (id, name))
        .collect())
}
