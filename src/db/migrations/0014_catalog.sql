-- Keystone's catalog as data: services, their endpoints, OS-EP-FILTER's endpoint groups and the
-- projects endpoints and groups are associated with. Every flavour reads it (tokens' catalog,
-- `/v3/services`, `/v3/endpoints`); only the keystone flavour writes it. A first start seeds what
-- the flavour serves (`catalog_seed` records that it did, so an operator's deletions stay deleted
-- across restarts). A service's endpoints go with it; an endpoint's region cannot go while the
-- endpoint names it (Keystone's RESTRICT), which settles a region delete racing an endpoint
-- create. Associations go with their endpoint, group or project, as Keystone's callbacks do.
-- `extra` holds the attributes Keystone keeps beyond its columns, as a JSON object. `created_at`
-- only orders lists: the seeded rows are written in catalog order.
CREATE TABLE catalog_services (
  id         TEXT PRIMARY KEY,
  type       TEXT NOT NULL,
  name       TEXT NOT NULL DEFAULT '',
  enabled    INTEGER NOT NULL DEFAULT 1,
  extra      TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);

CREATE TABLE catalog_endpoints (
  id         TEXT PRIMARY KEY,
  service_id TEXT NOT NULL REFERENCES catalog_services (id) ON DELETE CASCADE,
  interface  TEXT NOT NULL,
  region_id  TEXT REFERENCES regions (id),
  url        TEXT NOT NULL,
  enabled    INTEGER NOT NULL DEFAULT 1,
  extra      TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE INDEX catalog_endpoints_service_idx ON catalog_endpoints (service_id);
CREATE INDEX catalog_endpoints_region_idx ON catalog_endpoints (region_id);

CREATE TABLE endpoint_groups (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  description TEXT,
  filters     TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

CREATE TABLE project_endpoints (
  endpoint_id TEXT NOT NULL REFERENCES catalog_endpoints (id) ON DELETE CASCADE,
  project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  PRIMARY KEY (endpoint_id, project_id)
);
CREATE INDEX project_endpoints_project_idx ON project_endpoints (project_id);

CREATE TABLE project_endpoint_groups (
  endpoint_group_id TEXT NOT NULL REFERENCES endpoint_groups (id) ON DELETE CASCADE,
  project_id        TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  PRIMARY KEY (endpoint_group_id, project_id)
);
CREATE INDEX project_endpoint_groups_project_idx ON project_endpoint_groups (project_id);

CREATE TABLE catalog_seed (
  id TEXT PRIMARY KEY
);
