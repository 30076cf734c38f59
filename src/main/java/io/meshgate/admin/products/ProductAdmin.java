package io.meshgate.admin.products;

import io.meshgate.admin.Page;
import io.meshgate.admin.RequestValidator;
import io.meshgate.admin.audit.AuditLog;
import io.meshgate.admin.error.AdminException;
import io.meshgate.catalog.api.ApiEntity;
import io.meshgate.catalog.product.PlanEntity;
import io.meshgate.catalog.product.ProductEntity;
import io.meshgate.catalog.sync.CatalogChange;
import io.meshgate.limit.LimitSpec;
import io.meshgate.support.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Use cases of products and their plans. Every write is audited and propagated. */
@ApplicationScoped
@Transactional
public class ProductAdmin {
  public static final String PRODUCT_NOT_FOUND = "PRODUCT_NOT_FOUND";
  public static final String PLAN_NOT_FOUND = "PLAN_NOT_FOUND";
  public static final String PRODUCT_NAME_TAKEN = "PRODUCT_NAME_TAKEN";
  public static final String PLAN_NAME_TAKEN = "PLAN_NAME_TAKEN";
  public static final String PRODUCT_IN_USE = "PRODUCT_IN_USE";
  public static final String PLAN_IN_USE = "PLAN_IN_USE";

  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  @Inject RequestValidator validator;
  @Inject AuditLog audit;
  @Inject Clock clock;

  // --- products

  public ProductView create(String actor, ProductRequest request) {
    List<ApiEntity> apis = checkProduct(request);
    checkProductName(request.name(), null);
    ProductEntity product = new ProductEntity(request.name(), title(request), clock.instant());
    product.getApis().addAll(apis);
    em.persist(product);
    em.flush();
    ProductView after = view(product);
    audit.write(
        actor,
        "product.create",
        "product",
        product.getId(),
        null,
        after,
        CatalogChange.product(product.getId()));
    return after;
  }

  public ProductView get(long id) {
    return view(find(id));
  }

  public Page<ProductView> list(String name, Page.Request page) {
    String where =
        name == null || name.isBlank() ? "" : " where locate(lower(:n), lower(p.name)) > 0";
    var count = em.createQuery("select count(p) from ProductEntity p" + where, Long.class);
    var select =
        em.createQuery(
            "select p from ProductEntity p" + where + " order by p.id", ProductEntity.class);
    if (!where.isEmpty()) {
      count.setParameter("n", name);
      select.setParameter("n", name);
    }
    return new Page<>(
        select
            .setFirstResult(page.offset())
            .setMaxResults(page.size())
            .getResultStream()
            .map(ProductAdmin::view)
            .toList(),
        page.page(),
        page.size(),
        count.getSingleResult());
  }

  /** Replaces name, title and bundled APIs; plans are left as they are. */
  public ProductView update(String actor, long id, ProductRequest request) {
    List<ApiEntity> apis = checkProduct(request);
    ProductEntity product = find(id);
    checkProductName(request.name(), id);
    ProductView before = view(product);
    if (!product.getName().equals(request.name()) && subscriptions("s.product.id", id) > 0) {
      throw AdminException.conflict(
          PRODUCT_IN_USE,
          "Product " + product.getName() + " has subscriptions; its name (x-api-product) is fixed");
    }
    product.rename(request.name(), title(request));
    product.getApis().clear();
    product.getApis().addAll(apis);
    em.flush();
    ProductView after = view(product);
    audit.write(actor, "product.update", "product", id, before, after, CatalogChange.product(id));
    return after;
  }

  public void delete(String actor, long id) {
    ProductEntity product = find(id);
    if (subscriptions("s.product.id", id) > 0) {
      throw AdminException.conflict(
          PRODUCT_IN_USE, "Product " + product.getName() + " still has subscriptions");
    }
    ProductView before = view(product);
    em.remove(product);
    em.flush();
    audit.write(actor, "product.delete", "product", id, before, null, CatalogChange.product(id));
  }

