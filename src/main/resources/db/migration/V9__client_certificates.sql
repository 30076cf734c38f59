-- Client certificates as app credentials (issue 17). A credential is an API key or a client
-- certificate; a certificate's key_digest is the keyed digest of "x5t#S256:" + its SHA-256
-- thumbprint (hex), its key_prefix the thumbprint's first 16 hex digits, its expires_at the
-- certificate's notAfter. The kind is checked on every use, so an API key can never stand for a
-- certificate or the other way round. Portable between H2 2.x and PostgreSQL 12+.
alter table credential add column kind varchar(20) default 'api-key' not null;
alter table credential add column subject varchar(1000);
