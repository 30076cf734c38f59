package io.meshgate.admin.apis;

import io.meshgate.admin.Page;
import io.meshgate.admin.RequestValidator;
import io.meshgate.admin.audit.AuditLog;
import io.meshgate.admin.error.AdminException;
import io.meshgate.admin.error.InvalidPolicyConfigMapper;
import io.meshgate.catalog.api.ApiEntity;
import io.meshgate.catalog.api.ApiState;
import io.meshgate.catalog.api.MeshDestination;
import io.meshgate.catalog.api.PolicyStepEntity;
import io.meshgate.catalog.runtime.ApiSnapshot;
import io.meshgate.catalog.sync.CatalogChange;
import io.meshgate.chain.InvalidPolicyConfigException;
import io.meshgate.chain.PolicyChainFactory;
import io.meshgate.support.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Use cases of the APIs resource. Every write is audited and propagated in its transaction. */
@ApplicationScoped
@Transactional
public class ApiAdmin {
  static final String ENTITY = "api";
  public static final String API_NOT_FOUND = "API_NOT_FOUND";
  public static final String API_BASE_PATH_TAKEN = "API_BASE_PATH_TAKEN";
  public static final String API_NAME_TAKEN = "API_NAME_TAKEN";

  /** Paths the gateway itself serves; an API there would be shadowed or would shadow them. */
  static final List<String> RESERVED_PREFIXES =
      List.of(
          "/admin",
          "/oauth2",
          "/.well-known",
          "/health",
          "/metrics",
          "/openapi",
          "/__meshgate",
          "/console",
          "/portal");

  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  @Inject RequestValidator validator;
  @Inject PolicyChainFactory chains;
  @Inject AuditLog audit;
  @Inject Clock clock;

  public ApiView create(String actor, ApiRequest request) {
    check(request);
    checkUnique(request, null);
    Instant now = clock.instant();
    ApiEntity api =
        new ApiEntity(
            request.name(), version(request), request.basePath(), request.upstreamUrl(), now);
    apply(api, request);
    em.persist(api);
    em.flush();
    ApiView after = view(api);
    audit.write(
        actor, "api.create", ENTITY, api.getId(), null, after, CatalogChange.api(api.getId()));
    return after;
  }

  public ApiView get(long id) {
    return view(find(id));
  }

  public Page<ApiView> list(String name, Page.Request page) {
    String where =
        name == null || name.isBlank() ? "" : " where locate(lower(:n), lower(a.name)) > 0";
    var count = em.createQuery("select count(a) from ApiEntity a" + where, Long.class);
    var select =
        em.createQuery("select a from ApiEntity a" + where + " order by a.id", ApiEntity.class);
    if (!where.isEmpty()) {
      count.setParameter("n", name);
      select.setParameter("n", name);
    }
    List<ApiView> items =
        select
            .setFirstResult(page.offset())
            .setMaxResults(page.size())
            .getResultStream()
            .map(ApiAdmin::view)
            .toList();
    return new Page<>(items, page.page(), page.size(), count.getSingleResult());
  }

  /** Replaces the API's definition and bumps its revision, so cached chains are rebuilt. */
  public ApiView update(String actor, long id, ApiRequest request) {
    check(request);
    ApiEntity api = find(id);
    checkUnique(request, id);
    ApiView before = view(api);
    api.redefine(request.name(), version(request), request.basePath(), request.upstreamUrl());
    // Old steps go first: the (api, position) unique key would refuse the new ones otherwise,
    // because Hibernate flushes inserts before orphan deletes.
    api.getSteps().clear();
    em.flush();
    apply(api, request);
    api.touch(clock.instant());
    em.flush();
    ApiView after = view(api);
    audit.write(actor, "api.update", ENTITY, id, before, after, CatalogChange.api(id));
    return after;
  }

  public void delete(String actor, long id) {
    ApiEntity api = find(id);
    ApiView before = view(api);
    em.remove(api);
    em.flush();
    audit.write(actor, "api.delete", ENTITY, id, before, null, CatalogChange.api(id));
  }

  public ApiView changeState(String actor, long id, ApiState state) {
    ApiEntity api = find(id);
    ApiView before = view(api);
    api.setState(state);
    api.touch(clock.instant());
    em.flush();
    ApiView after = view(api);
    audit.write(
        actor,
        "api." + (state == ApiState.PUBLISHED ? "publish" : "retire"),
        ENTITY,
        id,
        before,
        after,
        CatalogChange.api(id));
    return after;
  }

