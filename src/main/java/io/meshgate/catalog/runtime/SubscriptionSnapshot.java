package io.meshgate.catalog.runtime;

import io.meshgate.catalog.subscription.SubscriptionState;

/** Immutable view of one subscription of an app. */
public record SubscriptionSnapshot(long id, SubscriptionState state, PlanSnapshot plan) {}
