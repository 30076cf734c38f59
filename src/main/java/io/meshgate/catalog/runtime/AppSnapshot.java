package io.meshgate.catalog.runtime;

import io.meshgate.catalog.app.AppState;
import io.meshgate.catalog.subscription.SubscriptionState;
import java.util.List;
import java.util.Set;

/**
 * Immutable view of an app for the data plane: identity, state, the digest of its client secret
 * (never the secret) and its subscriptions.
 */
public record AppSnapshot(
    long id,
    String name,
    String clientId,
    AppState state,
    byte[] clientSecretDigest,
    List<SubscriptionSnapshot> subscriptions) {

  public AppSnapshot {
    subscriptions = List.copyOf(subscriptions);
  }

  public boolean active() {
    return state == AppState.ACTIVE;
  }

  /**
   * The subscription a call to an API bundled by these products goes through: the first active one
   * to any of them, or {@code null}. The {@code subscription} policy admits a call by this rule,
   * and tokens are re-minted ahead of calls by it, so the two never disagree.
   */
  public SubscriptionSnapshot activeSubscriptionFor(Set<Long> productIds) {
    for (SubscriptionSnapshot s : subscriptions) {
      if (s.state() == SubscriptionState.ACTIVE && productIds.contains(s.plan().productId())) {
        return s;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "AppSnapshot[id="
        + id
        + ", name="
        + name
        + ", clientId="
        + clientId
        + ", state="
        + state
        + "]";
  }
}
