-- The ethics code and the security protocol in versions (issue 17): each version published by
-- the Executive Council through a decision whose evidence carries the text; and who accepted
-- which version of the ethics code (batched into one decision a day).

CREATE TABLE governance_documents (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('ethics-code', 'security-protocol')),
    version       INTEGER NOT NULL,
    title_es      TEXT NOT NULL,
    title_en      TEXT NOT NULL,
    text_es       TEXT NOT NULL,
    text_en       TEXT NOT NULL,
    -- what changed and why (empty for a first version)
    change_note   TEXT NOT NULL DEFAULT '',
    -- SHA-256 of the JCS form of {kind, version, text_es, text_en}
    sha256        TEXT NOT NULL,
    published_on  TEXT NOT NULL,
    published_at  TEXT NOT NULL,
    published_by  INTEGER REFERENCES people (id),
    decision_id   INTEGER REFERENCES decisions (id),
    UNIQUE (kind, version)
);

CREATE TABLE ethics_acceptances (
    person_id     INTEGER NOT NULL REFERENCES people (id),
    document_id   INTEGER NOT NULL REFERENCES governance_documents (id),
    sha256        TEXT NOT NULL,
    accepted_at   TEXT NOT NULL,
    -- the day's decision that registered it, once the day is over
    batch_id      INTEGER REFERENCES decisions (id),
    PRIMARY KEY (person_id, document_id)
);
CREATE INDEX ethics_acceptances_unbatched ON ethics_acceptances (batch_id, accepted_at);
