-- Who submitted each job: the account of the key that submitted it, or NULL for an admin key. Jobs stored before
-- this column existed were submitted before accounts could own jobs, so they keep NULL and read as the admin's.

ALTER TABLE jobs ADD COLUMN submitted_by $(text);

CREATE INDEX jobs_by_submitter ON jobs (submitted_by, id);

-- A running job's start was written only when its state changed, so a job that was already running when its first
-- process started kept no start; it is its first subjob's start.
UPDATE jobs SET started_at = (SELECT MIN(s.started_at) FROM subjobs s WHERE s.job_id = jobs.id)
WHERE started_at IS NULL;
