package io.meshgate.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.admin.security.AdminCaller;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every resource method of the application, found by scanning the compiled classes, and the access
 * rule each one has. A new endpoint without a rule, or a changed rule, fails here.
 */
class EndpointRulesTest {

  /** "METHOD path -> listener groups": the whole access surface of the gateway's own endpoints. */
  private static final List<String> EXPECTED =
      List.of(
          "DELETE /__meshgate/{echo: echo(/.*)?} -> DATA public",
          "DELETE /admin/v1/apis/{id} -> ADMIN [meshgate-admin]",
          "DELETE /admin/v1/apps/{id} -> ADMIN [meshgate-admin]",
          "DELETE /admin/v1/apps/{id}/credentials/{credentialId} -> ADMIN [meshgate-admin]",
          "DELETE /admin/v1/products/{id} -> ADMIN [meshgate-admin]",
          "DELETE /admin/v1/products/{id}/plans/{planId} -> ADMIN [meshgate-admin]",
          "DELETE /oauth2/token -> DATA public",
          "DELETE /portal/api/apps/{id} -> DATA [portal-developer]",
          "DELETE /portal/api/session -> DATA public",
          "GET /.well-known/jwks.json -> DATA public",
          "GET /.well-known/openid-configuration -> DATA public",
          "GET /__meshgate/{echo: echo(/.*)?} -> DATA public",
          "GET /admin/v1/analytics -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/apis -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/apis/{id} -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/apis/{id}/openapi -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/apps -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/apps/{id} -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/apps/{id}/credentials -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/audit -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/istio/manifests -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/istio/request-authentication -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/keys -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/keys/{kid} -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/policies -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/products -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/products/{id} -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/products/{id}/plans -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/products/{id}/plans/{planId} -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/subscriptions -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/subscriptions/{id} -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /admin/v1/subscriptions/{id}/usage -> ADMIN [meshgate-admin, meshgate-viewer]",
          "GET /console -> ADMIN public",
          "GET /console/{file: .*} -> ADMIN public",
          "GET /metrics -> ADMIN public",
          "GET /oauth2/token -> DATA public",
          "GET /openapi -> ADMIN public",
          "GET /openapi/ui -> ADMIN public",
          "GET /openapi/ui/{file} -> ADMIN public",
          "GET /portal -> DATA public",
          "GET /portal/api/apps -> DATA [portal-developer]",
          "GET /portal/api/apps/{id} -> DATA [portal-developer]",
          "GET /portal/api/apps/{id}/usage -> DATA [portal-developer]",
          "GET /portal/api/catalog -> DATA public",
          "GET /portal/api/catalog/apis/{id}/openapi -> DATA public",
          "GET /portal/api/session -> DATA public",
          "GET /portal/api/session/oidc/callback -> DATA public",
          "GET /portal/api/session/oidc/login -> DATA public",
          "GET /portal/{file: .*} -> DATA public",
          "PATCH /__meshgate/{echo: echo(/.*)?} -> DATA public",
          "PATCH /oauth2/token -> DATA public",
          "POST /__meshgate/{echo: echo(/.*)?} -> DATA public",
          "POST /admin/oauth2/token -> ADMIN public",
          "POST /admin/v1/apis -> ADMIN [meshgate-admin]",
          "POST /admin/v1/apis/{id}/publish -> ADMIN [meshgate-admin]",
          "POST /admin/v1/apis/{id}/retire -> ADMIN [meshgate-admin]",
          "POST /admin/v1/apps -> ADMIN [meshgate-admin]",
          "POST /admin/v1/apps/{id}/credentials -> ADMIN [meshgate-admin]",
          "POST /admin/v1/apps/{id}/credentials/{credentialId}/revoke -> ADMIN [meshgate-admin]",
          "POST /admin/v1/apps/{id}/reactivate -> ADMIN [meshgate-admin]",
          "POST /admin/v1/apps/{id}/suspend -> ADMIN [meshgate-admin]",
          "POST /admin/v1/istio/conformance -> ADMIN [meshgate-admin]",
          "POST /admin/v1/istio/drift -> ADMIN [meshgate-admin]",
          "POST /admin/v1/keys -> ADMIN [meshgate-admin]",
          "POST /admin/v1/keys/rotation -> ADMIN [meshgate-admin]",
          "POST /admin/v1/keys/{kid}/publish -> ADMIN [meshgate-admin]",
          "POST /admin/v1/products -> ADMIN [meshgate-admin]",
          "POST /admin/v1/products/{id}/plans -> ADMIN [meshgate-admin]",
          "POST /admin/v1/subscriptions -> ADMIN [meshgate-admin]",
          "POST /admin/v1/subscriptions/{id}/approve -> ADMIN [meshgate-admin]",
          "POST /admin/v1/subscriptions/{id}/cancel -> ADMIN [meshgate-admin]",
          "POST /admin/v1/subscriptions/{id}/migrate -> ADMIN [meshgate-admin]",
          "POST /admin/v1/subscriptions/{id}/reject -> ADMIN [meshgate-admin]",
          "POST /admin/v1/subscriptions/{id}/resume -> ADMIN [meshgate-admin]",
          "POST /admin/v1/subscriptions/{id}/suspend -> ADMIN [meshgate-admin]",
          "POST /admin/v1/subscriptions/{id}/usage/reset -> ADMIN [meshgate-admin]",
          "POST /console/csp-report -> ADMIN public",
          "POST /oauth2/token -> DATA public",
          "POST /portal/api/apps -> DATA [portal-developer]",
          "POST /portal/api/apps/{id}/keys -> DATA [portal-developer]",
          "POST /portal/api/apps/{id}/keys/{credentialId}/revoke -> DATA [portal-developer]",
          "POST /portal/api/apps/{id}/subscriptions -> DATA [portal-developer]",
          "POST /portal/api/apps/{id}/subscriptions/{subscriptionId}/cancel -> DATA [portal-developer]",
          "POST /portal/api/session/demo -> DATA public",
          "POST /portal/csp-report -> DATA public",
          "PUT /__meshgate/{echo: echo(/.*)?} -> DATA public",
          "PUT /admin/v1/apis/{id} -> ADMIN [meshgate-admin]",
          "PUT /admin/v1/products/{id} -> ADMIN [meshgate-admin]",
          "PUT /admin/v1/products/{id}/plans/{planId} -> ADMIN [meshgate-admin]",
          "PUT /oauth2/token -> DATA public");

