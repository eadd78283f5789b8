-- Huawei's extended user profile (/v3.0/OS-USER): contact details, access mode, the "must change
-- the password at first login" flag, the external identity pair, and what the clouds report
-- about a user's password (when it was set, how strong it was) and whether the user is its
-- account's owner. Strength is judged when a password is set (only its hash is kept); NULL when
-- it was set before this migration or there is none.
ALTER TABLE users ADD COLUMN areacode TEXT;
ALTER TABLE users ADD COLUMN phone TEXT;
ALTER TABLE users ADD COLUMN access_mode TEXT NOT NULL DEFAULT 'default';
ALTER TABLE users ADD COLUMN pwd_status INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN xuser_type TEXT;
ALTER TABLE users ADD COLUMN xuser_id TEXT;
ALTER TABLE users ADD COLUMN password_changed_at TEXT;
ALTER TABLE users ADD COLUMN pwd_strength TEXT;
ALTER TABLE users ADD COLUMN is_domain_owner INTEGER NOT NULL DEFAULT 0;
-- The owner of every existing account is its first user: the administrator its creation made.
UPDATE users SET is_domain_owner = 1 WHERE id = (
  SELECT u.id FROM users u WHERE u.domain_id = users.domain_id ORDER BY u.created_at, u.id LIMIT 1
);
-- NULLs never collide, so only users that have the pair are held to one per account.
CREATE UNIQUE INDEX users_xuser_key ON users (domain_id, xuser_type, xuser_id);
