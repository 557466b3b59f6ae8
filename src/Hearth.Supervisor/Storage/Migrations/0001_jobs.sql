-- Jobs, subjobs with their allocations and growth history, workers, captured output and API keys.
-- Times are timestamptz kept to the millisecond, like every backend. Every mutable row carries a version
-- for optimistic concurrency.

CREATE TABLE jobs (
    id                $(bigint)      PRIMARY KEY, -- assigned by the scheduler
    name              $(text)        NOT NULL,
    command           $(jsonb)       NOT NULL, -- argv
    reservations      $(text)        NOT NULL,
    priority          $(integer)     NOT NULL,
    cpus              $(integer)     NOT NULL,
    working_directory $(text),
    state             $(text)        NOT NULL,
    submitted_at      $(timestamptz) NOT NULL,
    started_at        $(timestamptz),
    finished_at       $(timestamptz),
    version           $(bigint)      NOT NULL
);

CREATE INDEX jobs_by_state ON jobs (state, id);

CREATE TABLE subjobs (
    job_id         $(bigint)      NOT NULL REFERENCES jobs (id),
    idx            $(integer)     NOT NULL,
    sequence       $(bigint)      NOT NULL,
    state          $(text)        NOT NULL,
    attempt        $(integer)     NOT NULL,
    host           $(text),
    allocations    $(jsonb)       NOT NULL, -- resource name to amount
    kill_requested $(boolean)     NOT NULL,
    pid            $(bigint),
    exit_code      $(integer),
    error          $(text),
    started_at     $(timestamptz),
    finished_at    $(timestamptz),
    version        $(bigint)      NOT NULL,
    PRIMARY KEY (job_id, idx)
);

CREATE TABLE allocation_changes (
    id          $(bigint)      $(identity),
    job_id      $(bigint)      NOT NULL,
    idx         $(integer)     NOT NULL,
    attempt     $(integer)     NOT NULL,
    kind        $(text)        NOT NULL, -- dispatch | grow
    host        $(text)        NOT NULL,
    allocations $(jsonb)       NOT NULL, -- totals after the change
    at          $(timestamptz) NOT NULL
);

CREATE INDEX allocation_changes_by_subjob ON allocation_changes (job_id, idx, id);

CREATE TABLE workers (
    name         $(text)        PRIMARY KEY,
    resources    $(jsonb)       NOT NULL,
    state        $(text)        NOT NULL,
    last_seen_at $(timestamptz),
    version      $(bigint)      NOT NULL
);

CREATE TABLE log_chunks (
    id      $(bigint)  $(identity),
    job_id  $(bigint)  NOT NULL,
    idx     $(integer) NOT NULL,
    attempt $(integer) NOT NULL,
    stream  $(integer) NOT NULL, -- 1 stdout, 2 stderr
    data    $(bytea)   NOT NULL
);

CREATE INDEX log_chunks_by_subjob ON log_chunks (job_id, idx, attempt, id);

CREATE TABLE api_keys (
    id          $(text)        PRIMARY KEY,
    hash        $(text)        NOT NULL UNIQUE, -- SHA-256 of the key, hex
    role        $(text)        NOT NULL CHECK (role IN ('admin', 'worker', 'account')),
    account_id  $(text),
    description $(text),
    created_at  $(timestamptz) NOT NULL,
    revoked_at  $(timestamptz),
    version     $(bigint)      NOT NULL
);
