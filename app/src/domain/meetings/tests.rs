//! Table tests of the rules of `meetings`.

use super::*;
use chrono::TimeZone;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("test instant")
        .with_timezone(&Utc)
}

fn holidays(days: &[&str]) -> BTreeSet<NaiveDate> {
    days.iter().map(|s| d(s)).collect()
}

fn with_holidays(days: &[&str]) -> MeetingSettings {
    MeetingSettings {
        holidays: holidays(days),
        ..MeetingSettings::default()
    }
}

fn a(person: PersonId, seat: Seat, presence: Presence) -> Attendance {
    Attendance {
        person,
        seat,
        presence,
    }
}

use Presence::{Absent, InPerson, Virtual};

fn rep(by: PersonId) -> Presence {
    Presence::Represented { by }
}

fn sec(presence: Presence) -> Attendance {
    a(1, Seat::Secretary, presence)
}

/// Members 11, 12, … with the given presences.
fn members(presences: &[Presence]) -> Vec<Attendance> {
    presences
        .iter()
        .zip(11..)
        .map(|(&p, id)| a(id, Seat::Member, p))
        .collect()
}

fn with(base: &[Presence], extra: &[Presence]) -> Vec<Presence> {
    [base, extra].concat()
}

fn meeting(secretary: Presence, others: &[Presence]) -> Vec<Attendance> {
    let mut v = vec![sec(secretary)];
    v.extend(members(others));
    v
}

const MX: Tz = chrono_tz::America::Mexico_City;

#[test]
fn settings_defaults_are_the_seeds() {
    let s = MeetingSettings::default();
    assert_eq!(s.executive_notice, NoticeRule::CalendarDays(15));
    assert_eq!(s.advisory_notice, NoticeRule::BusinessDays(15));
    assert_eq!(s.collective_notice, NoticeRule::CalendarDays(15));
    assert!(s.holidays.is_empty());
    assert_eq!(s.advisory_min_meetings, 3);
    assert_eq!(s.quorum_ordinary_members, 6);
    assert_eq!(s.quorum_extraordinary_members, 4);
}

#[test]
fn names_round_trip() {
    for body in [
        Body::ExecutiveCouncil,
        Body::AdvisoryCouncil,
        Body::Collective(7),
    ] {
        assert_eq!(Body::parse(&body.key()), Some(body));
    }
    assert_eq!(Body::Collective(7).key(), "collective:7");
    for bad in [
        "",
        "executive",
        "collective:",
        "collective:07",
        "collective:+7",
        "collective:x",
    ] {
        assert_eq!(Body::parse(bad), None, "{bad}");
    }
    for kind in MeetingKind::ALL {
        assert_eq!(MeetingKind::parse(kind.as_str()), Some(kind));
    }
    assert_eq!(MeetingKind::parse("Ordinary"), None);
    for rule in [NoticeRule::CalendarDays(15), NoticeRule::BusinessDays(0)] {
        assert_eq!(NoticeRule::parse(&rule.key()), Some(rule));
    }
    assert_eq!(
        NoticeRule::parse(" business:15 "),
        Some(NoticeRule::BusinessDays(15))
    );
    for bad in [
        "",
        "15",
        "calendar:",
        "calendar:015",
        "weeks:2",
        "calendar:-1",
    ] {
        assert_eq!(NoticeRule::parse(bad), None, "{bad}");
    }
}

#[test]
fn holidays_parse_from_a_setting() {
    assert_eq!(parse_holidays(""), Ok(BTreeSet::new()));
    assert_eq!(
        parse_holidays("2026-03-16, 2026-01-01;\n2026-05-01 2026-03-16"),
        Ok(holidays(&["2026-01-01", "2026-03-16", "2026-05-01"]))
    );
    assert_eq!(
        parse_holidays("2026-03-16, 16/03/2026"),
        Err("16/03/2026".to_string())
    );
}

