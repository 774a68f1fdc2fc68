//! Nodes: the request to join the network with a node (a letter of intent and the adhesion form,
//! checked against the minimum requirements and probed once), what the collective's leaders and
//! the nodes commission do with it (`admission`), and the lists Besu and people read
//! (`exports`). Every step is kept in `node_steps`; the decisions among them are registered in
//! the log as `governance.node-*`.

use super::audit::{self, Actor};
use super::authority::Signed;
use super::evidence::documents;
use super::mail::{self, Message};
use crate::db::Ts;
use crate::domain::nodes::{
    Enode, EnodeProblem, HostFacts, HostKind, NodeRequirements, NodeStatus, NodeType, Unmet,
};
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{Tr, fill};
use crate::{AppError, AppState};
use serde_json::json;
use sqlx::{FromRow, SqliteConnection, SqlitePool};

pub mod admission;
mod form;
pub use form::*;
pub mod capital;
pub mod exports;
pub mod figures;
pub mod health;
pub mod kept;

const MAX_NAME: usize = 120;
const MAX_TEXT: usize = 4000;
pub const MAX_LETTER_BYTES: usize = 10 * 1024 * 1024;

/// Why a request, or a step on it, is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeProblem {
    Required,
    TooLong {
        max: usize,
    },
    TypeUnknown,
    HostUnknown,
    Enode(EnodeProblem),
    EnodeTaken,
    RpcUrl,
    Number,
    CollectiveUnknown,
    NoInstitution,
    Email,
    LetterRequired,
    LetterNotPdf,
    LetterTooLarge,
    /// The step cannot be taken from where the request stands.
    StepRefused,
    ReasonRequired,
    OpinionUnknown,
    /// Only the applicant may do this.
    NotTheApplicant,
}

impl Reason for NodeProblem {
    fn code(&self) -> &'static str {
        match self {
            NodeProblem::Required => "required",
            NodeProblem::TooLong { .. } => "too_long",
            NodeProblem::TypeUnknown => "node_type_unknown",
            NodeProblem::HostUnknown => "host_kind_unknown",
            NodeProblem::Enode(_) => "enode_invalid",
            NodeProblem::EnodeTaken => "enode_taken",
            NodeProblem::RpcUrl => "rpc_url_invalid",
            NodeProblem::Number => "number_invalid",
            NodeProblem::CollectiveUnknown => "collective_unknown",
            NodeProblem::NoInstitution => "no_institution",
            NodeProblem::Email => "email_invalid",
            NodeProblem::LetterRequired => "letter_required",
            NodeProblem::LetterNotPdf => "letter_not_pdf",
            NodeProblem::LetterTooLarge => "letter_too_large",
            NodeProblem::StepRefused => "node_step_refused",
            NodeProblem::ReasonRequired => "reason_required",
            NodeProblem::OpinionUnknown => "opinion_unknown",
            NodeProblem::NotTheApplicant => "not_the_applicant",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            NodeProblem::Required => t.problem_required.into(),
            NodeProblem::TooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            NodeProblem::TypeUnknown => t.node_problem_type.into(),
            NodeProblem::HostUnknown => t.node_problem_host.into(),
            NodeProblem::Enode(p) => match p {
                EnodeProblem::Scheme => t.node_problem_enode_scheme,
                EnodeProblem::NodeId => t.node_problem_enode_id,
                EnodeProblem::Host => t.node_problem_enode_host,
                EnodeProblem::Port => t.node_problem_enode_port,
                EnodeProblem::Query => t.node_problem_enode_query,
            }
            .into(),
            NodeProblem::EnodeTaken => t.node_problem_enode_taken.into(),
            NodeProblem::RpcUrl => t.node_problem_rpc_url.into(),
            NodeProblem::Number => t.node_problem_number.into(),
            NodeProblem::CollectiveUnknown => t.node_problem_collective.into(),
            NodeProblem::NoInstitution => t.node_problem_no_institution.into(),
            NodeProblem::Email => t.node_problem_email.into(),
            NodeProblem::LetterRequired => t.node_problem_letter_required.into(),
            NodeProblem::LetterNotPdf => t.node_problem_letter_pdf.into(),
            NodeProblem::LetterTooLarge => fill(
                t.node_problem_letter_large,
                &[("max", &(MAX_LETTER_BYTES / (1024 * 1024)))],
            ),
            NodeProblem::StepRefused => t.node_problem_step.into(),
            NodeProblem::ReasonRequired => t.node_problem_reason.into(),
            NodeProblem::OpinionUnknown => t.node_problem_opinion.into(),
            NodeProblem::NotTheApplicant => t.node_problem_not_applicant.into(),
        }
    }
}

/// The adhesion form as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RequestForm {
    pub name: String,
    /// `institution` (the applicant's own institution) or `self`.
    pub on_behalf: String,
    pub collective: String,
    pub node_type: String,
    pub enode: String,
    pub rpc_url: String,
    pub host_kind: String,
    pub os: String,
    pub ram_mb: String,
    pub disk_gb: String,
    pub location: String,
    pub projects: String,
    pub liaison_name: String,
    pub liaison_position: String,
    pub liaison_email: String,
    pub liaison_phone: String,
}

