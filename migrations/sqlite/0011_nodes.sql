-- Nodes: the request to join with a node (admitted by the collective's leaders and the nodes
-- commission), the node it becomes, the commission's evaluations, every step of its history,
-- the poller's samples (raw, then hourly) and the alerts sent about it.

CREATE TABLE nodes (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL DEFAULT '',
    -- the applicant's account's person, and the institution it asks for (NULL: for itself)
    person_id        INTEGER NOT NULL REFERENCES people (id),
    institution_id   INTEGER REFERENCES institutions (id),
    collective_id    INTEGER NOT NULL REFERENCES collectives (id),
    node_type        TEXT NOT NULL DEFAULT '',
    enode            TEXT NOT NULL DEFAULT '',
    -- the node's public key (the enode's 128 hex digits): one node per key
    node_key         TEXT NOT NULL UNIQUE,
    rpc_url          TEXT NOT NULL DEFAULT '',
    host_kind        TEXT NOT NULL DEFAULT '',
    -- the operating system as written (`Ubuntu 22.04.3 LTS`)
    os               TEXT NOT NULL DEFAULT '',
    ram_mb           INTEGER NOT NULL DEFAULT 0,
    disk_gb          INTEGER NOT NULL DEFAULT 0,
    location         TEXT NOT NULL DEFAULT '',
    projects         TEXT NOT NULL DEFAULT '',
    liaison_name     TEXT NOT NULL DEFAULT '',
    liaison_position TEXT NOT NULL DEFAULT '',
    liaison_email    TEXT NOT NULL DEFAULT '',
    liaison_phone    TEXT NOT NULL DEFAULT '',
    -- the letter of intent, a PDF stored by its SHA-256
    letter_sha256    TEXT,
    letter_filename  TEXT,
    -- the requirements not met when it was filed (a JSON array of codes)
    unmet_json       TEXT NOT NULL DEFAULT '[]',
    -- the one probe made when it was filed (JSON), for the evaluators
    probe_json       TEXT,
    status           TEXT NOT NULL DEFAULT 'submitted',
    -- provisioned, deployed, retired: apart from the operational state the poller sees
    deployment       TEXT NOT NULL DEFAULT 'provisioned',
    -- the commission's vote, once put to it
    vote_id          INTEGER REFERENCES votes (id),
    -- the latest reason given (returned, rejected, suspended …)
    reason           TEXT NOT NULL DEFAULT '',
    imported         INTEGER NOT NULL DEFAULT 0,
    submitted_at     TEXT NOT NULL,
    admitted_at      TEXT,
    updated_at       TEXT NOT NULL
);
CREATE INDEX nodes_collective ON nodes (collective_id);
CREATE INDEX nodes_person ON nodes (person_id);
CREATE INDEX nodes_status ON nodes (status);

-- Every step of a request and a node, with who took it and why.
CREATE TABLE node_steps (
    id          INTEGER PRIMARY KEY,
    node_id     INTEGER NOT NULL REFERENCES nodes (id),
    step        TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    account_id  INTEGER REFERENCES accounts (id),
    actor_label TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX node_steps_node ON node_steps (node_id);

-- Each commission seat's written evaluation of a request (one per seat, rewritable until the
-- vote opens).
CREATE TABLE node_evaluations (
    id            INTEGER PRIMARY KEY,
    node_id       INTEGER NOT NULL REFERENCES nodes (id),
    person_id     INTEGER NOT NULL REFERENCES people (id),
    opinion       TEXT NOT NULL,
    justification TEXT NOT NULL,
    written_at    TEXT NOT NULL,
    UNIQUE (node_id, person_id)
);

-- What the poller saw on each call round (kept MINGA_NODE_RAW_DAYS). Clustered by node and
-- time (SQLite's WITHOUT ROWID; PostgreSQL's schema will differ): a node's latest sample and its
-- hour under way are a few adjacent pages, not a page per row.
CREATE TABLE node_samples (
    node_id     INTEGER NOT NULL REFERENCES nodes (id),
    at          TEXT NOT NULL,
    up          INTEGER NOT NULL,
    block       INTEGER,
    head        INTEGER,
    peers       INTEGER,
    latency_ms  INTEGER,
    syncing     INTEGER,
    client      TEXT,
    -- "value", "not_supported", "api_disabled", "failed" for net_peerCount (peers may be absent
    -- without the node being down)
    peers_state TEXT NOT NULL DEFAULT 'value',
    -- for a validator, from the signer metrics of the round: the blocks it proposed, the blocks
    -- of the metrics' window and how many signers shared them
    proposed    INTEGER,
    proposed_of INTEGER,
    signers     INTEGER,
    PRIMARY KEY (node_id, at)
) WITHOUT ROWID;
CREATE INDEX node_samples_at ON node_samples (at);

-- Hourly aggregates of the samples (kept MINGA_NODE_HOURLY_DAYS), clustered the same way.
CREATE TABLE node_hourly (
    node_id     INTEGER NOT NULL REFERENCES nodes (id),
    hour        TEXT NOT NULL,
    samples     INTEGER NOT NULL,
    up_samples  INTEGER NOT NULL,
    lag_max     INTEGER,
    peers_min   INTEGER,
    latency_p50 INTEGER,
    latency_p95 INTEGER,
    PRIMARY KEY (node_id, hour)
) WITHOUT ROWID;

-- The alert state of each node: one mail when it goes wrong, one when it recovers.
CREATE TABLE node_alerts (
    node_id      INTEGER PRIMARY KEY REFERENCES nodes (id),
    state        TEXT NOT NULL,
    since        TEXT,
    alerted      INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT NOT NULL
);

-- Transaction capital: an allowance for a member's writer accounts, granted by its collective's
-- leaders. A change ends the grant in force and starts another.
CREATE TABLE capital_grants (
    id             INTEGER PRIMARY KEY,
    node_id        INTEGER NOT NULL REFERENCES nodes (id),
    account        TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    period         TEXT NOT NULL,
    reason         TEXT NOT NULL,
    status         TEXT NOT NULL,
    granted_by     INTEGER REFERENCES accounts (id),
    starts_at      TEXT NOT NULL,
    ends_at        TEXT
);
CREATE INDEX capital_grants_node ON capital_grants (node_id);
