package io.meshgate.admin.istio;

import io.meshgate.catalog.api.ApiEntity;
import io.meshgate.catalog.api.ApiState;
import io.meshgate.catalog.api.MeshDestination;
import io.meshgate.catalog.api.PolicyStepEntity;
import io.meshgate.catalog.product.PlanEntity;
import io.meshgate.catalog.product.ProductEntity;
import io.meshgate.istio.MeshManifests;
import io.meshgate.policy.scope.ScopePolicyFactory;
import io.meshgate.policy.token.TokenPolicyFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads what the Istio compiler needs from the catalog, in one transaction so the APIs, plans and
 * the revision they are labelled with belong together: the published APIs that name a mesh
 * destination (with its defaults filled in), the plans of the products that bundle each, and the
 * operations each plan may not call.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRED)
public class MeshCatalog {
  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  /** The catalog's APIs with a mesh destination, and the revision they were read at. */
  public record Snapshot(long revision, List<MeshManifests.MeshApi> apis) {}

  /**
   * @param namespace only destinations in this namespace, or all when null
   * @param apiName only APIs of this name (every version), or all when null
   */
  public Snapshot read(String namespace, String apiName) {
    long revision =
        ((Number)
                em.createNativeQuery("select revision from catalog_revision where id = 1")
                    .getSingleResult())
            .longValue();
    Map<Long, List<PlanEntity>> plansByApi = new HashMap<>();
    for (ProductEntity product :
        em.createQuery(
                "select distinct p from ProductEntity p left join fetch p.apis",
                ProductEntity.class)
            .getResultList()) {
      for (ApiEntity api : product.getApis()) {
        plansByApi.computeIfAbsent(api.getId(), id -> new ArrayList<>()).addAll(product.getPlans());
      }
    }
    List<MeshManifests.MeshApi> out = new ArrayList<>();
    for (ApiEntity api :
        em.createQuery(
                "select a from ApiEntity a where a.meshJson is not null and a.state = :s"
                    + " order by a.name, a.version",
                ApiEntity.class)
            .setParameter("s", ApiState.PUBLISHED)
            .getResultList()) {
      if (apiName != null && !apiName.equals(api.getName())) {
        continue;
      }
      MeshDestination destination = withDefaults(api);
      if (namespace != null && !namespace.equals(destination.namespace())) {
        continue;
      }
      out.add(
          new MeshManifests.MeshApi(
              api.getName(),
              audience(api),
              destination,
              access(api, plansByApi.getOrDefault(api.getId(), List.of()))));
    }
    return new Snapshot(revision, out);
  }

  /** Whether a published API of that name names a mesh destination. */
  public boolean hasApi(String apiName) {
    return !em.createQuery(
            "select a.id from ApiEntity a where a.name = :n and a.meshJson is not null"
                + " and a.state = :s",
            Long.class)
        .setParameter("n", apiName)
        .setParameter("s", ApiState.PUBLISHED)
        .setMaxResults(1)
        .getResultList()
        .isEmpty();
  }

  /** The upstream URL of the published API of that name that names a mesh destination. */
  public String upstreamUrl(String apiName) {
    return em.createQuery(
            "select a.upstreamUrl from ApiEntity a where a.name = :n and a.meshJson is not null"
                + " and a.state = :s order by a.version",
            String.class)
        .setParameter("n", apiName)
        .setParameter("s", ApiState.PUBLISHED)
        .setMaxResults(1)
        .getSingleResult();
  }

  /** The stored destination with the port taken from the upstream URL when it names none. */
  static MeshDestination withDefaults(ApiEntity api) {
    MeshDestination d = MeshDestination.fromJson(api.getMeshJson());
    if (d.port() != null) {
      return d;
    }
    URI upstream = URI.create(api.getUpstreamUrl());
    int port =
        upstream.getPort() > 0
            ? upstream.getPort()
            : "https".equalsIgnoreCase(upstream.getScheme()) ? 443 : 80;
    return new MeshDestination(
        d.service(),
        d.namespace(),
        port,
        d.targetPort(),
        d.workloadLabels(),
        d.versionLabel(),
        d.defaultRoute(),
        d.plans(),
        d.connectionPool(),
        d.outlierDetection());
  }

  /**
   * The audience gateway tokens carry for this API: the token step's, else the API's, else its
   * name.
   */
  static String audience(ApiEntity api) {
    for (PolicyStepEntity step : api.getSteps()) {
      if (TokenPolicyFactory.ID.equals(step.getPolicyId())) {
        JsonValue aud = object(step.getConfigJson()).get("audience");
        if (aud instanceof JsonString s) {
          return s.getString();
        }
      }
    }
    return api.getAudience() != null ? api.getAudience() : api.getName();
  }

