//! Roles and the offices through which people hold them. Every role but `Applicant` (which any
//! account has) is held through an office with a start, an optional end and, for the roles that
//! represent a collective, that collective. Later rules (seat limits, renewals) build on these.

use chrono::NaiveDate;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Applicant,
    Member,
    ProjectUser,
    CollectiveLeader,
    ExecutiveSecretary,
    ProjectsCommission,
    NodesCommission,
    AdvisoryMember,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Applicant,
        Role::Member,
        Role::ProjectUser,
        Role::CollectiveLeader,
        Role::ExecutiveSecretary,
        Role::ProjectsCommission,
        Role::NodesCommission,
        Role::AdvisoryMember,
        Role::Administrator,
    ];

    /// The name stored in the database and used in URLs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Member => "member",
            Role::ProjectUser => "project_user",
            Role::CollectiveLeader => "collective_leader",
            Role::ExecutiveSecretary => "executive_secretary",
            Role::ProjectsCommission => "projects_commission",
            Role::NodesCommission => "nodes_commission",
            Role::AdvisoryMember => "advisory_member",
            Role::Administrator => "administrator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether an office of this role represents one collective (and so must name it).
    pub fn represents_collective(self) -> bool {
        matches!(
            self,
            Role::Member
                | Role::CollectiveLeader
                | Role::ProjectsCommission
                | Role::NodesCommission
        )
    }

    /// `Applicant` is implied by having an account; every other role is granted as an office.
    pub fn is_granted(self) -> bool {
        self != Role::Applicant
    }
}

/// An office as the rules see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Office {
    pub id: i64,
    pub role: Role,
    pub collective_id: Option<i64>,
    pub starts_on: NaiveDate,
    /// Last day of the term, inclusive; `None` while the office has no set end.
    pub ends_on: Option<NaiveDate>,
    /// The day the office was revoked; it is no longer held from that day on.
    pub revoked_on: Option<NaiveDate>,
}

impl Office {
    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.starts_on <= day
            && self.ends_on.is_none_or(|end| day <= end)
            && self.revoked_on.is_none_or(|r| day < r)
    }

    /// The last day the office is held, if it is bounded.
    fn last_day(&self) -> Option<NaiveDate> {
        let revoked = self.revoked_on.and_then(|r| r.pred_opt());
        match (self.ends_on, revoked) {
            (Some(e), Some(r)) => Some(e.min(r)),
            (e, r) => e.or(r),
        }
    }

    fn overlaps(&self, starts_on: NaiveDate, ends_on: Option<NaiveDate>) -> bool {
        let last = self.last_day();
        // an office revoked before it began was never held
        let ever_held = last.is_none_or(|l| self.starts_on <= l);
        ever_held
            && ends_on.is_none_or(|e| self.starts_on <= e)
            && last.is_none_or(|l| starts_on <= l)
    }
}

/// The roles a person holds on a day: `Applicant` always, plus those of the offices active then.
pub fn roles_on(offices: &[Office], day: NaiveDate) -> BTreeSet<Role> {
    let mut roles: BTreeSet<Role> = offices
        .iter()
        .filter(|o| o.is_active_on(day))
        .map(|o| o.role)
        .collect();
    roles.insert(Role::Applicant);
    roles
}

/// A request to grant an office.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub collective_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantRefusal {
    /// Every account is an applicant; it is not granted.
    ImpliedRole,
    CollectiveRequired,
    CollectiveNotApplicable,
    EndsBeforeStart,
    /// The person already holds this office (same role and collective) for part of the term.
    Overlaps {
        office_id: i64,
    },
}

