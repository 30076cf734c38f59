package io.meshgate.admin.subscriptions;

import io.meshgate.admin.Page;
import io.meshgate.admin.RequestValidator;
import io.meshgate.admin.apps.AppAdmin;
import io.meshgate.admin.audit.AuditLog;
import io.meshgate.admin.error.AdminException;
import io.meshgate.admin.products.ProductAdmin;
import io.meshgate.catalog.app.AppEntity;
import io.meshgate.catalog.product.PlanEntity;
import io.meshgate.catalog.runtime.CatalogReader;
import io.meshgate.catalog.runtime.PlanLimits;
import io.meshgate.catalog.subscription.SubscriptionEntity;
import io.meshgate.catalog.subscription.SubscriptionState;
import io.meshgate.catalog.sync.CatalogChange;
import io.meshgate.limit.Decision;
import io.meshgate.limit.LimitCheck;
import io.meshgate.limit.LimitSpec;
import io.meshgate.limit.Limiter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Use cases of subscriptions. "One plan per product per app" is checked under a row lock on the
 * app, so two concurrent subscribe calls for one app cannot both pass the check (the schema cannot
 * express a partial unique index on both H2 and PostgreSQL).
 */
@ApplicationScoped
@Transactional
public class SubscriptionAdmin {
  public static final String SUBSCRIPTION_NOT_FOUND = "SUBSCRIPTION_NOT_FOUND";
  public static final String SUBSCRIPTION_EXISTS = "SUBSCRIPTION_EXISTS";
  public static final String SUBSCRIPTION_STATE_CONFLICT = "SUBSCRIPTION_STATE_CONFLICT";
  public static final String LIMITER_UNAVAILABLE = "LIMITER_UNAVAILABLE";
  static final String ENTITY = "subscription";

  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  @Inject RequestValidator validator;
  @Inject AuditLog audit;
  @Inject Clock clock;
  @Inject Limiter limiter;

  public SubscriptionView create(String actor, SubscriptionRequest request) {
    validator.check(request);
    AppEntity app = em.find(AppEntity.class, request.appId(), LockModeType.PESSIMISTIC_WRITE);
    if (app == null) {
      throw AdminException.notFound(AppAdmin.APP_NOT_FOUND, "app", request.appId());
    }
    PlanEntity plan = em.find(PlanEntity.class, request.planId());
    if (plan == null) {
      throw AdminException.notFound(ProductAdmin.PLAN_NOT_FOUND, "plan", request.planId());
    }
    long existing =
        em.createQuery(
                "select count(s) from SubscriptionEntity s where s.app = :a and s.product = :p"
                    + " and s.state <> :cancelled",
                Long.class)
            .setParameter("a", app)
            .setParameter("p", plan.getProduct())
            .setParameter("cancelled", SubscriptionState.CANCELLED)
            .getSingleResult();
    if (existing > 0) {
      throw AdminException.conflict(
          SUBSCRIPTION_EXISTS,
          "App "
              + app.getName()
              + " already subscribes to a plan of product "
              + plan.getProduct().getName()
              + "; migrate that subscription instead");
    }
    SubscriptionEntity s =
        new SubscriptionEntity(
            app, plan, SubscriptionTransitions.initial(plan.isApprovalRequired()), clock.instant());
    em.persist(s);
    em.flush();
    SubscriptionView after = view(s);
    audit.write(actor, "subscription.create", ENTITY, s.getId(), null, after, changeOf(s));
    return after;
  }

  public SubscriptionView get(long id) {
    return view(find(id));
  }

  public Page<SubscriptionView> list(Long appId, SubscriptionState state, Page.Request page) {
    StringBuilder where = new StringBuilder(" where 1 = 1");
    Map<String, Object> params = new HashMap<>();
    if (appId != null) {
      where.append(" and s.app.id = :app");
      params.put("app", appId);
    }
    if (state != null) {
      where.append(" and s.state = :state");
      params.put("state", state);
    }
    var count = em.createQuery("select count(s) from SubscriptionEntity s" + where, Long.class);
    var select =
        em.createQuery(
            "select s from SubscriptionEntity s" + where + " order by s.id",
            SubscriptionEntity.class);
    params.forEach(
        (k, v) -> {
          count.setParameter(k, v);
          select.setParameter(k, v);
        });
    return new Page<>(
        select
            .setFirstResult(page.offset())
            .setMaxResults(page.size())
            .getResultStream()
            .map(SubscriptionAdmin::view)
            .toList(),
        page.page(),
        page.size(),
        count.getSingleResult());
  }

  public SubscriptionView apply(String actor, long id, SubscriptionTransitions.Action action) {
    SubscriptionEntity s = find(id);
    SubscriptionState to =
        SubscriptionTransitions.next(s.getState(), action)
            .orElseThrow(
                () ->
                    AdminException.conflict(
                        SUBSCRIPTION_STATE_CONFLICT,
                        "Cannot "
                            + action.name().toLowerCase(Locale.ROOT)
                            + " a subscription that is "
                            + s.getState().name().toLowerCase(Locale.ROOT)));
    SubscriptionView before = view(s);
    s.changeState(to, clock.instant());
    em.flush();
    SubscriptionView after = view(s);
    audit.write(actor, action.operation(), ENTITY, id, before, after, changeOf(s));
    return after;
  }

