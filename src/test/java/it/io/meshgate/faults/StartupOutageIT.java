package it.io.meshgate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.TcpProxy;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A replica starts while PostgreSQL is down (stopped, frozen, stopped: three rounds, each a fresh
 * start of the server): readiness answers within 1 s with a fixed reason, liveness fails once
 * start-up misses {@code MESHGATE_STARTUP_DEADLINE} (so Kubernetes would restart the pod), and the
 * replica becomes ready by itself within 10 s of the database coming back.
 */
class StartupOutageIT extends OnManagedGateway {
  static final String DEADLINE = "PT15S";
  static final long MAX_READY_AFTER_RETURN_MS = 10_000;

  private static TcpProxy proxy;
  private static LibertyServer replica;
  private static final List<String> measured = new ArrayList<>();

  @BeforeAll
  static void create() {
    FaultSuite.requirePostgresql();
    proxy = FaultSuite.postgresProxy();
    Map<String, String> settings = new HashMap<>(FaultSuite.viaProxy(proxy));
    settings.put("MESHGATE_STARTUP_DEADLINE", DEADLINE);
    replica = Gateways.get().newReplica("pg-startup", settings);
  }

  @AfterAll
  static void stop() {
    FaultSuite.finish(measured, replica, proxy);
  }

  @Test
  void aReplicaStartedDuringAnOutageBecomesReadyWhenTheDatabaseReturns() {
    String[] outages = {"stopped", "frozen", "stopped"};
    for (int round = 1; round <= outages.length; round++) {
      String kind = outages[round - 1];
      if (kind.equals("stopped")) {
        proxy.stop();
      } else {
        proxy.freeze();
      }
      replica.launch();
      HttpResponse<String> first = awaitAnswer(replica.uri("/health/ready"), 120);
      long slowestProbe = 0;
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        HttpResponse<String> r = Http.get(replica.uri("/health/ready"));
        long ms = FaultSuite.elapsedMs(start);
        slowestProbe = Math.max(slowestProbe, ms);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.body()).doesNotContainPattern(PostgresOutageIT.EXCEPTION_TEXT);
        assertThat(r.body()).contains("\"startup\":\"waiting for the database\"");
        assertThat(ms).as("readiness took ms").isLessThan(PostgresOutageIT.MAX_PROBE_MS);
      }
      assertThat(first.statusCode()).isEqualTo(503);

      HttpResponse<String> live =
          FaultSuite.await(() -> Http.get(replica.uri("/health/live")), 503, 60, 200);
      assertThat(live.body()).contains("not complete within " + DEADLINE);
      assertThat(live.body()).doesNotContainPattern(PostgresOutageIT.EXCEPTION_TEXT);

      proxy.resume();
      long back = System.nanoTime();
      FaultSuite.await(() -> Http.get(replica.uri("/health/ready")), 200, 30, 503);
      long readyMs = FaultSuite.elapsedMs(back);
      assertThat(readyMs)
          .as("ready after the database returned, ms")
          .isLessThan(MAX_READY_AFTER_RETURN_MS);
      assertThat(Http.get(replica.uri("/health/live")).statusCode()).isEqualTo(200);
      assertThat(Http.get(replica.uri("/orders/items"), "X-API-Key", "orders-key-1").statusCode())
          .isEqualTo(200);
      assertThat(replica.messages()).doesNotContain("NullPointerException");
      measured.add(
          String.format(
              "[startup, postgresql %s, round %d] slowest readiness probe %d ms; ready %d ms after"
                  + " the database returned",
              kind, round, slowestProbe, readyMs));
      replica.stop();
    }
  }

  /**
   * Polls until the application's own checks answer (it is deployed), for at most {@code seconds}.
   */
  private static HttpResponse<String> awaitAnswer(URI uri, int seconds) {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    UncheckedIOException last = null;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = Http.get(uri);
        // 404 until the application is deployed, then DOWN with no checks until its health
        // checks are registered.
        if (r.body().contains("\"name\":\"meshgate\"")) {
          return r;
        }
      } catch (UncheckedIOException e) {
        last = e;
      }
      FaultSuite.pace();
    }
    throw new AssertionError("no answer from " + uri + " within " + seconds + " s", last);
  }
}
