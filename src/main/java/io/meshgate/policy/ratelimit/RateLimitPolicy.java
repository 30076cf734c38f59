package io.meshgate.policy.ratelimit;

import io.meshgate.catalog.runtime.PlanLimits;
import io.meshgate.catalog.runtime.SubscriptionSnapshot;
import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.HeaderList;
import io.meshgate.chain.Policy;
import io.meshgate.chain.PolicyResult;
import io.meshgate.chain.PolicyStage;
import io.meshgate.limit.Decision;
import io.meshgate.limit.LimitCheck;
import io.meshgate.limit.LimitSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Enforces the plan's burst limit, rate limit and quota, and the API's per-operation limits, per
 * subscription. Runs after {@code subscription} and before {@code token}, so refused calls cost no
 * signature. Every answer carries the {@code RateLimit-*} headers of the count closest to its
 * limit.
 */
final class RateLimitPolicy implements Policy {
  public static final String RATE_LIMIT_EXCEEDED = "RATE_LIMIT_EXCEEDED";
  public static final String QUOTA_EXCEEDED = "QUOTA_EXCEEDED";
  public static final String LIMITER_UNAVAILABLE = "LIMITER_UNAVAILABLE";
  public static final String SUBSCRIPTION_REQUIRED = "RATE_LIMIT_SUBSCRIPTION_REQUIRED";

  static final String LIMIT = "RateLimit-Limit";
  static final String REMAINING = "RateLimit-Remaining";
  static final String RESET = "RateLimit-Reset";
  static final String RETRY_AFTER = "Retry-After";
  static final String LEGACY_PREFIX = "X-";

  /** The decision seam: the shared limiter in production, a local one in unit tests. */
  interface Decider {
    Decision decide(LimitCheck check, boolean failOpen);
  }

  /** The windows of one configured operation. */
  record OperationLimits(String method, PathTemplate path, List<LimitCheck.WindowCheck> windows) {
    boolean matches(ExchangeContext exchange) {
      return ("*".equals(method) || method.equals(exchange.method()))
          && path.matches(exchange.upstreamPath());
    }
  }

  private final Decider decider;
  private final Clock clock;
  private final List<OperationLimits> operations;
  private final boolean legacyHeaders;

  RateLimitPolicy(
      Decider decider, Clock clock, List<OperationLimits> operations, boolean legacyHeaders) {
    this.decider = decider;
    this.clock = clock;
    this.operations = List.copyOf(operations);
    this.legacyHeaders = legacyHeaders;
  }

  @Override
  public PolicyStage stage() {
    return PolicyStage.RATE_LIMIT;
  }

  @Override
  public PolicyResult onRequest(ExchangeContext exchange) {
    SubscriptionSnapshot subscription = exchange.subscription();
    if (subscription == null) {
      // Limits are per subscription: without one there is nothing to count against.
      return PolicyResult.reject(
          403, SUBSCRIPTION_REQUIRED, "Rate limits need an app with an active subscription");
    }
    PlanLimits limits = subscription.plan().limits();
    List<LimitCheck.WindowCheck> extra = List.of();
    for (OperationLimits op : operations) {
      if (op.matches(exchange)) {
        if (extra.isEmpty()) {
          extra = new ArrayList<>(op.windows().size());
        }
        // Counters are per subscription, which may cover several APIs of a product: an
        // operation's counter also names its API, so two APIs' "GET /orders/{id}" never share.
        String api = "a" + exchange.api().id() + ":";
        for (LimitCheck.WindowCheck w : op.windows()) {
          extra.add(new LimitCheck.WindowCheck(w.name(), api + w.id(), w.limit(), w.windowMs()));
        }
      }
    }
    if (limits.isEmpty() && extra.isEmpty()) {
      return PolicyResult.proceed();
    }
    LimitCheck check = LimitCheck.of(subscription.id(), limits, extra, clock.instant());
    Decision decision = decider.decide(check, limits.failOpen());
    if (decision.verdict() == Decision.Verdict.UNAVAILABLE) {
      return PolicyResult.reject(
          503,
          LIMITER_UNAVAILABLE,
          "The rate limiter is unavailable and plan '"
              + subscription.plan().name()
              + "' refuses calls it cannot count",
          Map.of(RETRY_AFTER, Long.toString(LimitSpec.seconds(decision.retryAfterMs()))));
    }
    HeaderList headers = exchange.responseHeaders();
    Decision.Count shown =
        decision.verdict() == Decision.Verdict.REFUSED ? decision.refusedBy() : decision.tightest();
    put(headers, LIMIT, Long.toString(shown.limit()));
    put(headers, REMAINING, Long.toString(shown.remaining()));
    put(headers, RESET, Long.toString(LimitSpec.seconds(shown.resetMs())));
    if (decision.admitted()) {
      return PolicyResult.proceed();
    }
    Decision.Count by = decision.refusedBy();
    long retryAfter = LimitSpec.seconds(decision.retryAfterMs());
    if (by.quota()) {
      return PolicyResult.reject(
          429,
          QUOTA_EXCEEDED,
          "The "
              + (limits.quota().period() == PlanLimits.QuotaPeriod.MONTH ? "monthly" : "daily")
              + " quota of "
              + by.limit()
              + " calls of plan '"
              + subscription.plan().name()
              + "' is used up; it starts again in "
              + retryAfter
              + " s",
          Map.of(RETRY_AFTER, Long.toString(retryAfter)));
    }
    return PolicyResult.reject(
        429,
        RATE_LIMIT_EXCEEDED,
        "Limit '"
            + by.name()
            + "' of "
            + by.limit()
            + " calls is reached for plan '"
            + subscription.plan().name()
            + "'; retry in "
            + retryAfter
            + " s",
        Map.of(RETRY_AFTER, Long.toString(retryAfter)));
  }

  private void put(HeaderList headers, String name, String value) {
    headers.set(name, value);
    if (legacyHeaders) {
      headers.set(LEGACY_PREFIX + name, value);
    }
  }
}
