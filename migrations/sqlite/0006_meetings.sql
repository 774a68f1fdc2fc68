-- Council meetings: scheduling and convocation (with the revisions sent as iCalendar updates),
-- the agenda, members' answers and the attendance the secretary records, minutes and agreements.

CREATE TABLE meetings (
    id             INTEGER PRIMARY KEY,
    body           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('ordinary', 'extraordinary')),
    title_es       TEXT NOT NULL,
    title_en       TEXT NOT NULL,
    starts_at      TEXT NOT NULL,
    ends_at        TEXT NOT NULL,
    timezone       TEXT NOT NULL,
    place          TEXT NOT NULL DEFAULT '',
    virtual_url    TEXT NOT NULL DEFAULT '',
    requested_by   TEXT NOT NULL DEFAULT '',
    objectives     TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'convened', 'cancelled', 'held')),
    sequence       INTEGER NOT NULL DEFAULT 0,
    convened_at    TEXT,
    cancelled_at   TEXT,
    cancel_reason  TEXT NOT NULL DEFAULT '',
    -- when the secretary opened the session with quorum, and the quorum as established
    opened_at      TEXT,
    quorum_json    TEXT,
    created_by     INTEGER REFERENCES accounts (id),
    created_at     TEXT NOT NULL
);
CREATE INDEX meetings_body ON meetings (body, starts_at);
CREATE INDEX meetings_starts ON meetings (starts_at);

CREATE TABLE agenda_items (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id),
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    presenter   TEXT NOT NULL DEFAULT '',
    motion      TEXT NOT NULL DEFAULT '',
    vote_id     INTEGER REFERENCES votes (id),
    UNIQUE (meeting_id, position)
);

CREATE TABLE agenda_attachments (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES agenda_items (id),
    sha256      TEXT NOT NULL,
    filename    TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL
);

-- A member's own answer to the convocation, and what the secretary recorded at the meeting.
CREATE TABLE attendance (
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    answer      TEXT CHECK (answer IN ('in_person', 'virtual', 'absent', 'proxy')),
    answer_proxy INTEGER REFERENCES people (id),
    answered_at TEXT,
    presence    TEXT CHECK (presence IN ('in_person', 'virtual', 'represented', 'absent')),
    proxy_id    INTEGER REFERENCES people (id),
    recorded_by INTEGER REFERENCES accounts (id),
    recorded_at TEXT,
    PRIMARY KEY (meeting_id, person_id)
);
