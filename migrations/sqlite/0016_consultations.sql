-- Public consultations of governance documents (issue 17): a draft in numbered sections open to
-- comments for a period, every comment answered at the close (integrated, declined, or left to
-- a body's agenda, grouped by theme), and the final version approved by a decision.

CREATE TABLE consultations (
    id                INTEGER PRIMARY KEY,
    document          TEXT NOT NULL CHECK (document IN ('governance-model', 'ethics-code', 'security-protocol', 'call-rules')),
    title_es          TEXT NOT NULL,
    title_en          TEXT NOT NULL,
    opens_on          TEXT NOT NULL,
    closes_on         TEXT NOT NULL,
    anonymous_allowed INTEGER NOT NULL DEFAULT 0,
    -- the draft as typed; its sections are its paragraphs, numbered from 1
    draft             TEXT NOT NULL,
    final_text        TEXT,
    final_note        TEXT NOT NULL DEFAULT '',
    concluded_at      TEXT,
    opened_by         INTEGER REFERENCES people (id),
    created_at        TEXT NOT NULL,
    decision_id       INTEGER REFERENCES decisions (id),
    final_decision_id INTEGER REFERENCES decisions (id)
);

CREATE TABLE consultation_comments (
    id              INTEGER PRIMARY KEY,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    section         INTEGER NOT NULL,
    person_id       INTEGER NOT NULL REFERENCES people (id),
    anonymous       INTEGER NOT NULL DEFAULT 0,
    text            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    answer          TEXT CHECK (answer IN ('integrated', 'declined', 'agenda')),
    answer_text     TEXT NOT NULL DEFAULT '',
    theme           TEXT NOT NULL DEFAULT '',
    answered_at     TEXT
);
CREATE INDEX consultation_comments_of ON consultation_comments (consultation_id, section, id);
