//! The rules of the governance seats (the Red Blockchain México model): collective leaders, the
//! Executive Secretary, the projects and nodes commissions and the Advisory Council. How many
//! seats each has, how long a term lasts, who may hold one, how often it may be renewed, and how
//! nominees for an Executive Council seat are ranked.
//!
//! Pure rules over plain data: the caller loads the terms and passes `today`. Every number is a
//! [`GovernanceSettings`] field whose default is the seed's.

use crate::domain::roles::Role;
use chrono::{Datelike, Days, Months, NaiveDate};
use std::iter;

/// The numbers of the governance rules. [`Default`] gives the seed's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GovernanceSettings {
    /// Seats of collective leaders in a small collective.
    pub leaders_min: usize,
    /// Seats of collective leaders in a large collective.
    pub leaders_max: usize,
    /// A collective with at least this many members (institutions and individuals) is large.
    pub leaders_max_from_members: usize,
    pub leader_term_months: u32,
    /// How many times in a row a leader's term may be renewed.
    pub leader_renewals: u32,
    /// Term of the Executive Secretary and of the commission seats.
    pub council_term_months: u32,
    /// Renewals of the Executive Council seats in a row; `None`: no limit (the seed sets none).
    pub council_renewals: Option<u32>,
    pub executive_secretaries: usize,
    /// Seats of each collective in each commission.
    pub commission_seats_per_collective: usize,
    /// Seats of the Advisory Council.
    pub advisory_max: usize,
    pub advisory_term_months: u32,
    /// How many times in a row an advisory term may be renewed (on request).
    pub advisory_renewals: u32,
    /// Terms ending within this many days are announced.
    pub terms_notice_days: u32,
    /// How the collective's members decide a leader's renewal: the majority, what a tie does,
    /// and whether the ballot is secret (the seed leaves these to the network).
    pub renewal_majority: crate::domain::voting::Majority,
    pub renewal_tie: crate::domain::voting::TieRule,
    pub renewal_secret: bool,
}

impl Default for GovernanceSettings {
    fn default() -> Self {
        Self {
            leaders_min: 2,
            leaders_max: 3,
            leaders_max_from_members: 10,
            leader_term_months: 12,
            leader_renewals: 2,
            council_term_months: 24,
            council_renewals: None,
            executive_secretaries: 1,
            commission_seats_per_collective: 1,
            advisory_max: 15,
            advisory_term_months: 24,
            advisory_renewals: 1,
            terms_notice_days: 60,
            renewal_majority: crate::domain::voting::Majority::Simple,
            renewal_tie: crate::domain::voting::TieRule::Rejected,
            renewal_secret: true,
        }
    }
}

/// The profile a nominee declares: the projects commission takes business profiles, the nodes
/// commission technical ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Profile {
    Business,
    Technical,
}

impl Profile {
    pub const ALL: [Profile; 2] = [Profile::Business, Profile::Technical];

    /// The name stored in the database and used in forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Business => "business",
            Profile::Technical => "technical",
        }
    }

    pub fn parse(s: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// A term in a seat as the rules see it (an office of a seat role).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub office_id: i64,
    pub person_id: i64,
    /// The institution the person holds the seat for, if any.
    pub institution_id: Option<i64>,
    pub role: Role,
    pub collective_id: Option<i64>,
    pub starts_on: NaiveDate,
    /// Last day of the term, inclusive.
    pub ends_on: Option<NaiveDate>,
    /// The day the term was revoked; it is not held from that day on.
    pub revoked_on: Option<NaiveDate>,
}

impl Term {
    /// The last day the term is held (its end, or the day before its revocation if that is
    /// earlier); `None` if it is unbounded.
    pub fn last_day(&self) -> Option<NaiveDate> {
        let revoked = self.revoked_on.and_then(|r| r.pred_opt());
        match (self.ends_on, revoked) {
            (Some(e), Some(r)) => Some(e.min(r)),
            (e, r) => e.or(r),
        }
    }

    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.starts_on <= day
            && self.ends_on.is_none_or(|end| day <= end)
            && self.revoked_on.is_none_or(|r| day < r)
    }

    /// Whether the term is held on some day of `[start, end]`. A term revoked before it started
    /// was never held, so it overlaps nothing.
    pub fn overlaps(&self, start: NaiveDate, end: NaiveDate) -> bool {
        let last = self.last_day();
        self.was_held() && self.starts_on <= end && last.is_none_or(|l| start <= l)
    }

    fn was_held(&self) -> bool {
        self.last_day().is_none_or(|l| self.starts_on <= l)
    }

    fn is_seat(&self, role: Role, collective_id: Option<i64>) -> bool {
        self.role == role && self.collective_id == collective_id
    }
}

/// The person proposed for a seat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub person_id: i64,
    /// The institution the person would hold the seat for, if any.
    pub institution_id: Option<i64>,
    pub profile: Option<Profile>,
    /// The person or their institution is a member of the seat's collective on the start day
    /// (the caller computes it; irrelevant for seats without a collective).
    pub in_collective: bool,
}

/// A proposed term in a seat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appointment {
    pub role: Role,
    pub collective_id: Option<i64>,
    pub starts_on: NaiveDate,
    /// Last day of the term, inclusive.
    pub ends_on: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppointmentRefusal {
    /// The role is not a governance seat.
    NotASeat,
    /// Leader and commission seats belong to a collective.
    CollectiveRequired,
    /// The Executive Secretary and advisory seats do not.
    CollectiveNotApplicable,
    EndsBeforeStart,
    /// The term is longer than the office's term.
    TermTooLong {
        max_months: u32,
    },
    /// Leader and commission seats: the candidate (or their institution) must be a member of the
    /// collective.
    NotInCollective,
    /// The projects commission takes a business profile, the nodes commission a technical one.
    WrongProfile {
        required: Profile,
    },
    /// The person already holds this seat (same role and collective) for part of the term.
    Overlaps {
        office_id: i64,
    },
    /// On some day of the term, as many other terms as the seat has places are held at once.
    SeatsFull {
        max: usize,
    },
    /// Collective leaders: another leader of the collective, from the same institution, overlaps
    /// the term.
    SameInstitution {
        office_id: i64,
    },
    /// The term would be one renewal too many (counting consecutive terms).
    RenewalsExhausted {
        max: u32,
    },
}

