-- What admins change at run time and the supervisor must keep across restarts: resource totals, a license's use
-- outside the farm, a worker's resource totals set by the admin. One row per setting, its value a JSON document.

CREATE TABLE cluster_settings (
    name  $(text) PRIMARY KEY,
    value $(text) NOT NULL
);
