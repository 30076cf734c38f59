package io.meshgate.catalog.runtime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.meshgate.support.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The caches the data plane reads: published APIs (all of them, sorted for longest-prefix
 * matching), credentials by digest and apps by id and client id. Misses are cached too, so a flood
 * of unknown keys does not reach the database more than once per key, but apart and fewer ({@code
 * meshgate.cache.max-misses}): made-up keys cost a client nothing, and with the found entries'
 * limit they could fill the heap (a million 64-character digests are ~230 MiB) and push out the
 * apps that are really calling. A catalog change evicts the entries of the entity it names ({@link
 * #evictApp}, {@link #evictPlan}, {@link #evictProduct}, {@link #evictApis}); everything is dropped
 * together ({@link #invalidateAll()}) only when a replica cannot tell what changed.
 */
@ApplicationScoped
public class CatalogCache {
  /** Length of the {@code app.client_id} column. */
  public static final int MAX_CLIENT_ID_LENGTH = 100;

  @Inject CatalogReader reader;

  @Inject
  @ConfigProperty(name = "meshgate.cache.max-entries", defaultValue = "1000000")
  long maxEntries;

  @Inject
  @ConfigProperty(name = "meshgate.cache.max-misses", defaultValue = "100000")
  long maxMisses;

  private volatile List<ApiSnapshot> apis;
  private Cache<String, CredentialSnapshot> credentials;
  private Cache<Long, AppSnapshot> appsById;
  private Cache<String, AppSnapshot> appsByClientId;
  private Cache<String, Boolean> unknownDigests;
  private Cache<Long, Boolean> unknownAppIds;
  private Cache<String, Boolean> unknownClientIds;

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
    maxEntries = Settings.atLeast("MESHGATE_CACHE_MAX_ENTRIES", maxEntries, 1, 1_000_000);
    maxMisses = Settings.atLeast("MESHGATE_CACHE_MAX_MISSES", maxMisses, 1, 100_000);
    credentials = Caffeine.newBuilder().maximumSize(maxEntries).build();
    appsById = Caffeine.newBuilder().maximumSize(maxEntries).build();
    appsByClientId = Caffeine.newBuilder().maximumSize(maxEntries).build();
    unknownDigests = Caffeine.newBuilder().maximumSize(maxMisses).build();
    unknownAppIds = Caffeine.newBuilder().maximumSize(maxMisses).build();
    unknownClientIds = Caffeine.newBuilder().maximumSize(maxMisses).build();
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
    return lookup(credentials, unknownDigests, digestHex, reader::credentialByDigest);
  }

  public Optional<AppSnapshot> appById(long appId) {
    return lookup(appsById, unknownAppIds, appId, reader::appById);
  }

  /**
   * Reads the apps of these ids that are not cached, all at once, and caches them: after a plan or
   * product change, so that the evicted apps' next calls find their snapshots. Nothing is kept if
   * an eviction ran meanwhile (the next call reads its app as usual); apps that no longer exist are
   * left to their next call.
   */
  public void loadApps(java.util.Collection<Long> appIds) {
    long seen = evictions.get();
    List<Long> missing =
        appIds.stream().distinct().filter(id -> appsById.getIfPresent(id) == null).toList();
    if (missing.isEmpty()) {
      return;
    }
    java.util.Map<Long, AppSnapshot> read = reader.appsById(missing);
    if (evictions.get() != seen) {
      return;
    }
    read.forEach(appsById.asMap()::putIfAbsent);
    if (evictions.get() != seen) {
      appsById.invalidateAll(read.keySet());
    }
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
    return lookup(appsByClientId, unknownClientIds, clientId, reader::appByClientId);
  }

  /**
   * Misses held now (keys, apps and client ids that do not exist); at most {@code maxMisses} each.
   */
  long cachedMisses() {
    unknownDigests.cleanUp();
    unknownAppIds.cleanUp();
    unknownClientIds.cleanUp();
    return unknownDigests.estimatedSize()
        + unknownAppIds.estimatedSize()
        + unknownClientIds.estimatedSize();
  }

  /**
   * The eviction generation now. A request takes it before it reads any snapshot; if it differs
   * when the request caches something derived from them (a minted token), an eviction ran in
   * between and what was derived may be stale.
   */
  public long generation() {
    return evictions.get();
  }

  /**
   * The entry of {@code key}: from {@code found}, or known to be missing from {@code unknown}, or
   * read (concurrent reads of one key wait for one load) and kept in the one that fits, unless an
   * eviction ran while it was read.
   */
  private <K, V> Optional<V> lookup(
      Cache<K, V> found,
      Cache<K, Boolean> unknown,
      K key,
      java.util.function.Function<K, Optional<V>> read) {
    V hit = found.getIfPresent(key);
    if (hit != null) {
      return Optional.of(hit);
    }
    if (unknown.getIfPresent(key) != null) {
      return Optional.empty();
    }
    long seen = evictions.get();
    V value = found.get(key, k -> read.apply(k).orElse(null));
    if (value == null) {
      unknown.put(key, Boolean.TRUE);
    }
    if (evictions.get() != seen) {
      found.invalidate(key);
      unknown.invalidate(key);
    }
    return Optional.ofNullable(value);
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
    unknownAppIds.invalidate(appId);
    if (clientId != null) {
      appsByClientId.invalidate(clientId);
      unknownClientIds.invalidate(clientId);
    } else {
      appsByClientId.asMap().values().removeIf(a -> a.id() == appId);
    }
    credentials.asMap().values().removeIf(c -> c.appId() == appId);
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
    java.util.function.Predicate<AppSnapshot> stale =
        a -> a.subscriptions().stream().anyMatch(affected);
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
    unknownDigests.invalidateAll();
    unknownAppIds.invalidateAll();
    unknownClientIds.invalidateAll();
    evictions.incrementAndGet();
  }
}
