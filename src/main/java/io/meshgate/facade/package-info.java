/**
 * The data-plane entry. Error keys raised here:
 *
 * <ul>
 *   <li>{@code ROUTE_NOT_FOUND} (404): no published API has a base path matching the request.
 *   <li>{@code INVALID_PATH} (400, both ports): the path has more than one reading (path
 *       parameters, an encoded {@code /}, dot or empty segments, bad escapes: the rules are on
 *       {@link io.meshgate.facade.CanonicalPath}).
 *   <li>{@code REQUEST_FRAMING_INVALID} (400, both ports): the body length has more than one
 *       reading (rules on {@link io.meshgate.facade.RequestFraming}); the connection is closed.
 *   <li>{@code REQUEST_HEADER_INVALID} (400, both ports): a header field name that is not a token
 *       or a value with a control character; the connection is closed.
 *   <li>{@code REQUEST_BODY_MALFORMED} (400): the client's body could not be read (invalid chunked
 *       encoding, or it ended before its length); nothing complete was sent upstream.
 *   <li>{@code REQUEST_TOO_LARGE} (413): the body is over {@code meshgate.proxy.max-request-bytes};
 *       nothing was sent upstream.
 *   <li>{@code REQUEST_HEADERS_TOO_LARGE} (431): the headers to forward, once the policies have
 *       run, are over {@code meshgate.proxy.max-upstream-header-bytes}; nothing was sent upstream.
 *   <li>{@code API_MISCONFIGURED} (502): the API's stored policy config no longer builds a chain.
 *   <li>{@code UPSTREAM_UNAVAILABLE} (502): the upstream refused the connection or failed.
 *   <li>{@code UPSTREAM_TIMEOUT} (504): the upstream did not connect or answer in time.
 *   <li>{@code UPSTREAM_TLS_UNTRUSTED}, {@code UPSTREAM_TLS_HOSTNAME_MISMATCH}, {@code
 *       UPSTREAM_TLS_FAILED} (502): an {@code https} upstream's certificate is not trusted, does
 *       not name its host, or the handshake failed otherwise.
 *   <li>{@code INTERNAL_ERROR} (500): a bug; the log line has the request id.
 * </ul>
 */
package io.meshgate.facade;
