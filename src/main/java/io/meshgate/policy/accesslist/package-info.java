/**
 * Policy {@code access-list}: allow and deny lists by client IP (CIDR, IPv4 and IPv6) and by client
 * id. Deny wins over allow; a non-empty allow list admits only what it lists. The IP check runs
 * first in the chain; the client-id check runs right after authentication.
 *
 * <p>Config: {@code allowIps}, {@code denyIps} (addresses or CIDR blocks), {@code allowClientIds},
 * {@code denyClientIds}.
 *
 * <p>Error keys:
 *
 * <ul>
 *   <li>{@code ACCESS_DENIED} (403): the client address or client id is denied or not allowed.
 * </ul>
 */
package io.meshgate.policy.accesslist;
