//! Designation of the Executive Council: collective leaders propose candidates for its seats
//! (the Executive Secretary, and each collective's seat in the projects and nodes commissions),
//! the portal ranks the proposals of each seat by the seed's criteria — longest time as a network
//! member, most collaboration in network projects, distinguished blockchain experience — and the
//! Advisory Council designates, after the seat rules, as a decision of record.

use super::audit::{self, Actor};
use super::authority::{Designator, Nominator, Signed};
use super::mail::{self, Message};
use super::seats::{self, Appoint};
use crate::db::Ts;
use crate::domain::governance::{self, Nominee, Profile};
use crate::domain::roles::Role;
use crate::error::{AppResult, FieldError, Invalid, Reason};
use crate::i18n::{Lang, Tr, fill, role_name};
use crate::{AppError, AppState};
use chrono::{Days, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

/// The seats of the Executive Council that are filled by nomination, in the order pages list them.
pub const SEAT_ROLES: [Role; 3] = [
    Role::ExecutiveSecretary,
    Role::ProjectsCommission,
    Role::NodesCommission,
];

/// Most network projects a nomination may claim.
pub const MAX_PROJECTS: u32 = 1000;
/// Most years of blockchain experience a nomination may claim.
pub const MAX_EXPERIENCE_YEARS: u32 = 80;
/// Longest grounds of a nomination, in characters.
pub const MAX_GROUNDS: usize = 4000;

mod designation;
pub use designation::*;

/// Why a nomination, a designation or a withdrawal is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NominationProblem {
    RoleUnknown,
    /// A leader of several collectives must say for which one's commission seat they propose.
    CollectiveRequired,
    /// The collective is not one the proposer leads.
    CollectiveNotLed,
    NomineeUnknown,
    /// Commission seats: the nominee (or their institution) is not a member of the collective.
    NotInCollective,
    /// Executive Secretary: the nominee (or their institution) is not a member of the network.
    NotInNetwork,
    ProfileRequired,
    ProfileUnknown,
    ProfileMismatch {
        required: Profile,
    },
    ProjectsOutOfRange {
        max: u32,
    },
    ExperienceOutOfRange {
        max: u32,
    },
    TooLong {
        max: usize,
    },
    /// The same person is already proposed, and pending, for the same seat.
    AlreadyProposed,
    /// The nomination was already designated, not designated or withdrawn.
    NotProposed,
    DateInvalid,
    StartsInThePast,
}

impl Reason for NominationProblem {
    fn code(&self) -> &'static str {
        match self {
            NominationProblem::RoleUnknown => "role_unknown",
            NominationProblem::CollectiveRequired => "collective_required",
            NominationProblem::CollectiveNotLed => "collective_not_led",
            NominationProblem::NomineeUnknown => "nominee_unknown",
            NominationProblem::NotInCollective => "not_in_collective",
            NominationProblem::NotInNetwork => "not_in_network",
            NominationProblem::ProfileRequired => "profile_required",
            NominationProblem::ProfileUnknown => "profile_unknown",
            NominationProblem::ProfileMismatch { .. } => "profile_mismatch",
            NominationProblem::ProjectsOutOfRange { .. } => "projects_out_of_range",
            NominationProblem::ExperienceOutOfRange { .. } => "experience_out_of_range",
            NominationProblem::TooLong { .. } => "too_long",
            NominationProblem::AlreadyProposed => "already_proposed",
            NominationProblem::NotProposed => "not_proposed",
            NominationProblem::DateInvalid => "date_invalid",
            NominationProblem::StartsInThePast => "starts_in_the_past",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            NominationProblem::RoleUnknown => t.nom_problem_role_unknown.into(),
            NominationProblem::CollectiveRequired => t.nom_problem_collective_required.into(),
            NominationProblem::CollectiveNotLed => t.nom_problem_collective_not_led.into(),
            NominationProblem::NomineeUnknown => t.nom_problem_nominee_unknown.into(),
            NominationProblem::NotInCollective => t.nom_problem_not_in_collective.into(),
            NominationProblem::NotInNetwork => t.nom_problem_not_in_network.into(),
            NominationProblem::ProfileRequired => t.nom_problem_profile_required.into(),
            NominationProblem::ProfileUnknown => t.nom_problem_profile_unknown.into(),
            NominationProblem::ProfileMismatch { required } => fill(
                t.nom_problem_profile_mismatch,
                &[("profile", &profile_name(*required, t))],
            ),
            NominationProblem::ProjectsOutOfRange { max } => {
                fill(t.nom_problem_projects_out_of_range, &[("max", max)])
            }
            NominationProblem::ExperienceOutOfRange { max } => {
                fill(t.nom_problem_experience_out_of_range, &[("max", max)])
            }
            NominationProblem::TooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            NominationProblem::AlreadyProposed => t.nom_problem_already_proposed.into(),
            NominationProblem::NotProposed => t.nom_problem_not_proposed.into(),
            NominationProblem::DateInvalid => t.nom_problem_date_invalid.into(),
            NominationProblem::StartsInThePast => t.nom_problem_starts_in_the_past.into(),
        }
    }
}

