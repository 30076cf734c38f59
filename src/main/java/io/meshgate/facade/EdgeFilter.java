package io.meshgate.facade;

import io.meshgate.chain.HeaderList;
import io.meshgate.support.Problem;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;

/**
 * The first filter of every request on both ports. It refuses a request whose framing or header
 * fields have more than one reading ({@link RequestFraming}), computes the request's {@link
 * CanonicalPath} (or answers 400 {@code INVALID_PATH}) and keeps the admin API, {@code /metrics}
 * and {@code /openapi} on the admin port and everything else off it, both decided on that one
 * canonical path. Which endpoint a caller may then use is decided on the matched JAX-RS resource
 * ({@code io.meshgate.access}), never on the path: this filter only narrows what each port routes.
 * Mapped in web.xml, first of all filters.
 */
public class EdgeFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  /** The request attribute that carries the canonical path to later filters. */
  public static final String CANONICAL_PATH = "io.meshgate.canonicalPath";

  /**
   * The request attribute that carries an admin request's servlet response, for {@code
   * HttpServletRequest.authenticate}: RESTEasy's injected {@code @Context HttpServletResponse}
   * proxy sometimes resolves to an object that is not the response (seen in the integration suite
   * as "object is not an instance of declaring class" inside Liberty's authenticate, a 500 on an
   * admin call), so the response is handed over from the servlet filter chain instead.
   */
  public static final String SERVLET_RESPONSE = "io.meshgate.servletResponse";

  /**
   * Request attribute: the request's header fields as {@link RequestFraming#check} read them (a
   * {@link HeaderList}), for the data plane; only server code sets attributes.
   */
  public static final String REQUEST_HEADERS = "io.meshgate.requestHeaders";

  /**
   * The first path segments served on the admin port only: the admin API, the metrics, the OpenAPI
   * document with its UI and the admin console. Every other path is served on the data port only.
   */
  public static final Set<String> ADMIN_PORT_PREFIXES =
      Set.of("/admin", "/metrics", "/openapi", "/console");

  /**
   * Liberty's copy of the request-line path before the container touched it (ISO-8859-1 view of its
   * bytes); set by Liberty's web container on every request it dispatches.
   */
  static final String RAW_URI_ATTRIBUTE = "com.ibm.websphere.servlet.uri_non_decoded";

  @Inject transient Listeners listeners;

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
      throws IOException, ServletException {
    req = listeners.adopt(req);
    HeaderList fields = new HeaderList();
    Problem framing = RequestFraming.check(req, fields);
    if (framing != null) {
      Gateway.send(resp, framing, null);
      return;
    }
    if (RequestFraming.endsConnection(req)) {
      resp = new ClosingResponse(resp);
    }
    String path;
    try {
      path = CanonicalPath.of(req.getRequestURI());
      if (rawRequestUri(req).indexOf(';') >= 0) {
        // getRequestURI() has no ';' (or CanonicalPath would have refused it), the request line
        // has one: Liberty cut ";jsessionid=..." (and the rest of the path up to '?') out of it.
        // It is still a path parameter, refused like any other.
        throw new CanonicalPath.InvalidPathException(CanonicalPath.PATH_PARAMETERS);
      }
    } catch (CanonicalPath.InvalidPathException e) {
      Gateway.send(resp, new Problem(400, Gateway.INVALID_PATH, e.getMessage()), null);
      return;
    }
    boolean adminPath = ADMIN_PORT_PREFIXES.contains(firstSegment(path));
    if (adminPath != listeners.onAdminPort(req)) {
      Gateway.send(
          resp,
          new Problem(404, Gateway.ROUTE_NOT_FOUND, "Nothing is served at this path on this port"),
          null);
      return;
    }
    req.setAttribute(CANONICAL_PATH, path);
    if (adminPath) {
      req.setAttribute(SERVLET_RESPONSE, resp);
    } else {
      req.setAttribute(REQUEST_HEADERS, fields);
    }
    chain.doFilter(req, resp);
  }

  /**
   * The first segment of a canonical path, with its leading '/': {@code /admin} of {@code
   * /admin/v1}.
   */
  static String firstSegment(String path) {
    int second = path.indexOf('/', 1);
    return second < 0 ? path : path.substring(0, second);
  }

  /**
   * The path of the request line as the client sent it, where Liberty provides it; otherwise the
   * container's request URI. Reading it is one attribute lookup (Liberty's URL rewriting, the other
   * way to see the cut, cost about 40 µs of CPU per call).
   */
  static String rawRequestUri(HttpServletRequest req) {
    return req.getAttribute(RAW_URI_ATTRIBUTE) instanceof String raw ? raw : req.getRequestURI();
  }
}
