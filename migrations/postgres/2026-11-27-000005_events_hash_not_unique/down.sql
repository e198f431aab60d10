ALTER TABLE events ADD CONSTRAINT events_hash_key UNIQUE (hash);
