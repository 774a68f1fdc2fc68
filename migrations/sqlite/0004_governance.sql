-- Governance: how seats are filled (calls and candidacies, nominations to the Executive Council,
-- applications to the Advisory Council, requests for new collectives), votes with liquid
-- delegation, the terms calendar's notices and the mail outbox they are queued in.

-- A seat's chain of terms: a renewal points at the term it continues.
ALTER TABLE offices ADD COLUMN renews INTEGER REFERENCES offices (id);

-- A written request to create a collective, decided by the Executive Council.
CREATE TABLE collective_requests (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES people (id),
    name_es         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    sector          TEXT NOT NULL CHECK (sector IN ('academic', 'business', 'public', 'civil_society', 'other')),
    justification   TEXT NOT NULL,
    node_commitment INTEGER NOT NULL CHECK (node_commitment = 1),
    status          TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'approved', 'rejected')),
    submitted_at    TEXT NOT NULL,
    decided_at      TEXT,
    decided_by      INTEGER REFERENCES accounts (id),
    decision_note   TEXT NOT NULL DEFAULT '',
    collective_id   INTEGER REFERENCES collectives (id)
);

-- An open call for a collective's leaders; the Executive Council elects among the candidacies.
CREATE TABLE calls (
    id             INTEGER PRIMARY KEY,
    role           TEXT NOT NULL CHECK (role IN ('collective_leader')),
    collective_id  INTEGER NOT NULL REFERENCES collectives (id),
    seats          INTEGER NOT NULL CHECK (seats > 0),
    description_es TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    opens_on       TEXT NOT NULL,
    closes_on      TEXT NOT NULL,
    term_starts_on TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided', 'cancelled')),
    created_by     INTEGER REFERENCES accounts (id),
    created_at     TEXT NOT NULL,
    decided_at     TEXT
);
CREATE INDEX calls_status ON calls (status, closes_on);

CREATE TABLE candidacies (
    id           INTEGER PRIMARY KEY,
    call_id      INTEGER NOT NULL REFERENCES calls (id),
    person_id    INTEGER NOT NULL REFERENCES people (id),
    statement    TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'withdrawn', 'elected', 'not_elected')),
    submitted_at TEXT NOT NULL,
    decided_at   TEXT,
    office_id    INTEGER REFERENCES offices (id),
    UNIQUE (call_id, person_id)
);

-- A collective leader's proposal of a candidate for an Executive Council seat, with the figures
-- the ranking uses; the Advisory Council designates.
CREATE TABLE nominations (
    id               INTEGER PRIMARY KEY,
    role             TEXT NOT NULL CHECK (role IN ('executive_secretary', 'projects_commission', 'nodes_commission')),
    collective_id    INTEGER REFERENCES collectives (id),
    person_id        INTEGER NOT NULL REFERENCES people (id),
    proposed_by      INTEGER NOT NULL REFERENCES people (id),
    projects         INTEGER NOT NULL DEFAULT 0 CHECK (projects >= 0),
    experience_years INTEGER NOT NULL DEFAULT 0 CHECK (experience_years >= 0),
    grounds          TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'designated', 'not_designated', 'withdrawn')),
    created_at       TEXT NOT NULL,
    decided_at       TEXT,
    office_id        INTEGER REFERENCES offices (id)
);
CREATE INDEX nominations_status ON nominations (status, role);

-- A written application (letter and CV) for an Advisory Council seat, or a member's request for
-- a second term; admitted or not by the Executive Council.
CREATE TABLE advisory_applications (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people (id),
    kind          TEXT NOT NULL CHECK (kind IN ('admission', 'renewal')),
    letter        TEXT NOT NULL,
    cv_sha256     TEXT,
    cv_filename   TEXT NOT NULL DEFAULT '',
    renews        INTEGER REFERENCES offices (id),
    status        TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'admitted', 'rejected')),
    submitted_at  TEXT NOT NULL,
    decided_at    TEXT,
    decided_by    INTEGER REFERENCES accounts (id),
    decision_note TEXT NOT NULL DEFAULT '',
    office_id     INTEGER REFERENCES offices (id)
);

-- A vote: yes / no / abstain, by an electorate computed on `eligibility_on`.
CREATE TABLE votes (
    id             INTEGER PRIMARY KEY,
    subject        TEXT NOT NULL,
    subject_id     INTEGER,
    electorate     TEXT NOT NULL,
    scope          TEXT,
    question_es    TEXT NOT NULL,
    question_en    TEXT NOT NULL,
    majority       TEXT NOT NULL CHECK (majority IN ('simple', 'absolute', 'two_thirds')),
    tie_rule       TEXT NOT NULL CHECK (tie_rule IN ('rejected', 'approved', 'chair_decides')),
    chair_id       INTEGER REFERENCES people (id),
    secret         INTEGER NOT NULL DEFAULT 0,
    liquid         INTEGER NOT NULL DEFAULT 0,
    eligibility_on TEXT NOT NULL,
    closes_at      TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    result_json    TEXT,
    created_by     INTEGER REFERENCES accounts (id),
    created_at     TEXT NOT NULL,
    closed_at      TEXT
);
CREATE INDEX votes_status ON votes (status, closes_at);
CREATE INDEX votes_subject ON votes (subject, subject_id);

CREATE TABLE ballots (
    id          INTEGER PRIMARY KEY,
    vote_id     INTEGER NOT NULL REFERENCES votes (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    choice      TEXT NOT NULL CHECK (choice IN ('yes', 'no', 'abstain')),
    cast_at     TEXT NOT NULL,
    recorded_by INTEGER REFERENCES accounts (id),
    UNIQUE (vote_id, person_id)
);

-- Liquid democracy: a person's vote in a scope follows their delegate until revoked.
CREATE TABLE delegations (
    id          INTEGER PRIMARY KEY,
    from_person INTEGER NOT NULL REFERENCES people (id),
    to_person   INTEGER NOT NULL REFERENCES people (id),
    scope       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX delegations_scope ON delegations (scope, revoked_at);
CREATE UNIQUE INDEX delegations_one_active ON delegations (from_person, scope) WHERE revoked_at IS NULL;

-- What the terms calendar has done for a term, so that each is done once.
CREATE TABLE term_events (
    office_id   INTEGER NOT NULL REFERENCES offices (id),
    event       TEXT NOT NULL CHECK (event IN ('ending-notice', 'ended')),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (office_id, event)
);

-- Mail waits here until the mail worker delivers it (queued while mail is not configured).
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    to_address      TEXT NOT NULL,
    to_name         TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    ics             TEXT,
    topic           TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    next_attempt_at TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (topic, to_address)
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
