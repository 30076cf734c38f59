package io.meshgate.analytics;

import java.util.Arrays;

/**
 * Calls per {@link LatencyHistogram} bucket, holding only the buckets that have calls: one {@code
 * long} each ({@code bucket << 48 | count}, buckets ascending). An app's minute seldom spreads over
 * more than a handful of the 60 buckets, so a sealed minute of 100,000 rows of three buckets each
 * holds about 5 MiB of counts here instead of 47 MiB as dense {@code long[60]} arrays, which
 * matters while minutes wait for the database. Immutable.
 */
public final class BucketCounts {
  static final int COUNT_BITS = 48;
  static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

  private static final BucketCounts NONE = new BucketCounts(new long[0]);

  private final long[] cells;

  private BucketCounts(long[] cells) {
    this.cells = cells;
  }

  /** The counts of a dense histogram ({@link LatencyHistogram#BUCKETS} counts, none negative). */
  public static BucketCounts of(long[] histogram) {
    if (histogram.length != LatencyHistogram.BUCKETS) {
      throw new IllegalArgumentException(
          "expected " + LatencyHistogram.BUCKETS + " buckets, got " + histogram.length);
    }
    int used = 0;
    for (long c : histogram) {
      if (c < 0 || c > COUNT_MASK) {
        throw new IllegalArgumentException("count out of range: " + c);
      }
      if (c > 0) {
        used++;
      }
    }
    if (used == 0) {
      return NONE;
    }
    long[] cells = new long[used];
    int n = 0;
    for (int b = 0; b < histogram.length; b++) {
      if (histogram[b] > 0) {
        cells[n++] = pack(b, histogram[b]);
      }
    }
    return new BucketCounts(cells);
  }

  /**
   * The counts of {@code size} packed cells, each bucket at most once, in any order (copied: the
   * caller may reuse its array).
   */
  static BucketCounts ofCells(long[] cells, int size) {
    if (size == 0) {
      return NONE;
    }
    long[] sorted = Arrays.copyOf(cells, size);
    // The bucket is in the high bits, so sorting the packed values sorts by bucket.
    Arrays.sort(sorted);
    return new BucketCounts(sorted);
  }

  static long pack(int bucket, long count) {
    return ((long) bucket << COUNT_BITS) | count;
  }

  static int bucketOf(long cell) {
    return (int) (cell >>> COUNT_BITS);
  }

  /** The number of calls in all buckets. */
  public long total() {
    long total = 0;
    for (long cell : cells) {
      total += cell & COUNT_MASK;
    }
    return total;
  }

  /** The calls in bucket {@code bucket}. */
  public long get(int bucket) {
    for (long cell : cells) {
      if (bucketOf(cell) == bucket) {
        return cell & COUNT_MASK;
      }
    }
    return 0;
  }

  /** The dense histogram: {@link LatencyHistogram#BUCKETS} counts, a new array. */
  public long[] toArray() {
    long[] out = new long[LatencyHistogram.BUCKETS];
    for (long cell : cells) {
      out[bucketOf(cell)] = cell & COUNT_MASK;
    }
    return out;
  }

  /** These counts and {@code other}'s added bucket by bucket. */
  public BucketCounts plus(BucketCounts other) {
    long[] sum = toArray();
    for (long cell : other.cells) {
      sum[bucketOf(cell)] += cell & COUNT_MASK;
    }
    return of(sum);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BucketCounts b && Arrays.equals(cells, b.cells);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(cells);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    for (long cell : cells) {
      if (s.length() > 1) {
        s.append(", ");
      }
      s.append(bucketOf(cell)).append('=').append(cell & COUNT_MASK);
    }
    return s.append('}').toString();
  }
}
