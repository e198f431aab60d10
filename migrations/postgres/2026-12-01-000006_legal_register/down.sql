ALTER TABLE legal_bases DROP COLUMN note;
ALTER TABLE legal_bases DROP COLUMN amended_by;
ALTER TABLE legal_bases DROP COLUMN effective_to;
ALTER TABLE legal_bases DROP COLUMN effective_from;
