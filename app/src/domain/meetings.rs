//! The rules of council meetings (the Red Blockchain México model): how far ahead a meeting must
//! be convened (calendar or business days, in the meeting's own time zone, skipping a holiday
//! calendar), when a meeting has quorum (the Executive Secretary plus a number of members, with
//! proxies counting as their principals), who votes in it, and whether the Advisory Council is on
//! course to meet as often as it must in a year.
//!
//! Pure rules over plain data: the caller loads the attendance and the meetings and passes the
//! instants and `today`. Every number is a [`MeetingSettings`] field whose default is the seed's.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A person, by the id of their account.
pub type PersonId = i64;

/// The body that meets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Body {
    /// The Executive Secretary and the projects and nodes commissions.
    ExecutiveCouncil,
    AdvisoryCouncil,
    /// The members of one collective.
    Collective(i64),
}

impl Body {
    /// The name stored in the database: `executive-council`, `advisory-council` or
    /// `collective:{id}` (the same keys as [`crate::domain::voting::Electorate`]).
    pub fn key(&self) -> String {
        match self {
            Body::ExecutiveCouncil => "executive-council".to_string(),
            Body::AdvisoryCouncil => "advisory-council".to_string(),
            Body::Collective(id) => format!("collective:{id}"),
        }
    }

    pub fn parse(s: &str) -> Option<Body> {
        match s {
            "executive-council" => Some(Body::ExecutiveCouncil),
            "advisory-council" => Some(Body::AdvisoryCouncil),
            _ => {
                // `id` written exactly as `i64` prints it (no sign, no leading zeros), so that
                // every key has one spelling.
                let digits = s.strip_prefix("collective:")?;
                let id: i64 = digits.parse().ok()?;
                (id.to_string() == digits).then_some(Body::Collective(id))
            }
        }
    }
}

/// Ordinary meetings are the periodic ones; extraordinary ones are requested by collectives with
/// clear objectives. They differ in quorum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MeetingKind {
    Ordinary,
    Extraordinary,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 2] = [MeetingKind::Ordinary, MeetingKind::Extraordinary];

    /// The name stored in the database and used in forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingKind::Ordinary => "ordinary",
            MeetingKind::Extraordinary => "extraordinary",
        }
    }

    pub fn parse(s: &str) -> Option<MeetingKind> {
        MeetingKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How far ahead a meeting must be convened. Both count whole days of the meeting's local
/// calendar, never hours:
///
/// - `CalendarDays(n)`: the convocation is sent on or before the meeting day minus `n` days
///   (15 calendar days before a meeting on 10 March 2026 is 23 February).
/// - `BusinessDays(n)`: at least `n` business days ([`is_business_day`]) lie strictly after the
///   send day and strictly before the meeting day; neither of those two days counts, whatever it
///   is. The send day itself may be any day, a Sunday or a holiday included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "unit", content = "days", rename_all = "snake_case")]
pub enum NoticeRule {
    CalendarDays(u32),
    BusinessDays(u32),
}

impl NoticeRule {
    /// The number of days, whichever the kind.
    pub fn days(self) -> u32 {
        match self {
            NoticeRule::CalendarDays(n) | NoticeRule::BusinessDays(n) => n,
        }
    }

    /// How the rule is written in a setting: `calendar:15` or `business:15`.
    pub fn key(self) -> String {
        match self {
            NoticeRule::CalendarDays(n) => format!("calendar:{n}"),
            NoticeRule::BusinessDays(n) => format!("business:{n}"),
        }
    }

    pub fn parse(s: &str) -> Option<NoticeRule> {
        let (unit, days) = s.trim().split_once(':')?;
        let n: u32 = days.parse().ok()?;
        if n.to_string() != days {
            return None;
        }
        match unit {
            "calendar" => Some(NoticeRule::CalendarDays(n)),
            "business" => Some(NoticeRule::BusinessDays(n)),
            _ => None,
        }
    }
}

/// The numbers of the meeting rules. [`Default`] gives the seed's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingSettings {
    /// The Executive Council is convened by email 15 calendar days ahead.
    pub executive_notice: NoticeRule,
    /// The Advisory Council is convened 15 business days ahead.
    pub advisory_notice: NoticeRule,
    /// Meetings of a collective (the seed is silent: the same as the Executive Council).
    pub collective_notice: NoticeRule,
    /// The days that are not business days although they fall Monday to Friday. Empty by
    /// default; the server fills it from a setting (see [`parse_holidays`]).
    pub holidays: BTreeSet<NaiveDate>,
    /// The Advisory Council meets at least this many times per calendar year.
    pub advisory_min_meetings: u32,
    /// Quorum of an ordinary meeting: the Executive Secretary plus this many members.
    pub quorum_ordinary_members: u32,
    /// Quorum of an extraordinary meeting: the Executive Secretary plus this many members.
    pub quorum_extraordinary_members: u32,
    /// Circulated minutes are approved by the body's rule once this many days pass with no
    /// objection to the text as it stands (the seed is silent; a setting).
    pub minutes_comment_days: u32,
}

