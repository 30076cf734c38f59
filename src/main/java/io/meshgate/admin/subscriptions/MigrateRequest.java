package io.meshgate.admin.subscriptions;

import jakarta.validation.constraints.NotNull;

/** Moves a subscription to another plan of the same product. */
public record MigrateRequest(@NotNull(message = "is required") Long planId) {}
