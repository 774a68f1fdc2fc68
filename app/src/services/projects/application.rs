//! The application: the form as typed (the plan's fields among it), its checks, and filing it
//! with the signed commitment of a public body; the collective's leaders are told by mail.

use super::{MAX_COMMITMENT_BYTES, METRIC_ROWS, ProjectProblem, application_url, calls, review};
use crate::AppError;
use crate::AppState;
use crate::db::Ts;
use crate::domain::projects::{
    Phase, Plan, PlanProblem, PlannedMetric, PlannedPhase, ProjectStatus,
};
use crate::error::{AppResult, Invalid};
use crate::services::audit::{self, Actor};
use crate::services::authority::Signed;
use crate::services::evidence::documents;
use crate::services::mail::{self, Message};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::SqlitePool;
use std::collections::BTreeMap;

const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 8000;
/// The application form as typed. The plan's fields are named `phase_{phase}_{field}`
/// (`on`, `starts_on`, `ends_on`, `deliverables`) and `metric{n}_{field}` (`name`, `unit`,
/// `baseline`, `method`, `target_{phase}`), collected in `plan`.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ApplicationForm {
    pub call: String,
    pub collective: String,
    /// `institution` (the applicant's own institution) or `other` (an entity named in
    /// `entity_name`).
    pub on_behalf: String,
    pub entity_name: String,
    pub public_body: String,
    pub commitment_head: String,
    pub title: String,
    pub problem: String,
    pub public_value: String,
    pub beneficiaries: String,
    pub licence: String,
    pub repository: String,
    pub open_data: String,
    pub team: String,
    pub partner: String,
    pub requested_nodes: String,
    pub requested_capital: String,
    pub requested_support: String,
    #[serde(flatten)]
    pub plan: BTreeMap<String, String>,
}

impl ApplicationForm {
    pub fn plan_field(&self, name: &str) -> &str {
        self.plan.get(name).map_or("", String::as_str)
    }
}

/// The signed commitment as uploaded: (file name, bytes).
pub type Commitment<'a> = (&'a str, &'a [u8]);

/// A form that passed its checks.
struct Checked {
    call_id: Option<i64>,
    collective_id: i64,
    institution_id: Option<i64>,
    entity_name: String,
    public_body: bool,
    plan: Plan,
    requested_nodes: i64,
    requested_capital: i64,
}

fn text(
    errors: &mut Invalid,
    field: &'static str,
    value: &str,
    max: usize,
    required: bool,
) -> String {
    let v = value.trim();
    if required && v.is_empty() {
        errors.add(field, ProjectProblem::Required);
    } else if v.chars().count() > max {
        errors.add(field, ProjectProblem::TooLong { max });
    }
    v.to_string()
}

fn count(errors: &mut Invalid, field: &'static str, value: &str) -> i64 {
    let v = value.trim();
    if v.is_empty() {
        return 0;
    }
    match v.parse::<i64>() {
        Ok(n) if n >= 0 => n,
        _ => {
            errors.add(field, ProjectProblem::Number);
            0
        }
    }
}

