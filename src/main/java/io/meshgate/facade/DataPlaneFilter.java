package io.meshgate.facade;

import io.meshgate.support.Problem;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The data-plane entry: every request outside the gateway's own paths is an API call, handled here
 * on the raw servlet request and response, so headers keep their spelling and duplicates, the query
 * stays byte for byte and bodies stream. The gateway's own endpoints (admin API, token endpoint,
 * well-known documents) go on to JAX-RS. Handling API calls below JAX-RS, not as a catch-all
 * resource, saves its per-request dispatch and the status it would set on an already committed
 * response. Mapped in web.xml after {@link EdgeFilter}, which refused the request or left its
 * canonical path in {@link EdgeFilter#CANONICAL_PATH}.
 */
public class DataPlaneFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  /** Path prefixes of the gateway itself; API base paths may not use them (ApiAdmin). */
  public static final Set<String> OWN_PREFIXES =
      Stream.concat(
              EdgeFilter.ADMIN_PORT_PREFIXES.stream(),
              Stream.of("/oauth2", "/.well-known", "/__meshgate", "/portal"))
          .collect(Collectors.toUnmodifiableSet());

  static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  static final String ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

  @Inject transient Gateway gateway;

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
      throws IOException, ServletException {
    String path = (String) req.getAttribute(EdgeFilter.CANONICAL_PATH);
    if (path == null || isOwn(path)) {
      chain.doFilter(req, resp);
      return;
    }
    if (!METHODS.contains(req.getMethod())) {
      Gateway.send(
          resp,
          new Problem(
              405,
              "METHOD_NOT_ALLOWED",
              "Method " + req.getMethod() + " is not proxied",
              Map.of("Allow", ALLOW)),
          null);
      return;
    }
    gateway.handle(req, resp, path);
  }

  static boolean isOwn(String path) {
    return OWN_PREFIXES.contains(EdgeFilter.firstSegment(path));
  }
}
