-- Accounts (users and organizations with member users), algorithms, their immutable builds and published
-- versions. Build archives live in the build store (files named by hash); this holds what describes them.

CREATE TABLE accounts (
    name       TEXT    PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('user', 'org')),
    created_at INTEGER NOT NULL,
    version    INTEGER NOT NULL
);

CREATE TABLE org_members (
    org      TEXT    NOT NULL REFERENCES accounts (name),
    member   TEXT    NOT NULL REFERENCES accounts (name),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (org, member)
);

CREATE INDEX org_members_by_member ON org_members (member);

CREATE TABLE algorithms (
    owner      TEXT    NOT NULL REFERENCES accounts (name),
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    PRIMARY KEY (owner, name)
);

CREATE TABLE builds (
    owner          TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    hash           TEXT    NOT NULL, -- 40 hex: git commit or content hash
    hash_source    TEXT    NOT NULL CHECK (hash_source IN ('git', 'content')),
    manifest       TEXT    NOT NULL, -- hearth.json as stored, compact JSON
    archive_sha256 TEXT    NOT NULL,
    archive_size   INTEGER NOT NULL,
    pushed_at      INTEGER NOT NULL,
    PRIMARY KEY (owner, name, hash),
    FOREIGN KEY (owner, name) REFERENCES algorithms (owner, name)
);

CREATE INDEX builds_by_hash ON builds (hash);

CREATE TABLE algorithm_versions (
    owner        TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    version      TEXT    NOT NULL, -- MAJOR.MINOR.PATCH
    major        INTEGER NOT NULL,
    minor        INTEGER NOT NULL,
    patch        INTEGER NOT NULL,
    hash         TEXT    NOT NULL,
    visibility   TEXT    NOT NULL CHECK (visibility IN ('public', 'private')),
    published_at INTEGER NOT NULL,
    PRIMARY KEY (owner, name, version),
    FOREIGN KEY (owner, name, hash) REFERENCES builds (owner, name, hash)
);
