package io.meshgate.access;

import io.meshgate.admin.security.AdminCaller;
import io.meshgate.admin.security.AdminTokens;
import io.meshgate.facade.Gateway;
import io.meshgate.facade.Listeners;
import io.meshgate.support.Problem;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Enforces {@link EndpointRules} on the resource method JAX-RS matched, before the method reads its
 * body: the wrong listener is 404, a method without a rule is 403 for everyone, a public method
 * passes, any other needs a valid admin token with one of the method's groups. Not pre-matching on
 * purpose: the decision is taken on what the request reached, not on how its path was spelled.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class AccessFilter implements ContainerRequestFilter {
  private static final Logger LOG = Logger.getLogger(AccessFilter.class.getName());
  private static final String BEARER = "bearer ";
  private static final Map<Method, Optional<EndpointRules.Rule>> RULES = new ConcurrentHashMap<>();

  @Context ResourceInfo resource;
  @Context HttpServletRequest servletRequest;

  @Inject AdminTokens tokens;
  @Inject Listeners listeners;

  @Override
  public void filter(ContainerRequestContext request) {
    Method method = resource.getResourceMethod();
    Optional<EndpointRules.Rule> found =
        method == null ? Optional.empty() : RULES.computeIfAbsent(method, EndpointRules::ruleFor);
    if (found.isEmpty()) {
      LOG.severe(
          "MESHGATE-ACCESS: "
              + (method == null ? "an unmatched request" : method.toGenericString())
              + " has no access rule (io.meshgate.access.EndpointRules); denied");
      request.abortWith(
          problem(
              new Problem(403, "ACCESS_DENIED", "No access rule is declared for this endpoint")));
      return;
    }
    EndpointRules.Rule rule = found.get();
    Listener arrivedOn = listeners.onAdminPort(servletRequest) ? Listener.ADMIN : Listener.DATA;
    if (rule.listener() != arrivedOn) {
      request.abortWith(
          problem(
              new Problem(
                  404, Gateway.ROUTE_NOT_FOUND, "Nothing is served at this path on this port")));
      return;
    }
    if (rule.isPublic()) {
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
    if (rule.groups().stream().noneMatch(caller.groups()::contains)) {
      request.abortWith(
          problem(
              new Problem(
                  403,
                  "ADMIN_FORBIDDEN",
                  "This operation needs group "
                      + String.join(" or ", new TreeSet<>(rule.groups())))));
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

  private static Response problem(Problem problem) {
    return Response.status(problem.status())
        .type(Problem.MEDIA_TYPE)
        .entity(problem.toJson(null))
        .build();
  }
}