impl Default for MeetingSettings {
    fn default() -> Self {
        Self {
            executive_notice: NoticeRule::CalendarDays(15),
            advisory_notice: NoticeRule::BusinessDays(15),
            collective_notice: NoticeRule::CalendarDays(15),
            holidays: BTreeSet::new(),
            advisory_min_meetings: 3,
            quorum_ordinary_members: 6,
            quorum_extraordinary_members: 4,
            minutes_comment_days: 5,
        }
    }
}

/// Reads a holiday calendar written as dates `YYYY-MM-DD` separated by commas, semicolons or
/// whitespace (an empty text is an empty calendar). `Err` holds the first piece that is not a
/// date.
pub fn parse_holidays(s: &str) -> Result<BTreeSet<NaiveDate>, String> {
    s.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|piece| !piece.is_empty())
        .map(|piece| NaiveDate::parse_from_str(piece, "%Y-%m-%d").map_err(|_| piece.to_string()))
        .collect()
}

/// The notice rule of a body's meetings.
pub fn notice_rule(body: Body, s: &MeetingSettings) -> NoticeRule {
    match body {
        Body::ExecutiveCouncil => s.executive_notice,
        Body::AdvisoryCouncil => s.advisory_notice,
        Body::Collective(_) => s.collective_notice,
    }
}

/// Monday to Friday, and not in the holiday calendar. A holiday on a weekend changes nothing.
pub fn is_business_day(day: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&day)
}

/// How many business days lie strictly after `from` and strictly before `to` (0 when `to` is
/// not at least two days after `from`).
pub fn business_days_between(
    from: NaiveDate,
    to: NaiveDate,
    holidays: &BTreeSet<NaiveDate>,
) -> u32 {
    let mut count = 0u32;
    let mut day = from;
    while let Some(next) = day.succ_opt() {
        if next >= to {
            break;
        }
        if is_business_day(next, holidays) {
            count = count.saturating_add(1);
        }
        day = next;
    }
    count
}

/// The last day (in the meeting's local calendar) on which the convocation may be sent; every
/// earlier day will do as well. See [`NoticeRule`] for the counting:
///
/// - `CalendarDays(n)`: `meeting_day − n`.
/// - `BusinessDays(n)`: the day before the `n`-th business day counted back from the meeting day
///   (the meeting day itself not counted); the meeting day when `n` is 0. A meeting on Monday
///   23 March 2026 with 1 business day of notice may be convened until Thursday 19 March: sent
///   on Friday, only the weekend would lie in between.
///
/// Dates before the first date chrono represents saturate to [`NaiveDate::MIN`].
pub fn latest_convocation_day(
    body: Body,
    meeting_day: NaiveDate,
    s: &MeetingSettings,
) -> NaiveDate {
    match notice_rule(body, s) {
        NoticeRule::CalendarDays(n) => meeting_day
            .checked_sub_days(Days::new(u64::from(n)))
            .unwrap_or(NaiveDate::MIN),
        NoticeRule::BusinessDays(0) => meeting_day,
        NoticeRule::BusinessDays(n) => {
            let mut found = 0u32;
            let mut day = meeting_day;
            loop {
                let Some(prev) = day.pred_opt() else {
                    return NaiveDate::MIN;
                };
                day = prev;
                if is_business_day(day, &s.holidays) {
                    found += 1;
                    if found == n {
                        return day.pred_opt().unwrap_or(NaiveDate::MIN);
                    }
                }
            }
        }
    }
}

