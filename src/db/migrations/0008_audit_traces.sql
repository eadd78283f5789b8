-- The audit trail: one row per committed change, written in the same transaction as the change
-- (a change and its trace commit together or not at all). Modelled on the Cloud Trace Service's
-- traces. `after_state` is JSON text of the resource as stored, secrets removed (NULL after a
-- deletion); `before_state` holds only the columns whose values the change replaced when there is
-- an after state (the whole row otherwise; NULL before a creation), so the trail stores each row
-- once. Ids are UUIDv7, so they sort by time: the key pages an account's traces by id.
CREATE TABLE audit_traces (
  id            TEXT NOT NULL,
  domain_id     TEXT NOT NULL,
  time          TEXT NOT NULL,
  service_type  TEXT NOT NULL,
  trace_name    TEXT NOT NULL,
  trace_type    TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id   TEXT NOT NULL,
  resource_name TEXT NOT NULL,
  user_id       TEXT NOT NULL,
  user_name     TEXT NOT NULL,
  user_domain_id   TEXT NOT NULL,
  user_domain_name TEXT NOT NULL,
  source_ip     TEXT NOT NULL,
  request_id    TEXT NOT NULL,
  user_agent    TEXT NOT NULL,
  before_state  TEXT,
  after_state   TEXT,
  PRIMARY KEY (domain_id, id)
);
