-- Access keys (AK/SK). secret: the secret key sealed with the server's credential key
-- (auth/secret-box.ts), never plain. kind 'permanent' keys take slot 1 or 2: the unique index is
-- what limits a user to two, even when requests race. 'temporary' keys have no slot, an expiry
-- and the SHA-256 of their security token.
CREATE TABLE credentials (
  access              TEXT PRIMARY KEY,
  user_id             TEXT NOT NULL REFERENCES users (id),
  secret              TEXT NOT NULL,
  status              TEXT NOT NULL DEFAULT 'active',
  description         TEXT NOT NULL DEFAULT '',
  kind                TEXT NOT NULL,
  slot                INTEGER,
  security_token_hash TEXT,
  expires_at          TEXT,
  created_at          TEXT NOT NULL,
  last_used_at        TEXT
);
CREATE UNIQUE INDEX credentials_user_slot_key ON credentials (user_id, slot);
CREATE INDEX credentials_user_idx ON credentials (user_id);