/// Why a convocation does not give enough notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeRefusal {
    /// Sent after the last day it could be sent (a day of the meeting's local calendar).
    TooLate { latest: NaiveDate, rule: NoticeRule },
    /// The meeting starts at or before the instant the convocation is sent.
    InThePast,
}

/// The day an instant falls on in a time zone.
pub fn local_day(instant: DateTime<Utc>, tz: Tz) -> NaiveDate {
    instant.with_timezone(&tz).date_naive()
}

/// Whether a convocation sent at `sent_at` gives the notice a meeting of `body` starting at
/// `meeting_start` needs. Both instants are taken to the meeting's time zone `tz` and only their
/// local dates are compared (hours do not matter): the send day must be on or before
/// [`latest_convocation_day`] of the meeting day. A convocation sent at 05:30 UTC on 1 March
/// 2026 was sent on 28 February in Mexico City (UTC−6), and that is the day that counts.
pub fn check_notice(
    body: Body,
    sent_at: DateTime<Utc>,
    meeting_start: DateTime<Utc>,
    tz: Tz,
    s: &MeetingSettings,
) -> Result<(), NoticeRefusal> {
    if meeting_start <= sent_at {
        return Err(NoticeRefusal::InThePast);
    }
    let latest = latest_convocation_day(body, local_day(meeting_start, tz), s);
    if local_day(sent_at, tz) <= latest {
        Ok(())
    } else {
        Err(NoticeRefusal::TooLate {
            latest,
            rule: notice_rule(body, s),
        })
    }
}

/// How a seat holder attends a meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "presence", rename_all = "snake_case")]
pub enum Presence {
    InPerson,
    Virtual,
    /// In special cases a member designates a representative (a proxy) who attends and votes in
    /// their place. `by` may be another seat holder of the body or someone from outside it.
    Represented {
        by: PersonId,
    },
    Absent,
}

/// The seat a person holds in the meeting's body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Seat {
    /// The Executive Secretary, who convenes and chairs.
    Secretary,
    Member,
}

/// One seat holder of the body and how they attend. The list of a meeting has one entry per
/// seat holder; if a person appears more than once, only their first entry is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Attendance {
    pub person: PersonId,
    pub seat: Seat,
    pub presence: Presence,
}

/// Whether a meeting has quorum, and what is missing if not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Quorum {
    pub met: bool,
    /// The Executive Secretary attends in person or virtually.
    pub secretary_present: bool,
    /// Member seats present: in person, virtually or through a representative.
    pub members_present: u32,
    pub members_required: u32,
    pub missing_secretary: bool,
    /// `members_required − members_present`, or 0.
    pub members_short: u32,
    /// Seats (the Secretary's included) with nobody in them, in the order of the attendance:
    /// absent, or represented by someone who cannot carry the seat (see [`quorum`]).
    pub absent: Vec<PersonId>,
    /// (principal, proxy) of every seat held by a representative, in the order of the attendance.
    pub represented: Vec<(PersonId, PersonId)>,
}

/// Something a meeting lacks to have quorum (see [`Quorum::problems`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuorumProblem {
    /// The Executive Secretary does not attend in person or virtually.
    MissingSecretary,
    /// `count` more member seats are needed: `present` of `required`.
    MembersShort {
        count: u32,
        present: u32,
        required: u32,
    },
}

impl Quorum {
    /// What is missing, for the interface: empty when the quorum is met.
    pub fn problems(&self) -> Vec<QuorumProblem> {
        let mut out = Vec::new();
        if self.missing_secretary {
            out.push(QuorumProblem::MissingSecretary);
        }
        if self.members_short > 0 {
            out.push(QuorumProblem::MembersShort {
                count: self.members_short,
                present: self.members_present,
                required: self.members_required,
            });
        }
        out
    }
}

