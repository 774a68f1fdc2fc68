-- Identity (issue 18): verified e-mail addresses and single-use links sent by mail.

-- When the account's address was confirmed. Accounts opened before this (the bootstrap
-- administrator, the demo, accounts an administrator opened) count as confirmed; an account
-- opened through the public form from now on confirms through the link it is mailed.
ALTER TABLE accounts ADD COLUMN email_verified_at TEXT;
UPDATE accounts SET email_verified_at = created_at;

-- A link sent by mail: confirm the address, or set a new password. The database keeps only the
-- token's SHA-256; a link is good once, until it expires, and for the address it was sent to.
CREATE TABLE account_tokens (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    purpose          TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    token_hash       BLOB NOT NULL UNIQUE,
    email_normalized TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    used_at          TEXT
);
CREATE INDEX account_tokens_of ON account_tokens (account_id, purpose);
