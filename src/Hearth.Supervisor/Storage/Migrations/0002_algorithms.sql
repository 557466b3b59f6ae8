-- Accounts (users and organizations with member users), algorithms, their immutable builds and published
-- versions. Build archives live in the build store (files named by hash); this holds what describes them.

CREATE TABLE accounts (
    name       $(text)        PRIMARY KEY,
    kind       $(text)        NOT NULL CHECK (kind IN ('user', 'org')),
    created_at $(timestamptz) NOT NULL,
    version    $(bigint)      NOT NULL
);

CREATE TABLE org_members (
    org      $(text)        NOT NULL REFERENCES accounts (name),
    member   $(text)        NOT NULL REFERENCES accounts (name),
    added_at $(timestamptz) NOT NULL,
    PRIMARY KEY (org, member)
);

CREATE INDEX org_members_by_member ON org_members (member);

CREATE TABLE algorithms (
    owner      $(text)        NOT NULL REFERENCES accounts (name),
    name       $(text)        NOT NULL,
    created_at $(timestamptz) NOT NULL,
    version    $(bigint)      NOT NULL,
    PRIMARY KEY (owner, name)
);

CREATE TABLE builds (
    owner          $(text)        NOT NULL,
    name           $(text)        NOT NULL,
    hash           $(text)        NOT NULL, -- 40 hex: git commit or content hash
    hash_source    $(text)        NOT NULL CHECK (hash_source IN ('git', 'content')),
    manifest       $(text)        NOT NULL, -- hearth.json as stored, compact JSON, byte for byte
    archive_sha256 $(text)        NOT NULL,
    archive_size   $(bigint)      NOT NULL,
    pushed_at      $(timestamptz) NOT NULL,
    PRIMARY KEY (owner, name, hash),
    FOREIGN KEY (owner, name) REFERENCES algorithms (owner, name)
);

CREATE INDEX builds_by_hash ON builds (hash);

CREATE TABLE algorithm_versions (
    owner        $(text)        NOT NULL,
    name         $(text)        NOT NULL,
    version      $(text)        NOT NULL, -- MAJOR.MINOR.PATCH
    major        $(integer)     NOT NULL,
    minor        $(integer)     NOT NULL,
    patch        $(integer)     NOT NULL,
    hash         $(text)        NOT NULL,
    visibility   $(text)        NOT NULL CHECK (visibility IN ('public', 'private')),
    published_at $(timestamptz) NOT NULL,
    PRIMARY KEY (owner, name, version),
    FOREIGN KEY (owner, name, hash) REFERENCES builds (owner, name, hash)
);
