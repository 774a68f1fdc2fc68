-- Removal of an Advisory Council member (issue 17): proposed by the Executive Secretary with its
-- reason as an item of an Executive Council meeting, decided by the Council's vote on it; the
-- office is revoked only when the vote approves it.

CREATE TABLE advisory_removals (
    id             INTEGER PRIMARY KEY,
    office_id      INTEGER NOT NULL REFERENCES offices (id),
    meeting_id     INTEGER NOT NULL REFERENCES meetings (id),
    agenda_item_id INTEGER NOT NULL UNIQUE REFERENCES agenda_items (id),
    reason         TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'removed', 'kept', 'lapsed')),
    proposed_by    INTEGER REFERENCES accounts (id),
    proposer_label TEXT NOT NULL,
    proposed_at    TEXT NOT NULL,
    vote_id        INTEGER REFERENCES votes (id),
    settled_at     TEXT,
    decision_id    INTEGER REFERENCES decisions (id)
);
CREATE INDEX advisory_removals_of ON advisory_removals (office_id, status);
-- one removal under way per office
CREATE UNIQUE INDEX advisory_removals_pending ON advisory_removals (office_id) WHERE status = 'proposed';
