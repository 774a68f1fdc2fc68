-- The report calendar (issue 17): what each role owes, on which period and due day (the seed's
-- defaults, editable by an administrator), and the reports written and filed. Portable SQL:
-- dates as ISO text, no SQLite-only functions.

CREATE TABLE report_obligations (
    -- who owes it (member, project, leaders, commission, executive-secretary, advisory-council):
    -- also fixes to whom it goes and what its form asks
    debtor      TEXT PRIMARY KEY,
    period      TEXT NOT NULL CHECK (period IN ('monthly', 'bimonthly', 'quarterly')),
    due_day     INTEGER NOT NULL CHECK (due_day BETWEEN 1 AND 31),
    starts_on   TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT NOT NULL
);

-- The seed: members monthly, project users and leaders every two months, commissions monthly,
-- the Executive Secretary and the Advisory Council quarterly; due the 10th of the next month.
INSERT INTO report_obligations (debtor, period, due_day, starts_on, updated_at) VALUES
    ('member', 'monthly', 10, '2026-01-01', '2026-01-01T00:00:00.000Z'),
    ('project', 'bimonthly', 10, '2026-01-01', '2026-01-01T00:00:00.000Z'),
    ('leaders', 'bimonthly', 10, '2026-01-01', '2026-01-01T00:00:00.000Z'),
    ('commission', 'monthly', 10, '2026-01-01', '2026-01-01T00:00:00.000Z'),
    ('executive-secretary', 'quarterly', 10, '2026-01-01', '2026-01-01T00:00:00.000Z'),
    ('advisory-council', 'quarterly', 10, '2026-01-01', '2026-01-01T00:00:00.000Z');

-- A report: a draft while its author writes it, frozen once filed (its PDF registered as an
-- evidence through the decision it carries). One per debtor, subject and period.
CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    debtor          TEXT NOT NULL REFERENCES report_obligations (debtor),
    -- who owes it: `institution:7@3` (a member in collective 3), `person:5@3`, `project:4`,
    -- `collective:3`, `nodes-commission`, `projects-commission`, `executive-secretary`,
    -- `advisory-council`
    subject         TEXT NOT NULL,
    subject_name    TEXT NOT NULL,
    subject_name_en TEXT NOT NULL,
    period_start    TEXT NOT NULL,
    period_end      TEXT NOT NULL,
    -- the label of the period (`2026-03`, `2026-03/04`)
    period          TEXT NOT NULL,
    due_on          TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'filed')),
    -- what the portal knew of the period when the form was opened (rows of label and value)
    facts_json      TEXT NOT NULL,
    -- the author's answers, by question
    answers_json    TEXT NOT NULL,
    author_id       INTEGER NOT NULL REFERENCES people (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    filed_at        TEXT,
    pdf_sha256      TEXT,
    decision_id     INTEGER REFERENCES decisions (id),
    UNIQUE (debtor, subject, period_start)
);
CREATE INDEX reports_filed ON reports (status, filed_at);
