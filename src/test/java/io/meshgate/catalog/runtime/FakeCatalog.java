package io.meshgate.catalog.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link CatalogCache} over in-memory snapshots instead of the database, for unit tests in any
 * package. Counts reader calls so tests can see what the cache answered by itself.
 */
public final class FakeCatalog {
  private final List<ApiSnapshot> apis = new ArrayList<>();
  private final Map<String, CredentialSnapshot> credentials = new HashMap<>();
  private final Map<Long, AppSnapshot> appsById = new HashMap<>();
  private final Map<String, AppSnapshot> appsByClientId = new HashMap<>();
  private int reads;
  private final CatalogCache cache;

  public FakeCatalog() {
    this(1000, 100);
  }

  /** With the cache sizes as configured ({@code MESHGATE_CACHE_MAX_ENTRIES}, {@code _MISSES}). */
  public FakeCatalog(long maxEntries, long maxMisses) {
    cache = new CatalogCache();
    cache.reader = new Reader();
    cache.maxEntries = maxEntries;
    cache.maxMisses = maxMisses;
    cache.init();
  }

  public CatalogCache cache() {
    return cache;
  }

  /** Reader calls so far (cache misses). */
  public int reads() {
    return reads;
  }

  public FakeCatalog api(ApiSnapshot api) {
    apis.add(api);
    return this;
  }

  public FakeCatalog credential(String digestHex, CredentialSnapshot credential) {
    credentials.put(digestHex, credential);
    return this;
  }

  public FakeCatalog app(AppSnapshot app) {
    appsById.put(app.id(), app);
    appsByClientId.put(app.clientId(), app);
    return this;
  }

  private final class Reader extends CatalogReader {
    @Override
    public List<ApiSnapshot> publishedApis() {
      reads++;
      return List.copyOf(apis);
    }

    @Override
    public Optional<CredentialSnapshot> credentialByDigest(String keyDigestHex) {
      reads++;
      return Optional.ofNullable(credentials.get(keyDigestHex));
    }

    @Override
    public Optional<AppSnapshot> appById(long appId) {
      reads++;
      return Optional.ofNullable(appsById.get(appId));
    }

    @Override
    public Map<Long, AppSnapshot> appsById(java.util.Collection<Long> appIds) {
      reads++;
      Map<Long, AppSnapshot> found = new HashMap<>();
      appIds.forEach(
          id -> {
            if (appsById.containsKey(id)) {
              found.put(id, appsById.get(id));
            }
          });
      return found;
    }

    @Override
    public Optional<AppSnapshot> appByClientId(String clientId) {
      reads++;
      return Optional.ofNullable(appsByClientId.get(clientId));
    }
  }
}
