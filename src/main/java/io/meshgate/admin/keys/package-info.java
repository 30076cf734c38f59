/**
 * Admin resources for the gateway's signing keys: {@code /admin/v1/keys}. A key is staged, then
 * published (in the JWKS), then scheduled to activate no earlier than {@code
 * meshgate.keys.mesh-refresh-interval + meshgate.keys.activation-margin} after its publication, so
 * a mesh that caches the JWKS holds it before the first token it signs. Private parts are never
 * returned, audited or logged.
 *
 * <p>Error keys: {@code KEY_NOT_FOUND} (404); {@code KEY_STATE_CONFLICT}, {@code
 * KEY_ROTATION_PENDING}, {@code KEY_ACTIVATION_TOO_EARLY} (409); {@code VALIDATION_FAILED} (400).
 */
package io.meshgate.admin.keys;
