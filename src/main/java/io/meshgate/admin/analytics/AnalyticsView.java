package io.meshgate.admin.analytics;

import io.meshgate.analytics.AnalyticsQuery;
import io.meshgate.analytics.AnalyticsStore;
import io.meshgate.analytics.Dimension;
import io.meshgate.analytics.LatencyHistogram;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The answer of {@code GET /admin/v1/analytics}: the range and grouping asked for, and one row per
 * group, summed over every replica.
 *
 * @param from the first minute counted starts at or after this
 * @param to the last minute counted starts before this
 * @param groupBy the group fields each row has
 * @param top at most this many rows: the groups with the most calls
 * @param truncated there were more groups than {@code top}
 * @param rows ordered by minute when grouped by minute, then by calls, most first
 */
public record AnalyticsView(
    Instant from, Instant to, List<String> groupBy, int top, boolean truncated, List<Row> rows) {

  /**
   * One group. A field the answer is not grouped by is absent; {@code api}, {@code plan} and {@code
   * app} are {@code -} for calls that had none (no API at the path, refused before a plan or an app
   * was known), and {@code app} is {@code other} for calls past the per-minute bound of a replica.
   *
   * @param minute the minute's start (UTC)
   * @param app the app's client id
   * @param appName the app's name (with {@code app})
   * @param statusClass {@code 2xx}, {@code 4xx}, ...
   * @param errors calls answered with a 5xx or refused by the gateway (with an {@code errorKey})
   * @param p50Ms median of the total latency, in milliseconds, from the merged histograms (about 12
   *     % precise)
   */
  public record Row(
      Instant minute,
      String api,
      String plan,
      String app,
      String appName,
      Integer status,
      String statusClass,
      long calls,
      long errors,
      Double p50Ms,
      Double p90Ms,
      Double p99Ms) {}

  static AnalyticsView of(AnalyticsQuery q, AnalyticsStore.Answer answer) {
    Comparator<Row> order = Comparator.comparingLong(Row::calls).reversed();
    if (q.groupBy().contains(Dimension.MINUTE)) {
      order = Comparator.comparing(Row::minute).thenComparing(order);
    }
    return new AnalyticsView(
        q.from(),
        q.to(),
        q.groupBy().stream().map(Dimension::parameter).toList(),
        q.top(),
        answer.truncated(),
        answer.groups().stream().map(AnalyticsView::row).sorted(order).toList());
  }

  private static Row row(AnalyticsStore.Group g) {
    long[] h = g.histogram();
    return new Row(
        g.minute(),
        g.api(),
        g.plan(),
        g.app(),
        g.appName(),
        g.status(),
        g.statusClass(),
        g.calls(),
        g.errors(),
        LatencyHistogram.percentileMillis(h, 0.50),
        LatencyHistogram.percentileMillis(h, 0.90),
        LatencyHistogram.percentileMillis(h, 0.99));
  }
}
