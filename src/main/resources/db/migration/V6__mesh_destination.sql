-- An API may name its mesh destination (service, namespace, per-plan versions, traffic policy),
-- stored as the JSON of io.meshgate.catalog.api.MeshDestination. Portable between H2 and PostgreSQL.
alter table api add column mesh_json varchar(20000);
