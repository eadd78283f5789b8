-- The project of a user's last project-scoped login: the clouds' `last_project_id` on Keystone
-- user bodies ("the last project used"). NULL until the user logs in to a project.
ALTER TABLE users ADD COLUMN last_project_id TEXT;