/// The name of a profile in the interface ("perfil técnico", "business profile").
pub fn profile_name(profile: Profile, t: &'static Tr) -> &'static str {
    match profile {
        Profile::Business => t.seat_profile_business,
        Profile::Technical => t.seat_profile_technical,
    }
}

/// Whether `role` is a seat filled by nomination.
pub fn is_nominated_seat(role: Role) -> bool {
    SEAT_ROLES.contains(&role)
}

/// A nomination as typed in the form.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NominationForm {
    pub role: String,
    /// Only needed from a leader of several collectives (commission seats).
    pub collective_id: String,
    /// The person id of the nominee.
    pub nominee: String,
    /// `business` or `technical`; required for the commission seats.
    pub profile: String,
    pub projects: String,
    pub experience_years: String,
    pub grounds: String,
}

/// (id, Spanish name, English name) of the collectives `person_id` leads on `day`.
pub async fn led_collectives(
    conn: &mut SqliteConnection,
    person_id: i64,
    day: NaiveDate,
) -> AppResult<Vec<(i64, String, String)>> {
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    Ok(sqlx::query_as(
        "SELECT DISTINCT c.id, c.name_es, c.name_en FROM offices o JOIN collectives c ON c.id = o.collective_id
         WHERE o.person_id = ?1 AND o.role = 'collective_leader' AND o.starts_on <= ?2
           AND (o.ends_on IS NULL OR o.ends_on >= ?2) AND (o.revoked_at IS NULL OR o.revoked_at >= ?3)
         ORDER BY c.id",
    )
    .bind(person_id)
    .bind(day)
    .bind(next)
    .fetch_all(&mut *conn)
    .await?)
}

/// Whether the person holds an Advisory Council seat on `day`.
async fn is_advisory_member(
    conn: &mut SqliteConnection,
    person_id: i64,
    day: NaiveDate,
) -> AppResult<bool> {
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM offices o WHERE o.person_id = ?1 AND o.role = 'advisory_member' AND o.starts_on <= ?2
           AND (o.ends_on IS NULL OR o.ends_on >= ?2) AND (o.revoked_at IS NULL OR o.revoked_at >= ?3)",
    )
    .bind(person_id)
    .bind(day)
    .bind(next)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// Whether a person, or their institution, is a member of some collective of the network on `day`.
