-- What each catalog revision changed: one row per bump of catalog_revision.revision, written in
-- the same transaction as the change. Replicas read the rows they have not seen and evict only the
-- cached snapshots and tokens of the entity named; a revision without a row (written by a seed, an
-- older version, or pruned) makes them drop everything. Only the latest rows are kept.
-- Portable between H2 2.x and PostgreSQL 12+: the same file runs on both.

create table catalog_change (
    revision   bigint primary key,
    kind       varchar(20)  not null,
    entity_id  varchar(100) not null,
    app_id     bigint,
    client_id  varchar(100)
);