/// Whether terms of `role` are governance seats (and so subject to these rules).
pub fn is_seat(role: Role) -> bool {
    matches!(
        role,
        Role::CollectiveLeader
            | Role::ExecutiveSecretary
            | Role::ProjectsCommission
            | Role::NodesCommission
            | Role::AdvisoryMember
    )
}

/// Seats that each collective fills on its own (leaders and commissions); the Executive
/// Secretary and the Advisory Council are network-wide.
fn per_collective(role: Role) -> bool {
    matches!(
        role,
        Role::CollectiveLeader | Role::ProjectsCommission | Role::NodesCommission
    )
}

/// The profile a seat requires, if any.
pub fn required_profile(role: Role) -> Option<Profile> {
    match role {
        Role::ProjectsCommission => Some(Profile::Business),
        Role::NodesCommission => Some(Profile::Technical),
        _ => None,
    }
}

/// How many months a term of `role` lasts; `None` for roles that are not seats.
pub fn term_months(role: Role, s: &GovernanceSettings) -> Option<u32> {
    match role {
        Role::CollectiveLeader => Some(s.leader_term_months),
        Role::ExecutiveSecretary | Role::ProjectsCommission | Role::NodesCommission => {
            Some(s.council_term_months)
        }
        Role::AdvisoryMember => Some(s.advisory_term_months),
        _ => None,
    }
}

/// The last day (inclusive) of a full term of `role` starting on `starts_on`: the day before
/// the date `months` later. When that date does not exist (a term starting on 29 February, or on
/// the 31st, ending in a shorter month) it is taken to be the 1st of the following month, so
/// the term ends on the last day of the shorter month and is never a day short:
/// 2026-03-01 → 2027-02-28, 2023-03-01 → 2024-02-29, 2024-02-29 → 2025-02-28 (12 months),
/// 2026-03-31 → 2026-04-30 (1 month). `None` for roles that are not seats.
pub fn term_end(role: Role, starts_on: NaiveDate, s: &GovernanceSettings) -> Option<NaiveDate> {
    let months = term_months(role, s)?;
    let same_day = starts_on.checked_add_months(Months::new(months))?;
    if same_day.day() == starts_on.day() {
        same_day.pred_opt()
    } else {
        // chrono moved the missing date back to the month's last day: that is the term's end
        Some(same_day)
    }
}

/// Seats of collective leaders in a collective with `collective_members` members (institutions
/// and individuals).
pub fn leader_seats(collective_members: usize, s: &GovernanceSettings) -> usize {
    if collective_members >= s.leaders_max_from_members {
        s.leaders_max
    } else {
        s.leaders_min
    }
}

/// How many terms of `role` may be held at once: per collective for leaders and commissions,
/// network-wide for the Executive Secretary and the Advisory Council. `None` for non-seats.
pub fn seat_limit(role: Role, collective_members: usize, s: &GovernanceSettings) -> Option<usize> {
    match role {
        Role::CollectiveLeader => Some(leader_seats(collective_members, s)),
        Role::ExecutiveSecretary => Some(s.executive_secretaries),
        Role::ProjectsCommission | Role::NodesCommission => Some(s.commission_seats_per_collective),
        Role::AdvisoryMember => Some(s.advisory_max),
        _ => None,
    }
}

/// How many times in a row a term of `role` may be renewed; `None` when there is no limit (and
/// for non-seats).
pub fn max_renewals(role: Role, s: &GovernanceSettings) -> Option<u32> {
    match role {
        Role::CollectiveLeader => Some(s.leader_renewals),
        Role::AdvisoryMember => Some(s.advisory_renewals),
        Role::ExecutiveSecretary | Role::ProjectsCommission | Role::NodesCommission => {
            s.council_renewals
        }
        _ => None,
    }
}

/// How many earlier terms of the person in this seat (role and collective) form an unbroken
/// chain ending the day before `starts_on`: each term's last day (see [`Term::last_day`]) is the
/// day before the next one starts. A gap of even one day breaks the chain (a new election is not
/// a renewal). A term starting on `starts_on` is therefore renewal number `consecutive_terms`.
pub fn consecutive_terms(
    person_id: i64,
    role: Role,
    collective_id: Option<i64>,
    starts_on: NaiveDate,
    terms: &[Term],
) -> u32 {
    let mut count = 0;
    let mut next_start = starts_on;
    while let Some(day_before) = next_start.pred_opt() {
        let previous = terms
            .iter()
            .filter(|t| {
                t.person_id == person_id
                    && t.is_seat(role, collective_id)
                    && t.was_held()
                    && t.last_day() == Some(day_before)
            })
            .map(|t| t.starts_on)
            .min();
        match previous {
            // a held term starts on or before its last day, so the chain always moves back
            Some(start) => {
                count += 1;
                next_start = start;
            }
            None => break,
        }
    }
    count
}

