-- Account names are unique regardless of case, so "Alice" and "alice" cannot both submit jobs or own algorithms.
-- Names hold only ASCII letters, digits, '_' and '-', where both databases' lower() agree. A store that already holds
-- two names differing only in case fails this migration with the uniqueness error until one of them is renamed.

CREATE UNIQUE INDEX accounts_by_lower_name ON accounts (lower(name));
