-- What an admin sets per account for sharing the cluster: the most slots (processors held by its subjobs) and
-- instances it may hold at once, -1 for no limit, and its shares of the cluster for fair share. An organization's
-- limits cap the sum over its members. One row per account that has any of them set; the scheduler alone writes it.

CREATE TABLE account_limits (
    name          $(text)    PRIMARY KEY,
    max_slots     $(integer) NOT NULL,
    max_instances $(integer) NOT NULL,
    shares        $(integer) NOT NULL
);
