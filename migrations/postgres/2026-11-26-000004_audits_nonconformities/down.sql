DROP TABLE nonconformity_actions;
DROP TABLE corrective_actions;
DROP TABLE findings;
DROP TABLE nonconformity_procedures;
DROP TABLE nonconformities;
DROP TABLE checklist_items;
DROP TABLE audits;
