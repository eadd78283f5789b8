-- Users managed through the API, and the account-security state behind login and tokens.
-- tokens_valid_after: tokens issued at or before this time are dead (password change, disable,
-- group membership change). Lock-out: failures counted in a window; locked_until set at the limit.
-- Times are ISO-8601 text in UTC with microseconds, compared as text like every other time here.
ALTER TABLE users ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
ALTER TABLE users ADD COLUMN tokens_valid_after TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN failure_window_started_at TEXT;
ALTER TABLE users ADD COLUMN locked_until TEXT;
ALTER TABLE users ADD COLUMN last_login_at TEXT;
CREATE INDEX users_domain_idx ON users (domain_id);
CREATE INDEX user_groups_domain_idx ON user_groups (domain_id);
