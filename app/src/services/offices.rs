//! Offices: granting and revoking the roles people hold, each change audited.

use super::audit::{self, Actor};
use super::authority::Admin;
use super::evidence::decisions::{self, Decision};
use crate::db::Ts;
use crate::domain::roles::{self, Grant, GrantRefusal, Office, RevokeRefusal, Role};
use crate::error::{AppResult, Invalid};
use crate::{AppError, AppState};
use chrono::{NaiveDate, Utc};
use serde_json::json;
use sqlx::{FromRow, SqliteConnection, SqlitePool};

#[derive(Clone, Debug, FromRow)]
pub struct OfficeRow {
    pub id: i64,
    pub person_id: i64,
    pub role: String,
    pub collective_id: Option<i64>,
    pub collective_name_es: Option<String>,
    pub collective_name_en: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub note: String,
    pub granted_at: Ts,
    pub revoked_at: Option<Ts>,
    pub revoke_reason: String,
}

impl OfficeRow {
    /// The office as the rules see it (`None` for a role this version does not know).
    pub fn to_domain(&self) -> Option<Office> {
        Some(Office {
            id: self.id,
            role: Role::parse(&self.role)?,
            collective_id: self.collective_id,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            revoked_on: self.revoked_at.map(|t| t.0.date_naive()),
        })
    }
}

const OFFICE_SELECT: &str = "SELECT o.id, o.person_id, o.role, o.collective_id, c.name_es AS collective_name_es, c.name_en AS collective_name_en,
        o.starts_on, o.ends_on, o.note, o.granted_at, o.revoked_at, o.revoke_reason
 FROM offices o LEFT JOIN collectives c ON c.id = o.collective_id";

/// One office, as it stands in the caller's transaction.
pub(crate) async fn get_in(conn: &mut SqliteConnection, office_id: i64) -> AppResult<OfficeRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{OFFICE_SELECT} WHERE o.id = ?"
    )))
    .bind(office_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)
}

/// Every office a person has held or holds, most recent first.
pub async fn for_person(db: &SqlitePool, person_id: i64) -> AppResult<Vec<OfficeRow>> {
    let sql = format!("{OFFICE_SELECT} WHERE o.person_id = ? ORDER BY o.starts_on DESC, o.id DESC");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_all(db)
        .await?)
}

async fn active_administrators(conn: &mut SqliteConnection, today: NaiveDate) -> AppResult<usize> {
    let rows: Vec<OfficeRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{OFFICE_SELECT} WHERE o.role = 'administrator'"
    )))
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .filter_map(OfficeRow::to_domain)
        .filter(|o| o.is_active_on(today))
        .count())
}

/// Grants an office to a person after the domain's checks; returns the office id.
pub async fn grant(
    state: &AppState,
    _admin: &Admin,
    person_id: i64,
    grant: &Grant,
    note: &str,
    actor: &Actor,
) -> AppResult<i64> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE id = ?")
        .bind(person_id)
        .fetch_optional(&mut *tx)
        .await?;
    exists.ok_or(AppError::NotFound)?;
    if let Some(cid) = grant.collective_id {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM collectives WHERE id = ?")
            .bind(cid)
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_none() {
            return Err(AppError::Invalid(Invalid::one(
                "collective_id",
                GrantRefusal::CollectiveRequired,
            )));
        }
    }
    let existing: Vec<OfficeRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{OFFICE_SELECT} WHERE o.person_id = ?"
    )))
    .bind(person_id)
    .fetch_all(&mut *tx)
    .await?;
    let existing: Vec<Office> = existing.iter().filter_map(OfficeRow::to_domain).collect();
    if let Err(refusal) = roles::check_grant(grant, &existing) {
        let field = match refusal {
            GrantRefusal::ImpliedRole => "role",
            GrantRefusal::CollectiveRequired | GrantRefusal::CollectiveNotApplicable => {
                "collective_id"
            }
            GrantRefusal::EndsBeforeStart => "ends_on",
            GrantRefusal::Overlaps { .. } => "",
        };
        return Err(AppError::Invalid(Invalid::one(field, refusal)));
    }
    let note = note.trim();
    // a seat of a governance body follows the seat rules and is a decision of record
    if crate::domain::governance::is_seat(grant.role) {
        let id = super::seats::appoint(
            &mut tx,
            &state.settings.governance,
            &super::seats::Appoint {
                person_id,
                role: grant.role,
                collective_id: grant.collective_id,
                starts_on: grant.starts_on,
                ends_on: grant.ends_on,
                renews: None,
                event: "office-granted",
                body: "administration",
                grounds: json!({"recorded_by_administration": true}),
                note: note.to_string(),
            },
            actor,
        )
        .await?;
        tx.commit().await?;
        state.decisions_pending.notify_one();
        return Ok(id);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO offices (person_id, role, collective_id, starts_on, ends_on, note, granted_by, granted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(person_id)
    .bind(grant.role.as_str())
    .bind(grant.collective_id)
    .bind(grant.starts_on)
    .bind(grant.ends_on)
    .bind(note)
    .bind(actor.account_id)
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "office.granted",
        "office",
        id,
        None,
        Some(json!({
            "person_id": person_id, "role": grant.role.as_str(), "collective_id": grant.collective_id,
            "starts_on": grant.starts_on, "ends_on": grant.ends_on, "note": note,
        })),
    )
    .await?;
    super::sessions::end_after_office_change(&mut tx, person_id, actor).await?;
    tx.commit().await?;
    state.decisions_pending.notify_one();
    Ok(id)
}