  // --- plans

  public PlanView createPlan(String actor, long productId, PlanRequest request) {
    validator.check(request);
    ProductEntity product = find(productId);
    checkPlanName(product, request.name(), null);
    PlanEntity plan = product.addPlan(request.name(), planTitle(request));
    apply(plan, request);
    em.flush();
    PlanView after = view(plan);
    audit.write(
        actor, "plan.create", "plan", plan.getId(), null, after, CatalogChange.plan(plan.getId()));
    return after;
  }

  public PlanView getPlan(long productId, long planId) {
    return view(findPlan(productId, planId));
  }

  public List<PlanView> plans(long productId) {
    return find(productId).getPlans().stream().map(ProductAdmin::view).toList();
  }

  /** Replaces the plan. Its name is what the mesh routes on: fixed once apps subscribe. */
  public PlanView updatePlan(String actor, long productId, long planId, PlanRequest request) {
    validator.check(request);
    PlanEntity plan = findPlan(productId, planId);
    checkPlanName(plan.getProduct(), request.name(), planId);
    if (!plan.getName().equals(request.name()) && subscriptions("s.plan.id", planId) > 0) {
      throw AdminException.conflict(
          PLAN_IN_USE,
          "Plan " + plan.getName() + " has subscriptions; its name (x-client-plan) is fixed");
    }
    PlanView before = view(plan);
    plan.rename(request.name(), planTitle(request));
    apply(plan, request);
    em.flush();
    PlanView after = view(plan);
    audit.write(actor, "plan.update", "plan", planId, before, after, CatalogChange.plan(planId));
    return after;
  }

  public void deletePlan(String actor, long productId, long planId) {
    PlanEntity plan = findPlan(productId, planId);
    if (subscriptions("s.plan.id", planId) > 0) {
      throw AdminException.conflict(
          PLAN_IN_USE, "Plan " + plan.getName() + " still has subscriptions");
    }
    PlanView before = view(plan);
    plan.getProduct().getPlans().remove(plan);
    em.flush();
    audit.write(actor, "plan.delete", "plan", planId, before, null, CatalogChange.plan(planId));
  }

  // --- helpers

