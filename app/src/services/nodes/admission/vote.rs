//! The nodes commission on a request: each seat's written evaluation, the recorded vote the last
//! one opens (its seats as electorate), and what the closed vote decides — admitted (with the
//! membership it brings) or rejected with the unfavourable justifications as its reasons.

use super::*;

/// One commission seat's evaluation.
#[derive(Clone, Debug, FromRow)]
pub struct Evaluation {
    pub person_id: i64,
    pub full_name: String,
    pub opinion: String,
    pub justification: String,
    pub written_at: Ts,
}

pub const OPINIONS: [&str; 2] = ["favourable", "unfavourable"];

pub async fn evaluations(db: &SqlitePool, node_id: i64) -> AppResult<Vec<Evaluation>> {
    Ok(sqlx::query_as(
        "SELECT e.person_id, p.full_name, e.opinion, e.justification, e.written_at
         FROM node_evaluations e JOIN people p ON p.id = e.person_id WHERE e.node_id = ? ORDER BY e.id",
    )
    .bind(node_id)
    .fetch_all(db)
    .await?)
}

/// A commission seat writes (or rewrites) its evaluation of a request in evaluation. When every
/// seat has written one, the commission's vote opens. Returns the vote's id when it opened.
pub async fn evaluate(
    state: &AppState,
    evaluator: &NodeEvaluator,
    node_id: i64,
    opinion: &str,
    justification: &str,
    actor: &Actor,
) -> AppResult<Option<i64>> {
    let person_id = evaluator.person_id().ok_or(AppError::Forbidden)?;
    let justification = justification.trim();
    let mut invalid = Invalid::new();
    if !OPINIONS.contains(&opinion) {
        invalid.add("opinion", NodeProblem::OpinionUnknown);
    }
    if justification.is_empty() {
        invalid.add("justification", NodeProblem::Required);
    } else if justification.chars().count() > MAX_REASON {
        invalid.add("justification", NodeProblem::TooLong { max: MAX_REASON });
    }
    invalid.into_result()?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let node = get_in(&mut tx, node_id).await?;
    if node.status != NodeStatus::InEvaluation {
        return Err(Invalid::one("", NodeProblem::StepRefused).into());
    }
    sqlx::query(
        "INSERT INTO node_evaluations (node_id, person_id, opinion, justification, written_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (node_id, person_id) DO UPDATE SET opinion = excluded.opinion,
             justification = excluded.justification, written_at = excluded.written_at",
    )
    .bind(node_id)
    .bind(person_id)
    .bind(opinion)
    .bind(justification)
    .bind(Ts::now())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "node.evaluated",
        "node",
        node_id,
        None,
        Some(json!({"person_id": person_id, "opinion": opinion, "justification": justification})),
    )
    .await?;
    let seats = commission(&mut tx).await?;
    let seat_ids: Vec<i64> = seats.iter().map(|s| s.0).collect();
    let written: Vec<i64> =
        sqlx::query_scalar("SELECT person_id FROM node_evaluations WHERE node_id = ?")
            .bind(node_id)
            .fetch_all(&mut *tx)
            .await?;
    let vote = if missing_evaluations(&seat_ids, &written).is_empty() {
        Some(put_to_vote(&mut tx, state, &node, &seats, actor).await?)
    } else {
        None
    };
    tx.commit().await?;
    state.mail_pending.notify_one();
    Ok(vote)
}

