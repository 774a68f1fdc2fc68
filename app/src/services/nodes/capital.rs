//! Transaction capital (seed 003's "capital de transacción"): the operator of an admitted node
//! asks its collective's leaders for an allowance of gas per period for one of its writer
//! accounts; a leader grants it (as asked or changed), refuses it, and later changes or revokes
//! it, always with a reason. Each of these is a decision in the log; the grants in force are a
//! public table, `/network/capital.json`, and the `accounts-allowlist` Besu loads.

use super::super::audit::{self, Actor};
use super::super::authority::{Signed, Steward};
use super::super::evidence::decisions::{self, Decision};
use super::super::mail::{self, Message};
use super::admission::leaders_of;
use super::{NodeProblem, NodeRow, get_in};
use crate::db::Ts;
use crate::domain::nodes::NodeStatus;
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::Tr;
use crate::{AppError, AppState};
use serde_json::json;
use sqlx::{FromRow, SqliteConnection, SqlitePool};

pub const PERIODS: [&str; 2] = ["day", "month"];
const MAX_REASON: usize = 2000;
/// The most gas a grant may name (well beyond any block's gas limit times a month of blocks).
const MAX_AMOUNT: i64 = 1 << 53;

/// Why a capital request or decision is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapitalProblem {
    Account,
    Amount,
    Period,
    NodeNotAdmitted,
    NotTheOperator,
    NotPending,
    NotActive,
}

impl Reason for CapitalProblem {
    fn code(&self) -> &'static str {
        match self {
            CapitalProblem::Account => "account_invalid",
            CapitalProblem::Amount => "amount_invalid",
            CapitalProblem::Period => "period_unknown",
            CapitalProblem::NodeNotAdmitted => "node_not_admitted",
            CapitalProblem::NotTheOperator => "not_the_operator",
            CapitalProblem::NotPending => "capital_not_pending",
            CapitalProblem::NotActive => "capital_not_active",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            CapitalProblem::Account => t.capital_problem_account,
            CapitalProblem::Amount => t.capital_problem_amount,
            CapitalProblem::Period => t.capital_problem_period,
            CapitalProblem::NodeNotAdmitted => t.capital_problem_node,
            CapitalProblem::NotTheOperator => t.capital_problem_operator,
            CapitalProblem::NotPending => t.capital_problem_pending,
            CapitalProblem::NotActive => t.capital_problem_active,
        }
        .to_string()
    }
}

/// An Ethereum account as `0x` and 40 hex digits, lowercased.
pub fn account_of(text: &str) -> Option<String> {
    let hex = text.trim().strip_prefix("0x")?;
    (hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| format!("0x{}", hex.to_ascii_lowercase()))
}

fn amount_of(text: &str) -> Option<i64> {
    text.trim()
        .replace(['.', ',', '_', ' '], "")
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0 && *n <= MAX_AMOUNT)
}

/// The request as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CapitalForm {
    pub account: String,
    pub amount: String,
    pub period: String,
    pub reason: String,
}

/// One grant (asked, in force, refused or ended), with the evidence of its decision.
#[derive(Clone, Debug, FromRow)]
pub struct GrantRow {
    pub id: i64,
    pub node_id: i64,
    pub node_name: String,
    pub operator: String,
    pub collective_slug: String,
    pub account: String,
    pub amount: i64,
    pub period: String,
    pub reason: String,
    pub status: String,
    pub starts_at: Ts,
    pub ends_at: Option<Ts>,
    pub evidence_id: Option<String>,
}

const GRANT_SELECT: &str = "SELECT g.id, g.node_id, n.name AS node_name,
        COALESCE(i.name, p.full_name) AS operator, c.slug AS collective_slug, g.account, g.amount, g.period,
        g.reason, g.status, g.starts_at, g.ends_at,
        (SELECT d.evidence_id FROM decisions d WHERE d.ref = 'capital/' || g.id) AS evidence_id
 FROM capital_grants g JOIN nodes n ON n.id = g.node_id JOIN people p ON p.id = n.person_id
 LEFT JOIN institutions i ON i.id = n.institution_id JOIN collectives c ON c.id = n.collective_id";

