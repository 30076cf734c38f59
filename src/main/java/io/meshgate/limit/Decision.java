package io.meshgate.limit;

import java.util.List;

/**
 * The outcome of one rate-limit decision.
 *
 * @param verdict admitted, refused, or not decidable (the store failed and the plan fails closed)
 * @param refusedBy the count that refused the call, or {@code null}
 * @param retryAfterMs when refused: how long until the call would be admitted
 * @param counts every window and the quota after the decision, in check order (quota last)
 * @param shared {@code true} when counted in the shared store (Redis), {@code false} when counted
 *     on this replica only
 */
public record Decision(
    Verdict verdict, Count refusedBy, long retryAfterMs, List<Count> counts, boolean shared) {

  public Decision {
    counts = List.copyOf(counts);
  }

  /** What the decision says about the call. */
  public enum Verdict {
    ADMITTED,
    REFUSED,
    UNAVAILABLE
  }

  static Decision unavailable() {
    return new Decision(Verdict.UNAVAILABLE, null, 1_000, List.of(), false);
  }

  public boolean admitted() {
    return verdict == Verdict.ADMITTED;
  }

  /**
   * The count closest to its limit (least remaining; the first on ties), or {@code null}. A soft
   * quota only counts when nothing else does: it never refuses, so it must not tell clients to
   * stop.
   */
  public Count tightest() {
    Count best = null;
    for (Count c : counts) {
      if (c.hard() && (best == null || c.remaining() < best.remaining())) {
        best = c;
      }
    }
    return best != null || counts.isEmpty() ? best : counts.get(0);
  }

  /**
   * One window or quota after the decision.
   *
   * @param name {@code burst}, {@code rate}, {@code operation …} or {@code quota}
   * @param used calls counted, this one included when admitted
   * @param resetMs how long until the count next goes down (a rolling window) or starts again (a
   *     quota); 0 when nothing is counted
   * @param quota whether this is the calendar quota
   * @param hard whether reaching the limit refuses calls (false only for a soft quota)
   */
  public record Count(
      String name, long limit, long used, long resetMs, boolean quota, boolean hard) {
    public long remaining() {
      return Math.max(0, limit - used);
    }

    /** A soft quota's limit was passed: the call went through but is flagged. */
    public boolean exceeded() {
      return used > limit;
    }
  }
}
