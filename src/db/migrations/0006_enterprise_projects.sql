-- EPS enterprise projects, the resources they hold and the moves between them; COC favourites.
-- Enterprise project ids are UUIDs, except the default project '0' that every account has: hence
-- the key (domain_id, id). Names are unique per account through the index, not through code.
-- A deleted (keystone-flavour) domain takes its default enterprise project with it.
CREATE TABLE enterprise_projects (
  domain_id   TEXT NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
  id          TEXT NOT NULL,
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  status      INTEGER NOT NULL DEFAULT 1,
  type        TEXT NOT NULL DEFAULT 'prod',
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (domain_id, id)
);
CREATE UNIQUE INDEX enterprise_projects_domain_name_key ON enterprise_projects (domain_id, name);
CREATE INDEX enterprise_projects_domain_created_idx ON enterprise_projects (domain_id, created_at);

-- Every account that exists already gets its default enterprise project.
INSERT INTO enterprise_projects (domain_id, id, name, description, status, type, created_at, updated_at)
  SELECT id, '0', 'default', '', 1, 'prod', created_at, created_at FROM domains;

-- Resources registered through the projectplane admin API (there are no compute services here).
-- project_id is '' for global resource types. The foreign key keeps a resource from pointing at an
-- enterprise project that does not exist, and an enterprise project holding resources from being
-- deleted. attached_to: the ECS a disk or EIP belongs to, which moves with it when asked.
CREATE TABLE ep_resources (
  domain_id             TEXT NOT NULL,
  resource_type         TEXT NOT NULL,
  resource_id           TEXT NOT NULL,
  resource_name         TEXT NOT NULL DEFAULT '',
  project_id            TEXT NOT NULL DEFAULT '',
  region_id             TEXT NOT NULL DEFAULT '',
  enterprise_project_id TEXT NOT NULL,
  attached_to           TEXT,
  detail                TEXT,
  created_at            TEXT NOT NULL,
  updated_at            TEXT NOT NULL,
  PRIMARY KEY (domain_id, resource_type, resource_id),
  FOREIGN KEY (domain_id, enterprise_project_id) REFERENCES enterprise_projects (domain_id, id)
);
CREATE INDEX ep_resources_project_idx ON ep_resources (domain_id, enterprise_project_id);
CREATE INDEX ep_resources_attached_idx ON ep_resources (domain_id, attached_to);

-- One row per resource moved; names are copied, so a record outlives renames and deletions.
CREATE TABLE ep_migration_records (
  id               TEXT PRIMARY KEY,
  domain_id        TEXT NOT NULL,
  event_time       TEXT NOT NULL,
  user_id          TEXT NOT NULL,
  user_name        TEXT NOT NULL,
  resource_type    TEXT NOT NULL,
  resource_id      TEXT NOT NULL,
  resource_name    TEXT NOT NULL,
  project_id       TEXT NOT NULL,
  project_name     TEXT NOT NULL,
  region_id        TEXT NOT NULL,
  associated       INTEGER NOT NULL,
  initiate_ep_id   TEXT NOT NULL,
  initiate_ep_name TEXT NOT NULL,
  origin_ep_id     TEXT NOT NULL,
  origin_ep_name   TEXT NOT NULL,
  target_ep_id     TEXT NOT NULL,
  target_ep_name   TEXT NOT NULL
);
CREATE INDEX ep_migration_records_domain_time_idx ON ep_migration_records (domain_id, event_time);

-- COC favourites: one record per user and account; ep_ids is a JSON array of strings, kept as
-- given (ids of enterprise projects deleted later stay until the user saves a new list).
CREATE TABLE coc_favourites (
  id         TEXT PRIMARY KEY,
  domain_id  TEXT NOT NULL REFERENCES domains (id),
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  ep_ids     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX coc_favourites_domain_user_key ON coc_favourites (domain_id, user_id);
