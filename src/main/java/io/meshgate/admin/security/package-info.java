/**
 * Who may use the admin API. The admin API answers only on the admin port ({@code ADMIN_PORT},
 * default 9081); on the data port every {@code /admin} path is 404. Callers present a JWT (the
 * MicroProfile JWT shape: {@code sub}/{@code upn} and {@code groups}) with group {@code
 * meshgate-admin} (read and write) or {@code meshgate-viewer} (read only). By default meshgate
 * issues these tokens itself ({@code POST /admin/oauth2/token} with the bootstrap admin client); an
 * external identity provider can be configured instead.
 *
 * <p>The tokens are verified by Liberty's MicroProfile JWT ({@code mpJwt} in server.xml), which
 * fetches the gateway's own keys from its JWKS over the loopback (or the external issuer's), after
 * a check against the admin token profile ({@link io.meshgate.admin.security.AdminTokens#refusal}).
 * Liberty never authenticates a request by itself ({@code
 * useAuthenticationDataForUnprotectedResource} is off): only {@link
 * io.meshgate.access.AccessFilter} asks it to, for a protected method on the admin listener, so the
 * bearer tokens apps send on the data port never meet mpJwt.
 *
 * <p>Which endpoint needs which group is declared on the resource methods ({@code @RolesAllowed})
 * and enforced by {@link io.meshgate.access.AccessFilter}, which lists the error keys.
 */
package io.meshgate.admin.security;
