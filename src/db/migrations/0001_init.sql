-- IAM core: accounts (domains), regions, projects, users, groups, roles, assignments, token keys.
-- Portable SQL: runs unchanged on SQLite and PostgreSQL. Booleans are INTEGER 0/1, times ISO-8601
-- text in UTC with microseconds, JSON as text. Uniqueness lives here, not in read-then-write code.

CREATE TABLE domains (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  enabled     INTEGER NOT NULL DEFAULT 1,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX domains_name_key ON domains (name);

CREATE TABLE regions (
  id               TEXT PRIMARY KEY,
  type             TEXT NOT NULL DEFAULT 'public',
  description      TEXT NOT NULL DEFAULT '',
  parent_region_id TEXT,
  locales          TEXT NOT NULL DEFAULT '{}'
);

-- kind: 'region' for the system project of a region (name = region id, parent = domain),
-- 'custom' for everything users create. region_id is fixed at creation: a project keeps its region.
CREATE TABLE projects (
  id            TEXT PRIMARY KEY,
  domain_id     TEXT NOT NULL REFERENCES domains (id),
  name          TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  parent_id     TEXT NOT NULL,
  kind          TEXT NOT NULL DEFAULT 'custom',
  region_id     TEXT,
  enabled       INTEGER NOT NULL DEFAULT 1,
  status        TEXT NOT NULL DEFAULT 'normal',
  suspended_at  TEXT,
  tags          TEXT NOT NULL DEFAULT '[]',
  options       TEXT NOT NULL DEFAULT '{}',
  extra         TEXT NOT NULL DEFAULT '{}',
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX projects_domain_name_key ON projects (domain_id, name);
CREATE INDEX projects_parent_idx ON projects (parent_id);

CREATE TABLE users (
  id                  TEXT PRIMARY KEY,
  domain_id           TEXT NOT NULL REFERENCES domains (id),
  name                TEXT NOT NULL,
  password_hash       TEXT,
  enabled             INTEGER NOT NULL DEFAULT 1,
  password_expires_at TEXT,
  default_project_id  TEXT,
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX users_domain_name_key ON users (domain_id, name);

CREATE TABLE user_groups (
  id          TEXT PRIMARY KEY,
  domain_id   TEXT NOT NULL REFERENCES domains (id),
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX user_groups_domain_name_key ON user_groups (domain_id, name);

CREATE TABLE group_members (
  group_id TEXT NOT NULL REFERENCES user_groups (id),
  user_id  TEXT NOT NULL REFERENCES users (id),
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user_idx ON group_members (user_id);

-- domain_key is '' for system roles and the owning domain for custom ones, so names are unique per owner.
CREATE TABLE roles (
  id           TEXT PRIMARY KEY,
  domain_key   TEXT NOT NULL DEFAULT '',
  name         TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  description  TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX roles_owner_name_key ON roles (domain_key, name);

-- actor_type 'user' | 'group'; target_type 'domain' | 'project' | 'system'.
-- inherited = 1 on a domain: the role applies to every project of the domain (OS-INHERIT).
CREATE TABLE role_assignments (
  actor_type  TEXT NOT NULL,
  actor_id    TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id   TEXT NOT NULL,
  role_id     TEXT NOT NULL REFERENCES roles (id),
  inherited   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (actor_type, actor_id, target_type, target_id, role_id, inherited)
);
CREATE INDEX role_assignments_target_idx ON role_assignments (target_type, target_id);

-- Keys that encrypt tokens. Shared by every instance on the same store, so any of them
-- accepts a token another issued. The newest key signs; older ones still decrypt.
CREATE TABLE token_keys (
  id         TEXT PRIMARY KEY,
  secret     TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE revoked_tokens (
  audit_id   TEXT PRIMARY KEY,
  expires_at TEXT NOT NULL,
  revoked_at TEXT NOT NULL
);
