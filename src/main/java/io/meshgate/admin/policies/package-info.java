/**
 * Admin resource {@code /admin/v1/policies}: the policies API steps may name and the JSON Schema of
 * each one's config, generated from the config record. Read-only; no error keys of its own.
 */
package io.meshgate.admin.policies;