#[test]
fn notice_rule_per_body() {
    let s = MeetingSettings {
        executive_notice: NoticeRule::CalendarDays(10),
        advisory_notice: NoticeRule::BusinessDays(5),
        collective_notice: NoticeRule::CalendarDays(3),
        ..MeetingSettings::default()
    };
    assert_eq!(
        notice_rule(Body::ExecutiveCouncil, &s),
        NoticeRule::CalendarDays(10)
    );
    assert_eq!(
        notice_rule(Body::AdvisoryCouncil, &s),
        NoticeRule::BusinessDays(5)
    );
    assert_eq!(
        notice_rule(Body::Collective(4), &s),
        NoticeRule::CalendarDays(3)
    );
}

#[test]
fn business_days_are_weekdays_that_are_not_holidays() {
    let h = holidays(&["2026-03-16", "2026-03-14"]);
    let cases = [
        ("2026-03-13", true),  // Friday
        ("2026-03-14", false), // Saturday (and a holiday)
        ("2026-03-15", false), // Sunday
        ("2026-03-16", false), // Monday, holiday
        ("2026-03-17", true),  // Tuesday
    ];
    for (day, expected) in cases {
        assert_eq!(is_business_day(d(day), &h), expected, "{day}");
    }
    let between = [
        ("2026-03-19", "2026-03-23", 1), // Friday only
        ("2026-03-20", "2026-03-23", 0), // the weekend
        ("2026-03-13", "2026-03-18", 1), // Sat, Sun, holiday Monday, Tuesday
        ("2026-03-23", "2026-03-23", 0),
        ("2026-03-24", "2026-03-23", 0),
    ];
    for (from, to, expected) in between {
        assert_eq!(
            business_days_between(d(from), d(to), &h),
            expected,
            "{from}..{to}"
        );
    }
}

#[test]
fn calendar_day_latest_convocation() {
    let s = MeetingSettings::default();
    let cases = [
        ("2026-03-30", "2026-03-15"), // same month
        ("2026-03-10", "2026-02-23"), // across a 28-day February
        ("2028-03-10", "2028-02-24"), // across a leap February
        ("2027-01-05", "2026-12-21"), // across a year end
    ];
    for (meeting, latest) in cases {
        assert_eq!(
            latest_convocation_day(Body::ExecutiveCouncil, d(meeting), &s),
            d(latest),
            "{meeting}"
        );
    }
    let zero = MeetingSettings {
        collective_notice: NoticeRule::CalendarDays(0),
        ..MeetingSettings::default()
    };
    assert_eq!(
        latest_convocation_day(Body::Collective(1), d("2026-03-10"), &zero),
        d("2026-03-10")
    );
    assert_eq!(
        latest_convocation_day(Body::ExecutiveCouncil, NaiveDate::MIN, &s),
        NaiveDate::MIN
    );
}

#[test]
fn business_day_latest_convocation() {
    let with_notice = |n: u32, h: &[&str]| MeetingSettings {
        advisory_notice: NoticeRule::BusinessDays(n),
        ..with_holidays(h)
    };
    let cases: [(&str, u32, &[&str], &str, &str); 9] = [
        // Wednesday 25 March: 4–24 March hold 15 business days.
        ("2026-03-25", 15, &[], "2026-03-03", "no holidays"),
        // Monday 16 March (Benito Juárez) is a holiday: one more day back.
        (
            "2026-03-25",
            15,
            &["2026-03-16"],
            "2026-03-02",
            "holiday on a Monday",
        ),
        // Saturday 14 March as a holiday changes nothing.
        (
            "2026-03-25",
            15,
            &["2026-03-14"],
            "2026-03-03",
            "holiday on a weekend",
        ),
        // Monday 23 March: Friday is the only business day after Thursday.
        ("2026-03-23", 1, &[], "2026-03-19", "across a weekend"),
        // Monday 23 March, 15 days: 2–20 March; sending on Sunday 1 March is fine.
        (
            "2026-03-23",
            15,
            &[],
            "2026-03-01",
            "latest day on a Sunday",
        ),
        // Tuesday 24 March, 1 day: only Monday in between, so Sunday at the latest.
        ("2026-03-24", 1, &[], "2026-03-22", "day before a Monday"),
        (
            "2026-03-24",
            1,
            &["2026-03-23"],
            "2026-03-19",
            "holiday Monday, 1 day",
        ),
        ("2026-03-25", 0, &[], "2026-03-25", "no notice"),
        // Across a year end with 25 December and 1 January as holidays.
        (
            "2027-01-05",
            6,
            &["2026-12-25", "2027-01-01"],
            "2026-12-23",
            "across the year end",
        ),
    ];
    for (meeting, n, h, latest, what) in cases {
        let s = with_notice(n, h);
        let got = latest_convocation_day(Body::AdvisoryCouncil, d(meeting), &s);
        assert_eq!(got, d(latest), "{what}");
        // The definition: on the latest day at least n business days lie strictly between,
        // the next day fewer.
        if n > 0 {
            assert!(
                business_days_between(got, d(meeting), &s.holidays) >= n,
                "{what}"
            );
            let next = got.succ_opt().expect("date");
            assert!(
                business_days_between(next, d(meeting), &s.holidays) < n,
                "{what}"
            );
        }
    }
}

