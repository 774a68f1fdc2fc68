-- The foundation: the network's bodies, people and their accounts, offices (how roles are held),
-- sessions, login throttling and the append-only audit trail.
-- Timestamps are UTC ISO-8601 text ('YYYY-MM-DDTHH:MM:SS.sssZ'), dates 'YYYY-MM-DD'.

CREATE TABLE collectives (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    sector         TEXT NOT NULL CHECK (sector IN ('academic', 'business', 'public', 'civil_society', 'other')),
    name_es        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    description_es TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    created_on     TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE institutions (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    short_name TEXT NOT NULL DEFAULT '',
    sector     TEXT NOT NULL CHECK (sector IN ('academic', 'business', 'public', 'civil_society', 'other')),
    kind       TEXT NOT NULL DEFAULT '',
    tax_id     TEXT NOT NULL DEFAULT '',
    website    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

-- A person is who holds offices and memberships; an account is how a person logs in.
CREATE TABLE people (
    id             INTEGER PRIMARY KEY,
    full_name      TEXT NOT NULL,
    email          TEXT NOT NULL DEFAULT '',
    institution_id INTEGER REFERENCES institutions (id),
    profile        TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);

CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY,
    person_id        INTEGER NOT NULL UNIQUE REFERENCES people (id),
    email            TEXT NOT NULL,
    email_normalized TEXT NOT NULL UNIQUE,
    password_hash    TEXT NOT NULL,
    locale           TEXT NOT NULL DEFAULT 'es' CHECK (locale IN ('es', 'en')),
    created_at       TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    last_login_at    TEXT,
    disabled_at      TEXT
);

-- Membership of an institution or an individual in a collective; seniority counts from `since`.
CREATE TABLE collective_memberships (
    id             INTEGER PRIMARY KEY,
    collective_id  INTEGER NOT NULL REFERENCES collectives (id),
    institution_id INTEGER REFERENCES institutions (id),
    person_id      INTEGER REFERENCES people (id),
    since          TEXT NOT NULL,
    until          TEXT,
    created_at     TEXT NOT NULL,
    CHECK ((institution_id IS NULL) <> (person_id IS NULL))
);
CREATE INDEX collective_memberships_collective ON collective_memberships (collective_id);

-- Every role is held through an office with a term; the applicant role is implied by an account.
CREATE TABLE offices (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people (id),
    role          TEXT NOT NULL CHECK (role IN ('member', 'project_user', 'collective_leader',
                      'executive_secretary', 'projects_commission', 'nodes_commission',
                      'advisory_member', 'administrator')),
    collective_id INTEGER REFERENCES collectives (id),
    starts_on     TEXT NOT NULL,
    ends_on       TEXT,
    note          TEXT NOT NULL DEFAULT '',
    granted_by    INTEGER REFERENCES accounts (id),
    granted_at    TEXT NOT NULL,
    revoked_at    TEXT,
    revoked_by    INTEGER REFERENCES accounts (id),
    revoke_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX offices_person ON offices (person_id);
CREATE INDEX offices_role ON offices (role);

-- Server-side sessions; only the SHA-256 of the cookie's token is stored.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   BLOB NOT NULL UNIQUE,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_attempts (
    id               INTEGER PRIMARY KEY,
    at               TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    ip               TEXT NOT NULL,
    succeeded        INTEGER NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email_normalized, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

-- The audit trail: who, when, what, before and after. Append-only, enforced by triggers.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER REFERENCES accounts (id),
    actor_label TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    ip          TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id);
CREATE INDEX audit_log_action ON audit_log (action);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
