package io.meshgate.catalog.runtime;

import io.meshgate.catalog.app.AppState;
import java.util.List;

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
