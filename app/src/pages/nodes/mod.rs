//! Nodes: `/network` and a node's page (public), the request form and the requests' pages
//! (applicant, the collective's leaders, the nodes commission), the lists Besu loads.

use crate::domain::nodes::{HostKind, NodeStatus, NodeType};
use crate::i18n::{Lang, Tr, fill};
use crate::services::nodes::NodeRow;

pub mod capital;
pub mod exports;
pub mod health;
pub mod network;
pub mod request;
pub mod review;

pub fn type_name(t: NodeType, tr: &'static Tr) -> &'static str {
    match t {
        NodeType::Validator => tr.node_type_validator,
        NodeType::Writer => tr.node_type_writer,
        NodeType::Boot => tr.node_type_boot,
        NodeType::Observer => tr.node_type_observer,
    }
}

pub fn host_name(k: HostKind, tr: &'static Tr) -> &'static str {
    match k {
        HostKind::Physical => tr.node_host_physical,
        HostKind::Vps => tr.node_host_vps,
        HostKind::Other => tr.node_host_other,
    }
}

pub fn status_name(s: NodeStatus, tr: &'static Tr) -> &'static str {
    match s {
        NodeStatus::Submitted => tr.node_status_submitted,
        NodeStatus::Returned => tr.node_status_returned,
        NodeStatus::InEvaluation => tr.node_status_in_evaluation,
        NodeStatus::Voting => tr.node_status_voting,
        NodeStatus::Admitted => tr.node_status_admitted,
        NodeStatus::Rejected => tr.node_status_rejected,
        NodeStatus::Suspended => tr.node_status_suspended,
        NodeStatus::Retired => tr.node_status_retired,
        NodeStatus::Withdrawn => tr.node_status_withdrawn,
    }
}

pub fn step_name(step: &str, tr: &'static Tr) -> &'static str {
    match step {
        "submit" => tr.node_step_submit,
        "resubmit" => tr.node_step_resubmit,
        "forward" => tr.node_step_forward,
        "return" => tr.node_step_return,
        "withdraw" => tr.node_step_withdraw,
        "put_to_vote" => tr.node_step_put_to_vote,
        "admit" => tr.node_step_admit,
        "reject" => tr.node_step_reject,
        "suspend" => tr.node_step_suspend,
        "reinstate" => tr.node_step_reinstate,
        "retire" => tr.node_step_retire,
        _ => tr.node_step_import,
    }
}

/// The collective's name in the visitor's language.
pub fn collective_name(n: &NodeRow, lang: Lang) -> String {
    match lang {
        Lang::Es => n.collective_es.clone(),
        Lang::En => n.collective_en.clone(),
    }
}

/// The requirements not met, one sentence each.
pub fn unmet_lines(unmet: &[serde_json::Value], tr: &'static Tr) -> Vec<String> {
    unmet
        .iter()
        .map(|u| match u["code"].as_str() {
            Some("os") => fill(
                tr.node_unmet_os,
                &[("needed", &u["needed"].as_str().unwrap_or_default())],
            ),
            Some("ram") => fill(
                tr.node_unmet_ram,
                &[("needed", &u["needed_mb"].as_u64().unwrap_or_default())],
            ),
            Some("disk") => fill(
                tr.node_unmet_disk,
                &[("needed", &u["needed_gb"].as_u64().unwrap_or_default())],
            ),
            _ => tr.node_unmet_host_kind.to_string(),
        })
        .collect()
}

/// What the one probe at filing found, in a sentence.
pub fn probe_line(probe: Option<&serde_json::Value>, tr: &'static Tr) -> String {
    let Some(p) = probe else {
        return tr.node_probe_none.to_string();
    };
    if p["skipped"] == "private_address" {
        return tr.node_probe_private.to_string();
    }
    let value = |k: &str| p[k]["value"].clone();
    match value("block").as_u64() {
        Some(block) => fill(
            tr.node_probe_up,
            &[
                (
                    "chain",
                    &value("chain_id")
                        .as_u64()
                        .map_or("?".into(), |c| c.to_string()),
                ),
                ("block", &block),
                (
                    "client",
                    &value("client_version").as_str().unwrap_or("?").to_string(),
                ),
                ("ms", &p["latency_ms"].as_u64().unwrap_or_default()),
            ],
        ),
        None => tr.node_probe_down.to_string(),
    }
}

/// The routes of this page family.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/network", get(network::show))
        .route("/network/nodes/{id}", get(network::node))
        .route("/network/nodes/{id}/status", post(network::change))
        .route(
            "/network/permissions_config.toml",
            get(exports::permissions),
        )
        .route("/network/static-nodes.json", get(exports::static_nodes))
        .route("/network/nodes.json", get(exports::nodes_json))
        .route("/network/capital", get(capital::list))
        .route("/network/capital.json", get(capital::json))
        .route("/network/capital/{grant}", post(capital::decide))
        .route("/network/nodes/{id}/capital", post(capital::request))
        .route(
            "/network/requests",
            get(review::list)
                .post(request::create)
                .layer(DefaultBodyLimit::max(request::MAX_FORM_BYTES)),
        )
        .route("/network/requests/new", get(request::new))
        .route("/network/requests/{id}", get(review::show))
        .route("/network/requests/{id}/letter", get(review::letter))
        .route("/network/requests/{id}/leaders", post(review::leaders))
        .route("/network/requests/{id}/evaluation", post(review::evaluate))
        .route("/network/requests/{id}/withdraw", post(review::withdraw))
        .route("/network/requests/{id}/resubmit", post(request::resubmit))
}