#[test]
fn notice_boundaries() {
    // (body, sent at, meeting starts at, time zone, holidays, expected latest day if refused)
    type Row = (
        Body,
        &'static str,
        &'static str,
        Tz,
        &'static [&'static str],
        Option<&'static str>,
        &'static str,
    );
    let cases: [Row; 14] = [
        (
            Body::ExecutiveCouncil,
            "2026-02-23T17:00:00Z",
            "2026-03-10T16:00:00Z",
            chrono_tz::UTC,
            &[],
            None,
            "calendar: exactly on the latest day, across the month end",
        ),
        (
            Body::ExecutiveCouncil,
            "2026-02-24T00:00:00Z",
            "2026-03-10T16:00:00Z",
            chrono_tz::UTC,
            &[],
            Some("2026-02-23"),
            "calendar: one day late",
        ),
        (
            Body::Collective(3),
            "2026-02-24T08:00:00Z",
            "2026-03-10T16:00:00Z",
            chrono_tz::UTC,
            &[],
            Some("2026-02-23"),
            "collective: as the Executive Council",
        ),
        (
            Body::AdvisoryCouncil,
            "2026-03-03T23:59:00Z",
            "2026-03-25T16:00:00Z",
            chrono_tz::UTC,
            &[],
            None,
            "business: exactly on the latest day",
        ),
        (
            Body::AdvisoryCouncil,
            "2026-03-04T00:00:00Z",
            "2026-03-25T16:00:00Z",
            chrono_tz::UTC,
            &[],
            Some("2026-03-03"),
            "business: one day late",
        ),
        (
            Body::AdvisoryCouncil,
            "2026-03-03T12:00:00Z",
            "2026-03-25T16:00:00Z",
            chrono_tz::UTC,
            &["2026-03-16"],
            Some("2026-03-02"),
            "business: a holiday on a Monday moves the latest day earlier",
        ),
        (
            Body::AdvisoryCouncil,
            "2026-03-03T12:00:00Z",
            "2026-03-25T16:00:00Z",
            chrono_tz::UTC,
            &["2026-03-14", "2026-03-22"],
            None,
            "business: holidays on a weekend change nothing",
        ),
        (
            Body::AdvisoryCouncil,
            "2026-03-01T20:00:00Z",
            "2026-03-23T16:00:00Z",
            chrono_tz::UTC,
            &[],
            None,
            "business: sent on the Sunday before 15 business days",
        ),
        (
            Body::ExecutiveCouncil,
            "2026-03-01T05:30:00Z",
            "2026-03-15T16:00:00Z",
            MX,
            &[],
            None,
            "still 28 February in Mexico City",
        ),
        (
            Body::ExecutiveCouncil,
            "2026-03-01T05:30:00Z",
            "2026-03-15T16:00:00Z",
            chrono_tz::UTC,
            &[],
            Some("2026-02-28"),
            "already 1 March in UTC",
        ),
        (
            Body::ExecutiveCouncil,
            "2026-03-01T06:00:00Z",
            "2026-03-15T16:00:00Z",
            MX,
            &[],
            Some("2026-02-28"),
            "midnight of 1 March in Mexico City",
        ),
        (
            // 23:30 on 16 March in Mexico City is 05:30 UTC on the 17th: the meeting day is
            // the 16th, so the latest day is 1 March, not 2 March.
            Body::ExecutiveCouncil,
            "2026-03-02T05:59:00Z",
            "2026-03-17T05:30:00Z",
            MX,
            &[],
            None,
            "meeting at 23:30 local, sent 23:59 local on the latest day",
        ),
        (
            Body::ExecutiveCouncil,
            "2026-03-02T06:00:00Z",
            "2026-03-17T05:30:00Z",
            MX,
            &[],
            Some("2026-03-01"),
            "meeting at 23:30 local, sent at local midnight a day late",
        ),
        (
            // 00:00 on 1 March in Tokyo (UTC+9) is 15:00 UTC on 28 February.
            Body::ExecutiveCouncil,
            "2026-02-28T15:00:00Z",
            "2026-03-15T00:00:00Z",
            chrono_tz::Asia::Tokyo,
            &[],
            Some("2026-02-28"),
            "already 1 March in Tokyo",
        ),
    ];
    for (body, sent, start, tz, h, refused, what) in cases {
        let s = with_holidays(h);
        let expected = match refused {
            None => Ok(()),
            Some(latest) => Err(NoticeRefusal::TooLate {
                latest: d(latest),
                rule: notice_rule(body, &s),
            }),
        };
        assert_eq!(
            check_notice(body, at(sent), at(start), tz, &s),
            expected,
            "{what}"
        );
    }
}

