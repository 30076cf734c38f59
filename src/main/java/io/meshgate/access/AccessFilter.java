package io.meshgate.access;

import io.meshgate.admin.security.AdminTokens;
import io.meshgate.facade.EdgeFilter;
import io.meshgate.facade.Gateway;
import io.meshgate.facade.Listeners;
import io.meshgate.portal.Developer;
import io.meshgate.portal.PortalSessions;
import io.meshgate.support.Problem;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Enforces {@link EndpointRules} on the resource method JAX-RS matched, before the method reads its
 * body: the wrong listener is 404, a method without a rule is 403 for everyone, a public method
 * passes, any other needs an admin token that MicroProfile JWT verifies and whose groups include
 * one of the method's {@code @RolesAllowed} roles. Not pre-matching on purpose: the decision is
 * taken on what the request reached, not on how its path was spelled. This is also the only place
 * that asks Liberty to authenticate a request, so the data plane never pays for (or meets) mpJwt.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class AccessFilter implements ContainerRequestFilter {
  private static final Logger LOG = Logger.getLogger(AccessFilter.class.getName());
  private static final String BEARER = "bearer ";
  private static final Map<Method, Optional<EndpointRules.Rule>> RULES = new ConcurrentHashMap<>();

  @Context ResourceInfo resource;
  @Context HttpServletRequest servletRequest;

  @Context HttpHeaders headers;

  @Inject AdminTokens tokens;
  @Inject PortalSessions sessions;
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
    if (rule.isDeveloper()) {
      checkDeveloper(request);
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
    // First the token profile of the shared validator (typ at+jwt, a kid of the issuer's key set,
    // no crit / zip / jku / x5u ..., RFC 8725), which MicroProfile JWT does not check; it also
    // spares mpJwt every malformed token, and its JWKS refetch on an unknown kid (mpJwt refetches
    // for each one; the validator at most once per interval).
    Optional<String> refusal = tokens.refusal(authorization.substring(BEARER.length()).trim());
    if (refusal.isPresent() || !verifiedByMicroProfileJwt()) {
      request.abortWith(
          unauthorized(
              "ADMIN_TOKEN_INVALID",
              "The admin token is not valid: " + refusal.orElse("refused by MicroProfile JWT"),
              "invalid_token"));
      return;
    }
    SecurityContext security = request.getSecurityContext();
    if (rule.groups().stream().noneMatch(security::isUserInRole)) {
      request.abortWith(
          problem(
              new Problem(
                  403,
                  "ADMIN_FORBIDDEN",
                  "This operation needs group "
                      + String.join(" or ", new TreeSet<>(rule.groups())))));
    }
  }

  /**
   * A portal API call: it needs a valid portal session, and a change (any method but GET and HEAD)
   * also the session's CSRF token and a same-origin request. The developer is left in {@link
   * Developer#ATTRIBUTE} for the resource.
   */
  private void checkDeveloper(ContainerRequestContext request) {
    Optional<Developer> developer = sessions.developer(request.getCookies());
    if (developer.isEmpty()) {
      request.abortWith(
          problem(
              new Problem(
                  401, "PORTAL_SIGN_IN_REQUIRED", "Sign in to the developer portal first")));
      return;
    }
    String method = request.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      String csrf = request.getHeaderString(PortalSessions.CSRF_HEADER);
      if (csrf == null
          || !MessageDigest.isEqual(
              csrf.getBytes(StandardCharsets.UTF_8),
              developer.get().csrf().getBytes(StandardCharsets.UTF_8))
          || !PortalSessions.sameOrigin(headers)) {
        request.abortWith(
            problem(
                new Problem(
                    403,
                    "PORTAL_CSRF",
                    "A change needs the session's CSRF token in "
                        + PortalSessions.CSRF_HEADER
                        + " and must come from the portal's own pages")));
        return;
      }
    }
    servletRequest.setAttribute(Developer.ATTRIBUTE, developer.get());
  }

  /**
   * Asks the container to authenticate the request: Liberty's mpJwt verifies the bearer token
   * (issuer, audience, signature from the configured JWKS, expiry) and makes it the caller, whose
   * groups are its roles. Only called here, for a protected method on the admin listener.
   */
  private boolean verifiedByMicroProfileJwt() {
    if (!(servletRequest.getAttribute(EdgeFilter.SERVLET_RESPONSE)
        instanceof HttpServletResponse servletResponse)) {
      LOG.severe("MESHGATE-ACCESS: no servlet response for an admin request; token refused");
      return false;
    }
    try {
      return servletRequest.authenticate(servletResponse)
          && servletRequest.getUserPrincipal() instanceof JsonWebToken;
    } catch (IOException | ServletException e) {
      LOG.log(Level.WARNING, "MESHGATE-ACCESS: MicroProfile JWT could not authenticate", e);
      return false;
    }
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
