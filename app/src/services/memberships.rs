//! Membership of institutions and individuals in collectives; seniority counts from `since`.

use super::audit::{self, Actor};
use crate::db::Ts;
use crate::error::AppResult;
use chrono::NaiveDate;
use serde_json::json;
use sqlx::SqliteConnection;

/// Who joins a collective.
#[derive(Clone, Copy, Debug)]
pub enum Member {
    Institution(i64),
    Person(i64),
}

/// Records a membership inside the caller's transaction, with its audit entry.
pub async fn add(
    conn: &mut SqliteConnection,
    actor: &Actor,
    collective_id: i64,
    member: Member,
    since: NaiveDate,
) -> AppResult<i64> {
    let (institution_id, person_id) = match member {
        Member::Institution(id) => (Some(id), None),
        Member::Person(id) => (None, Some(id)),
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO collective_memberships (collective_id, institution_id, person_id, since, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(collective_id)
    .bind(institution_id)
    .bind(person_id)
    .bind(since)
    .bind(Ts::now())
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        actor,
        "membership.created",
        "membership",
        id,
        None,
        Some(json!({"collective_id": collective_id, "institution_id": institution_id, "person_id": person_id, "since": since})),
    )
    .await?;
    Ok(id)
}
