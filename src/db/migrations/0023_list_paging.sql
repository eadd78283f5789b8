-- Paging a million-row list (issue 19). Each list's sort order gets an index ending in the key, so
-- a page is a seek from the previous page's last row instead of an OFFSET that walks every row
-- before it. Projects list region projects first, then by name (store-sql.ts).
CREATE INDEX projects_domain_order_idx ON projects (domain_id, kind DESC, name, id);
CREATE INDEX enterprise_projects_domain_created_id_idx ON enterprise_projects (domain_id, created_at, id);
CREATE INDEX enterprise_projects_domain_updated_id_idx ON enterprise_projects (domain_id, updated_at, id);
DROP INDEX enterprise_projects_domain_created_idx;

-- Where page N starts is remembered (db/keyset-pages.ts) only while the list has not changed:
-- triggers count, per account and list, every change that can move a row in it or in a filtered
-- view of it, whichever code path (service, state import, reset, account deletion) made it.
-- A list's first generation is random and each change adds one, so an account deleted and
-- imported again under its id (its row gone with it) does not count from where starts remembered
-- for its old list were valid.
CREATE TABLE list_generations (
  list_name  TEXT NOT NULL,
  domain_id  TEXT NOT NULL,
  generation BIGINT NOT NULL,
  PRIMARY KEY (list_name, domain_id)
);