/// Whether an office may be granted to a person who holds `existing` offices.
pub fn check_grant(grant: &Grant, existing: &[Office]) -> Result<(), GrantRefusal> {
    if !grant.role.is_granted() {
        return Err(GrantRefusal::ImpliedRole);
    }
    match (grant.role.represents_collective(), grant.collective_id) {
        (true, None) => return Err(GrantRefusal::CollectiveRequired),
        (false, Some(_)) => return Err(GrantRefusal::CollectiveNotApplicable),
        _ => {}
    }
    if grant.ends_on.is_some_and(|e| e < grant.starts_on) {
        return Err(GrantRefusal::EndsBeforeStart);
    }
    if let Some(clash) = existing.iter().find(|o| {
        o.role == grant.role
            && o.collective_id == grant.collective_id
            && o.overlaps(grant.starts_on, grant.ends_on)
    }) {
        return Err(GrantRefusal::Overlaps {
            office_id: clash.id,
        });
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevokeRefusal {
    AlreadyEnded,
    /// Revoking it would leave the portal without an administrator.
    LastAdministrator,
    /// An Advisory Council seat is ended by the Executive Council's vote at a meeting, not by an
    /// administrator.
    CouncilDecides,
}

/// Whether `office` may be revoked on `today`, given how many administrator offices are active.
pub fn check_revoke(
    office: &Office,
    today: NaiveDate,
    active_administrators: usize,
) -> Result<(), RevokeRefusal> {
    let ended = office.revoked_on.is_some() || office.ends_on.is_some_and(|e| e < today);
    if ended {
        return Err(RevokeRefusal::AlreadyEnded);
    }
    if office.role == Role::Administrator
        && office.is_active_on(today)
        && active_administrators <= 1
    {
        return Err(RevokeRefusal::LastAdministrator);
    }
    if office.role == Role::AdvisoryMember {
        return Err(RevokeRefusal::CouncilDecides);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn office(
        id: i64,
        role: Role,
        collective: Option<i64>,
        start: &str,
        end: Option<&str>,
        revoked: Option<&str>,
    ) -> Office {
        Office {
            id,
            role,
            collective_id: collective,
            starts_on: d(start),
            ends_on: end.map(d),
            revoked_on: revoked.map(d),
        }
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn activity_on_a_day() {
        let o = office(
            1,
            Role::CollectiveLeader,
            Some(1),
            "2026-01-01",
            Some("2026-12-31"),
            None,
        );
        let cases = [
            ("2025-12-31", false),
            ("2026-01-01", true),
            ("2026-12-31", true),
            ("2027-01-01", false),
        ];
        for (day, active) in cases {
            assert_eq!(o.is_active_on(d(day)), active, "{day}");
        }
        let revoked = office(
            2,
            Role::Administrator,
            None,
            "2026-01-01",
            None,
            Some("2026-06-01"),
        );
        assert!(revoked.is_active_on(d("2026-05-31")));
        assert!(!revoked.is_active_on(d("2026-06-01")));
    }

    #[test]
    fn everyone_is_an_applicant_and_more_by_office() {
        let offices = [
            office(1, Role::Member, Some(1), "2025-01-01", None, None),
            office(
                2,
                Role::CollectiveLeader,
                Some(1),
                "2026-01-01",
                Some("2026-12-31"),
                None,
            ),
            office(
                3,
                Role::Administrator,
                None,
                "2025-01-01",
                None,
                Some("2026-03-01"),
            ),
        ];
        let on = |day| roles_on(&offices, d(day)).into_iter().collect::<Vec<_>>();
        assert_eq!(on("2024-06-01"), vec![Role::Applicant]);
        assert_eq!(
            on("2025-06-01"),
            vec![Role::Applicant, Role::Member, Role::Administrator]
        );
        assert_eq!(
            on("2026-06-01"),
            vec![Role::Applicant, Role::Member, Role::CollectiveLeader]
        );
    }

    #[test]
    fn grants() {
        let existing = [
            office(
                7,
                Role::CollectiveLeader,
                Some(1),
                "2026-01-01",
                Some("2026-12-31"),
                None,
            ),
            office(
                8,
                Role::CollectiveLeader,
                Some(2),
                "2024-01-01",
                Some("2024-12-31"),
                None,
            ),
            office(
                9,
                Role::NodesCommission,
                Some(3),
                "2024-01-01",
                None,
                Some("2025-01-01"),
            ),
        ];
        let g = |role, collective, start: &str, end: Option<&str>| Grant {
            role,
            collective_id: collective,
            starts_on: d(start),
            ends_on: end.map(d),
        };
        let cases = [
            (
                g(Role::Applicant, None, "2026-01-01", None),
                Err(GrantRefusal::ImpliedRole),
            ),
            (
                g(Role::CollectiveLeader, None, "2026-01-01", None),
                Err(GrantRefusal::CollectiveRequired),
            ),
            (
                g(Role::Administrator, Some(1), "2026-01-01", None),
                Err(GrantRefusal::CollectiveNotApplicable),
            ),
            (
                g(Role::Administrator, None, "2026-02-01", Some("2026-01-31")),
                Err(GrantRefusal::EndsBeforeStart),
            ),
            (
                g(Role::CollectiveLeader, Some(1), "2026-12-31", None),
                Err(GrantRefusal::Overlaps { office_id: 7 }),
            ),
            (
                g(Role::CollectiveLeader, Some(1), "2025-01-01", None),
                Err(GrantRefusal::Overlaps { office_id: 7 }),
            ),
            (
                g(
                    Role::CollectiveLeader,
                    Some(1),
                    "2025-01-01",
                    Some("2025-12-31"),
                ),
                Ok(()),
            ),
            (
                g(
                    Role::CollectiveLeader,
                    Some(1),
                    "2027-01-01",
                    Some("2027-12-31"),
                ),
                Ok(()),
            ),
            // a leader of another collective is another office
            (
                g(
                    Role::CollectiveLeader,
                    Some(2),
                    "2026-01-01",
                    Some("2026-12-31"),
                ),
                Ok(()),
            ),
            // a revoked office no longer blocks its seat from the day it was revoked
            (
                g(Role::NodesCommission, Some(3), "2025-01-01", None),
                Ok(()),
            ),
            (
                g(Role::NodesCommission, Some(3), "2024-12-31", None),
                Err(GrantRefusal::Overlaps { office_id: 9 }),
            ),
            (g(Role::Administrator, None, "2026-01-01", None), Ok(())),
            (
                g(Role::Administrator, None, "2026-01-01", Some("2026-01-01")),
                Ok(()),
            ),
        ];
        for (grant, expected) in cases {
            assert_eq!(check_grant(&grant, &existing), expected, "{grant:?}");
        }
    }

    #[test]
    fn revocations() {
        let today = d("2026-06-01");
        let admin = office(1, Role::Administrator, None, "2025-01-01", None, None);
        let future_admin = office(2, Role::Administrator, None, "2027-01-01", None, None);
        let ended = office(
            3,
            Role::Member,
            Some(1),
            "2025-01-01",
            Some("2026-05-31"),
            None,
        );
        let revoked = office(
            4,
            Role::Member,
            Some(1),
            "2025-01-01",
            None,
            Some("2026-01-01"),
        );
        assert_eq!(
            check_revoke(&admin, today, 1),
            Err(RevokeRefusal::LastAdministrator)
        );
        assert_eq!(check_revoke(&admin, today, 2), Ok(()));
        assert_eq!(check_revoke(&future_admin, today, 1), Ok(()));
        assert_eq!(
            check_revoke(&ended, today, 1),
            Err(RevokeRefusal::AlreadyEnded)
        );
        assert_eq!(
            check_revoke(&revoked, today, 1),
            Err(RevokeRefusal::AlreadyEnded)
        );
        let advisory = office(
            5,
            Role::AdvisoryMember,
            None,
            "2026-01-01",
            Some("2027-12-31"),
            None,
        );
        assert_eq!(
            check_revoke(&advisory, today, 2),
            Err(RevokeRefusal::CouncilDecides)
        );
    }
}
