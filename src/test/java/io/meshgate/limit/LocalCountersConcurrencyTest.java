package io.meshgate.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.catalog.runtime.PlanLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Calls of one subscription decided at once, or in another order than their clocks were read, never
 * admit more than its limit.
 */
class LocalCountersConcurrencyTest {

  @Test
  void aCallWhoseClockWasReadEarlierCannotSlipPastTheLimit() {
    // A 50-way burst reads the clock on 50 threads; the thread that read it first may reach the
    // counters last, after the window has moved on to the next bucket.
    LocalCounters local = new LocalCounters(10);
    PlanLimits limits = new PlanLimits(null, new PlanLimits.Window(10, 1000), null, true);
    Instant early = Instant.parse("2026-11-22T12:00:00.040Z");
    Instant later = early.plusMillis(60);
    for (int i = 0; i < 10; i++) {
      assertThat(local.decide(LimitCheck.of(7, limits, List.of(), later), true).admitted())
          .isTrue();
    }
    assertThat(local.decide(LimitCheck.of(7, limits, List.of(), early), true).admitted())
        .as("the 11th call, its clock read before the other ten")
        .isFalse();
  }

  @Test
  void fiftyConcurrentDecisionsAdmitExactlyTheLimit() throws Exception {
    LocalCounters local = new LocalCounters(10_000);
    PlanLimits limits = new PlanLimits(null, new PlanLimits.Window(10, 1000), null, true);
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try {
      for (int round = 0; round < 200; round++) {
        long subscription = 1000 + round;
        Instant now = Instant.now();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          answers.add(
              pool.submit(
                  () -> {
                    go.await();
                    return local
                        .decide(LimitCheck.of(subscription, limits, List.of(), now), true)
                        .admitted();
                  }));
        }
        go.countDown();
        int admitted = 0;
        for (Future<Boolean> a : answers) {
          admitted += a.get() ? 1 : 0;
        }
        assertThat(admitted).as("round %d", round).isEqualTo(10);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
