/**
 * Who may call which endpoint of the gateway itself, decided on the JAX-RS resource method that
 * matched, deny by default ({@link io.meshgate.access.EndpointRules}, enforced by {@link
 * io.meshgate.access.AccessFilter}). API calls on the data port never reach JAX-RS: their access is
 * the API's policy chain.
 *
 * <p>Error keys:
 *
 * <ul>
 *   <li>{@code ADMIN_TOKEN_MISSING} (401): no {@code Authorization: Bearer} admin token.
 *   <li>{@code ADMIN_TOKEN_INVALID} (401): the admin token failed validation.
 *   <li>{@code ADMIN_FORBIDDEN} (403): the token has none of the groups the operation needs.
 *   <li>{@code ACCESS_DENIED} (403): the endpoint declares no access rule (a bug, logged SEVERE).
 *   <li>{@code ROUTE_NOT_FOUND} (404): the endpoint answers on the other listener.
 * </ul>
 */
package io.meshgate.access;
