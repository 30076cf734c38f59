package io.meshgate.analytics;

import java.time.Instant;

/**
 * One replica's counts for one minute and one (API, plan, app, status): a row of {@code
 * analytics_minute} without its replica id.
 *
 * @param minute the minute's start (UTC, whole minute)
 * @param api the API's name, or {@value #NONE} for a call no API matched
 * @param plan the plan's name, or {@value #NONE}
 * @param app the app's client id, {@value #NONE}, or {@value #OTHER} past the bound
 * @param appName the app's name as the first call of the minute saw it
 * @param status the HTTP status answered
 * @param calls how many calls (the sum of {@code counts})
 * @param errors how many of them were errors ({@link io.meshgate.telemetry.CallRecord#error()})
 * @param counts calls per {@link LatencyHistogram} bucket of their total latency
 */
public record RollupRow(
    Instant minute,
    String api,
    String plan,
    String app,
    String appName,
    int status,
    long calls,
    long errors,
    BucketCounts counts) {
  /** The API, plan or app of a call that had none (no API at the path, not authenticated). */
  public static final String NONE = "-";

  /** The app of calls past the bound of distinct rows per minute and replica. */
  public static final String OTHER = "other";

  /**
   * Calls per {@link LatencyHistogram} bucket, dense: a new array of {@value
   * LatencyHistogram#BUCKETS}.
   */
  public long[] histogram() {
    return counts.toArray();
  }
}
