-- Reservations: keep COUNT warm instances of what an algorithm reference resolves to, for one calling account.
-- The target is re-resolved by the reconciler (a latest_* reservation follows publishes and pushes), so only what the
-- admin wrote is stored. One reservation per (account, algorithm, version type, pinned version).

CREATE TABLE reservations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    calling_user   TEXT    NOT NULL,
    owner          TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    version_type   TEXT    NOT NULL CHECK (version_type IN ('latest_public', 'latest_private', 'latest_compiled', 'semver', 'hash')),
    pinned_version TEXT    NOT NULL DEFAULT '', -- X.Y.Z for semver, 40 hex for hash, '' for latest_*
    count          INTEGER NOT NULL CHECK (count > 0),
    schedule       TEXT,                        -- JSON windows: [{"start": CRON, "end": CRON, "count": N}]
    time_zone      TEXT    NOT NULL DEFAULT 'UTC',
    created_at     INTEGER NOT NULL,
    warm_calls     INTEGER NOT NULL DEFAULT 0,
    spilled_calls  INTEGER NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL,
    UNIQUE (calling_user, owner, name, version_type, pinned_version)
);
