package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.LimitedApi;
import it.io.meshgate.support.OnManagedGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas sharing the database and the real local Redis, hammered together: the plan's limit
 * holds for both together, not for each. Runs in the PostgreSQL + Redis suite.
 */
class SharedRateLimitIT extends OnManagedGateway {
  private static final int LIMIT_PER_SECOND = 20;
  private static final Duration RUN = Duration.ofSeconds(5);
  private static LibertyServer replica;
  private final Gateways gw = Gateways.get();

  @BeforeAll
  static void startReplica() {
    Assumptions.assumeTrue(
        Gateways.get().redis(), "replicas share counters through Redis: the Redis suite runs this");
    replica = Gateways.get().newReplica("rl").start();
  }

  @AfterAll
  static void stopReplica() {
    if (replica != null) {
      replica.stop();
    }
  }

  @Test
  void twoReplicasHammeredTogetherAdmitThePlansLimitOnce() throws Exception {
    LimitedApi api =
        new LimitedApi(
            "{}",
            Map.of(
                "twenty", "\"rateLimit\":{\"limit\":" + LIMIT_PER_SECOND + ",\"per\":\"second\"}"));
    LimitedApi.App app = api.subscribe("twenty");
    List<URI> targets =
        List.of(gw.server().uri(api.basePath + "/h"), replica.uri(api.basePath + "/h"));
    // Both replicas serve the new API before the clock starts (a warm-up app, counted apart).
    for (URI target : targets) {
      awaitKnown(target, app.key());
    }
    LimitedApi.App fresh = api.subscribe("twenty");

    AtomicLong admitted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong other = new AtomicLong();
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    long start = System.nanoTime();
    long end = start + RUN.toNanos();
    List<Future<?>> workers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      URI target = targets.get(i % 2);
      workers.add(
          pool.submit(
              () -> {
                HttpRequest request =
                    HttpRequest.newBuilder(target)
                        .header("X-API-Key", fresh.key())
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build();
                while (System.nanoTime() < end) {
                  int status =
                      client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                  (status == 200 ? admitted : status == 429 ? refused : other).incrementAndGet();
                }
                return null;
              }));
    }
    for (Future<?> w : workers) {
      w.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdownNow();

    long ceiling = LIMIT_PER_SECOND * RUN.toSeconds() + LIMIT_PER_SECOND;
    long floor = Math.round(0.9 * LIMIT_PER_SECOND * RUN.toSeconds());
    System.out.printf(
        "[%s+redis] two replicas, %.2f s at %d/s: admitted %d (bounds %d..%d), refused %d, other %d%n",
        gw.db(),
        seconds,
        LIMIT_PER_SECOND,
        admitted.get(),
        floor,
        ceiling,
        refused.get(),
        other.get());
    assertThat(other.get()).isZero();
    assertThat(refused.get()).isPositive();
    assertThat(admitted.get()).isBetween(floor, ceiling);
  }

  /** Polls until the replica admits the app (it reads the catalog from the shared database). */
  private static void awaitKnown(URI target, String key) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int status = -1;
    while (System.nanoTime() < deadline) {
      status = it.io.meshgate.support.Http.get(target, "X-API-Key", key).statusCode();
      if (status == 200) {
        return;
      }
    }
    throw new AssertionError("replica at " + target + " answered " + status);
  }
}
