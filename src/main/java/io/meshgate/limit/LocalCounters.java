package io.meshgate.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters held in this replica's memory: what counts when no Redis is configured, and the fallback
 * of fail-open plans while Redis is unreachable. Decisions for one subscription are serialized; the
 * arithmetic is {@link RollingWindow}'s, as in the Redis script.
 */
public final class LocalCounters {
  private final Cache<Long, Subscription> subscriptions;

  public LocalCounters(long maxSubscriptions) {
    subscriptions =
        Caffeine.newBuilder()
            .maximumSize(maxSubscriptions)
            // Longer than the longest quota period (a month), so idle subscriptions keep usage.
            .expireAfterAccess(Duration.ofDays(32))
            .build();
  }

  /** Decides on a call; counts it when admitted and {@code take} is set. */
  public Decision decide(LimitCheck check, boolean take) {
    Subscription s = subscriptions.get(check.subscriptionId(), id -> new Subscription());
    synchronized (s) {
      return s.decide(check, take);
    }
  }

  void reset(long subscriptionId) {
    subscriptions.invalidate(subscriptionId);
  }

  /** Takes the quota counts recorded here, to add them to the shared store; clears them. */
  List<QuotaUse> drainQuotas() {
    List<QuotaUse> out = new ArrayList<>();
    subscriptions
        .asMap()
        .forEach(
            (id, s) -> {
              synchronized (s) {
                s.quotas.forEach((key, q) -> out.add(new QuotaUse(id, key, q.count, q.endMs)));
                s.quotas.clear();
              }
            });
    return out;
  }

  /** Quota calls counted locally: {@code count} calls on counter {@code id} of a subscription. */
  record QuotaUse(long subscriptionId, String id, long count, long periodEndMs) {}

  private static final class Quota {
    long count;
    final long endMs;

    Quota(long endMs) {
      this.endMs = endMs;
    }
  }

  /**
   * One window's buckets, in a ring of {@code span + 1} slots: slot {@code index mod size} holds
   * the count of bucket {@code index} when {@code ids[slot] == index}, else nothing.
   */
  private static final class Ring {
    final long[] ids;
    final long[] counts;

    Ring(int size) {
      ids = new long[size];
      counts = new long[size];
      Arrays.fill(ids, Long.MIN_VALUE);
    }

    long count(long index) {
      int slot = (int) Math.floorMod(index, (long) ids.length);
      return ids[slot] == index ? counts[slot] : 0;
    }

    void add(long index) {
      int slot = (int) Math.floorMod(index, (long) ids.length);
      if (ids[slot] != index) {
        ids[slot] = index;
        counts[slot] = 0;
      }
      counts[slot]++;
    }
  }

  private static final class Subscription {
    final Map<String, Ring> windows = new HashMap<>();
    final Map<String, Quota> quotas = new HashMap<>();

    Decision decide(LimitCheck check, boolean take) {
      long now = check.nowMs();
      int n = check.windows().size();
      long[] sums = new long[n];
      long[] retries = new long[n];
      long[] oldest = new long[n];
      long[] current = new long[n];
      Ring[] rings = new Ring[n];
      boolean allowed = true;
      for (int i = 0; i < n; i++) {
        LimitCheck.WindowCheck w = check.windows().get(i);
        long bucket = RollingWindow.bucketMs(w.windowMs());
        long span = RollingWindow.span(w.windowMs(), bucket);
        long cur = Math.floorDiv(now, bucket);
        current[i] = cur;
        Ring ring = windows.computeIfAbsent(w.id(), k -> new Ring((int) span + 1));
        rings[i] = ring;
        long sum = 0;
        long first = -1;
        for (long index = cur - span; index <= cur; index++) {
          long c = ring.count(index);
          if (c > 0) {
            sum += c;
            if (first < 0) {
              first = index;
            }
          }
        }
        sums[i] = sum;
        oldest[i] = first;
        if (sum >= w.limit()) {
          allowed = false;
          long freed = 0;
          for (long index = cur - span; index <= cur; index++) {
            freed += ring.count(index);
            if (sum - freed <= w.limit() - 1) {
              retries[i] = RollingWindow.expiresInMs(index, span, bucket, now);
              break;
            }
          }
        }
      }
      LimitCheck.QuotaCheck q = check.quota();
      long quotaUsed = 0;
      if (q != null) {
        if (quotas.size() > 1 || !quotas.containsKey(q.id())) {
          quotas.values().removeIf(stale -> stale.endMs <= now);
        }
        Quota stored = quotas.get(q.id());
        quotaUsed = stored == null ? 0 : stored.count;
        if (q.hard() && quotaUsed >= q.limit()) {
          allowed = false;
        }
      }
      boolean counted = take && allowed;
      if (counted) {
        for (int i = 0; i < n; i++) {
          rings[i].add(current[i]);
        }
        if (q != null) {
          quotas.computeIfAbsent(q.id(), k -> new Quota(q.periodEndMs())).count++;
        }
      }
      return Tally.decision(check, sums, retries, oldest, quotaUsed, counted, false);
    }
  }
}
