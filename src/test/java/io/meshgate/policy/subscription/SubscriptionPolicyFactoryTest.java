package io.meshgate.policy.subscription;

import static io.meshgate.chain.Exchanges.OTHER_PRODUCT;
import static io.meshgate.chain.Exchanges.PRODUCT;
import static io.meshgate.chain.Exchanges.app;
import static io.meshgate.chain.Exchanges.exchangeFrom;
import static io.meshgate.chain.Exchanges.plan;
import static io.meshgate.chain.Exchanges.subscription;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.catalog.runtime.AppSnapshot;
import io.meshgate.catalog.runtime.PlanSnapshot;
import io.meshgate.catalog.subscription.SubscriptionState;
import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.Policy;
import io.meshgate.chain.PolicyResult;
import io.meshgate.chain.PolicyStage;
import org.junit.jupiter.api.Test;

class SubscriptionPolicyFactoryTest {
  private final Policy policy =
      new SubscriptionPolicyFactory().create(new SubscriptionPolicyConfig()).get(0);
  private final PlanSnapshot gold = plan("gold", PRODUCT);

  @Test
  void idAndStage() {
    assertThat(new SubscriptionPolicyFactory().id()).isEqualTo("subscription");
    assertThat(policy.stage()).isEqualTo(PolicyStage.SUBSCRIPTION);
  }

  @Test
  void activeSubscriptionProceedsAndSetsThePlan() {
    ExchangeContext exchange = run(app("c1", subscription(SubscriptionState.ACTIVE, gold)));

    assertThat(exchange.plan()).isEqualTo(gold);
  }

  @Test
  void activeWinsOverPendingAndSuspendedOnes() {
    PlanSnapshot silver =
        new PlanSnapshot(7L, "silver", PRODUCT, "product-10", java.util.List.of(), 60);
    ExchangeContext exchange =
        run(
            app(
                "c1",
                subscription(SubscriptionState.SUSPENDED, silver),
                subscription(SubscriptionState.PENDING, silver),
                subscription(SubscriptionState.ACTIVE, gold)));

    assertThat(exchange.plan()).isEqualTo(gold);
  }

  @Test
  void pending() {
    assertThat(reject(app("c1", subscription(SubscriptionState.PENDING, gold))))
        .isEqualTo(
            PolicyResult.reject(
                403,
                "SUBSCRIPTION_PENDING",
                "The subscription to plan 'gold' is awaiting approval"));
  }

  @Test
  void suspended() {
    assertThat(reject(app("c1", subscription(SubscriptionState.SUSPENDED, gold))))
        .isEqualTo(
            PolicyResult.reject(
                403, "SUBSCRIPTION_SUSPENDED", "The subscription to plan 'gold' is suspended"));
  }

  @Test
  void suspendedIsReportedBeforePending() {
    PlanSnapshot silver =
        new PlanSnapshot(7L, "silver", PRODUCT, "product-10", java.util.List.of(), 60);
    assertThat(
            reject(
                app(
                    "c1",
                    subscription(SubscriptionState.PENDING, gold),
                    subscription(SubscriptionState.SUSPENDED, silver))))
        .isEqualTo(
            PolicyResult.reject(
                403, "SUBSCRIPTION_SUSPENDED", "The subscription to plan 'silver' is suspended"));
  }

  @Test
  void noSubscription() {
    assertThat(reject(app("c1")))
        .isEqualTo(
            PolicyResult.reject(
                403,
                "SUBSCRIPTION_REQUIRED",
                "The app 'app-c1' has no subscription to a product with this API"));
  }

  @Test
  void activeSubscriptionToAnotherProductDoesNotCount() {
    assertThat(
            reject(app("c1", subscription(SubscriptionState.ACTIVE, plan("gold", OTHER_PRODUCT)))))
        .isEqualTo(
            PolicyResult.reject(
                403,
                "SUBSCRIPTION_REQUIRED",
                "The app 'app-c1' has no subscription to a product with this API"));
  }

  @Test
  void cancelledSubscriptionDoesNotCount() {
    assertThat(reject(app("c1", subscription(SubscriptionState.CANCELLED, gold))))
        .isEqualTo(
            PolicyResult.reject(
                403,
                "SUBSCRIPTION_REQUIRED",
                "The app 'app-c1' has no subscription to a product with this API"));
  }

  @Test
  void noAuthenticatedApp() {
    ExchangeContext exchange = exchangeFrom("192.0.2.1");
    assertThat(policy.onRequest(exchange))
        .isEqualTo(
            PolicyResult.reject(
                403,
                "SUBSCRIPTION_REQUIRED",
                "This API needs an authenticated app with a subscription"));
  }

  private ExchangeContext run(AppSnapshot app) {
    ExchangeContext exchange = exchangeFrom("192.0.2.1");
    exchange.app(app);
    assertThat(policy.onRequest(exchange)).isSameAs(PolicyResult.PROCEED);
    return exchange;
  }

  private PolicyResult reject(AppSnapshot app) {
    ExchangeContext exchange = exchangeFrom("192.0.2.1");
    exchange.app(app);
    PolicyResult result = policy.onRequest(exchange);
    assertThat(exchange.plan()).isNull();
    return result;
  }
}
