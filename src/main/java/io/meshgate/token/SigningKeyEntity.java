package io.meshgate.token;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A signing key: its public JWK in clear, its private key sealed with the key-encryption key. Its
 * state is derived from {@code publishedAt} and {@code activatesAt} by {@link KeyLifecycle}; the
 * {@code state} column only records what the key was created as.
 */
@Entity
@Table(name = "signing_key")
public class SigningKeyEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private String kid;
  private String alg;

  @Column(name = "public_jwk")
  private String publicJwk;

  @Column(name = "private_key_sealed")
  private String privateKeySealed;

  @Enumerated(EnumType.STRING)
  private SigningKeyState state;

  @Column(name = "created_at")
  private Instant createdAt;

  @Column(name = "published_at")
  private Instant publishedAt;

  @Column(name = "activated_at")
  private Instant activatedAt;

  @Column(name = "retired_at")
  private Instant retiredAt;

  @Column(name = "activates_at")
  private Instant activatesAt;

  protected SigningKeyEntity() {}

  public SigningKeyEntity(
      String kid,
      String alg,
      String publicJwk,
      String privateKeySealed,
      SigningKeyState state,
      Instant now) {
    this.kid = kid;
    this.alg = alg;
    this.publicJwk = publicJwk;
    this.privateKeySealed = privateKeySealed;
    this.state = state;
    this.createdAt = now;
    if (state == SigningKeyState.ACTIVE) {
      this.publishedAt = now;
      this.activatedAt = now;
      this.activatesAt = now;
    } else if (state == SigningKeyState.PUBLISHED) {
      this.publishedAt = now;
    }
  }

  /** Puts the key in the JWKS from {@code now} on. */
  public void publish(Instant now) {
    this.publishedAt = now;
  }

  /** Makes the key sign from {@code at} on (checked against the lifecycle by the caller). */
  public void scheduleActivation(Instant at) {
    this.activatesAt = at;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getPublishedAt() {
    return publishedAt;
  }

  public Instant getActivatesAt() {
    return activatesAt;
  }

  public Long getId() {
    return id;
  }

  public String getKid() {
    return kid;
  }

  public String getAlg() {
    return alg;
  }

  public String getPublicJwk() {
    return publicJwk;
  }

  public String getPrivateKeySealed() {
    return privateKeySealed;
  }

  public SigningKeyState getState() {
    return state;
  }

  public Instant getActivatedAt() {
    return activatedAt;
  }
}
