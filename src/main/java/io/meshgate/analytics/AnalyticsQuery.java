package io.meshgate.analytics;

import java.time.Instant;
import java.util.List;

/**
 * A validated question to the stored roll-ups: the minutes that start in {@code [from, to)},
 * grouped by {@code groupBy}, the {@code top} groups by calls. Filters are optional ({@code null}).
 *
 * @param app an app's client id, or {@value RollupRow#OTHER} / {@value RollupRow#NONE}
 * @param statusClass {@code 1xx} to {@code 5xx}
 */
public record AnalyticsQuery(
    Instant from,
    Instant to,
    List<Dimension> groupBy,
    String api,
    String plan,
    String app,
    Integer status,
    String statusClass,
    int top) {
  public AnalyticsQuery {
    groupBy = List.copyOf(groupBy);
  }
}
