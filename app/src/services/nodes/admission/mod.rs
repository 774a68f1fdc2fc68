//! The path of a node request: the collective's leaders forward it to the nodes commission or
//! return it with a reason; every commission seat writes its evaluation; when the last one is
//! written the commission's recorded vote opens (`services::votes`, its seats as electorate);
//! its result admits or rejects the node. Later the commission suspends, reinstates or retires
//! it, each with a reason. Every step is kept; those that decide are registered as
//! `governance.node-*` decisions; the applicant is mailed at each.

use super::super::audit::{self, Actor};
use super::super::authority::{NodeEvaluator, Signed, Steward};
use super::super::evidence::decisions::{self, Decision};
use super::super::mail::{self, Message};
use super::super::votes::{self, NewVote};
use super::{NodeProblem, NodeRow, get_in};
use crate::db::Ts;
use crate::domain::nodes::{NodeStatus, NodeStep, missing_evaluations};
use crate::domain::voting::{Electorate, Majority, TieRule};
use crate::error::{AppResult, Invalid};
use crate::{AppError, AppState};
use chrono::{Duration, Utc};
use serde_json::json;
use sqlx::{FromRow, SqliteConnection, SqlitePool};

const MAX_REASON: usize = 4000;

mod vote;
pub use vote::*;

/// The request's page.
pub fn request_url(state: &AppState, id: i64) -> String {
    format!(
        "{}/network/requests/{id}",
        state.settings.public_url.trim_end_matches('/')
    )
}

/// The leaders of a collective today: (name, e-mail).
pub async fn leaders_of(
    conn: &mut SqliteConnection,
    collective_id: i64,
) -> AppResult<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT p.full_name, p.email FROM offices o JOIN people p ON p.id = o.person_id
         WHERE o.role = 'collective_leader' AND o.collective_id = ?1 AND o.revoked_at IS NULL
           AND o.starts_on <= ?2 AND (o.ends_on IS NULL OR o.ends_on >= ?2) AND p.email <> ''
         ORDER BY p.id",
    )
    .bind(collective_id)
    .bind(Utc::now().date_naive())
    .fetch_all(&mut *conn)
    .await?)
}

/// The nodes commission's seats today: (person id, name, e-mail).
async fn commission(conn: &mut SqliteConnection) -> AppResult<Vec<(i64, String, String)>> {
    crate::services::seats::holders(conn, crate::domain::roles::Role::NodesCommission).await
}

/// Keeps one step of a request's history; returns its id.
pub(crate) async fn record_step(
    conn: &mut SqliteConnection,
    node_id: i64,
    step: &str,
    from: NodeStatus,
    to: NodeStatus,
    reason: &str,
    actor: &Actor,
) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO node_steps (node_id, step, from_status, to_status, reason, account_id, actor_label, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(node_id)
    .bind(step)
    .bind(from)
    .bind(to)
    .bind(reason)
    .bind(actor.account_id)
    .bind(&actor.label)
    .bind(Ts::now())
    .fetch_one(&mut *conn)
    .await?)
}

/// Moves the request by `step` inside the caller's transaction, only if it still stands where
/// it was read (`UPDATE … WHERE status = …`); returns where it went.
pub(crate) async fn step_status(
    conn: &mut SqliteConnection,
    node_id: i64,
    step: NodeStep,
) -> AppResult<NodeStatus> {
    let from: NodeStatus = sqlx::query_scalar("SELECT status FROM nodes WHERE id = ?")
        .bind(node_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = from
        .step(step)
        .map_err(|_| Invalid::one("", NodeProblem::StepRefused))?;
    let done =
        sqlx::query("UPDATE nodes SET status = ?, updated_at = ? WHERE id = ? AND status = ?")
            .bind(to)
            .bind(Ts::now())
            .bind(node_id)
            .bind(from)
            .execute(&mut *conn)
            .await?;
    if done.rows_affected() == 0 {
        return Err(Invalid::one("", NodeProblem::StepRefused).into());
    }
    Ok(to)
}

fn step_name(step: NodeStep) -> &'static str {
    match step {
        NodeStep::Forward => "forward",
        NodeStep::Return => "return",
        NodeStep::Resubmit => "resubmit",
        NodeStep::Withdraw => "withdraw",
        NodeStep::PutToVote => "put_to_vote",
        NodeStep::Admit => "admit",
        NodeStep::Reject => "reject",
        NodeStep::Suspend => "suspend",
        NodeStep::Reinstate => "reinstate",
        NodeStep::Retire => "retire",
        NodeStep::Import => "import",
    }
}

