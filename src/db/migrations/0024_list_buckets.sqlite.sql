-- Where page N of an account's project or enterprise project list starts, without skipping N
-- pages of rows (issue 19). Each list is cut into buckets: ranges of its sort order, each named by
-- its first key and holding the number of rows in it, kept exact by the triggers below in the
-- transaction that adds, removes or moves a row (whichever code path made it). Page N's start is
-- then a sum over the account's buckets (about one per 1,000 rows) and a skip of fewer than 2,000
-- rows in the list's index; the same counts give EPS's total_count. See db/keyset-pages.ts.
-- A bucket that reaches 2,001 rows splits at its 1,001st row: the first keeps 1,000, the new one
-- starts at that row. A bucket left empty goes. A key below an account's first bucket (of its kind)
-- goes into a bucket starting at '' (empty sorts first). Projects' buckets are per kind, the
-- list's first sort column (region projects first); enterprise projects are counted in
-- created_at order (their default sort, which no update moves; updated_at pages stay seeks from
-- remembered starts).
CREATE TABLE project_buckets (
  domain_id TEXT NOT NULL,
  kind      TEXT NOT NULL,
  name      TEXT NOT NULL,
  id        TEXT NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (domain_id, kind, name, id)
) WITHOUT ROWID;
-- The bucket just grown past 2,000, found without reading the account's other buckets.
CREATE INDEX project_buckets_full_idx ON project_buckets (domain_id) WHERE n > 2000;
CREATE TABLE enterprise_project_buckets (
  domain_id  TEXT NOT NULL,
  created_at TEXT NOT NULL,
  id         TEXT NOT NULL,
  n          INTEGER NOT NULL,
  PRIMARY KEY (domain_id, created_at, id)
) WITHOUT ROWID;
CREATE INDEX enterprise_project_buckets_full_idx ON enterprise_project_buckets (domain_id) WHERE n > 2000;

-- The rows there already: a bucket every 1,000 rows.
INSERT INTO project_buckets (domain_id, kind, name, id, n)
SELECT domain_id, kind, name, id, min(1000, total - rn + 1) FROM (
  SELECT domain_id, kind, name, id, row_number() OVER (PARTITION BY domain_id, kind ORDER BY name, id) AS rn, count(*) OVER (PARTITION BY domain_id, kind) AS total FROM projects
) WHERE (rn - 1) % 1000 = 0;
INSERT INTO enterprise_project_buckets (domain_id, created_at, id, n)
SELECT domain_id, created_at, id, min(1000, total - rn + 1) FROM (
  SELECT domain_id, created_at, id, row_number() OVER (PARTITION BY domain_id ORDER BY created_at, id) AS rn, count(*) OVER (PARTITION BY domain_id) AS total FROM enterprise_projects
) WHERE (rn - 1) % 1000 = 0;

