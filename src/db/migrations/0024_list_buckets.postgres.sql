-- 0024_list_buckets.sqlite.sql on PostgreSQL: the same tables, first buckets and counting (read
-- the reasons there). Names compare byte by byte, as projects.name does (migration 0007).
CREATE TABLE project_buckets (
  domain_id TEXT NOT NULL,
  kind      TEXT NOT NULL,
  name      TEXT COLLATE "C" NOT NULL,
  id        TEXT NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (domain_id, kind, name, id)
);
CREATE INDEX project_buckets_full_idx ON project_buckets (domain_id) WHERE n > 2000;
CREATE TABLE enterprise_project_buckets (
  domain_id  TEXT NOT NULL,
  created_at TEXT NOT NULL,
  id         TEXT NOT NULL,
  n          INTEGER NOT NULL,
  PRIMARY KEY (domain_id, created_at, id)
);
CREATE INDEX enterprise_project_buckets_full_idx ON enterprise_project_buckets (domain_id) WHERE n > 2000;

INSERT INTO project_buckets (domain_id, kind, name, id, n)
SELECT domain_id, kind, name, id, least(1000, total - rn + 1) FROM (
  SELECT domain_id, kind, name, id, row_number() OVER (PARTITION BY domain_id, kind ORDER BY name, id) AS rn, count(*) OVER (PARTITION BY domain_id, kind) AS total FROM projects
) AS numbered WHERE (rn - 1) % 1000 = 0;
INSERT INTO enterprise_project_buckets (domain_id, created_at, id, n)
SELECT domain_id, created_at, id, least(1000, total - rn + 1) FROM (
  SELECT domain_id, created_at, id, row_number() OVER (PARTITION BY domain_id ORDER BY created_at, id) AS rn, count(*) OVER (PARTITION BY domain_id) AS total FROM enterprise_projects
) AS numbered WHERE (rn - 1) % 1000 = 0;

