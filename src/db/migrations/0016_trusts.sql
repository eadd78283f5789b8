-- Keystone's trusts (OS-TRUST, keystone flavour): a trustor delegates some of its roles on a
-- project to a trustee, who gets tokens scoped to that project with those roles. No foreign keys
-- to users, projects or roles: Keystone has none either. A trust whose trustor, trustee or
-- project is gone counts as deleted (Keystone deletes it with the user or project), and a
-- delegated role that is gone drops out of the trust's roles, as in Keystone.
-- expires_at is ISO text with microseconds, NULL for a trust that never expires;
-- remaining_uses NULL is unlimited. redelegated_trust_id names the trust this one was made
-- with (a trust-scoped token creating a trust); extra keeps the attributes Keystone does not
-- know, which it echoes back. A deleted trust's row goes (Keystone only marks it deleted).
CREATE TABLE trusts (
  id                   TEXT PRIMARY KEY,
  trustor_user_id      TEXT NOT NULL,
  trustee_user_id      TEXT NOT NULL,
  project_id           TEXT,
  impersonation        INTEGER NOT NULL,
  expires_at           TEXT,
  remaining_uses       INTEGER,
  redelegated_trust_id TEXT,
  redelegation_count   INTEGER,
  extra                TEXT NOT NULL DEFAULT '{}',
  created_at           TEXT NOT NULL
);
-- Keystone's duplicate_trust_constraint: the same delegation twice is a conflict (NULLs differ,
-- so two trusts without an expiry or a project never collide, as in Keystone's databases).
CREATE UNIQUE INDEX trusts_duplicate_key ON trusts (trustor_user_id, trustee_user_id, project_id, impersonation, expires_at);
CREATE INDEX trusts_trustee_idx ON trusts (trustee_user_id);
CREATE INDEX trusts_redelegated_idx ON trusts (redelegated_trust_id);

CREATE TABLE trust_roles (
  trust_id TEXT NOT NULL REFERENCES trusts (id) ON DELETE CASCADE,
  role_id  TEXT NOT NULL,
  PRIMARY KEY (trust_id, role_id)
);
