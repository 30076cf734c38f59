package io.meshgate.catalog.app;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A client application: its client id, the digest of its secret, and its API keys. */
@Entity
@Table(name = "app")
public class AppEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private String name;
  private String owner;

  @Column(name = "client_id")
  private String clientId;

  @Column(name = "client_secret_digest")
  private String clientSecretDigest;

  @Enumerated(EnumType.STRING)
  private AppState state;

  @Column(name = "created_at")
  private Instant createdAt;

  @OneToMany(mappedBy = "app", cascade = CascadeType.ALL, orphanRemoval = true)
  private List<CredentialEntity> credentials = new ArrayList<>();

  protected AppEntity() {}

  public AppEntity(String name, String clientId, String clientSecretDigest, Instant now) {
    this.name = name;
    this.clientId = clientId;
    this.clientSecretDigest = clientSecretDigest;
    this.state = AppState.ACTIVE;
    this.createdAt = now;
  }

  public CredentialEntity addApiKey(
      String keyDigest, String keyPrefix, Instant expiresAt, Instant now) {
    CredentialEntity credential = new CredentialEntity(this, keyDigest, keyPrefix, expiresAt, now);
    credentials.add(credential);
    return credential;
  }

  /** Registers a client certificate by the keyed digest of its thumbprint. */
  public CredentialEntity addCertificate(
      String digest, String prefix, String subject, Instant expiresAt, Instant now) {
    CredentialEntity credential = new CredentialEntity(this, digest, prefix, expiresAt, now);
    credential.certificate(subject);
    credentials.add(credential);
    return credential;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Long getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public String getOwner() {
    return owner;
  }

  public void setOwner(String owner) {
    this.owner = owner;
  }

  public String getClientId() {
    return clientId;
  }

  public String getClientSecretDigest() {
    return clientSecretDigest;
  }

  public AppState getState() {
    return state;
  }

  public void setState(AppState state) {
    this.state = state;
  }

  public List<CredentialEntity> getCredentials() {
    return credentials;
  }
}
