-- Organisations: a deployment holds a tree of them (a province above its communes and wards).
-- Every row of a quality system belongs to one, named by org_id. Rows written before this
-- migration belong to organisation 1, the deployment's first, which start-up creates from the
-- settings (QMS_ORG_SLUG, QMS_ORG_NAME, QMS_ORG_KIND) when the table is empty; org_id carries no
-- foreign key because those rows exist before that first start creates their organisation.
CREATE TABLE organisations (
    id SERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id INTEGER REFERENCES organisations (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX organisations_parent ON organisations (parent_id);

ALTER TABLE meta ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE fields ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE legal_bases ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE procedures ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE revisions ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE acknowledgements ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE procedure_legal_bases ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1;
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

-- Keys that were unique in the one organisation are unique within each. The same commit can
-- exist in two organisations' stores (a corpus imported into both in the same second), so a
-- commit id is unique within an organisation only.
ALTER TABLE revisions DROP CONSTRAINT revisions_procedure_code_fkey;
ALTER TABLE revisions DROP CONSTRAINT revisions_procedure_code_revision_key;
ALTER TABLE revisions DROP CONSTRAINT revisions_commit_id_key;
ALTER TABLE procedures DROP CONSTRAINT procedures_pkey;
ALTER TABLE procedures ADD PRIMARY KEY (org_id, code);
ALTER TABLE revisions ADD CONSTRAINT revisions_procedure_fkey
    FOREIGN KEY (org_id, procedure_code) REFERENCES procedures (org_id, code);
ALTER TABLE revisions ADD CONSTRAINT revisions_revision_key UNIQUE (org_id, procedure_code, revision);
ALTER TABLE revisions ADD CONSTRAINT revisions_commit_key UNIQUE (org_id, commit_id);
ALTER TABLE meta DROP CONSTRAINT meta_pkey;
ALTER TABLE meta ADD PRIMARY KEY (org_id, key);
ALTER TABLE fields DROP CONSTRAINT fields_pkey;
ALTER TABLE fields ADD PRIMARY KEY (org_id, code);
ALTER TABLE legal_bases DROP CONSTRAINT legal_bases_pkey;
ALTER TABLE legal_bases ADD PRIMARY KEY (org_id, key);
ALTER TABLE acknowledgements DROP CONSTRAINT acknowledgements_pkey;
ALTER TABLE acknowledgements ADD PRIMARY KEY (org_id, procedure_code, revision, username);
ALTER TABLE procedure_legal_bases DROP CONSTRAINT procedure_legal_bases_pkey;
ALTER TABLE procedure_legal_bases ADD PRIMARY KEY (org_id, procedure_code, legal_key);

DROP INDEX procedures_field;
CREATE INDEX procedures_field ON procedures (org_id, field);
DROP INDEX procedure_legal_bases_key;
CREATE INDEX procedure_legal_bases_key ON procedure_legal_bases (org_id, legal_key);
-- Each organisation's event log is a chain of its own, read newest first and walked in order.
CREATE INDEX events_org ON events (org_id, id);
CREATE INDEX users_org ON users (org_id);
CREATE INDEX change_requests_org ON change_requests (org_id, status);
CREATE INDEX audits_org ON audits (org_id, year);
CREATE INDEX nonconformities_org ON nonconformities (org_id, status);
CREATE INDEX corrective_actions_org ON corrective_actions (org_id, status);
CREATE INDEX periodic_reviews_org ON periodic_reviews (org_id, procedure_code);

-- The default only filled the rows written before; from now on every insert names its
-- organisation, and one that forgets fails instead of filing its row under the first.
ALTER TABLE meta ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE fields ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE legal_bases ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE procedures ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE revisions ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE acknowledgements ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE procedure_legal_bases ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE users ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE events ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE change_requests ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE signoffs ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE periodic_reviews ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE audits ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE checklist_items ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE nonconformities ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE nonconformity_procedures ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE findings ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE corrective_actions ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE nonconformity_actions ALTER COLUMN org_id DROP DEFAULT;
