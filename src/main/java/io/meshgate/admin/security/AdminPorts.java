package io.meshgate.admin.security;

import io.meshgate.facade.Gateway;
import io.meshgate.support.Problem;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps the admin API on the admin port and the data plane on the data port. The check uses the
 * path as the container decoded and normalized it, so {@code /%61dmin/v1/apps} is caught like
 * {@code /admin/v1/apps}. Mapped in web.xml, first of all filters.
 */
public class AdminPorts extends HttpFilter {
  private static final long serialVersionUID = 1L;
  public static final String ADMIN_PREFIX = "/admin";

  @Inject
  @ConfigProperty(name = "ADMIN_PORT", defaultValue = "9081")
  int adminPort;

  @Inject
  @ConfigProperty(name = "ADMIN_HTTPS_PORT", defaultValue = "-1")
  int adminHttpsPort;

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
      throws IOException, ServletException {
    String path = decodedPath(req);
    boolean adminPath = path.equals(ADMIN_PREFIX) || path.startsWith(ADMIN_PREFIX + "/");
    int port = req.getLocalPort();
    boolean onAdminPort = (port == adminPort || port == adminHttpsPort) && port > 0;
    if (adminPath != onAdminPort) {
      Gateway.send(
          resp,
          new Problem(404, Gateway.ROUTE_NOT_FOUND, "Nothing is served at this path on this port"),
          null);
      return;
    }
    chain.doFilter(req, resp);
  }

  public static String decodedPath(HttpServletRequest req) {
    String servletPath = req.getServletPath() == null ? "" : req.getServletPath();
    String pathInfo = req.getPathInfo() == null ? "" : req.getPathInfo();
    String path = servletPath + pathInfo;
    return path.isEmpty() ? "/" : path;
  }
}