#[test]
fn meeting_in_the_past_is_refused() {
    let s = MeetingSettings {
        executive_notice: NoticeRule::CalendarDays(0),
        ..MeetingSettings::default()
    };
    let cases = [
        (
            "2026-03-10T16:00:00Z",
            "2026-03-10T16:00:00Z",
            Err(NoticeRefusal::InThePast),
        ),
        (
            "2026-03-10T16:00:01Z",
            "2026-03-10T16:00:00Z",
            Err(NoticeRefusal::InThePast),
        ),
        (
            "2026-04-01T00:00:00Z",
            "2026-03-10T16:00:00Z",
            Err(NoticeRefusal::InThePast),
        ),
        ("2026-03-10T15:59:59Z", "2026-03-10T16:00:00Z", Ok(())),
    ];
    for (sent, start, expected) in cases {
        assert_eq!(
            check_notice(Body::ExecutiveCouncil, at(sent), at(start), MX, &s),
            expected,
            "{sent} → {start}"
        );
    }
    // With the default notice a meeting in the past is InThePast, not TooLate.
    assert_eq!(
        check_notice(
            Body::AdvisoryCouncil,
            at("2026-03-11T00:00:00Z"),
            at("2026-03-10T16:00:00Z"),
            MX,
            &MeetingSettings::default()
        ),
        Err(NoticeRefusal::InThePast)
    );
}

