package io.meshgate.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.catalog.runtime.PlanLimits;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same decisions from the local counters and from the Redis script against the real local
 * Redis, at fixed instants: the two implementations of the arithmetic must agree.
 */
class CountersTest {
  /** 2026-11-22 23:30 in Berlin (UTC+1): 30 minutes before the next calendar day there. */
  static final Instant LATE_EVENING_BERLIN = Instant.parse("2026-11-22T22:30:00Z");

  private static RedisCounters redis;
  private static LocalCounters local;
  private long subscription;

  @BeforeEach
  void freshSubscription() {
    // Far from ids a gateway would use, and different on every run: counters never collide.
    subscription = 9_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);
  }

  @AfterAll
  static void close() {
    if (redis != null) {
      redis.close();
    }
  }

  interface Store {
    Decision decide(LimitCheck check, boolean take) throws Exception;

    void reset(long subscription) throws Exception;
  }

  static Store store(String kind) {
    if (kind.equals("local")) {
      if (local == null) {
        local = new LocalCounters(10_000);
      }
      return new Store() {
        public Decision decide(LimitCheck check, boolean take) {
          return local.decide(check, take);
        }

        public void reset(long s) {
          local.reset(s);
        }
      };
    }
    if (redis == null) {
      redis = new RedisCounters(LocalRedis.require(), "test-" + java.util.UUID.randomUUID());
      redis.connect();
    }
    return new Store() {
      public Decision decide(LimitCheck check, boolean take) throws Exception {
        return redis.decide(check, take, 2_000);
      }

      public void reset(long s) throws Exception {
        redis.reset(s, 2_000);
      }
    };
  }

  private LimitCheck rate(long limit, long windowMs, long nowMs) {
    return new LimitCheck(
        subscription,
        List.of(new LimitCheck.WindowCheck("rate", "r" + windowMs, limit, windowMs)),
        null,
        nowMs);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void fiftyConcurrentCallsAtTenPerSecondAdmitExactlyTen(String kind) throws Exception {
    Store store = store(kind);
    long now = 1_790_000_000_123L;
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Decision>> results = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Callable<Decision> call =
            () -> {
              go.await();
              return store.decide(rate(10, 1000, now), true);
            };
        results.add(pool.submit(call));
      }
      go.countDown();
      int admitted = 0;
      for (Future<Decision> f : results) {
        if (f.get().admitted()) {
          admitted++;
        }
      }
      assertThat(admitted).isEqualTo(10);
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void aFullWindowRefusesUntilItsOldestCallsLeaveIt(String kind) throws Exception {
    Store store = store(kind);
    long t0 = 1_790_000_000_000L; // a bucket boundary (buckets of 50 ms)
    for (int i = 0; i < 10; i++) {
      assertThat(store.decide(rate(10, 1000, t0 + 10), true).admitted()).isTrue();
    }
    Decision refused = store.decide(rate(10, 1000, t0 + 400), true);
    assertThat(refused.verdict()).isEqualTo(Decision.Verdict.REFUSED);
    assertThat(refused.refusedBy().name()).isEqualTo("rate");
    // The bucket [t0, t0+50) stops counting once 21 buckets later begin: at t0 + 1050.
    assertThat(refused.retryAfterMs()).isEqualTo(650);
    assertThat(refused.counts().get(0).remaining()).isZero();
    assertThat(store.decide(rate(10, 1000, t0 + 1049), true).admitted()).isFalse();
    Decision again = store.decide(rate(10, 1000, t0 + 1050), true);
    assertThat(again.admitted()).isTrue();
    assertThat(again.counts().get(0).used()).isEqualTo(1);
    assertThat(again.counts().get(0).remaining()).isEqualTo(9);
  }

  @org.junit.jupiter.api.Test
  void localAndRedisAgreeCallByCallAcrossBurstsAndGaps() throws Exception {
    Store local = store("local");
    Store redis = store("redis");
    java.util.Random random = new java.util.Random(19);
    long now = 1_790_000_000_000L;
    for (int call = 0; call < 400; call++) {
      // bursts within a bucket, steps across a few buckets, and gaps longer than the window
      int kind = random.nextInt(10);
      now +=
          kind < 5
              ? random.nextInt(20)
              : kind < 9 ? random.nextInt(400) : 1000 + random.nextInt(3000);
      Decision l = local.decide(rate(5, 1000, now), true);
      Decision r = redis.decide(rate(5, 1000, now), true);
      String at = "call " + call + " at +" + (now - 1_790_000_000_000L) + " ms";
      assertThat(l.admitted()).as(at).isEqualTo(r.admitted());
      assertThat(l.counts().get(0).used()).as(at).isEqualTo(r.counts().get(0).used());
      assertThat(l.retryAfterMs()).as(at).isEqualTo(r.retryAfterMs());
    }
  }

  /**
   * Window ids carry their length, so one id never comes with two; if it did, the local counters
   * start that window afresh instead of never counting again (Redis, which keys buckets by their
   * index, would count the old calls too: stricter, never looser).
   */
  @org.junit.jupiter.api.Test
  void aLocalWindowIdSeenWithAnotherLengthStillCounts() throws Exception {
    Store store = store("local");
    long now = 1_790_000_000_000L;
    LimitCheck.WindowCheck second = new LimitCheck.WindowCheck("rate", "w", 3, 1_000);
    LimitCheck.WindowCheck hour = new LimitCheck.WindowCheck("rate", "w", 3, 3_600_000);
    assertThat(store.decide(check(second, now), true).admitted()).isTrue();
    for (int i = 1; i <= 3; i++) {
      assertThat(store.decide(check(hour, now + i), true).admitted()).as("call " + i).isTrue();
    }
    assertThat(store.decide(check(hour, now + 4), true).admitted()).isFalse();
    // and back to the short buckets: counted again from there
    for (int i = 1; i <= 3; i++) {
      assertThat(store.decide(check(second, now + 10 + i), true).admitted()).isTrue();
    }
    assertThat(store.decide(check(second, now + 20), true).admitted()).isFalse();
  }

  private LimitCheck check(LimitCheck.WindowCheck window, long nowMs) {
    return new LimitCheck(subscription, List.of(window), null, nowMs);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void refusedCallsAreNotCounted(String kind) throws Exception {
    Store store = store(kind);
    long t0 = 1_790_000_000_000L;
    for (int i = 0; i < 5; i++) {
      store.decide(rate(5, 1000, t0), true);
    }
    for (int i = 0; i < 100; i++) {
      assertThat(store.decide(rate(5, 1000, t0 + 500), true).admitted()).isFalse();
    }
    // Only the 5 admitted calls counted: the window is free again after they leave it.
    assertThat(store.decide(rate(5, 1000, t0 + 1050), true).admitted()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void dailyQuotaRefusesCall101UntilMidnightInItsTimeZone(String kind) throws Exception {
    Store store = store(kind);
    PlanLimits limits =
        new PlanLimits(
            null,
            null,
            new PlanLimits.Quota(100, PlanLimits.QuotaPeriod.DAY, ZoneId.of("Europe/Berlin"), true),
            true);
    for (int i = 0; i < 100; i++) {
      Decision d =
          store.decide(
              LimitCheck.of(subscription, limits, List.of(), LATE_EVENING_BERLIN.plusSeconds(i)),
              true);
      assertThat(d.admitted()).as("call %d", i + 1).isTrue();
    }
    Instant at = LATE_EVENING_BERLIN.plusSeconds(120);
    Decision call101 = store.decide(LimitCheck.of(subscription, limits, List.of(), at), true);
    assertThat(call101.verdict()).isEqualTo(Decision.Verdict.REFUSED);
    assertThat(call101.refusedBy().quota()).isTrue();
    // Midnight in Berlin is 23:00 UTC: 28 minutes after 22:32 UTC.
    assertThat(call101.retryAfterMs()).isEqualTo(28 * 60_000L);
    assertThat(call101.refusedBy().used()).isEqualTo(100);
    // The next calendar day in Berlin starts from zero.
    Decision nextDay =
        store.decide(
            LimitCheck.of(subscription, limits, List.of(), Instant.parse("2026-11-22T23:00:00Z")),
            true);
    assertThat(nextDay.admitted()).isTrue();
    assertThat(nextDay.counts().get(0).used()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void aQuotaKeepsItsCountWhenTheLimitChanges(String kind) throws Exception {
    Store store = store(kind);
    Instant now = Instant.parse("2026-11-22T10:00:00Z");
    PlanLimits free =
        new PlanLimits(
            null, null, new PlanLimits.Quota(3, PlanLimits.QuotaPeriod.DAY, null, true), true);
    PlanLimits premium =
        new PlanLimits(
            null, null, new PlanLimits.Quota(5, PlanLimits.QuotaPeriod.DAY, null, true), true);
    for (int i = 0; i < 3; i++) {
      store.decide(LimitCheck.of(subscription, free, List.of(), now), true);
    }
    assertThat(store.decide(LimitCheck.of(subscription, free, List.of(), now), true).admitted())
        .isFalse();
    Decision moved = store.decide(LimitCheck.of(subscription, premium, List.of(), now), true);
    assertThat(moved.admitted()).isTrue();
    assertThat(moved.counts().get(0).used()).isEqualTo(4);
    assertThat(moved.counts().get(0).remaining()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void aSoftQuotaAdmitsBeyondItsLimitAndSaysSo(String kind) throws Exception {
    Store store = store(kind);
    Instant now = Instant.parse("2026-11-22T10:00:00Z");
    PlanLimits soft =
        new PlanLimits(
            null, null, new PlanLimits.Quota(2, PlanLimits.QuotaPeriod.MONTH, null, false), true);
    Decision d = null;
    for (int i = 0; i < 4; i++) {
      d = store.decide(LimitCheck.of(subscription, soft, List.of(), now), true);
      assertThat(d.admitted()).isTrue();
    }
    assertThat(d.counts().get(0).used()).isEqualTo(4);
    assertThat(d.counts().get(0).exceeded()).isTrue();
    // The month ends at 2026-12-01T00:00Z.
    assertThat(d.counts().get(0).resetMs())
        .isEqualTo(Instant.parse("2026-12-01T00:00:00Z").toEpochMilli() - now.toEpochMilli());
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void aCallIsCountedInEveryWindowOrInNone(String kind) throws Exception {
    Store store = store(kind);
    long t0 = 1_790_000_000_000L;
    PlanLimits limits =
        new PlanLimits(
            new PlanLimits.Window(3, 100),
            new PlanLimits.Window(5, 1000),
            new PlanLimits.Quota(100, PlanLimits.QuotaPeriod.DAY, null, true),
            true);
    int admitted = 0;
    for (int i = 0; i < 10; i++) {
      if (store
          .decide(LimitCheck.of(subscription, limits, List.of(), Instant.ofEpochMilli(t0)), true)
          .admitted()) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(3); // the burst limit
    Decision d =
        store.decide(
            LimitCheck.of(subscription, limits, List.of(), Instant.ofEpochMilli(t0 + 200)), true);
    assertThat(d.admitted()).isTrue();
    // burst, rate and quota each counted the 4 admitted calls, not the 7 refused ones.
    assertThat(d.counts()).extracting(Decision.Count::used).containsExactly(1L, 4L, 4L);
    assertThat(d.tightest().name()).isEqualTo("rate");
  }

  @org.junit.jupiter.api.Test
  void installationsSharingARedisNeverSeeEachOthersCounts() throws Exception {
    store("redis");
    try (RedisCounters other =
        new RedisCounters(LocalRedis.URL, "other-" + java.util.UUID.randomUUID())) {
      other.connect();
      long t0 = 1_790_000_000_000L;
      assertThat(redis.decide(rate(1, 60_000, t0), true, 2_000).admitted()).isTrue();
      assertThat(redis.decide(rate(1, 60_000, t0), true, 2_000).admitted()).isFalse();
      // Same subscription id, another installation (say, a recreated database): its own count.
      assertThat(other.decide(rate(1, 60_000, t0), true, 2_000).admitted()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void resetForgetsEveryCount(String kind) throws Exception {
    Store store = store(kind);
    long t0 = 1_790_000_000_000L;
    PlanLimits limits =
        new PlanLimits(
            null,
            new PlanLimits.Window(2, 60_000),
            new PlanLimits.Quota(2, PlanLimits.QuotaPeriod.DAY, null, true),
            true);
    LimitCheck check = LimitCheck.of(subscription, limits, List.of(), Instant.ofEpochMilli(t0));
    store.decide(check, true);
    store.decide(check, true);
    assertThat(store.decide(check, true).admitted()).isFalse();
    store.reset(subscription);
    Decision after = store.decide(check, false);
    assertThat(after.admitted()).isTrue();
    assertThat(after.counts()).extracting(Decision.Count::used).containsExactly(0L, 0L);
  }
}