/// Who, if anyone, is in a seat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Standing {
    Present,
    Represented { by: PersonId },
    Empty,
}

/// The first entry of each person, in the order of `attendance`.
fn entries(attendance: &[Attendance]) -> Vec<&Attendance> {
    let mut seen = BTreeSet::new();
    attendance
        .iter()
        .filter(|a| seen.insert(a.person))
        .collect()
}

/// Who is in each seat. A representation counts only if the representative can carry the seat:
/// not the principal themselves; if the representative holds a seat of the body, they attend it
/// in person or virtually (so neither absent nor represented in turn: no chains); and it is the
/// first seat in the attendance that this representative carries (one seat per representative
/// besides their own). A representative from outside the body is taken to attend: the principal's
/// entry is the record of it.
fn standings(attendance: &[Attendance]) -> Vec<(&Attendance, Standing)> {
    let list = entries(attendance);
    let presence: BTreeMap<PersonId, Presence> =
        list.iter().map(|a| (a.person, a.presence)).collect();
    let mut carrying: BTreeSet<PersonId> = BTreeSet::new();
    list.into_iter()
        .map(|a| {
            let standing = match a.presence {
                Presence::InPerson | Presence::Virtual => Standing::Present,
                Presence::Absent => Standing::Empty,
                Presence::Represented { by } => {
                    let attends = match presence.get(&by) {
                        None => true,
                        Some(p) => matches!(p, Presence::InPerson | Presence::Virtual),
                    };
                    if by != a.person && attends && carrying.insert(by) {
                        Standing::Represented { by }
                    } else {
                        Standing::Empty
                    }
                }
            };
            (a, standing)
        })
        .collect()
}

/// The quorum of a meeting of `kind`: the Executive Secretary attending in person or virtually
/// (a represented Secretary does not count: the Secretary convenes and chairs, and a
/// representative cannot chair), plus at least `quorum_ordinary_members` (or
/// `quorum_extraordinary_members`) member seats present in person, virtually or through a
/// representative. A representative counts as their principal and each seat counts once: a
/// member who also carries another member's seat makes two seats, never more (see [`standings`]
/// for when a representation counts).
pub fn quorum(kind: MeetingKind, attendance: &[Attendance], s: &MeetingSettings) -> Quorum {
    let members_required = match kind {
        MeetingKind::Ordinary => s.quorum_ordinary_members,
        MeetingKind::Extraordinary => s.quorum_extraordinary_members,
    };
    let mut secretary_present = false;
    let mut members_present = 0u32;
    let mut absent = Vec::new();
    let mut represented = Vec::new();
    for (a, standing) in standings(attendance) {
        match standing {
            Standing::Present => match a.seat {
                Seat::Secretary => secretary_present = true,
                Seat::Member => members_present += 1,
            },
            Standing::Represented { by } => {
                represented.push((a.person, by));
                if a.seat == Seat::Member {
                    members_present += 1;
                }
            }
            Standing::Empty => absent.push(a.person),
        }
    }
    let members_short = members_required.saturating_sub(members_present);
    Quorum {
        met: secretary_present && members_short == 0,
        secretary_present,
        members_present,
        members_required,
        missing_secretary: !secretary_present,
        members_short,
        absent,
        represented,
    }
}

/// Why a representative may not be designated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProxyRefusal {
    /// Nobody represents themselves.
    SelfProxy,
    /// The principal holds no seat in the meeting's body.
    NotASeat { person: PersonId },
    /// The principal already has a representative (withdraw it first).
    AlreadyRepresented { by: PersonId },
    /// The representative is represented in turn, or the principal carries someone else's seat:
    /// representation is not passed on.
    ChainedProxy,
    /// The representative already carries another seat (that of `principal`).
    ProxyHoldsAnother { principal: PersonId },
}

