package io.meshgate.policy.subscription;

import io.meshgate.catalog.runtime.AppSnapshot;
import io.meshgate.catalog.runtime.SubscriptionSnapshot;
import io.meshgate.catalog.subscription.SubscriptionState;
import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.Policy;
import io.meshgate.chain.PolicyFactory;
import io.meshgate.chain.PolicyResult;
import io.meshgate.chain.PolicyStage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

/** Builds the {@code subscription} policy. */
@ApplicationScoped
public class SubscriptionPolicyFactory implements PolicyFactory<SubscriptionPolicyConfig> {
  public static final String ID = "subscription";
  public static final String REQUIRED = "SUBSCRIPTION_REQUIRED";
  public static final String PENDING = "SUBSCRIPTION_PENDING";
  public static final String SUSPENDED = "SUBSCRIPTION_SUSPENDED";

  static final Policy POLICY = new SubscriptionPolicy();

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Class<SubscriptionPolicyConfig> configType() {
    return SubscriptionPolicyConfig.class;
  }

  @Override
  public List<Policy> create(SubscriptionPolicyConfig config) {
    return List.of(POLICY);
  }

  /** Finds the app's subscription covering this API; an active one wins over others. */
  static final class SubscriptionPolicy implements Policy {
    @Override
    public PolicyStage stage() {
      return PolicyStage.SUBSCRIPTION;
    }

    @Override
    public PolicyResult onRequest(ExchangeContext exchange) {
      AppSnapshot app = exchange.app();
      if (app == null) {
        // Only reachable when an API has no client-auth step: nobody to look up.
        return PolicyResult.reject(
            403, REQUIRED, "This API needs an authenticated app with a subscription");
      }
      Set<Long> products = exchange.api().productIds();
      SubscriptionSnapshot active = app.activeSubscriptionFor(products);
      if (active != null) {
        exchange.subscription(active);
        return PolicyResult.proceed();
      }
      SubscriptionSnapshot pending = null;
      SubscriptionSnapshot suspended = null;
      for (SubscriptionSnapshot s : app.subscriptions()) {
        if (!products.contains(s.plan().productId())) {
          continue;
        }
        if (s.state() == SubscriptionState.PENDING) {
          pending = s;
        } else if (s.state() == SubscriptionState.SUSPENDED) {
          suspended = s;
        }
      }
      if (suspended != null) {
        return PolicyResult.reject(
            403,
            SUSPENDED,
            "The subscription to plan '" + suspended.plan().name() + "' is suspended");
      }
      if (pending != null) {
        return PolicyResult.reject(
            403,
            PENDING,
            "The subscription to plan '" + pending.plan().name() + "' is awaiting approval");
      }
      return PolicyResult.reject(
          403,
          REQUIRED,
          "The app '" + app.name() + "' has no subscription to a product with this API");
    }
  }
}
