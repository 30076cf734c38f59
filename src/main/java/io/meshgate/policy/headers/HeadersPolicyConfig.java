package io.meshgate.policy.headers;

/** {@code headers} takes no config; header names are server-wide ({@code meshgate.headers.*}). */
public record HeadersPolicyConfig() {}