#[test]
fn quorum_table() {
    let s = MeetingSettings::default();
    let six = [InPerson, Virtual, InPerson, Virtual, InPerson, InPerson];
    // (kind, secretary, members, met, secretary present, members present, short, what)
    type Row = (
        MeetingKind,
        Presence,
        Vec<Presence>,
        bool,
        bool,
        u32,
        u32,
        &'static str,
    );
    let cases: [Row; 11] = [
        (
            MeetingKind::Ordinary,
            InPerson,
            six.to_vec(),
            true,
            true,
            6,
            0,
            "ordinary: exactly enough",
        ),
        (
            MeetingKind::Ordinary,
            Virtual,
            with(&six[..5], &[Absent]),
            false,
            true,
            5,
            1,
            "ordinary: one short",
        ),
        (
            MeetingKind::Ordinary,
            Absent,
            six.to_vec(),
            false,
            false,
            6,
            0,
            "ordinary: secretary absent",
        ),
        (
            MeetingKind::Ordinary,
            rep(11),
            six.to_vec(),
            false,
            false,
            6,
            0,
            "ordinary: secretary represented",
        ),
        (
            MeetingKind::Ordinary,
            InPerson,
            with(&six[..5], &[rep(11)]),
            true,
            true,
            6,
            0,
            "ordinary: a proxy makes up the number",
        ),
        (
            MeetingKind::Ordinary,
            InPerson,
            with(&six[..5], &[rep(90)]),
            true,
            true,
            6,
            0,
            "ordinary: a proxy from outside the body",
        ),
        (
            MeetingKind::Extraordinary,
            InPerson,
            six[..4].to_vec(),
            true,
            true,
            4,
            0,
            "extraordinary: exactly enough",
        ),
        (
            MeetingKind::Extraordinary,
            InPerson,
            vec![InPerson, InPerson, Virtual, Absent, Absent],
            false,
            true,
            3,
            1,
            "extraordinary: one short",
        ),
        (
            MeetingKind::Extraordinary,
            Absent,
            six[..4].to_vec(),
            false,
            false,
            4,
            0,
            "extraordinary: secretary absent",
        ),
        (
            MeetingKind::Extraordinary,
            rep(90),
            six[..4].to_vec(),
            false,
            false,
            4,
            0,
            "extraordinary: secretary represented",
        ),
        (
            MeetingKind::Extraordinary,
            InPerson,
            vec![InPerson, InPerson, InPerson, rep(12)],
            true,
            true,
            4,
            0,
            "extraordinary: a proxy makes up the number",
        ),
    ];
    for (kind, secretary, others, met, secretary_present, present, short, what) in cases {
        let q = quorum(kind, &meeting(secretary, &others), &s);
        assert_eq!(q.met, met, "{what}");
        assert_eq!(q.secretary_present, secretary_present, "{what}");
        assert_eq!(q.missing_secretary, !secretary_present, "{what}");
        assert_eq!(q.members_present, present, "{what}");
        assert_eq!(q.members_short, short, "{what}");
        let required = match kind {
            MeetingKind::Ordinary => 6,
            MeetingKind::Extraordinary => 4,
        };
        assert_eq!(q.members_required, required, "{what}");
    }
}

#[test]
fn quorum_counts_a_seat_once_and_only_valid_representations() {
    let s = MeetingSettings::default();
    // (members' presences, members present, absent, represented)
    type Case = (
        Vec<Presence>,
        u32,
        Vec<PersonId>,
        Vec<(PersonId, PersonId)>,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            vec![InPerson, rep(11)],
            2,
            vec![],
            vec![(12, 11)],
            "a member carries one seat",
        ),
        (
            vec![InPerson, rep(11), rep(11)],
            2,
            vec![13],
            vec![(12, 11)],
            "a second seat carried by the same proxy does not count",
        ),
        (
            vec![Absent, rep(11)],
            0,
            vec![11, 12],
            vec![],
            "an absent proxy carries nothing",
        ),
        (
            vec![rep(90), rep(11)],
            1,
            vec![12],
            vec![(11, 90)],
            "a represented proxy carries nothing (chain)",
        ),
        (
            vec![rep(11)],
            0,
            vec![11],
            vec![],
            "self-representation does not count",
        ),
        (
            vec![rep(90), rep(91)],
            2,
            vec![],
            vec![(11, 90), (12, 91)],
            "two outside proxies",
        ),
    ];
    for (others, present, absent, represented, what) in cases {
        let q = quorum(MeetingKind::Ordinary, &meeting(InPerson, &others), &s);
        assert_eq!(q.members_present, present, "{what}");
        assert_eq!(q.absent, absent, "{what}");
        assert_eq!(q.represented, represented, "{what}");
    }
    // A person listed twice counts once: their first entry.
    let mut twice = meeting(InPerson, &[InPerson, InPerson]);
    twice.push(a(11, Seat::Member, Virtual));
    twice.push(a(12, Seat::Member, Absent));
    let q = quorum(MeetingKind::Ordinary, &twice, &s);
    assert_eq!((q.members_present, q.absent.clone()), (2, vec![]));
    // The represented Secretary is listed as represented, not absent.
    let q = quorum(MeetingKind::Ordinary, &meeting(rep(90), &[Absent]), &s);
    assert_eq!(q.represented, vec![(1, 90)]);
    assert_eq!(q.absent, vec![11]);
    assert_eq!(
        q.problems(),
        vec![
            QuorumProblem::MissingSecretary,
            QuorumProblem::MembersShort {
                count: 6,
                present: 0,
                required: 6
            }
        ]
    );
    let q = quorum(
        MeetingKind::Extraordinary,
        &meeting(InPerson, &[InPerson; 4]),
        &s,
    );
    assert!(q.met);
    assert_eq!(q.problems(), vec![]);
}

