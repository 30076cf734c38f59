package io.meshgate.facade;

import io.meshgate.edge.EdgeRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Which listener a request arrived on: the admin port(s) or the data port. */
@ApplicationScoped
public class Listeners {

  @Inject
  @ConfigProperty(name = "ADMIN_PORT", defaultValue = "9081")
  int adminPort;

  @Inject
  @ConfigProperty(name = "ADMIN_HTTPS_PORT", defaultValue = "-1")
  int adminHttpsPort;

  /**
   * The TLS edge's port ({@code io.meshgate.edge}); Liberty itself serves no TLS on the data
   * listener.
   */
  @Inject
  @ConfigProperty(name = "HTTPS_PORT", defaultValue = "-1")
  int httpsPort;

  @Inject
  @ConfigProperty(name = "HTTP_PORT", defaultValue = "9080")
  int httpPort;

  /**
   * The request as the gateway must see it: a request the TLS edge forwarded over the loopback
   * carries the client's address, scheme, port and certificates ({@link EdgeRequest}).
   */
  public HttpServletRequest adopt(HttpServletRequest req) {
    return EdgeRequest.adopt(req, httpPort, httpsPort);
  }

  /** Whether the request arrived on the admin listener (plain or TLS). */
  public boolean onAdminPort(HttpServletRequest req) {
    int port = req.getLocalPort();
    return port > 0 && (port == adminPort || port == adminHttpsPort);
  }

  /**
   * The scheme of the listener the request arrived on: {@code https} on a TLS port, else {@code
   * http}. Taken from the port, never from the request, whose headers a client writes.
   */
  public String scheme(HttpServletRequest req) {
    int port = req.getLocalPort();
    return port > 0 && (port == httpsPort || port == adminHttpsPort) ? "https" : "http";
  }
}
