-- A random id per database, set once at first start by the first replica: it namespaces what
-- replicas of this installation share outside the database (rate-limit counters in Redis), so a
-- recreated database or another environment on the same Redis never reads stale counts.
-- Portable between H2 2.x and PostgreSQL 12+: the same file runs on both.

alter table catalog_revision add column installation_id varchar(36);
