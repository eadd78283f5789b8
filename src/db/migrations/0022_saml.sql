-- SAML for federated sign-in (issue 20, HWC/OTC createMetadata and the IdP-initiated token).
-- saml_metadata: the metadata document imported for an identity provider's protocol, one per
-- (idp_id, protocol_id), replaced on re-import. entity_id and signing_certificates (a JSON array
-- of PEM texts) are read from `data` once, at import, so sign-in never parses metadata again.
-- The row goes with its protocol, and so with its provider and the provider's account, by the
-- foreign key's cascade (a provider re-created with the same id starts without metadata).
-- update_time is ISO text with microseconds and no zone letter, as showMetadata answers it.
CREATE TABLE saml_metadata (
  idp_id               TEXT NOT NULL,
  protocol_id          TEXT NOT NULL,
  id                   TEXT NOT NULL UNIQUE,
  domain_id            TEXT NOT NULL,
  entity_id            TEXT NOT NULL,
  xaccount_type        TEXT NOT NULL,
  data                 TEXT NOT NULL,
  signing_certificates TEXT NOT NULL,
  update_time          TEXT NOT NULL,
  PRIMARY KEY (idp_id, protocol_id),
  FOREIGN KEY (idp_id, protocol_id) REFERENCES federation_protocols (idp_id, id) ON DELETE CASCADE
);
CREATE INDEX saml_metadata_domain_idx ON saml_metadata (domain_id);

-- The replay cache: the ID of every assertion a token was issued for, kept until the assertion
-- could no longer be accepted anyway (expires_at, ISO text with microseconds). The primary key
-- settles two instances posting the same response at once: one insert wins, the other is a replay.
CREATE TABLE saml_assertions (
  idp_id       TEXT NOT NULL,
  assertion_id TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  PRIMARY KEY (idp_id, assertion_id)
);
CREATE INDEX saml_assertions_expiry_idx ON saml_assertions (expires_at);
