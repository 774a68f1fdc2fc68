//! Complaints under the ethics code: who handles one, its path (received → under review →
//! resolved, upheld or dismissed) and its deadline.

use chrono::{Duration, NaiveDate};

/// Where a complaint stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum ComplaintStatus {
    Received,
    UnderReview,
    Resolved,
}

/// What moves a complaint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComplaintStep {
    /// Its handler takes it up.
    Review,
    /// Its handler resolves it, with the outcome and the written resolution.
    Resolve,
}

impl ComplaintStatus {
    /// The status `step` leads to, if it may be taken now.
    pub fn after(self, step: ComplaintStep) -> Option<ComplaintStatus> {
        match (self, step) {
            (ComplaintStatus::Received, ComplaintStep::Review) => {
                Some(ComplaintStatus::UnderReview)
            }
            (ComplaintStatus::Received | ComplaintStatus::UnderReview, ComplaintStep::Resolve) => {
                Some(ComplaintStatus::Resolved)
            }
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ComplaintStatus::Received => "received",
            ComplaintStatus::UnderReview => "under_review",
            ComplaintStatus::Resolved => "resolved",
        }
    }
}

/// The outcome of a resolved complaint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum Outcome {
    Upheld,
    Dismissed,
}

impl Outcome {
    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "upheld" => Some(Outcome::Upheld),
            "dismissed" => Some(Outcome::Dismissed),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Upheld => "upheld",
            Outcome::Dismissed => "dismissed",
        }
    }
}

/// Who handles a complaint: the collective's leaders, or the Executive Secretary when a leader is
/// concerned (nobody judges a complaint about themselves).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handler {
    CollectiveLeaders,
    ExecutiveSecretary,
}

pub fn handler(about_leader: bool) -> Handler {
    if about_leader {
        Handler::ExecutiveSecretary
    } else {
        Handler::CollectiveLeaders
    }
}

/// The day a complaint filed on `filed_on` must be resolved by (`MINGA_COMPLAINT_DAYS`).
pub fn due_on(filed_on: NaiveDate, days: u32) -> NaiveDate {
    filed_on + Duration::days(i64::from(days))
}

/// Whether a complaint is past its deadline unresolved on `today`.
pub fn overdue(status: ComplaintStatus, due_on: NaiveDate, today: NaiveDate) -> bool {
    status != ComplaintStatus::Resolved && today > due_on
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complaint_is_reviewed_then_resolved_and_nothing_after() {
        use ComplaintStatus::*;
        use ComplaintStep::*;
        assert_eq!(Received.after(Review), Some(UnderReview));
        assert_eq!(Received.after(Resolve), Some(Resolved));
        assert_eq!(UnderReview.after(Resolve), Some(Resolved));
        assert_eq!(UnderReview.after(Review), None);
        assert_eq!(Resolved.after(Review), None);
        assert_eq!(Resolved.after(Resolve), None);
    }

    #[test]
    fn a_leader_concerned_sends_it_to_the_secretary_and_the_deadline_counts_days() {
        assert_eq!(handler(true), Handler::ExecutiveSecretary);
        assert_eq!(handler(false), Handler::CollectiveLeaders);
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(due_on(d("2026-01-20"), 30), d("2026-02-19"));
        assert_eq!(due_on(d("2024-02-01"), 29), d("2024-03-01"), "leap year");
        assert!(!overdue(
            ComplaintStatus::UnderReview,
            d("2026-02-19"),
            d("2026-02-19")
        ));
        assert!(overdue(
            ComplaintStatus::UnderReview,
            d("2026-02-19"),
            d("2026-02-20")
        ));
        assert!(!overdue(
            ComplaintStatus::Resolved,
            d("2026-02-19"),
            d("2026-03-20")
        ));
    }
}