#[test]
fn quorum_numbers_are_settings() {
    let s = MeetingSettings {
        quorum_ordinary_members: 2,
        quorum_extraordinary_members: 1,
        minutes_comment_days: 5,
        ..MeetingSettings::default()
    };
    let list = meeting(Virtual, &[InPerson, Absent]);
    assert!(!quorum(MeetingKind::Ordinary, &list, &s).met);
    assert!(quorum(MeetingKind::Extraordinary, &list, &s).met);
}

#[test]
fn proxy_table() {
    // Secretary 1; members 11 (in person), 12 (absent), 13 (represented by 90),
    // 14 (represented by 11), 15 (absent).
    let list = meeting(InPerson, &[InPerson, Absent, rep(90), rep(11), Absent]);
    let cases = [
        (12, 16, Ok(()), "an absent member designates a new person"),
        (
            12,
            90,
            Err(ProxyRefusal::ProxyHoldsAnother { principal: 13 }),
            "the outside proxy already carries 13",
        ),
        (15, 1, Ok(()), "the Secretary may carry one seat"),
        (12, 12, Err(ProxyRefusal::SelfProxy), "self"),
        (1, 1, Err(ProxyRefusal::SelfProxy), "the Secretary, self"),
        (
            99,
            12,
            Err(ProxyRefusal::NotASeat { person: 99 }),
            "not a seat holder",
        ),
        (
            13,
            16,
            Err(ProxyRefusal::AlreadyRepresented { by: 90 }),
            "principal twice",
        ),
        (
            14,
            11,
            Err(ProxyRefusal::AlreadyRepresented { by: 11 }),
            "the same designation again",
        ),
        (
            12,
            13,
            Err(ProxyRefusal::ChainedProxy),
            "the proxy is represented",
        ),
        (
            11,
            16,
            Err(ProxyRefusal::ChainedProxy),
            "the principal carries 14's seat",
        ),
        (
            12,
            11,
            Err(ProxyRefusal::ProxyHoldsAnother { principal: 14 }),
            "a proxy carrying two",
        ),
        (1, 16, Ok(()), "the Secretary designates (votes, no quorum)"),
    ];
    for (principal, proxy, expected, what) in cases {
        assert_eq!(check_proxy(principal, proxy, &list), expected, "{what}");
    }
}

#[test]
fn voting_seats_table() {
    let cases: [(Vec<Attendance>, Vec<PersonId>, &str); 6] = [
        (
            meeting(InPerson, &[Virtual, Absent]),
            vec![1, 11],
            "present seats",
        ),
        (
            meeting(Absent, &[InPerson, rep(11)]),
            vec![11, 12],
            "the proxy votes for the principal",
        ),
        (
            meeting(rep(90), &[InPerson]),
            vec![1, 11],
            "a represented Secretary votes",
        ),
        (
            meeting(InPerson, &[InPerson, rep(11), rep(11)]),
            vec![1, 11, 12],
            "one extra seat per proxy",
        ),
        (
            meeting(InPerson, &[Absent, rep(11)]),
            vec![1],
            "an absent proxy votes for nobody",
        ),
        (vec![], vec![], "nobody"),
    ];
    for (list, expected, what) in cases {
        assert_eq!(
            voting_seats(&list),
            expected.into_iter().collect::<BTreeSet<_>>(),
            "{what}"
        );
    }
}

