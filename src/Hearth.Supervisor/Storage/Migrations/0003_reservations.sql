-- Reservations: keep COUNT warm instances of what an algorithm reference resolves to, for one calling account.
-- The target is re-resolved by the reconciler (a latest_* reservation follows publishes and pushes), so only what the
-- admin wrote is stored. One reservation per (account, algorithm, version type, pinned version).

CREATE TABLE reservations (
    id             $(bigint)      $(identity_never_reused),
    calling_user   $(text)        NOT NULL,
    owner          $(text)        NOT NULL,
    name           $(text)        NOT NULL,
    version_type   $(text)        NOT NULL CHECK (version_type IN ('latest_public', 'latest_private', 'latest_compiled', 'semver', 'hash')),
    pinned_version $(text)        NOT NULL DEFAULT '', -- X.Y.Z for semver, 40 hex for hash, '' for latest_*
    count          $(integer)     NOT NULL CHECK (count > 0),
    schedule       $(text),                             -- JSON windows, kept as written
    time_zone      $(text)        NOT NULL DEFAULT 'UTC',
    created_at     $(timestamptz) NOT NULL,
    warm_calls     $(bigint)      NOT NULL DEFAULT 0,
    spilled_calls  $(bigint)      NOT NULL DEFAULT 0,
    version        $(bigint)      NOT NULL,
    UNIQUE (calling_user, owner, name, version_type, pinned_version)
);
