package io.meshgate.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.telemetry.CallRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CallAggregatorTest {
  static final Instant T0 = Instant.parse("2030-01-01T12:00:00Z");

  static CallRecord call(
      Instant at, String api, String plan, String clientId, int status, String errorKey, long ms) {
    return new CallRecord(
        at,
        "req",
        "0".repeat(32),
        "0".repeat(16),
        "127.0.0.1",
        api,
        api == null ? null : "v1",
        plan,
        clientId == null ? null : clientId + "-name",
        clientId,
        "GET",
        api == null ? null : "/" + api + "/*",
        status,
        errorKey,
        errorKey == null ? null : "client-auth",
        0,
        10,
        ms * 1_000_000,
        status == 200 ? ms * 900_000 : -1);
  }

  static CallRecord ok(Instant at, String plan, String clientId) {
    return call(at, "orders", plan, clientId, 200, null, 2);
  }

  @Test
  void countsCallsErrorsAndLatencyPerMinuteApiPlanAppAndStatus() {
    CallAggregator agg = new CallAggregator(100);
    agg.add(ok(T0.plusSeconds(1), "gold", "a"));
    agg.add(ok(T0.plusSeconds(59), "gold", "a"));
    agg.add(call(T0.plusMillis(59_999), "orders", "gold", "a", 200, null, 300));
    agg.add(ok(T0.plusSeconds(60), "gold", "a")); // next minute
    agg.add(ok(T0.plusSeconds(2), "free", "a"));
    agg.add(ok(T0.plusSeconds(3), "gold", "b"));
    agg.add(call(T0.plusSeconds(4), "orders", "gold", "a", 502, "UPSTREAM_UNAVAILABLE", 5));
    agg.add(call(T0.plusSeconds(4), "orders", "gold", "a", 404, null, 5)); // upstream's own 404
    agg.add(call(T0.plusSeconds(5), "orders", null, null, 401, "API_KEY_INVALID", 1));
    agg.add(call(T0.plusSeconds(6), null, null, null, 404, "ROUTE_NOT_FOUND", 1));

    List<CallAggregator.Sealed> ended = agg.takeEnded(T0.plusSeconds(61));
    assertThat(ended).hasSize(1);
    CallAggregator.Sealed minute = ended.get(0);
    assertThat(minute.minute()).isEqualTo(T0);
    assertThat(minute.overflowed()).isFalse();
    assertThat(summary(minute.rows()))
        .containsExactlyInAnyOrder(
            "orders gold a a-name 200 calls=3 errors=0",
            "orders free a a-name 200 calls=1 errors=0",
            "orders gold b b-name 200 calls=1 errors=0",
            "orders gold a a-name 502 calls=1 errors=1",
            "orders gold a a-name 404 calls=1 errors=0",
            "orders - - - 401 calls=1 errors=1",
            "- - - - 404 calls=1 errors=1");
    RollupRow gold =
        minute.rows().stream()
            .filter(r -> r.plan().equals("gold") && r.app().equals("a") && r.status() == 200)
            .findFirst()
            .orElseThrow();
    assertThat(gold.histogram()[LatencyHistogram.bucketOf(2_000_000)]).isEqualTo(2);
    assertThat(gold.histogram()[LatencyHistogram.bucketOf(300_000_000)]).isEqualTo(1);

    // The current minute stays until it ends, or until shutdown takes everything.
    assertThat(agg.takeEnded(T0.plusSeconds(119))).isEmpty();
    List<CallAggregator.Sealed> rest = agg.takeAll();
    assertThat(rest).hasSize(1);
    assertThat(rest.get(0).minute()).isEqualTo(T0.plusSeconds(60));
    assertThat(summary(rest.get(0).rows()))
        .containsExactly("orders gold a a-name 200 calls=1 errors=0");
    assertThat(agg.takeAll()).isEmpty();
  }

  @Test
  void aLateCallOfAMinuteAlreadyTakenIsTakenWithTheNextFlush() {
    CallAggregator agg = new CallAggregator(100);
    agg.add(ok(T0.plusSeconds(10), "gold", "a"));
    agg.add(ok(T0.plusSeconds(70), "gold", "a"));
    assertThat(agg.takeEnded(T0.plusSeconds(75))).hasSize(1);

    agg.add(ok(T0.plusSeconds(50), "gold", "a")); // received in minute 0, finished now
    List<CallAggregator.Sealed> late = agg.takeEnded(T0.plusSeconds(80));
    assertThat(late).hasSize(1);
    assertThat(late.get(0).minute()).isEqualTo(T0);
    assertThat(summary(late.get(0).rows()))
        .containsExactly("orders gold a a-name 200 calls=1 errors=0");
  }

  @Test
  void pastTheBoundFurtherAppsCountAsOtherKeepingApiPlanAndStatus() {
    CallAggregator agg = new CallAggregator(2);
    agg.add(ok(T0, "gold", "a"));
    agg.add(ok(T0, "gold", "b"));
    agg.add(ok(T0, "gold", "c"));
    agg.add(ok(T0, "free", "d"));
    agg.add(ok(T0, "gold", "a")); // an existing row still counts as itself
    agg.add(call(T0, "orders", "gold", "e", 429, "RATE_LIMITED", 1));

    CallAggregator.Sealed minute = agg.takeAll().get(0);
    assertThat(minute.overflowed()).isTrue();
    assertThat(summary(minute.rows()))
        .containsExactlyInAnyOrder(
            "orders gold a a-name 200 calls=2 errors=0",
            "orders gold b b-name 200 calls=1 errors=0",
            "orders gold other other 200 calls=1 errors=0",
            "orders free other other 200 calls=1 errors=0",
            "orders gold other other 429 calls=1 errors=1");
  }

  /**
   * Request threads count while the flusher takes minutes: every call is in exactly one sealed
   * table, none lost, none twice.
   */
  @Test
  void noCallIsLostOrCountedTwiceWhileMinutesAreTaken() throws Exception {
    CallAggregator agg = new CallAggregator(1000);
    int threads = 4;
    int perThread = 200_000;
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean done = new AtomicBoolean();
    List<Thread> writers =
        writers(
            threads,
            start,
            t -> {
              String app = "app" + t;
              for (int i = 0; i < perThread; i++) {
                // four minutes, so that tables of ended minutes are sealed under the writers
                agg.add(ok(T0.plusSeconds((i % 4) * 60L), "gold", app));
              }
            });
    List<CallAggregator.Sealed> taken = new ArrayList<>();
    Thread flusher =
        new Thread(
            () -> {
              while (!done.get()) {
                taken.addAll(agg.takeEnded(T0.plusSeconds(240)));
              }
            });
    flusher.start();
    start.countDown();
    for (Thread w : writers) {
      w.join();
    }
    done.set(true);
    flusher.join();
    taken.addAll(agg.takeAll());

    long total = taken.stream().flatMap(s -> s.rows().stream()).mapToLong(RollupRow::calls).sum();
    assertThat(total).isEqualTo((long) threads * perThread);
    for (int t = 0; t < threads; t++) {
      String app = "app" + t;
      long calls =
          taken.stream()
              .flatMap(s -> s.rows().stream())
              .filter(r -> r.app().equals(app))
              .mapToLong(RollupRow::calls)
              .sum();
      assertThat(calls).isEqualTo(perThread);
    }
    assertThat(taken.size()).as("tables taken under the writers").isGreaterThan(4);
  }

  /**
   * Threads counting the same row while its calls move from one latency bucket to several: every
   * call lands in its own bucket exactly once, however the threads interleave with the row adding
   * the cells of new buckets.
   */
  @Test
  void oneRowCountedByManyThreadsKeepsEveryBucketExact() throws Exception {
    CallAggregator agg = new CallAggregator(1000);
    long[] latencies = {2_000_000, 40_000_000, 700_000_000};
    int threads = 4;
    int perThread = 50_000;
    for (int round = 0; round < 20; round++) {
      Instant minute = T0.plusSeconds(60L * round);
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> writers =
          writers(
              threads,
              start,
              t -> {
                for (int i = 0; i < perThread; i++) {
                  // each thread starts in its own bucket, so the row adds buckets under contention
                  long nanos = latencies[(t + i) % latencies.length];
                  agg.add(call(minute, "orders", "gold", "a", 200, null, nanos / 1_000_000));
                }
              });
      start.countDown();
      for (Thread w : writers) {
        w.join();
      }
      List<CallAggregator.Sealed> taken = agg.takeAll();
      RollupRow row = taken.get(0).rows().get(0);
      long[] expected = new long[LatencyHistogram.BUCKETS];
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < perThread; i++) {
          expected[LatencyHistogram.bucketOf(latencies[(t + i) % latencies.length])]++;
        }
      }
      assertThat(row.histogram()).as("round " + round).containsExactly(expected);
      assertThat(row.calls()).isEqualTo((long) threads * perThread);
    }
  }

  /** Starts {@code threads} threads that wait for {@code start}, then run {@code work(index)}. */
  private static List<Thread> writers(
      int threads, CountDownLatch start, java.util.function.IntConsumer work) {
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread w =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                work.accept(index);
              });
      w.start();
      writers.add(w);
    }
    return writers;
  }

  static List<String> summary(List<RollupRow> rows) {
    return rows.stream()
        .map(
            r ->
                String.join(
                    " ",
                    r.api(),
                    r.plan(),
                    r.app(),
                    r.appName(),
                    Integer.toString(r.status()),
                    "calls=" + r.calls(),
                    "errors=" + r.errors()))
        .toList();
  }
}
