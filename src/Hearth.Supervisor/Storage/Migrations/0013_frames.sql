-- Agenda jobs: the range a job was submitted with, how it is cut into work items, and each item's state and
-- attempts. An item's frames follow from its agenda (the same range, order and chunk always cut the same items);
-- name, first, last and frames are kept for reading without recutting.

CREATE TABLE agendas (
    job_id              $(bigint)  PRIMARY KEY REFERENCES jobs (id),
    frame_range         $(text)    NOT NULL, -- as submitted
    chunk               $(integer) NOT NULL,
    padding             $(integer) NOT NULL,
    frame_order         $(text)    NOT NULL, -- ascending | descending | binary
    retry_work          $(integer) NOT NULL,
    retry_work_delay_ms $(bigint)  NOT NULL,
    frame_by_frame      $(bigint)  -- the job whose frames each item waits for
);

CREATE TABLE work_items (
    job_id      $(bigint)      NOT NULL REFERENCES jobs (id),
    idx         $(integer)     NOT NULL, -- hand-out order
    name        $(text)        NOT NULL,
    first_frame $(integer)     NOT NULL,
    last_frame  $(integer)     NOT NULL,
    frames      $(text)        NOT NULL, -- range text
    state       $(text)        NOT NULL,
    attempt     $(integer)     NOT NULL,
    subjob      $(integer),
    run         $(integer),    -- the subjob's attempt number that ran it: its output is stored under it
    host        $(text),
    exit_code   $(integer),
    error       $(text),
    started_at  $(timestamptz),
    finished_at $(timestamptz),
    tries       $(text),       -- JSON: retries used, requeues, host to avoid, retry time, ended attempts
    version     $(bigint)      NOT NULL,
    PRIMARY KEY (job_id, idx)
);

CREATE INDEX work_items_by_state ON work_items (job_id, state, idx);
