-- Identity federation (OS-FEDERATION, issue 20): identity providers, mappings, protocols, the
-- OpenID Connect configuration of a provider, and the virtual users federated sign-ins make.
-- A provider's id is unique server-wide (token exchanges name it without an account: spec OQ-2);
-- a mapping's id is unique per account. Protocols and the OIDC configuration go with their
-- provider (the foreign keys cascade); a protocol's mapping is checked by the service and a
-- mapping in use refuses deletion there, so no foreign key to mappings (they are per account).
-- `remote_ids` and `rules` are JSON text; `rules` is kept as sent (key order included), since the
-- API echoes it back. Times are ISO text with microseconds.
CREATE TABLE identity_providers (
  id          TEXT PRIMARY KEY,
  domain_id   TEXT NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
  description TEXT NOT NULL DEFAULT '',
  enabled     INTEGER NOT NULL,
  sso_type    TEXT NOT NULL,
  remote_ids  TEXT NOT NULL DEFAULT '[]',
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX identity_providers_domain_idx ON identity_providers (domain_id);

CREATE TABLE federation_mappings (
  domain_id  TEXT NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
  id         TEXT NOT NULL,
  rules      TEXT NOT NULL,
  -- Keystone's mapping schema version ('1.0' unless the keystone flavour's client said otherwise).
  schema_version TEXT NOT NULL DEFAULT '1.0',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (domain_id, id)
);

CREATE TABLE federation_protocols (
  idp_id     TEXT NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
  id         TEXT NOT NULL,
  mapping_id TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (idp_id, id)
);
CREATE INDEX federation_protocols_mapping_idx ON federation_protocols (mapping_id);

-- At most one per provider: the primary key settles two racing creates.
CREATE TABLE oidc_configs (
  idp_id                 TEXT PRIMARY KEY REFERENCES identity_providers (id) ON DELETE CASCADE,
  access_mode            TEXT NOT NULL,
  idp_url                TEXT NOT NULL,
  client_id              TEXT NOT NULL,
  authorization_endpoint TEXT,
  scope                  TEXT,
  response_type          TEXT,
  response_mode          TEXT,
  signing_key            TEXT NOT NULL,
  created_at             TEXT NOT NULL,
  updated_at             TEXT NOT NULL
);

-- One virtual user per (account, mapped name) (spec §6.2): its id is derived from both, so a
-- sign-in finds the same user again; the unique key settles two first sign-ins at once.
CREATE TABLE federated_users (
  id            TEXT PRIMARY KEY,
  domain_id     TEXT NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  idp_id        TEXT NOT NULL,
  protocol_id   TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  last_login_at TEXT NOT NULL
);
CREATE UNIQUE INDEX federated_users_domain_name_key ON federated_users (domain_id, name);
