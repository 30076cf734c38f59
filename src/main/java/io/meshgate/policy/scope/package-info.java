/**
 * Policy {@code scope}: an API declares which scopes each operation (method + path template, as in
 * {@code rate-limit}) requires; a call is refused unless the caller was granted every one of them.
 * Granted are the scopes of the caller's plan and, when it presented a bearer token (an OAuth
 * access token of the gateway or an external identity provider's token), only those of them the
 * token also carries. Place it after {@code subscription}; it runs before {@code rate-limit}, so a
 * refused call uses no quota. When several operations match a call, it needs the scopes of all of
 * them.
 *
 * <p>Config: {@code operations}, each {@code method} ({@code *} or an HTTP method; {@code GET}
 * covers {@code HEAD}), {@code path} (template) and {@code scopes}.
 *
 * <p>Error keys:
 *
 * <ul>
 *   <li>{@code SCOPE_INSUFFICIENT} (403, {@code WWW-Authenticate: Bearer realm="meshgate",
 *       error="insufficient_scope", scope="<required scopes>"}, RFC 6750 §3.1): the caller lacks a
 *       scope the operation requires.
 * </ul>
 */
package io.meshgate.policy.scope;