#[test]
fn advisory_outlook_table() {
    let s = MeetingSettings::default();
    // (meetings, today, held, scheduled, shortfall, on course)
    type Row = (
        &'static [&'static str],
        &'static str,
        u32,
        u32,
        u32,
        bool,
        &'static str,
    );
    let cases: [Row; 7] = [
        (
            &["2026-02-10", "2026-06-10"],
            "2026-11-15",
            2,
            0,
            1,
            false,
            "2 held in November",
        ),
        (
            &["2026-02-10", "2026-06-10", "2026-10-10"],
            "2026-11-15",
            3,
            0,
            0,
            true,
            "3 held",
        ),
        (
            &["2026-02-10", "2026-06-10", "2026-12-01"],
            "2026-11-15",
            2,
            1,
            0,
            true,
            "2 held, 1 scheduled",
        ),
        (
            &["2026-02-10", "2026-06-10", "2026-11-15"],
            "2026-11-15",
            3,
            0,
            0,
            true,
            "a meeting today is held",
        ),
        (
            &["2025-12-10", "2026-06-10", "2027-01-10"],
            "2026-11-15",
            1,
            0,
            2,
            false,
            "other years ignored",
        ),
        (&[], "2026-01-02", 0, 0, 3, false, "a new year"),
        (
            &["2026-02-10", "2026-03-10", "2026-06-10", "2026-12-10"],
            "2026-11-15",
            3,
            1,
            0,
            true,
            "more than enough",
        ),
    ];
    for (dates, today, held, scheduled, shortfall, on_course, what) in cases {
        let dates: Vec<NaiveDate> = dates.iter().map(|s| d(s)).collect();
        let o = advisory_outlook(&dates, d(today), &s);
        let expected = YearOutlook {
            year: d(today).year(),
            held,
            scheduled,
            required: 3,
            shortfall,
            on_course,
        };
        assert_eq!(o, expected, "{what}");
        assert_eq!(o.warning().is_some(), !on_course, "{what}");
    }
    let o = advisory_outlook(&[d("2026-02-10")], d("2026-11-15"), &s);
    assert_eq!(
        o.warning(),
        Some(AdvisoryShortfall {
            year: 2026,
            held: 1,
            scheduled: 0,
            required: 3,
            shortfall: 2
        })
    );
    let fewer = MeetingSettings {
        advisory_min_meetings: 1,
        ..MeetingSettings::default()
    };
    assert!(advisory_outlook(&[d("2026-02-10")], d("2026-11-15"), &fewer).on_course);
}

#[test]
fn quorum_and_outlook_serialize() {
    let q = quorum(
        MeetingKind::Ordinary,
        &meeting(InPerson, &[rep(90)]),
        &MeetingSettings::default(),
    );
    let json = serde_json::to_value(&q).expect("json");
    assert_eq!(json["represented"], serde_json::json!([[11, 90]]));
    assert_eq!(json["members_short"], 5);
    assert_eq!(
        serde_json::to_value(NoticeRule::BusinessDays(15)).expect("json"),
        serde_json::json!({"unit": "business_days", "days": 15})
    );
}

