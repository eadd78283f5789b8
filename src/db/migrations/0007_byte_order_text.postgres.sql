-- Names sort and compare byte by byte, as on SQLite, whatever collation the operator's database
-- was created with (en_US.UTF-8, say, would ignore case and punctuation when ordering lists):
-- the same store contents give the same list order on both stores. SQLite needs nothing.
ALTER TABLE domains ALTER COLUMN name TYPE TEXT COLLATE "C";
ALTER TABLE projects ALTER COLUMN name TYPE TEXT COLLATE "C";
ALTER TABLE users ALTER COLUMN name TYPE TEXT COLLATE "C";
ALTER TABLE user_groups ALTER COLUMN name TYPE TEXT COLLATE "C";
ALTER TABLE roles ALTER COLUMN name TYPE TEXT COLLATE "C";
ALTER TABLE roles ALTER COLUMN display_name TYPE TEXT COLLATE "C";
ALTER TABLE enterprise_projects ALTER COLUMN name TYPE TEXT COLLATE "C";
ALTER TABLE ep_resources ALTER COLUMN resource_name TYPE TEXT COLLATE "C";
ALTER TABLE ep_resources ALTER COLUMN resource_type TYPE TEXT COLLATE "C";
ALTER TABLE ep_resources ALTER COLUMN resource_id TYPE TEXT COLLATE "C";
