package io.meshgate.catalog.app;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * An API key or a client certificate of an app. Only a keyed digest and a short prefix (for people)
 * are stored; for a certificate also its subject.
 */
@Entity
@Table(name = "credential")
public class CredentialEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "app_id")
  private AppEntity app;

  @Column(name = "key_digest")
  private String keyDigest;

  @Column(name = "key_prefix")
  private String keyPrefix;

  private String label;

  @Column(name = "expires_at")
  private Instant expiresAt;

  @Column(name = "revoked_at")
  private Instant revokedAt;

  @Column(name = "created_at")
  private Instant createdAt;

  /** {@link #API_KEY} or {@link #CERTIFICATE}. */
  private String kind = API_KEY;

  /** A certificate's subject (RFC 2253), when it was registered by its PEM. */
  private String subject;

  public static final String API_KEY = "api-key";
  public static final String CERTIFICATE = "certificate";

  protected CredentialEntity() {}

  CredentialEntity(
      AppEntity app, String keyDigest, String keyPrefix, Instant expiresAt, Instant now) {
    this.app = app;
    this.keyDigest = keyDigest;
    this.keyPrefix = keyPrefix;
    this.expiresAt = expiresAt;
    this.createdAt = now;
  }

  public String getKind() {
    return kind;
  }

  public String getSubject() {
    return subject;
  }

  /** Makes this credential a client certificate. */
  void certificate(String subject) {
    this.kind = CERTIFICATE;
    this.subject = subject;
  }

  public Long getId() {
    return id;
  }

  public AppEntity getApp() {
    return app;
  }

  public String getKeyDigest() {
    return keyDigest;
  }

  public String getKeyPrefix() {
    return keyPrefix;
  }

  public Instant getExpiresAt() {
    return expiresAt;
  }

  public Instant getRevokedAt() {
    return revokedAt;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public String getLabel() {
    return label;
  }

  public void setLabel(String label) {
    this.label = label;
  }

  public void revoke(Instant at) {
    this.revokedAt = at;
  }
}
