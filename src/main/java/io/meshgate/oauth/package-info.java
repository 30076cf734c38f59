/**
 * OAuth 2.0 client credentials for apps: {@code POST /oauth2/token} on the data port issues a
 * gateway-signed access token (RFC 9068: {@code typ} {@code at+jwt}, {@code client_id}, {@code
 * scope}, {@code aud} = the gateway), which the {@code client-auth} policy accepts as {@code
 * Authorization: Bearer} on APIs that allow {@code oauth2}.
 *
 * <p>The token endpoint's errors follow RFC 6749 §5.2 ({@code {"error", "error_description"}}), not
 * problem+json, because OAuth clients parse that shape: {@code invalid_request} (400), {@code
 * invalid_client} (401, with {@code WWW-Authenticate}), {@code unsupported_grant_type} (400),
 * {@code invalid_scope} (400).
 */
package io.meshgate.oauth;
