package io.meshgate.access;

import io.meshgate.admin.security.AdminTokenResource;
import io.meshgate.demo.EchoResource;
import io.meshgate.metrics.MetricsResource;
import io.meshgate.oauth.TokenEndpoint;
import io.meshgate.openapi.OpenApiResource;
import io.meshgate.openapi.OpenApiUiResource;
import io.meshgate.pages.ConsolePages;
import io.meshgate.pages.PortalPages;
import io.meshgate.portal.Developer;
import io.meshgate.portal.PortalAppsResource;
import io.meshgate.portal.PortalCatalogResource;
import io.meshgate.portal.PortalSessionResource;
import io.meshgate.token.WellKnownResource;
import jakarta.annotation.security.RolesAllowed;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may call each JAX-RS resource method, and on which listener: the one place that decides it.
 *
 * <ul>
 *   <li>The public endpoints are the resource classes listed in {@link #PUBLIC}, each on its
 *       listener. Nothing else is public: {@code @PermitAll} elsewhere grants nothing.
 *   <li>Every other resource method needs one of the groups of its {@code @RolesAllowed} (the
 *       method's, else its class's) and answers only on the admin listener.
 *   <li>A method with neither is denied to everyone ({@code ACCESS_DENIED}), so an endpoint added
 *       without a rule is closed, and {@code EndpointRulesTest} fails the build until it has one.
 * </ul>
 *
 * <p>The rule is looked up on the resource method JAX-RS matched, never on the request path: how a
 * path is spelled cannot change who may call what it reaches.
 */
public final class EndpointRules {

  /** The public endpoints: resource class → the listener it answers on. */
  static final Map<Class<?>, Listener> PUBLIC =
      Map.ofEntries(
          Map.entry(TokenEndpoint.class, Listener.DATA),
          Map.entry(WellKnownResource.class, Listener.DATA),
          Map.entry(EchoResource.class, Listener.DATA),
          Map.entry(AdminTokenResource.class, Listener.ADMIN),
          Map.entry(MetricsResource.class, Listener.ADMIN),
          Map.entry(OpenApiResource.class, Listener.ADMIN),
          Map.entry(OpenApiUiResource.class, Listener.ADMIN),
          Map.entry(ConsolePages.class, Listener.ADMIN),
          Map.entry(PortalPages.class, Listener.DATA),
          Map.entry(PortalSessionResource.class, Listener.DATA),
          Map.entry(PortalCatalogResource.class, Listener.DATA));

  /**
   * The developer portal's own endpoints: resource class → listener. They need a signed-in
   * developer's portal session (and, for a change, its CSRF token), never an admin token.
   */
  static final Map<Class<?>, Listener> DEVELOPER = Map.of(PortalAppsResource.class, Listener.DATA);

  /**
   * What a caller needs for one resource method.
   *
   * @param listener the only listener the method answers on
   * @param groups the groups of which the caller needs one; empty for a public method
   */
  public record Rule(Listener listener, Set<String> groups) {
    public Rule {
      groups = Set.copyOf(groups);
    }

    public boolean isPublic() {
      return groups.isEmpty();
    }

    /** Whether the caller is a developer signed in to the portal (not an admin). */
    public boolean isDeveloper() {
      return groups.equals(Set.of(Developer.GROUP));
    }
  }

  private EndpointRules() {}

  /** The rule of a resource method, or empty when it has none (and so is denied to everyone). */
  public static Optional<Rule> ruleFor(Method method) {
    Class<?> resource = method.getDeclaringClass();
    Listener publicOn = PUBLIC.get(resource);
    if (publicOn != null) {
      return Optional.of(new Rule(publicOn, Set.of()));
    }
    Listener developerOn = DEVELOPER.get(resource);
    if (developerOn != null) {
      return Optional.of(new Rule(developerOn, Set.of(Developer.GROUP)));
    }
    RolesAllowed roles = method.getAnnotation(RolesAllowed.class);
    if (roles == null) {
      roles = resource.getAnnotation(RolesAllowed.class);
    }
    if (roles == null || roles.value().length == 0) {
      return Optional.empty();
    }
    return Optional.of(new Rule(Listener.ADMIN, Set.of(roles.value())));
  }
}
