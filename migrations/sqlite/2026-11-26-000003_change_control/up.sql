-- Change control: change requests (content on their own git ref), reviews and approvals bound to
-- a content hash, periodic reviews, read-and-understood acknowledgements, and which legal bases
-- each procedure's current revision cites.
CREATE TABLE change_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    procedure_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    author TEXT NOT NULL,
    base_revision INTEGER,
    base_commit TEXT,
    draft_commit TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    reviewers TEXT NOT NULL DEFAULT '',
    approver TEXT,
    published_revision INTEGER,
    published_commit TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX change_requests_status ON change_requests (status);
CREATE INDEX change_requests_procedure ON change_requests (procedure_code);

CREATE TABLE signoffs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    change_request_id INTEGER NOT NULL REFERENCES change_requests (id),
    kind TEXT NOT NULL,
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    decision TEXT NOT NULL,
    comment TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    signed_at TIMESTAMP NOT NULL,
    voided BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX signoffs_change_request ON signoffs (change_request_id);

CREATE TABLE periodic_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    procedure_code TEXT NOT NULL,
    revision INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    comment TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    reviewed_at TIMESTAMP NOT NULL
);
CREATE INDEX periodic_reviews_procedure ON periodic_reviews (procedure_code);

CREATE TABLE acknowledgements (
    procedure_code TEXT NOT NULL,
    revision INTEGER NOT NULL,
    username TEXT NOT NULL,
    acknowledged_at TIMESTAMP NOT NULL,
    PRIMARY KEY (procedure_code, revision, username)
);

CREATE TABLE procedure_legal_bases (
    procedure_code TEXT NOT NULL,
    legal_key TEXT NOT NULL,
    PRIMARY KEY (procedure_code, legal_key)
);
CREATE INDEX procedure_legal_bases_key ON procedure_legal_bases (legal_key);
