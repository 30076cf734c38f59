package io.meshgate.catalog.runtime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The caches the data plane reads: published APIs (all of them, sorted for longest-prefix
 * matching), credentials by digest and apps by id and client id. Misses are cached too (as empty
 * optionals), so a flood of unknown keys does not reach the database more than once per key. A
 * catalog change evicts the entries of the entity it names ({@link #evictApp}, {@link #evictPlan},
 * {@link #evictProduct}, {@link #evictApis}); everything is dropped together ({@link
 * #invalidateAll()}) only when a replica cannot tell what changed.
 */
@ApplicationScoped
public class CatalogCache {
  /** Length of the {@code app.client_id} column. */
  public static final int MAX_CLIENT_ID_LENGTH = 100;

  @Inject CatalogReader reader;

  @Inject
  @ConfigProperty(name = "meshgate.cache.max-entries", defaultValue = "1000000")
  long maxEntries;

  private volatile List<ApiSnapshot> apis;
  private Cache<String, Optional<CredentialSnapshot>> credentials;
  private Cache<Long, Optional<AppSnapshot>> appsById;
  private Cache<String, Optional<AppSnapshot>> appsByClientId;

  /**
   * Bumped before and after every eviction. A load that overlapped one may have read the catalog
   * before the change committed, and a pass over the entries cannot see an entry still being
   * loaded: such a load is used for its own request but not kept (see {@link #keepIfCurrent}). A
   * request that read snapshots while the generation moved may also have minted a token from them:
   * the token cache does not keep it either ({@link #generation()}).
   */
  private final java.util.concurrent.atomic.AtomicLong evictions =
      new java.util.concurrent.atomic.AtomicLong();

  @jakarta.annotation.PostConstruct
  void init() {
    credentials = Caffeine.newBuilder().maximumSize(maxEntries).build();
    appsById = Caffeine.newBuilder().maximumSize(maxEntries).build();
    appsByClientId = Caffeine.newBuilder().maximumSize(maxEntries).build();
  }

  /** Published APIs, longest base path first. */
  public List<ApiSnapshot> publishedApis() {
    List<ApiSnapshot> current = apis;
    if (current == null) {
      synchronized (this) {
        current = apis;
        if (current == null) {
          current =
              reader.publishedApis().stream()
                  .sorted(
                      Comparator.comparingInt((ApiSnapshot a) -> a.basePath().length()).reversed())
                  .toList();
          apis = current;
        }
      }
    }
    return current;
  }

  public Optional<CredentialSnapshot> credentialByDigest(String digestHex) {
    long seen = evictions.get();
    return keepIfCurrent(
        credentials, digestHex, credentials.get(digestHex, reader::credentialByDigest), seen);
  }

  public Optional<AppSnapshot> appById(long appId) {
    long seen = evictions.get();
    return keepIfCurrent(appsById, appId, appsById.get(appId, reader::appById), seen);
  }

  /**
   * The app with this client id. An id longer than any stored one (the column holds {@value
   * #MAX_CLIENT_ID_LENGTH} characters) is answered without a query and without a cache entry, so
   * callers cannot fill the cache with megabyte-long made-up ids.
   */
  public Optional<AppSnapshot> appByClientId(String clientId) {
    if (clientId.length() > MAX_CLIENT_ID_LENGTH) {
      return Optional.empty();
    }
    long seen = evictions.get();
    return keepIfCurrent(
        appsByClientId, clientId, appsByClientId.get(clientId, reader::appByClientId), seen);
  }

  /**
   * The eviction generation now. A request takes it before it reads any snapshot; if it differs
   * when the request caches something derived from them (a minted token), an eviction ran in
   * between and what was derived may be stale.
   */
  public long generation() {
    return evictions.get();
  }

  /** Returns {@code value}, forgetting its entry when an eviction ran while it was read. */
  private <K, V> V keepIfCurrent(Cache<K, V> cache, K key, V value, long seen) {
    if (evictions.get() != seen) {
      cache.invalidate(key);
    }
    return value;
  }

  /**
   * Evicts one app: its snapshots (state, subscriptions, secret digest), a cached miss of its
   * client id (a new app) and its API keys. Keys are cached by digest, which no change carries, so
   * they are found by the app they belong to: a pass over the cache's entries, on an admin write,
   * never on a request.
   *
   * @param clientId the app's client id, or {@code null} to find its entries by app id
   */
  public void evictApp(long appId, String clientId) {
    evictions.incrementAndGet();
    appsById.invalidate(appId);
    if (clientId != null) {
      appsByClientId.invalidate(clientId);
    } else {
      appsByClientId.asMap().values().removeIf(a -> a.isPresent() && a.get().id() == appId);
    }
    credentials.asMap().values().removeIf(c -> c.isPresent() && c.get().appId() == appId);
    evictions.incrementAndGet();
  }

  /** Evicts every app subscribed to this plan (their snapshots hold the plan's settings). */
  public void evictPlan(long planId) {
    evictAppsWhere(s -> s.plan().id() == planId);
  }

  /** Evicts every app subscribed to a plan of this product (snapshots hold the product's name). */
  public void evictProduct(long productId) {
    evictAppsWhere(s -> s.plan().productId() == productId);
  }

  /** Forgets the published APIs (one list, reloaded by the next request). */
  public void evictApis() {
    evictions.incrementAndGet();
    synchronized (this) {
      apis = null;
    }
    evictions.incrementAndGet();
  }

  private void evictAppsWhere(java.util.function.Predicate<SubscriptionSnapshot> affected) {
    evictions.incrementAndGet();
    java.util.function.Predicate<Optional<AppSnapshot>> stale =
        a -> a.isPresent() && a.get().subscriptions().stream().anyMatch(affected);
    appsById.asMap().values().removeIf(stale);
    appsByClientId.asMap().values().removeIf(stale);
    evictions.incrementAndGet();
  }

  /** Drops every snapshot; the next request reloads what it needs. */
  public void invalidateAll() {
    evictions.incrementAndGet();
    synchronized (this) {
      apis = null;
    }
    credentials.invalidateAll();
    appsById.invalidateAll();
    appsByClientId.invalidateAll();
    evictions.incrementAndGet();
  }
}
