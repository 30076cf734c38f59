package io.meshgate.limit;

import io.meshgate.catalog.runtime.PlanLimits;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one decision counts for one subscription: its rolling windows (burst, rate, per-operation)
 * and its calendar quota, at one instant. Counters are keyed by subscription, so every credential
 * of an app shares them and a subscription keeps them when it moves to another plan.
 *
 * @param subscriptionId whose counters
 * @param windows the rolling windows; each is at most {@code limit} calls in any {@code windowMs}
 * @param quota the calendar quota, or {@code null}
 * @param nowMs the decision's instant, epoch milliseconds (the gateway's clock)
 */
public record LimitCheck(
    long subscriptionId, List<WindowCheck> windows, QuotaCheck quota, long nowMs) {

  public LimitCheck {
    windows = List.copyOf(windows);
  }

  /** True when nothing is counted. */
  public boolean isEmpty() {
    return windows.isEmpty() && quota == null;
  }

  /**
   * One rolling window.
   *
   * @param name what it is, shown to clients and admins: {@code burst}, {@code rate}, or {@code
   *     operation GET /orders/{id}}
   * @param id the counter's stable name within the subscription; includes the window length, so a
   *     window whose length changes starts from zero while one whose limit changes keeps its count
   */
  public record WindowCheck(String name, String id, long limit, long windowMs) {}

  /**
   * The quota of the calendar period the decision falls in.
   *
   * @param period the period's name, {@code 2026-11-22} or {@code 2026-11}
   * @param hard refuse beyond the limit; a soft quota only counts
   * @param periodStartMs,periodEndMs the period, epoch milliseconds, end exclusive
   */
  public record QuotaCheck(
      String period, long limit, boolean hard, long periodStartMs, long periodEndMs) {

    /** The counter's name within the subscription. */
    public String id() {
      return "q:" + period;
    }
  }

  /** The windows and quota of a plan (operation windows are added by the caller). */
  public static LimitCheck of(
      long subscriptionId, PlanLimits limits, List<WindowCheck> operations, Instant now) {
    List<WindowCheck> windows = new ArrayList<>(2 + operations.size());
    if (limits.burst() != null) {
      windows.add(window("burst", "b", limits.burst()));
    }
    if (limits.rate() != null) {
      windows.add(window("rate", "r", limits.rate()));
    }
    windows.addAll(operations);
    QuotaCheck quota = limits.quota() == null ? null : quota(limits.quota(), now);
    return new LimitCheck(subscriptionId, windows, quota, now.toEpochMilli());
  }

  static WindowCheck window(String name, String idPrefix, PlanLimits.Window w) {
    return new WindowCheck(name, idPrefix + w.windowMs(), w.limit(), w.windowMs());
  }

  /** The last period computed per zone and kind: almost every call falls in it. */
  private static final java.util.concurrent.ConcurrentHashMap<PeriodKey, QuotaCheck> PERIODS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private record PeriodKey(java.time.ZoneId zone, PlanLimits.QuotaPeriod period) {}

  /** The quota period containing {@code now}, calendar-aligned in the quota's time zone. */
  public static QuotaCheck quota(PlanLimits.Quota quota, Instant now) {
    PeriodKey key = new PeriodKey(quota.zone(), quota.period());
    long ms = now.toEpochMilli();
    QuotaCheck known = PERIODS.get(key);
    if (known == null || ms < known.periodStartMs() || ms >= known.periodEndMs()) {
      known = period(quota, now);
      PERIODS.put(key, known);
    }
    return new QuotaCheck(
        known.period(), quota.limit(), quota.hard(), known.periodStartMs(), known.periodEndMs());
  }

  private static QuotaCheck period(PlanLimits.Quota quota, Instant now) {
    ZonedDateTime local = now.atZone(quota.zone());
    ZonedDateTime start;
    ZonedDateTime end;
    String name;
    if (quota.period() == PlanLimits.QuotaPeriod.MONTH) {
      start = local.toLocalDate().withDayOfMonth(1).atStartOfDay(quota.zone());
      end = local.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(quota.zone());
      name = start.format(DateTimeFormatter.ofPattern("uuuu-MM", Locale.ROOT));
    } else {
      start = local.toLocalDate().atStartOfDay(quota.zone());
      end = local.toLocalDate().plus(1, ChronoUnit.DAYS).atStartOfDay(quota.zone());
      name = start.format(DateTimeFormatter.ISO_LOCAL_DATE);
    }
    return new QuotaCheck(
        name,
        quota.limit(),
        quota.hard(),
        start.toInstant().toEpochMilli(),
        end.toInstant().toEpochMilli());
  }

  /**
   * The same check with every limit divided by {@code replicas} (at least 1 each): what one replica
   * may admit on its own, so that N replicas together stay within the plan.
   *
   * @param quotaShared {@code true} while the shared store is unreachable: the quota's used count
   *     is unknown here, so it is counted (to be added back later) but not enforced; {@code false}
   *     when there is no shared store: each replica enforces its share of the quota
   */
  LimitCheck forOneOf(int replicas, boolean quotaShared) {
    List<WindowCheck> divided = new ArrayList<>(windows.size());
    for (WindowCheck w : windows) {
      divided.add(
          new WindowCheck(w.name(), w.id(), Math.max(1, w.limit() / replicas), w.windowMs()));
    }
    QuotaCheck q =
        quota == null
            ? null
            : new QuotaCheck(
                quota.period(),
                quotaShared ? quota.limit() : Math.max(1, quota.limit() / replicas),
                !quotaShared && quota.hard(),
                quota.periodStartMs(),
                quota.periodEndMs());
    return new LimitCheck(subscriptionId, divided, q, nowMs);
  }
}
