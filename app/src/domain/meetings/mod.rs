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

mod status;
pub use status::*;

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

    /// The body as the decisions register names it (a collective's decisions are filed under
    /// the collectives).
    pub fn decision_scope(&self) -> &'static str {
        match self {
            Body::ExecutiveCouncil => "executive-council",
            Body::AdvisoryCouncil => "advisory-council",
            Body::Collective(_) => "collectives",
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
    /// Attendance may be recorded and the session opened this many days before the meeting's
    /// own day (0: on the day, in the meeting's time zone).
    pub session_days_early: u32,
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
            session_days_early: 0,
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

/// `day` itself when it is a business day, else the next one (a deadline on a day nobody works
/// moves to the next working day).
pub fn next_business_day(day: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> NaiveDate {
    let mut day = day;
    while !is_business_day(day, holidays) {
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    day
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
mod tests;
