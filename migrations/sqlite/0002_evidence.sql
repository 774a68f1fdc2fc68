-- The evidence engine: entries of the append-only log, their items and documents, the Merkle
-- tree by complete subtree, signed checkpoints, the source systems' API keys, the register of
-- governance decisions, and the integrity audit's runs and findings.

-- Which kinds exist and whether their records are shown to the public (hashes always are).
CREATE TABLE evidence_kinds (
    kind        TEXT PRIMARY KEY,
    public      INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,
    prefix       TEXT NOT NULL UNIQUE,
    key_hash     BLOB NOT NULL UNIQUE,
    kinds        TEXT NOT NULL,
    created_by   INTEGER REFERENCES accounts (id),
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT,
    revoked_by   INTEGER REFERENCES accounts (id)
);

-- One row per log entry; `idx` is the leaf index, so a deleted entry leaves a visible gap.
CREATE TABLE evidences (
    idx                 INTEGER PRIMARY KEY,
    id                  TEXT NOT NULL UNIQUE,
    source              TEXT NOT NULL,
    kind                TEXT NOT NULL,
    ref                 TEXT NOT NULL,
    data_json           TEXT NOT NULL,
    data_hash           BLOB NOT NULL,
    document_hash       BLOB,
    document_media_type TEXT,
    document_filename   TEXT,
    document_size       INTEGER,
    items_root          BLOB,
    items_count         INTEGER NOT NULL,
    registered_at       TEXT NOT NULL,
    entry               BLOB NOT NULL,
    link_hash           BLOB NOT NULL,
    UNIQUE (source, kind, ref)
);
CREATE INDEX evidences_ref ON evidences (ref);
CREATE INDEX evidences_data_hash ON evidences (data_hash);
CREATE INDEX evidences_document_hash ON evidences (document_hash);
CREATE INDEX evidences_link_hash ON evidences (link_hash);
CREATE INDEX evidences_items_root ON evidences (items_root);
CREATE INDEX evidences_kind ON evidences (kind, idx);

CREATE TABLE evidence_items (
    evidence_idx INTEGER NOT NULL REFERENCES evidences (idx),
    position     INTEGER NOT NULL,
    item_json    TEXT NOT NULL,
    PRIMARY KEY (evidence_idx, position)
) WITHOUT ROWID;

-- Complete subtrees of the RFC 9162 tree: key = level << 48 | index. Never change once written.
CREATE TABLE log_tree (
    key  INTEGER PRIMARY KEY,
    hash BLOB NOT NULL
);

CREATE TABLE checkpoints (
    id        INTEGER PRIMARY KEY,
    tree_size INTEGER NOT NULL UNIQUE,
    root_hash BLOB NOT NULL,
    note      TEXT NOT NULL,
    signed_at TEXT NOT NULL
);

-- The register of governance decisions. Written in the transaction of the decision itself; the
-- decision publisher then registers it in the log and fills `evidence_id`.
CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    event       TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    ref         TEXT NOT NULL UNIQUE,
    title_es    TEXT NOT NULL,
    title_en    TEXT NOT NULL,
    data_json   TEXT NOT NULL,
    decided_at  TEXT NOT NULL,
    evidence_id TEXT REFERENCES evidences (id)
);
CREATE INDEX decisions_pending ON decisions (evidence_id) WHERE evidence_id IS NULL;

CREATE TABLE integrity_runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL CHECK (status IN ('running', 'clean', 'altered', 'failed')),
    total       INTEGER NOT NULL DEFAULT 0,
    checked     INTEGER NOT NULL DEFAULT 0,
    checkpoints INTEGER NOT NULL DEFAULT 0,
    summary     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE integrity_findings (
    id           INTEGER PRIMARY KEY,
    run_id       INTEGER NOT NULL REFERENCES integrity_runs (id),
    -- the entries concerned, from..until inclusive; NULL for findings about no entry in particular
    evidence_idx INTEGER,
    until_idx    INTEGER,
    kind         TEXT NOT NULL,
    detail       TEXT NOT NULL
);
CREATE INDEX integrity_findings_run ON integrity_findings (run_id, evidence_idx);

-- The log is append-only: refuse changes from the application. (Someone with the database file
-- can still drop these; the integrity audit is what catches that.)
CREATE TRIGGER evidences_no_update BEFORE UPDATE ON evidences BEGIN SELECT RAISE(ABORT, 'evidences are append-only'); END;
CREATE TRIGGER evidences_no_delete BEFORE DELETE ON evidences BEGIN SELECT RAISE(ABORT, 'evidences are append-only'); END;
CREATE TRIGGER evidence_items_no_update BEFORE UPDATE ON evidence_items BEGIN SELECT RAISE(ABORT, 'evidence items are append-only'); END;
CREATE TRIGGER evidence_items_no_delete BEFORE DELETE ON evidence_items BEGIN SELECT RAISE(ABORT, 'evidence items are append-only'); END;
CREATE TRIGGER log_tree_no_update BEFORE UPDATE ON log_tree BEGIN SELECT RAISE(ABORT, 'the log tree is append-only'); END;
CREATE TRIGGER log_tree_no_delete BEFORE DELETE ON log_tree BEGIN SELECT RAISE(ABORT, 'the log tree is append-only'); END;
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
