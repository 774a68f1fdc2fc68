//! Removal of an Advisory Council member: the Executive Council decides it by a vote at a meeting,
//! on an agenda item the Executive Secretary proposes with its reason. The office is revoked only
//! when that vote approves it; a meeting that ends without voting it lets the proposal lapse.

use super::meetings::MeetingStatus;

/// Where a proposed removal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum RemovalStatus {
    /// On a meeting's agenda, not decided yet.
    Proposed,
    /// The Council voted for it: the office was revoked.
    Removed,
    /// The Council voted against it: the member keeps the seat.
    Kept,
    /// The meeting was cancelled or ended without voting it.
    Lapsed,
}

impl RemovalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalStatus::Proposed => "proposed",
            RemovalStatus::Removed => "removed",
            RemovalStatus::Kept => "kept",
            RemovalStatus::Lapsed => "lapsed",
        }
    }
}

/// The agenda item's vote, as the removal sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemVote {
    /// Not put to the vote.
    None,
    Open,
    Closed {
        approved: bool,
    },
}

/// What a proposed removal becomes, given its item's vote and its meeting's status: `None` while
/// it is still to be decided.
pub fn settle(vote: ItemVote, meeting: MeetingStatus) -> Option<RemovalStatus> {
    match (vote, meeting) {
        (ItemVote::Closed { approved: true }, _) => Some(RemovalStatus::Removed),
        (ItemVote::Closed { approved: false }, _) => Some(RemovalStatus::Kept),
        // a vote still open is decided by its close, whatever the meeting's state
        (ItemVote::Open, _) => None,
        (ItemVote::None, MeetingStatus::Cancelled | MeetingStatus::Held) => {
            Some(RemovalStatus::Lapsed)
        }
        (ItemVote::None, MeetingStatus::Draft | MeetingStatus::Convened) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_councils_vote_removes_and_an_unvoted_item_lapses_with_its_meeting() {
        use MeetingStatus::*;
        let approved = ItemVote::Closed { approved: true };
        let rejected = ItemVote::Closed { approved: false };
        for meeting in [Draft, Convened, Held, Cancelled] {
            assert_eq!(settle(approved, meeting), Some(RemovalStatus::Removed));
            assert_eq!(settle(rejected, meeting), Some(RemovalStatus::Kept));
            assert_eq!(settle(ItemVote::Open, meeting), None, "{meeting:?}");
        }
        assert_eq!(settle(ItemVote::None, Draft), None);
        assert_eq!(settle(ItemVote::None, Convened), None);
        assert_eq!(settle(ItemVote::None, Held), Some(RemovalStatus::Lapsed));
        assert_eq!(
            settle(ItemVote::None, Cancelled),
            Some(RemovalStatus::Lapsed)
        );
    }
}
