-- Sign-in with an institution's OpenID provider (issue 18).

-- A provider identity (issuer + subject) linked to an account: the first sign-in links it, to a
-- new account or to an existing one whose owner typed its password. Offices never come from the
-- provider: they are the portal's own records.
CREATE TABLE oidc_identities (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts (id),
    issuer          TEXT NOT NULL,
    subject         TEXT NOT NULL,
    -- the address the provider gave at the last sign-in
    email           TEXT NOT NULL DEFAULT '',
    linked_at       TEXT NOT NULL,
    last_sign_in_at TEXT,
    UNIQUE (issuer, subject)
);
CREATE INDEX oidc_identities_of ON oidc_identities (account_id);

-- A sign-in under way: the browser holds a random token (a cookie, so the answer is bound to the
-- browser that asked); the row keeps the token's SHA-256, the `state`, `nonce` and PKCE verifier
-- sent to the provider. The callback uses it once. When the provider's address belongs to an
-- existing account, the row then waits (link_*) for that account's password.
CREATE TABLE oidc_flows (
    id             INTEGER PRIMARY KEY,
    token_hash     BLOB NOT NULL UNIQUE,
    issuer         TEXT NOT NULL,
    state          TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    next           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    used_at        TEXT,
    link_account_id INTEGER REFERENCES accounts (id),
    link_subject   TEXT,
    link_email     TEXT,
    link_mfa       INTEGER NOT NULL DEFAULT 0,
    linked_at      TEXT
);
CREATE INDEX oidc_flows_expiry ON oidc_flows (expires_at);

-- A session opened through a provider that asserted a second factor (`amr`): the portal does not
-- ask for its own code again.
ALTER TABLE sessions ADD COLUMN provider_mfa INTEGER NOT NULL DEFAULT 0;
