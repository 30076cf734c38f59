/**
 * Admin resources for APIs: {@code /admin/v1/apis}.
 *
 * <p>Error keys: {@code API_NOT_FOUND} (404), {@code API_BASE_PATH_TAKEN} (409), {@code
 * API_NAME_TAKEN} (409: name and version), {@code VALIDATION_FAILED} (400, with {@code
 * steps[i].config.field} paths for policy configs), {@code MALFORMED_BODY} (400), {@code
 * API_MISCONFIGURED} (409, {@code GET {id}/openapi}: a stored step config no longer reads).
 */
package io.meshgate.admin.apis;
