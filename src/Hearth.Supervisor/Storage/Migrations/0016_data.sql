-- The data API's tree: collections, directories and files, one row each, keyed by their full path
-- (OWNER/COLLECTION/..., or an internal path for the per-call areas). A file's bytes are an object in the object
-- store, named by object_key; the row is what makes it visible, so an upload cut short leaves nothing behind.
-- A collection's row holds its read ACL; the account charged for a file is its owner.

CREATE TABLE data_entries (
    path        $(text)        PRIMARY KEY,
    parent      $(text)        NOT NULL,
    name        $(text)        NOT NULL,
    kind        $(text)        NOT NULL CHECK (kind IN ('dir', 'file')),
    owner       $(text)        NOT NULL,
    acl         $(text),
    size        $(bigint)      NOT NULL,
    object_key  $(text),
    created_at  $(timestamptz) NOT NULL,
    modified_at $(timestamptz) NOT NULL
);

CREATE INDEX data_entries_by_parent ON data_entries (parent, name);

CREATE INDEX data_entries_by_owner ON data_entries (owner, kind);

-- An account's cap on its files' total size, in MiB; no row means no cap.
CREATE TABLE data_quotas (
    account  $(text)   PRIMARY KEY,
    quota_mb $(bigint) NOT NULL
);
