package io.meshgate.admin.security;

import io.meshgate.support.Problem;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.Set;

/**
 * Authenticates every admin request (except the admin token endpoint) and enforces read / write by
 * group: {@code meshgate-viewer} may only read (GET, HEAD), {@code meshgate-admin} may do all.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class AdminAuthFilter implements ContainerRequestFilter {
  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");
  private static final String BEARER = "bearer ";
  static final String TOKEN_PATH = "admin/oauth2/token";

  @Inject AdminTokens tokens;

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    if (!(path.equals("admin") || path.startsWith("admin/")) || path.equals(TOKEN_PATH)) {
      return;
    }
    String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (authorization == null
        || authorization.length() <= BEARER.length()
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      request.abortWith(
          unauthorized("ADMIN_TOKEN_MISSING", "The admin API needs a Bearer admin token", null));
      return;
    }
    AdminCaller caller;
    try {
      caller = tokens.verify(authorization.substring(BEARER.length()).trim());
    } catch (AdminTokens.InvalidAdminTokenException e) {
      request.abortWith(
          unauthorized(
              "ADMIN_TOKEN_INVALID",
              "The admin token is not valid: " + e.getMessage(),
              "invalid_token"));
      return;
    }
    boolean read = READ_METHODS.contains(request.getMethod());
    if (!(read ? caller.canRead() : caller.canWrite())) {
      request.abortWith(
          problem(
              new Problem(
                  403,
                  "ADMIN_FORBIDDEN",
                  read
                      ? "Reading needs group meshgate-viewer or meshgate-admin"
                      : "Changing the catalog needs group meshgate-admin")));
      return;
    }
    request.setSecurityContext(caller.asSecurityContext(request.getSecurityContext().isSecure()));
  }

  private static Response unauthorized(String key, String detail, String error) {
    String challenge =
        "Bearer realm=\"meshgate-admin\"" + (error == null ? "" : ", error=\"" + error + "\"");
    return Response.fromResponse(problem(new Problem(401, key, detail)))
        .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
        .build();
  }

  static Response problem(Problem problem) {
    return Response.status(problem.status())
        .type(Problem.MEDIA_TYPE)
        .entity(problem.toJson(null))
        .build();
  }
}
