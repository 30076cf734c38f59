package io.meshgate.istio;

import io.meshgate.catalog.api.MeshDestination;
import io.meshgate.catalog.api.MeshDestination.Backend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compiles the catalog's mesh destinations into the Istio (and Kubernetes Gateway API) resources
 * that make the mesh enforce the gateway's contract. For every destination Service:
 *
 * <ul>
 *   <li>a {@code RequestAuthentication} for its workloads: the gateway's issuer and keys, and the
 *       audiences of the APIs served there, so a token minted for another API is refused;
 *   <li>an ALLOW {@code AuthorizationPolicy} with one rule per plan: a gateway-signed token whose
 *       {@code plan} claim and the plan header carry that same plan (the sealed plan header). A
 *       request without a gateway token, or whose header disagrees with its token, matches no rule
 *       and is refused by the mesh itself;
 *   <li>where the catalog restricts operations per plan (the {@code scope} policy's operations that
 *       need scopes a plan lacks), a DENY {@code AuthorizationPolicy} with one rule per plan naming
 *       those operations. DENY because Istio's ALLOW rules cannot say "everything except POST
 *       /orders" exactly (operation fields are ANDed, {@code to} entries ORed), while a DENY rule
 *       per forbidden operation is exact, and Istio evaluates it before any ALLOW;
 *   <li>routing, either a {@code VirtualService} (one route per plan that has its own, matching the
 *       plan header, weighted for a canary, then the default route) with a {@code DestinationRule}
 *       (the versions as subsets, the connection pool and outlier detection), or, in the Gateway
 *       API form, an {@code HTTPRoute} whose parent is the Service, one {@code Service} per version
 *       (the Gateway API routes to Services, not subsets) and, when the catalog sets a traffic
 *       policy, a {@code DestinationRule} per version Service.
 * </ul>
 *
 * Every resource is labelled as managed by meshgate with the catalog revision it was compiled from.
 * The output is deterministic: the same catalog gives the same documents in the same order.
 */
public final class MeshManifests {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String REVISION_LABEL = "meshgate.io/catalog-revision";
  public static final String APIS_ANNOTATION = "meshgate.io/apis";
  static final String SECURITY = "security.istio.io/v1";
  static final String NETWORKING = "networking.istio.io/v1";
  static final String GATEWAY_API = "gateway.networking.k8s.io/v1";

  private MeshManifests() {}

  /** How routes are expressed. */
  public enum Routing {
    /** VirtualService + DestinationRule with subsets. */
    ISTIO,
    /** HTTPRoute with a Service parent, one Service per version. */
    GATEWAY_API
  }

  /**
   * What the compiler needs besides the catalog.
   *
   * @param issuer the gateway's {@code iss}
   * @param keys inline JWKS or its URI
   * @param jwksUri the JWKS URL istiod fetches (for {@link RequestAuthentications.KeySource#URI})
   * @param jwksJson the key set (for {@link RequestAuthentications.KeySource#INLINE})
   * @param planHeader the header the gateway writes the plan into
   * @param planClaim the token claim that carries the plan
   * @param catalogRevision the catalog revision the input was read at
   */
  public record Settings(
      String issuer,
      RequestAuthentications.KeySource keys,
      String jwksUri,
      String jwksJson,
      String planHeader,
      String planClaim,
      long catalogRevision,
      Routing routing) {}

  /**
   * One published API with a mesh destination.
   *
   * @param audience the {@code aud} of the gateway tokens minted for it
   * @param plans the plans that may call it (of the products bundling it), with what each may not
   */
  public record MeshApi(
      String name, String audience, MeshDestination destination, List<PlanAccess> plans) {}

  /**
   * A plan and the operations it may not call in the mesh.
   *
   * @param forbidden operations whose required scopes the plan does not hold
   */
  public record PlanAccess(String plan, List<Operation> forbidden) {
    public PlanAccess {
      forbidden = List.copyOf(forbidden);
    }
  }

