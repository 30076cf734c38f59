package io.meshgate.catalog.runtime;

import io.meshgate.catalog.api.ApiEntity;
import io.meshgate.catalog.api.ApiState;
import io.meshgate.catalog.app.AppEntity;
import io.meshgate.catalog.app.CredentialEntity;
import io.meshgate.catalog.product.PlanEntity;
import io.meshgate.catalog.product.ProductEntity;
import io.meshgate.catalog.subscription.SubscriptionEntity;
import io.meshgate.support.SecretDigester;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the catalog from the database and turns entities into immutable snapshots. Called only on
 * cache misses; the data plane never holds an entity.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRED)
public class CatalogReader {

  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  /**
   * The latest snapshot of each plan. Thousands of apps share a handful of plans: each app's
   * snapshot points at this one instead of holding its own copy (with 100,000 active apps the
   * copies were about 40 MB of heap). A snapshot that differs from the stored one replaces it, so a
   * plan change is never hidden.
   */
  private final ConcurrentHashMap<Long, PlanSnapshot> plans = new ConcurrentHashMap<>();

  /** Every published API with its steps and bundling products. */
  public List<ApiSnapshot> publishedApis() {
    List<ApiEntity> apis =
        em.createQuery(
                "select distinct a from ApiEntity a left join fetch a.steps where a.state = :state",
                ApiEntity.class)
            .setParameter("state", ApiState.PUBLISHED)
            .getResultList();
    Map<Long, Set<Long>> productsByApi = new HashMap<>();
    for (ProductEntity product :
        em.createQuery(
                "select distinct p from ProductEntity p left join fetch p.apis",
                ProductEntity.class)
            .getResultList()) {
      for (ApiEntity api : product.getApis()) {
        productsByApi.computeIfAbsent(api.getId(), id -> new HashSet<>()).add(product.getId());
      }
    }
    List<ApiSnapshot> snapshots = new ArrayList<>(apis.size());
    for (ApiEntity api : apis) {
      List<ApiSnapshot.PolicyStepSnapshot> steps =
          api.getSteps().stream()
              .map(
                  s ->
                      new ApiSnapshot.PolicyStepSnapshot(
                          s.getPosition(), s.getPolicyId(), s.getConfigJson()))
              .toList();
      snapshots.add(
          new ApiSnapshot(
              api.getId(),
              api.getName(),
              api.getVersion(),
              api.getBasePath(),
              URI.create(api.getUpstreamUrl()),
              api.getAudience() != null ? api.getAudience() : api.getName(),
              api.getConnectTimeoutMs(),
              api.getReadTimeoutMs(),
              api.getRevision(),
              steps,
              productsByApi.getOrDefault(api.getId(), Set.of())));
    }
    return snapshots;
  }

  /** The API key with that digest, if any (revoked and expired keys included: callers decide). */
  public Optional<CredentialSnapshot> credentialByDigest(String keyDigestHex) {
    return em.createQuery(
            "select c from CredentialEntity c join fetch c.app where c.keyDigest = :d",
            CredentialEntity.class)
        .setParameter("d", keyDigestHex)
        .getResultStream()
        .findFirst()
        .map(
            c ->
                new CredentialSnapshot(
                    c.getId(),
                    c.getApp().getId(),
                    c.getKeyPrefix(),
                    c.getExpiresAt(),
                    c.getRevokedAt(),
                    c.getKind()));
  }

  public Optional<AppSnapshot> appById(long appId) {
    return Optional.ofNullable(em.find(AppEntity.class, appId)).map(this::toSnapshot);
  }

  /**
   * The apps with these ids that exist, in two queries per 500 ids rather than two per app: what a
   * plan or product change re-reads for the apps it evicted ({@link CatalogCache#loadApps}).
   */
  public Map<Long, AppSnapshot> appsById(java.util.Collection<Long> appIds) {
    Map<Long, AppSnapshot> found = new HashMap<>();
    List<Long> ids = List.copyOf(appIds);
    for (int from = 0; from < ids.size(); from += 500) {
      List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
      Map<Long, List<SubscriptionEntity>> subscriptions = new HashMap<>();
      for (SubscriptionEntity s :
          em.createQuery(
                  "select s from SubscriptionEntity s join fetch s.plan p join fetch p.product"
                      + " where s.app.id in :ids",
                  SubscriptionEntity.class)
              .setParameter("ids", chunk)
              .getResultList()) {
        subscriptions.computeIfAbsent(s.getApp().getId(), k -> new ArrayList<>()).add(s);
      }
      for (AppEntity app :
          em.createQuery("select a from AppEntity a where a.id in :ids", AppEntity.class)
              .setParameter("ids", chunk)
              .getResultList()) {
        found.put(app.getId(), toSnapshot(app, subscriptions.getOrDefault(app.getId(), List.of())));
      }
    }
    return found;
  }