pub async fn in_network(
    conn: &mut SqliteConnection,
    person_id: i64,
    day: NaiveDate,
) -> AppResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM collective_memberships m
         WHERE m.since <= ?1 AND (m.until IS NULL OR m.until >= ?1)
           AND (m.person_id = ?2 OR m.institution_id = (SELECT institution_id FROM people WHERE id = ?2))",
    )
    .bind(day)
    .bind(person_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// A person who may be nominated: a member of the network on the day (individually or through
/// their institution), with the collectives they belong to.
#[derive(Clone, Debug)]
pub struct Eligible {
    pub person_id: i64,
    pub full_name: String,
    pub institution: Option<String>,
    pub collective_ids: Vec<i64>,
}

/// Everyone who may be nominated on `day`, by name: any of them for the Executive Secretary, those
/// of a collective for its commission seats.
pub async fn eligible_nominees(db: &SqlitePool, day: NaiveDate) -> AppResult<Vec<Eligible>> {
    let rows: Vec<(i64, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT DISTINCT p.id, p.full_name, i.name, m.collective_id
         FROM people p JOIN collective_memberships m
           ON (m.person_id = p.id OR (m.institution_id IS NOT NULL AND m.institution_id = p.institution_id))
         LEFT JOIN institutions i ON i.id = p.institution_id
         WHERE m.since <= ?1 AND (m.until IS NULL OR m.until >= ?1)
         ORDER BY p.full_name, p.id, m.collective_id",
    )
    .bind(day)
    .fetch_all(db)
    .await?;
    let mut out: Vec<Eligible> = Vec::new();
    for (person_id, full_name, institution, collective_id) in rows {
        match out.last_mut() {
            Some(last) if last.person_id == person_id => last.collective_ids.push(collective_id),
            _ => out.push(Eligible {
                person_id,
                full_name,
                institution,
                collective_ids: vec![collective_id],
            }),
        }
    }
    Ok(out)
}

fn parse_count(s: &str, max: u32) -> Option<u32> {
    s.trim().parse::<u32>().ok().filter(|n| *n <= max)
}

/// A collective leader proposes a candidate for an Executive Council seat: the Executive
/// Secretary (any member of the network) or their own collective's seat in a commission (a
/// member of that collective, with the seat's profile). The Advisory Council is told by mail.
pub async fn propose(
    state: &AppState,
    proposer: &Nominator,
    form: &NominationForm,
    actor: &Actor,
) -> AppResult<i64> {
    // a leader proposes for their own collectives (checked below against the offices held)
    let proposer_person_id = proposer.person_id().ok_or(AppError::Forbidden)?;
    let today = Utc::now().date_naive();
    let mut conn = state.db.acquire().await?;
    let led = led_collectives(&mut conn, proposer_person_id, today).await?;
    if led.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut invalid = Invalid::new();
    let role = Role::parse(form.role.trim()).filter(|r| is_nominated_seat(*r));
    if role.is_none() {
        invalid.add("role", NominationProblem::RoleUnknown);
    }
    let required = role.and_then(governance::required_profile);
    let per_collective = role.is_some_and(|r| r != Role::ExecutiveSecretary);
    let mut collective_id: Option<i64> = None;
    if per_collective {
        let chosen = form.collective_id.trim();
        if chosen.is_empty() {
            match led.as_slice() {
                [(only, _, _)] => collective_id = Some(*only),
                _ => invalid.add("collective_id", NominationProblem::CollectiveRequired),
            }
        } else {
            match chosen
                .parse::<i64>()
                .ok()
                .filter(|id| led.iter().any(|(c, _, _)| c == id))
            {
                Some(id) => collective_id = Some(id),
                None => invalid.add("collective_id", NominationProblem::CollectiveNotLed),
            }
        }
    }
    let nominee: Option<i64> = match form.nominee.trim().parse::<i64>() {
        Ok(id) => {
            sqlx::query_scalar("SELECT id FROM people WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
        Err(_) => None,
    };
    // the nominee must belong to the seat's collective (commissions) or to the network
    let membership = match (nominee, role, collective_id) {
        (None, _, _) => Some(NominationProblem::NomineeUnknown),
        (Some(person), Some(Role::ExecutiveSecretary), _) => {
            (!in_network(&mut conn, person, today).await?)
                .then_some(NominationProblem::NotInNetwork)
        }
        (Some(person), Some(_), Some(c)) => (!seats::in_collective(&mut conn, person, c, today)
            .await?)
            .then_some(NominationProblem::NotInCollective),
        _ => None,
    };
    if let Some(problem) = membership {
        invalid.add("nominee", problem);
    }
    let typed_profile = form.profile.trim();
    let profile = Profile::parse(typed_profile);
    match (typed_profile.is_empty(), profile, required) {
        (true, _, Some(_)) => invalid.add("profile", NominationProblem::ProfileRequired),
        (false, None, _) => invalid.add("profile", NominationProblem::ProfileUnknown),
        (false, Some(p), Some(req)) if p != req => invalid.add(
            "profile",
            NominationProblem::ProfileMismatch { required: req },
        ),
        _ => {}
    }
    let projects = parse_count(&form.projects, MAX_PROJECTS);
    if projects.is_none() {
        invalid.add(
            "projects",
            NominationProblem::ProjectsOutOfRange { max: MAX_PROJECTS },
        );
    }
    let experience = parse_count(&form.experience_years, MAX_EXPERIENCE_YEARS);
    if experience.is_none() {
        invalid.add(
            "experience_years",
            NominationProblem::ExperienceOutOfRange {
                max: MAX_EXPERIENCE_YEARS,
            },
        );
    }
    let grounds = form.grounds.trim();
    if grounds.chars().count() > MAX_GROUNDS {
        invalid.add("grounds", NominationProblem::TooLong { max: MAX_GROUNDS });
    }
    invalid.into_result()?;
    drop(conn);
    let (Some(role), Some(nominee), Some(projects), Some(experience)) =
        (role, nominee, projects, experience)
    else {
        return Err(AppError::internal("nomination form checked"));
    };
    let profile_text = profile.map_or("", Profile::as_str);

    let mut tx = crate::db::begin_write(&state.db).await?;
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM nominations WHERE role = ?1 AND (collective_id = ?2 OR (collective_id IS NULL AND ?2 IS NULL)) AND person_id = ?3 AND status = 'proposed'",
    )
    .bind(role.as_str())
    .bind(collective_id)
    .bind(nominee)
    .fetch_one(&mut *tx)
    .await?;
    if pending > 0 {
        return Err(Invalid::one("nominee", NominationProblem::AlreadyProposed).into());
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO nominations (role, collective_id, person_id, proposed_by, projects, experience_years, grounds, profile, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(role.as_str())
    .bind(collective_id)
    .bind(nominee)
    .bind(proposer_person_id)
    .bind(i64::from(projects))
    .bind(i64::from(experience))
    .bind(grounds)
    .bind(profile_text)
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "nomination.proposed",
        "nomination",
        id,
        None,
        Some(json!({
            "role": role.as_str(), "collective_id": collective_id, "person_id": nominee,
            "proposed_by": proposer_person_id, "profile": profile_text, "projects": projects,
            "experience_years": experience,
        })),
    )
    .await?;
    let who = seats::describe(&mut tx, nominee, collective_id).await?;
    let proposer = seats::describe(&mut tx, proposer_person_id, None).await?;
    let seat_es = seats::seat_label(
        role,
        who.collective.as_ref().map(|(_, es, _)| es.as_str()),
        Lang::Es,
    );
    let seat_en = seats::seat_label(
        role,
        who.collective.as_ref().map(|(_, _, en)| en.as_str()),
        Lang::En,
    );
    let url = format!(
        "{}/councils/nominations#nomination-{id}",
        state.settings.public_url.trim_end_matches('/')
    );
    let advisers: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT p.email, p.full_name FROM offices o JOIN people p ON p.id = o.person_id
         WHERE o.role = 'advisory_member' AND o.revoked_at IS NULL AND o.starts_on <= ?1
           AND (o.ends_on IS NULL OR o.ends_on >= ?1) AND p.email <> ''",
    )
    .bind(today)
    .fetch_all(&mut *tx)
    .await?;
    for (email, name) in advisers {
        mail::queue(
            &mut tx,
            &Message {
                to_address: email,
                to_name: name,
                subject: format!(
                    "Propuesta para el Consejo Ejecutivo / Executive Council nomination: {} — {seat_es}",
                    who.person
                ),
                body_text: format!(
                    "{proposer} propone a {nominee} para {seat_es}. El Consejo Consultivo designa; la clasificación por antigüedad, proyectos y experiencia está en:\n{url}\n\n\
                     {proposer} nominates {nominee} for {seat_en}. The Advisory Council designates; the ranking by seniority, projects and experience is at:\n{url}\n",
                    proposer = proposer.person,
                    nominee = who.person,
                ),
                ics: None,
                topic: format!("nomination/{id}"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// A nomination with its nominee, its proposer and its seat.
#[derive(Clone, Debug, FromRow)]
pub struct NominationRow {
    pub id: i64,
    pub role: String,
    pub collective_id: Option<i64>,
    pub collective_es: Option<String>,
    pub collective_en: Option<String>,
    pub person_id: i64,
    pub full_name: String,
    pub institution: Option<String>,
    pub proposed_by: i64,
    pub proposer_name: String,
    pub projects: i64,
    pub experience_years: i64,
    pub grounds: String,
    pub profile: String,
    pub status: String,
    pub created_at: Ts,
    pub decided_at: Option<Ts>,
    pub office_id: Option<i64>,
    /// The earliest membership of the person or their institution, in any collective: their
    /// seniority in the network.
    pub member_since: Option<NaiveDate>,
}

impl NominationRow {
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }

    pub fn profile(&self) -> Option<Profile> {
        Profile::parse(&self.profile)
    }
}

const NOMINATION_SELECT: &str = "SELECT n.id, n.role, n.collective_id, c.name_es AS collective_es, c.name_en AS collective_en,
        n.person_id, p.full_name, i.name AS institution, n.proposed_by, q.full_name AS proposer_name,
        n.projects, n.experience_years, n.grounds, n.profile, n.status, n.created_at, n.decided_at, n.office_id,
        (SELECT MIN(m.since) FROM collective_memberships m
          WHERE m.person_id = p.id OR (m.institution_id IS NOT NULL AND m.institution_id = p.institution_id)) AS member_since
 FROM nominations n JOIN people p ON p.id = n.person_id JOIN people q ON q.id = n.proposed_by
 LEFT JOIN institutions i ON i.id = p.institution_id
 LEFT JOIN collectives c ON c.id = n.collective_id";

pub async fn get(db: &SqlitePool, id: i64) -> AppResult<NominationRow> {
    let sql = format!("{NOMINATION_SELECT} WHERE n.id = ?");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// A proposed nomination in its seat's ranking.
#[derive(Clone, Debug)]
pub struct RankedNomination {
    pub rank: usize,
    /// Days as a network member on the ranking day (0 when unknown or in the future).
    pub seniority_days: i64,
    pub nomination: NominationRow,
}

/// The proposed nominations of one seat (`role`, `collective_id`) ranked on `on`, best first;
/// nominees equal on the three criteria share a rank.
pub async fn ranking(
    db: &SqlitePool,
    role: Role,
    collective_id: Option<i64>,
    on: NaiveDate,
) -> AppResult<Vec<RankedNomination>> {
    let mut conn = db.acquire().await?;
    rank_seat(&mut conn, role, collective_id, on).await
}

async fn rank_seat(
    conn: &mut SqliteConnection,
    role: Role,
    collective_id: Option<i64>,
    on: NaiveDate,
) -> AppResult<Vec<RankedNomination>> {
    let sql = format!(
        "{NOMINATION_SELECT} WHERE n.role = ?1 AND (n.collective_id = ?2 OR (n.collective_id IS NULL AND ?2 IS NULL)) AND n.status = 'proposed' ORDER BY n.id"
    );
    let rows: Vec<NominationRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(role.as_str())
        .bind(collective_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rank_rows(rows, on))
}

/// Ranks nominations of one seat with the domain's ranking.
fn rank_rows(rows: Vec<NominationRow>, on: NaiveDate) -> Vec<RankedNomination> {
    let nominees: Vec<Nominee> = rows
        .iter()
        .map(|n| Nominee {
            person_id: n.person_id,
            member_since: n.member_since,
            projects: u32::try_from(n.projects).unwrap_or(0),
            experience_years: u32::try_from(n.experience_years).unwrap_or(0),
        })
        .collect();
    let mut rows: Vec<Option<NominationRow>> = rows.into_iter().map(Some).collect();
    governance::rank_nominees(&nominees, on)
        .into_iter()
        .filter_map(|r| {
            let slot = rows
                .iter_mut()
                .find(|n| n.as_ref().is_some_and(|n| n.person_id == r.person_id))?;
            Some(RankedNomination {
                rank: r.rank,
                seniority_days: r.seniority_days,
                nomination: slot.take()?,
            })
        })
        .collect()
}

/// One seat with pending proposals, ranked.
#[derive(Clone, Debug)]
pub struct SeatRanking {
    pub role: Role,
    pub collective_id: Option<i64>,
    pub collective_es: Option<String>,
    pub collective_en: Option<String>,
    pub ranked: Vec<RankedNomination>,
}

/// Every seat with pending proposals, ranked on `on`: the Executive Secretary, then the projects
/// commission and the nodes commission, each by collective.
pub async fn pending_seats(db: &SqlitePool, on: NaiveDate) -> AppResult<Vec<SeatRanking>> {
    let sql = format!("{NOMINATION_SELECT} WHERE n.status = 'proposed' ORDER BY n.id");
    let rows: Vec<NominationRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(db)
        .await?;
    let mut seats: Vec<SeatRanking> = Vec::new();
    for role in SEAT_ROLES {
        let mut of_role: Vec<&NominationRow> =
            rows.iter().filter(|n| n.role() == Some(role)).collect();
        of_role.sort_by_key(|n| n.collective_id);
        let mut keys: Vec<Option<i64>> = of_role.iter().map(|n| n.collective_id).collect();
        keys.dedup();
        for key in keys {
            let seat_rows: Vec<NominationRow> = of_role
                .iter()
                .filter(|n| n.collective_id == key)
                .map(|n| (*n).clone())
                .collect();
            let first = seat_rows.first().cloned();
            seats.push(SeatRanking {
                role,
                collective_id: key,
                collective_es: first.as_ref().and_then(|n| n.collective_es.clone()),
                collective_en: first.as_ref().and_then(|n| n.collective_en.clone()),
                ranked: rank_rows(seat_rows, on),
            });
        }
    }
    Ok(seats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_read_in_both_languages() {
        let problems = [
            NominationProblem::RoleUnknown,
            NominationProblem::CollectiveRequired,
            NominationProblem::CollectiveNotLed,
            NominationProblem::NomineeUnknown,
            NominationProblem::NotInCollective,
            NominationProblem::NotInNetwork,
            NominationProblem::ProfileRequired,
            NominationProblem::ProfileUnknown,
            NominationProblem::ProfileMismatch {
                required: Profile::Technical,
            },
            NominationProblem::ProjectsOutOfRange { max: 1000 },
            NominationProblem::ExperienceOutOfRange { max: 80 },
            NominationProblem::TooLong { max: 4000 },
            NominationProblem::AlreadyProposed,
            NominationProblem::NotProposed,
            NominationProblem::DateInvalid,
            NominationProblem::StartsInThePast,
        ];
        for lang in Lang::ALL {
            let t = lang.tr();
            for p in &problems {
                let m = p.message(t);
                assert!(!m.trim().is_empty(), "{lang:?} {p:?}");
                assert!(!m.contains('{') && !m.contains('}'), "{lang:?} {p:?}: {m}");
            }
            let mismatch = NominationProblem::ProfileMismatch {
                required: Profile::Technical,
            }
            .message(t);
            assert!(mismatch.contains(t.seat_profile_technical), "{mismatch}");
        }
    }

    fn row(id: i64, person_id: i64, since: Option<&str>, projects: i64) -> NominationRow {
        NominationRow {
            id,
            role: "nodes_commission".into(),
            collective_id: Some(1),
            collective_es: None,
            collective_en: None,
            person_id,
            full_name: format!("P{person_id}"),
            institution: None,
            proposed_by: 99,
            proposer_name: "L".into(),
            projects,
            experience_years: 0,
            grounds: String::new(),
            profile: "technical".into(),
            status: "proposed".into(),
            created_at: Ts::now(),
            decided_at: None,
            office_id: None,
            member_since: since.and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()),
        }
    }

    #[test]
    fn rows_keep_their_nomination_in_the_ranking() {
        let on = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        let ranked = rank_rows(
            vec![
                row(10, 1, Some("2025-01-01"), 5),
                row(11, 2, Some("2020-01-01"), 0),
                row(12, 3, Some("2020-01-01"), 0),
            ],
            on,
        );
        let got: Vec<(i64, usize)> = ranked.iter().map(|r| (r.nomination.id, r.rank)).collect();
        assert_eq!(got, vec![(11, 1), (12, 1), (10, 3)]);
        assert_eq!(ranked[2].seniority_days, 365);
    }
}
