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
 * <p>With method {@code jwt} the API also accepts end-user tokens of an external identity provider
 * ({@code jwt}: {@code issuer}, {@code jwksUrl}, {@code audiences}, optional {@code algorithms},
 * {@code appClaims}, {@code type}, {@code clockSkewSeconds}, {@code jwksRefreshSeconds}, {@code
 * unknownKidRefetchSeconds}, {@code allowHttp}, {@code appClientIdPrefix}). They are checked by the
 * same {@link io.meshgate.token.JwtValidator} as the gateway's own tokens, against the provider's
 * key set fetched from {@code jwksUrl} only (refetched for an unknown {@code kid} at most once per
 * {@code unknownKidRefetchSeconds}). The first of {@code appClaims} present ({@code azp}, then
 * {@code client_id}) names the app; the token's {@code sub} travels to the mesh as {@code act.sub}
 * of the gateway token; its {@code scope}/{@code scp} limit what the {@code scope} policy grants.
 * With both {@code oauth2} and {@code jwt}, a bearer token is tried as the gateway's own first.
 *
 * <p>Config: {@code methods} (any of {@code api-key}, {@code client-secret}, {@code oauth2}, {@code
 * jwt}; default {@code api-key} and {@code client-secret}), {@code apiKeyHeader}, {@code
 * apiKeyQueryParam} (unset: keys in the query are not accepted), {@code clientIdHeader}, {@code
 * clientSecretHeader}. When a request carries several credentials, an API key wins over a bearer
 * token, which wins over client credentials.
 *
 * <p>Error keys:
 *
 * <ul>
 *   <li>{@code CLIENT_AUTH_MISSING} (401): no credential was presented.
 *   <li>{@code CLIENT_AUTH_INVALID} (401): unknown, revoked or expired credential, wrong secret, or
 *       a bearer token that is not valid now (then the challenge is {@code Bearer realm="meshgate",
 *       error="invalid_token"}, RFC 6750 §3, and the message says why, e.g. {@code token expired},
 *       {@code unknown key}, {@code algorithm not allowed}).
 *   <li>{@code CLIENT_AUTH_APP_SUSPENDED} (403): the credential is good but its app is suspended.
 * </ul>
 *
 * Every 401 carries {@code WWW-Authenticate} with one challenge per accepted method.
 */
package io.meshgate.policy.clientauth;
