-- Keystone's implied roles (keystone flavour, issue 16): holding the prior role means holding the
-- implied one too, in tokens and in effective role assignments. Deleting either role deletes the
-- rule, as Keystone's foreign keys do. A rule may close a cycle: expansion stops where it started.
CREATE TABLE implied_roles (
  prior_role_id   TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  implied_role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  PRIMARY KEY (prior_role_id, implied_role_id)
);
CREATE INDEX implied_roles_implied_idx ON implied_roles (implied_role_id);

-- Keystone's domain-specific roles (POST /v3/roles with a domain_id) only lead to the roles they
-- imply: they never reach a token themselves. They get their own catalog so they are told apart
-- from the clouds' custom policies, which are also owned by a domain but are what tokens carry.
-- Before this migration such roles were made as 'CUSTOMED' with type 'AA', which no custom policy has.
UPDATE roles SET catalog = 'DOMAIN_ROLE' WHERE domain_key <> '' AND catalog = 'CUSTOMED' AND type = 'AA';
