-- Signing-key lifecycle driven by stored instants (issue #6): every replica derives a key's state
-- (staged, published, active, retiring, retired) from published_at and activates_at and its own
-- clock, so all replicas switch keys at the same instant without talking to each other.
-- Portable between H2 2.x and PostgreSQL 12+: the same file runs on both.

-- When the key starts signing. Null: not scheduled. The key with the latest activates_at that has
-- passed is the active one. The columns state, activated_at and retired_at are no longer read.
alter table signing_key add column activates_at timestamp with time zone;

-- Keys that signed before this migration: the one active key (and any earlier ones) keep their
-- activation instant, so the newest of them stays active.
update signing_key set activates_at = coalesce(activated_at, created_at)
    where state in ('ACTIVE', 'RETIRING', 'RETIRED');

-- One row every key write locks first (update ... where id = 1), on H2 and PostgreSQL alike: two
-- replicas (or an admin and the automatic rotation) cannot both schedule a rotation.
create table signing_key_lock (
    id         integer primary key,
    locked_at  timestamp with time zone
);
insert into signing_key_lock (id, locked_at) values (1, null);
