-- The legal register records when a text is in force and how it changed: effective_from and
-- effective_to (ngày có / hết hiệu lực), the texts that amended it (keys separated by spaces),
-- and a note on what must still be verified. superseded_by keeps its type and now holds one or
-- more successor keys separated by spaces (a text can be split between several successors);
-- the single keys already stored read as before.
ALTER TABLE legal_bases ADD COLUMN effective_from DATE;
ALTER TABLE legal_bases ADD COLUMN effective_to DATE;
ALTER TABLE legal_bases ADD COLUMN amended_by TEXT NOT NULL DEFAULT '';
ALTER TABLE legal_bases ADD COLUMN note TEXT;