  /**
   * An operation as the workload sees it.
   *
   * @param methods HTTP methods, empty for any
   * @param path an Istio path: literal, or with {@code {*}} (one segment) and a final {@code {**}}
   */
  public record Operation(List<String> methods, String path) {
    public Operation {
      methods = List.copyOf(methods);
    }
  }

  /** Two APIs name one destination Service but disagree on how it is routed or protected. */
  public static final class ConflictException extends RuntimeException {
    ConflictException(String message) {
      super(message);
    }
  }

  /** The resources for these APIs, grouped by destination Service (namespace, then name). */
  public static List<Map<String, Object>> compile(List<MeshApi> apis, Settings settings) {
    Map<String, List<MeshApi>> byDestination = new TreeMap<>();
    for (MeshApi api : apis) {
      MeshDestination d = api.destination();
      byDestination
          .computeIfAbsent(d.namespace() + "/" + d.service(), k -> new ArrayList<>())
          .add(api);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (List<MeshApi> group : byDestination.values()) {
      group.sort(Comparator.comparing(MeshApi::name));
      MeshDestination d = resolve(group);
      Map<String, Object> metadataBase = labels(group, settings);
      out.add(requestAuthentication(d, group, settings, metadataBase));
      out.add(allowPolicy(d, group, settings, metadataBase));
      Map<String, Object> deny = denyPolicy(d, group, settings, metadataBase);
      if (deny != null) {
        out.add(deny);
      }
      if (settings.routing() == Routing.ISTIO) {
        out.add(destinationRule(d, metadataBase));
        out.add(virtualService(d, settings, metadataBase));
      } else {
        for (String subset : subsets(d)) {
          out.add(versionService(d, subset, metadataBase));
        }
        if (trafficPolicy(d) != null) {
          for (String subset : subsets(d)) {
            out.add(versionDestinationRule(d, subset, metadataBase));
          }
        }
        out.add(httpRoute(d, settings, metadataBase));
      }
    }
    Set<String> names = new java.util.HashSet<>();
    for (Map<String, Object> doc : out) {
      Map<String, Object> m = cast(doc.get("metadata"));
      String key = doc.get("kind") + " " + m.get("namespace") + "/" + m.get("name");
      if (!names.add(key)) {
        throw new ConflictException(
            "Two destinations compile to the same resource "
                + key
                + "; rename a Service or a version");
      }
    }
    return out;
  }

  /** The destination of a group: all APIs on one Service must agree on everything but the key. */
  private static MeshDestination resolve(List<MeshApi> group) {
    MeshDestination first = group.get(0).destination();
    for (MeshApi other : group.subList(1, group.size())) {
      if (!Objects.equals(first, other.destination())) {
        throw new ConflictException(
            "APIs "
                + group.get(0).name()
                + " and "
                + other.name()
                + " both name the mesh destination "
                + first.namespace()
                + "/"
                + first.service()
                + " but describe it differently (port, labels, routes or traffic policy);"
                + " make their mesh settings equal");
      }
    }
    return first;
  }

  private static Map<String, Object> labels(List<MeshApi> group, Settings settings) {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, "meshgate");
    labels.put(REVISION_LABEL, Long.toString(settings.catalogRevision()));
    Map<String, Object> annotations = new LinkedHashMap<>();
    annotations.put(
        APIS_ANNOTATION, String.join(",", group.stream().map(MeshApi::name).distinct().toList()));
    Map<String, Object> base = new LinkedHashMap<>();
    base.put("labels", labels);
    base.put("annotations", annotations);
    return base;
  }

