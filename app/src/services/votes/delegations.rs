//! Liquid delegation: members delegate their vote per scope, revocable, a direct vote overriding it.

#[allow(unused_imports)]
use super::*;

#[derive(Clone, Debug, FromRow)]
pub struct DelegationRow {
    pub id: i64,
    pub scope: String,
    pub to_person: i64,
    pub to_name: String,
    pub created_at: Ts,
}

/// A person's delegations in force.
pub async fn delegations_of(db: &SqlitePool, person_id: i64) -> AppResult<Vec<DelegationRow>> {
    Ok(sqlx::query_as(
        "SELECT d.id, d.scope, d.to_person, p.full_name AS to_name, d.created_at FROM delegations d JOIN people p ON p.id = d.to_person
         WHERE d.from_person = ? AND d.revoked_at IS NULL ORDER BY d.scope",
    )
    .bind(person_id)
    .fetch_all(db)
    .await?)
}

/// The people a person may delegate to in a scope today: for a collective's matters its
/// members, for elections and projects every member of the network.
pub async fn delegates_for(
    db: &SqlitePool,
    scope: DelegationScope,
    person_id: i64,
) -> AppResult<Vec<(i64, String)>> {
    let today = Utc::now().date_naive();
    let mut conn = db.acquire().await?;
    let ids: BTreeSet<i64> = match scope {
        DelegationScope::Collective(c) => {
            eligible(&mut conn, Electorate::CollectiveMembers(c), today).await?
        }
        DelegationScope::Elections | DelegationScope::Projects => {
            let all: Vec<i64> = sqlx::query_scalar("SELECT id FROM collectives")
                .fetch_all(&mut *conn)
                .await?;
            let mut set = BTreeSet::new();
            for c in all {
                set.extend(eligible(&mut conn, Electorate::CollectiveMembers(c), today).await?);
            }
            set
        }
    };
    let mut out = Vec::new();
    for id in ids.into_iter().filter(|id| *id != person_id) {
        let name: String = sqlx::query_scalar("SELECT full_name FROM people WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
        out.push((id, name));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// Delegates a person's vote in a scope (replacing their delegation there, if any); refused to
/// oneself, into a cycle, or to someone who may not vote in the scope.
pub async fn delegate(
    state: &AppState,
    who: &Signed,
    scope: &str,
    to: &str,
    actor: &Actor,
) -> AppResult<()> {
    let from = who.person_id();
    let scope = DelegationScope::parse(scope)
        .ok_or_else(|| Invalid::one("scope", VoteProblem::ScopeUnknown))?;
    let to: i64 = to
        .trim()
        .parse()
        .map_err(|_| Invalid::one("to", VoteProblem::DelegateUnknown))?;
    let allowed = delegates_for(&state.db, scope, from).await?;
    if !allowed.iter().any(|(id, _)| *id == to) {
        return Err(Invalid::one("to", VoteProblem::DelegateNotEligible).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let existing = delegations_in(&mut tx, scope).await?;
    voting::check_delegation(from, to, &existing).map_err(|r| Invalid::one("to", r))?;
    let now = Ts::now();
    sqlx::query("UPDATE delegations SET revoked_at = ? WHERE from_person = ? AND scope = ? AND revoked_at IS NULL")
        .bind(now)
        .bind(from)
        .bind(scope.key())
        .execute(&mut *tx)
        .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO delegations (from_person, to_person, scope, created_at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(from)
    .bind(to)
    .bind(scope.key())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "delegation.created",
        "delegation",
        id,
        None,
        Some(json!({"from": from, "to": to, "scope": scope.key()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes a person's delegation in a scope.
pub async fn revoke_delegation(
    state: &AppState,
    who: &Signed,
    delegation_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    let from = who.person_id();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let done = sqlx::query(
        "UPDATE delegations SET revoked_at = ? WHERE id = ? AND from_person = ? AND revoked_at IS NULL",
    )
    .bind(Ts::now())
    .bind(delegation_id)
    .bind(from)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        actor,
        "delegation.revoked",
        "delegation",
        delegation_id,
        None,
        Some(json!({"revoked": true})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