/// A decimal number as people type it (a comma or a point before the decimals).
pub fn parse_number(s: &str) -> Option<f64> {
    let v = s.trim().replace(',', ".");
    v.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Reads the plan out of the form's fields; the field errors name the offending input.
pub fn read_plan(form: &ApplicationForm, errors: &mut Invalid) -> Plan {
    let mut plan = Plan::default();
    for phase in Phase::ALL {
        let key = phase.as_str();
        let on = !form.plan_field(&format!("phase_{key}_on")).is_empty();
        if !on {
            continue;
        }
        let date = |name: &str| {
            NaiveDate::parse_from_str(
                form.plan_field(&format!("phase_{key}_{name}")).trim(),
                "%Y-%m-%d",
            )
            .ok()
        };
        let (starts, ends) = (date("starts_on"), date("ends_on"));
        if starts.is_none() || ends.is_none() {
            errors.add(phase_field(phase), ProjectProblem::Date);
            continue;
        }
        let deliverables = form
            .plan_field(&format!("phase_{key}_deliverables"))
            .trim()
            .to_string();
        if deliverables.is_empty() {
            errors.add(phase_field(phase), ProjectProblem::Required);
        } else if deliverables.chars().count() > MAX_TEXT {
            errors.add(
                phase_field(phase),
                ProjectProblem::TooLong { max: MAX_TEXT },
            );
        }
        if let (Some(starts_on), Some(ends_on)) = (starts, ends) {
            plan.phases.push(PlannedPhase {
                phase,
                starts_on,
                ends_on,
                deliverables,
            });
        }
    }
    for n in 0..METRIC_ROWS {
        let f = |name: &str| {
            form.plan_field(&format!("metric{n}_{name}"))
                .trim()
                .to_string()
        };
        let name = f("name");
        if name.is_empty() && f("unit").is_empty() && f("baseline").is_empty() {
            continue;
        }
        let baseline = parse_number(&f("baseline"));
        if baseline.is_none() {
            errors.add(metric_field(n), ProjectProblem::Number);
        }
        let mut targets = Vec::new();
        for phase in Phase::ALL {
            let t = f(&format!("target_{}", phase.as_str()));
            if t.is_empty() {
                continue;
            }
            match parse_number(&t) {
                Some(v) => targets.push((phase, v)),
                None => errors.add(metric_field(n), ProjectProblem::Number),
            }
        }
        plan.metrics.push(PlannedMetric {
            name,
            unit: f("unit"),
            baseline: baseline.unwrap_or(0.0),
            targets,
            method: f("method"),
        });
    }
    for p in plan.check() {
        let field = match &p {
            PlanProblem::NoPhases => "phases",
            PlanProblem::EndsBeforeStart(ph) | PlanProblem::OutOfOrder(ph) => phase_field(*ph),
            PlanProblem::NoMetrics => "metrics",
            PlanProblem::MetricIncomplete(i)
            | PlanProblem::TargetWithoutPhase(i, _)
            | PlanProblem::NotANumber(i) => metric_field(*i),
        };
        errors.add(field, ProjectProblem::Plan(p));
    }
    plan
}

fn phase_field(p: Phase) -> &'static str {
    match p {
        Phase::ProofOfConcept => "phase_proof_of_concept",
        Phase::Prototype => "phase_prototype",
        Phase::Mvp => "phase_mvp",
        Phase::Production => "phase_production",
    }
}

fn metric_field(n: usize) -> &'static str {
    ["metric0", "metric1", "metric2", "metric3"]
        .get(n)
        .copied()
        .unwrap_or("metrics")
}

/// The form of a plan, filled from a plan (to edit it again).
pub fn plan_fields(plan: &Plan) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for p in &plan.phases {
        let key = p.phase.as_str();
        out.insert(format!("phase_{key}_on"), "on".into());
        out.insert(format!("phase_{key}_starts_on"), p.starts_on.to_string());
        out.insert(format!("phase_{key}_ends_on"), p.ends_on.to_string());
        out.insert(format!("phase_{key}_deliverables"), p.deliverables.clone());
    }
    for (n, m) in plan.metrics.iter().enumerate() {
        out.insert(format!("metric{n}_name"), m.name.clone());
        out.insert(format!("metric{n}_unit"), m.unit.clone());
        out.insert(format!("metric{n}_baseline"), m.baseline.to_string());
        out.insert(format!("metric{n}_method"), m.method.clone());
        for (phase, v) in &m.targets {
            out.insert(
                format!("metric{n}_target_{}", phase.as_str()),
                v.to_string(),
            );
        }
    }
    out
}

