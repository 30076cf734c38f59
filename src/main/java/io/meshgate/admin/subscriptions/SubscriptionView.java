package io.meshgate.admin.subscriptions;

import java.time.Instant;

/** A subscription as the admin API shows it. */
public record SubscriptionView(
    long id,
    long appId,
    long planId,
    String plan,
    long productId,
    String product,
    String state,
    Instant createdAt,
    Instant updatedAt) {}
