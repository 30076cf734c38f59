/**
 * Policy {@code client-auth}: who is calling. Accepts an API key (header, default {@code
 * X-API-Key}, or a query parameter where the API allows it), client id + secret (headers, or HTTP
 * Basic) and, where the API allows {@code oauth2}, an access token from the gateway's own {@code
 * POST /oauth2/token} as {@code Authorization: Bearer} (verified by {@link
 * io.meshgate.oauth.AccessTokens}: ES256/RS256 only, keys by {@code kid} from the gateway's own
 * set, {@code typ} {@code at+jwt}, {@code iss}, {@code aud}, {@code exp}/{@code nbf} with skew;
 * verified tokens are cached until they expire). Presented secrets are compared as HMAC-SHA256
 * digests under the server pepper, in constant time. The credential is removed before the call
 * reaches the mesh; {@code Authorization} is reserved anyway, so a bearer token never reaches it
 * even on an API without the {@code headers} policy.
 *
 * <p>Config: {@code methods} (any of {@code api-key}, {@code client-secret}, {@code oauth2};
 * default {@code api-key} and {@code client-secret}), {@code apiKeyHeader}, {@code
 * apiKeyQueryParam} (unset: keys in the query are not accepted), {@code clientIdHeader}, {@code
 * clientSecretHeader}. When a request carries several credentials, an API key wins over a bearer
 * token, which wins over client credentials.
 *
 * <p>Error keys:
 *
 * <ul>
 *   <li>{@code CLIENT_AUTH_MISSING} (401): no credential was presented.
 *   <li>{@code CLIENT_AUTH_INVALID} (401): unknown, revoked or expired credential, wrong secret, or
 *       an access token that is not valid now (then the challenge is {@code Bearer
 *       realm="meshgate", error="invalid_token"}, RFC 6750 §3).
 *   <li>{@code CLIENT_AUTH_APP_SUSPENDED} (403): the credential is good but its app is suspended.
 * </ul>
 *
 * Every 401 carries {@code WWW-Authenticate} with one challenge per accepted method.
 */
package io.meshgate.policy.clientauth;
