//! Where a meeting and its seats stand: the meeting's status and its steps, a member's answer, what the secretary records of a seat, and when the session may start.

#[allow(unused_imports)]
use super::*;

/// Where a meeting stands. A draft is its convener's alone and may still be edited; convening
/// sends it to every member; a convened meeting is held once its session is closed; a draft or a
/// convened meeting may be called off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum MeetingStatus {
    Draft,
    Convened,
    Held,
    Cancelled,
}

/// Why a meeting cannot take a step from where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusRefusal {
    /// Only a draft may be edited or convened.
    NotDraft,
    /// Only a convened meeting records attendance, opens its session, votes or closes.
    NotConvened,
    /// A meeting held or cancelled is history.
    Closed,
}

impl MeetingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingStatus::Draft => "draft",
            MeetingStatus::Convened => "convened",
            MeetingStatus::Held => "held",
            MeetingStatus::Cancelled => "cancelled",
        }
    }

    /// Whether visitors see it (a draft is its convener's alone).
    pub fn is_public(self) -> bool {
        self != MeetingStatus::Draft
    }

    /// Date, place, title and agenda may change freely (no one has been convened yet).
    pub fn edit(self) -> Result<MeetingStatus, StatusRefusal> {
        match self {
            MeetingStatus::Draft => Ok(MeetingStatus::Draft),
            _ => Err(StatusRefusal::NotDraft),
        }
    }

    /// Items and documents are added before the meeting: to a draft, or to a convened meeting
    /// as a revision sent to the members.
    pub fn add_to_agenda(self) -> Result<MeetingStatus, StatusRefusal> {
        match self {
            MeetingStatus::Draft | MeetingStatus::Convened => Ok(self),
            _ => Err(StatusRefusal::Closed),
        }
    }

    pub fn convene(self) -> Result<MeetingStatus, StatusRefusal> {
        match self {
            MeetingStatus::Draft => Ok(MeetingStatus::Convened),
            _ => Err(StatusRefusal::NotDraft),
        }
    }

    /// Attendance, the opening of the session, votes and answers: while convened.
    pub fn in_session(self) -> Result<MeetingStatus, StatusRefusal> {
        match self {
            MeetingStatus::Convened => Ok(self),
            _ => Err(StatusRefusal::NotConvened),
        }
    }

    /// Closing the session makes the meeting held.
    pub fn close(self) -> Result<MeetingStatus, StatusRefusal> {
        match self {
            MeetingStatus::Convened => Ok(MeetingStatus::Held),
            _ => Err(StatusRefusal::NotConvened),
        }
    }

    pub fn cancel(self) -> Result<MeetingStatus, StatusRefusal> {
        match self {
            MeetingStatus::Draft | MeetingStatus::Convened => Ok(MeetingStatus::Cancelled),
            _ => Err(StatusRefusal::Closed),
        }
    }
}

/// A member's own answer to a convocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum Answer {
    InPerson,
    Virtual,
    Absent,
    /// Represented by another member of the body.
    Proxy,
}

impl Answer {
    pub const ALL: [Answer; 4] = [
        Answer::InPerson,
        Answer::Virtual,
        Answer::Absent,
        Answer::Proxy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Answer::InPerson => "in_person",
            Answer::Virtual => "virtual",
            Answer::Absent => "absent",
            Answer::Proxy => "proxy",
        }
    }

    pub fn parse(s: &str) -> Option<Answer> {
        Answer::ALL.into_iter().find(|a| a.as_str() == s.trim())
    }
}

/// How the secretary records a seat at the meeting (with the representative apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum PresenceKind {
    InPerson,
    Virtual,
    Represented,
    Absent,
}

impl PresenceKind {
    pub const ALL: [PresenceKind; 4] = [
        PresenceKind::InPerson,
        PresenceKind::Virtual,
        PresenceKind::Represented,
        PresenceKind::Absent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PresenceKind::InPerson => "in_person",
            PresenceKind::Virtual => "virtual",
            PresenceKind::Represented => "represented",
            PresenceKind::Absent => "absent",
        }
    }

    pub fn parse(s: &str) -> Option<PresenceKind> {
        PresenceKind::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim())
    }

    /// The presence the quorum rules read; a representation needs its representative.
    pub fn presence(self, by: Option<PersonId>) -> Presence {
        match (self, by) {
            (PresenceKind::InPerson, _) => Presence::InPerson,
            (PresenceKind::Virtual, _) => Presence::Virtual,
            (PresenceKind::Represented, Some(by)) => Presence::Represented { by },
            _ => Presence::Absent,
        }
    }
}

/// A seat at a meeting as shown and minuted: who, their name, what was recorded, and the name of
/// who represented them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeatAt {
    pub person_id: PersonId,
    pub name: String,
    pub attendance: Attendance,
    pub proxy_name: Option<String>,
}

/// Whether attendance may be recorded and the session opened at `now`: from
/// `days_early` days before the meeting's own day (in its time zone) until it ends. The session
/// belongs to its day: opened a month early, "quorum established" would be dated wrong for good.
pub fn session_may_start(
    now: DateTime<Utc>,
    starts_at: DateTime<Utc>,
    tz: Tz,
    days_early: u32,
) -> Result<(), SessionTooEarly> {
    let day = local_day(starts_at, tz);
    let from = day
        .checked_sub_days(Days::new(u64::from(days_early)))
        .unwrap_or(day);
    if local_day(now, tz) < from {
        Err(SessionTooEarly { from })
    } else {
        Ok(())
    }
}

/// Attendance and the session wait for the meeting's day (or `from`, with a setting).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionTooEarly {
    pub from: NaiveDate,
}
