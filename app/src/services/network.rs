//! The network at a glance: its collectives, institutions and people, for the public pages.

use crate::db::Ts;
use crate::error::AppResult;
use chrono::Utc;
use sqlx::{FromRow, SqlitePool};

#[derive(Clone, Debug, FromRow)]
pub struct CollectiveSummary {
    pub id: i64,
    pub slug: String,
    pub sector: String,
    pub name_es: String,
    pub name_en: String,
    pub description_es: String,
    pub description_en: String,
    pub institutions: i64,
    pub individuals: i64,
}

#[derive(Clone, Debug, FromRow)]
pub struct InstitutionSummary {
    pub id: i64,
    pub name: String,
    pub short_name: String,
    pub sector: String,
    pub website: String,
    pub collective_es: Option<String>,
    pub collective_en: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Overview {
    pub collectives: Vec<CollectiveSummary>,
    pub institutions: Vec<InstitutionSummary>,
    pub people: i64,
    pub accounts: i64,
    pub since: Option<Ts>,
}

pub async fn overview(db: &SqlitePool) -> AppResult<Overview> {
    let today = Utc::now().date_naive();
    let collectives: Vec<CollectiveSummary> = sqlx::query_as(
        "SELECT c.id, c.slug, c.sector, c.name_es, c.name_en, c.description_es, c.description_en,
                (SELECT COUNT(*) FROM collective_memberships m WHERE m.collective_id = c.id AND m.institution_id IS NOT NULL
                    AND m.since <= ?1 AND (m.until IS NULL OR m.until >= ?1)) AS institutions,
                (SELECT COUNT(*) FROM collective_memberships m WHERE m.collective_id = c.id AND m.person_id IS NOT NULL
                    AND m.since <= ?1 AND (m.until IS NULL OR m.until >= ?1)) AS individuals
         FROM collectives c ORDER BY c.id",
    )
    .bind(today)
    .fetch_all(db)
    .await?;
    let institutions: Vec<InstitutionSummary> = sqlx::query_as(
        "SELECT i.id, i.name, i.short_name, i.sector, i.website,
                (SELECT c.name_es FROM collective_memberships m JOIN collectives c ON c.id = m.collective_id
                  WHERE m.institution_id = i.id AND (m.until IS NULL OR m.until >= ?1) ORDER BY m.since LIMIT 1) AS collective_es,
                (SELECT c.name_en FROM collective_memberships m JOIN collectives c ON c.id = m.collective_id
                  WHERE m.institution_id = i.id AND (m.until IS NULL OR m.until >= ?1) ORDER BY m.since LIMIT 1) AS collective_en
         FROM institutions i ORDER BY i.name",
    )
    .bind(today)
    .fetch_all(db)
    .await?;
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(db)
        .await?;
    let accounts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE disabled_at IS NULL")
            .fetch_one(db)
            .await?;
    let since: Option<Ts> = sqlx::query_scalar("SELECT MIN(created_at) FROM collectives")
        .fetch_one(db)
        .await?;
    Ok(Overview {
        collectives,
        institutions,
        people,
        accounts,
        since,
    })
}

/// (id, Spanish name, English name) of every collective, for choosers.
pub async fn collective_choices(db: &SqlitePool) -> AppResult<Vec<(i64, String, String)>> {
    Ok(
        sqlx::query_as("SELECT id, name_es, name_en FROM collectives ORDER BY id")
            .fetch_all(db)
            .await?,
    )
}

#[derive(Clone, Debug, FromRow)]
pub struct CollectiveRow {
    pub id: i64,
    pub slug: String,
    pub sector: String,
    pub name_es: String,
    pub name_en: String,
    pub description_es: String,
    pub description_en: String,
    pub created_on: chrono::NaiveDate,
}

pub async fn collective(db: &SqlitePool, slug: &str) -> AppResult<CollectiveRow> {
    sqlx::query_as(
        "SELECT id, slug, sector, name_es, name_en, description_es, description_en, created_on FROM collectives WHERE slug = ?",
    )
    .bind(slug)
    .fetch_optional(db)
    .await?
    .ok_or(crate::AppError::NotFound)
}

/// A member of a collective: an institution or an individual, since when.
#[derive(Clone, Debug, FromRow)]
pub struct MemberRow {
    pub name: String,
    pub institution: bool,
    pub website: String,
    pub since: chrono::NaiveDate,
    pub until: Option<chrono::NaiveDate>,
}

/// The members of a collective today, by seniority.
pub async fn members(db: &SqlitePool, collective_id: i64) -> AppResult<Vec<MemberRow>> {
    let today = Utc::now().date_naive();
    Ok(sqlx::query_as(
        "SELECT COALESCE(i.name, p.full_name) AS name, (m.institution_id IS NOT NULL) AS institution,
                COALESCE(i.website, '') AS website, m.since, m.until
         FROM collective_memberships m LEFT JOIN institutions i ON i.id = m.institution_id LEFT JOIN people p ON p.id = m.person_id
         WHERE m.collective_id = ?1 AND m.since <= ?2 AND (m.until IS NULL OR m.until >= ?2)
         ORDER BY m.since, name",
    )
    .bind(collective_id)
    .bind(today)
    .fetch_all(db)
    .await?)
}
