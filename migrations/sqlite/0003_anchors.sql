-- Anchors: every anchoring interval the latest checkpoint is sealed on each configured backend
-- (an Ethereum-compatible chain, an RFC 3161 time-stamping authority). A backend that is down is
-- retried with backoff; when it comes back it anchors the newest pending checkpoint, which covers
-- every older pending round (the proofs relate them by a consistency proof). Survives restarts.

CREATE TABLE anchor_backends (
    name            TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    failures        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_ok_at      TEXT,
    last_error      TEXT,
    last_error_at   TEXT
);

-- One round per anchoring interval in which the log grew: the checkpoint to seal.
CREATE TABLE anchor_rounds (
    id            INTEGER PRIMARY KEY,
    checkpoint_id INTEGER NOT NULL UNIQUE REFERENCES checkpoints (id),
    tree_size     INTEGER NOT NULL,
    created_at    TEXT NOT NULL
);

-- One row per (backend, round). `state`: pending → sent (a transaction is out, awaiting
-- confirmations) → done. A done row names the checkpoint actually anchored, which may be a later
-- one than its round's (it then covers the round).
CREATE TABLE anchors (
    id            INTEGER PRIMARY KEY,
    backend       TEXT NOT NULL REFERENCES anchor_backends (name),
    round_id      INTEGER NOT NULL REFERENCES anchor_rounds (id),
    state         TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'done')),
    checkpoint_id INTEGER REFERENCES checkpoints (id),
    tree_size     INTEGER,
    chain_id      INTEGER,
    tx_hash       TEXT,
    sent_at       TEXT,
    block_number  INTEGER,
    block_time    TEXT,
    token         BLOB,
    stamped_at    TEXT,
    anchored_at   TEXT,
    UNIQUE (backend, round_id)
);
CREATE INDEX anchors_pending ON anchors (backend, state, round_id);
CREATE INDEX anchors_size ON anchors (state, tree_size);

-- The batch report of each round: a PDF listing the evidences sealed in it, its checkpoint and
-- signature, its anchors; registered itself as an evidence (kind evidence.batch-report).
CREATE TABLE batch_reports (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL UNIQUE REFERENCES anchor_rounds (id),
    from_size   INTEGER NOT NULL,
    to_size     INTEGER NOT NULL,
    evidence_id TEXT NOT NULL REFERENCES evidences (id),
    created_at  TEXT NOT NULL
);
