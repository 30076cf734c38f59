/**
 * Policy {@code client-auth}: who is calling. Accepts an API key (header, default {@code
 * X-API-Key}, or a query parameter where the API allows it) and client id + secret (headers, or
 * HTTP Basic). Presented secrets are compared as HMAC-SHA256 digests under the server pepper, in
 * constant time. The credential is removed before the call reaches the mesh.
 *
 * <p>Config: {@code methods} ({@code api-key}, {@code client-secret}; default both), {@code
 * oauth2}: a gateway-issued access token as {@code Authorization: Bearer}; {@code apiKeyHeader},
 * {@code apiKeyQueryParam} (unset: keys in the query are not accepted), {@code clientIdHeader},
 * {@code clientSecretHeader}.
 *
 * <p>Error keys:
 *
 * <ul>
 *   <li>{@code CLIENT_AUTH_MISSING} (401): no credential was presented.
 *   <li>{@code CLIENT_AUTH_INVALID} (401): unknown, revoked or expired credential, or wrong secret.
 *   <li>{@code CLIENT_AUTH_APP_SUSPENDED} (403): the credential is good but its app is suspended.
 * </ul>
 *
 * Every 401 carries {@code WWW-Authenticate} with one challenge per accepted method.
 */
package io.meshgate.policy.clientauth;
