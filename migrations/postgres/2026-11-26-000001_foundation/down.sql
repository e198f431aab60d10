DROP TABLE users;
DROP TABLE revisions;
DROP TABLE procedures;
DROP TABLE legal_bases;
DROP TABLE fields;
DROP TABLE meta;
