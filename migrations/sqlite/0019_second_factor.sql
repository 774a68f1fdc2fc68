-- The second factor (issue 18): a TOTP secret per account (RFC 6238), the recovery codes given at
-- enrolment (kept as SHA-256, each good once), and the sign-ins waiting for their code.

CREATE TABLE account_totp (
    account_id   INTEGER PRIMARY KEY REFERENCES accounts (id),
    secret       BLOB NOT NULL,
    -- NULL while the account is enrolling (the first code not typed yet)
    confirmed_at TEXT,
    -- the last time step whose code was accepted: a code works once
    last_step    INTEGER,
    created_at   TEXT NOT NULL
);

CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    code_hash  BLOB NOT NULL,
    used_at    TEXT
);
CREATE INDEX recovery_codes_of ON recovery_codes (account_id);

-- A password accepted for an account with a second factor: the browser holds the token (a
-- cookie) until the code is typed; the session opens only then.
CREATE TABLE login_challenges (
    id          INTEGER PRIMARY KEY,
    token_hash  BLOB NOT NULL UNIQUE,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    next        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
