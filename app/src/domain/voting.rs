//! Votes: who may vote on a day, how a vote is counted and whether it passes. Each person has one
//! weight: a ballot of yes, no or abstain, cast directly or, under liquid democracy, through a
//! chain of delegations to someone who did vote. Plain data in, a [`Tally`] out (serializable, so
//! a service can store it as the record of how a decision was reached).

use crate::domain::roles::{Office, Role};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A person, by the id of their account.
pub type PersonId = i64;

/// What a ballot says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Choice {
    Yes,
    No,
    Abstain,
}

impl Choice {
    pub const ALL: [Choice; 3] = [Choice::Yes, Choice::No, Choice::Abstain];

    /// The name stored in the database and used in forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Yes => "yes",
            Choice::No => "no",
            Choice::Abstain => "abstain",
        }
    }

    pub fn parse(s: &str) -> Option<Choice> {
        Choice::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// How many votes in favour a motion needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Majority {
    /// More yes than no; abstentions do not count either way.
    Simple,
    /// Yes from more than half of everyone eligible, whether they voted or not.
    Absolute,
    /// Yes from at least two thirds of those who voted yes or no; abstentions do not count.
    TwoThirds,
}

impl Majority {
    pub const ALL: [Majority; 3] = [Majority::Simple, Majority::Absolute, Majority::TwoThirds];

    pub fn as_str(self) -> &'static str {
        match self {
            Majority::Simple => "simple",
            Majority::Absolute => "absolute",
            Majority::TwoThirds => "two_thirds",
        }
    }

    pub fn parse(s: &str) -> Option<Majority> {
        Majority::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// What a tie means for the motion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TieRule {
    Rejected,
    Approved,
    /// The chair's vote (cast directly or through delegation) breaks the tie: yes approves,
    /// anything else (no, abstain, no vote, no chair) rejects.
    ChairDecides,
}

impl TieRule {
    pub const ALL: [TieRule; 3] = [TieRule::Rejected, TieRule::Approved, TieRule::ChairDecides];

    pub fn as_str(self) -> &'static str {
        match self {
            TieRule::Rejected => "rejected",
            TieRule::Approved => "approved",
            TieRule::ChairDecides => "chair_decides",
        }
    }

    pub fn parse(s: &str) -> Option<TieRule> {
        TieRule::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Parses `collective:{id}` with `id` written exactly as [`i64`] prints it (no sign, no leading
/// zeros), so that every key has one spelling.
fn parse_collective_key(s: &str) -> Option<i64> {
    let id: i64 = s.strip_prefix("collective:")?.parse().ok()?;
    (id.to_string() == s["collective:".len()..]).then_some(id)
}

/// Who may vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Electorate {
    /// The executive secretary and the projects and nodes commissions.
    ExecutiveCouncil,
    /// The members of the advisory council.
    AdvisoryCouncil,
    /// The members and leaders of one collective, and the people who joined it individually.
    CollectiveMembers(i64),
    /// The seats present at one meeting (in person, virtually or represented), as the
    /// secretary recorded them: the caller computes it from the attendance.
    Meeting(i64),
}

impl Electorate {
    /// The name stored in the database: `executive-council`, `advisory-council` or
    /// `collective:{id}`.
    pub fn key(&self) -> String {
        match self {
            Electorate::ExecutiveCouncil => "executive-council".to_string(),
            Electorate::AdvisoryCouncil => "advisory-council".to_string(),
            Electorate::CollectiveMembers(id) => format!("collective:{id}"),
            Electorate::Meeting(id) => format!("meeting:{id}"),
        }
    }

    pub fn parse(s: &str) -> Option<Electorate> {
        match s {
            "executive-council" => Some(Electorate::ExecutiveCouncil),
            "advisory-council" => Some(Electorate::AdvisoryCouncil),
            _ => match s.strip_prefix("meeting:") {
                Some(id) => id
                    .parse::<i64>()
                    .ok()
                    .filter(|n| n.to_string() == id)
                    .map(Electorate::Meeting),
                None => parse_collective_key(s).map(Electorate::CollectiveMembers),
            },
        }
    }
}

/// What a delegation covers: a person may delegate differently for each scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DelegationScope {
    /// Elections of representatives and councils.
    Elections,
    /// Decisions on projects.
    Projects,
    /// The internal matters of one collective.
    Collective(i64),
}

impl DelegationScope {
    /// The name stored in the database: `elections`, `projects` or `collective:{id}`.
    pub fn key(&self) -> String {
        match self {
            DelegationScope::Elections => "elections".to_string(),
            DelegationScope::Projects => "projects".to_string(),
            DelegationScope::Collective(id) => format!("collective:{id}"),
        }
    }

