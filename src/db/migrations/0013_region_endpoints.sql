-- Keystone regions as an administrator creates them (issue 16): the extra attributes Keystone
-- keeps on a region and echoes back, and whether the region has the catalog's endpoints. The
-- regions a flavour starts with (and a state document's) have them; a region created through
-- `POST /v3/regions` has none, as in Keystone, where a new region has no endpoints until one is
-- created, and where a region with endpoints cannot be deleted.
ALTER TABLE regions ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
ALTER TABLE regions ADD COLUMN has_endpoints INTEGER NOT NULL DEFAULT 1;