-- Each body stays on one line (migrate.ts splits statements at a semicolon that ends a line). A
-- row's bucket is the last one whose key is not above the row's.
CREATE TRIGGER projects_bucket_insert AFTER INSERT ON projects BEGIN INSERT INTO project_buckets (domain_id, kind, name, id, n) SELECT NEW.domain_id, NEW.kind, coalesce(b.name, ''), coalesce(b.id, ''), 1 FROM (SELECT 1) LEFT JOIN (SELECT name, id FROM project_buckets WHERE domain_id = NEW.domain_id AND kind = NEW.kind AND (name, id) <= (NEW.name, NEW.id) ORDER BY name DESC, id DESC LIMIT 1) AS b ON true WHERE true ON CONFLICT (domain_id, kind, name, id) DO UPDATE SET n = n + 1; INSERT INTO project_buckets (domain_id, kind, name, id, n) SELECT p.domain_id, p.kind, p.name, p.id, f.n - 1000 FROM project_buckets AS f JOIN projects AS p ON p.rowid = (SELECT q.rowid FROM projects AS q WHERE q.domain_id = f.domain_id AND q.kind = f.kind AND (q.name, q.id) >= (f.name, f.id) ORDER BY q.name, q.id LIMIT 1 OFFSET 1000) WHERE f.domain_id = NEW.domain_id AND f.n > 2000; UPDATE project_buckets SET n = 1000 WHERE domain_id = NEW.domain_id AND n > 2000; END;
CREATE TRIGGER projects_bucket_delete AFTER DELETE ON projects BEGIN UPDATE project_buckets SET n = n - 1 WHERE domain_id = OLD.domain_id AND kind = OLD.kind AND (name, id) = (SELECT name, id FROM project_buckets WHERE domain_id = OLD.domain_id AND kind = OLD.kind AND (name, id) <= (OLD.name, OLD.id) ORDER BY name DESC, id DESC LIMIT 1); DELETE FROM project_buckets WHERE domain_id = OLD.domain_id AND kind = OLD.kind AND (name, id) = (SELECT name, id FROM project_buckets WHERE domain_id = OLD.domain_id AND kind = OLD.kind AND (name, id) <= (OLD.name, OLD.id) ORDER BY name DESC, id DESC LIMIT 1) AND n = 0; END;
CREATE TRIGGER projects_bucket_move AFTER UPDATE OF domain_id, kind, name, id ON projects WHEN OLD.domain_id <> NEW.domain_id OR OLD.kind <> NEW.kind OR OLD.name <> NEW.name OR OLD.id <> NEW.id BEGIN UPDATE project_buckets SET n = n - 1 WHERE domain_id = OLD.domain_id AND kind = OLD.kind AND (name, id) = (SELECT name, id FROM project_buckets WHERE domain_id = OLD.domain_id AND kind = OLD.kind AND (name, id) <= (OLD.name, OLD.id) ORDER BY name DESC, id DESC LIMIT 1); DELETE FROM project_buckets WHERE domain_id = OLD.domain_id AND kind = OLD.kind AND (name, id) = (SELECT name, id FROM project_buckets WHERE domain_id = OLD.domain_id AND kind = OLD.kind AND (name, id) <= (OLD.name, OLD.id) ORDER BY name DESC, id DESC LIMIT 1) AND n = 0; INSERT INTO project_buckets (domain_id, kind, name, id, n) SELECT NEW.domain_id, NEW.kind, coalesce(b.name, ''), coalesce(b.id, ''), 1 FROM (SELECT 1) LEFT JOIN (SELECT name, id FROM project_buckets WHERE domain_id = NEW.domain_id AND kind = NEW.kind AND (name, id) <= (NEW.name, NEW.id) ORDER BY name DESC, id DESC LIMIT 1) AS b ON true WHERE true ON CONFLICT (domain_id, kind, name, id) DO UPDATE SET n = n + 1; INSERT INTO project_buckets (domain_id, kind, name, id, n) SELECT p.domain_id, p.kind, p.name, p.id, f.n - 1000 FROM project_buckets AS f JOIN projects AS p ON p.rowid = (SELECT q.rowid FROM projects AS q WHERE q.domain_id = f.domain_id AND q.kind = f.kind AND (q.name, q.id) >= (f.name, f.id) ORDER BY q.name, q.id LIMIT 1 OFFSET 1000) WHERE f.domain_id = NEW.domain_id AND f.n > 2000; UPDATE project_buckets SET n = 1000 WHERE domain_id = NEW.domain_id AND n > 2000; END;
CREATE TRIGGER enterprise_projects_bucket_insert AFTER INSERT ON enterprise_projects BEGIN INSERT INTO enterprise_project_buckets (domain_id, created_at, id, n) SELECT NEW.domain_id, coalesce(b.created_at, ''), coalesce(b.id, ''), 1 FROM (SELECT 1) LEFT JOIN (SELECT created_at, id FROM enterprise_project_buckets WHERE domain_id = NEW.domain_id AND (created_at, id) <= (NEW.created_at, NEW.id) ORDER BY created_at DESC, id DESC LIMIT 1) AS b ON true WHERE true ON CONFLICT (domain_id, created_at, id) DO UPDATE SET n = n + 1; INSERT INTO enterprise_project_buckets (domain_id, created_at, id, n) SELECT e.domain_id, e.created_at, e.id, f.n - 1000 FROM enterprise_project_buckets AS f JOIN enterprise_projects AS e ON e.rowid = (SELECT q.rowid FROM enterprise_projects AS q WHERE q.domain_id = f.domain_id AND (q.created_at, q.id) >= (f.created_at, f.id) ORDER BY q.created_at, q.id LIMIT 1 OFFSET 1000) WHERE f.domain_id = NEW.domain_id AND f.n > 2000; UPDATE enterprise_project_buckets SET n = 1000 WHERE domain_id = NEW.domain_id AND n > 2000; END;
CREATE TRIGGER enterprise_projects_bucket_delete AFTER DELETE ON enterprise_projects BEGIN UPDATE enterprise_project_buckets SET n = n - 1 WHERE domain_id = OLD.domain_id AND (created_at, id) = (SELECT created_at, id FROM enterprise_project_buckets WHERE domain_id = OLD.domain_id AND (created_at, id) <= (OLD.created_at, OLD.id) ORDER BY created_at DESC, id DESC LIMIT 1); DELETE FROM enterprise_project_buckets WHERE domain_id = OLD.domain_id AND (created_at, id) = (SELECT created_at, id FROM enterprise_project_buckets WHERE domain_id = OLD.domain_id AND (created_at, id) <= (OLD.created_at, OLD.id) ORDER BY created_at DESC, id DESC LIMIT 1) AND n = 0; END;
CREATE TRIGGER enterprise_projects_bucket_move AFTER UPDATE OF domain_id, created_at, id ON enterprise_projects WHEN OLD.domain_id <> NEW.domain_id OR OLD.created_at <> NEW.created_at OR OLD.id <> NEW.id BEGIN UPDATE enterprise_project_buckets SET n = n - 1 WHERE domain_id = OLD.domain_id AND (created_at, id) = (SELECT created_at, id FROM enterprise_project_buckets WHERE domain_id = OLD.domain_id AND (created_at, id) <= (OLD.created_at, OLD.id) ORDER BY created_at DESC, id DESC LIMIT 1); DELETE FROM enterprise_project_buckets WHERE domain_id = OLD.domain_id AND (created_at, id) = (SELECT created_at, id FROM enterprise_project_buckets WHERE domain_id = OLD.domain_id AND (created_at, id) <= (OLD.created_at, OLD.id) ORDER BY created_at DESC, id DESC LIMIT 1) AND n = 0; INSERT INTO enterprise_project_buckets (domain_id, created_at, id, n) SELECT NEW.domain_id, coalesce(b.created_at, ''), coalesce(b.id, ''), 1 FROM (SELECT 1) LEFT JOIN (SELECT created_at, id FROM enterprise_project_buckets WHERE domain_id = NEW.domain_id AND (created_at, id) <= (NEW.created_at, NEW.id) ORDER BY created_at DESC, id DESC LIMIT 1) AS b ON true WHERE true ON CONFLICT (domain_id, created_at, id) DO UPDATE SET n = n + 1; INSERT INTO enterprise_project_buckets (domain_id, created_at, id, n) SELECT e.domain_id, e.created_at, e.id, f.n - 1000 FROM enterprise_project_buckets AS f JOIN enterprise_projects AS e ON e.rowid = (SELECT q.rowid FROM enterprise_projects AS q WHERE q.domain_id = f.domain_id AND (q.created_at, q.id) >= (f.created_at, f.id) ORDER BY q.created_at, q.id LIMIT 1 OFFSET 1000) WHERE f.domain_id = NEW.domain_id AND f.n > 2000; UPDATE enterprise_project_buckets SET n = 1000 WHERE domain_id = NEW.domain_id AND n > 2000; END;
