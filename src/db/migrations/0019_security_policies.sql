-- Account security (issue 18): the five security policies an account sets for itself
-- (OS-SECURITYPOLICY: password, login, protect, console ACL, API ACL), one row per account and
-- policy, its body the stored policy as a JSON object. An account with no row has its flavour's
-- defaults; a reset of the account deletes its rows, and they go with the account.
CREATE TABLE security_policies (
  domain_id  TEXT NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,
  body       TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (domain_id, kind)
);
-- The argon2id hashes of the passwords a user has had, the current one included, newest last
-- by set_at: the password policy's history rule (`number_of_recent_passwords_disallowed`,
-- Keystone's `unique_last_password_count`) compares a new password with the latest of them.
-- They go with the user.
CREATE TABLE password_history (
  user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  set_at        TEXT NOT NULL,
  password_hash TEXT NOT NULL
);
CREATE INDEX password_history_user_idx ON password_history (user_id, set_at);