    pub fn parse(s: &str) -> Option<DelegationScope> {
        match s {
            "elections" => Some(DelegationScope::Elections),
            "projects" => Some(DelegationScope::Projects),
            _ => parse_collective_key(s).map(DelegationScope::Collective),
        }
    }
}

/// A person who joined a collective on their own (not through an office).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndividualMembership {
    pub person_id: PersonId,
    pub collective_id: i64,
    pub since: NaiveDate,
    /// Last day of membership, inclusive; `None` while it lasts.
    pub until: Option<NaiveDate>,
}

impl IndividualMembership {
    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.since <= day && self.until.is_none_or(|u| day <= u)
    }
}

/// The people who may vote in `electorate` on `day`, given everyone's offices (paired with their
/// holder) and individual memberships.
pub fn eligible(
    electorate: Electorate,
    offices: &[(PersonId, Office)],
    memberships: &[IndividualMembership],
    day: NaiveDate,
) -> BTreeSet<PersonId> {
    let qualifies = |office: &Office| match electorate {
        Electorate::ExecutiveCouncil => matches!(
            office.role,
            Role::ExecutiveSecretary | Role::ProjectsCommission | Role::NodesCommission
        ),
        Electorate::AdvisoryCouncil => office.role == Role::AdvisoryMember,
        Electorate::CollectiveMembers(c) => {
            matches!(office.role, Role::Member | Role::CollectiveLeader)
                && office.collective_id == Some(c)
        }
        // a meeting's seats come from its attendance, not from offices
        Electorate::Meeting(_) => false,
    };
    let by_office = offices
        .iter()
        .filter(|(_, o)| qualifies(o) && o.is_active_on(day))
        .map(|(person, _)| *person);
    let individually = memberships.iter().filter_map(|m| match electorate {
        Electorate::CollectiveMembers(c) if m.collective_id == c && m.is_active_on(day) => {
            Some(m.person_id)
        }
        _ => None,
    });
    by_office.chain(individually).collect()
}

/// `from` lets `to` vote for them. The caller passes only the delegations of one scope that are
/// active on the day in question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delegation {
    pub from: PersonId,
    pub to: PersonId,
}

/// Who delegates to whom; with several delegations from one person, the last one.
fn delegation_map(delegations: &[Delegation]) -> BTreeMap<PersonId, PersonId> {
    delegations.iter().map(|d| (d.from, d.to)).collect()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DelegationRefusal {
    SelfDelegation,
    /// The new delegation would close a loop. `through` is the existing chain starting at the new
    /// delegate and ending at the person delegating: for `from → to` it is `[to, …, from]`, each
    /// one delegating to the next.
    Cycle {
        through: Vec<PersonId>,
    },
}

/// Whether `from` may delegate to `to`, given the `existing` delegations of the same scope.
/// `from`'s own current delegation, if any, is ignored: the new one replaces it.
pub fn check_delegation(
    from: PersonId,
    to: PersonId,
    existing: &[Delegation],
) -> Result<(), DelegationRefusal> {
    if from == to {
        return Err(DelegationRefusal::SelfDelegation);
    }
    let mut next = delegation_map(existing);
    next.remove(&from);
    let mut through = vec![to];
    let mut seen = BTreeSet::from([to]);
    let mut current = to;
    while let Some(&after) = next.get(&current) {
        through.push(after);
        if after == from {
            return Err(DelegationRefusal::Cycle { through });
        }
        if !seen.insert(after) {
            // a loop among others (already stored) that does not pass through `from`
            return Ok(());
        }
        current = after;
    }
    Ok(())
}

/// One person's vote as cast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ballot {
    pub voter: PersonId,
    pub choice: Choice,
}

/// How a vote is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rules {
    pub majority: Majority,
    pub tie: TieRule,
    /// Whether the weight of those who did not vote follows their delegations.
    pub liquid: bool,
    /// Who presides, for [`TieRule::ChairDecides`].
    pub chair: Option<PersonId>,
}

/// The weight behind one choice: ballots cast directly and weight that reached them by delegation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Weight {
    pub direct: u32,
    pub delegated: u32,
}

impl Weight {
    pub fn total(&self) -> u32 {
        self.direct + self.delegated
    }
}

/// How one eligible person's weight was counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Resolved {
    pub voter: PersonId,
    /// `None`: not counted (they did not vote and no delegation reached a ballot).
    pub choice: Option<Choice>,
    /// Empty when the voter voted directly (or was not counted); otherwise the delegates
    /// followed, in order, the last being the one whose ballot counted.
    pub via: Vec<PersonId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Approved,
    Rejected,
}

