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
    /// The seats of the nodes commission (a node's admission).
    NodesCommission,
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
            Electorate::NodesCommission => "nodes-commission".to_string(),
            Electorate::CollectiveMembers(id) => format!("collective:{id}"),
            Electorate::Meeting(id) => format!("meeting:{id}"),
        }
    }

    pub fn parse(s: &str) -> Option<Electorate> {
        match s {
            "executive-council" => Some(Electorate::ExecutiveCouncil),
            "advisory-council" => Some(Electorate::AdvisoryCouncil),
            "nodes-commission" => Some(Electorate::NodesCommission),
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
        Electorate::NodesCommission => office.role == Role::NodesCommission,
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
mod tests;
