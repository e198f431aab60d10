-- Organisations: a deployment holds a tree of them (a province above its communes and wards).
-- Every row of a quality system belongs to one, named by org_id. Rows written before this
-- migration belong to organisation 1, the deployment's first, which start-up creates from the
-- settings (QMS_ORG_SLUG, QMS_ORG_NAME, QMS_ORG_KIND) when the table is empty; org_id carries no
-- foreign key because those rows exist before that first start creates their organisation.
CREATE TABLE organisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id INTEGER REFERENCES organisations (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX organisations_parent ON organisations (parent_id);

-- Keys that were unique in the one organisation are unique within each: SQLite cannot change a
-- primary key, so these tables are rebuilt with the same rows. Foreign-key checks wait for the
-- end of the migration, when every table is whole again.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE meta_v7 (
    org_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (org_id, key)
);
INSERT INTO meta_v7 (org_id, key, value) SELECT 1, key, value FROM meta;
DROP TABLE meta;
ALTER TABLE meta_v7 RENAME TO meta;

CREATE TABLE fields_v7 (
    org_id INTEGER NOT NULL,
    code TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    is_system BOOLEAN NOT NULL DEFAULT 0,
    position INTEGER NOT NULL,
    PRIMARY KEY (org_id, code)
);
INSERT INTO fields_v7 (org_id, code, name_vi, name_en, is_system, position)
    SELECT 1, code, name_vi, name_en, is_system, position FROM fields;
DROP TABLE fields;
ALTER TABLE fields_v7 RENAME TO fields;

CREATE TABLE legal_bases_v7 (
    org_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    issued_on DATE,
    issuer TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    superseded_by TEXT,
    effective_from DATE,
    effective_to DATE,
    amended_by TEXT NOT NULL DEFAULT '',
    note TEXT,
    PRIMARY KEY (org_id, key)
);
INSERT INTO legal_bases_v7 (org_id, key, kind, number, issued_on, issuer, title, status, superseded_by,
        effective_from, effective_to, amended_by, note)
    SELECT 1, key, kind, number, issued_on, issuer, title, status, superseded_by,
        effective_from, effective_to, amended_by, note FROM legal_bases;
DROP TABLE legal_bases;
ALTER TABLE legal_bases_v7 RENAME TO legal_bases;

CREATE TABLE procedures_v7 (
    org_id INTEGER NOT NULL,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    field TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    current_revision INTEGER NOT NULL,
    effective_date DATE NOT NULL,
    review_interval_months INTEGER NOT NULL,
    review_due DATE,
    owner TEXT NOT NULL,
    PRIMARY KEY (org_id, code)
);
INSERT INTO procedures_v7 (org_id, code, title, field, kind, status, current_revision, effective_date,
        review_interval_months, review_due, owner)
    SELECT 1, code, title, field, kind, status, current_revision, effective_date,
        review_interval_months, review_due, owner FROM procedures;

-- The same commit can exist in two organisations' stores (a corpus imported into both in the
-- same second), so a commit id is unique within an organisation only.
CREATE TABLE revisions_v7 (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    org_id INTEGER NOT NULL,
    procedure_code TEXT NOT NULL,
    revision INTEGER NOT NULL,
    commit_id TEXT NOT NULL,
    blob_id TEXT NOT NULL,
    title TEXT NOT NULL,
    effective_date DATE NOT NULL,
    summary TEXT NOT NULL,
    prepared_by TEXT,
    reviewed_by TEXT,
    approved_by TEXT,
    published_by TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    FOREIGN KEY (org_id, procedure_code) REFERENCES procedures_v7 (org_id, code),
    UNIQUE (org_id, procedure_code, revision),
    UNIQUE (org_id, commit_id)
);
INSERT INTO revisions_v7 (id, org_id, procedure_code, revision, commit_id, blob_id, title, effective_date,
        summary, prepared_by, reviewed_by, approved_by, published_by, published_at)
    SELECT id, 1, procedure_code, revision, commit_id, blob_id, title, effective_date,
        summary, prepared_by, reviewed_by, approved_by, published_by, published_at FROM revisions ORDER BY id;
DROP TABLE revisions;
DROP TABLE procedures;
ALTER TABLE procedures_v7 RENAME TO procedures;
ALTER TABLE revisions_v7 RENAME TO revisions;
CREATE INDEX procedures_field ON procedures (org_id, field);

CREATE TABLE acknowledgements_v7 (
    org_id INTEGER NOT NULL,
    procedure_code TEXT NOT NULL,
    revision INTEGER NOT NULL,
    username TEXT NOT NULL,
    acknowledged_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, procedure_code, revision, username)
);
INSERT INTO acknowledgements_v7 (org_id, procedure_code, revision, username, acknowledged_at)
    SELECT 1, procedure_code, revision, username, acknowledged_at FROM acknowledgements;
DROP TABLE acknowledgements;
ALTER TABLE acknowledgements_v7 RENAME TO acknowledgements;

CREATE TABLE procedure_legal_bases_v7 (
    org_id INTEGER NOT NULL,
    procedure_code TEXT NOT NULL,
    legal_key TEXT NOT NULL,
    PRIMARY KEY (org_id, procedure_code, legal_key)
);
INSERT INTO procedure_legal_bases_v7 (org_id, procedure_code, legal_key)
    SELECT 1, procedure_code, legal_key FROM procedure_legal_bases;
DROP TABLE procedure_legal_bases;
ALTER TABLE procedure_legal_bases_v7 RENAME TO procedure_legal_bases;
CREATE INDEX procedure_legal_bases_key ON procedure_legal_bases (org_id, legal_key);

-- The rest keep their keys (ids are unique across the deployment) and gain their organisation.
ALTER TABLE users ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE events ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE change_requests ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE signoffs ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE periodic_reviews ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audits ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE checklist_items ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE nonconformities ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE nonconformity_procedures ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE findings ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE corrective_actions ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE nonconformity_actions ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;

-- Each organisation's event log is a chain of its own, read newest first and walked in order.
CREATE INDEX events_org ON events (org_id, id);
CREATE INDEX users_org ON users (org_id);
CREATE INDEX change_requests_org ON change_requests (org_id, status);
CREATE INDEX audits_org ON audits (org_id, year);
CREATE INDEX nonconformities_org ON nonconformities (org_id, status);
CREATE INDEX corrective_actions_org ON corrective_actions (org_id, status);
CREATE INDEX periodic_reviews_org ON periodic_reviews (org_id, procedure_code);