  private List<ApiEntity> checkProduct(ProductRequest request) {
    RequestValidator.required(request);
    List<Problem.Violation> violations = new ArrayList<>(validator.violationsOf(request));
    List<ApiEntity> apis = new ArrayList<>();
    List<Long> ids = request.apis() == null ? List.of() : request.apis();
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i) == null) {
        continue;
      }
      ApiEntity api = em.find(ApiEntity.class, ids.get(i));
      if (api == null) {
        violations.add(new Problem.Violation("apis[" + i + "]", "no API with id " + ids.get(i)));
      } else if (!apis.contains(api)) {
        apis.add(api);
      }
    }
    if (!violations.isEmpty()) {
      throw AdminException.invalid(violations);
    }
    return apis;
  }

  private void checkProductName(String name, Long self) {
    boolean taken =
        em.createQuery("select p.id from ProductEntity p where p.name = :n", Long.class)
            .setParameter("n", name)
            .getResultStream()
            .anyMatch(id -> !id.equals(self));
    if (taken) {
      throw AdminException.conflict(PRODUCT_NAME_TAKEN, "A product named " + name + " exists");
    }
  }

  private static void checkPlanName(ProductEntity product, String name, Long self) {
    if (product.getPlans().stream()
        .anyMatch(p -> p.getName().equals(name) && !p.getId().equals(self))) {
      throw AdminException.conflict(
          PLAN_NAME_TAKEN, "Product " + product.getName() + " already has a plan named " + name);
    }
  }

  private long subscriptions(String path, long id) {
    return em.createQuery(
            "select count(s) from SubscriptionEntity s where " + path + " = :id", Long.class)
        .setParameter("id", id)
        .getSingleResult();
  }

  /** Writes a validated plan request's settings and limits onto the plan; also used by seeds. */
  public static void apply(PlanEntity plan, PlanRequest r) {
    plan.setApprovalRequired(Boolean.TRUE.equals(r.approvalRequired()));
    plan.setScopes(r.scopes() == null ? "" : String.join(" ", r.scopes()));
    plan.setTokenTtlSeconds(
        r.tokenTtlSeconds() == null ? PlanEntity.DEFAULT_TOKEN_TTL_SECONDS : r.tokenTtlSeconds());
    plan.setLimits(
        r.rateLimit() == null ? null : r.rateLimit().limit(),
        r.rateLimit() == null ? null : r.rateLimit().per(),
        r.burst() == null ? null : r.burst().limit(),
        r.burst() == null ? null : r.burst().windowMs(),
        r.quota() == null ? null : r.quota().limit(),
        r.quota() == null ? null : r.quota().per(),
        r.quota() == null
            ? null
            : r.quota().enforcement() == null ? "hard" : r.quota().enforcement(),
        r.quota() == null ? null : timeZone(r.quota().timeZone()),
        r.onLimiterError() == null ? "fail-open" : r.onLimiterError());
  }

  /** The canonical IANA id of a quota's time zone; UTC when absent. */
  static String timeZone(String value) {
    if (value == null || value.isBlank()) {
      return "UTC";
    }
    String id = value.trim();
    if (!id.equals("UTC") && !java.time.ZoneId.getAvailableZoneIds().contains(id)) {
      throw AdminException.invalid(
          "quota.timeZone",
          "must be an IANA time zone id such as UTC or Europe/Berlin (was " + value + ")");
    }
    return id;
  }

  private static String title(ProductRequest r) {
    return r.title() == null || r.title().isBlank() ? r.name() : r.title();
  }

  private static String planTitle(PlanRequest r) {
    return r.title() == null || r.title().isBlank() ? r.name() : r.title();
  }

  private ProductEntity find(long id) {
    ProductEntity product = em.find(ProductEntity.class, id);
    if (product == null) {
      throw AdminException.notFound(PRODUCT_NOT_FOUND, "product", id);
    }
    return product;
  }

  private PlanEntity findPlan(long productId, long planId) {
    ProductEntity product = find(productId);
    return product.getPlans().stream()
        .filter(p -> p.getId() == planId)
        .findFirst()
        .orElseThrow(() -> AdminException.notFound(PLAN_NOT_FOUND, "plan", planId));
  }

  static ProductView view(ProductEntity p) {
    return new ProductView(
        p.getId(),
        p.getName(),
        p.getTitle(),
        p.getApis().stream().map(ApiEntity::getId).sorted().toList(),
        p.getPlans().stream().map(ProductAdmin::view).toList(),
        p.getCreatedAt());
  }

  public static PlanView view(PlanEntity p) {
    return new PlanView(
        p.getId(),
        p.getProduct().getId(),
        p.getName(),
        p.getTitle(),
        p.isApprovalRequired(),
        p.getScopes().isBlank() ? List.of() : Arrays.asList(p.getScopes().trim().split("\\s+")),
        p.getTokenTtlSeconds(),
        p.getRateLimit() == null ? null : new LimitSpec.Rate(p.getRateLimit(), p.getRateLimitPer()),
        p.getBurstLimit() == null
            ? null
            : new LimitSpec.Burst(p.getBurstLimit(), p.getBurstWindowMs()),
        p.getQuotaLimit() == null
            ? null
            : new PlanRequest.Quota(
                p.getQuotaLimit(),
                p.getQuotaPer(),
                p.getQuotaEnforcement(),
                p.getQuotaTimeZone() == null ? "UTC" : p.getQuotaTimeZone()),
        p.getOnLimiterError());
  }
}
