-- Projects: calls for projects, the applications (selected by the collective's leaders, scored
-- by the projects commission, decided by the Executive Council's plenary vote), every step of
-- their history, the plan as it stands (the plan as admitted is the admission decision's
-- evidence), the metrics' recorded values and the stalled flag.

-- A call for projects: its period, who may apply, the documents required, the criteria with
-- their weights (a JSON array of {key, name_es, name_en, weight}).
CREATE TABLE project_calls (
    id            INTEGER PRIMARY KEY,
    title_es      TEXT NOT NULL,
    title_en      TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    opens_on      TEXT NOT NULL,
    closes_on     TEXT NOT NULL,
    -- public_entities, members, anyone
    eligibility   TEXT NOT NULL DEFAULT 'anyone',
    documents     TEXT NOT NULL DEFAULT '',
    criteria_json TEXT NOT NULL,
    created_by    INTEGER REFERENCES accounts (id),
    created_at    TEXT NOT NULL
);

CREATE TABLE projects (
    id                  INTEGER PRIMARY KEY,
    -- NULL: an application outside any call (the seed allows it)
    call_id             INTEGER REFERENCES project_calls (id),
    -- the applicant's account's person, and the entity it applies for (NULL: for itself)
    person_id           INTEGER NOT NULL REFERENCES people (id),
    institution_id      INTEGER REFERENCES institutions (id),
    -- the entity as written when it is not a registered institution
    entity_name         TEXT NOT NULL DEFAULT '',
    public_body         INTEGER NOT NULL DEFAULT 0,
    -- the commitment signed by the public body's head (a PDF stored by its SHA-256), and who signed
    commitment_sha256   TEXT,
    commitment_filename TEXT,
    commitment_head     TEXT NOT NULL DEFAULT '',
    -- the day the entity's head changed without a new commitment (stalls the project)
    commitment_lapsed_on TEXT,
    collective_id       INTEGER NOT NULL REFERENCES collectives (id),
    title               TEXT NOT NULL,
    problem             TEXT NOT NULL DEFAULT '',
    public_value        TEXT NOT NULL DEFAULT '',
    beneficiaries       TEXT NOT NULL DEFAULT '',
    licence             TEXT NOT NULL DEFAULT '',
    repository          TEXT NOT NULL DEFAULT '',
    open_data           TEXT NOT NULL DEFAULT '',
    team                TEXT NOT NULL DEFAULT '',
    partner             TEXT NOT NULL DEFAULT '',
    requested_nodes     INTEGER NOT NULL DEFAULT 0,
    requested_capital   INTEGER NOT NULL DEFAULT 0,
    requested_support   TEXT NOT NULL DEFAULT '',
    -- the API source (a key's source name) whose `project.metric` evidences record the metrics
    metrics_source      TEXT,
    -- the plan as it stands (domain::projects::Plan as JSON): as submitted, then as admitted,
    -- then as re-planned; each decided version is in the log
    plan_json           TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'submitted',
    -- the phase under way, once admitted
    phase               TEXT,
    -- the agenda item and the Council's vote that decide it
    agenda_item_id      INTEGER REFERENCES agenda_items (id),
    vote_id             INTEGER REFERENCES votes (id),
    reason              TEXT NOT NULL DEFAULT '',
    -- in_production, finished, abandoned
    closing             TEXT,
    lessons             TEXT NOT NULL DEFAULT '',
    guide               TEXT NOT NULL DEFAULT '',
    -- the stalled flag: its causes (JSON array of domain::projects::Stall), since when, and the
    -- day the commission was mailed about it
    stalled_json        TEXT NOT NULL DEFAULT '[]',
    stalled_since       TEXT,
    stalled_mailed_on   TEXT,
    submitted_at        TEXT NOT NULL,
    admitted_at         TEXT,
    closed_at           TEXT,
    updated_at          TEXT NOT NULL
);
CREATE INDEX projects_collective ON projects (collective_id);
CREATE INDEX projects_person ON projects (person_id);
CREATE INDEX projects_status ON projects (status);
CREATE INDEX projects_call ON projects (call_id) WHERE call_id IS NOT NULL;

-- Every step of an application and a project, with who took it and why; a phase change or a
-- re-plan keeps the phase and the plan it led to.
CREATE TABLE project_steps (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id),
    step        TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    phase       TEXT,
    reason      TEXT NOT NULL DEFAULT '',
    -- what was delivered (a phase change) or the plan it set (a re-plan), as JSON
    detail_json TEXT NOT NULL DEFAULT '{}',
    account_id  INTEGER REFERENCES accounts (id),
    actor_label TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX project_steps_project ON project_steps (project_id);

-- Each commission seat's score of each criterion with its justification (rewritable until the
-- application goes to the Council).
CREATE TABLE project_scores (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects (id),
    person_id     INTEGER NOT NULL REFERENCES people (id),
    criterion     TEXT NOT NULL,
    score         INTEGER NOT NULL,
    justification TEXT NOT NULL,
    written_at    TEXT NOT NULL,
    UNIQUE (project_id, person_id, criterion)
);

-- A metric's values over time (by the project's applicant, or a source system through the
-- evidence API), by the metric's position in the plan.
CREATE TABLE project_metric_values (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id),
    metric      INTEGER NOT NULL,
    measured_on TEXT NOT NULL,
    value       REAL NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    account_id  INTEGER REFERENCES accounts (id),
    source      TEXT NOT NULL DEFAULT 'portal',
    recorded_at TEXT NOT NULL
);
CREATE INDEX project_metric_values_project ON project_metric_values (project_id, metric, measured_on);

-- A phase change the project proposes and the commission recommends, before the Council decides.
CREATE TABLE project_proposals (
    id              INTEGER PRIMARY KEY,
    project_id      INTEGER NOT NULL REFERENCES projects (id),
    to_phase        TEXT NOT NULL,
    delivered       TEXT NOT NULL,
    proposed_by     INTEGER REFERENCES accounts (id),
    proposed_at     TEXT NOT NULL,
    recommended_by  INTEGER REFERENCES accounts (id),
    recommendation  TEXT NOT NULL DEFAULT '',
    recommended_at  TEXT,
    -- open, decided, refused
    status          TEXT NOT NULL DEFAULT 'open'
);
CREATE INDEX project_proposals_project ON project_proposals (project_id);