/// The words the applicant's mail uses for where the request went: (Spanish, English).
fn told(to: NodeStatus) -> (&'static str, &'static str) {
    match to {
        NodeStatus::Submitted => ("fue recibida", "was received"),
        NodeStatus::Returned => (
            "le fue devuelta por los líderes del colectivo",
            "was returned to you by the collective's leaders",
        ),
        NodeStatus::InEvaluation => (
            "pasó a evaluación de la comisión de nodos",
            "went to the nodes commission for evaluation",
        ),
        NodeStatus::Voting => (
            "se puso a votación de la comisión de nodos",
            "was put to the nodes commission's vote",
        ),
        NodeStatus::Admitted => ("fue admitida", "was admitted"),
        NodeStatus::Rejected => ("no fue admitida", "was not admitted"),
        NodeStatus::Suspended => ("fue suspendido", "was suspended"),
        NodeStatus::Retired => ("fue retirado", "was retired"),
        NodeStatus::Withdrawn => ("fue retirada por usted", "was withdrawn by you"),
    }
}

/// What one step did: the node as it was read, the step, where it went, why.
struct Taken<'a> {
    node: &'a NodeRow,
    step: NodeStep,
    from: NodeStatus,
    to: NodeStatus,
    reason: &'a str,
    grounds: serde_json::Value,
}

