package io.meshgate.limit;

import java.util.ArrayList;
import java.util.List;

/** Turns raw counts, however they were read, into a {@link Decision}. */
final class Tally {
  private Tally() {}

  /**
   * @param sums per window: calls counted before this one
   * @param retries per window: ms until one more call fits (only read when the window is full)
   * @param oldest per window: the oldest bucket still counted, or -1 when none is
   * @param quotaUsed calls counted in the quota period before this one
   * @param counted whether this call was counted (admitted and taken)
   */
  static Decision decision(
      LimitCheck check,
      long[] sums,
      long[] retries,
      long[] oldest,
      long quotaUsed,
      boolean counted,
      boolean shared) {
    long now = check.nowMs();
    List<Decision.Count> counts = new ArrayList<>(sums.length + 1);
    Decision.Count refusedBy = null;
    long retryAfter = 0;
    int extra = counted ? 1 : 0;
    for (int i = 0; i < sums.length; i++) {
      LimitCheck.WindowCheck w = check.windows().get(i);
      long bucket = RollingWindow.bucketMs(w.windowMs());
      long span = RollingWindow.span(w.windowMs(), bucket);
      long current = Math.floorDiv(now, bucket);
      long first = oldest[i] >= 0 ? oldest[i] : (counted ? current : -1);
      long reset = first < 0 ? 0 : RollingWindow.expiresInMs(first, span, bucket, now);
      Decision.Count c =
          new Decision.Count(w.name(), w.limit(), sums[i] + extra, reset, false, true);
      counts.add(c);
      if (sums[i] >= w.limit() && retries[i] > retryAfter) {
        refusedBy = c;
        retryAfter = retries[i];
      } else if (sums[i] >= w.limit() && refusedBy == null) {
        refusedBy = c;
        retryAfter = Math.max(1, retries[i]);
      }
    }
    LimitCheck.QuotaCheck q = check.quota();
    if (q != null) {
      Decision.Count c =
          new Decision.Count(
              "quota", q.limit(), quotaUsed + extra, q.periodEndMs() - now, true, q.hard());
      counts.add(c);
      if (q.hard() && quotaUsed >= q.limit() && q.periodEndMs() - now >= retryAfter) {
        refusedBy = c;
        retryAfter = q.periodEndMs() - now;
      }
    }
    Decision.Verdict verdict =
        refusedBy == null ? Decision.Verdict.ADMITTED : Decision.Verdict.REFUSED;
    return new Decision(verdict, refusedBy, refusedBy == null ? 0 : retryAfter, counts, shared);
  }
}