/// Whether `c` may hold the term `a`. `terms` holds every term of `a.role` (of every person and
/// collective); `collective_members` is the size of `a`'s collective (for the leaders' seats).
/// The refusals are checked in the order of [`AppointmentRefusal`]'s variants, except that
/// `SameInstitution` comes before `SeatsFull`.
pub fn check_appointment(
    a: &Appointment,
    c: &Candidate,
    terms: &[Term],
    collective_members: usize,
    s: &GovernanceSettings,
) -> Result<(), AppointmentRefusal> {
    if !is_seat(a.role) {
        return Err(AppointmentRefusal::NotASeat);
    }
    match (per_collective(a.role), a.collective_id) {
        (true, None) => return Err(AppointmentRefusal::CollectiveRequired),
        (false, Some(_)) => return Err(AppointmentRefusal::CollectiveNotApplicable),
        _ => {}
    }
    if a.ends_on < a.starts_on {
        return Err(AppointmentRefusal::EndsBeforeStart);
    }
    if let (Some(max_months), Some(end)) =
        (term_months(a.role, s), term_end(a.role, a.starts_on, s))
        && a.ends_on > end
    {
        return Err(AppointmentRefusal::TermTooLong { max_months });
    }
    if per_collective(a.role) && !c.in_collective {
        return Err(AppointmentRefusal::NotInCollective);
    }
    if let Some(required) = required_profile(a.role)
        && c.profile != Some(required)
    {
        return Err(AppointmentRefusal::WrongProfile { required });
    }

    let seat: Vec<&Term> = terms
        .iter()
        .filter(|t| t.is_seat(a.role, a.collective_id) && t.overlaps(a.starts_on, a.ends_on))
        .collect();
    if let Some(own) = seat.iter().find(|t| t.person_id == c.person_id) {
        return Err(AppointmentRefusal::Overlaps {
            office_id: own.office_id,
        });
    }
    if a.role == Role::CollectiveLeader
        && let Some(institution) = c.institution_id
        && let Some(other) = seat.iter().find(|t| t.institution_id == Some(institution))
    {
        return Err(AppointmentRefusal::SameInstitution {
            office_id: other.office_id,
        });
    }
    if let Some(max) = seat_limit(a.role, collective_members, s) {
        // The number of terms held at once only rises when one starts, so the busiest day of
        // the new term is its first day or the first day of another term within it.
        let busiest = iter::once(a.starts_on)
            .chain(
                seat.iter()
                    .map(|t| t.starts_on)
                    .filter(|d| a.starts_on < *d && *d <= a.ends_on),
            )
            .map(|day| seat.iter().filter(|t| t.is_active_on(day)).count())
            .max()
            .unwrap_or(0);
        if busiest >= max {
            return Err(AppointmentRefusal::SeatsFull { max });
        }
    }
    if let Some(max) = max_renewals(a.role, s)
        && consecutive_terms(c.person_id, a.role, a.collective_id, a.starts_on, terms) > max
    {
        return Err(AppointmentRefusal::RenewalsExhausted { max });
    }
    Ok(())
}

/// The first day of a renewal that continues `previous`: the day after its end. `None` when the
/// term has no end or was revoked before it (a term cut short is not renewed).
pub fn renewal_start(previous: &Term) -> Option<NaiveDate> {
    let end = previous.ends_on?;
    if previous.last_day() != Some(end) {
        return None;
    }
    end.succ_opt()
}

/// The terms held on `today` whose last day (see [`Term::last_day`]) falls within
/// `[today, today + days]`, soonest first (then by office).
pub fn ending_within(terms: &[Term], today: NaiveDate, days: u32) -> Vec<&Term> {
    let horizon = today
        .checked_add_days(Days::new(days.into()))
        .unwrap_or(NaiveDate::MAX);
    let mut ending: Vec<&Term> = terms
        .iter()
        .filter(|t| {
            t.is_active_on(today) && t.last_day().is_some_and(|l| today <= l && l <= horizon)
        })
        .collect();
    ending.sort_by_key(|t| (t.last_day(), t.office_id));
    ending
}

/// A nominee for an Executive Council seat, with what the ranking criteria look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nominee {
    pub person_id: i64,
    /// The day the person (or their institution) became a member of the network.
    pub member_since: Option<NaiveDate>,
    /// Network projects the person has collaborated in.
    pub projects: u32,
    pub experience_years: u32,
}

/// A nominee's place in the ranking.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Ranked {
    pub person_id: i64,
    /// 1-based; nominees equal on all three criteria share a rank ("1, 1, 3").
    pub rank: usize,
    /// Days from `member_since` to the ranking day; 0 when unknown or in the future.
    pub seniority_days: i64,
    pub projects: u32,
    pub experience_years: u32,
}