  /** Every violation at once: the request's own rules and each policy step's config. */
  private void check(ApiRequest request) {
    RequestValidator.required(request);
    List<Problem.Violation> violations = new ArrayList<>(validator.violationsOf(request));
    String basePath = request.basePath();
    if (basePath != null) {
      for (String reserved : RESERVED_PREFIXES) {
        if (basePath.equals(reserved) || basePath.startsWith(reserved + "/")) {
          violations.add(
              new Problem.Violation(
                  "basePath",
                  "must not be under "
                      + reserved
                      + ", which the gateway serves itself (was "
                      + basePath
                      + ")"));
        }
      }
    }
    if (request.mesh() != null
        && request.mesh().toJson().length() > MeshDestination.MAX_JSON_CHARS) {
      violations.add(
          new Problem.Violation(
              "mesh", "must be at most " + MeshDestination.MAX_JSON_CHARS + " characters as JSON"));
    }
    if (request.mesh() != null) {
      for (String problem : request.mesh().routeProblems()) {
        int colon = problem.indexOf(": ");
        violations.add(
            new Problem.Violation(
                "mesh." + problem.substring(0, colon), problem.substring(colon + 2)));
      }
    }
    List<ApiRequest.Step> steps = request.steps() == null ? List.of() : request.steps();
    if (steps.stream().allMatch(s -> s != null && s.policy() != null && !s.policy().isBlank())) {
      try {
        chains.build(snapshots(steps));
      } catch (InvalidPolicyConfigException e) {
        violations.addAll(InvalidPolicyConfigMapper.violations(e));
      }
    }
    if (!violations.isEmpty()) {
      throw AdminException.invalid(violations);
    }
  }

  private void checkUnique(ApiRequest request, Long self) {
    if (exists("a.basePath = :v", request.basePath(), self)) {
      throw AdminException.conflict(
          API_BASE_PATH_TAKEN, "Another API already serves base path " + request.basePath());
    }
    List<ApiEntity> same =
        em.createQuery(
                "select a from ApiEntity a where a.name = :n and a.version = :v", ApiEntity.class)
            .setParameter("n", request.name())
            .setParameter("v", version(request))
            .getResultList();
    if (same.stream().anyMatch(a -> !a.getId().equals(self))) {
      throw AdminException.conflict(
          API_NAME_TAKEN,
          "An API named " + request.name() + " with version " + version(request) + " exists");
    }
  }

  private boolean exists(String condition, String value, Long self) {
    return em.createQuery("select a.id from ApiEntity a where " + condition, Long.class)
        .setParameter("v", value)
        .getResultStream()
        .anyMatch(id -> !id.equals(self));
  }

  private static void apply(ApiEntity api, ApiRequest request) {
    api.setAudience(request.audience());
    api.setReadTimeoutMs(request.readTimeoutMs());
    api.setConnectTimeoutMs(request.connectTimeoutMs());
    api.setMeshJson(request.mesh() == null ? null : request.mesh().toJson());
    if (request.state() != null) {
      api.setState(ApiState.valueOf(request.state().toUpperCase(Locale.ROOT)));
    } else if (api.getId() == null) {
      api.setState(ApiState.DRAFT);
    }
    List<ApiRequest.Step> steps = request.steps() == null ? List.of() : request.steps();
    for (int i = 0; i < steps.size(); i++) {
      api.addStep(i, steps.get(i).policy(), configJson(steps.get(i)));
    }
  }

  private static List<ApiSnapshot.PolicyStepSnapshot> snapshots(List<ApiRequest.Step> steps) {
    List<ApiSnapshot.PolicyStepSnapshot> out = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      out.add(
          new ApiSnapshot.PolicyStepSnapshot(i, steps.get(i).policy(), configJson(steps.get(i))));
    }
    return out;
  }

  private static String configJson(ApiRequest.Step step) {
    return step.config() == null ? "{}" : step.config().toString();
  }

  private static String version(ApiRequest request) {
    return request.version() == null ? "v1" : request.version();
  }

  private ApiEntity find(long id) {
    ApiEntity api = em.find(ApiEntity.class, id);
    if (api == null) {
      throw AdminException.notFound(API_NOT_FOUND, "API", id);
    }
    return api;
  }

  static ApiView view(ApiEntity api) {
    return new ApiView(
        api.getId(),
        api.getName(),
        api.getVersion(),
        api.getBasePath(),
        api.getUpstreamUrl(),
        api.getAudience(),
        api.getReadTimeoutMs(),
        api.getConnectTimeoutMs(),
        api.getState().name().toLowerCase(Locale.ROOT),
        api.getRevision(),
        api.getSteps().stream().map(s -> new ApiView.StepView(s.getPolicyId(), object(s))).toList(),
        MeshDestination.fromJson(api.getMeshJson()),
        api.getCreatedAt(),
        api.getUpdatedAt());
  }

  private static JsonObject object(PolicyStepEntity step) {
    try (var reader = Json.createReader(new StringReader(step.getConfigJson()))) {
      return reader.readObject();
    }
  }
}
