DROP TABLE events;
DROP TABLE revoked_tokens;
ALTER TABLE users DROP COLUMN locked_until;
ALTER TABLE users DROP COLUMN failed_logins;
