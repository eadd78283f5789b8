-- Roles carry a permission document (Huawei "policy"): system roles as the flavour defines them,
-- custom policies as their account wrote them. type: AX global, XA project-level, AA both.
-- catalog: the service family (BASE for the RBAC roles, CUSTOMED for custom policies).
-- flag: 'fine_grained' for 1.1 system policies, '' otherwise.
ALTER TABLE roles ADD COLUMN type TEXT NOT NULL DEFAULT 'AX';
ALTER TABLE roles ADD COLUMN catalog TEXT NOT NULL DEFAULT 'BASE';
ALTER TABLE roles ADD COLUMN flag TEXT NOT NULL DEFAULT '';
ALTER TABLE roles ADD COLUMN policy TEXT NOT NULL DEFAULT '{"Version":"1.1","Statement":[]}';
ALTER TABLE roles ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
