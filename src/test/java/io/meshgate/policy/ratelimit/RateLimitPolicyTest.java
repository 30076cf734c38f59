package io.meshgate.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.catalog.runtime.PlanLimits;
import io.meshgate.catalog.runtime.PlanSnapshot;
import io.meshgate.catalog.runtime.SubscriptionSnapshot;
import io.meshgate.catalog.subscription.SubscriptionState;
import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.Exchanges;
import io.meshgate.chain.HeaderList;
import io.meshgate.chain.PolicyResult;
import io.meshgate.chain.PolicyStage;
import io.meshgate.limit.Decision;
import io.meshgate.limit.LocalCounters;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The policy with local counters and a fixed clock. */
class RateLimitPolicyTest {
  private static final Instant NOW = Instant.parse("2026-11-22T22:30:00.010Z");
  private final LocalCounters counters = new LocalCounters(100);
  private final AtomicReference<Boolean> failOpenSeen = new AtomicReference<>();

  private RateLimitPolicy policy(List<RateLimitPolicy.OperationLimits> ops, boolean legacy) {
    return new RateLimitPolicy(
        (check, failOpen) -> {
          failOpenSeen.set(failOpen);
          return counters.decide(check, true);
        },
        Clock.fixed(NOW, ZoneOffset.UTC),
        ops,
        legacy);
  }

  private static ExchangeContext exchange(PlanLimits limits, String method, String path) {
    PlanSnapshot plan =
        new PlanSnapshot(7L, "free", Exchanges.PRODUCT, "shop", List.of(), 300, limits);
    ExchangeContext ex =
        new ExchangeContext(
            NOW,
            method,
            Exchanges.api(),
            path,
            null,
            Exchanges.ip("10.0.0.1"),
            new HeaderList(),
            new HeaderList());
    ex.subscription(new SubscriptionSnapshot(77L, SubscriptionState.ACTIVE, plan));
    return ex;
  }

  private static PlanLimits perSecond(long n) {
    return new PlanLimits(null, new PlanLimits.Window(n, 1000), null, false);
  }

  @Test
  void runsAtTheRateLimitStage() {
    assertThat(policy(List.of(), false).stage()).isEqualTo(PolicyStage.RATE_LIMIT);
  }

  @Test
  void admittedCallsCarryTheRateLimitHeadersAndNothingGoesUpstream() {
    ExchangeContext ex = exchange(perSecond(3), "GET", "/a");
    assertThat(policy(List.of(), false).onRequest(ex)).isEqualTo(PolicyResult.PROCEED);
    assertThat(ex.responseHeaders().first("RateLimit-Limit")).isEqualTo("3");
    assertThat(ex.responseHeaders().first("RateLimit-Remaining")).isEqualTo("2");
    assertThat(ex.responseHeaders().first("RateLimit-Reset")).isEqualTo("2"); // 1.04 s, rounded up
    assertThat(ex.responseHeaders().contains("X-RateLimit-Limit")).isFalse();
    assertThat(ex.upstreamHeaders().size()).isZero();
    assertThat(failOpenSeen.get()).isFalse();
  }

