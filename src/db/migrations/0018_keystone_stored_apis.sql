-- Keystone APIs that only store what an administrator gives them (keystone flavour, area
-- "ksextras"): OAuth1 consumers, domain-specific configuration and the deprecated policy blobs.
--
-- An OAuth1 consumer: its secret is made by the server, shown once at creation and kept sealed
-- (auth/secret-box.ts), as access keys' secrets are. `extra` holds the free attributes Keystone
-- keeps beside the description, as a JSON object.
CREATE TABLE oauth_consumers (
  id          TEXT PRIMARY KEY,
  description TEXT,
  secret      TEXT NOT NULL,
  extra       TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL
);

-- One option of a domain's configuration: its value as JSON (Keystone keeps ints, lists and
-- strings as given). A sensitive option's value (ldap password) is sealed and never shown.
-- The key is what settles two writers of one option; the configuration goes with its domain.
CREATE TABLE domain_config_options (
  domain_id   TEXT NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
  group_name  TEXT NOT NULL,
  option_name TEXT NOT NULL,
  value       TEXT NOT NULL,
  sensitive   INTEGER NOT NULL,
  PRIMARY KEY (domain_id, group_name, option_name)
);

-- Keystone's policy blobs (`/v3/policies`): stored and served, never enforced.
CREATE TABLE policy_blobs (
  id         TEXT PRIMARY KEY,
  type       TEXT NOT NULL,
  blob       TEXT NOT NULL,
  extra      TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE INDEX policy_blobs_type_idx ON policy_blobs (type);
