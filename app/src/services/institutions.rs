//! Institutions, memberships of institutions and individuals in collectives (each with the day it
//! started: seniority counts for designations), and a person's institution and profile. Kept by
//! the administrator; every change audited.

use super::audit::{self, Actor};
use super::authority::Admin;
use super::memberships::{self, Member};
use crate::db::Ts;
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{ChoiceInvalid, DateInvalid, Tr, fill};
use crate::{AppError, AppState};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::{FromRow, SqlitePool};

pub const SECTORS: [&str; 5] = ["academic", "business", "public", "civil_society", "other"];
const MAX_NAME: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstitutionProblem {
    Required,
    TooLong { max: usize },
    NameTaken,
    WebsiteInvalid,
    AlreadyMember,
    UntilBeforeSince,
    MembershipEnded,
}

impl Reason for InstitutionProblem {
    fn code(&self) -> &'static str {
        match self {
            InstitutionProblem::Required => "required",
            InstitutionProblem::TooLong { .. } => "too_long",
            InstitutionProblem::NameTaken => "name_taken",
            InstitutionProblem::WebsiteInvalid => "website_invalid",
            InstitutionProblem::AlreadyMember => "already_member",
            InstitutionProblem::UntilBeforeSince => "until_before_since",
            InstitutionProblem::MembershipEnded => "membership_ended",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            InstitutionProblem::Required => t.problem_required.into(),
            InstitutionProblem::TooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            InstitutionProblem::NameTaken => t.inst_problem_name_taken.into(),
            InstitutionProblem::WebsiteInvalid => t.inst_problem_website_invalid.into(),
            InstitutionProblem::AlreadyMember => t.inst_problem_already_member.into(),
            InstitutionProblem::UntilBeforeSince => t.inst_problem_until_before_since.into(),
            InstitutionProblem::MembershipEnded => t.inst_problem_membership_ended.into(),
        }
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct InstitutionForm {
    pub name: String,
    pub short_name: String,
    pub sector: String,
    pub kind: String,
    pub tax_id: String,
    pub website: String,
}

pub async fn create(
    state: &AppState,
    _admin: &Admin,
    f: &InstitutionForm,
    actor: &Actor,
) -> AppResult<i64> {
    let mut invalid = Invalid::new();
    let name = f.name.trim();
    if name.is_empty() {
        invalid.add("name", InstitutionProblem::Required);
    }
    for (field, v, max) in [
        ("name", name, MAX_NAME),
        ("short_name", f.short_name.trim(), 40),
        ("kind", f.kind.trim(), 80),
        ("tax_id", f.tax_id.trim(), 20),
        ("website", f.website.trim(), 300),
    ] {
        if v.chars().count() > max {
            invalid.add(field, InstitutionProblem::TooLong { max });
        }
    }
    if !SECTORS.contains(&f.sector.as_str()) {
        invalid.add("sector", ChoiceInvalid);
    }
    let site = f.website.trim();
    let site_ok = site.is_empty()
        || ((site.starts_with("https://") || site.starts_with("http://"))
            && !site.contains(char::is_whitespace));
    if !site_ok {
        invalid.add("website", InstitutionProblem::WebsiteInvalid);
    }
    let taken: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM institutions WHERE lower(name) = lower(?)")
            .bind(name)
            .fetch_one(&state.db)
            .await?;
    if taken > 0 {
        invalid.add("name", InstitutionProblem::NameTaken);
    }
    invalid.into_result()?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO institutions (name, short_name, sector, kind, tax_id, website, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(name)
    .bind(f.short_name.trim())
    .bind(&f.sector)
    .bind(f.kind.trim())
    .bind(f.tax_id.trim().to_uppercase())
    .bind(site)
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "institution.created",
        "institution",
        id,
        None,
        Some(json!({"name": name, "sector": f.sector, "kind": f.kind.trim(), "tax_id": f.tax_id.trim(), "website": site})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Clone, Debug, FromRow)]
pub struct MembershipRow {
    pub id: i64,
    pub collective_id: i64,
    pub collective_es: String,
    pub collective_en: String,
    pub member: String,
    pub institution_id: Option<i64>,
    pub person_id: Option<i64>,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// Every membership, current first, by collective and seniority.
pub async fn memberships(db: &SqlitePool) -> AppResult<Vec<MembershipRow>> {
    Ok(sqlx::query_as(
        "SELECT m.id, m.collective_id, c.name_es AS collective_es, c.name_en AS collective_en,
                COALESCE(i.name, p.full_name) AS member, m.institution_id, m.person_id, m.since, m.until
         FROM collective_memberships m JOIN collectives c ON c.id = m.collective_id
         LEFT JOIN institutions i ON i.id = m.institution_id LEFT JOIN people p ON p.id = m.person_id
         ORDER BY (m.until IS NOT NULL), c.id, m.since, member",
    )
    .fetch_all(db)
    .await?)
}

fn parse_day(field: &'static str, s: &str, invalid: &mut Invalid) -> Option<NaiveDate> {
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    if d.is_none() {
        invalid.add(field, DateInvalid);
    }
    d
}

/// Adds a membership from `since`; refused while the same member belongs to the collective.
pub async fn add_membership(
    state: &AppState,
    _admin: &Admin,
    collective_id: &str,
    member: Member,
    since: &str,
    actor: &Actor,
) -> AppResult<i64> {
    let mut invalid = Invalid::new();
    let collective: Option<i64> = match collective_id.trim().parse::<i64>() {
        Ok(id) => {
            sqlx::query_scalar("SELECT id FROM collectives WHERE id = ?")
                .bind(id)
                .fetch_optional(&state.db)
                .await?
        }
        Err(_) => None,
    };
    if collective.is_none() {
        invalid.add("collective_id", ChoiceInvalid);
    }
    let since = parse_day("since", since, &mut invalid);
    let exists: Option<i64> = match member {
        Member::Institution(id) => {
            sqlx::query_scalar("SELECT id FROM institutions WHERE id = ?")
                .bind(id)
                .fetch_optional(&state.db)
                .await?
        }
        Member::Person(id) => {
            sqlx::query_scalar("SELECT id FROM people WHERE id = ?")
                .bind(id)
                .fetch_optional(&state.db)
                .await?
        }
    };
    if exists.is_none() {
        invalid.add("institution_id", ChoiceInvalid);
    }
    invalid.into_result()?;
    let (Some(collective), Some(since)) = (collective, since) else {
        return Err(AppError::internal("membership form checked"));
    };
    let (inst, person) = match member {
        Member::Institution(id) => (Some(id), None),
        Member::Person(id) => (None, Some(id)),
    };
    let mut tx = crate::db::begin_write(&state.db).await?;
    let current: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM collective_memberships WHERE collective_id = ? AND until IS NULL
           AND ((? IS NOT NULL AND institution_id = ?) OR (? IS NOT NULL AND person_id = ?))",
    )
    .bind(collective)
    .bind(inst)
    .bind(inst)
    .bind(person)
    .bind(person)
    .fetch_one(&mut *tx)
    .await?;
    if current > 0 {
        return Err(Invalid::one("collective_id", InstitutionProblem::AlreadyMember).into());
    }
    let id = memberships::add(&mut tx, actor, collective, member, since).await?;
    tx.commit().await?;
    Ok(id)
}

/// Ends a membership on `until` (its last day).
pub async fn end_membership(
    state: &AppState,
    _admin: &Admin,
    membership_id: i64,
    until: &str,
    actor: &Actor,
) -> AppResult<()> {
    let mut invalid = Invalid::new();
    let until = parse_day("until", until, &mut invalid);
    invalid.into_result()?;
    let until = until.ok_or_else(|| AppError::internal("date checked"))?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let (since, ended): (NaiveDate, Option<NaiveDate>) =
        sqlx::query_as("SELECT since, until FROM collective_memberships WHERE id = ?")
            .bind(membership_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
    if ended.is_some() {
        return Err(Invalid::one("until", InstitutionProblem::MembershipEnded).into());
    }
    if until < since {
        return Err(Invalid::one("until", InstitutionProblem::UntilBeforeSince).into());
    }
    sqlx::query("UPDATE collective_memberships SET until = ? WHERE id = ?")
        .bind(until)
        .bind(membership_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "membership.ended",
        "membership",
        membership_id,
        Some(json!({"until": null})),
        Some(json!({"until": until})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a person's institution and declared profile (business / technical / none).
pub async fn set_person(
    state: &AppState,
    _admin: &Admin,
    person_id: i64,
    institution_id: &str,
    profile: &str,
    actor: &Actor,
) -> AppResult<()> {
    let mut invalid = Invalid::new();
    let institution: Option<i64> = match institution_id.trim() {
        "" => None,
        s => {
            let found: Option<i64> = match s.parse::<i64>() {
                Ok(id) => {
                    sqlx::query_scalar("SELECT id FROM institutions WHERE id = ?")
                        .bind(id)
                        .fetch_optional(&state.db)
                        .await?
                }
                Err(_) => None,
            };
            if found.is_none() {
                invalid.add("institution_id", ChoiceInvalid);
            }
            found
        }
    };
    if !["", "business", "technical"].contains(&profile) {
        invalid.add("profile", ChoiceInvalid);
    }
    invalid.into_result()?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let before: (Option<i64>, String) =
        sqlx::query_as("SELECT institution_id, profile FROM people WHERE id = ?")
            .bind(person_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
    sqlx::query("UPDATE people SET institution_id = ?, profile = ? WHERE id = ?")
        .bind(institution)
        .bind(profile)
        .bind(person_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "person.updated",
        "person",
        person_id,
        Some(json!({"institution_id": before.0, "profile": before.1})),
        Some(json!({"institution_id": institution, "profile": profile})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// (id, name) of every institution, for choosers.
pub async fn choices(db: &SqlitePool) -> AppResult<Vec<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, name FROM institutions ORDER BY name")
            .fetch_all(db)
            .await?,
    )
}
