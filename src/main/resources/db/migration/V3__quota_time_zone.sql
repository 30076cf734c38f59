-- Rate limits and quotas: a quota's day or month starts at midnight in this time zone (an IANA
-- zone id such as Europe/Berlin). Null means UTC.
-- Portable between H2 2.x and PostgreSQL 12+: the same file runs on both.

alter table plan add column quota_time_zone varchar(50);
