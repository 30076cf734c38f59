/**
 * Admin resources for apps and their API keys: {@code /admin/v1/apps} and {@code
 * /admin/v1/apps/{id}/credentials}. Secrets are generated here, returned once and stored only as
 * digests; no other response, no audit row and no log line carries them.
 *
 * <p>Error keys: {@code APP_NOT_FOUND}, {@code CREDENTIAL_NOT_FOUND} (404); {@code APP_NAME_TAKEN},
 * {@code APP_CLIENT_ID_TAKEN}, {@code APP_STATE_CONFLICT} (409).
 */
package io.meshgate.admin.apps;
