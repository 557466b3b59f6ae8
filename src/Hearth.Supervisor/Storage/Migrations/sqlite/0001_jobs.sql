-- Jobs, subjobs with their allocations and growth history, workers, captured output and API keys.
-- Times are Unix milliseconds (UTC). Every mutable row carries a version for optimistic concurrency.

CREATE TABLE jobs (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL,
    command           TEXT    NOT NULL, -- JSON array of argv
    reservations      TEXT    NOT NULL,
    priority          INTEGER NOT NULL,
    cpus              INTEGER NOT NULL,
    working_directory TEXT,
    state             TEXT    NOT NULL,
    submitted_at      INTEGER NOT NULL,
    started_at        INTEGER,
    finished_at       INTEGER,
    version           INTEGER NOT NULL
);

CREATE INDEX jobs_by_state ON jobs (state, id);

CREATE TABLE subjobs (
    job_id         INTEGER NOT NULL REFERENCES jobs (id),
    idx            INTEGER NOT NULL,
    sequence       INTEGER NOT NULL,
    state          TEXT    NOT NULL,
    attempt        INTEGER NOT NULL,
    host           TEXT,
    allocations    TEXT    NOT NULL, -- JSON object, resource name to amount
    kill_requested INTEGER NOT NULL,
    pid            INTEGER,
    exit_code      INTEGER,
    error          TEXT,
    started_at     INTEGER,
    finished_at    INTEGER,
    version        INTEGER NOT NULL,
    PRIMARY KEY (job_id, idx)
);

CREATE TABLE allocation_changes (
    id          INTEGER PRIMARY KEY,
    job_id      INTEGER NOT NULL,
    idx         INTEGER NOT NULL,
    attempt     INTEGER NOT NULL,
    kind        TEXT    NOT NULL, -- dispatch | grow
    host        TEXT    NOT NULL,
    allocations TEXT    NOT NULL, -- totals after the change
    at          INTEGER NOT NULL
);

CREATE INDEX allocation_changes_by_subjob ON allocation_changes (job_id, idx, id);

CREATE TABLE workers (
    name         TEXT    PRIMARY KEY,
    resources    TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    last_seen_at INTEGER,
    version      INTEGER NOT NULL
);

CREATE TABLE log_chunks (
    id      INTEGER PRIMARY KEY,
    job_id  INTEGER NOT NULL,
    idx     INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    stream  INTEGER NOT NULL, -- 1 stdout, 2 stderr
    data    BLOB    NOT NULL
);

CREATE INDEX log_chunks_by_subjob ON log_chunks (job_id, idx, attempt, id);

CREATE TABLE api_keys (
    id          TEXT    PRIMARY KEY,
    hash        TEXT    NOT NULL UNIQUE, -- SHA-256 of the key, hex
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'worker', 'account')),
    account_id  TEXT,
    description TEXT,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    version     INTEGER NOT NULL
);