/// Whether `principal` may designate `proxy` to attend and vote in their place, given the
/// meeting's attendance so far (the first entry of each person). The rules:
///
/// - nobody represents themselves, and only a seat holder of the body designates;
/// - a seat has one representative at a time;
/// - no chains: the representative is not represented, and the principal does not carry another
///   seat (they would leave it empty);
/// - a representative carries at most one seat besides their own (the seed allows a
///   representative "in special cases", not the accumulation of votes): a member attending for
///   their own seat may carry one more, and so may someone from outside the body.
///
/// The Secretary may designate a representative too; the representative votes for the seat but
/// the Secretary does not count as present for quorum (see [`quorum`]).
pub fn check_proxy(
    principal: PersonId,
    proxy: PersonId,
    attendance: &[Attendance],
) -> Result<(), ProxyRefusal> {
    if principal == proxy {
        return Err(ProxyRefusal::SelfProxy);
    }
    let list = entries(attendance);
    let Some(own) = list.iter().find(|a| a.person == principal) else {
        return Err(ProxyRefusal::NotASeat { person: principal });
    };
    if let Presence::Represented { by } = own.presence {
        return Err(ProxyRefusal::AlreadyRepresented { by });
    }
    let proxy_represented = list
        .iter()
        .any(|a| a.person == proxy && matches!(a.presence, Presence::Represented { .. }));
    let principal_carries = list
        .iter()
        .any(|a| a.presence == Presence::Represented { by: principal });
    if proxy_represented || principal_carries {
        return Err(ProxyRefusal::ChainedProxy);
    }
    if let Some(other) = list
        .iter()
        .find(|a| a.presence == Presence::Represented { by: proxy })
    {
        return Err(ProxyRefusal::ProxyHoldsAnother {
            principal: other.person,
        });
    }
    Ok(())
}

/// The votes of a meeting: the seats present (in person, virtually, or represented — the proxy
/// votes for the principal), the Secretary's included. This is the eligible set for
/// [`crate::domain::voting::tally`], where a proxy's ballot is recorded with the principal as the
/// voter; one vote per seat.
pub fn voting_seats(attendance: &[Attendance]) -> BTreeSet<PersonId> {
    standings(attendance)
        .into_iter()
        .filter(|(_, standing)| *standing != Standing::Empty)
        .map(|(a, _)| a.person)
        .collect()
}

/// How the Advisory Council's year stands against its minimum of meetings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct YearOutlook {
    pub year: i32,
    /// Meetings on or before today.
    pub held: u32,
    /// Meetings after today.
    pub scheduled: u32,
    pub required: u32,
    /// `required − (held + scheduled)`, or 0.
    pub shortfall: u32,
    /// No shortfall: the meetings held and scheduled reach the minimum. When false, warn.
    pub on_course: bool,
}

/// The warning for a year that is not on course (see [`YearOutlook::warning`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdvisoryShortfall {
    pub year: i32,
    pub held: u32,
    pub scheduled: u32,
    pub required: u32,
    pub shortfall: u32,
}

impl YearOutlook {
    pub fn warning(&self) -> Option<AdvisoryShortfall> {
        (!self.on_course).then_some(AdvisoryShortfall {
            year: self.year,
            held: self.held,
            scheduled: self.scheduled,
            required: self.required,
            shortfall: self.shortfall,
        })
    }
}

/// The Advisory Council's outlook for the calendar year of `today`: `meetings_in_year` has the
/// day of each meeting held or scheduled (not cancelled), one date per meeting; dates of other
/// years are ignored. A meeting on or before `today` counts as held, a later one as scheduled.
/// The year is on course when held plus scheduled reach `advisory_min_meetings`.
pub fn advisory_outlook(
    meetings_in_year: &[NaiveDate],
    today: NaiveDate,
    s: &MeetingSettings,
) -> YearOutlook {
    let year = today.year();
    let (mut held, mut scheduled) = (0u32, 0u32);
    for day in meetings_in_year.iter().filter(|d| d.year() == year) {
        if *day <= today {
            held += 1;
        } else {
            scheduled += 1;
        }
    }
    let required = s.advisory_min_meetings;
    let shortfall = required.saturating_sub(held + scheduled);
    YearOutlook {
        year,
        held,
        scheduled,
        required,
        shortfall,
        on_course: shortfall == 0,
    }
}

#[cfg(test)]
mod tests {
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
}