/// Opens the commission's recorded vote on the request, inside the caller's transaction.
async fn put_to_vote(
    tx: &mut SqliteConnection,
    state: &AppState,
    node: &NodeRow,
    seats: &[(i64, String, String)],
    actor: &Actor,
) -> AppResult<i64> {
    let to = step_status(&mut *tx, node.id, NodeStep::PutToVote).await?;
    let now = Utc::now();
    let vote_id = votes::open(
        &mut *tx,
        &NewVote {
            subject: "node-admission",
            subject_id: Some(node.id),
            electorate: Electorate::NodesCommission,
            scope: None,
            question_es: format!(
                "¿Admitir el nodo «{}» ({}, {}) en el {}?",
                node.name,
                node.operator_name(),
                node.node_type.as_str(),
                node.collective_es
            ),
            question_en: format!(
                "Admit the node \"{}\" ({}, {}) to the {}?",
                node.name,
                node.operator_name(),
                node.node_type.as_str(),
                node.collective_en
            ),
            majority: Majority::Simple,
            tie: TieRule::Rejected,
            chair: None,
            secret: false,
            eligibility_on: now.date_naive(),
            closes_at: now + Duration::days(i64::from(state.settings.nodes.vote_days.max(1))),
        },
        actor,
    )
    .await?;
    sqlx::query("UPDATE nodes SET vote_id = ? WHERE id = ?")
        .bind(vote_id)
        .bind(node.id)
        .execute(&mut *tx)
        .await?;
    record_step(
        &mut *tx,
        node.id,
        "put_to_vote",
        NodeStatus::InEvaluation,
        to,
        "",
        actor,
    )
    .await?;
    let url = format!(
        "{}/votes/{vote_id}",
        state.settings.public_url.trim_end_matches('/')
    );
    for (_, name, email) in seats.iter().filter(|s| !s.2.is_empty()) {
        mail::queue(
            &mut *tx,
            &Message {
                to_address: email.clone(),
                to_name: name.clone(),
                subject: format!("Votación de nodo / Node vote: {}", node.name),
                body_text: format!(
                    "Todas las evaluaciones del nodo «{}» están escritas: la comisión vota.\n{url}\n\nEvery evaluation of the node \"{}\" is written: the commission votes.\n{url}\n",
                    node.name, node.name
                ),
                ics: None,
                topic: format!("node-vote/{vote_id}"),
            },
        )
        .await?;
    }
    Ok(vote_id)
}

/// Carries out the commission's votes that closed: the node is admitted (and its institution, or
/// the applicant, becomes a member of the collective) or rejected. Returns how many.
pub async fn decide_by_votes(state: &AppState) -> AppResult<usize> {
    let due: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT n.id, v.status, v.result_json FROM nodes n JOIN votes v ON v.id = n.vote_id
         WHERE n.status = 'voting' AND v.status = 'closed'",
    )
    .fetch_all(&state.db)
    .await?;
    let actor = Actor::system("nodes");
    let mut done = 0;
    for (node_id, _, result) in due {
        let result: serde_json::Value = result
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or_default();
        let approved = result["outcome"] == "approved";
        let step = if approved {
            NodeStep::Admit
        } else {
            NodeStep::Reject
        };
        let reason = if approved {
            String::new()
        } else {
            rejection_reasons(&state.db, node_id).await?
        };
        let mut tx = crate::db::begin_write(&state.db).await?;
        let node = get_in(&mut tx, node_id).await?;
        let to = match step_status(&mut tx, node_id, step).await {
            Ok(to) => to,
            // carried out meanwhile
            Err(AppError::Invalid(_)) => continue,
            Err(e) => return Err(e),
        };
        if approved {
            admit_in(&mut tx, &node).await?;
        } else {
            sqlx::query("UPDATE nodes SET reason = ? WHERE id = ?")
                .bind(&reason)
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
                grounds: json!({"vote": node.vote_id, "result": result}),
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

/// The reasons of a rejection, visible to the applicant: the unfavourable evaluations'
/// justifications.
async fn rejection_reasons(db: &SqlitePool, node_id: i64) -> AppResult<String> {
    let reasons: Vec<String> = sqlx::query_scalar(
        "SELECT justification FROM node_evaluations WHERE node_id = ? AND opinion = 'unfavourable' ORDER BY id",
    )
    .bind(node_id)
    .fetch_all(db)
    .await?;
    Ok(if reasons.is_empty() {
        "La comisión de nodos votó en contra. / The nodes commission voted against.".into()
    } else {
        reasons.join("\n")
    })
}
