-- Verifications counted, not tracked (issue 19): how many times each evidence's public page was
-- opened, and the first and last day. No address, cookie, account or time of day is kept.
CREATE TABLE evidence_visits (
    evidence_idx INTEGER PRIMARY KEY,
    views        INTEGER NOT NULL,
    first_day    TEXT NOT NULL,
    last_day     TEXT NOT NULL
);
