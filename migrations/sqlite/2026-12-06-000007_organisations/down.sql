-- Going back to a release without organisations is not supported: its code would read every
-- organisation's rows as its own, and the tables rebuilt with keys per organisation do not take its
-- inserts. Restore the backup taken before the upgrade instead. This statement fails on purpose.
CREATE TABLE downgrade_refused (reason TEXT CHECK (reason IS NULL));
INSERT INTO downgrade_refused VALUES ('restore the backup taken before upgrading to organisations');