#[test]
fn local_day_uses_the_time_zone() {
    let instant = Utc
        .with_ymd_and_hms(2026, 3, 1, 5, 30, 0)
        .single()
        .expect("instant");
    assert_eq!(local_day(instant, MX), d("2026-02-28"));
    assert_eq!(local_day(instant, chrono_tz::UTC), d("2026-03-01"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The latest day agrees with the definition of each rule for any send day.
    #[test]
    fn latest_day_matches_the_counting(
        meeting_offset in 0i64..3000,
        back in 0u64..60,
        n in 0u32..25,
        holiday_offsets in proptest::collection::vec(0u64..60, 0..8),
    ) {
        let meeting = d("2024-01-01") + chrono::Duration::days(meeting_offset);
        let sent = meeting - Days::new(back);
        let s = MeetingSettings {
            executive_notice: NoticeRule::CalendarDays(n),
            advisory_notice: NoticeRule::BusinessDays(n),
            holidays: holiday_offsets.iter().map(|&o| meeting - Days::new(o)).collect(),
            ..MeetingSettings::default()
        };
        let business = latest_convocation_day(Body::AdvisoryCouncil, meeting, &s);
        prop_assert_eq!(
            sent <= business,
            business_days_between(sent, meeting, &s.holidays) >= n
        );
        let calendar = latest_convocation_day(Body::ExecutiveCouncil, meeting, &s);
        prop_assert_eq!(sent <= calendar, back >= u64::from(n));
    }
}

#[test]
fn meeting_steps_from_each_status() {
    use MeetingStatus::*;
    use StatusRefusal as R;
    type Step = fn(MeetingStatus) -> Result<MeetingStatus, StatusRefusal>;
    let steps: [(&str, Step); 6] = [
        ("edit", MeetingStatus::edit),
        ("add_to_agenda", MeetingStatus::add_to_agenda),
        ("convene", MeetingStatus::convene),
        ("in_session", MeetingStatus::in_session),
        ("close", MeetingStatus::close),
        ("cancel", MeetingStatus::cancel),
    ];
    let expected: [(MeetingStatus, [Result<MeetingStatus, StatusRefusal>; 6]); 4] = [
        (
            Draft,
            [
                Ok(Draft),
                Ok(Draft),
                Ok(Convened),
                Err(R::NotConvened),
                Err(R::NotConvened),
                Ok(Cancelled),
            ],
        ),
        (
            Convened,
            [
                Err(R::NotDraft),
                Ok(Convened),
                Err(R::NotDraft),
                Ok(Convened),
                Ok(Held),
                Ok(Cancelled),
            ],
        ),
        (
            Held,
            [
                Err(R::NotDraft),
                Err(R::Closed),
                Err(R::NotDraft),
                Err(R::NotConvened),
                Err(R::NotConvened),
                Err(R::Closed),
            ],
        ),
        (
            Cancelled,
            [
                Err(R::NotDraft),
                Err(R::Closed),
                Err(R::NotDraft),
                Err(R::NotConvened),
                Err(R::NotConvened),
                Err(R::Closed),
            ],
        ),
    ];
    for (status, results) in expected {
        for ((name, step), result) in steps.iter().zip(results) {
            assert_eq!(step(status), result, "{status:?}.{name}()");
        }
    }
    assert!(!Draft.is_public());
    assert!(Held.is_public() && Cancelled.is_public() && Convened.is_public());
}

#[test]
fn answers_and_presences_read_their_stored_names() {
    for a in Answer::ALL {
        assert_eq!(Answer::parse(a.as_str()), Some(a));
    }
    assert_eq!(Answer::parse("maybe"), None);
    for p in PresenceKind::ALL {
        assert_eq!(PresenceKind::parse(p.as_str()), Some(p));
    }
    assert_eq!(
        PresenceKind::Represented.presence(Some(7)),
        Presence::Represented { by: 7 }
    );
    assert_eq!(
        PresenceKind::Represented.presence(None),
        Presence::Absent,
        "no representative: absent"
    );
    assert_eq!(Body::ExecutiveCouncil.decision_scope(), "executive-council");
    assert_eq!(Body::Collective(3).decision_scope(), "collectives");
}

#[test]
fn the_session_belongs_to_the_meetings_own_day() {
    let tz: Tz = "America/Mexico_City".parse().expect("tz");
    // 10:00 in Mexico City on 2026-12-30 is 16:00 UTC
    let starts = at("2026-12-30T16:00:00Z");
    let cases = [
        // a month early: refused, with the first day it may start
        ("2026-11-30T18:00:00Z", 0, Err(d("2026-12-30"))),
        // 23:30 UTC of the 29th is still the 29th in Mexico City: refused
        ("2026-12-30T05:30:00Z", 0, Err(d("2026-12-30"))),
        // the day itself, even before the hour
        ("2026-12-30T07:00:00Z", 0, Ok(())),
        ("2026-12-30T20:00:00Z", 0, Ok(())),
        // later the same week still records (a session that ran long, a late opening)
        ("2027-01-02T12:00:00Z", 0, Ok(())),
        // a setting allows a day before
        ("2026-12-29T18:00:00Z", 1, Ok(())),
        ("2026-12-28T18:00:00Z", 1, Err(d("2026-12-29"))),
    ];
    for (now, early, expected) in cases {
        assert_eq!(
            session_may_start(at(now), starts, tz, early).map_err(|e| e.from),
            expected,
            "{now} with {early} days early"
        );
    }
}
