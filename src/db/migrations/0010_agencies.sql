-- Agencies (Huawei OS-AGENCY): account A (domain_id) lets users of account B (trust_domain_id)
-- act in A with the roles granted to the agency. A cloud-service agency (`op_svc_<service>`)
-- trusts a service, not an account: trust_domain_id is NULL and trust_domain_name names it.
-- duration is the value the client sent (FOREVER, ONEDAY or a number of days), echoed back;
-- expire_time is NULL when the agency never expires. Grants to agencies are role_assignments
-- rows with actor_type 'agency'. The unique index is what settles two creations of one name.
CREATE TABLE agencies (
  id                TEXT PRIMARY KEY,
  domain_id         TEXT NOT NULL REFERENCES domains (id),
  name              TEXT NOT NULL,
  trust_domain_id   TEXT,
  trust_domain_name TEXT NOT NULL,
  description       TEXT NOT NULL DEFAULT '',
  duration          TEXT,
  expire_time       TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);
CREATE UNIQUE INDEX agencies_domain_name_key ON agencies (domain_id, name);
CREATE INDEX agencies_trust_domain_idx ON agencies (trust_domain_id);

-- Temporary keys made by assuming an agency act as that agency (user_id stays the user who
-- assumed it, so disabling that user ends them too); session_user is the name the caller gave
-- the session, which a login ticket made from the key shows.
ALTER TABLE credentials ADD COLUMN agency_id TEXT;
ALTER TABLE credentials ADD COLUMN session_user TEXT;

-- A change made with an agency's token or keys is traced on the agency (user_*) and names the
-- user who assumed it: {"user":{"id","name"},"domain":{"id","name"}} as JSON, NULL otherwise.
ALTER TABLE audit_traces ADD COLUMN assumed_by TEXT;