/// The letter of intent as uploaded: (file name, bytes).
pub type Letter<'a> = (&'a str, &'a [u8]);

/// Files a request: the letter stored by its SHA-256, the form checked, the endpoint probed once;
/// the collective's leaders are told by mail. Returns the request's id.
pub async fn submit(
    state: &AppState,
    who: &Signed,
    form: &RequestForm,
    letter: Option<Letter<'_>>,
    actor: &Actor,
) -> AppResult<i64> {
    crate::services::identity::require_standing(&state.db, who.person_id()).await?;
    let requirements = &state.settings.nodes.requirements;
    let checked = check(&state.db, who, form, requirements, None).await;
    let letter = check_letter(letter);
    let (checked, (filename, bytes)) = match (checked, letter) {
        (Ok(c), Ok(l)) => (c, l),
        (Err(AppError::Invalid(mut a)), Err(b)) => {
            a.0.extend(b.0);
            return Err(AppError::Invalid(a));
        }
        (Err(e), _) => return Err(e),
        (Ok(_), Err(b)) => return Err(b.into()),
    };
    let probe = probe_once(
        state,
        &checked.rpc_url,
        checked.node_type == NodeType::Validator,
    )
    .await;
    let filename = super::advisory::clean_filename(filename);
    let hash = documents::store(&state.settings.documents_dir(), bytes).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let now = Ts::now();
    let unmet: Vec<_> = checked.unmet.iter().map(unmet_code).collect();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO nodes (person_id, collective_id, node_key, letter_sha256, letter_filename, status, submitted_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'submitted', ?, ?) RETURNING id",
    )
    .bind(who.person_id())
    .bind(checked.collective_id)
    .bind(&checked.enode.id)
    .bind(hash.hex())
    .bind(&filename)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    write_form(&mut tx, id, &checked, probe.as_deref()).await?;
    admission::record_step(
        &mut tx,
        id,
        "submit",
        NodeStatus::Submitted,
        NodeStatus::Submitted,
        "",
        actor,
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        "node.requested",
        "node",
        id,
        None,
        Some(json!({"name": checked.name, "collective_id": checked.collective_id, "type": checked.node_type.as_str(),
                    "enode": checked.enode.to_string(), "letter_sha256": hash.hex(), "unmet": unmet})),
    )
    .await?;
    let url = admission::request_url(state, id);
    for (name, email) in admission::leaders_of(&mut tx, checked.collective_id).await? {
        mail::queue(
            &mut tx,
            &Message {
                to_address: email,
                to_name: name,
                subject: format!(
                    "Solicitud de nodo / Node request: {}",
                    checked.name
                ),
                body_text: format!(
                    "Se recibió una solicitud de nodo para su colectivo: «{}». Los líderes la envían a la comisión de nodos o la devuelven.\n{url}\n\nA node request for your collective was received: \"{}\". The leaders forward it to the nodes commission or return it.\n{url}\n",
                    checked.name, checked.name
                ),
                ics: None,
                topic: format!("node-request/{id}"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    state.mail_pending.notify_one();
    Ok(id)
}

/// Writes what the form says (and the probe made of it) into the request `id`.
async fn write_form(
    conn: &mut SqliteConnection,
    id: i64,
    checked: &Checked,
    probe: Option<&str>,
) -> AppResult<()> {
    let unmet: Vec<_> = checked.unmet.iter().map(unmet_code).collect();
    sqlx::query(
        "UPDATE nodes SET name = ?, institution_id = ?, collective_id = ?, node_type = ?, enode = ?, node_key = ?, rpc_url = ?,
                host_kind = ?, os = ?, ram_mb = ?, disk_gb = ?, location = ?, projects = ?, liaison_name = ?, liaison_position = ?,
                liaison_email = ?, liaison_phone = ?, unmet_json = ?, probe_json = ?, updated_at = ?
         WHERE id = ?",
    )
    .bind(&checked.name)
    .bind(checked.institution_id)
    .bind(checked.collective_id)
    .bind(checked.node_type)
    .bind(checked.enode.to_string())
    .bind(&checked.enode.id)
    .bind(&checked.rpc_url)
    .bind(checked.host.kind)
    .bind(&checked.host.os)
    .bind(checked.host.ram_mb as i64)
    .bind(checked.host.disk_gb as i64)
    .bind(&checked.location)
    .bind(&checked.projects)
    .bind(&checked.liaison[0])
    .bind(&checked.liaison[1])
    .bind(&checked.liaison[2])
    .bind(&checked.liaison[3])
    .bind(serde_json::Value::from(unmet).to_string())
    .bind(probe)
    .bind(Ts::now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The applicant amends a returned request and sends it again to the leaders.
pub async fn resubmit(
    state: &AppState,
    who: &Signed,
    node_id: i64,
    form: &RequestForm,
    actor: &Actor,
) -> AppResult<()> {
    let node = get(&state.db, node_id).await?;
    if node.person_id != who.person_id() {
        return Err(Invalid::one("", NodeProblem::NotTheApplicant).into());
    }
    let checked = check(
        &state.db,
        who,
        form,
        &state.settings.nodes.requirements,
        Some(node_id),
    )
    .await?;
    let probe = probe_once(
        state,
        &checked.rpc_url,
        checked.node_type == NodeType::Validator,
    )
    .await;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let to =
        admission::step_status(&mut tx, node_id, crate::domain::nodes::NodeStep::Resubmit).await?;
    write_form(&mut tx, node_id, &checked, probe.as_deref()).await?;
    admission::record_step(
        &mut tx,
        node_id,
        "resubmit",
        NodeStatus::Returned,
        to,
        "",
        actor,
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        "node.resubmitted",
        "node",
        node_id,
        Some(json!({"status": "returned"})),
        Some(json!({"status": "submitted"})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A request or node, with the names it is shown with.
#[derive(Clone, Debug, FromRow)]
pub struct NodeRow {
    pub id: i64,
    pub name: String,
    pub person_id: i64,
    pub applicant: String,
    pub institution_id: Option<i64>,
    pub institution: Option<String>,
    pub collective_id: i64,
    pub collective_slug: String,
    pub collective_es: String,
    pub collective_en: String,
    pub node_type: NodeType,
    pub enode: String,
    pub rpc_url: String,
    pub host_kind: HostKind,
    pub os: String,
    pub ram_mb: i64,
    pub disk_gb: i64,
    pub location: String,
    pub projects: String,
    pub liaison_name: String,
    pub liaison_position: String,
    pub liaison_email: String,
    pub liaison_phone: String,
    pub letter_sha256: Option<String>,
    pub letter_filename: Option<String>,
    pub unmet_json: String,
    pub probe_json: Option<String>,
    pub status: NodeStatus,
    pub deployment: String,
    pub vote_id: Option<i64>,
    pub reason: String,
    pub imported: bool,
    pub submitted_at: Ts,
    pub admitted_at: Option<Ts>,
}

impl NodeRow {
    /// The requirements not met, as stored.
    pub fn unmet(&self) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.unmet_json).unwrap_or_default()
    }

    /// The one probe made when it was filed.
    pub fn probe(&self) -> Option<serde_json::Value> {
        self.probe_json
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
    }

    /// Who runs it: the institution, or the applicant in person.
    pub fn operator_name(&self) -> String {
        self.institution
            .clone()
            .unwrap_or_else(|| self.applicant.clone())
    }
}

pub(crate) const NODE_SELECT: &str = "SELECT n.id, n.name, n.person_id, p.full_name AS applicant, n.institution_id, i.name AS institution,
        n.collective_id, c.slug AS collective_slug, c.name_es AS collective_es, c.name_en AS collective_en, n.node_type, n.enode,
        n.rpc_url, n.host_kind, n.os, n.ram_mb, n.disk_gb, n.location, n.projects, n.liaison_name, n.liaison_position,
        n.liaison_email, n.liaison_phone, n.letter_sha256, n.letter_filename, n.unmet_json, n.probe_json, n.status,
        n.deployment, n.vote_id, n.reason, n.imported, n.submitted_at, n.admitted_at
 FROM nodes n JOIN people p ON p.id = n.person_id LEFT JOIN institutions i ON i.id = n.institution_id
 JOIN collectives c ON c.id = n.collective_id";

pub async fn get(db: &SqlitePool, id: i64) -> AppResult<NodeRow> {
    get_in(&mut *db.acquire().await?, id).await
}

pub async fn get_in(conn: &mut SqliteConnection, id: i64) -> AppResult<NodeRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{NODE_SELECT} WHERE n.id = ?")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// The requests on their way (oldest first), optionally of one collective.
pub async fn pending(db: &SqlitePool, collective: Option<i64>) -> AppResult<Vec<NodeRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{NODE_SELECT} WHERE n.status IN ('submitted', 'returned', 'in_evaluation', 'voting')
           AND (?1 IS NULL OR n.collective_id = ?1) ORDER BY n.id"
    )))
    .bind(collective)
    .fetch_all(db)
    .await?)
}

/// A person's own requests and nodes, newest first.
pub async fn of_person(db: &SqlitePool, person_id: i64) -> AppResult<Vec<NodeRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{NODE_SELECT} WHERE n.person_id = ? ORDER BY n.id DESC"
    )))
    .bind(person_id)
    .fetch_all(db)
    .await?)
}

/// The nodes of the network (admitted, suspended, retired), by collective and name;
/// `collective` narrows to one.
pub async fn on_network(db: &SqlitePool, collective: Option<i64>) -> AppResult<Vec<NodeRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{NODE_SELECT} WHERE n.status IN ('admitted', 'suspended', 'retired')
           AND (?1 IS NULL OR n.collective_id = ?1) ORDER BY c.name_es, n.name, n.id"
    )))
    .bind(collective)
    .fetch_all(db)
    .await?)
}

/// The applicant's institution's name, if they belong to one.
pub async fn institution_of(db: &SqlitePool, person_id: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT i.name FROM people p JOIN institutions i ON i.id = p.institution_id WHERE p.id = ?",
    )
    .bind(person_id)
    .fetch_optional(db)
    .await?)
}
