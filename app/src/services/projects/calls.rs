//! Calls for projects: opened by the Executive Secretary or the projects commission, with a
//! period, who may apply, the documents required and the prioritisation criteria with their
//! weights. Opening one is a decision (`governance.project-call-opened`).

use super::ProjectProblem;
use crate::db::Ts;
use crate::domain::projects::{Criterion, seed_criteria};
use crate::error::{AppResult, Invalid};
use crate::services::audit::{self, Actor};
use crate::services::authority::ProjectCaller;
use crate::services::evidence::decisions::{self, Decision};
use crate::{AppError, AppState};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::{FromRow, SqlitePool};

/// Who may apply to a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eligibility {
    /// Entities of national or territorial order (public bodies).
    PublicEntities,
    /// The network's members: people and institutions in a collective.
    Members,
    Anyone,
}

impl Eligibility {
    pub const ALL: [Eligibility; 3] = [
        Eligibility::PublicEntities,
        Eligibility::Members,
        Eligibility::Anyone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Eligibility::PublicEntities => "public_entities",
            Eligibility::Members => "members",
            Eligibility::Anyone => "anyone",
        }
    }

    pub fn parse(s: &str) -> Option<Eligibility> {
        Eligibility::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

#[derive(Clone, Debug, FromRow)]
pub struct CallRow {
    pub id: i64,
    pub title_es: String,
    pub title_en: String,
    pub description: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub eligibility: String,
    pub documents: String,
    pub criteria_json: String,
    pub created_at: Ts,
    /// How many applications it received.
    pub applications: i64,
}

impl CallRow {
    pub fn open_on(&self, day: NaiveDate) -> bool {
        self.opens_on <= day && day <= self.closes_on
    }

    pub fn eligibility(&self) -> Eligibility {
        Eligibility::parse(&self.eligibility).unwrap_or(Eligibility::Anyone)
    }

    pub fn criteria(&self) -> Vec<Criterion> {
        serde_json::from_str(&self.criteria_json).unwrap_or_else(|_| seed_criteria())
    }

    pub fn title(&self, lang: crate::i18n::Lang) -> String {
        lang.pick(&self.title_es, &self.title_en)
    }
}

const CALL_SELECT: &str = "SELECT c.id, c.title_es, c.title_en, c.description, c.opens_on, c.closes_on, c.eligibility, c.documents,
        c.criteria_json, c.created_at, (SELECT COUNT(*) FROM projects p WHERE p.call_id = c.id) AS applications
     FROM project_calls c";

pub async fn get(db: &SqlitePool, id: i64) -> AppResult<CallRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{CALL_SELECT} WHERE c.id = ?")))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Every call, the latest first.
pub async fn list(db: &SqlitePool) -> AppResult<Vec<CallRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CALL_SELECT} ORDER BY c.opens_on DESC, c.id DESC"
    )))
    .fetch_all(db)
    .await?)
}

/// The calls open on `day`.
pub async fn open_on(db: &SqlitePool, day: NaiveDate) -> AppResult<Vec<CallRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CALL_SELECT} WHERE c.opens_on <= ?1 AND c.closes_on >= ?1 ORDER BY c.closes_on, c.id"
    )))
    .bind(day)
    .fetch_all(db)
    .await?)
}

/// Whether `person` may apply to `call` (declaring a public body or not).
pub async fn admits(
    db: &SqlitePool,
    call: &CallRow,
    person: i64,
    public_body: bool,
) -> AppResult<bool> {
    Ok(match call.eligibility() {
        Eligibility::Anyone => true,
        Eligibility::PublicEntities => public_body,
        Eligibility::Members => {
            let today = chrono::Utc::now().date_naive();
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM people pe WHERE pe.id = ?1 AND (
                    EXISTS (SELECT 1 FROM collective_memberships m WHERE (m.person_id = pe.id OR m.institution_id = pe.institution_id)
                              AND m.since <= ?2 AND (m.until IS NULL OR m.until >= ?2))
                 OR EXISTS (SELECT 1 FROM offices o WHERE o.person_id = pe.id AND o.revoked_at IS NULL
                              AND o.starts_on <= ?2 AND (o.ends_on IS NULL OR o.ends_on >= ?2)))",
            )
            .bind(person)
            .bind(today)
            .fetch_one(db)
            .await?;
            n > 0
        }
    })
}

