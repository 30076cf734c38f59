package io.meshgate.admin.apps;

import java.time.Instant;
import java.util.List;

/** What the apps resource returns. Only {@link Created} and {@link NewKey} carry secrets. */
public final class AppViews {
  private AppViews() {}

  /** An app without any secret: credentials by prefix and metadata only. */
  public record App(
      long id,
      String name,
      String owner,
      String clientId,
      String state,
      List<Credential> credentials,
      Instant createdAt) {}

  /** An API key's metadata: never the key, never its digest. */
  public record Credential(
      long id,
      String kind,
      String prefix,
      String label,
      String subject,
      Instant createdAt,
      Instant expiresAt,
      Instant revokedAt) {}

  /**
   * A registered client certificate: {@code certificateSha256} is its thumbprint (hex), {@code
   * subject} its subject when registered by PEM.
   */
  public record NewCertificate(
      long id,
      String kind,
      String certificateSha256,
      String prefix,
      String label,
      String subject,
      Instant createdAt,
      Instant expiresAt) {}

  /** The create response: the only time the client secret and the first key are shown. */
  public record Created(
      long id,
      String name,
      String owner,
      String clientId,
      String clientSecret,
      String state,
      NewKey apiKey,
      Instant createdAt) {}

  /** A new API key: the only time {@code key} is shown. */
  public record NewKey(
      long id, String key, String prefix, String label, Instant createdAt, Instant expiresAt) {}
}
