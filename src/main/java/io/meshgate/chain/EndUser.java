package io.meshgate.chain;

/**
 * The person behind a call made with an end-user token of an external identity provider: its {@code
 * sub} and {@code iss}. Carried into the mesh token as the {@code act} claim.
 */
public record EndUser(String subject, String issuer) {}
