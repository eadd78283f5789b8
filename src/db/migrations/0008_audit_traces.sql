-- The audit trail: one row per committed change, written in the same transaction as the change
-- (a change and its trace commit together or not at all). Modelled on the Cloud Trace Service's
-- traces. `before_state`/`after_state` are JSON text of the resource as stored, secrets removed;
-- NULL for a creation's before and a deletion's after. Ids are UUIDv7, so they sort by time: the index pages by id.
CREATE TABLE audit_traces (
  id            TEXT NOT NULL PRIMARY KEY,
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
  after_state   TEXT
);
CREATE INDEX audit_traces_domain_id_idx ON audit_traces (domain_id, id);
