/**
 * OAuth 2.0 client credentials for apps: {@code POST /oauth2/token} on the data port issues a
 * gateway-signed access token (RFC 9068: {@code typ} {@code at+jwt}, {@code iss}, {@code sub} =
 * {@code client_id}, {@code aud} = the gateway, {@code iat}, {@code exp}, {@code jti}, {@code
 * scope}), which the {@code client-auth} policy accepts as {@code Authorization: Bearer} on APIs
 * that allow {@code oauth2}. The token never reaches the mesh: the gateway sends its own mesh
 * token.
 *
 * <p>The request is {@code application/x-www-form-urlencoded}, {@code
 * grant_type=client_credentials}, the client authenticated by {@code client_secret_basic} (id and
 * secret form-urlencoded inside Basic, RFC 6749 §2.3.1) or {@code client_secret_post}, never both;
 * the optional {@code scope} must be a subset of the union of the scopes of the plans of the app's
 * active subscriptions (absent: all of them).
 *
 * <p>Unlike the rest of the gateway (problem+json), this endpoint's errors follow RFC 6749 §5.2
 * ({@code {"error", "error_description"}}, {@code Cache-Control: no-store}), because OAuth clients
 * parse that shape:
 *
 * <ul>
 *   <li>{@code invalid_request} (400): wrong {@code Content-Type}, a missing {@code grant_type}, a
 *       repeated parameter, a malformed escape, both authentication methods at once, a body over 16
 *       KiB; 405 with {@code Allow: POST} for other methods.
 *   <li>{@code invalid_client} (401, {@code WWW-Authenticate: Basic realm="meshgate"}): no, unknown
 *       or wrong client credentials, or a suspended app.
 *   <li>{@code unsupported_grant_type} (400): any grant but {@code client_credentials}.
 *   <li>{@code invalid_scope} (400): a malformed scope or one the client may not have.
 *   <li>{@code temporarily_unavailable} (503): no signing key is active (not a §5.2 code; the
 *       server cannot issue anything).
 * </ul>
 *
 * {@code invalid_grant} is never answered: the client-credentials grant has no grant to be invalid.
 */
package io.meshgate.oauth;
