package io.meshgate.catalog.runtime;

import java.time.Instant;

/**
 * An API key as the data plane sees it: whose it is and whether it is still good.
 *
 * @param expiresAt {@code null} when the key never expires
 * @param revokedAt {@code null} unless revoked
 */
public record CredentialSnapshot(
    long id, long appId, String prefix, Instant expiresAt, Instant revokedAt) {

  /** Whether the key may be used at {@code now}. */
  public boolean usableAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }
}
