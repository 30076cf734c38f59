package io.meshgate.analytics;

import java.util.Arrays;

/**
 * The fixed latency buckets of the analytics roll-ups. Every replica counts calls into the same
 * {@value #BUCKETS} buckets, so histograms of any replicas, apps or minutes merge by adding their
 * counts, and percentiles are computed from the merged counts (never by averaging percentiles).
 *
 * <p>Bucket 0 holds calls under 100 µs; bucket {@code i} (1 to {@value #BUCKETS} − 2) holds {@code
 * [100 µs × 2^((i−1)/3), 100 µs × 2^(i/3))}; the last one everything from about 65.9 s. The ratio
 * 2^(1/3) ≈ 1.26 bounds the error of a percentile to about 12 %. The bounds are computed with
 * {@link StrictMath}, which gives the same result on every JVM: they are part of the stored format
 * (the columns {@code h00}…{@code h59}).
 */
public final class LatencyHistogram {
  /** Number of buckets, and of {@code hNN} columns in {@code analytics_minute}. */
  public static final int BUCKETS = 60;

  private static final long FIRST_BOUND_NANOS = 100_000;

  /** {@code UPPER[i]} is the exclusive upper bound of bucket {@code i}, for all but the last. */
  private static final long[] UPPER = new long[BUCKETS - 1];

  static {
    for (int i = 0; i < UPPER.length; i++) {
      UPPER[i] = Math.round(FIRST_BOUND_NANOS * StrictMath.pow(2, i / 3.0));
    }
  }

  private LatencyHistogram() {}

  /** The bucket of a call that took {@code nanos} (a negative value counts as 0). */
  public static int bucketOf(long nanos) {
    int i = Arrays.binarySearch(UPPER, nanos);
    // Found: nanos is the lower bound of the next bucket. Not found: the insertion point is the
    // first bound above nanos, which is the bucket's upper bound.
    return i >= 0 ? i + 1 : -i - 1;
  }

  /** The inclusive lower bound of bucket {@code i} in nanoseconds. */
  public static long lowerBoundNanos(int i) {
    return i == 0 ? 0 : UPPER[i - 1];
  }

  /** The exclusive upper bound of bucket {@code i}, or {@link Long#MAX_VALUE} for the last. */
  public static long upperBoundNanos(int i) {
    return i == BUCKETS - 1 ? Long.MAX_VALUE : UPPER[i];
  }

  /**
   * The {@code quantile} (0 to 1) of the calls counted in {@code counts}, in milliseconds rounded
   * to the microsecond, or {@code null} when there are none. The call of that rank is placed within
   * its bucket by linear interpolation, as if the bucket's calls were spread evenly over it; in the
   * last (unbounded) bucket it is that bucket's lower bound.
   */
  public static Double percentileMillis(long[] counts, double quantile) {
    if (counts.length != BUCKETS) {
      throw new IllegalArgumentException("expected " + BUCKETS + " buckets, got " + counts.length);
    }
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return null;
    }
    long rank = Math.max(1, (long) Math.ceil(quantile * total));
    long below = 0;
    for (int i = 0; i < BUCKETS; i++) {
      long c = counts[i];
      if (c > 0 && below + c >= rank) {
        double nanos;
        if (i == BUCKETS - 1) {
          nanos = lowerBoundNanos(i);
        } else {
          long lower = lowerBoundNanos(i);
          nanos = lower + (upperBoundNanos(i) - lower) * ((rank - below - 0.5) / c);
        }
        return Math.round(nanos / 1_000.0) / 1_000.0;
      }
      below += c;
    }
    throw new IllegalStateException("unreachable: rank " + rank + " of " + total);
  }
}