/// Ranks nominees for an Executive Council seat by the seed's criteria, in order: longest time
/// as a network member (on `on`), most collaboration in network projects, distinguished
/// blockchain experience (years). Best first; nominees equal on all three share a rank and are
/// listed by `person_id`.
pub fn rank_nominees(nominees: &[Nominee], on: NaiveDate) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = nominees
        .iter()
        .map(|n| Ranked {
            person_id: n.person_id,
            rank: 0,
            seniority_days: n
                .member_since
                .map_or(0, |since| (on - since).num_days().max(0)),
            projects: n.projects,
            experience_years: n.experience_years,
        })
        .collect();
    let merit = |r: &Ranked| (r.seniority_days, r.projects, r.experience_years);
    ranked.sort_by(|x, y| merit(y).cmp(&merit(x)).then(x.person_id.cmp(&y.person_id)));
    for i in 0..ranked.len() {
        ranked[i].rank = if i > 0 && merit(&ranked[i]) == merit(&ranked[i - 1]) {
            ranked[i - 1].rank
        } else {
            i + 1
        };
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::AppointmentRefusal::*;
    use super::*;
    use crate::error::Reason;
    use crate::i18n::Lang;
    use Role::{
        AdvisoryMember, CollectiveLeader, ExecutiveSecretary, NodesCommission, ProjectsCommission,
    };

    const C1: Option<i64> = Some(1);
    const C2: Option<i64> = Some(2);
    const BUSINESS: Option<Profile> = Some(Profile::Business);
    const TECHNICAL: Option<Profile> = Some(Profile::Technical);

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    /// A term, with no institution and not revoked.
    fn term(id: i64, person: i64, role: Role, coll: Option<i64>, start: &str, end: &str) -> Term {
        Term {
            office_id: id,
            person_id: person,
            institution_id: None,
            role,
            collective_id: coll,
            starts_on: d(start),
            ends_on: Some(d(end)),
            revoked_on: None,
        }
    }

    impl Term {
        fn of(self, institution: i64) -> Term {
            Term {
                institution_id: Some(institution),
                ..self
            }
        }

        fn revoked(self, day: &str) -> Term {
            Term {
                revoked_on: Some(d(day)),
                ..self
            }
        }
    }

    fn ap(role: Role, coll: Option<i64>, start: &str, end: &str) -> Appointment {
        Appointment {
            role,
            collective_id: coll,
            starts_on: d(start),
            ends_on: d(end),
        }
    }

    /// A candidate without institution or profile, member of the collective.
    fn who(person: i64) -> Candidate {
        Candidate {
            person_id: person,
            institution_id: None,
            profile: None,
            in_collective: true,
        }
    }

    impl Candidate {
        fn of(self, institution: i64) -> Candidate {
            Candidate {
                institution_id: Some(institution),
                ..self
            }
        }

        fn with(self, profile: Option<Profile>) -> Candidate {
            Candidate { profile, ..self }
        }

        fn outsider(self) -> Candidate {
            Candidate {
                in_collective: false,
                ..self
            }
        }
    }

    /// Back-to-back (or not) terms of person 1 in one seat, numbered from 1.
    fn history(role: Role, coll: Option<i64>, spans: &[(&str, &str)]) -> Vec<Term> {
        (1..)
            .zip(spans)
            .map(|(id, (start, end))| term(id, 1, role, coll, start, end))
            .collect()
    }

    #[test]
    fn defaults_are_the_seeds() {
        let s = GovernanceSettings::default();
        assert_eq!(
            (s.leaders_min, s.leaders_max, s.leaders_max_from_members),
            (2, 3, 10)
        );
        assert_eq!((s.leader_term_months, s.leader_renewals), (12, 2));
        assert_eq!((s.council_term_months, s.council_renewals), (24, None));
        assert_eq!(
            (s.executive_secretaries, s.commission_seats_per_collective),
            (1, 1)
        );
        assert_eq!(
            (s.advisory_max, s.advisory_term_months, s.advisory_renewals),
            (15, 24, 1)
        );
        assert_eq!(s.terms_notice_days, 60);
    }

    #[test]
    fn profile_names_round_trip() {
        for p in Profile::ALL {
            assert_eq!(Profile::parse(p.as_str()), Some(p));
        }
        assert_eq!(Profile::parse("Business"), None);
        assert_eq!(Profile::parse(""), None);
    }

    #[test]
    fn seats_terms_limits_and_renewals_by_role() {
        let s = GovernanceSettings::default();
        // role, seat, term months, seat limit with 9 members, with 10, renewals, profile
        let cases = [
            (Role::Applicant, false, None, None, None, None, None),
            (Role::Member, false, None, None, None, None, None),
            (Role::ProjectUser, false, None, None, None, None, None),
            (Role::Administrator, false, None, None, None, None, None),
            (
                CollectiveLeader,
                true,
                Some(12),
                Some(2),
                Some(3),
                Some(2),
                None,
            ),
            (
                ExecutiveSecretary,
                true,
                Some(24),
                Some(1),
                Some(1),
                None,
                None,
            ),
            (
                ProjectsCommission,
                true,
                Some(24),
                Some(1),
                Some(1),
                None,
                BUSINESS,
            ),
            (
                NodesCommission,
                true,
                Some(24),
                Some(1),
                Some(1),
                None,
                TECHNICAL,
            ),
            (
                AdvisoryMember,
                true,
                Some(24),
                Some(15),
                Some(15),
                Some(1),
                None,
            ),
        ];
        for (role, seat, months, small, large, renewals, profile) in cases {
            assert_eq!(is_seat(role), seat, "{role:?}");
            assert_eq!(term_months(role, &s), months, "{role:?}");
            assert_eq!(seat_limit(role, 9, &s), small, "{role:?}");
            assert_eq!(seat_limit(role, 10, &s), large, "{role:?}");
            assert_eq!(max_renewals(role, &s), renewals, "{role:?}");
            assert_eq!(required_profile(role), profile, "{role:?}");
        }
        let limited = GovernanceSettings {
            council_renewals: Some(3),
            ..GovernanceSettings::default()
        };
        assert_eq!(max_renewals(ExecutiveSecretary, &limited), Some(3));
        assert_eq!(max_renewals(NodesCommission, &limited), Some(3));
    }

    #[test]
    fn term_ends() {
        let s = GovernanceSettings::default();
        let monthly = GovernanceSettings {
            leader_term_months: 1,
            ..GovernanceSettings::default()
        };
        let cases = [
            (CollectiveLeader, "2026-01-01", &s, Some("2026-12-31")),
            (CollectiveLeader, "2026-03-01", &s, Some("2027-02-28")),
            (CollectiveLeader, "2026-07-15", &s, Some("2027-07-14")),
            // the day before 1 March is 29 February in a leap year
            (CollectiveLeader, "2023-03-01", &s, Some("2024-02-29")),
            // a term from a leap day ends on the last day of February, a full year later
            (CollectiveLeader, "2024-02-29", &s, Some("2025-02-28")),
            (CollectiveLeader, "2024-02-28", &s, Some("2025-02-27")),
            (ExecutiveSecretary, "2024-02-29", &s, Some("2026-02-28")),
            (ProjectsCommission, "2026-01-01", &s, Some("2027-12-31")),
            (NodesCommission, "2026-06-01", &s, Some("2028-05-31")),
            (AdvisoryMember, "2026-01-31", &s, Some("2028-01-30")),
            // ends of month, with one-month terms
            (CollectiveLeader, "2026-01-31", &monthly, Some("2026-02-28")),
            (CollectiveLeader, "2026-01-30", &monthly, Some("2026-02-28")),
            (CollectiveLeader, "2026-01-28", &monthly, Some("2026-02-27")),
            (CollectiveLeader, "2024-01-31", &monthly, Some("2024-02-29")),
            (CollectiveLeader, "2026-03-31", &monthly, Some("2026-04-30")),
            (CollectiveLeader, "2026-04-30", &monthly, Some("2026-05-29")),
            (CollectiveLeader, "2026-12-01", &monthly, Some("2026-12-31")),
            (Role::Member, "2026-01-01", &s, None),
            (Role::Administrator, "2026-01-01", &s, None),
        ];
        for (role, start, settings, end) in cases {
            let got = term_end(role, d(start), settings);
            assert_eq!(got, end.map(d), "{role:?} from {start}");
        }
    }

    #[test]
    fn leader_seats_by_collective_size() {
        let s = GovernanceSettings::default();
        for (members, seats) in [(0, 2), (1, 2), (9, 2), (10, 3), (11, 3), (500, 3)] {
            assert_eq!(leader_seats(members, &s), seats, "{members} members");
        }
        let custom = GovernanceSettings {
            leaders_min: 1,
            leaders_max: 5,
            leaders_max_from_members: 4,
            ..GovernanceSettings::default()
        };
        assert_eq!(leader_seats(3, &custom), 1);
        assert_eq!(leader_seats(4, &custom), 5);
    }

    #[test]
    fn term_activity_and_overlap() {
        let t = term(1, 1, CollectiveLeader, C1, "2026-01-01", "2026-12-31");
        let revoked = t.clone().revoked("2026-07-01");
        let never_held = t.clone().revoked("2025-12-01");
        let revoked_after_end = t.clone().revoked("2027-03-01");
        assert_eq!(t.last_day(), Some(d("2026-12-31")));
        assert_eq!(revoked.last_day(), Some(d("2026-06-30")));
        assert_eq!(revoked_after_end.last_day(), Some(d("2026-12-31")));
        // day, held, held if revoked on 2026-07-01
        let days = [
            ("2025-12-31", false, false),
            ("2026-01-01", true, true),
            ("2026-06-30", true, true),
            ("2026-07-01", true, false),
            ("2026-12-31", true, false),
            ("2027-01-01", false, false),
        ];
        for (day, held, held_if_revoked) in days {
            assert_eq!(t.is_active_on(d(day)), held, "{day}");
            assert_eq!(revoked.is_active_on(d(day)), held_if_revoked, "{day}");
            assert!(!never_held.is_active_on(d(day)), "{day}");
        }
        // period, overlaps, overlaps if revoked on 2026-07-01
        let periods = [
            ("2025-01-01", "2025-12-31", false, false),
            ("2025-01-01", "2026-01-01", true, true),
            ("2026-06-30", "2026-06-30", true, true),
            ("2026-07-01", "2027-06-30", true, false),
            ("2026-12-31", "2027-12-31", true, false),
            ("2027-01-01", "2027-12-31", false, false),
            ("2025-01-01", "2027-12-31", true, true),
        ];
        for (start, end, plain, if_revoked) in periods {
            let (s, e) = (d(start), d(end));
            assert_eq!(t.overlaps(s, e), plain, "{start}..{end}");
            assert_eq!(revoked.overlaps(s, e), if_revoked, "{start}..{end}");
            assert!(!never_held.overlaps(s, e), "{start}..{end}");
        }
    }

    #[test]
    fn appointments() {
        let s = GovernanceSettings::default();
        let terms = [
            // collective 1: two leaders, from institutions 100 and 101
            term(1, 10, CollectiveLeader, C1, "2026-01-01", "2026-12-31").of(100),
            term(2, 11, CollectiveLeader, C1, "2026-01-01", "2026-12-31").of(101),
            // collective 2: one leader, from institution 102
            term(3, 12, CollectiveLeader, C2, "2026-01-01", "2026-12-31").of(102),
            // the Executive Secretary, revoked on 2026-05-01
            term(4, 20, ExecutiveSecretary, None, "2025-01-01", "2026-12-31").revoked("2026-05-01"),
            // collective 1's commission seats; the nodes one is taken from 2026-03-01
            term(5, 13, ProjectsCommission, C1, "2025-07-01", "2027-06-30").of(103),
            term(6, 14, NodesCommission, C1, "2026-03-01", "2028-02-29").of(104),
        ];
        let leader = |start, end| ap(CollectiveLeader, C1, start, end);
        let (y2027, y2028) = ("2027-01-01", "2028-12-31");
        // appointment, candidate, members of the collective, expected
        let cases = [
            (
                ap(Role::Member, C1, y2027, "2027-12-31"),
                who(50),
                9,
                Err(NotASeat),
            ),
            (
                ap(Role::Administrator, None, y2027, y2028),
                who(50),
                9,
                Err(NotASeat),
            ),
            (
                ap(CollectiveLeader, None, y2027, "2027-12-31"),
                who(50),
                9,
                Err(CollectiveRequired),
            ),
            (
                ap(NodesCommission, None, y2027, y2028),
                who(50),
                9,
                Err(CollectiveRequired),
            ),
            (
                ap(ExecutiveSecretary, C1, y2027, y2028),
                who(50),
                9,
                Err(CollectiveNotApplicable),
            ),
            (
                ap(AdvisoryMember, C1, y2027, y2028),
                who(50),
                9,
                Err(CollectiveNotApplicable),
            ),
            (
                leader(y2027, "2026-12-31"),
                who(50),
                9,
                Err(EndsBeforeStart),
            ),
            // a one-day term is a term
            (leader(y2027, y2027), who(50), 9, Ok(())),
            (leader(y2027, "2027-12-31"), who(50), 9, Ok(())),
            (
                leader(y2027, "2028-01-01"),
                who(50),
                9,
                Err(TermTooLong { max_months: 12 }),
            ),
            (
                ap(ExecutiveSecretary, None, y2027, y2028),
                who(50),
                9,
                Ok(()),
            ),
            (
                ap(ExecutiveSecretary, None, y2027, "2029-01-01"),
                who(50),
                9,
                Err(TermTooLong { max_months: 24 }),
            ),
            (
                leader(y2027, "2027-12-31"),
                who(50).outsider(),
                9,
                Err(NotInCollective),
            ),
            (
                ap(NodesCommission, C2, y2027, y2028),
                who(50).with(TECHNICAL).outsider(),
                9,
                Err(NotInCollective),
            ),
            // membership is not asked of the Executive Secretary nor of the Advisory Council
            (
                ap(ExecutiveSecretary, None, y2027, y2028),
                who(50).outsider(),
                9,
                Ok(()),
            ),
            (
                ap(AdvisoryMember, None, y2027, y2028),
                who(50).outsider(),
                9,
                Ok(()),
            ),
            (
                ap(ProjectsCommission, C2, y2027, y2028),
                who(50).with(TECHNICAL),
                9,
                Err(WrongProfile {
                    required: Profile::Business,
                }),
            ),
            (
                ap(ProjectsCommission, C2, y2027, y2028),
                who(50),
                9,
                Err(WrongProfile {
                    required: Profile::Business,
                }),
            ),
            (
                ap(ProjectsCommission, C2, y2027, y2028),
                who(50).with(BUSINESS),
                9,
                Ok(()),
            ),
            (
                ap(NodesCommission, C2, y2027, y2028),
                who(50).with(BUSINESS),
                9,
                Err(WrongProfile {
                    required: Profile::Technical,
                }),
            ),
            (
                ap(NodesCommission, C2, y2027, y2028),
                who(50).with(TECHNICAL),
                9,
                Ok(()),
            ),
            // person 10 already leads collective 1 then (checked before the institution)...
            (
                leader("2026-12-31", "2027-12-30"),
                who(10).of(100),
                10,
                Err(Overlaps { office_id: 1 }),
            ),
            // ... and may continue from the day after
            (leader(y2027, "2027-12-31"), who(10).of(100), 9, Ok(())),
            (
                ap(ProjectsCommission, C1, "2027-06-30", "2029-06-29"),
                who(13).of(103).with(BUSINESS),
                9,
                Err(Overlaps { office_id: 5 }),
            ),
            // a third seat (10 members), but institutions 100 and 101 already lead collective 1
            (
                leader("2026-06-01", "2027-05-31"),
                who(50).of(100),
                10,
                Err(SameInstitution { office_id: 1 }),
            ),
            (
                leader("2026-06-01", "2027-05-31"),
                who(50).of(101),
                10,
                Err(SameInstitution { office_id: 2 }),
            ),
            // institution 102 leads another collective: no matter
            (
                leader("2026-06-01", "2027-05-31"),
                who(50).of(102),
                10,
                Ok(()),
            ),
            // the same institution once the other leader's term has ended
            (leader(y2027, "2027-12-31"), who(50).of(100), 9, Ok(())),
            // a person without an institution is compared with no one
            (leader("2026-06-01", "2027-05-31"), who(50), 10, Ok(())),
            // 9 members: 2 seats, both taken until 2026-12-31
            (
                leader("2026-06-01", "2027-05-31"),
                who(50).of(105),
                9,
                Err(SeatsFull { max: 2 }),
            ),
            (
                leader("2026-12-31", "2027-12-30"),
                who(50).of(105),
                9,
                Err(SeatsFull { max: 2 }),
            ),
            (leader(y2027, "2027-12-31"), who(50).of(105), 9, Ok(())),
            // free on the first day, full from 2026-01-01
            (
                leader("2025-01-01", "2025-12-31"),
                who(50).of(105),
                9,
                Ok(()),
            ),
            (
                leader("2025-06-01", "2026-01-01"),
                who(50).of(105),
                9,
                Err(SeatsFull { max: 2 }),
            ),
            // collective 2 has a free seat
            (
                ap(CollectiveLeader, C2, "2026-06-01", "2027-05-31"),
                who(50).of(105),
                9,
                Ok(()),
            ),
            (
                ap(NodesCommission, C1, "2025-01-01", "2026-12-31"),
                who(50).with(TECHNICAL),
                9,
                Err(SeatsFull { max: 1 }),
            ),
            (
                ap(NodesCommission, C1, "2025-01-01", "2026-02-28"),
                who(50).with(TECHNICAL),
                9,
                Ok(()),
            ),
            (
                ap(ProjectsCommission, C1, y2027, y2028),
                who(50).with(BUSINESS),
                9,
                Err(SeatsFull { max: 1 }),
            ),
            // a single Executive Secretary, until the revocation on 2026-05-01
            (
                ap(ExecutiveSecretary, None, "2025-06-01", "2027-05-31"),
                who(50),
                9,
                Err(SeatsFull { max: 1 }),
            ),
            (
                ap(ExecutiveSecretary, None, "2026-04-30", "2028-04-29"),
                who(50),
                9,
                Err(SeatsFull { max: 1 }),
            ),
            (
                ap(ExecutiveSecretary, None, "2026-05-01", "2028-04-30"),
                who(50),
                9,
                Ok(()),
            ),
        ];
        for (a, c, members, expected) in cases {
            let got = check_appointment(&a, &c, &terms, members, &s);
            assert_eq!(got, expected, "{a:?} {c:?} with {members} members");
        }
    }

    #[test]
    fn advisory_council_seats() {
        let s = GovernanceSettings::default();
        let mut terms: Vec<Term> = (0..15)
            .map(|i| {
                term(
                    100 + i,
                    1000 + i,
                    AdvisoryMember,
                    None,
                    "2026-01-01",
                    "2027-12-31",
                )
            })
            .collect();
        let a = ap(AdvisoryMember, None, "2026-06-01", "2028-05-31");
        let sixteenth = who(2000);
        let full = Err(SeatsFull { max: 15 });
        assert_eq!(check_appointment(&a, &sixteenth, &terms, 0, &s), full);
        assert_eq!(
            check_appointment(&a, &sixteenth, &terms[..14], 0, &s),
            Ok(())
        );
        terms[3].revoked_on = Some(d("2026-06-01"));
        assert_eq!(check_appointment(&a, &sixteenth, &terms, 0, &s), Ok(()));
        terms[3].revoked_on = Some(d("2026-06-02"));
        assert_eq!(check_appointment(&a, &sixteenth, &terms, 0, &s), full);
        // a larger council is a setting
        let larger = GovernanceSettings {
            advisory_max: 16,
            ..GovernanceSettings::default()
        };
        assert_eq!(
            check_appointment(&a, &sixteenth, &terms, 0, &larger),
            Ok(())
        );
    }

    #[test]
    fn consecutive_terms_count_the_unbroken_chain() {
        let mut terms = history(
            CollectiveLeader,
            C1,
            &[
                ("2021-01-01", "2021-12-31"),
                ("2022-01-01", "2022-12-31"),
                // a gap of a month
                ("2023-02-01", "2024-01-31"),
                ("2024-02-01", "2025-01-31"),
            ],
        );
        terms.extend([
            // adjacent terms of someone else, of another collective, of another role
            term(10, 2, CollectiveLeader, C1, "2024-02-01", "2025-01-31"),
            term(11, 1, CollectiveLeader, C2, "2024-02-01", "2025-01-31"),
            term(12, 1, NodesCommission, C1, "2024-02-01", "2025-01-31"),
            // revoked before it began: never held
            term(13, 1, CollectiveLeader, C1, "2025-02-01", "2026-01-31").revoked("2025-01-15"),
        ]);
        // person, collective, start of the next term, consecutive terms before it
        let cases = [
            (1, C1, "2025-02-01", 2),
            (1, C1, "2025-02-02", 0),
            (1, C1, "2026-02-01", 0),
            (1, C1, "2024-02-01", 1),
            (1, C1, "2023-02-01", 0),
            (1, C1, "2023-01-01", 2),
            (1, C1, "2022-01-01", 1),
            (1, C1, "2021-01-01", 0),
            (1, C2, "2025-02-01", 1),
            (1, None, "2025-02-01", 0),
            (2, C1, "2025-02-01", 1),
            (3, C1, "2025-02-01", 0),
        ];
        for (person, coll, start, count) in cases {
            let got = consecutive_terms(person, CollectiveLeader, coll, d(start), &terms);
            assert_eq!(got, count, "person {person} in {coll:?} from {start}");
        }
        let nodes = consecutive_terms(1, NodesCommission, C1, d("2025-02-01"), &terms);
        assert_eq!(nodes, 1);
        // a term revoked early ends the day before its revocation
        let revoked =
            [term(1, 1, AdvisoryMember, None, "2024-01-01", "2025-12-31").revoked("2025-03-01")];
        let count = |start| consecutive_terms(1, AdvisoryMember, None, d(start), &revoked);
        assert_eq!(count("2025-03-01"), 1);
        assert_eq!(count("2026-01-01"), 0);
    }

    #[test]
    fn renewals() {
        let s = GovernanceSettings::default();
        let limited = GovernanceSettings {
            council_renewals: Some(2),
            ..GovernanceSettings::default()
        };
        let leader_years = [
            ("2023-01-01", "2023-12-31"),
            ("2024-01-01", "2024-12-31"),
            ("2025-01-01", "2025-12-31"),
        ];
        let leaders = |n| history(CollectiveLeader, C1, &leader_years[..n]);
        let advisory_terms = [("2022-01-01", "2023-12-31"), ("2024-01-01", "2025-12-31")];
        let advisers = |n| history(AdvisoryMember, None, &advisory_terms[..n]);
        let secretary_terms = [
            ("2016-01-01", "2017-12-31"),
            ("2018-01-01", "2019-12-31"),
            ("2020-01-01", "2021-12-31"),
            ("2022-01-01", "2023-12-31"),
            ("2024-01-01", "2025-12-31"),
        ];
        let secretaries = |from| history(ExecutiveSecretary, None, &secretary_terms[from..]);
        let leader = |start| ap(CollectiveLeader, C1, start, "2026-12-31");
        let adviser = |start, end| ap(AdvisoryMember, None, start, end);
        let secretary = ap(ExecutiveSecretary, None, "2026-01-01", "2027-12-31");
        // appointment, earlier terms of the candidate, settings, expected
        let cases = [
            // a first term, then two renewals
            (
                ap(CollectiveLeader, C1, "2024-01-01", "2024-12-31"),
                leaders(1),
                &s,
                Ok(()),
            ),
            (
                ap(CollectiveLeader, C1, "2025-01-01", "2025-12-31"),
                leaders(2),
                &s,
                Ok(()),
            ),
            // a fourth term in a row would be a third renewal
            (
                leader("2026-01-01"),
                leaders(3),
                &s,
                Err(RenewalsExhausted { max: 2 }),
            ),
            // after a gap it is a new election
            (leader("2026-01-02"), leaders(3), &s, Ok(())),
            // ... and so is a term in another collective
            (
                ap(CollectiveLeader, C2, "2026-01-01", "2026-12-31"),
                leaders(3),
                &s,
                Ok(()),
            ),
            (adviser("2024-01-01", "2025-12-31"), advisers(1), &s, Ok(())),
            (
                adviser("2026-01-01", "2027-12-31"),
                advisers(2),
                &s,
                Err(RenewalsExhausted { max: 1 }),
            ),
            // the seed sets no limit on the Executive Council's terms
            (secretary.clone(), secretaries(0), &s, Ok(())),
            (
                secretary.clone(),
                secretaries(0),
                &limited,
                Err(RenewalsExhausted { max: 2 }),
            ),
            (secretary.clone(), secretaries(3), &limited, Ok(())),
        ];
        for (a, terms, settings, expected) in cases {
            let got = check_appointment(&a, &who(1), &terms, 9, settings);
            assert_eq!(got, expected, "{a:?} after {} terms", terms.len());
        }
    }

    #[test]
    fn renewals_start_the_day_after() {
        let t = term(1, 1, CollectiveLeader, C1, "2026-01-01", "2026-12-31");
        // revocation, start of the renewal
        let cases = [
            (None, Some("2027-01-01")),
            // revoked after it ended: it ran its full term
            (Some("2027-02-01"), Some("2027-01-01")),
            // cut short: not renewed
            (Some("2026-12-31"), None),
            (Some("2026-06-01"), None),
        ];
        for (revoked, start) in cases {
            let t = Term {
                revoked_on: revoked.map(d),
                ..t.clone()
            };
            assert_eq!(renewal_start(&t), start.map(d), "revoked {revoked:?}");
        }
        let unbounded = Term {
            ends_on: None,
            ..t.clone()
        };
        assert_eq!(renewal_start(&unbounded), None);
        // a renewal starting there is consecutive and a full term long
        let s = GovernanceSettings::default();
        let start = renewal_start(&t).expect("renewable");
        assert_eq!(term_end(CollectiveLeader, start, &s), Some(d("2027-12-31")));
        assert_eq!(consecutive_terms(1, CollectiveLeader, C1, start, &[t]), 1);
    }

    #[test]
    fn terms_ending_soon() {
        let t = |id, start, end| term(id, id, AdvisoryMember, None, start, end);
        let terms = [
            t(1, "2025-01-01", "2026-12-31"),
            t(2, "2025-01-01", "2026-11-01"),
            t(3, "2025-01-01", "2027-01-01"),
            t(4, "2025-01-01", "2026-10-31"),
            t(5, "2025-01-01", "2027-12-31").revoked("2026-10-01"),
            t(6, "2026-12-01", "2026-12-15"),
            t(7, "2025-01-01", "2027-12-31").revoked("2026-11-20"),
            t(8, "2025-01-01", "2026-11-30"),
            t(9, "2025-01-01", "2026-11-30"),
        ];
        let ids = |today: &str, days| {
            let ending = ending_within(&terms, d(today), days);
            ending.into_iter().map(|t| t.office_id).collect::<Vec<_>>()
        };
        // 1 ends on the window's last day, 2 today, 3 a day too late; 4 has ended, 5 was
        // revoked, 6 has not started; 7's revocation is due on 2026-11-20
        assert_eq!(ids("2026-11-01", 60), vec![2, 7, 8, 9, 1]);
        assert_eq!(ids("2026-11-01", 0), vec![2]);
        assert_eq!(ids("2026-11-02", 60), vec![7, 8, 9, 1, 3]);
        assert_eq!(ids("2024-01-01", 60), Vec::<i64>::new());
        assert_eq!(ids("2026-11-01", u32::MAX), vec![2, 7, 8, 9, 1, 3]);
    }

    #[test]
    fn nominees_ranked_by_the_seeds_criteria() {
        let on = d("2026-01-01");
        let n = |person_id, since: Option<&str>, projects, experience_years| Nominee {
            person_id,
            member_since: since.map(d),
            projects,
            experience_years,
        };
        let since = |day| Some(day);
        // nominees, expected (person, rank), best first
        let cases = [
            // seniority first, whatever the rest
            (
                vec![
                    n(1, since("2025-01-01"), 9, 9),
                    n(2, since("2020-01-01"), 0, 0),
                ],
                vec![(2, 1), (1, 2)],
            ),
            // then projects
            (
                vec![
                    n(1, since("2020-01-01"), 1, 9),
                    n(2, since("2020-01-01"), 2, 0),
                ],
                vec![(2, 1), (1, 2)],
            ),
            // then experience
            (
                vec![
                    n(1, since("2020-01-01"), 2, 3),
                    n(2, since("2020-01-01"), 2, 4),
                ],
                vec![(2, 1), (1, 2)],
            ),
            // equals share a rank, listed by person, and the next rank skips
            (
                vec![
                    n(7, since("2020-01-01"), 2, 3),
                    n(3, since("2020-01-01"), 2, 3),
                    n(5, since("2021-01-01"), 2, 3),
                ],
                vec![(3, 1), (7, 1), (5, 3)],
            ),
            // unknown or future membership counts as none
            (
                vec![
                    n(1, None, 5, 0),
                    n(2, since("2027-01-01"), 4, 0),
                    n(3, since("2026-01-01"), 4, 0),
                    n(4, since("2025-12-31"), 0, 0),
                ],
                vec![(4, 1), (1, 2), (2, 3), (3, 3)],
            ),
            (vec![], vec![]),
        ];
        for (nominees, expected) in cases {
            let ranked = rank_nominees(&nominees, on);
            let got: Vec<(i64, usize)> = ranked.iter().map(|r| (r.person_id, r.rank)).collect();
            assert_eq!(got, expected, "{nominees:?}");
        }
        let ranked = rank_nominees(&[n(1, since("2025-12-01"), 3, 4), n(2, None, 0, 0)], on);
        let first = Ranked {
            person_id: 1,
            rank: 1,
            seniority_days: 31,
            projects: 3,
            experience_years: 4,
        };
        let second = Ranked {
            person_id: 2,
            rank: 2,
            seniority_days: 0,
            projects: 0,
            experience_years: 0,
        };
        assert_eq!(ranked, vec![first, second]);
    }

    #[test]
    fn refusals_read_in_both_languages() {
        let refusals = [
            (NotASeat, "not_a_seat"),
            (CollectiveRequired, "collective_required"),
            (CollectiveNotApplicable, "collective_not_applicable"),
            (EndsBeforeStart, "ends_before_start"),
            (TermTooLong { max_months: 12 }, "term_too_long"),
            (NotInCollective, "not_in_collective"),
            (
                WrongProfile {
                    required: Profile::Business,
                },
                "wrong_profile",
            ),
            (
                WrongProfile {
                    required: Profile::Technical,
                },
                "wrong_profile",
            ),
            (Overlaps { office_id: 7 }, "overlapping_term"),
            (SeatsFull { max: 3 }, "seats_full"),
            (SameInstitution { office_id: 8 }, "same_institution"),
            (RenewalsExhausted { max: 2 }, "renewals_exhausted"),
        ];
        for lang in Lang::ALL {
            for (refusal, code) in &refusals {
                assert_eq!(refusal.code(), *code);
                let message = refusal.message(lang.tr());
                assert!(!message.trim().is_empty(), "{lang:?} {refusal:?}");
                let unfilled = message.contains('{') || message.contains('}');
                assert!(!unfilled, "{lang:?} {refusal:?}: {message}");
            }
        }
        let (es, en) = (Lang::Es.tr(), Lang::En.tr());
        assert!(SeatsFull { max: 3 }.message(es).contains('3'));
        assert!(TermTooLong { max_months: 24 }.message(en).contains("24"));
        assert!(SameInstitution { office_id: 8 }.message(en).contains("#8"));
        assert!(RenewalsExhausted { max: 2 }.message(es).contains('2'));
        for t in [es, en] {
            let technical = WrongProfile {
                required: Profile::Technical,
            }
            .message(t);
            assert!(technical.contains(t.seat_profile_technical), "{technical}");
            let business = WrongProfile {
                required: Profile::Business,
            }
            .message(t);
            assert!(business.contains(t.seat_profile_business), "{business}");
            assert!(!t.seat_profile_none.is_empty());
            assert!(!t.seat_rank_criteria.is_empty());
            assert!(t.seat_seniority_days.contains("{days}"));
            assert!(t.seat_projects.contains("{count}"));
            assert!(t.seat_experience_years.contains("{years}"));
        }
    }
}
