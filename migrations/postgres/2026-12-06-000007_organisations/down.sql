-- Going back to one organisation keeps the first organisation's rows only.
DROP INDEX events_org;
DROP INDEX users_org;
DROP INDEX change_requests_org;
DROP INDEX audits_org;
DROP INDEX nonconformities_org;
DROP INDEX corrective_actions_org;
DROP INDEX periodic_reviews_org;
DELETE FROM meta WHERE org_id <> 1;
DELETE FROM fields WHERE org_id <> 1;
DELETE FROM legal_bases WHERE org_id <> 1;
DELETE FROM acknowledgements WHERE org_id <> 1;
DELETE FROM procedure_legal_bases WHERE org_id <> 1;
DELETE FROM revisions WHERE org_id <> 1;
DELETE FROM procedures WHERE org_id <> 1;
DROP TABLE organisations;