-- Function bodies stay on one line (migrate.ts splits statements at a semicolon that ends a line).
-- Counting in an account is serialised by a transaction lock on it, so a split and a row counted
-- into the bucket being split cannot pass each other (each statement here reads what was
-- committed before it, READ COMMITTED, so a lookup after the lock sees the split).
-- Unlike SQLite, PostgreSQL runs a statement's row triggers after all its rows are written, so a
-- split counting rows could count rows whose trigger has not run yet: rows are counted at once,
-- and buckets split when the transaction commits (a deferred constraint trigger), when every row
-- it wrote has been counted.
CREATE FUNCTION count_project_bucket() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE bname text; bid text; BEGIN IF TG_OP <> 'INSERT' THEN PERFORM pg_advisory_xact_lock(hashtext('project_buckets'), hashtext(OLD.domain_id)); SELECT name, id INTO bname, bid FROM project_buckets WHERE domain_id = OLD.domain_id AND kind = OLD.kind AND (name, id) <= (OLD.name, OLD.id) ORDER BY name DESC, id DESC LIMIT 1; UPDATE project_buckets SET n = n - 1 WHERE domain_id = OLD.domain_id AND kind = OLD.kind AND name = bname AND id = bid; DELETE FROM project_buckets WHERE domain_id = OLD.domain_id AND kind = OLD.kind AND name = bname AND id = bid AND n = 0; END IF; IF TG_OP <> 'DELETE' THEN PERFORM pg_advisory_xact_lock(hashtext('project_buckets'), hashtext(NEW.domain_id)); bname := NULL; bid := NULL; SELECT name, id INTO bname, bid FROM project_buckets WHERE domain_id = NEW.domain_id AND kind = NEW.kind AND (name, id) <= (NEW.name, NEW.id) ORDER BY name DESC, id DESC LIMIT 1; INSERT INTO project_buckets (domain_id, kind, name, id, n) VALUES (NEW.domain_id, NEW.kind, coalesce(bname, ''), coalesce(bid, ''), 1) ON CONFLICT (domain_id, kind, name, id) DO UPDATE SET n = project_buckets.n + 1; END IF; RETURN NULL; END $$;
CREATE FUNCTION split_project_buckets() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE bkind text; bname text; bid text; bn integer; sname text; sid text; BEGIN PERFORM pg_advisory_xact_lock(hashtext('project_buckets'), hashtext(NEW.domain_id)); LOOP SELECT kind, name, id, n INTO bkind, bname, bid, bn FROM project_buckets WHERE domain_id = NEW.domain_id AND n > 2000 LIMIT 1; EXIT WHEN NOT FOUND; SELECT name, id INTO sname, sid FROM projects WHERE domain_id = NEW.domain_id AND kind = bkind AND (name, id) >= (bname, bid) ORDER BY name, id LIMIT 1 OFFSET 1000; INSERT INTO project_buckets (domain_id, kind, name, id, n) VALUES (NEW.domain_id, bkind, sname, sid, bn - 1000); UPDATE project_buckets SET n = 1000 WHERE domain_id = NEW.domain_id AND kind = bkind AND name = bname AND id = bid; END LOOP; RETURN NULL; END $$;
CREATE TRIGGER projects_bucket_count AFTER INSERT OR DELETE ON projects FOR EACH ROW EXECUTE FUNCTION count_project_bucket();
CREATE TRIGGER projects_bucket_move AFTER UPDATE OF domain_id, kind, name, id ON projects FOR EACH ROW WHEN (OLD.domain_id IS DISTINCT FROM NEW.domain_id OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.name IS DISTINCT FROM NEW.name OR OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION count_project_bucket();
CREATE CONSTRAINT TRIGGER projects_bucket_split AFTER INSERT OR UPDATE OF domain_id, kind, name, id ON projects DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION split_project_buckets();
CREATE FUNCTION count_enterprise_project_bucket() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE bat text; bid text; BEGIN IF TG_OP <> 'INSERT' THEN PERFORM pg_advisory_xact_lock(hashtext('enterprise_project_buckets'), hashtext(OLD.domain_id)); SELECT created_at, id INTO bat, bid FROM enterprise_project_buckets WHERE domain_id = OLD.domain_id AND (created_at, id) <= (OLD.created_at, OLD.id) ORDER BY created_at DESC, id DESC LIMIT 1; UPDATE enterprise_project_buckets SET n = n - 1 WHERE domain_id = OLD.domain_id AND created_at = bat AND id = bid; DELETE FROM enterprise_project_buckets WHERE domain_id = OLD.domain_id AND created_at = bat AND id = bid AND n = 0; END IF; IF TG_OP <> 'DELETE' THEN PERFORM pg_advisory_xact_lock(hashtext('enterprise_project_buckets'), hashtext(NEW.domain_id)); bat := NULL; bid := NULL; SELECT created_at, id INTO bat, bid FROM enterprise_project_buckets WHERE domain_id = NEW.domain_id AND (created_at, id) <= (NEW.created_at, NEW.id) ORDER BY created_at DESC, id DESC LIMIT 1; INSERT INTO enterprise_project_buckets (domain_id, created_at, id, n) VALUES (NEW.domain_id, coalesce(bat, ''), coalesce(bid, ''), 1) ON CONFLICT (domain_id, created_at, id) DO UPDATE SET n = enterprise_project_buckets.n + 1; END IF; RETURN NULL; END $$;
CREATE FUNCTION split_enterprise_project_buckets() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE bat text; bid text; bn integer; sat text; sid text; BEGIN PERFORM pg_advisory_xact_lock(hashtext('enterprise_project_buckets'), hashtext(NEW.domain_id)); LOOP SELECT created_at, id, n INTO bat, bid, bn FROM enterprise_project_buckets WHERE domain_id = NEW.domain_id AND n > 2000 LIMIT 1; EXIT WHEN NOT FOUND; SELECT created_at, id INTO sat, sid FROM enterprise_projects WHERE domain_id = NEW.domain_id AND (created_at, id) >= (bat, bid) ORDER BY created_at, id LIMIT 1 OFFSET 1000; INSERT INTO enterprise_project_buckets (domain_id, created_at, id, n) VALUES (NEW.domain_id, sat, sid, bn - 1000); UPDATE enterprise_project_buckets SET n = 1000 WHERE domain_id = NEW.domain_id AND created_at = bat AND id = bid; END LOOP; RETURN NULL; END $$;
CREATE TRIGGER enterprise_projects_bucket_count AFTER INSERT OR DELETE ON enterprise_projects FOR EACH ROW EXECUTE FUNCTION count_enterprise_project_bucket();
CREATE TRIGGER enterprise_projects_bucket_move AFTER UPDATE OF domain_id, created_at, id ON enterprise_projects FOR EACH ROW WHEN (OLD.domain_id IS DISTINCT FROM NEW.domain_id OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION count_enterprise_project_bucket();
CREATE CONSTRAINT TRIGGER enterprise_projects_bucket_split AFTER INSERT OR UPDATE OF domain_id, created_at, id ON enterprise_projects DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION split_enterprise_project_buckets();