  @Test
  void overTheLimitIs429WithRetryAfterAndLegacyHeadersWhenAskedFor() {
    RateLimitPolicy p = policy(List.of(), true);
    for (int i = 0; i < 3; i++) {
      assertThat(p.onRequest(exchange(perSecond(3), "GET", "/a"))).isEqualTo(PolicyResult.PROCEED);
    }
    ExchangeContext ex = exchange(perSecond(3), "GET", "/a");
    PolicyResult.Reject r = (PolicyResult.Reject) p.onRequest(ex);
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.errorKey()).isEqualTo("RATE_LIMIT_EXCEEDED");
    assertThat(r.message())
        .isEqualTo("Limit 'rate' of 3 calls is reached for plan 'free'; retry in 2 s");
    assertThat(r.headers()).containsEntry("Retry-After", "2");
    assertThat(ex.responseHeaders().first("RateLimit-Remaining")).isEqualTo("0");
    assertThat(ex.responseHeaders().first("X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(ex.responseHeaders().first("X-RateLimit-Limit")).isEqualTo("3");
  }

  @Test
  void aUsedUpQuotaIs429QuotaExceededUntilTheNextDayInItsZone() {
    PlanLimits limits =
        new PlanLimits(
            null,
            null,
            new PlanLimits.Quota(2, PlanLimits.QuotaPeriod.DAY, ZoneId.of("Europe/Berlin"), true),
            true);
    RateLimitPolicy p = policy(List.of(), false);
    p.onRequest(exchange(limits, "GET", "/a"));
    p.onRequest(exchange(limits, "GET", "/a"));
    ExchangeContext ex = exchange(limits, "GET", "/a");
    PolicyResult.Reject r = (PolicyResult.Reject) p.onRequest(ex);
    assertThat(r.errorKey()).isEqualTo("QUOTA_EXCEEDED");
    // 23:30:00.010 in Berlin: midnight is 1,799.99 s away, rounded up.
    assertThat(r.headers()).containsEntry("Retry-After", "1800");
    assertThat(r.message())
        .isEqualTo(
            "The daily quota of 2 calls of plan 'free' is used up; it starts again in 1800 s");
    assertThat(ex.responseHeaders().first("RateLimit-Reset")).isEqualTo("1800");
    assertThat(failOpenSeen.get()).isTrue();
  }

  @Test
  void operationLimitsApplyOnlyToMatchingCallsOnTopOfThePlan() {
    RateLimitPolicyConfig config =
        new RateLimitPolicyConfig(
            List.of(
                new RateLimitPolicyConfig.Operation(
                    "POST",
                    "/orders/{id}",
                    new io.meshgate.limit.LimitSpec.Rate(1L, "minute"),
                    null)),
            null);
    RateLimitPolicy p = policy(RateLimitPolicyFactory.operations(config), false);
    PlanLimits plan = perSecond(100);
    assertThat(p.onRequest(exchange(plan, "POST", "/orders/1"))).isEqualTo(PolicyResult.PROCEED);
    PolicyResult.Reject r = (PolicyResult.Reject) p.onRequest(exchange(plan, "POST", "/orders/2"));
    // A minute is 20 buckets of 3 s; the call 10 ms into its bucket stops counting 21 buckets on.
    assertThat(r.message())
        .isEqualTo(
            "Limit 'operation POST /orders/{id}' of 1 calls is reached for plan 'free'; retry in 63 s");
    assertThat(p.onRequest(exchange(plan, "GET", "/orders/2"))).isEqualTo(PolicyResult.PROCEED);
    assertThat(p.onRequest(exchange(plan, "POST", "/orders/2/items")))
        .isEqualTo(PolicyResult.PROCEED);
  }

  @Test
  void aPassedSoftQuotaDoesNotTellClientsToStop() {
    PlanLimits limits =
        new PlanLimits(
            null,
            new PlanLimits.Window(100, 1000),
            new PlanLimits.Quota(1, PlanLimits.QuotaPeriod.DAY, null, false),
            true);
    RateLimitPolicy p = policy(List.of(), false);
    p.onRequest(exchange(limits, "GET", "/a"));
    ExchangeContext ex = exchange(limits, "GET", "/a");
    assertThat(p.onRequest(ex)).isEqualTo(PolicyResult.PROCEED);
    assertThat(ex.responseHeaders().first("RateLimit-Limit")).isEqualTo("100");
    assertThat(ex.responseHeaders().first("RateLimit-Remaining")).isEqualTo("98");
  }

  @Test
  void twoApisWithTheSameOperationCountApart() {
    RateLimitPolicyConfig config =
        new RateLimitPolicyConfig(
            List.of(
                new RateLimitPolicyConfig.Operation(
                    "GET", "/items", new io.meshgate.limit.LimitSpec.Rate(1L, "minute"), null)),
            null);
    RateLimitPolicy p = policy(RateLimitPolicyFactory.operations(config), false);
    ExchangeContext onApi1 = exchange(PlanLimits.NONE, "GET", "/items");
    assertThat(p.onRequest(onApi1)).isEqualTo(PolicyResult.PROCEED);
    ExchangeContext onApi2 =
        new ExchangeContext(
            NOW,
            "GET",
            new io.meshgate.catalog.runtime.ApiSnapshot(
                2L,
                "stock",
                "v1",
                "/stock",
                java.net.URI.create("http://stock:8080"),
                "stock",
                null,
                null,
                1L,
                List.of(),
                java.util.Set.of(Exchanges.PRODUCT)),
            "/items",
            null,
            Exchanges.ip("10.0.0.1"),
            new HeaderList(),
            new HeaderList());
    onApi2.subscription(
        new SubscriptionSnapshot(
            77L,
            SubscriptionState.ACTIVE,
            new PlanSnapshot(
                7L, "free", Exchanges.PRODUCT, "shop", List.of(), 300, PlanLimits.NONE)));
    assertThat(p.onRequest(onApi2)).isEqualTo(PolicyResult.PROCEED);
    assertThat(p.onRequest(exchange(PlanLimits.NONE, "GET", "/items")))
        .isInstanceOf(PolicyResult.Reject.class);
  }

  @Test
  void aPlanWithoutLimitsPassesWithoutHeaders() {
    ExchangeContext ex = exchange(PlanLimits.NONE, "GET", "/a");
    assertThat(policy(List.of(), false).onRequest(ex)).isEqualTo(PolicyResult.PROCEED);
    assertThat(ex.hasResponseHeaders()).isFalse();
  }

  @Test
  void withoutASubscriptionThereIsNothingToCountAgainst() {
    ExchangeContext ex =
        new ExchangeContext(
            NOW,
            "GET",
            Exchanges.api(),
            "/a",
            null,
            Exchanges.ip("10.0.0.1"),
            new HeaderList(),
            new HeaderList());
    PolicyResult.Reject r = (PolicyResult.Reject) policy(List.of(), false).onRequest(ex);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorKey()).isEqualTo("RATE_LIMIT_SUBSCRIPTION_REQUIRED");
  }

  @Test
  void anUnavailableLimiterIs503ForFailClosedPlans() {
    RateLimitPolicy p =
        new RateLimitPolicy(
            (check, failOpen) -> unavailable(), Clock.fixed(NOW, ZoneOffset.UTC), List.of(), false);
    PolicyResult.Reject r = (PolicyResult.Reject) p.onRequest(exchange(perSecond(5), "GET", "/"));
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.errorKey()).isEqualTo("LIMITER_UNAVAILABLE");
    assertThat(r.headers()).containsEntry("Retry-After", "1");
  }

  private static Decision unavailable() {
    return new Decision(Decision.Verdict.UNAVAILABLE, null, 1000, List.of(), false);
  }
}
