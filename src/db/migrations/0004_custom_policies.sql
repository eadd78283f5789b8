-- Custom policies keep the Chinese description the clouds' API accepts beside the English one.
ALTER TABLE roles ADD COLUMN description_cn TEXT NOT NULL DEFAULT '';