  /**
   * Each plan with the operations it may not call: those of the API's {@code scope} steps that need
   * a scope the plan lacks. Plans of the same name in several products merge with the union of
   * their scopes, so the mesh never refuses a call the gateway would let through.
   */
  static List<MeshManifests.PlanAccess> access(ApiEntity api, List<PlanEntity> plans) {
    Map<String, Set<String>> scopesByPlan = new TreeMap<>();
    for (PlanEntity plan : plans) {
      Set<String> scopes = scopesByPlan.computeIfAbsent(plan.getName(), n -> new HashSet<>());
      if (!plan.getScopes().isBlank()) {
        scopes.addAll(Arrays.asList(plan.getScopes().trim().split("\\s+")));
      }
    }
    String prefix = upstreamPath(api.getUpstreamUrl());
    List<ScopedOperation> operations = new ArrayList<>();
    for (PolicyStepEntity step : api.getSteps()) {
      if (!ScopePolicyFactory.ID.equals(step.getPolicyId())) {
        continue;
      }
      for (JsonValue op : object(step.getConfigJson()).getJsonArray("operations")) {
        JsonObject o = op.asJsonObject();
        Set<String> needs = new LinkedHashSet<>();
        o.getJsonArray("scopes").forEach(s -> needs.add(((JsonString) s).getString()));
        operations.add(
            new ScopedOperation(
                methods(o.getString("method")), paths(prefix, o.getString("path")), needs));
      }
    }
    List<MeshManifests.PlanAccess> out = new ArrayList<>();
    scopesByPlan.forEach(
        (plan, held) -> {
          List<MeshManifests.Operation> forbidden = new ArrayList<>();
          for (ScopedOperation op : operations) {
            if (!held.containsAll(op.needs())) {
              for (String path : op.paths()) {
                forbidden.add(new MeshManifests.Operation(op.methods(), path));
              }
            }
          }
          out.add(new MeshManifests.PlanAccess(plan, byPath(forbidden)));
        });
    return out;
  }

  /**
   * One operation per path, its methods merged (any method, when one of them is any): the DENY rule
   * lists each path once, in the order the scope policy first names it.
   */
  static List<MeshManifests.Operation> byPath(List<MeshManifests.Operation> operations) {
    Map<String, Set<String>> methods = new LinkedHashMap<>();
    Set<String> anyMethod = new HashSet<>();
    for (MeshManifests.Operation op : operations) {
      methods.computeIfAbsent(op.path(), p -> new LinkedHashSet<>()).addAll(op.methods());
      if (op.methods().isEmpty()) {
        anyMethod.add(op.path());
      }
    }
    List<MeshManifests.Operation> out = new ArrayList<>();
    methods.forEach(
        (path, m) ->
            out.add(
                new MeshManifests.Operation(
                    anyMethod.contains(path) ? List.of() : List.copyOf(m), path)));
    return out;
  }

  private record ScopedOperation(List<String> methods, List<String> paths, Set<String> needs) {}

  /** {@code GET} covers {@code HEAD} in the scope policy; {@code *} is any method. */
  static List<String> methods(String method) {
    return switch (method) {
      case "*" -> List.of();
      case "GET" -> List.of("GET", "HEAD");
      default -> List.of(method);
    };
  }

  /**
   * The Istio paths of a scope template below the base path, as the workload sees them (behind the
   * upstream URL's path): {@code {name}} becomes {@code {*}}; a final {@code **} becomes the path
   * itself plus {@code /{**}}, since Istio's {@code {**}} needs at least one segment.
   */
  static List<String> paths(String prefix, String template) {
    StringBuilder path = new StringBuilder(prefix);
    boolean anyRest = false;
    for (String segment : template.substring(1).split("/", -1)) {
      if (segment.equals("**")) {
        anyRest = true;
        break;
      }
      if (template.equals("/")) {
        break; // the base path itself
      }
      path.append('/').append(segment.startsWith("{") && segment.endsWith("}") ? "{*}" : segment);
    }
    String base = path.length() == 0 ? "/" : path.toString();
    if (!anyRest) {
      return List.of(base);
    }
    return List.of(base, (base.equals("/") ? "" : base) + "/{**}");
  }

  /** The upstream URL's path without a trailing slash ("" for none or "/"). */
  static String upstreamPath(String upstreamUrl) {
    String path = URI.create(upstreamUrl).getRawPath();
    if (path == null) {
      return "";
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path;
  }

  private static JsonObject object(String json) {
    try (var reader = Json.createReader(new StringReader(json))) {
      return reader.readObject();
    }
  }
}
