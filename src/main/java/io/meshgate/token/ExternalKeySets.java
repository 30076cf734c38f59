package io.meshgate.token;

import io.meshgate.telemetry.Telemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link RemoteJwks} per key-set URL, shared by every API that trusts the same identity
 * provider and kept across catalog changes, so rebuilding a policy chain does not refetch a key
 * set.
 */
@ApplicationScoped
public class ExternalKeySets {
  @Inject Clock clock;
  @Inject Telemetry telemetry;

  private final ConcurrentHashMap<URI, RemoteJwks> sets = new ConcurrentHashMap<>();

  @PostConstruct
  void init() {
    AttributeKey<String> url = AttributeKey.stringKey("jwks_url");
    AttributeKey<String> result = AttributeKey.stringKey("result");
    telemetry
        .meter()
        .counterBuilder("meshgate.jwks.fetches")
        .setDescription(
            "Fetches of external identity providers' key sets, by key-set URL and result")
        .setUnit("{fetch}")
        .buildWithCallback(
            m ->
                sets.forEach(
                    (u, set) -> {
                      long failed = set.failures();
                      long done = set.fetches();
                      m.record(
                          Math.max(0, done - failed),
                          Attributes.of(url, u.toString(), result, "ok"));
                      m.record(failed, Attributes.of(url, u.toString(), result, "error"));
                    }));
  }

  /** For tests and tools outside CDI. */
  public static ExternalKeySets using(Clock clock) {
    ExternalKeySets sets = new ExternalKeySets();
    sets.clock = clock;
    return sets;
  }

  /**
   * The key set at {@code url}, shared by every API that trusts it. When APIs configure different
   * intervals, the shortest refresh and the longest unknown-kid interval apply.
   */
  public RemoteJwks forUrl(URI url, Duration refreshEvery, Duration unknownKidInterval) {
    RemoteJwks set =
        sets.computeIfAbsent(url, u -> new RemoteJwks(u, refreshEvery, unknownKidInterval, clock));
    set.tighten(refreshEvery, unknownKidInterval);
    return set;
  }
}
