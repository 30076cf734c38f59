package io.meshgate.admin.apps;

import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * A new credential for an app. Without {@code certificate} and {@code certificateSha256}: a new API
 * key (optional expiry and label; send {@code {}} for neither). With one of them: a client
 * certificate, registered by its PEM ({@code -----BEGIN CERTIFICATE-----}, the leaf first; it
 * expires with the certificate), by its SHA-256 thumbprint (64 hex digits, colons allowed), or, for
 * APIs that name the CAs they trust ({@code certificateAuthorities} of {@code client-auth}), by its
 * subject DN ({@code certificateSubject}) or one of its subject alternative names ({@code
 * certificateSan}: a DNS name, URI or e-mail address): then every certificate those CAs issue with
 * that name is the app's. Exactly one of the four.
 */
public record CredentialRequest(
    @Future(message = "must be in the future") Instant expiresAt,
    @Size(max = 200, message = "must be at most 200 characters") String label,
    @Size(max = 20000, message = "must be at most 20000 characters") String certificate,
    @Pattern(
            regexp = "([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}",
            message = "must be a SHA-256 thumbprint: 64 hex digits, colons allowed")
        String certificateSha256,
    @Size(max = 1000, message = "must be at most 1000 characters") String certificateSubject,
    @Size(max = 1000, message = "must be at most 1000 characters") String certificateSan) {

  public CredentialRequest(Instant expiresAt, String label) {
    this(expiresAt, label, null, null, null, null);
  }

  /** Whether this registers a client certificate rather than creating an API key. */
  public boolean isCertificate() {
    return certificate != null
        || certificateSha256 != null
        || certificateSubject != null
        || certificateSan != null;
  }
}
