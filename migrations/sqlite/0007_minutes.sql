-- Minutes of the meetings held: drafted by the secretary, circulated to the members for their
-- comments (an objection holds back the approval by the body's rule), approved by a vote at a
-- later meeting or by the rule, then frozen and rendered to a PDF registered as an evidence.
-- The agreements they record are followed up until closed.

CREATE TABLE minutes (
    meeting_id       INTEGER PRIMARY KEY REFERENCES meetings (id),
    text             TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'circulated', 'approved')),
    -- every saved change to a circulated text is a new revision, circulated again
    revision         INTEGER NOT NULL DEFAULT 1,
    drafted_by       INTEGER REFERENCES accounts (id),
    updated_at       TEXT NOT NULL,
    circulated_at    TEXT,
    approved_at      TEXT,
    approved_how     TEXT CHECK (approved_how IN ('vote', 'rule')),
    approval_vote_id INTEGER REFERENCES votes (id),
    pdf_sha256       TEXT,
    decision_id      INTEGER REFERENCES decisions (id)
);
CREATE INDEX minutes_status ON minutes (status);

CREATE TABLE minutes_comments (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES minutes (meeting_id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    revision    INTEGER NOT NULL,
    objection   INTEGER NOT NULL DEFAULT 0,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX minutes_comments_meeting ON minutes_comments (meeting_id, id);

-- The agreements of a meeting's minutes: proposed in the draft, opened when the minutes are
-- approved, closed as done or dropped.
CREATE TABLE agreements (
    id                INTEGER PRIMARY KEY,
    meeting_id        INTEGER NOT NULL REFERENCES meetings (id),
    text              TEXT NOT NULL,
    owner_id          INTEGER NOT NULL REFERENCES people (id),
    due_on            TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'open', 'done', 'dropped')),
    opened_at         TEXT,
    closed_at         TEXT,
    closed_by         INTEGER REFERENCES accounts (id),
    closing_note      TEXT NOT NULL DEFAULT '',
    overdue_mailed_at TEXT
);
CREATE INDEX agreements_meeting ON agreements (meeting_id, id);
CREATE INDEX agreements_status ON agreements (status, due_on);

-- An agenda item may put to the vote the approval of an earlier meeting's minutes.
ALTER TABLE agenda_items ADD COLUMN approves_minutes_of INTEGER REFERENCES meetings (id);

-- A decision may carry a document (the approved minutes' PDF), registered with its evidence.
ALTER TABLE decisions ADD COLUMN document_sha256 TEXT;
ALTER TABLE decisions ADD COLUMN document_name TEXT;
ALTER TABLE decisions ADD COLUMN document_type TEXT;