  /** Moves the subscription to another plan of the same product. */
  public SubscriptionView migrate(String actor, long id, MigrateRequest request) {
    validator.check(request);
    SubscriptionEntity s = find(id);
    PlanEntity target = em.find(PlanEntity.class, request.planId());
    if (target == null) {
      throw AdminException.notFound(ProductAdmin.PLAN_NOT_FOUND, "plan", request.planId());
    }
    if (!target.getProduct().getId().equals(s.getProduct().getId())) {
      throw AdminException.invalid(
          "planId",
          "must be a plan of product "
              + s.getProduct().getName()
              + " (plan "
              + target.getId()
              + " is of product "
              + target.getProduct().getName()
              + ")");
    }
    SubscriptionState to =
        SubscriptionTransitions.afterMigration(s.getState(), target.isApprovalRequired())
            .orElseThrow(
                () ->
                    AdminException.conflict(
                        SUBSCRIPTION_STATE_CONFLICT, "A cancelled subscription cannot migrate"));
    if (target.getId().equals(s.getPlan().getId())) {
      return view(s);
    }
    SubscriptionView before = view(s);
    Instant now = clock.instant();
    s.changePlan(target, now);
    s.changeState(to, now);
    em.flush();
    SubscriptionView after = view(s);
    audit.write(actor, "subscription.migrate", ENTITY, id, before, after, changeOf(s));
    return after;
  }

  /** The subscription's current rate-limit and quota counts. */
  public UsageView usage(long id) {
    return usage(find(id));
  }

  /** Forgets the subscription's counts (rate windows and quota); audited. */
  public UsageView resetUsage(String actor, long id) {
    SubscriptionEntity s = find(id);
    UsageView before = usage(s);
    try {
      limiter.reset(id);
    } catch (IllegalStateException e) {
      throw new AdminException(503, LIMITER_UNAVAILABLE, e.getMessage());
    }
    UsageView after = usage(s);
    audit.write(actor, "subscription.usage.reset", ENTITY, id, before, after, changeOf(s));
    return after;
  }

  private UsageView usage(SubscriptionEntity s) {
    PlanEntity plan = s.getPlan();
    PlanLimits limits = CatalogReader.limitsOf(plan);
    Instant now = clock.instant();
    Decision d = limiter.peek(LimitCheck.of(s.getId(), limits, List.of(), now));
    UsageView.Window burst = null;
    UsageView.Window rate = null;
    UsageView.Quota quota = null;
    for (Decision.Count c : d.counts()) {
      if (c.quota()) {
        LimitCheck.QuotaCheck q = LimitCheck.quota(limits.quota(), now);
        quota =
            new UsageView.Quota(
                c.limit(),
                plan.getQuotaPer(),
                limits.quota().zone().getId(),
                c.hard() ? "hard" : "soft",
                q.period(),
                Instant.ofEpochMilli(q.periodStartMs()),
                Instant.ofEpochMilli(q.periodEndMs()),
                c.used(),
                c.remaining(),
                c.exceeded(),
                LimitSpec.seconds(c.resetMs()));
      } else if (c.name().equals("burst")) {
        burst = window(c, limits.burst().windowMs());
      } else {
        rate = window(c, limits.rate().windowMs());
      }
    }
    return new UsageView(
        s.getId(),
        plan.getId(),
        plan.getName(),
        d.shared() ? "redis" : "local",
        now,
        burst,
        rate,
        quota);
  }

  private static UsageView.Window window(Decision.Count c, long windowMs) {
    return new UsageView.Window(
        c.limit(), windowMs, c.used(), c.remaining(), LimitSpec.seconds(c.resetMs()));
  }

  /**
   * A subscription lives in its app's snapshot, and its plan is in the app's cached tokens: a
   * change to it evicts that app's entries (a migration's old and new plan included).
   */
  private static CatalogChange changeOf(SubscriptionEntity s) {
    return CatalogChange.subscription(s.getId(), s.getApp().getId(), s.getApp().getClientId());
  }

  private SubscriptionEntity find(long id) {
    SubscriptionEntity s = em.find(SubscriptionEntity.class, id);
    if (s == null) {
      throw AdminException.notFound(SUBSCRIPTION_NOT_FOUND, "subscription", id);
    }
    return s;
  }

  static SubscriptionView view(SubscriptionEntity s) {
    return new SubscriptionView(
        s.getId(),
        s.getApp().getId(),
        s.getPlan().getId(),
        s.getPlan().getName(),
        s.getProduct().getId(),
        s.getProduct().getName(),
        s.getState().name().toLowerCase(Locale.ROOT),
        s.getCreatedAt(),
        s.getUpdatedAt());
  }
}