  private static Map<String, Object> metadata(
      String name, String namespace, Map<String, Object> base) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("namespace", namespace);
    m.put("labels", new LinkedHashMap<>(cast(base.get("labels"))));
    m.put("annotations", new LinkedHashMap<>(cast(base.get("annotations"))));
    return m;
  }

  private static Map<String, Object> resource(
      String apiVersion, String kind, Map<String, Object> metadata, Map<String, Object> spec) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("apiVersion", apiVersion);
    r.put("kind", kind);
    r.put("metadata", metadata);
    r.put("spec", spec);
    return r;
  }

  /** The name of the resources of a destination. */
  public static String name(MeshDestination d) {
    return "meshgate-" + d.service();
  }

  private static Map<String, Object> selector(MeshDestination d) {
    return Map.of("matchLabels", new TreeMap<>(d.selector()));
  }

  private static Map<String, Object> requestAuthentication(
      MeshDestination d, List<MeshApi> group, Settings s, Map<String, Object> base) {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("issuer", s.issuer());
    rule.put(
        "audiences",
        new ArrayList<>(new TreeSet<>(group.stream().map(MeshApi::audience).toList())));
    if (s.keys() == RequestAuthentications.KeySource.INLINE) {
      rule.put("jwks", s.jwksJson());
    } else {
      rule.put("jwksUri", s.jwksUri());
    }
    rule.put("forwardOriginalToken", false);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("selector", selector(d));
    spec.put("jwtRules", List.of(rule));
    return resource(
        SECURITY, "RequestAuthentication", metadata(name(d), d.namespace(), base), spec);
  }

  private static List<String> audiences(List<MeshApi> group) {
    return new ArrayList<>(new TreeSet<>(group.stream().map(MeshApi::audience).toList()));
  }

  /** Plan name → the operations it may not call, over every API of the destination. */
  private static Map<String, List<Operation>> plans(List<MeshApi> group) {
    Map<String, Set<Operation>> byPlan = new TreeMap<>();
    for (MeshApi api : group) {
      for (PlanAccess access : api.plans()) {
        byPlan
            .computeIfAbsent(access.plan(), p -> new LinkedHashSet<>())
            .addAll(access.forbidden());
      }
    }
    Map<String, List<Operation>> out = new TreeMap<>();
    byPlan.forEach((plan, ops) -> out.put(plan, List.copyOf(ops)));
    return out;
  }

  private static Map<String, Object> allowPolicy(
      MeshDestination d, List<MeshApi> group, Settings s, Map<String, Object> base) {
    List<Object> rules = new ArrayList<>();
    for (String plan : plans(group).keySet()) {
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put(
          "from",
          List.of(Map.of("source", Map.of("requestPrincipals", List.of(s.issuer() + "/*")))));
      // The issuer and audience again, although the RequestAuthentication checks them: another
      // RequestAuthentication on the workload (one trusting the same issuer for any audience, or
      // an issuer that starts like the gateway's) must not open this policy.
      Map<String, Object> audiences = new LinkedHashMap<>();
      audiences.put("key", "request.auth.audiences");
      audiences.put("values", audiences(group));
      rule.put(
          "when",
          List.of(
              condition("request.auth.claims[iss]", s.issuer()),
              audiences,
              condition("request.auth.claims[" + s.planClaim() + "]", plan),
              condition("request.headers[" + s.planHeader() + "]", plan)));
      rules.add(rule);
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("selector", selector(d));
    spec.put("action", "ALLOW");
    // No plan may call it yet: an ALLOW policy without rules allows nothing, which is right.
    spec.put("rules", rules);
    return resource(SECURITY, "AuthorizationPolicy", metadata(name(d), d.namespace(), base), spec);
  }

  private static Map<String, Object> denyPolicy(
      MeshDestination d, List<MeshApi> group, Settings s, Map<String, Object> base) {
    List<Object> rules = new ArrayList<>();
    plans(group)
        .forEach(
            (plan, forbidden) -> {
              if (forbidden.isEmpty()) {
                return;
              }
              List<Object> to = new ArrayList<>();
              for (Operation op : forbidden) {
                Map<String, Object> operation = new LinkedHashMap<>();
                if (!op.methods().isEmpty()) {
                  operation.put("methods", op.methods());
                }
                operation.put("paths", List.of(op.path()));
                to.add(Map.of("operation", operation));
              }
              Map<String, Object> rule = new LinkedHashMap<>();
              rule.put("to", to);
              rule.put(
                  "when", List.of(condition("request.auth.claims[" + s.planClaim() + "]", plan)));
              rules.add(rule);
            });
    if (rules.isEmpty()) {
      return null;
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("selector", selector(d));
    spec.put("action", "DENY");
    spec.put("rules", rules);
    return resource(
        SECURITY,
        "AuthorizationPolicy",
        metadata(name(d) + "-operations", d.namespace(), base),
        spec);
  }

  private static Map<String, Object> condition(String key, String value) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("key", key);
    c.put("values", List.of(value));
    return c;
  }

  /** Every version a route names, sorted. */
  static List<String> subsets(MeshDestination d) {
    Set<String> subsets = new TreeSet<>();
    d.defaultRoute().forEach(b -> subsets.add(b.subset()));
    if (d.plans() != null) {
      d.plans().values().forEach(r -> r.forEach(b -> subsets.add(b.subset())));
    }
    return List.copyOf(subsets);
  }

  private static Map<String, Object> trafficPolicy(MeshDestination d) {
    Map<String, Object> policy = new LinkedHashMap<>();
    MeshDestination.ConnectionPool pool = d.connectionPool();
    if (pool != null) {
      Map<String, Object> tcp = new LinkedHashMap<>();
      if (pool.maxConnections() != null) {
        tcp.put("maxConnections", pool.maxConnections());
      }
      Map<String, Object> http = new LinkedHashMap<>();
      if (pool.maxPendingRequests() != null) {
        http.put("http1MaxPendingRequests", pool.maxPendingRequests());
      }
      if (pool.maxRequestsPerConnection() != null) {
        http.put("maxRequestsPerConnection", pool.maxRequestsPerConnection());
      }
      Map<String, Object> connectionPool = new LinkedHashMap<>();
      if (!tcp.isEmpty()) {
        connectionPool.put("tcp", tcp);
      }
      if (!http.isEmpty()) {
        connectionPool.put("http", http);
      }
      if (!connectionPool.isEmpty()) {
        policy.put("connectionPool", connectionPool);
      }
    }
    MeshDestination.OutlierDetection outliers = d.outlierDetection();
    if (outliers != null) {
      Map<String, Object> od = new LinkedHashMap<>();
      od.put("consecutive5xxErrors", outliers.consecutive5xxErrors());
      if (outliers.intervalSeconds() != null) {
        od.put("interval", outliers.intervalSeconds() + "s");
      }
      if (outliers.baseEjectionSeconds() != null) {
        od.put("baseEjectionTime", outliers.baseEjectionSeconds() + "s");
      }
      if (outliers.maxEjectionPercent() != null) {
        od.put("maxEjectionPercent", outliers.maxEjectionPercent());
      }
      policy.put("outlierDetection", od);
    }
    return policy.isEmpty() ? null : policy;
  }

  private static Map<String, Object> destinationRule(MeshDestination d, Map<String, Object> base) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("host", d.host());
    // The calling sidecar applies it: the gateway's, in its own namespace.
    spec.put("exportTo", List.of("*"));
    Map<String, Object> policy = trafficPolicy(d);
    if (policy != null) {
      spec.put("trafficPolicy", policy);
    }
    List<Object> subsets = new ArrayList<>();
    for (String subset : subsets(d)) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("name", subset);
      s.put("labels", Map.of(d.versionLabelOrDefault(), subset));
      subsets.add(s);
    }
    spec.put("subsets", subsets);
    return resource(NETWORKING, "DestinationRule", metadata(name(d), d.namespace(), base), spec);
  }

  private static Map<String, Object> virtualService(
      MeshDestination d, Settings s, Map<String, Object> base) {
    List<Object> http = new ArrayList<>();
    if (d.plans() != null) {
      new TreeMap<>(d.plans())
          .forEach(
              (plan, route) -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("name", "plan-" + plan);
                r.put(
                    "match",
                    List.of(Map.of("headers", Map.of(s.planHeader(), Map.of("exact", plan)))));
                r.put("route", routeDestinations(d, route));
                http.add(r);
              });
    }
    Map<String, Object> fallback = new LinkedHashMap<>();
    fallback.put("name", "default");
    fallback.put("route", routeDestinations(d, d.defaultRoute()));
    http.add(fallback);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("hosts", List.of(d.host()));
    spec.put("exportTo", List.of("*"));
    spec.put("http", http);
    return resource(NETWORKING, "VirtualService", metadata(name(d), d.namespace(), base), spec);
  }

  private static List<Object> routeDestinations(MeshDestination d, List<Backend> route) {
    List<Object> out = new ArrayList<>();
    for (Backend b : route) {
      Map<String, Object> destination = new LinkedHashMap<>();
      destination.put("host", d.host());
      destination.put("subset", b.subset());
      destination.put("port", Map.of("number", d.port()));
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("destination", destination);
      if (route.size() > 1) {
        entry.put("weight", b.weight());
      }
      out.add(entry);
    }
    return out;
  }

  /** The Service of one version, for the Gateway API form. */
  public static String versionServiceName(MeshDestination d, String subset) {
    return d.service() + "-" + subset;
  }

  private static Map<String, Object> versionService(
      MeshDestination d, String subset, Map<String, Object> base) {
    Map<String, Object> selector = new TreeMap<>(d.selector());
    selector.put(d.versionLabelOrDefault(), subset);
    Map<String, Object> port = new LinkedHashMap<>();
    port.put("name", "http");
    port.put("port", d.port());
    port.put("targetPort", d.targetPort() == null ? d.port() : d.targetPort());
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("selector", selector);
    spec.put("ports", List.of(port));
    return resource(
        "v1", "Service", metadata(versionServiceName(d, subset), d.namespace(), base), spec);
  }

  private static Map<String, Object> versionDestinationRule(
      MeshDestination d, String subset, Map<String, Object> base) {
    String service = versionServiceName(d, subset);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("host", service + "." + d.namespace() + ".svc.cluster.local");
    spec.put("exportTo", List.of("*"));
    spec.put("trafficPolicy", trafficPolicy(d));
    return resource(
        NETWORKING, "DestinationRule", metadata("meshgate-" + service, d.namespace(), base), spec);
  }

  private static Map<String, Object> httpRoute(
      MeshDestination d, Settings s, Map<String, Object> base) {
    List<Object> rules = new ArrayList<>();
    if (d.plans() != null) {
      new TreeMap<>(d.plans())
          .forEach(
              (plan, route) -> {
                Map<String, Object> header = new LinkedHashMap<>();
                header.put("type", "Exact");
                header.put("name", s.planHeader());
                header.put("value", plan);
                Map<String, Object> rule = new LinkedHashMap<>();
                rule.put("name", "plan-" + plan);
                Map<String, Object> match = new LinkedHashMap<>();
                match.put("path", anyPath());
                match.put("headers", List.of(header));
                rule.put("matches", List.of(match));
                rule.put("backendRefs", backendRefs(d, route));
                rules.add(rule);
              });
    }
    Map<String, Object> fallback = new LinkedHashMap<>();
    fallback.put("name", "default");
    fallback.put("matches", List.of(Map.of("path", anyPath())));
    fallback.put("backendRefs", backendRefs(d, d.defaultRoute()));
    rules.add(fallback);
    Map<String, Object> parent = new LinkedHashMap<>();
    parent.put("group", "");
    parent.put("kind", "Service");
    parent.put("name", d.service());
    parent.put("port", d.port());
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("parentRefs", List.of(parent));
    spec.put("rules", rules);
    return resource(GATEWAY_API, "HTTPRoute", metadata(name(d), d.namespace(), base), spec);
  }

  /**
   * The Gateway API's default match. Written out, like every schema default, because the API server
   * stores it: what {@code kubectl get} returns then equals what was compiled.
   */
  private static Map<String, Object> anyPath() {
    Map<String, Object> path = new LinkedHashMap<>();
    path.put("type", "PathPrefix");
    path.put("value", "/");
    return path;
  }

  private static List<Object> backendRefs(MeshDestination d, List<Backend> route) {
    List<Object> out = new ArrayList<>();
    for (Backend b : route) {
      Map<String, Object> ref = new LinkedHashMap<>();
      ref.put("group", "");
      ref.put("kind", "Service");
      ref.put("name", versionServiceName(d, b.subset()));
      ref.put("port", d.port());
      ref.put("weight", route.size() > 1 ? b.weight() : 1);
      out.add(ref);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }
}
