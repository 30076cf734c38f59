package io.meshgate.catalog.runtime;

import java.time.Instant;

/**
 * An API key or client certificate as the data plane sees it: whose it is and whether it is still
 * good.
 *
 * @param expiresAt {@code null} when the key never expires
 * @param revokedAt {@code null} unless revoked
 */
public record CredentialSnapshot(
    long id, long appId, String prefix, Instant expiresAt, Instant revokedAt, String kind) {

  public CredentialSnapshot(
      long id, long appId, String prefix, Instant expiresAt, Instant revokedAt) {
    this(id, appId, prefix, expiresAt, revokedAt, "api-key");
  }

  /** Whether this is a client certificate rather than an API key. */
  public boolean certificate() {
    return "certificate".equals(kind);
  }

  /** Whether the key may be used at {@code now}. */
  public boolean usableAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }
}