async fn check(
    db: &SqlitePool,
    who: &Signed,
    form: &ApplicationForm,
    commitment_given: bool,
) -> AppResult<(Checked, Invalid)> {
    let mut errors = Invalid::new();
    text(&mut errors, "title", &form.title, MAX_TITLE, true);
    for (field, value, required) in [
        ("problem", &form.problem, true),
        ("public_value", &form.public_value, true),
        ("beneficiaries", &form.beneficiaries, true),
        ("open_data", &form.open_data, false),
        ("team", &form.team, true),
        ("partner", &form.partner, false),
        ("requested_support", &form.requested_support, false),
    ] {
        text(&mut errors, field, value, MAX_TEXT, required);
    }
    text(&mut errors, "licence", &form.licence, MAX_TITLE, true);
    let repo = form.repository.trim();
    if repo.is_empty() {
        errors.add("repository", ProjectProblem::Required);
    } else if !(repo.starts_with("https://") || repo.starts_with("http://"))
        || repo.contains(char::is_whitespace)
        || repo.len() > 500
    {
        errors.add("repository", ProjectProblem::Url);
    }
    let requested_nodes = count(&mut errors, "requested_nodes", &form.requested_nodes);
    let requested_capital = count(&mut errors, "requested_capital", &form.requested_capital);
    let collective_id: Option<i64> = match form.collective.trim().parse::<i64>() {
        Ok(id) => {
            sqlx::query_scalar("SELECT id FROM collectives WHERE id = ?")
                .bind(id)
                .fetch_optional(db)
                .await?
        }
        Err(_) => None,
    };
    if collective_id.is_none() {
        errors.add("collective", ProjectProblem::CollectiveUnknown);
    }
    let (institution_id, entity_name) = if form.on_behalf == "institution" {
        let mine: Option<i64> =
            sqlx::query_scalar("SELECT institution_id FROM people WHERE id = ?")
                .bind(who.person_id())
                .fetch_optional(db)
                .await?
                .flatten();
        if mine.is_none() {
            errors.add("on_behalf", ProjectProblem::NoInstitution);
        }
        (mine, String::new())
    } else {
        (
            None,
            text(
                &mut errors,
                "entity_name",
                &form.entity_name,
                MAX_TITLE,
                true,
            ),
        )
    };
    let public_body = !form.public_body.is_empty();
    if public_body {
        text(
            &mut errors,
            "commitment_head",
            &form.commitment_head,
            MAX_TITLE,
            true,
        );
        if !commitment_given {
            errors.add("commitment", ProjectProblem::CommitmentRequired);
        }
    }
    let call_id = match form.call.trim() {
        "" => None,
        c => match c.parse::<i64>() {
            Ok(id) => {
                match calls::get(db, id).await {
                    Ok(call) => {
                        let today = chrono::Utc::now().date_naive();
                        if !call.open_on(today) {
                            errors.add("call", ProjectProblem::CallClosed);
                        } else if !calls::admits(db, &call, who.person_id(), public_body).await? {
                            errors.add("call", ProjectProblem::CallNotForYou);
                        }
                    }
                    Err(AppError::NotFound) => errors.add("call", ProjectProblem::CallClosed),
                    Err(e) => return Err(e),
                }
                Some(id)
            }
            Err(_) => {
                errors.add("call", ProjectProblem::CallClosed);
                None
            }
        },
    };
    let plan = read_plan(form, &mut errors);
    Ok((
        Checked {
            call_id,
            collective_id: collective_id.unwrap_or(0),
            institution_id,
            entity_name,
            public_body,
            plan,
            requested_nodes,
            requested_capital,
        },
        errors,
    ))
}

pub(crate) fn check_commitment(
    c: Option<Commitment<'_>>,
) -> Result<Option<Commitment<'_>>, Invalid> {
    match c.filter(|(_, b)| !b.is_empty()) {
        None => Ok(None),
        Some((_, b)) if b.len() > MAX_COMMITMENT_BYTES => Err(Invalid::one(
            "commitment",
            ProjectProblem::CommitmentTooLarge,
        )),
        Some((_, b)) if !b.starts_with(b"%PDF-") => {
            Err(Invalid::one("commitment", ProjectProblem::CommitmentNotPdf))
        }
        Some(c) => Ok(Some(c)),
    }
}

