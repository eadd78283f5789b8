-- Virtual MFA devices, login protection and the outbox of would-be SMS and e-mail codes
-- (issue 18; spec iam-security.md §6, §7, §10). Each row belongs to a user and goes with it
-- (ON DELETE CASCADE); domain_id is the user's account, so an account's reset or deletion finds
-- its rows in one statement.
--
-- One device per user, the primary key settling two creates racing. The seed is sealed as
-- access-key secrets are (auth/secret-box.ts). last_used_step is the TOTP step of the last code
-- accepted: a sign-in or unbind succeeds only by moving it forward in one conditional UPDATE,
-- so a code (and any older one) is accepted once, whichever instance sees it first.
CREATE TABLE mfa_devices (
  user_id        TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  domain_id      TEXT NOT NULL,
  name           TEXT NOT NULL,
  serial_number  TEXT NOT NULL,
  seed_sealed    TEXT NOT NULL,
  bound          INTEGER NOT NULL DEFAULT 0,
  last_used_step INTEGER,
  created_at     TEXT NOT NULL,
  bound_at       TEXT
);
CREATE INDEX mfa_devices_domain_idx ON mfa_devices (domain_id);

-- A user's login protection, once configured (none before: show answers 404). method is
-- 'none' while disabled. api_login_protection is the emulator's per-user switch (spec §7.3,
-- OTC's console-only "API login protection"): password-only tokens refused for a vmfa user.
CREATE TABLE login_protects (
  user_id              TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  domain_id            TEXT NOT NULL,
  enabled              INTEGER NOT NULL,
  verification_method  TEXT NOT NULL,
  api_login_protection INTEGER NOT NULL DEFAULT 0,
  updated_at           TEXT NOT NULL
);
CREATE INDEX login_protects_domain_idx ON login_protects (domain_id);

-- Codes the clouds would send by SMS or e-mail, kept for the operator to read instead
-- (GET /_projectplane/outbox). used_at marks a code consumed; a code is good until expires_at.
CREATE TABLE outbox_messages (
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  domain_id   TEXT NOT NULL,
  channel     TEXT NOT NULL,
  destination TEXT NOT NULL,
  purpose     TEXT NOT NULL,
  code        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL,
  used_at     TEXT
);
CREATE INDEX outbox_messages_user_idx ON outbox_messages (user_id, created_at);
CREATE INDEX outbox_messages_domain_idx ON outbox_messages (domain_id);
