package io.meshgate.catalog.runtime;

import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The limits of a plan, as the rate-limit policy enforces them per subscription. Each part is
 * {@code null} when the plan has no such limit.
 *
 * @param burst a short rolling window, always hard
 * @param rate the rolling rate limit (N per second, minute or hour)
 * @param quota N calls per calendar day or month
 * @param failOpen what happens when the shared counter store (Redis) fails: {@code true} counts
 *     locally per replica, {@code false} refuses with 503
 */
public record PlanLimits(Window burst, Window rate, Quota quota, boolean failOpen) {

  /** A plan without limits. */
  public static final PlanLimits NONE = new PlanLimits(null, null, null, true);

  /** True when nothing is limited. */
  public boolean isEmpty() {
    return burst == null && rate == null && quota == null;
  }

  /** At most {@code limit} calls in any rolling window of {@code windowMs} milliseconds. */
  public record Window(long limit, long windowMs) {
    public Window {
      if (limit < 1 || windowMs < 1) {
        throw new IllegalArgumentException("limit and windowMs must be positive");
      }
    }
  }

  /**
   * At most {@code limit} calls per calendar {@code period} starting at midnight in {@code zone}; a
   * soft quota ({@code hard == false}) only counts and reports.
   */
  public record Quota(long limit, QuotaPeriod period, ZoneId zone, boolean hard) {
    public Quota {
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be positive");
      }
      zone = zone == null ? ZoneOffset.UTC : zone;
    }
  }

  /** The calendar period of a quota. */
  public enum QuotaPeriod {
    DAY,
    MONTH
  }
}
