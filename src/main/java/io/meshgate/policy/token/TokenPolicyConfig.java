package io.meshgate.policy.token;

import jakarta.validation.constraints.Size;

/** Config of {@code token}. */
public record TokenPolicyConfig(@Size(min = 1, max = 400) String audience) {}
