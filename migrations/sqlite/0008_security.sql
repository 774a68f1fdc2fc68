-- Security fixes of the first outside review.

-- Throttled attempts of several kinds share one table: sign-in, registration, and the current
-- password typed to change it. An attempt is reserved (written as failed) before the password is
-- checked, so parallel attempts each count; a success is marked afterwards.
ALTER TABLE login_attempts ADD COLUMN scope TEXT NOT NULL DEFAULT 'login';
CREATE INDEX login_attempts_scope_email ON login_attempts (scope, email_normalized, at);
CREATE INDEX login_attempts_scope_ip ON login_attempts (scope, ip, at);

-- Whether the records of a kind are shown to the public belongs to the source that registers
-- them: one source's key can no longer change what another source's records show. Changed only
-- by an administrator, on purpose (audited).
CREATE TABLE evidence_visibility (
    source     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    public     INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by INTEGER REFERENCES accounts (id),
    PRIMARY KEY (source, kind)
);

-- What each source's keys were created for, with the flag the kind had (the last key's).
INSERT OR IGNORE INTO evidence_visibility (source, kind, public, changed_at)
SELECT DISTINCT k.source, j.value, COALESCE(v.public, 0), k.created_at
FROM api_keys k, json_each(k.kinds) j
LEFT JOIN evidence_kinds v ON v.kind = j.value;

-- What the portal itself registers (governance decisions, batch reports) stays public.
INSERT OR IGNORE INTO evidence_visibility (source, kind, public, changed_at)
SELECT DISTINCT 'portal', kind, public, created_at FROM evidence_kinds
WHERE kind LIKE 'governance.%' OR kind = 'evidence.batch-report';
