package io.meshgate.admin.subscriptions;

import jakarta.validation.constraints.NotNull;

/** Subscribes an app to a plan (the plan names its product). */
public record SubscriptionRequest(
    @NotNull(message = "is required") Long appId, @NotNull(message = "is required") Long planId) {}
