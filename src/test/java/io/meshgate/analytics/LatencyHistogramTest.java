package io.meshgate.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  private static final int LAST = LatencyHistogram.BUCKETS - 1;

  @Test
  void bucketsAreContiguousAndGrowByTheCubeRootOfTwo() {
    assertThat(LatencyHistogram.lowerBoundNanos(0)).isZero();
    assertThat(LatencyHistogram.upperBoundNanos(0)).isEqualTo(100_000);
    for (int i = 1; i < LatencyHistogram.BUCKETS; i++) {
      assertThat(LatencyHistogram.lowerBoundNanos(i))
          .isEqualTo(LatencyHistogram.upperBoundNanos(i - 1));
    }
    for (int i = 1; i < LAST; i++) {
      double ratio =
          (double) LatencyHistogram.upperBoundNanos(i) / LatencyHistogram.lowerBoundNanos(i);
      assertThat(ratio).isCloseTo(Math.cbrt(2), within(1e-4));
    }
    assertThat(LatencyHistogram.upperBoundNanos(3)).isEqualTo(200_000);
    assertThat(LatencyHistogram.upperBoundNanos(30)).isEqualTo(102_400_000);
    assertThat(LatencyHistogram.lowerBoundNanos(LAST)).isBetween(65_000_000_000L, 67_000_000_000L);
    assertThat(LatencyHistogram.upperBoundNanos(LAST)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void everyDurationFallsInTheBucketWhoseBoundsHoldIt() {
    assertThat(LatencyHistogram.bucketOf(-5)).isZero();
    assertThat(LatencyHistogram.bucketOf(0)).isZero();
    assertThat(LatencyHistogram.bucketOf(99_999)).isZero();
    assertThat(LatencyHistogram.bucketOf(100_000)).isEqualTo(1);
    assertThat(LatencyHistogram.bucketOf(Long.MAX_VALUE)).isEqualTo(LAST);
    Random random = new Random(7);
    for (int n = 0; n < 100_000; n++) {
      long nanos = (long) Math.pow(10, random.nextDouble() * 12);
      int b = LatencyHistogram.bucketOf(nanos);
      assertThat(nanos)
          .isGreaterThanOrEqualTo(LatencyHistogram.lowerBoundNanos(b))
          .isLessThan(LatencyHistogram.upperBoundNanos(b));
    }
  }

  @Test
  void percentilesInterpolateWithinTheBucketOfTheirRank() {
    long[] counts = new long[LatencyHistogram.BUCKETS];
    counts[0] = 50; // [0, 0.1 ms)
    counts[3] = 40; // [0.1587 ms, 0.2 ms)
    counts[30] = 10; // [81.27 ms, 102.4 ms)
    // rank 50 of 100: the last of bucket 0: 0.1 ms × 49.5 / 50
    assertThat(LatencyHistogram.percentileMillis(counts, 0.5)).isEqualTo(0.099);
    // rank 90: the last of bucket 3
    double low3 = LatencyHistogram.lowerBoundNanos(3) / 1e6;
    assertThat(LatencyHistogram.percentileMillis(counts, 0.9))
        .isCloseTo(low3 + (0.2 - low3) * 39.5 / 40, within(0.001));
    // rank 99: the ninth of bucket 30
    double low30 = LatencyHistogram.lowerBoundNanos(30) / 1e6;
    assertThat(LatencyHistogram.percentileMillis(counts, 0.99))
        .isCloseTo(low30 + (102.4 - low30) * 8.5 / 10, within(0.001));
    assertThat(LatencyHistogram.percentileMillis(counts, 0.0)).isEqualTo(0.001);
  }

  @Test
  void theLastBucketAnswersItsLowerBoundAndNoCallsAnswerNothing() {
    long[] counts = new long[LatencyHistogram.BUCKETS];
    assertThat(LatencyHistogram.percentileMillis(counts, 0.5)).isNull();
    counts[LAST] = 3;
    assertThat(LatencyHistogram.percentileMillis(counts, 0.99))
        .isEqualTo(Math.round(LatencyHistogram.lowerBoundNanos(LAST) / 1000.0) / 1000.0);
  }

  /**
   * What the analytics rely on: two replicas' histograms added together give the percentiles of all
   * their calls, within the precision of a bucket.
   */
  @Test
  void mergedHistogramsGiveThePercentilesOfAllCallsWithinABucket() {
    Random random = new Random(11);
    long[] a = new long[LatencyHistogram.BUCKETS];
    long[] b = new long[LatencyHistogram.BUCKETS];
    long[] all = new long[20_000];
    for (int i = 0; i < all.length; i++) {
      // a fast replica and a slow one
      long nanos =
          i % 2 == 0
              ? 200_000 + (long) (random.nextDouble() * 800_000)
              : 5_000_000 + (long) (random.nextDouble() * 45_000_000);
      all[i] = nanos;
      (i % 2 == 0 ? a : b)[LatencyHistogram.bucketOf(nanos)]++;
    }
    long[] merged = new long[LatencyHistogram.BUCKETS];
    for (int i = 0; i < merged.length; i++) {
      merged[i] = a[i] + b[i];
    }
    java.util.Arrays.sort(all);
    for (double q : new double[] {0.5, 0.9, 0.99}) {
      double exact = all[(int) Math.ceil(q * all.length) - 1] / 1e6;
      assertThat(LatencyHistogram.percentileMillis(merged, q))
          .isCloseTo(exact, within(exact * (Math.cbrt(2) - 1)));
    }
  }
}