  private static List<Class<?>> resources;
  private static final List<String> servletAnnotated = new ArrayList<>();

  @BeforeAll
  static void scan() throws IOException, URISyntaxException {
    java.nio.file.Path classes =
        java.nio.file.Path.of(
            EndpointRules.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> found = new ArrayList<>();
    try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
      for (java.nio.file.Path file : (Iterable<java.nio.file.Path>) files::iterator) {
        String name = classes.relativize(file).toString();
        if (!name.endsWith(".class") || name.contains("$") || name.endsWith("package-info.class")) {
          continue;
        }
        String className = name.substring(0, name.length() - 6).replace('/', '.');
        try {
          Class<?> type = Class.forName(className, false, EndpointRules.class.getClassLoader());
          if (type.isAnnotationPresent(Path.class)) {
            found.add(type);
          }
          if (type.isAnnotationPresent(jakarta.servlet.annotation.WebServlet.class)
              || type.isAnnotationPresent(jakarta.servlet.annotation.WebFilter.class)
              || type.isAnnotationPresent(jakarta.servlet.annotation.WebListener.class)) {
            servletAnnotated.add(className);
          }
        } catch (ClassNotFoundException | LinkageError e) {
          throw new AssertionError("cannot load " + className, e);
        }
      }
    }
    resources = found;
  }

  @Test
  void everyResourceMethodHasTheRuleWrittenHere() {
    assertThat(surface(resources)).containsExactlyElementsOf(EXPECTED);
  }

  /**
   * web.xml is metadata-complete: Liberty knows only the roles it declares, and a role it does not
   * know is never granted, so a group a rule names but web.xml lacks would lock every caller out.
   */
  @Test
  void everyGroupARuleNamesIsASecurityRoleOfWebXml() throws IOException {
    String webXml = Files.readString(java.nio.file.Path.of("src/main/webapp/WEB-INF/web.xml"));
    assertThat(webXml).contains("metadata-complete=\"true\"");
    Set<String> groups = new TreeSet<>();
    for (Class<?> type : resources) {
      for (Method m : resourceMethods(type)) {
        EndpointRules.Rule rule = EndpointRules.ruleFor(m).orElseThrow();
        if (!rule.isPublic() && !rule.isDeveloper()) {
          groups.addAll(rule.groups());
        }
      }
    }
    assertThat(groups).containsExactlyInAnyOrder(AdminCaller.ADMIN, AdminCaller.VIEWER);
    // Nor does Liberty look at @WebServlet, @WebFilter or @WebListener: one would be ignored.
    assertThat(servletAnnotated).as("declare these in web.xml instead").isEmpty();
    for (String group : groups) {
      assertThat(webXml).contains("<role-name>" + group + "</role-name>");
    }
  }