  public Optional<AppSnapshot> appByClientId(String clientId) {
    return em.createQuery("select a from AppEntity a where a.clientId = :c", AppEntity.class)
        .setParameter("c", clientId)
        .getResultStream()
        .findFirst()
        .map(this::toSnapshot);
  }

  /** The catalog revision: bumped by every catalog write. */
  public long revision() {
    Object value =
        em.createNativeQuery("select revision from catalog_revision where id = 1")
            .getSingleResult();
    return ((Number) value).longValue();
  }

  private AppSnapshot toSnapshot(AppEntity app) {
    return toSnapshot(
        app,
        em.createQuery(
                "select s from SubscriptionEntity s join fetch s.plan p join fetch p.product where s.app = :app",
                SubscriptionEntity.class)
            .setParameter("app", app)
            .getResultList());
  }

  private AppSnapshot toSnapshot(AppEntity app, List<SubscriptionEntity> ofApp) {
    List<SubscriptionSnapshot> subscriptions = new ArrayList<>();
    for (SubscriptionEntity s : ofApp) {
      PlanEntity plan = s.getPlan();
      subscriptions.add(
          new SubscriptionSnapshot(
              s.getId(),
              s.getState(),
              shared(
                  new PlanSnapshot(
                      plan.getId(),
                      plan.getName(),
                      plan.getProduct().getId(),
                      plan.getProduct().getName(),
                      plan.getScopes().isBlank()
                          ? List.of()
                          : Arrays.asList(plan.getScopes().trim().split("\\s+")),
                      plan.getTokenTtlSeconds(),
                      limitsOf(plan)))));
    }
    return new AppSnapshot(
        app.getId(),
        app.getName(),
        app.getClientId(),
        app.getState(),
        SecretDigester.parseHex(app.getClientSecretDigest()),
        subscriptions);
  }

  private PlanSnapshot shared(PlanSnapshot fresh) {
    return plans.merge(
        fresh.id(), fresh, (stored, latest) -> stored.equals(latest) ? stored : latest);
  }

  /** The plan's limits; values were validated when written, so they parse. */
  public static PlanLimits limitsOf(PlanEntity plan) {
    PlanLimits.Window burst =
        plan.getBurstLimit() == null
            ? null
            : new PlanLimits.Window(plan.getBurstLimit(), plan.getBurstWindowMs());
    PlanLimits.Window rate =
        plan.getRateLimit() == null
            ? null
            : new PlanLimits.Window(
                plan.getRateLimit(),
                io.meshgate.limit.LimitSpec.Rate.perMillis(plan.getRateLimitPer()));
    PlanLimits.Quota quota =
        plan.getQuotaLimit() == null
            ? null
            : new PlanLimits.Quota(
                plan.getQuotaLimit(),
                "month".equals(plan.getQuotaPer())
                    ? PlanLimits.QuotaPeriod.MONTH
                    : PlanLimits.QuotaPeriod.DAY,
                zone(plan),
                !"soft".equals(plan.getQuotaEnforcement()));
    return new PlanLimits(burst, rate, quota, !"fail-closed".equals(plan.getOnLimiterError()));
  }

  /**
   * The quota's zone. Admin writes accept only known ids, but a row edited by hand or a replica
   * with older time-zone data must not make the app's calls fail: UTC then, with a WARN.
   */
  private static java.time.ZoneId zone(PlanEntity plan) {
    String id = plan.getQuotaTimeZone();
    if (id == null) {
      return java.time.ZoneOffset.UTC;
    }
    try {
      return java.time.ZoneId.of(id);
    } catch (java.time.DateTimeException e) {
      java.util.logging.Logger.getLogger(CatalogReader.class.getName())
          .warning(
              "MESHGATE-CATALOG: plan "
                  + plan.getId()
                  + " has an unknown quota time zone '"
                  + id
                  + "'; counting its quota in UTC");
      return java.time.ZoneOffset.UTC;
    }
  }
}
