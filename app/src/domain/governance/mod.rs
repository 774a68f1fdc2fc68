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

/// How many leaders a collective lacks to reach the minimum (`None` when it has them): a
/// collective below it is flagged on the public pages.
pub fn leaders_short(leaders: usize, s: &GovernanceSettings) -> Option<usize> {
    (leaders < s.leaders_min).then(|| s.leaders_min - leaders)
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
mod tests;