/// The count of a vote and its result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub yes: Weight,
    pub no: Weight,
    pub abstain: Weight,
    /// How many people could vote.
    pub eligible: u32,
    /// How many of them had their weight counted, directly or by delegation.
    pub counted: u32,
    pub not_counted: u32,
    /// Whether the majority was tied, so that the tie rule decided.
    pub tie: bool,
    pub outcome: Outcome,
    /// One per eligible person, ordered by id.
    pub resolution: Vec<Resolved>,
    /// Those who cast a ballot without being eligible, ordered by id, each once.
    pub ignored_ballots: Vec<PersonId>,
}

/// Counts a vote. Each eligible person weighs one: their own ballot if they cast one (the last,
/// if several), otherwise — when `rules.liquid` — the ballot their chain of delegations reaches.
/// The chain stops, and the weight is not counted, at a delegate who is not eligible, at a loop,
/// or at someone who neither voted nor delegates.
pub fn tally(
    eligible: &BTreeSet<PersonId>,
    ballots: &[Ballot],
    delegations: &[Delegation],
    rules: &Rules,
) -> Tally {
    let mut cast: BTreeMap<PersonId, Choice> = BTreeMap::new();
    let mut ignored: BTreeSet<PersonId> = BTreeSet::new();
    for b in ballots {
        if eligible.contains(&b.voter) {
            cast.insert(b.voter, b.choice);
        } else {
            ignored.insert(b.voter);
        }
    }
    let next = if rules.liquid {
        delegation_map(delegations)
    } else {
        BTreeMap::new()
    };

    let resolution: Vec<Resolved> = eligible
        .iter()
        .map(|&voter| resolve(voter, eligible, &cast, &next))
        .collect();

    let (mut yes, mut no, mut abstain) = (Weight::default(), Weight::default(), Weight::default());
    let mut counted = 0u32;
    for r in &resolution {
        let Some(choice) = r.choice else { continue };
        counted += 1;
        let w = match choice {
            Choice::Yes => &mut yes,
            Choice::No => &mut no,
            Choice::Abstain => &mut abstain,
        };
        if r.via.is_empty() {
            w.direct += 1;
        } else {
            w.delegated += 1;
        }
    }
    let eligible_count = u32::try_from(eligible.len()).unwrap_or(u32::MAX);

    let decided = decide(rules.majority, yes.total(), no.total(), eligible_count);
    let (tie, outcome) = match decided {
        Some(outcome) => (false, outcome),
        None => (true, break_tie(rules, &resolution)),
    };

    Tally {
        yes,
        no,
        abstain,
        eligible: eligible_count,
        counted,
        not_counted: eligible_count - counted,
        tie,
        outcome,
        resolution,
        ignored_ballots: ignored.into_iter().collect(),
    }
}

/// Where one eligible voter's weight goes.
fn resolve(
    voter: PersonId,
    eligible: &BTreeSet<PersonId>,
    cast: &BTreeMap<PersonId, Choice>,
    next: &BTreeMap<PersonId, PersonId>,
) -> Resolved {
    let not_counted = Resolved {
        voter,
        choice: None,
        via: Vec::new(),
    };
    if let Some(&choice) = cast.get(&voter) {
        return Resolved {
            voter,
            choice: Some(choice),
            via: Vec::new(),
        };
    }
    let mut via = Vec::new();
    let mut seen = BTreeSet::from([voter]);
    let mut current = voter;
    while let Some(&delegate) = next.get(&current) {
        if !eligible.contains(&delegate) || !seen.insert(delegate) {
            return not_counted;
        }
        via.push(delegate);
        if let Some(&choice) = cast.get(&delegate) {
            return Resolved {
                voter,
                choice: Some(choice),
                via,
            };
        }
        current = delegate;
    }
    not_counted
}

/// The outcome the majority gives, or `None` on a tie.
fn decide(majority: Majority, yes: u32, no: u32, eligible: u32) -> Option<Outcome> {
    use std::cmp::Ordering::*;
    let (yes, no, eligible) = (u64::from(yes), u64::from(no), u64::from(eligible));
    let ordering = match majority {
        Majority::Simple => yes.cmp(&no),
        Majority::Absolute => (yes * 2).cmp(&eligible),
        Majority::TwoThirds => {
            let passes = yes > 0 && yes * 3 >= (yes + no) * 2;
            return Some(if passes {
                Outcome::Approved
            } else {
                Outcome::Rejected
            });
        }
    };
    match ordering {
        Greater => Some(Outcome::Approved),
        Less => Some(Outcome::Rejected),
        Equal => None,
    }
}

