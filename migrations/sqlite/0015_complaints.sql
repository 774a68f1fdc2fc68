-- Complaints under the ethics code (issue 17): filed by any account to the collective's leaders,
-- or to the Executive Secretary when a leader is concerned; received → under review → resolved
-- (upheld or dismissed, with the written resolution) within MINGA_COMPLAINT_DAYS. Public only in
-- anonymised form.

CREATE TABLE complaints (
    id              INTEGER PRIMARY KEY,
    complainant_id  INTEGER NOT NULL REFERENCES people (id),
    collective_id   INTEGER NOT NULL REFERENCES collectives (id),
    -- a leader of the collective is concerned: the Executive Secretary handles it
    about_leader    INTEGER NOT NULL DEFAULT 0,
    -- the rule of the code it invokes, as the complainant wrote it
    rule            TEXT NOT NULL,
    description     TEXT NOT NULL,
    code_version    INTEGER,
    status          TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'under_review', 'resolved')),
    outcome         TEXT CHECK (outcome IN ('upheld', 'dismissed')),
    resolution      TEXT NOT NULL DEFAULT '',
    filed_at        TEXT NOT NULL,
    due_on          TEXT NOT NULL,
    reviewed_at     TEXT,
    resolved_at     TEXT,
    handled_by      INTEGER REFERENCES people (id),
    decision_id     INTEGER REFERENCES decisions (id)
);
CREATE INDEX complaints_status ON complaints (status, due_on);
