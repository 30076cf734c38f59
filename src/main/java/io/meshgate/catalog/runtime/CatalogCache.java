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
 * optionals), so a flood of unknown keys does not reach the database more than once per key.
 * Everything is dropped together when the catalog revision changes ({@link #invalidateAll()}).
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
    return credentials.get(digestHex, reader::credentialByDigest);
  }

  public Optional<AppSnapshot> appById(long appId) {
    return appsById.get(appId, reader::appById);
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
    return appsByClientId.get(clientId, reader::appByClientId);
  }

  /** Drops every snapshot; the next request reloads what it needs. */
  public void invalidateAll() {
    synchronized (this) {
      apis = null;
    }
    credentials.invalidateAll();
    appsById.invalidateAll();
    appsByClientId.invalidateAll();
  }
}
