DROP TABLE procedure_legal_bases;
DROP TABLE acknowledgements;
DROP TABLE periodic_reviews;
DROP TABLE signoffs;
DROP TABLE change_requests;
