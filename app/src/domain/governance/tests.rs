//! Table tests of the rules of `governance`.

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

#[test]
fn a_collective_below_the_leaders_minimum_is_short() {
    let s = GovernanceSettings::default();
    assert_eq!(leaders_short(0, &s), Some(2));
    assert_eq!(leaders_short(1, &s), Some(1));
    assert_eq!(leaders_short(2, &s), None);
    assert_eq!(leaders_short(3, &s), None);
}
