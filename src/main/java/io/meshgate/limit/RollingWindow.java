package io.meshgate.limit;

/**
 * The rolling-window arithmetic shared by the local counters and the Redis script (which repeats it
 * in Lua; {@code RedisCountersTest} runs the same cases against both).
 *
 * <p>A window of W ms is kept as counts per bucket of {@code ceil(W / 20)} ms. A call at time t is
 * admitted when the buckets from {@code bucket(t) - span} to {@code bucket(t)} hold fewer than the
 * limit. Those buckets cover at least the last W ms, so no window of W ms ever holds more than the
 * limit: the limit is never exceeded, and a call is refused at most one bucket (5 % of W) longer
 * than an exact sliding log would. Memory is at most 21 counters per window, whatever the limit.
 */
final class RollingWindow {
  static final int BUCKETS = 20;

  private RollingWindow() {}

  static long bucketMs(long windowMs) {
    return Math.max(1, ceilDiv(windowMs, BUCKETS));
  }

  /** How many whole buckets before the current one are counted. */
  static long span(long windowMs, long bucketMs) {
    return ceilDiv(windowMs, bucketMs);
  }

  /** When the count of bucket {@code index} stops counting, relative to {@code nowMs}. */
  static long expiresInMs(long index, long span, long bucketMs, long nowMs) {
    return (index + span + 1) * bucketMs - nowMs;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
