/**
 * Policy {@code token}: the JWT the mesh verifies. Signed with the gateway's active key (ES256 by
 * default), {@code kid} in the header; claims {@code iss}, {@code sub} (client id), {@code aud}
 * (the API's audience), {@code iat}, {@code nbf}, {@code exp} (the plan's token TTL), {@code jti},
 * {@code plan}, {@code product}, {@code app}, {@code scope}. Tokens are cached per (app, API, plan)
 * and re-minted shortly before expiry, so a steady stream of calls costs no signature.
 *
 * <p>Config: {@code audience} (overrides the API's audience).
 *
 * <p>Error keys:
 *
 * <ul>
 *   <li>{@code TOKEN_SIGNING_UNAVAILABLE} (503): the gateway has no usable active signing key.
 *   <li>{@code TOKEN_SUBSCRIPTION_REQUIRED} (403): the API has a token step but the call reached it
 *       without an app and an active subscription (no client-auth or subscription step).
 * </ul>
 */
package io.meshgate.policy.token;
