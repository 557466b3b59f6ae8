-- The admin's jobs page filters by account and state together; with this index a page of one account's failed jobs
-- is one index range, however many jobs the store holds.

CREATE INDEX jobs_by_submitter_state ON jobs (submitted_by, state, id);
