-- Internal audits with their checklists and findings; nonconformities and corrective actions
-- (many-to-many), an action optionally requiring a procedure change through a change request.
CREATE TABLE audits (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    title TEXT NOT NULL,
    year INTEGER NOT NULL,
    scope_fields TEXT NOT NULL,
    scope_procedures TEXT NOT NULL,
    criteria TEXT NOT NULL,
    planned_start DATE NOT NULL,
    planned_end DATE NOT NULL,
    lead_auditor TEXT NOT NULL,
    auditors TEXT NOT NULL,
    independence_override TEXT,
    status TEXT NOT NULL,
    strong_points TEXT NOT NULL DEFAULT '',
    to_improve TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX audits_year ON audits (year);

CREATE TABLE checklist_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    audit_id INTEGER NOT NULL REFERENCES audits (id),
    procedure_code TEXT NOT NULL,
    revision INTEGER NOT NULL,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    result TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX checklist_items_audit ON checklist_items (audit_id);

CREATE TABLE nonconformities (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    source TEXT NOT NULL,
    finding_id INTEGER,
    description TEXT NOT NULL,
    severity TEXT NOT NULL,
    correction TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    why TEXT NOT NULL DEFAULT '[]',
    root_cause TEXT NOT NULL DEFAULT '',
    similar_checked BOOLEAN NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);
CREATE INDEX nonconformities_status ON nonconformities (status);

CREATE TABLE nonconformity_procedures (
    nonconformity_id INTEGER NOT NULL REFERENCES nonconformities (id),
    procedure_code TEXT NOT NULL,
    PRIMARY KEY (nonconformity_id, procedure_code)
);

CREATE TABLE findings (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    audit_id INTEGER NOT NULL REFERENCES audits (id),
    procedure_code TEXT NOT NULL,
    procedure_revision INTEGER NOT NULL,
    procedure_commit TEXT NOT NULL,
    clause TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    evidence TEXT NOT NULL,
    nonconformity_id INTEGER REFERENCES nonconformities (id),
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX findings_audit ON findings (audit_id);

CREATE TABLE corrective_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    action TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_date DATE NOT NULL,
    verify_after DATE,
    requires_change_of TEXT,
    change_request_id INTEGER,
    status TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    verification_comment TEXT NOT NULL DEFAULT '',
    verified_by TEXT,
    verified_at TIMESTAMP,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP
);
CREATE INDEX corrective_actions_status ON corrective_actions (status);

CREATE TABLE nonconformity_actions (
    nonconformity_id INTEGER NOT NULL REFERENCES nonconformities (id),
    corrective_action_id INTEGER NOT NULL REFERENCES corrective_actions (id),
    PRIMARY KEY (nonconformity_id, corrective_action_id)
);
