package io.meshgate.policy.subscription;

/** {@code subscription} takes no config: the catalog says everything. */
public record SubscriptionPolicyConfig() {}
