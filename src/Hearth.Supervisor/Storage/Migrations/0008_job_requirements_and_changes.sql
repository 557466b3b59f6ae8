-- Where a job may run (a requirements expression, null for anywhere) and the changes made to it after submission,
-- a JSON array of {field, from, to, by, at}.

ALTER TABLE jobs ADD COLUMN requirements $(text);
ALTER TABLE jobs ADD COLUMN changes $(text) NOT NULL DEFAULT '[]';