fn break_tie(rules: &Rules, resolution: &[Resolved]) -> Outcome {
    match rules.tie {
        TieRule::Rejected => Outcome::Rejected,
        TieRule::Approved => Outcome::Approved,
        TieRule::ChairDecides => {
            let chair_choice = rules.chair.and_then(|chair| {
                resolution
                    .iter()
                    .find(|r| r.voter == chair)
                    .and_then(|r| r.choice)
            });
            if chair_choice == Some(Choice::Yes) {
                Outcome::Approved
            } else {
                Outcome::Rejected
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn office(
        role: Role,
        collective: Option<i64>,
        start: &str,
        end: Option<&str>,
        revoked: Option<&str>,
    ) -> Office {
        Office {
            id: 0,
            role,
            collective_id: collective,
            starts_on: d(start),
            ends_on: end.map(d),
            revoked_on: revoked.map(d),
        }
    }

    fn set(ids: &[PersonId]) -> BTreeSet<PersonId> {
        ids.iter().copied().collect()
    }

    fn ballots(list: &[(PersonId, Choice)]) -> Vec<Ballot> {
        list.iter()
            .map(|&(voter, choice)| Ballot { voter, choice })
            .collect()
    }

    fn delegations(list: &[(PersonId, PersonId)]) -> Vec<Delegation> {
        list.iter()
            .map(|&(from, to)| Delegation { from, to })
            .collect()
    }

    fn rules(majority: Majority, tie: TieRule) -> Rules {
        Rules {
            majority,
            tie,
            liquid: true,
            chair: None,
        }
    }

    fn simple() -> Rules {
        rules(Majority::Simple, TieRule::Rejected)
    }

    fn w(direct: u32, delegated: u32) -> Weight {
        Weight { direct, delegated }
    }

    fn resolved(voter: PersonId, choice: Option<Choice>, via: &[PersonId]) -> Resolved {
        Resolved {
            voter,
            choice,
            via: via.to_vec(),
        }
    }

    use Choice::{Abstain, No, Yes};

    #[test]
    fn names_round_trip() {
        for c in Choice::ALL {
            assert_eq!(Choice::parse(c.as_str()), Some(c));
        }
        for m in Majority::ALL {
            assert_eq!(Majority::parse(m.as_str()), Some(m));
        }
        for t in TieRule::ALL {
            assert_eq!(TieRule::parse(t.as_str()), Some(t));
        }
        for bad in ["", "Yes", "si", "two-thirds", "chair"] {
            assert_eq!(Choice::parse(bad), None, "{bad}");
            assert_eq!(Majority::parse(bad), None, "{bad}");
            assert_eq!(TieRule::parse(bad), None, "{bad}");
        }
        assert_eq!(Majority::TwoThirds.as_str(), "two_thirds");
        assert_eq!(TieRule::ChairDecides.as_str(), "chair_decides");
    }

    #[test]
    fn serialized_names_match_stored_names() {
        for c in Choice::ALL {
            assert_eq!(
                serde_json::to_value(c).expect("json"),
                serde_json::json!(c.as_str())
            );
        }
        for m in Majority::ALL {
            assert_eq!(
                serde_json::to_value(m).expect("json"),
                serde_json::json!(m.as_str())
            );
        }
        for t in TieRule::ALL {
            assert_eq!(
                serde_json::to_value(t).expect("json"),
                serde_json::json!(t.as_str())
            );
        }
        assert_eq!(
            serde_json::to_value(Outcome::Approved).expect("json"),
            serde_json::json!("approved")
        );
        assert_eq!(
            serde_json::to_value(Outcome::Rejected).expect("json"),
            serde_json::json!("rejected")
        );
    }

    #[test]
    fn electorate_keys_round_trip() {
        let cases = [
            (Electorate::ExecutiveCouncil, "executive-council"),
            (Electorate::AdvisoryCouncil, "advisory-council"),
            (Electorate::CollectiveMembers(7), "collective:7"),
            (Electorate::CollectiveMembers(-3), "collective:-3"),
        ];
        for (electorate, key) in cases {
            assert_eq!(electorate.key(), key);
            assert_eq!(Electorate::parse(key), Some(electorate), "{key}");
        }
        for bad in [
            "",
            "executive_council",
            "collective:",
            "collective:x",
            "collective:07",
            "collective:+7",
            "collective: 7",
            "collective",
            "elections",
        ] {
            assert_eq!(Electorate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn scope_keys_round_trip() {
        let cases = [
            (DelegationScope::Elections, "elections"),
            (DelegationScope::Projects, "projects"),
            (DelegationScope::Collective(12), "collective:12"),
        ];
        for (scope, key) in cases {
            assert_eq!(scope.key(), key);
            assert_eq!(DelegationScope::parse(key), Some(scope), "{key}");
        }
        for bad in [
            "",
            "Elections",
            "collective:",
            "collective:1a",
            "collective:012",
            "advisory-council",
        ] {
            assert_eq!(DelegationScope::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn executive_and_advisory_councils_on_a_day() {
        let offices = [
            // 1: secretary for 2026, 2: projects commission revoked on 2026-06-01,
            // 3: nodes commission from 2026-06-01, 4: advisory member until 2026-05-31,
            // 5: administrator and member (neither council), 6: advisory member from 2026-01-01
            (
                1,
                office(
                    Role::ExecutiveSecretary,
                    None,
                    "2026-01-01",
                    Some("2026-12-31"),
                    None,
                ),
            ),
            (
                2,
                office(
                    Role::ProjectsCommission,
                    Some(1),
                    "2025-01-01",
                    None,
                    Some("2026-06-01"),
                ),
            ),
            (
                3,
                office(Role::NodesCommission, Some(2), "2026-06-01", None, None),
            ),
            (
                4,
                office(
                    Role::AdvisoryMember,
                    None,
                    "2025-01-01",
                    Some("2026-05-31"),
                    None,
                ),
            ),
            (
                5,
                office(Role::Administrator, None, "2020-01-01", None, None),
            ),
            (5, office(Role::Member, Some(1), "2020-01-01", None, None)),
            (
                6,
                office(Role::AdvisoryMember, None, "2026-01-01", None, None),
            ),
        ];
        let members = [IndividualMembership {
            person_id: 7,
            collective_id: 1,
            since: d("2020-01-01"),
            until: None,
        }];
        let cases: [(Electorate, &str, &[PersonId]); 8] = [
            (Electorate::ExecutiveCouncil, "2025-12-31", &[2]),
            (Electorate::ExecutiveCouncil, "2026-01-01", &[1, 2]),
            (Electorate::ExecutiveCouncil, "2026-05-31", &[1, 2]),
            (Electorate::ExecutiveCouncil, "2026-06-01", &[1, 3]),
            (Electorate::ExecutiveCouncil, "2027-01-01", &[3]),
            (Electorate::AdvisoryCouncil, "2025-12-31", &[4]),
            (Electorate::AdvisoryCouncil, "2026-05-31", &[4, 6]),
            (Electorate::AdvisoryCouncil, "2026-06-01", &[6]),
        ];
        for (electorate, day, expected) in cases {
            assert_eq!(
                eligible(electorate, &offices, &members, d(day)),
                set(expected),
                "{electorate:?} on {day}"
            );
        }
    }

    #[test]
    fn collective_members_on_a_day() {
        let offices = [
            // 1: member of 1 from 2026-01-01; 2: leader of 1 revoked on 2026-06-01;
            // 3: member of collective 2 only; 4: projects commission for 1 (not a member role)
            (1, office(Role::Member, Some(1), "2026-01-01", None, None)),
            (
                2,
                office(
                    Role::CollectiveLeader,
                    Some(1),
                    "2025-01-01",
                    None,
                    Some("2026-06-01"),
                ),
            ),
            (3, office(Role::Member, Some(2), "2020-01-01", None, None)),
            (
                4,
                office(Role::ProjectsCommission, Some(1), "2020-01-01", None, None),
            ),
        ];
        let members = [
            // 5: joined 1 individually for the first half of 2026; 6: joined 2; 1 also individually
            IndividualMembership {
                person_id: 5,
                collective_id: 1,
                since: d("2026-01-01"),
                until: Some(d("2026-06-30")),
            },
            IndividualMembership {
                person_id: 6,
                collective_id: 2,
                since: d("2026-03-01"),
                until: None,
            },
            IndividualMembership {
                person_id: 1,
                collective_id: 1,
                since: d("2025-06-01"),
                until: None,
            },
        ];
        let cases: [(i64, &str, &[PersonId]); 9] = [
            (1, "2024-12-31", &[]),
            (1, "2025-06-01", &[1, 2]),
            (1, "2026-01-01", &[1, 2, 5]),
            (1, "2026-05-31", &[1, 2, 5]),
            (1, "2026-06-01", &[1, 5]),
            (1, "2026-06-30", &[1, 5]),
            (1, "2026-07-01", &[1]),
            (2, "2026-02-28", &[3]),
            (2, "2026-03-01", &[3, 6]),
        ];
        for (collective, day, expected) in cases {
            assert_eq!(
                eligible(
                    Electorate::CollectiveMembers(collective),
                    &offices,
                    &members,
                    d(day)
                ),
                set(expected),
                "collective {collective} on {day}"
            );
        }
        // individual memberships do not make anyone a council member
        assert_eq!(
            eligible(
                Electorate::AdvisoryCouncil,
                &offices,
                &members,
                d("2026-03-01")
            ),
            set(&[])
        );
    }

    #[test]
    fn delegation_checks() {
        let (a, b, c, x) = (1, 2, 3, 9);
        let cases = [
            (
                "to oneself",
                a,
                a,
                vec![],
                Err(DelegationRefusal::SelfDelegation),
            ),
            ("first delegation", a, b, vec![], Ok(())),
            (
                "direct cycle: b→a exists, a→b",
                a,
                b,
                delegations(&[(b, a)]),
                Err(DelegationRefusal::Cycle {
                    through: vec![b, a],
                }),
            ),
            (
                "long cycle: a→b→c exist, c→a; through runs from the new delegate back",
                c,
                a,
                delegations(&[(a, b), (b, c)]),
                Err(DelegationRefusal::Cycle {
                    through: vec![a, b, c],
                }),
            ),
            (
                "a chain without return",
                a,
                b,
                delegations(&[(b, c), (c, x)]),
                Ok(()),
            ),
            (
                "replacing one's own delegation is not a cycle",
                a,
                c,
                delegations(&[(a, b), (b, a)]),
                Ok(()),
            ),
            (
                "own old delegation ignored even if it pointed along the chain",
                a,
                b,
                delegations(&[(a, c), (b, c)]),
                Ok(()),
            ),
            (
                "a loop among others that does not reach us terminates",
                a,
                b,
                delegations(&[(b, c), (c, b)]),
                Ok(()),
            ),
            (
                "the same delegation again",
                a,
                b,
                delegations(&[(a, b)]),
                Ok(()),
            ),
        ];
        for (name, from, to, existing, expected) in cases {
            assert_eq!(check_delegation(from, to, &existing), expected, "{name}");
        }
    }

    #[test]
    fn plain_votes_under_each_majority() {
        // 10 eligible; (yes, no, abstain) ballots; expected outcome and tie per majority
        let eligible = set(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        let cases: [(Majority, u32, u32, u32, Outcome, bool); 13] = [
            (Majority::Simple, 3, 2, 5, Outcome::Approved, false),
            (Majority::Simple, 2, 3, 0, Outcome::Rejected, false),
            (Majority::Simple, 2, 2, 1, Outcome::Rejected, true),
            (Majority::Simple, 0, 0, 0, Outcome::Rejected, true),
            (Majority::Absolute, 6, 0, 0, Outcome::Approved, false),
            (Majority::Absolute, 5, 0, 0, Outcome::Rejected, true),
            (Majority::Absolute, 4, 1, 5, Outcome::Rejected, false),
            (Majority::TwoThirds, 2, 1, 0, Outcome::Approved, false),
            (Majority::TwoThirds, 4, 2, 4, Outcome::Approved, false),
            (Majority::TwoThirds, 3, 2, 0, Outcome::Rejected, false),
            (Majority::TwoThirds, 1, 0, 9, Outcome::Approved, false),
            (Majority::TwoThirds, 0, 0, 5, Outcome::Rejected, false),
            (Majority::TwoThirds, 0, 0, 0, Outcome::Rejected, false),
        ];
        for (majority, y, n, ab, outcome, tie) in cases {
            let mut list = Vec::new();
            let mut ids = eligible.iter().copied();
            for (count, choice) in [(y, Yes), (n, No), (ab, Abstain)] {
                for _ in 0..count {
                    list.push((ids.next().expect("enough voters"), choice));
                }
            }
            let t = tally(
                &eligible,
                &ballots(&list),
                &[],
                &rules(majority, TieRule::Rejected),
            );
            let case = format!("{majority:?} {y}/{n}/{ab}");
            assert_eq!(t.yes, w(y, 0), "{case}");
            assert_eq!(t.no, w(n, 0), "{case}");
            assert_eq!(t.abstain, w(ab, 0), "{case}");
            assert_eq!(t.eligible, 10, "{case}");
            assert_eq!(t.counted, y + n + ab, "{case}");
            assert_eq!(t.not_counted, 10 - (y + n + ab), "{case}");
            assert_eq!((t.outcome, t.tie), (outcome, tie), "{case}");
            assert_eq!(t.resolution.len(), 10, "{case}");
        }
    }

    #[test]
    fn ties_under_each_tie_rule() {
        // 1 and 2 vote yes, 3 and 4 vote no; 5 is the chair in some cases
        let eligible = set(&[1, 2, 3, 4, 5, 6]);
        let base = [(1, Yes), (2, Yes), (3, No), (4, No)];
        let with = |extra: &[(PersonId, Choice)]| {
            let mut v = base.to_vec();
            v.extend_from_slice(extra);
            ballots(&v)
        };
        let chair = |chair: Option<PersonId>| Rules {
            chair,
            ..rules(Majority::Simple, TieRule::ChairDecides)
        };
        let cases = [
            (
                "rejected",
                rules(Majority::Simple, TieRule::Rejected),
                with(&[]),
                vec![],
                Outcome::Rejected,
            ),
            (
                "approved",
                rules(Majority::Simple, TieRule::Approved),
                with(&[]),
                vec![],
                Outcome::Approved,
            ),
            (
                "chair voted yes",
                chair(Some(1)),
                with(&[]),
                vec![],
                Outcome::Approved,
            ),
            (
                "chair voted no",
                chair(Some(3)),
                with(&[]),
                vec![],
                Outcome::Rejected,
            ),
            (
                "chair abstained",
                chair(Some(5)),
                with(&[(5, Abstain)]),
                vec![],
                Outcome::Rejected,
            ),
            (
                "chair did not vote",
                chair(Some(5)),
                with(&[]),
                vec![],
                Outcome::Rejected,
            ),
            (
                "no chair",
                chair(None),
                with(&[]),
                vec![],
                Outcome::Rejected,
            ),
            (
                "chair abstains through a delegation (5 → 6, 6 abstains)",
                chair(Some(5)),
                with(&[(6, Abstain)]),
                delegations(&[(5, 6)]),
                Outcome::Rejected,
            ),
            (
                "chair not eligible",
                chair(Some(99)),
                with(&[(99, Yes)]),
                vec![],
                Outcome::Rejected,
            ),
            (
                "absolute tie, rejected",
                rules(Majority::Absolute, TieRule::Rejected),
                ballots(&[(1, Yes), (2, Yes), (3, Yes)]),
                vec![],
                Outcome::Rejected,
            ),
        ];
        for (name, rules, ballots, delegations, outcome) in cases {
            let t = tally(&eligible, &ballots, &delegations, &rules);
            assert!(t.tie, "{name}");
            assert_eq!(t.outcome, outcome, "{name}");
        }

        // the chair's delegated yes breaks a tie: 5 (chair) → 6 who votes yes; 4 to 4
        let eligible = set(&[1, 2, 3, 4, 5, 6, 7, 8]);
        let t = tally(
            &eligible,
            &with(&[(6, Yes), (7, No), (8, No)]),
            &delegations(&[(5, 6)]),
            &chair(Some(5)),
        );
        assert_eq!((t.yes, t.no), (w(3, 1), w(4, 0)));
        assert!(t.tie);
        assert_eq!(t.resolution[4], resolved(5, Some(Yes), &[6]));
        assert_eq!(t.outcome, Outcome::Approved);
        // and the absolute majority's tie approves when the rule says so
        let t = tally(
            &set(&[1, 2, 3, 4]),
            &ballots(&[(1, Yes), (2, Yes)]),
            &[],
            &rules(Majority::Absolute, TieRule::Approved),
        );
        assert!(t.tie);
        assert_eq!(t.outcome, Outcome::Approved);
    }

    #[test]
    fn liquid_chain_counts_as_delegated() {
        let (a, b, c) = (1, 2, 3);
        let t = tally(
            &set(&[a, b, c]),
            &ballots(&[(c, Yes)]),
            &delegations(&[(a, b), (b, c)]),
            &simple(),
        );
        assert_eq!(
            t.resolution,
            vec![
                resolved(a, Some(Yes), &[b, c]),
                resolved(b, Some(Yes), &[c]),
                resolved(c, Some(Yes), &[]),
            ]
        );
        assert_eq!(t.yes, w(1, 2));
        assert_eq!(t.yes.total(), 3);
        assert_eq!((t.counted, t.not_counted), (3, 0));
        assert_eq!(t.outcome, Outcome::Approved);
    }

    #[test]
    fn a_direct_ballot_overrides_the_delegation() {
        let (a, b) = (1, 2);
        let t = tally(
            &set(&[a, b]),
            &ballots(&[(a, No), (b, Yes)]),
            &delegations(&[(a, b)]),
            &simple(),
        );
        assert_eq!(t.resolution[0], resolved(a, Some(No), &[]));
        assert_eq!((t.yes, t.no), (w(1, 0), w(1, 0)));
        assert!(t.tie);
    }

    #[test]
    fn without_the_delegation_the_voter_is_not_counted() {
        let (a, b) = (1, 2);
        let with = tally(
            &set(&[a, b]),
            &ballots(&[(b, Yes)]),
            &delegations(&[(a, b)]),
            &simple(),
        );
        assert_eq!(with.yes, w(1, 1));
        let revoked = tally(&set(&[a, b]), &ballots(&[(b, Yes)]), &[], &simple());
        assert_eq!(revoked.resolution[0], resolved(a, None, &[]));
        assert_eq!(revoked.yes, w(1, 0));
        assert_eq!((revoked.counted, revoked.not_counted), (1, 1));
    }

    #[test]
    fn chains_that_stop() {
        // eligible: 1..=5; 9 is not eligible (but voted, and is ignored)
        let eligible = set(&[1, 2, 3, 4, 5]);
        let cases = [
            (
                "delegate not eligible",
                delegations(&[(1, 9)]),
                vec![(9, Yes)],
                resolved(1, None, &[]),
            ),
            (
                "ineligible intermediary",
                delegations(&[(1, 9), (9, 2)]),
                vec![(2, Yes)],
                resolved(1, None, &[]),
            ),
            (
                "cycle among non-voters",
                delegations(&[(1, 2), (2, 3), (3, 1)]),
                vec![(5, Yes)],
                resolved(1, None, &[]),
            ),
            (
                "cycle not through the voter",
                delegations(&[(1, 2), (2, 3), (3, 2)]),
                vec![(5, Yes)],
                resolved(1, None, &[]),
            ),
            (
                "reaches someone who neither voted nor delegates",
                delegations(&[(1, 2), (2, 3)]),
                vec![(5, Yes)],
                resolved(1, None, &[]),
            ),
            (
                "a voting member of the cycle catches it",
                delegations(&[(1, 2), (2, 3), (3, 1)]),
                vec![(3, No)],
                resolved(1, Some(No), &[2, 3]),
            ),
        ];
        for (name, delegations, list, expected) in cases {
            let t = tally(&eligible, &ballots(&list), &delegations, &simple());
            assert_eq!(t.resolution[0], expected, "{name}");
        }
        let t = tally(
            &eligible,
            &ballots(&[(9, Yes)]),
            &delegations(&[(1, 9)]),
            &simple(),
        );
        assert_eq!(t.ignored_ballots, vec![9]);
        assert_eq!(t.counted, 0);
    }

    #[test]
    fn delegations_ignored_when_not_liquid() {
        let (a, b, c) = (1, 2, 3);
        let rules = Rules {
            liquid: false,
            ..simple()
        };
        let t = tally(
            &set(&[a, b, c]),
            &ballots(&[(c, Yes)]),
            &delegations(&[(a, b), (b, c)]),
            &rules,
        );
        assert_eq!(t.yes, w(1, 0));
        assert_eq!(
            t.resolution,
            vec![
                resolved(a, None, &[]),
                resolved(b, None, &[]),
                resolved(c, Some(Yes), &[]),
            ]
        );
    }

    #[test]
    fn ineligible_ballots_are_ignored() {
        let t = tally(
            &set(&[1, 2]),
            &ballots(&[(7, Yes), (1, No), (5, Yes), (7, Yes)]),
            &[],
            &simple(),
        );
        assert_eq!(t.ignored_ballots, vec![5, 7]);
        assert_eq!((t.yes, t.no), (w(0, 0), w(1, 0)));
        assert_eq!(t.outcome, Outcome::Rejected);
        assert_eq!(t.resolution.len(), 2);
    }

    #[test]
    fn the_last_of_several_ballots_counts() {
        let t = tally(
            &set(&[1, 2]),
            &ballots(&[(1, Yes), (2, No), (1, Abstain), (1, No)]),
            &[],
            &simple(),
        );
        assert_eq!(t.resolution[0], resolved(1, Some(No), &[]));
        assert_eq!((t.yes, t.no, t.abstain), (w(0, 0), w(2, 0), w(0, 0)));
        assert_eq!(t.counted, 2);
    }

    #[test]
    fn tally_serializes() {
        let t = tally(
            &set(&[1, 2]),
            &ballots(&[(2, Yes)]),
            &delegations(&[(1, 2)]),
            &simple(),
        );
        let json = serde_json::to_value(&t).expect("json");
        assert_eq!(json["outcome"], "approved");
        assert_eq!(
            json["yes"],
            serde_json::json!({"direct": 1, "delegated": 1})
        );
        assert_eq!(
            json["resolution"][0],
            serde_json::json!({"voter": 1, "choice": "yes", "via": [2]})
        );
    }
}
