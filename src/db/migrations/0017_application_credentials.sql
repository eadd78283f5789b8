-- Keystone's application credentials and access rules (keystone flavour). A credential belongs to
-- its user and the project it was made in, and goes with either: the foreign keys cascade, so no
-- row of it outlives them and no id is ever reused (Keystone 22 on SQLite leaves orphaned role
-- rows behind a bulk delete and reuses the integer key, which fails a fresh create with 409).
-- The secret is stored as an argon2id hash. `unrestricted` stays NULL when the request did not
-- say, as in Keystone, which shows it as null. Times are ISO text with microseconds.
CREATE TABLE application_credentials (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  project_id   TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  description  TEXT,
  secret_hash  TEXT NOT NULL,
  expires_at   TEXT,
  unrestricted INTEGER,
  created_at   TEXT NOT NULL
);
-- A name is unique per user: the index settles racing creates.
CREATE UNIQUE INDEX application_credentials_user_name_key ON application_credentials (user_id, name);
CREATE INDEX application_credentials_project_idx ON application_credentials (project_id);
-- The roles a credential delegates; a deleted role leaves the credentials that named it.
CREATE TABLE application_credential_roles (
  application_credential_id TEXT NOT NULL REFERENCES application_credentials (id) ON DELETE CASCADE,
  role_id                   TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  PRIMARY KEY (application_credential_id, role_id)
);
CREATE INDEX application_credential_roles_role_idx ON application_credential_roles (role_id);
-- A user's access rules outlive the credentials that made them; one per (service, path, method).
CREATE TABLE access_rules (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  service    TEXT NOT NULL,
  path       TEXT NOT NULL,
  method     TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX access_rules_user_rule_key ON access_rules (user_id, service, path, method);
-- No cascade from access_rules: deleting a rule a credential still uses is refused by this key.
CREATE TABLE application_credential_access_rules (
  application_credential_id TEXT NOT NULL REFERENCES application_credentials (id) ON DELETE CASCADE,
  access_rule_id            TEXT NOT NULL REFERENCES access_rules (id),
  PRIMARY KEY (application_credential_id, access_rule_id)
);
CREATE INDEX application_credential_access_rules_rule_idx ON application_credential_access_rules (access_rule_id);
