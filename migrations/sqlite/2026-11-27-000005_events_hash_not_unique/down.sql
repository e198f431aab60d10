CREATE TABLE events_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_digest TEXT,
    after_digest TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
INSERT INTO events_rebuilt (id, at, actor, action, entity_type, entity_id, before_digest, after_digest, detail, prev_hash, hash)
    SELECT id, at, actor, action, entity_type, entity_id, before_digest, after_digest, detail, prev_hash, hash
    FROM events ORDER BY id;
DROP TABLE events;
ALTER TABLE events_rebuilt RENAME TO events;
CREATE INDEX events_entity ON events (entity_type, entity_id);
CREATE INDEX events_actor ON events (actor);
