//! Table tests of the rules of `voting`.

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
        (Electorate::NodesCommission, "nodes-commission"),
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
    let cases: [(Electorate, &str, &[PersonId]); 10] = [
        (Electorate::ExecutiveCouncil, "2025-12-31", &[2]),
        (Electorate::ExecutiveCouncil, "2026-01-01", &[1, 2]),
        (Electorate::ExecutiveCouncil, "2026-05-31", &[1, 2]),
        (Electorate::ExecutiveCouncil, "2026-06-01", &[1, 3]),
        (Electorate::ExecutiveCouncil, "2027-01-01", &[3]),
        (Electorate::AdvisoryCouncil, "2025-12-31", &[4]),
        (Electorate::AdvisoryCouncil, "2026-05-31", &[4, 6]),
        (Electorate::AdvisoryCouncil, "2026-06-01", &[6]),
        (Electorate::NodesCommission, "2026-05-31", &[]),
        (Electorate::NodesCommission, "2026-06-01", &[3]),
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