/// The grants in force, by collective and node: the public table.
pub async fn in_force(db: &SqlitePool) -> AppResult<Vec<GrantRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{GRANT_SELECT} WHERE g.status = 'active' AND n.status = 'admitted' ORDER BY c.slug, n.name, g.account"
    )))
    .fetch_all(db)
    .await?)
}

/// Every grant of one node, the latest first.
pub async fn of_node(db: &SqlitePool, node_id: i64) -> AppResult<Vec<GrantRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{GRANT_SELECT} WHERE g.node_id = ? ORDER BY g.id DESC"
    )))
    .bind(node_id)
    .fetch_all(db)
    .await?)
}

async fn grant_in(conn: &mut SqliteConnection, id: i64) -> AppResult<GrantRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{GRANT_SELECT} WHERE g.id = ?"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)
}

fn check(form: &CapitalForm, need_reason: bool) -> Result<(String, i64, String, String), Invalid> {
    let mut invalid = Invalid::new();
    let account = account_of(&form.account);
    if account.is_none() {
        invalid.add("account", CapitalProblem::Account);
    }
    let amount = amount_of(&form.amount);
    if amount.is_none() {
        invalid.add("amount", CapitalProblem::Amount);
    }
    if !PERIODS.contains(&form.period.as_str()) {
        invalid.add("period", CapitalProblem::Period);
    }
    let reason = form.reason.trim().to_string();
    if need_reason && reason.is_empty() {
        invalid.add("reason", NodeProblem::ReasonRequired);
    } else if reason.chars().count() > MAX_REASON {
        invalid.add("reason", NodeProblem::TooLong { max: MAX_REASON });
    }
    match (invalid.is_empty(), account, amount) {
        (true, Some(a), Some(n)) => Ok((a, n, form.period.clone(), reason)),
        _ => Err(invalid),
    }
}