/// Files an application: the form and its plan checked, the signed commitment (for a public
/// body) stored by its SHA-256; the collective's leaders are told by mail. Returns its id.
pub async fn apply(
    state: &AppState,
    who: &Signed,
    form: &ApplicationForm,
    commitment: Option<Commitment<'_>>,
    actor: &Actor,
) -> AppResult<i64> {
    crate::services::identity::require_standing(&state.db, who.person_id()).await?;
    let commitment = check_commitment(commitment);
    let given = matches!(commitment, Ok(Some(_)));
    let (checked, mut errors) = check(&state.db, who, form, given).await?;
    let commitment = match commitment {
        Ok(c) => c,
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    let stored = match commitment.filter(|_| checked.public_body) {
        Some((name, bytes)) => Some((
            documents::store(&state.settings.documents_dir(), bytes)
                .await?
                .hex(),
            crate::services::advisory::clean_filename(name),
        )),
        None => None,
    };
    let plan_json = serde_json::to_string(&checked.plan).map_err(AppError::internal)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let now = Ts::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO projects (call_id, person_id, institution_id, entity_name, public_body, commitment_sha256, commitment_filename,
                               commitment_head, collective_id, title, problem, public_value, beneficiaries, licence, repository,
                               open_data, team, partner, requested_nodes, requested_capital, requested_support, plan_json,
                               status, submitted_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?) RETURNING id",
    )
    .bind(checked.call_id)
    .bind(who.person_id())
    .bind(checked.institution_id)
    .bind(&checked.entity_name)
    .bind(checked.public_body)
    .bind(stored.as_ref().map(|s| &s.0))
    .bind(stored.as_ref().map(|s| &s.1))
    .bind(form.commitment_head.trim())
    .bind(checked.collective_id)
    .bind(form.title.trim())
    .bind(form.problem.trim())
    .bind(form.public_value.trim())
    .bind(form.beneficiaries.trim())
    .bind(form.licence.trim())
    .bind(form.repository.trim())
    .bind(form.open_data.trim())
    .bind(form.team.trim())
    .bind(form.partner.trim())
    .bind(checked.requested_nodes)
    .bind(checked.requested_capital)
    .bind(form.requested_support.trim())
    .bind(&plan_json)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    review::record_step(
        &mut tx,
        id,
        "submit",
        ProjectStatus::Submitted,
        ProjectStatus::Submitted,
        None,
        "",
        &json!({}),
        actor,
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        "project.applied",
        "project",
        id,
        None,
        Some(json!({"title": form.title.trim(), "collective_id": checked.collective_id, "call_id": checked.call_id,
                    "commitment_sha256": stored.as_ref().map(|s| &s.0), "plan": checked.plan})),
    )
    .await?;
    let url = application_url(state, id);
    for (name, email) in
        crate::services::nodes::admission::leaders_of(&mut tx, checked.collective_id).await?
    {
        mail::queue(
            &mut tx,
            &Message {
                to_address: email,
                to_name: name,
                subject: format!("Solicitud de proyecto / Project application: {}", form.title.trim()),
                body_text: format!(
                    "Se recibió una solicitud de proyecto para su colectivo: «{}». Los líderes la seleccionan para la comisión de proyectos o la devuelven.\n{url}\n\nA project application for your collective was received: \"{}\". The leaders select it for the projects commission or return it.\n{url}\n",
                    form.title.trim(),
                    form.title.trim()
                ),
                ics: None,
                topic: format!("project-application/{id}"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    state.mail_pending.notify_one();
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> ApplicationForm {
        ApplicationForm {
            plan: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn the_plan_is_read_from_the_form_and_back() {
        let f = form(&[
            ("phase_proof_of_concept_on", "on"),
            ("phase_proof_of_concept_starts_on", "2026-01-01"),
            ("phase_proof_of_concept_ends_on", "2026-03-31"),
            (
                "phase_proof_of_concept_deliverables",
                "Piloto en una alcaldía",
            ),
            ("phase_mvp_on", "on"),
            ("phase_mvp_starts_on", "2026-04-01"),
            ("phase_mvp_ends_on", "2026-09-30"),
            ("phase_mvp_deliverables", "Diez alcaldías"),
            ("metric0_name", "Órdenes registradas"),
            ("metric0_unit", "%"),
            ("metric0_baseline", "0"),
            ("metric0_target_proof_of_concept", "20,5"),
            ("metric0_target_mvp", "100"),
            ("metric0_method", "evidencias por día"),
        ]);
        let mut errors = Invalid::new();
        let plan = read_plan(&f, &mut errors);
        assert!(errors.0.is_empty(), "{errors:?}");
        assert_eq!(plan.phases.len(), 2);
        assert_eq!(
            plan.metrics[0].targets,
            vec![(Phase::ProofOfConcept, 20.5), (Phase::Mvp, 100.0)]
        );
        let again = read_plan(&form_from(plan_fields(&plan)), &mut errors);
        assert_eq!(again, plan);
    }

    fn form_from(plan: BTreeMap<String, String>) -> ApplicationForm {
        ApplicationForm {
            plan,
            ..Default::default()
        }
    }

    #[test]
    fn a_bad_plan_names_the_fields() {
        let f = form(&[
            ("phase_mvp_on", "on"),
            ("phase_mvp_starts_on", "2026-04-01"),
            ("phase_mvp_ends_on", "no es fecha"),
            ("metric1_name", "Tiempo"),
            ("metric1_baseline", "treinta"),
        ]);
        let mut errors = Invalid::new();
        read_plan(&f, &mut errors);
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field).collect();
        assert!(fields.contains(&"phase_mvp"), "{fields:?}");
        assert!(fields.contains(&"metric1"), "{fields:?}");
        assert!(fields.contains(&"phases"), "{fields:?}");
    }
}