/// The form that opens a call. Criteria weights are typed per criterion of the seed
/// (`weight_{key}`, 0 leaves it out).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CallForm {
    pub title_es: String,
    pub title_en: String,
    pub description: String,
    pub opens_on: String,
    pub closes_on: String,
    pub eligibility: String,
    pub documents: String,
    #[serde(flatten)]
    pub weights: std::collections::BTreeMap<String, String>,
}

/// Opens a call: a decision of the Executive Secretary or the projects commission.
pub async fn open(
    state: &AppState,
    _caller: &ProjectCaller,
    form: &CallForm,
    actor: &Actor,
) -> AppResult<i64> {
    let mut errors = Invalid::new();
    for (field, value) in [("title_es", &form.title_es), ("title_en", &form.title_en)] {
        let v = value.trim();
        if v.is_empty() {
            errors.add(field, ProjectProblem::Required);
        } else if v.chars().count() > 200 {
            errors.add(field, ProjectProblem::TooLong { max: 200 });
        }
    }
    if form.description.chars().count() > 8000 {
        errors.add("description", ProjectProblem::TooLong { max: 8000 });
    }
    if form.documents.chars().count() > 4000 {
        errors.add("documents", ProjectProblem::TooLong { max: 4000 });
    }
    let date = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let (opens, closes) = (date(&form.opens_on), date(&form.closes_on));
    if opens.is_none() {
        errors.add("opens_on", ProjectProblem::Date);
    }
    if closes.is_none() {
        errors.add("closes_on", ProjectProblem::Date);
    }
    if let (Some(o), Some(c)) = (opens, closes)
        && c < o
    {
        errors.add("closes_on", ProjectProblem::CallPeriod);
    }
    let eligibility = Eligibility::parse(form.eligibility.trim());
    if eligibility.is_none() {
        errors.add("eligibility", ProjectProblem::Required);
    }
    let mut criteria = seed_criteria();
    for c in &mut criteria {
        let typed = form
            .weights
            .get(&format!("weight_{}", c.key))
            .map_or("1", |s| s.trim());
        match typed.parse::<u32>() {
            Ok(w) if w <= 10 => c.weight = w,
            _ => errors.add("weights", ProjectProblem::CriteriaWeights),
        }
    }
    if criteria.iter().all(|c| c.weight == 0) {
        errors.add("weights", ProjectProblem::CriteriaWeights);
    }
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    let (Some(opens), Some(closes), Some(eligibility)) = (opens, closes, eligibility) else {
        return Err(AppError::internal("checked above"));
    };
    let criteria_json = serde_json::to_string(&criteria).map_err(AppError::internal)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO project_calls (title_es, title_en, description, opens_on, closes_on, eligibility, documents, criteria_json, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(form.title_es.trim())
    .bind(form.title_en.trim())
    .bind(form.description.trim())
    .bind(opens)
    .bind(closes)
    .bind(eligibility.as_str())
    .bind(form.documents.trim())
    .bind(&criteria_json)
    .bind(actor.account_id)
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    let data = json!({
        "call": id, "title_es": form.title_es.trim(), "title_en": form.title_en.trim(),
        "description": form.description.trim(), "opens_on": opens, "closes_on": closes,
        "eligibility": eligibility.as_str(), "documents": form.documents.trim(), "criteria": criteria,
        "recorded_by": actor.label,
    });
    audit::record(
        &mut tx,
        actor,
        "project.call_opened",
        "project_call",
        id,
        None,
        Some(data.clone()),
    )
    .await?;
    decisions::record(
        &mut tx,
        &Decision {
            event: "project-call-opened",
            body: "executive-council",
            reference: format!("project-call/{id}"),
            title_es: format!("Convocatoria de proyectos: {}", form.title_es.trim()),
            title_en: format!("Call for projects: {}", form.title_en.trim()),
            data,
        },
    )
    .await?;
    tx.commit().await?;
    state.decisions_pending.notify_one();
    Ok(id)
}

/// The verification of the decision that opened the call, once registered.
pub async fn evidence_of(db: &SqlitePool, id: i64) -> AppResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT evidence_id FROM decisions WHERE ref = ?")
            .bind(format!("project-call/{id}"))
            .fetch_optional(db)
            .await?
            .flatten(),
    )
}