/// The operator of an admitted node asks for an allowance; its collective's leaders are told.
pub async fn request(
    state: &AppState,
    who: &Signed,
    node_id: i64,
    form: &CapitalForm,
    actor: &Actor,
) -> AppResult<i64> {
    crate::services::identity::require_standing(&state.db, who.person_id()).await?;
    let (account, amount, period, reason) = check(form, false)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let node = get_in(&mut tx, node_id).await?;
    if node.person_id != who.person_id() {
        return Err(Invalid::one("", CapitalProblem::NotTheOperator).into());
    }
    if node.status != NodeStatus::Admitted {
        return Err(Invalid::one("", CapitalProblem::NodeNotAdmitted).into());
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO capital_grants (node_id, account, amount, period, reason, status, starts_at)
         VALUES (?, ?, ?, ?, ?, 'requested', ?) RETURNING id",
    )
    .bind(node_id)
    .bind(&account)
    .bind(amount)
    .bind(&period)
    .bind(&reason)
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "capital.requested",
        "capital_grant",
        id,
        None,
        Some(json!({"node_id": node_id, "account": account, "amount": amount, "period": period})),
    )
    .await?;
    let url = format!(
        "{}/network/nodes/{node_id}#capital",
        state.settings.public_url.trim_end_matches('/')
    );
    for (name, email) in leaders_of(&mut tx, node.collective_id).await? {
        mail::queue(
            &mut tx,
            &Message {
                to_address: email,
                to_name: name,
                subject: format!("Capital de transacción / Transaction capital: {}", node.name),
                body_text: format!(
                    "{} pide {amount} de gas por {period} para la cuenta {account} del nodo «{}».\n{url}\n\n{} asks for {amount} gas per {period} for the account {account} of the node \"{}\".\n{url}\n",
                    node.operator_name(),
                    node.name,
                    node.operator_name(),
                    node.name
                ),
                ics: None,
                topic: format!("capital/{id}/requested"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    state.mail_pending.notify_one();
    Ok(id)
}

/// What a leader decides on a grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Grant what was asked, or the amount and period of the form.
    Grant,
    Refuse,
    /// A grant in force gets another amount or period (the old one ends, a new one starts).
    Change,
    Revoke,
}

impl Verdict {
    pub fn parse(s: &str) -> Option<Verdict> {
        match s {
            "grant" => Some(Verdict::Grant),
            "refuse" => Some(Verdict::Refuse),
            "change" => Some(Verdict::Change),
            "revoke" => Some(Verdict::Revoke),
            _ => None,
        }
    }

    fn event(self) -> &'static str {
        match self {
            Verdict::Grant => "capital-granted",
            Verdict::Refuse => "capital-refused",
            Verdict::Change => "capital-changed",
            Verdict::Revoke => "capital-revoked",
        }
    }
}

/// A leader of the node's collective decides on grant `id`; the decision is registered and the
/// node's operator mailed. Returns the grant now in force, if any.
pub async fn decide(
    state: &AppState,
    steward: &Steward,
    id: i64,
    verdict: Verdict,
    form: &CapitalForm,
    actor: &Actor,
) -> AppResult<Option<i64>> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let g = grant_in(&mut tx, id).await?;
    let node = get_in(&mut tx, g.node_id).await?;
    if steward.collective_id() != node.collective_id {
        return Err(AppError::Forbidden);
    }
    let (from, needs_reason) = match verdict {
        Verdict::Grant => ("requested", false),
        Verdict::Refuse => ("requested", true),
        Verdict::Change | Verdict::Revoke => ("active", true),
    };
    if g.status != from {
        let problem = if from == "requested" {
            CapitalProblem::NotPending
        } else {
            CapitalProblem::NotActive
        };
        return Err(Invalid::one("", problem).into());
    }
    // what a grant or change sets: the form's figures (the account stays the one asked for)
    let typed = CapitalForm {
        account: g.account.clone(),
        amount: if form.amount.trim().is_empty() {
            g.amount.to_string()
        } else {
            form.amount.clone()
        },
        period: if form.period.is_empty() {
            g.period.clone()
        } else {
            form.period.clone()
        },
        reason: form.reason.clone(),
    };
    let (account, amount, period, reason) = check(&typed, needs_reason)?;
    if node.status != NodeStatus::Admitted && matches!(verdict, Verdict::Grant | Verdict::Change) {
        return Err(Invalid::one("", CapitalProblem::NodeNotAdmitted).into());
    }
    let now = Ts::now();
    let ended = sqlx::query(
        "UPDATE capital_grants SET status = ?, ends_at = ?, granted_by = COALESCE(granted_by, ?) WHERE id = ? AND status = ?",
    )
    .bind(match verdict {
        Verdict::Grant => "active",
        Verdict::Refuse => "refused",
        Verdict::Change | Verdict::Revoke => "ended",
    })
    .bind(match verdict {
        Verdict::Grant => None,
        _ => Some(now),
    })
    .bind(actor.account_id)
    .bind(id)
    .bind(from)
    .execute(&mut *tx)
    .await?;
    if ended.rows_affected() == 0 {
        return Err(Invalid::one("", CapitalProblem::NotPending).into());
    }
    let in_force = match verdict {
        Verdict::Grant => {
            sqlx::query("UPDATE capital_grants SET amount = ?, period = ?, starts_at = ? WHERE id = ?")
                .bind(amount)
                .bind(&period)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            Some(id)
        }
        Verdict::Change => Some(
            sqlx::query_scalar(
                "INSERT INTO capital_grants (node_id, account, amount, period, reason, status, granted_by, starts_at)
                 VALUES (?, ?, ?, ?, ?, 'active', ?, ?) RETURNING id",
            )
            .bind(g.node_id)
            .bind(&account)
            .bind(amount)
            .bind(&period)
            .bind(&reason)
            .bind(actor.account_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?,
        ),
        Verdict::Refuse | Verdict::Revoke => None,
    };
    // the decision is kept under the grant it leaves in force (or the one it ended)
    let reference = format!("capital/{}", in_force.unwrap_or(id));
    let reference = if verdict == Verdict::Revoke || verdict == Verdict::Refuse {
        format!("{reference}/{}", verdict.event())
    } else {
        reference
    };
    decisions::record(
        &mut tx,
        &Decision {
            event: verdict.event(),
            body: "collectives",
            reference,
            title_es: format!("Capital de transacción del nodo «{}»: {account}", node.name),
            title_en: format!(
                "Transaction capital of the node \"{}\": {account}",
                node.name
            ),
            data: json!({
                "node": super::admission::public_facts(&node, node.status),
                "account": account,
                "amount": amount,
                "unit": "gas",
                "period": period,
                "verdict": verdict.event(),
                "reason": reason,
                "asked": {"amount": g.amount, "period": g.period},
                "recorded_by": actor.label,
            }),
        },
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        &format!("capital.{}", verdict.event().trim_start_matches("capital-")),
        "capital_grant",
        id,
        Some(json!({"status": from})),
        Some(json!({"in_force": in_force, "amount": amount, "period": period, "reason": reason})),
    )
    .await?;
    tell_operator(
        &mut tx, state, &node, verdict, &account, amount, &period, &reason,
    )
    .await?;
    tx.commit().await?;
    state.decisions_pending.notify_one();
    state.mail_pending.notify_one();
    Ok(in_force)
}

#[allow(clippy::too_many_arguments)]
async fn tell_operator(
    conn: &mut SqliteConnection,
    state: &AppState,
    node: &NodeRow,
    verdict: Verdict,
    account: &str,
    amount: i64,
    period: &str,
    reason: &str,
) -> AppResult<()> {
    let email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = ?")
        .bind(node.person_id)
        .fetch_one(&mut *conn)
        .await?;
    if email.is_empty() {
        return Ok(());
    }
    let (es, en) = match verdict {
        Verdict::Grant => ("fue otorgado", "was granted"),
        Verdict::Refuse => ("no fue otorgado", "was not granted"),
        Verdict::Change => ("cambió", "was changed"),
        Verdict::Revoke => ("fue revocado", "was revoked"),
    };
    let url = format!(
        "{}/network/nodes/{}#capital",
        state.settings.public_url.trim_end_matches('/'),
        node.id
    );
    mail::queue(
        &mut *conn,
        &Message {
            to_address: email,
            to_name: node.applicant.clone(),
            subject: format!("Capital de transacción / Transaction capital: {}", node.name),
            body_text: format!(
                "El capital de transacción de la cuenta {account} ({amount} de gas por {period}) {es}. {reason}\n{url}\n\nThe transaction capital of the account {account} ({amount} gas per {period}) {en}. {reason}\n{url}\n"
            ),
            ics: None,
            topic: format!("capital/{}/{}/{}", node.id, verdict.event(), Ts::now().to_db()),
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_amounts() {
        assert_eq!(
            account_of(" 0xAbCdEf0123456789abcdef0123456789ABCDEF01 "),
            Some("0xabcdef0123456789abcdef0123456789abcdef01".into())
        );
        for bad in [
            "",
            "0x123",
            "abcdef0123456789abcdef0123456789abcdef01",
            "0xg000000000000000000000000000000000000000",
        ] {
            assert_eq!(account_of(bad), None, "{bad}");
        }
        assert_eq!(amount_of("1.000.000"), Some(1_000_000));
        assert_eq!(amount_of("21000"), Some(21_000));
        for bad in ["", "0", "-5", "1e6", "9007199254740993"] {
            assert_eq!(amount_of(bad), None, "{bad}");
        }
    }
}
