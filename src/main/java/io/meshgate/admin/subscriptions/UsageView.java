package io.meshgate.admin.subscriptions;

import java.time.Instant;

/**
 * A subscription's current counts, as the rate-limit policy sees them at {@code at}. Absent limits
 * are {@code null} (omitted in JSON).
 *
 * @param counting {@code redis} when shared by every replica; {@code local} when counted by the
 *     replica that answered (no Redis configured, or Redis unavailable right now)
 */
public record UsageView(
    long subscriptionId,
    long planId,
    String plan,
    String counting,
    Instant at,
    Window burst,
    Window rateLimit,
    Quota quota) {

  /**
   * A rolling window.
   *
   * @param used calls in the window now
   * @param resetSeconds until the count next goes down
   */
  public record Window(long limit, long windowMs, long used, long remaining, long resetSeconds) {}

  /**
   * The quota of the current period.
   *
   * @param period {@code 2026-11-22} (per day) or {@code 2026-11} (per month)
   * @param exceeded more calls than the limit were counted (possible with a soft quota)
   */
  public record Quota(
      long limit,
      String per,
      String timeZone,
      String enforcement,
      String period,
      Instant periodStart,
      Instant periodEnd,
      long used,
      long remaining,
      boolean exceeded,
      long resetSeconds) {}
}