  @Test
  void everyResourceMethodHasARule() {
    assertThat(unruled(resources)).isEmpty();
  }

  @Test
  void adminReadsAreOpenToViewersAndAdminWritesOnlyToAdmins() {
    for (Class<?> type : resources) {
      for (Method m : resourceMethods(type)) {
        EndpointRules.Rule rule = EndpointRules.ruleFor(m).orElseThrow();
        if (rule.isPublic()) {
          continue;
        }
        if (rule.isDeveloper()) {
          // The portal's developer-only API: a portal session, on the data port, never admin roles.
          assertThat(type.getName()).startsWith("io.meshgate.portal.");
          assertThat(rule.listener()).isEqualTo(Listener.DATA);
          continue;
        }
        Set<String> expected =
            httpMethod(m).equals("GET")
                ? Set.of(AdminCaller.ADMIN, AdminCaller.VIEWER)
                : Set.of(AdminCaller.ADMIN);
        assertThat(rule.groups()).as(m.toGenericString()).isEqualTo(expected);
        assertThat(rule.listener()).isEqualTo(Listener.ADMIN);
      }
    }
  }

  @Test
  void anEndpointWithoutARuleIsFoundAndDenied() {
    assertThat(unruled(List.of(Unruled.class)))
        .containsExactly("POST /unruled/x (EndpointRulesTest$Unruled.open)");
    assertThat(unruled(List.of(PermittedButNotListed.class))).hasSize(1);
    assertThat(unruled(List.of(Ruled.class))).isEmpty();
  }

  /** No rule at all. */
  @Path("unruled")
  public static class Unruled {
    @POST
    @Path("x")
    public String open() {
      return "";
    }
  }

  /** {@code @PermitAll} is not how an endpoint becomes public: only EndpointRules.PUBLIC is. */
  @Path("permitted")
  @PermitAll
  public static class PermittedButNotListed {
    @GET
    public String open() {
      return "";
    }
  }

  /** A class-level rule covers its methods. */
  @Path("ruled")
  @RolesAllowed(AdminCaller.ADMIN)
  public static class Ruled {
    @POST
    public String write() {
      return "";
    }
  }

  private static List<String> unruled(List<Class<?>> types) {
    List<String> missing = new ArrayList<>();
    for (Class<?> type : types) {
      for (Method m : resourceMethods(type)) {
        if (EndpointRules.ruleFor(m).isEmpty()) {
          missing.add(describe(type, m) + " (" + name(m) + ")");
        }
      }
    }
    return missing;
  }

  private static List<String> surface(List<Class<?>> types) {
    TreeSet<String> lines = new TreeSet<>();
    for (Class<?> type : types) {
      for (Method m : resourceMethods(type)) {
        String rule =
            EndpointRules.ruleFor(m)
                .map(
                    r -> r.listener() + " " + (r.isPublic() ? "public" : new TreeSet<>(r.groups())))
                .orElse("NO RULE");
        lines.add(describe(type, m) + " -> " + rule);
      }
    }
    return List.copyOf(lines);
  }

  private static List<Method> resourceMethods(Class<?> type) {
    List<Method> methods = new ArrayList<>();
    for (Method m : type.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers())
          && (!httpMethod(m).isEmpty() || m.isAnnotationPresent(Path.class))) {
        methods.add(m);
      }
    }
    return methods;
  }

  private static String httpMethod(Method m) {
    for (Annotation a : m.getAnnotations()) {
      HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
      if (http != null) {
        return http.value();
      }
    }
    return "";
  }

  private static String describe(Class<?> type, Method m) {
    String path = "/" + strip(type.getAnnotation(Path.class).value());
    Path sub = m.getAnnotation(Path.class);
    if (sub != null) {
      path += "/" + strip(sub.value());
    }
    String http = httpMethod(m);
    return (http.isEmpty() ? "LOCATOR" : http) + " " + path;
  }

  private static String name(Method m) {
    return m.getDeclaringClass().getName().replaceFirst(".*\\.", "") + "." + m.getName();
  }

  private static String strip(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