/// Keeps the step, its audit line, its decision (when it is one) and the applicant's mail; the
/// caller wakes the workers ([`AppState::committed`]) once its transaction commits.
async fn after_step(
    tx: &mut SqliteConnection,
    state: &AppState,
    t: Taken<'_>,
    actor: &Actor,
) -> AppResult<()> {
    let node = t.node;
    let step_id = record_step(
        &mut *tx,
        node.id,
        step_name(t.step),
        t.from,
        t.to,
        t.reason,
        actor,
    )
    .await?;
    audit::record(
        &mut *tx,
        actor,
        &format!("node.{}", step_name(t.step)),
        "node",
        node.id,
        Some(json!({"status": t.from})),
        Some(json!({"status": t.to, "reason": t.reason})),
    )
    .await?;
    if let Some(event) = t.step.decision_event() {
        let body = match t.step {
            NodeStep::Forward | NodeStep::Return => "collectives",
            NodeStep::Import => "administration",
            _ => "nodes-commission",
        };
        let (es, en) = told(t.to);
        decisions::record(
            &mut *tx,
            &Decision {
                event,
                body,
                reference: format!("node-step/{step_id}"),
                title_es: format!("Nodo «{}» ({}): {es}", node.name, node.operator_name()),
                title_en: format!("Node \"{}\" ({}): {en}", node.name, node.operator_name()),
                data: json!({
                    "node": public_facts(node, t.to),
                    "step": step_name(t.step),
                    "from": t.from,
                    "to": t.to,
                    "reason": t.reason,
                    "grounds": t.grounds,
                    "recorded_by": actor.label,
                }),
            },
        )
        .await?;
    }
    if t.step == NodeStep::Forward {
        tell_commission(&mut *tx, state, node).await?;
    }
    if t.step != NodeStep::Import {
        let email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = ?")
            .bind(node.person_id)
            .fetch_one(&mut *tx)
            .await?;
        if !email.is_empty() {
            let (es, en) = told(t.to);
            let why = if t.reason.is_empty() {
                String::new()
            } else {
                format!("\n\n{}\n", t.reason)
            };
            let url = request_url(state, node.id);
            mail::queue(
                &mut *tx,
                &Message {
                    to_address: email,
                    to_name: node.applicant.clone(),
                    subject: format!("Su nodo / Your node: {}", node.name),
                    body_text: format!(
                        "La solicitud del nodo «{}» {es}.{why}\n{url}\n\nThe request for the node \"{}\" {en}.{why}\n{url}\n",
                        node.name, node.name
                    ),
                    ics: None,
                    topic: format!("node-step/{step_id}"),
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// Every nodes-commission seat is told that a request waits for its evaluation.
async fn tell_commission(
    tx: &mut SqliteConnection,
    state: &AppState,
    node: &NodeRow,
) -> AppResult<()> {
    let url = request_url(state, node.id);
    for (_, name, email) in commission(&mut *tx).await? {
        if email.is_empty() {
            continue;
        }
        mail::queue(
            &mut *tx,
            &Message {
                to_address: email,
                to_name: name,
                subject: format!("Nodo por evaluar / Node to evaluate: {}", node.name),
                body_text: format!(
                    "Los líderes del {} enviaron la solicitud del nodo «{}». Cada integrante de la comisión escribe su evaluación; después la comisión vota.\n{url}\n\nThe leaders of the {} forwarded the request for the node \"{}\". Each commission member writes an evaluation; then the commission votes.\n{url}\n",
                    node.collective_es, node.name, node.collective_en, node.name
                ),
                ics: None,
                topic: format!("node-forwarded/{}", node.id),
            },
        )
        .await?;
    }
    Ok(())
}

/// What a decision says of the node (public: no liaison's phone or e-mail).
pub fn public_facts(node: &NodeRow, status: NodeStatus) -> serde_json::Value {
    json!({
        "id": node.id, "name": node.name, "type": node.node_type, "enode": node.enode,
        "collective": node.collective_slug, "institution": node.institution,
        "operator": node.operator_name(), "status": status,
    })
}

fn reason_checked(step: NodeStep, reason: &str) -> AppResult<String> {
    let reason = reason.trim();
    if step.needs_reason() && reason.is_empty() {
        return Err(Invalid::one("reason", NodeProblem::ReasonRequired).into());
    }
    if reason.chars().count() > MAX_REASON {
        return Err(Invalid::one("reason", NodeProblem::TooLong { max: MAX_REASON }).into());
    }
    Ok(reason.to_string())
}

/// Takes `step` on the node in one transaction: status, history, audit, decision, mail.
async fn take(
    state: &AppState,
    node_id: i64,
    step: NodeStep,
    reason: &str,
    grounds: serde_json::Value,
    actor: &Actor,
) -> AppResult<NodeStatus> {
    let reason = reason_checked(step, reason)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let node = get_in(&mut tx, node_id).await?;
    let to = step_status(&mut tx, node_id, step).await?;
    if step == NodeStep::Reject || step == NodeStep::Return || step.needs_reason() {
        sqlx::query("UPDATE nodes SET reason = ? WHERE id = ?")
            .bind(&reason)
            .bind(node_id)
            .execute(&mut *tx)
            .await?;
    }
    if to == NodeStatus::Retired {
        sqlx::query("UPDATE nodes SET deployment = 'retired' WHERE id = ?")
            .bind(node_id)
            .execute(&mut *tx)
            .await?;
    }
    after_step(
        &mut tx,
        state,
        Taken {
            node: &node,
            step,
            from: node.status,
            to,
            reason: &reason,
            grounds,
        },
        actor,
    )
    .await?;
    tx.commit().await?;
    state.committed();
    Ok(to)
}

/// The collective's leaders send the request to the nodes commission, whose seats are told.
pub async fn forward(
    state: &AppState,
    steward: &Steward,
    node_id: i64,
    note: &str,
    actor: &Actor,
) -> AppResult<()> {
    let node = super::get(&state.db, node_id).await?;
    if steward.collective_id() != node.collective_id {
        return Err(AppError::Forbidden);
    }
    take(
        state,
        node_id,
        NodeStep::Forward,
        note,
        serde_json::Value::Null,
        actor,
    )
    .await?;
    Ok(())
}

/// The collective's leaders return the request to the applicant, saying why.
pub async fn return_to_applicant(
    state: &AppState,
    steward: &Steward,
    node_id: i64,
    reason: &str,
    actor: &Actor,
) -> AppResult<()> {
    let node = super::get(&state.db, node_id).await?;
    if steward.collective_id() != node.collective_id {
        return Err(AppError::Forbidden);
    }
    take(
        state,
        node_id,
        NodeStep::Return,
        reason,
        serde_json::Value::Null,
        actor,
    )
    .await?;
    Ok(())
}

/// The applicant takes back a request not yet put to the vote.
pub async fn withdraw(
    state: &AppState,
    who: &Signed,
    node_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    let node = super::get(&state.db, node_id).await?;
    if node.person_id != who.person_id() {
        return Err(Invalid::one("", NodeProblem::NotTheApplicant).into());
    }
    take(
        state,
        node_id,
        NodeStep::Withdraw,
        "",
        serde_json::Value::Null,
        actor,
    )
    .await?;
    Ok(())
}

/// An admitted node: its date, and its institution (or the applicant) becomes an *integrante*
/// of the collective if it was not one already.
pub(crate) async fn admit_in(tx: &mut SqliteConnection, node: &NodeRow) -> AppResult<()> {
    sqlx::query("UPDATE nodes SET admitted_at = ?, reason = '' WHERE id = ?")
        .bind(Ts::now())
        .bind(node.id)
        .execute(&mut *tx)
        .await?;
    let today = Utc::now().date_naive();
    let (institution, person) = match node.institution_id {
        Some(i) => (Some(i), None),
        None => (None, Some(node.person_id)),
    };
    let already: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM collective_memberships WHERE collective_id = ?1
           AND ((?2 IS NOT NULL AND institution_id = ?2) OR (?3 IS NOT NULL AND person_id = ?3))
           AND (until IS NULL OR until >= ?4)",
    )
    .bind(node.collective_id)
    .bind(institution)
    .bind(person)
    .bind(today)
    .fetch_one(&mut *tx)
    .await?;
    if already == 0 {
        sqlx::query(
            "INSERT INTO collective_memberships (collective_id, institution_id, person_id, since, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(node.collective_id)
        .bind(institution)
        .bind(person)
        .bind(today)
        .bind(Ts::now())
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Keeps the import of an admitted node as its first step and a `governance.node-imported`
/// decision, inside the caller's transaction.
pub(crate) async fn record_imported(
    tx: &mut SqliteConnection,
    state: &AppState,
    node: &NodeRow,
    actor: &Actor,
) -> AppResult<()> {
    after_step(
        tx,
        state,
        Taken {
            node,
            step: NodeStep::Import,
            from: NodeStatus::Admitted,
            to: NodeStatus::Admitted,
            reason: "",
            grounds: json!({"imported_by": actor.label}),
        },
        actor,
    )
    .await
}

/// The nodes commission suspends, reinstates or retires an admitted node, saying why.
pub async fn change(
    state: &AppState,
    _evaluator: &NodeEvaluator,
    node_id: i64,
    step: NodeStep,
    reason: &str,
    actor: &Actor,
) -> AppResult<NodeStatus> {
    if !matches!(
        step,
        NodeStep::Suspend | NodeStep::Reinstate | NodeStep::Retire
    ) {
        return Err(Invalid::one("", NodeProblem::StepRefused).into());
    }
    take(state, node_id, step, reason, serde_json::Value::Null, actor).await
}

/// One step of a request's history, for its page.
#[derive(Clone, Debug, FromRow)]
pub struct StepRow {
    pub step: String,
    pub to_status: NodeStatus,
    pub reason: String,
    pub actor_label: String,
    pub at: Ts,
    pub evidence_id: Option<String>,
}

pub async fn history(db: &SqlitePool, node_id: i64) -> AppResult<Vec<StepRow>> {
    Ok(sqlx::query_as(
        "SELECT s.step, s.to_status, s.reason, s.actor_label, s.at, d.evidence_id
         FROM node_steps s LEFT JOIN decisions d ON d.ref = 'node-step/' || s.id
         WHERE s.node_id = ? ORDER BY s.id",
    )
    .bind(node_id)
    .fetch_all(db)
    .await?)
}
