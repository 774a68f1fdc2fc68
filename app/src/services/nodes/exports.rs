//! What outside tools read: Hyperledger Besu's local permissioning file
//! (`permissions_config.toml`: `nodes-allowlist` of the admitted, not suspended nodes,
//! `accounts-allowlist` of the writer accounts with transaction capital), `static-nodes.json`
//! and `nodes.json`; and the import of a network that already runs, from a CSV of
//! `name,enode,rpc_url,type,collective,institution`. Each list says when it last changed and by
//! which decision, so that an operator can prove which list was in force when.

use super::super::audit::{self, Actor};
use super::super::authority::Admin;
use super::{NODE_SELECT, NodeRow, admission, rpc_url_ok};
use crate::AppState;
use crate::db::Ts;
use crate::domain::csv;
use crate::domain::nodes::{Enode, HostKind, NodeStatus, NodeType};
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{Tr, fill};
use serde_json::json;
use sqlx::SqlitePool;

/// The latest change to the lists: when, and the evidence of the decision that made it.
#[derive(Clone, Debug, Default)]
pub struct LastChange {
    pub at: Option<Ts>,
    pub evidence_id: Option<String>,
}

pub async fn last_change(db: &SqlitePool) -> AppResult<LastChange> {
    let row: Option<(Ts, Option<String>)> = sqlx::query_as(
        "SELECT s.at, d.evidence_id FROM node_steps s LEFT JOIN decisions d ON d.ref = 'node-step/' || s.id
         WHERE s.step IN ('admit', 'suspend', 'reinstate', 'retire', 'import') ORDER BY s.id DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await?;
    Ok(row
        .map(|(at, evidence_id)| LastChange {
            at: Some(at),
            evidence_id,
        })
        .unwrap_or_default())
}

/// The admitted, not suspended nodes' enode URLs, in admission order.
pub async fn allowed_enodes(db: &SqlitePool) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT enode FROM nodes WHERE status = 'admitted' ORDER BY admitted_at, id",
    )
    .fetch_all(db)
    .await?)
}

/// The writer accounts with a grant of transaction capital in force.
pub async fn allowed_accounts(db: &SqlitePool) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT g.account FROM capital_grants g JOIN nodes n ON n.id = g.node_id
         WHERE g.status = 'active' AND g.ends_at IS NULL AND n.status = 'admitted' ORDER BY g.account",
    )
    .fetch_all(db)
    .await?)
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `permissions_config.toml` as Besu's `--permissions-nodes-config-file` and
/// `--permissions-accounts-config-file` read it.
pub fn permissions_toml(
    enodes: &[String],
    accounts: &[String],
    change: &LastChange,
    public_url: &str,
) -> String {
    let list = |items: &[String]| {
        if items.is_empty() {
            "[]".to_string()
        } else {
            let lines: Vec<String> = items
                .iter()
                .map(|i| format!("  {}", toml_string(i)))
                .collect();
            format!("[\n{}\n]", lines.join(",\n"))
        }
    };
    let mut out = String::from(
        "# Minga: the nodes admitted and not suspended, and the writer accounts with transaction capital.\n",
    );
    match (&change.at, &change.evidence_id) {
        (Some(at), Some(id)) => out.push_str(&format!(
            "# Last changed {} by the decision {}/v/{id}\n",
            at.to_db(),
            public_url.trim_end_matches('/')
        )),
        (Some(at), None) => out.push_str(&format!("# Last changed {}\n", at.to_db())),
        _ => out.push_str("# No node admitted yet.\n"),
    }
    out.push_str(&format!(
        "accounts-allowlist={}\n\nnodes-allowlist={}\n",
        list(accounts),
        list(enodes)
    ));
    out
}

/// Why a line of an import is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportProblem {
    Unreadable { line: usize },
    Header,
    Line { line: usize, what: &'static str },
}

impl Reason for ImportProblem {
    fn code(&self) -> &'static str {
        match self {
            ImportProblem::Unreadable { .. } => "csv_unreadable",
            ImportProblem::Header => "csv_header",
            ImportProblem::Line { .. } => "csv_line",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            ImportProblem::Unreadable { line } => fill(t.node_import_unreadable, &[("line", line)]),
            ImportProblem::Header => t.node_import_header.into(),
            ImportProblem::Line { line, what } => {
                fill(t.node_import_line, &[("line", line), ("what", what)])
            }
        }
    }
}

pub const IMPORT_HEADER: [&str; 6] = [
    "name",
    "enode",
    "rpc_url",
    "type",
    "collective",
    "institution",
];

/// One line of an import, checked.
struct ImportLine {
    name: String,
    enode: Enode,
    rpc_url: String,
    node_type: NodeType,
    collective_id: i64,
    institution_id: i64,
}

