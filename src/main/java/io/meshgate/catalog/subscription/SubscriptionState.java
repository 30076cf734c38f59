package io.meshgate.catalog.subscription;

/** Where a subscription stands. Only {@link #ACTIVE} lets calls through. */
public enum SubscriptionState {
  PENDING,
  ACTIVE,
  SUSPENDED,
  CANCELLED
}
