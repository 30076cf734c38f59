package io.meshgate.token;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link RemoteJwks} per (URL, refresh, unknown-kid interval), shared by every API that trusts
 * the same identity provider and kept across catalog changes, so rebuilding a policy chain does not
 * refetch a key set.
 */
@ApplicationScoped
public class ExternalKeySets {
  @Inject Clock clock;

  private final ConcurrentHashMap<Key, RemoteJwks> sets = new ConcurrentHashMap<>();

  private record Key(URI url, Duration refreshEvery, Duration unknownKidInterval) {}

  /** For tests and tools outside CDI. */
  public static ExternalKeySets using(Clock clock) {
    ExternalKeySets sets = new ExternalKeySets();
    sets.clock = clock;
    return sets;
  }

  public RemoteJwks forUrl(URI url, Duration refreshEvery, Duration unknownKidInterval) {
    return sets.computeIfAbsent(
        new Key(url, refreshEvery, unknownKidInterval),
        k -> new RemoteJwks(k.url(), k.refreshEvery(), k.unknownKidInterval(), clock));
  }
}
