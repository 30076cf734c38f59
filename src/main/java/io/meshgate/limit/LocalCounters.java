package io.meshgate.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
                for (Quota q : s.quotas) {
                  out.add(new QuotaUse(id, q.id, q.count, q.endMs));
                }
                s.quotas = NO_QUOTAS;
              }
            });
    return out;
  }

  /** Quota calls counted locally: {@code count} calls on counter {@code id} of a subscription. */
  record QuotaUse(long subscriptionId, String id, long count, long periodEndMs) {}

  private static final Quota[] NO_QUOTAS = new Quota[0];
  private static final Ring[] NO_RINGS = new Ring[0];

  private static final class Quota {
    final String id;
    final long endMs;
    long count;

    Quota(String id, long endMs) {
      this.id = id;
      this.endMs = endMs;
    }
  }

  /**
   * One window's buckets, in a ring of {@code span + 1} slots: slot {@code index mod size} holds
   * the count of bucket {@code index} for the {@code size} buckets up to {@code latest}, the newest
   * bucket counted; older buckets count nothing. Buckets only move forward (a subscription decides
   * at its latest time), so one {@code long} replaces a bucket id per slot: 176 bytes less per
   * active subscription and window, which a million-app catalog holds a hundred thousand of.
   */
  private static final class Ring {
    final String id;
    final int[] counts;
    long latest = Long.MIN_VALUE;

    Ring(String id, int size) {
      this.id = id;
      counts = new int[size];
    }

    private boolean holds(long index) {
      return latest != Long.MIN_VALUE && index <= latest && latest - index < counts.length;
    }

    private int slot(long index) {
      return (int) Math.floorMod(index, (long) counts.length);
    }

    long count(long index) {
      return holds(index) ? counts[slot(index)] : 0;
    }

    void add(long index) {
      if (latest == Long.MIN_VALUE || index > latest) {
        if (latest == Long.MIN_VALUE || index - latest >= counts.length) {
          Arrays.fill(counts, 0);
        } else {
          for (long i = latest + 1; i <= index; i++) {
            counts[slot(i)] = 0; // buckets the ring moves past start empty
          }
        }
        latest = index;
      } else if (!holds(index)) {
        // Older than the ring spans, which a subscription's forward-moving time only produces
        // when the window's bucket length changed under the same id (ids carry the length, so
        // it does not happen): start afresh rather than never counting again.
        Arrays.fill(counts, 0);
        latest = index;
      }
      counts[slot(index)]++;
    }
  }

  /**
   * One subscription's counters. A gateway holds one per active subscription (100,000 and more),
   * and a subscription has a few windows and one quota per period: plain arrays searched linearly
   * take a third of the memory two hash maps took.
   */
  private static final class Subscription {
    Ring[] windows = NO_RINGS;
    Quota[] quotas = NO_QUOTAS;

    /**
     * The latest time a decision was made at. Threads read the clock before they reach this lock,
     * so in a burst a call stamped earlier may come after calls stamped in a later bucket; decided
     * at its own time it would not see their counts (they lie past its window's end) and would slip
     * past the limit. It is decided at the latest time instead, as the Redis script counts every
     * bucket from the window's start on.
     */
    long latestMs = Long.MIN_VALUE;

    Ring window(String id, int size) {
      for (int i = 0; i < windows.length; i++) {
        Ring r = windows[i];
        if (r.id.equals(id)) {
          if (r.counts.length != size) {
            // Window ids carry their length, so this does not happen; if it did, a ring of the
            // old size would count buckets of another length (and, with longer buckets, none).
            windows[i] = new Ring(id, size);
            return windows[i];
          }
          return r;
        }
      }
      Ring ring = new Ring(id, size);
      Ring[] grown = Arrays.copyOf(windows, windows.length + 1);
      grown[windows.length] = ring;
      windows = grown;
      return ring;
    }

    Quota quota(String id) {
      for (Quota q : quotas) {
        if (q.id.equals(id)) {
          return q;
        }
      }
      return null;
    }

    /** Drops quotas whose period has ended. */
    void dropEndedQuotas(long now) {
      int live = 0;
      for (Quota q : quotas) {
        if (q.endMs > now) {
          live++;
        }
      }
      if (live == quotas.length) {
        return;
      }
      Quota[] kept = new Quota[live];
      int i = 0;
      for (Quota q : quotas) {
        if (q.endMs > now) {
          kept[i++] = q;
        }
      }
      quotas = kept;
    }

    void addQuota(Quota q) {
      Quota[] grown = Arrays.copyOf(quotas, quotas.length + 1);
      grown[quotas.length] = q;
      quotas = grown;
    }

    Decision decide(LimitCheck check, boolean take) {
      long now = Math.max(check.nowMs(), latestMs);
      latestMs = now;
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
        Ring ring = window(w.id(), (int) span + 1);
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
        Quota stored = quota(q.id());
        if (quotas.length > 1 || stored == null) {
          dropEndedQuotas(now);
          stored = quota(q.id());
        }
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
          Quota stored = quota(q.id());
          if (stored == null) {
            stored = new Quota(q.id(), q.periodEndMs());
            addQuota(stored);
          }
          stored.count++;
        }
      }
      return Tally.decision(check, sums, retries, oldest, quotaUsed, counted, false);
    }
  }
}
