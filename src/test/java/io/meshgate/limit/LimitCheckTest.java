package io.meshgate.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.catalog.runtime.PlanLimits;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Quota periods are calendar periods in the quota's zone, daylight saving included. */
class LimitCheckTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void aDayInBerlinStartsAndEndsAtLocalMidnight() {
    LimitCheck.QuotaCheck q =
        LimitCheck.quota(
            new PlanLimits.Quota(10, PlanLimits.QuotaPeriod.DAY, BERLIN, true),
            Instant.parse("2026-11-22T23:30:00Z")); // already the 23rd in Berlin
    assertThat(q.period()).isEqualTo("2026-11-23");
    assertThat(Instant.ofEpochMilli(q.periodStartMs())).isEqualTo("2026-11-22T23:00:00Z");
    assertThat(Instant.ofEpochMilli(q.periodEndMs())).isEqualTo("2026-11-23T23:00:00Z");
  }

  @Test
  void theDayClocksGoBackHas25Hours() {
    LimitCheck.QuotaCheck q =
        LimitCheck.quota(
            new PlanLimits.Quota(10, PlanLimits.QuotaPeriod.DAY, BERLIN, true),
            Instant.parse("2026-10-25T12:00:00Z"));
    assertThat(q.periodEndMs() - q.periodStartMs()).isEqualTo(25 * 3_600_000L);
  }

  @Test
  void aMonthEndsAtTheFirstOfTheNext() {
    LimitCheck.QuotaCheck q =
        LimitCheck.quota(
            new PlanLimits.Quota(10, PlanLimits.QuotaPeriod.MONTH, null, false),
            Instant.parse("2026-12-31T23:59:59Z"));
    assertThat(q.period()).isEqualTo("2026-12");
    assertThat(Instant.ofEpochMilli(q.periodEndMs())).isEqualTo("2027-01-01T00:00:00Z");
    assertThat(q.hard()).isFalse();
  }

  @Test
  void oneReplicasShareDividesTheLimitsAndKeepsTheQuotaOnlyWithoutRedis() {
    LimitCheck check =
        LimitCheck.of(
            5,
            new PlanLimits(
                new PlanLimits.Window(2, 100),
                new PlanLimits.Window(20, 1000),
                new PlanLimits.Quota(100, PlanLimits.QuotaPeriod.DAY, null, true),
                true),
            List.of(),
            Instant.parse("2026-11-22T10:00:00Z"));
    LimitCheck duringOutage = check.forOneOf(3, true);
    assertThat(duringOutage.windows())
        .extracting(LimitCheck.WindowCheck::limit)
        .containsExactly(1L, 6L);
    assertThat(duringOutage.quota().hard()).isFalse();
    assertThat(duringOutage.quota().limit()).isEqualTo(100);
    LimitCheck withoutRedis = check.forOneOf(3, false);
    assertThat(withoutRedis.quota().hard()).isTrue();
    assertThat(withoutRedis.quota().limit()).isEqualTo(33);
  }
}
