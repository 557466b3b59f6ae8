-- A job's retry limits and dependencies, and a subjob's retries, requeues and ended attempts: JSON documents, NULL
-- for the jobs and subjobs that use none of them (all stored before these columns existed).

ALTER TABLE jobs ADD COLUMN controls $(text);

ALTER TABLE subjobs ADD COLUMN tries $(text);
