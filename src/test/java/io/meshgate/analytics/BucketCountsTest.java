package io.meshgate.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BucketCountsTest {
  private static long[] dense(int... bucketAndCount) {
    long[] h = new long[LatencyHistogram.BUCKETS];
    for (int i = 0; i < bucketAndCount.length; i += 2) {
      h[bucketAndCount[i]] = bucketAndCount[i + 1];
    }
    return h;
  }

  @Test
  void keepsEveryBucketsCountThroughTheSparseForm() {
    long[] h = dense(0, 3, 17, 1, 59, 1_000_000);
    BucketCounts counts = BucketCounts.of(h);
    assertThat(counts.toArray()).containsExactly(h);
    assertThat(counts.total()).isEqualTo(1_000_004);
    assertThat(counts.get(17)).isEqualTo(1);
    assertThat(counts.get(18)).isZero();
    assertThat(counts).hasToString("{0=3, 17=1, 59=1000000}");
    assertThat(BucketCounts.of(new long[LatencyHistogram.BUCKETS]).total()).isZero();
  }

  @Test
  void cellsInAnyOrderMakeTheSameCountsAsTheDenseHistogram() {
    long[] cells = {
      BucketCounts.pack(40, 2), BucketCounts.pack(3, 5), BucketCounts.pack(12, 1), 99 // past size
    };
    assertThat(BucketCounts.ofCells(cells, 3))
        .isEqualTo(BucketCounts.of(dense(3, 5, 12, 1, 40, 2)));
  }

  @Test
  void sumsBucketByBucket() {
    BucketCounts a = BucketCounts.of(dense(1, 2, 5, 1));
    BucketCounts b = BucketCounts.of(dense(5, 4, 30, 7));
    assertThat(a.plus(b).toArray()).containsExactly(dense(1, 2, 5, 5, 30, 7));
    assertThat(a.toArray()).containsExactly(dense(1, 2, 5, 1)); // unchanged
  }

  @Test
  void refusesAHistogramOfTheWrongShape() {
    assertThatThrownBy(() -> BucketCounts.of(new long[59]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 60 buckets");
    long[] negative = new long[LatencyHistogram.BUCKETS];
    negative[4] = -1;
    assertThatThrownBy(() -> BucketCounts.of(negative))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
