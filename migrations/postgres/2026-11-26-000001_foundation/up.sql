-- The revision index and catalogue. The git store is the record of procedure content; these
-- tables are rebuilt from it when missing.
CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE fields (
    code TEXT PRIMARY KEY NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    is_system BOOLEAN NOT NULL DEFAULT FALSE,
    position INTEGER NOT NULL
);

CREATE TABLE legal_bases (
    key TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    issued_on DATE,
    issuer TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    superseded_by TEXT
);

CREATE TABLE procedures (
    code TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    field TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    current_revision INTEGER NOT NULL,
    effective_date DATE NOT NULL,
    review_interval_months INTEGER NOT NULL,
    review_due DATE,
    owner TEXT NOT NULL
);
CREATE INDEX procedures_field ON procedures (field);

CREATE TABLE revisions (
    id SERIAL PRIMARY KEY,
    procedure_code TEXT NOT NULL REFERENCES procedures (code),
    revision INTEGER NOT NULL,
    commit_id TEXT NOT NULL UNIQUE,
    blob_id TEXT NOT NULL,
    title TEXT NOT NULL,
    effective_date DATE NOT NULL,
    summary TEXT NOT NULL,
    prepared_by TEXT,
    reviewed_by TEXT,
    approved_by TEXT,
    published_by TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    UNIQUE (procedure_code, revision)
);

CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    fields TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    token_version INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