/// Imports the nodes of a network that already runs: every line is checked first (nothing is
/// written if one is wrong, each wrong line named); then each node is recorded as admitted by a
/// `governance.node-imported` decision naming who imported it, under the account of `person_id`
/// (the administrator importing). Returns the new nodes' ids.
pub async fn import(
    state: &AppState,
    _admin: &Admin,
    person_id: i64,
    text: &str,
    actor: &Actor,
) -> AppResult<Vec<i64>> {
    let records = csv::parse(text)
        .map_err(|p| Invalid::one("file", ImportProblem::Unreadable { line: p.line }))?;
    let mut records = records.into_iter();
    let header = records.next().unwrap_or_default();
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    if header != IMPORT_HEADER {
        return Err(Invalid::one("file", ImportProblem::Header).into());
    }
    let mut lines = Vec::new();
    let mut invalid = Invalid::new();
    let mut keys = std::collections::HashSet::new();
    for (i, r) in records.enumerate() {
        let line = i + 2;
        let bad = |what| ImportProblem::Line { line, what };
        if r.len() != IMPORT_HEADER.len() {
            invalid.add("file", bad("columns"));
            continue;
        }
        let name = r[0].trim().to_string();
        if name.is_empty() || name.chars().count() > 120 || name.chars().any(char::is_control) {
            invalid.add("file", bad("name"));
            continue;
        }
        let Ok(enode) = Enode::parse(&r[1]) else {
            invalid.add("file", bad("enode"));
            continue;
        };
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM nodes WHERE node_key = ? AND status NOT IN ('rejected', 'withdrawn', 'retired')",
        )
        .bind(&enode.id)
        .fetch_one(&state.db)
        .await?;
        if taken > 0 || !keys.insert(enode.id.clone()) {
            invalid.add("file", bad("enode taken"));
            continue;
        }
        let rpc_url = r[2].trim().to_string();
        if !rpc_url_ok(&rpc_url) {
            invalid.add("file", bad("rpc_url"));
            continue;
        }
        let Some(node_type) = NodeType::parse(r[3].trim()) else {
            invalid.add("file", bad("type"));
            continue;
        };
        let Some(collective_id) =
            sqlx::query_scalar::<_, i64>("SELECT id FROM collectives WHERE slug = ?")
                .bind(r[4].trim())
                .fetch_optional(&state.db)
                .await?
        else {
            invalid.add("file", bad("collective"));
            continue;
        };
        let Some(institution_id) = sqlx::query_scalar::<_, i64>(
            "SELECT id FROM institutions WHERE lower(name) = lower(?)",
        )
        .bind(r[5].trim())
        .fetch_optional(&state.db)
        .await?
        else {
            invalid.add("file", bad("institution"));
            continue;
        };
        lines.push(ImportLine {
            name,
            enode,
            rpc_url,
            node_type,
            collective_id,
            institution_id,
        });
    }
    invalid.into_result()?;
    if lines.is_empty() {
        return Err(Invalid::one("file", ImportProblem::Header).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let now = Ts::now();
    let mut ids = Vec::new();
    for l in &lines {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO nodes (name, person_id, institution_id, collective_id, node_type, enode, node_key, rpc_url, host_kind,
                                os, ram_mb, disk_gb, location, liaison_name, liaison_position, liaison_email, liaison_phone,
                                status, deployment, imported, submitted_at, admitted_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0, 0, '', '', '', '', '', 'admitted', 'deployed', 1, ?, ?, ?) RETURNING id",
        )
        .bind(&l.name)
        .bind(person_id)
        .bind(l.institution_id)
        .bind(l.collective_id)
        .bind(l.node_type)
        .bind(l.enode.to_string())
        .bind(&l.enode.id)
        .bind(&l.rpc_url)
        .bind(HostKind::Other)
        .bind(now)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let node: NodeRow =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{NODE_SELECT} WHERE n.id = ?")))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        admission::admit_in(&mut tx, &node).await?;
        admission::record_imported(&mut tx, state, &node, actor).await?;
        ids.push(id);
    }
    audit::record(
        &mut tx,
        actor,
        "node.imported",
        "node",
        ids[0],
        None,
        Some(json!({"nodes": ids, "count": ids.len()})),
    )
    .await?;
    tx.commit().await?;
    state.committed();
    Ok(ids)
}

/// Every node of the network with its state, for `nodes.json`.
pub fn node_json(n: &NodeRow, health: Option<&serde_json::Value>) -> serde_json::Value {
    json!({
        "id": n.id, "name": n.name, "type": n.node_type, "enode": n.enode,
        "collective": n.collective_slug, "operator": n.operator_name(),
        "status": n.status, "deployment": n.deployment,
        "allowed": n.status == NodeStatus::Admitted,
        "admitted_at": n.admitted_at.map(|t| t.to_db()),
        "health": health,
    })
}
