-- Keystone's credentials (`/v3/credentials`, keystone flavour), and the EC2 credentials of
-- `/v3/users/{id}/credentials/OS-EC2`, which are rows of type 'ec2' here as in Keystone. A table
-- of their own, not `credentials`: those are the clouds' access keys, a different resource
-- (two slots per user, status, temporary keys), and Keystone's rows carry a type, a free blob
-- and a project instead. id: for type 'ec2' the SHA-256 of the blob's `access`, else a random
-- hex id; the primary key is what refuses a second credential with one access key, even when
-- requests race. blob: the client's blob sealed with the server's credential key
-- (auth/secret-box.ts), never plain. extra: the body's other attributes, which Keystone keeps
-- and echoes, as JSON. Deleting a user or a project deletes its credentials, as Keystone's
-- callbacks do.
CREATE TABLE keystone_credentials (
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  project_id  TEXT REFERENCES projects (id) ON DELETE CASCADE,
  type        TEXT NOT NULL,
  blob        TEXT NOT NULL,
  extra       TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL
);
CREATE INDEX keystone_credentials_user_idx ON keystone_credentials (user_id, type);
CREATE INDEX keystone_credentials_project_idx ON keystone_credentials (project_id);