/// The decision (and its data so far) revoking a seat, `None` for other roles (appointments
/// are recorded by `seats::appoint`).
async fn seat_decision(
    office_id: i64,
    person_id: i64,
    role: Role,
    collective_id: Option<i64>,
    conn: &mut SqliteConnection,
) -> AppResult<Option<(Decision, serde_json::Value)>> {
    if !crate::domain::governance::is_seat(role) {
        return Ok(None);
    }
    let person: String = sqlx::query_scalar("SELECT full_name FROM people WHERE id = ?")
        .bind(person_id)
        .fetch_one(&mut *conn)
        .await?;
    let collective: Option<(String, String, String)> = match collective_id {
        Some(id) => {
            sqlx::query_as("SELECT slug, name_es, name_en FROM collectives WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    let (es, en) = (
        crate::i18n::role_name(role, crate::i18n::Lang::Es.tr()),
        crate::i18n::role_name(role, crate::i18n::Lang::En.tr()),
    );
    let (title_es, title_en) = match &collective {
        Some((_, ces, cen)) => (
            format!("{person} deja el cargo: {es} ({ces})"),
            format!("{person} leaves office: {en} ({cen})"),
        ),
        None => (
            format!("{person} deja el cargo: {es}"),
            format!("{person} leaves office: {en}"),
        ),
    };
    let data = json!({
        "office_id": office_id,
        "person": {"id": person_id, "name": person},
        "role": role.as_str(),
        "collective": collective.as_ref().map(|(slug, es, _)| json!({"id": collective_id, "slug": slug, "name": es})),
    });
    let decision = Decision {
        event: "office-revoked",
        body: "administration",
        reference: format!("office-revoked/{office_id}"),
        title_es,
        title_en,
        data: json!({}),
    };
    Ok(Some((decision, data)))
}

/// Who ended an office, for its decision of record.
pub(crate) enum Ended {
    /// An administrator revoked it (`/admin/offices/{id}/revoke`).
    ByAdministrator,
    /// The Executive Council decided it: the grounds (the vote, the meeting) join the decision.
    ByCouncil(serde_json::Value),
}

/// Ends an office from now on inside the caller's transaction, which has decided it may be
/// ended: the revocation, its audit entry and, for a seat, the decision of record (its id).
pub(crate) async fn end_in(
    tx: &mut SqliteConnection,
    row: &OfficeRow,
    reason: &str,
    ended: Ended,
    actor: &Actor,
) -> AppResult<Option<i64>> {
    sqlx::query(
        "UPDATE offices SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ?",
    )
    .bind(Ts::now())
    .bind(actor.account_id)
    .bind(reason.trim())
    .bind(row.id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        tx,
        actor,
        "office.revoked",
        "office",
        row.id,
        Some(json!({"person_id": row.person_id, "role": row.role, "collective_id": row.collective_id, "revoked": false})),
        Some(json!({"revoked": true, "reason": reason.trim()})),
    )
    .await?;
    super::sessions::end_after_office_change(tx, row.person_id, actor).await?;
    let role = Role::parse(&row.role).ok_or(AppError::NotFound)?;
    let Some((decision, mut data)) =
        seat_decision(row.id, row.person_id, role, row.collective_id, tx).await?
    else {
        return Ok(None);
    };
    data["reason"] = json!(reason.trim());
    data["recorded_by"] = json!(actor.label);
    let body = match ended {
        Ended::ByAdministrator => decision.body,
        Ended::ByCouncil(grounds) => {
            data["decided_by"] = grounds;
            "executive-council"
        }
    };
    Ok(Some(
        decisions::record(
            tx,
            &Decision {
                data,
                body,
                ..decision
            },
        )
        .await?,
    ))
}

/// Revokes an office from today on, unless that would leave the portal without an administrator.
pub async fn revoke(
    state: &AppState,
    _admin: &Admin,
    office_id: i64,
    reason: &str,
    actor: &Actor,
) -> AppResult<()> {
    let today = Utc::now().date_naive();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let row = get_in(&mut tx, office_id).await?;
    let office = row.to_domain().ok_or(AppError::NotFound)?;
    let admins = active_administrators(&mut tx, today).await?;
    roles::check_revoke(&office, today, admins)
        .map_err(|r: RevokeRefusal| AppError::Invalid(Invalid::one("", r)))?;
    end_in(&mut tx, &row, reason, Ended::ByAdministrator, actor).await?;
    tx.commit().await?;
    state.decisions_pending.notify_one();
    Ok(())
}
