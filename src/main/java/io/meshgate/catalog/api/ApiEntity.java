package io.meshgate.catalog.api;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A published (or draft / retired) API: where it listens, where it forwards, its policy steps. */
@Entity
@Table(name = "api")
public class ApiEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private String name;
  private String version;

  @Column(name = "base_path")
  private String basePath;

  @Column(name = "upstream_url")
  private String upstreamUrl;

  private String audience;

  @Enumerated(EnumType.STRING)
  private ApiState state;

  @Column(name = "connect_timeout_ms")
  private Integer connectTimeoutMs;

  @Column(name = "read_timeout_ms")
  private Integer readTimeoutMs;

  private long revision;

  /** The API's {@link MeshDestination} as JSON, or null when it names none. */
  @Column(name = "mesh_json")
  private String meshJson;

  @Column(name = "created_at")
  private Instant createdAt;

  @Column(name = "updated_at")
  private Instant updatedAt;

  @OneToMany(mappedBy = "api", cascade = CascadeType.ALL, orphanRemoval = true)
  @OrderBy("position")
  private List<PolicyStepEntity> steps = new ArrayList<>();

  protected ApiEntity() {}

  public ApiEntity(String name, String version, String basePath, String upstreamUrl, Instant now) {
    this.name = name;
    this.version = version;
    this.basePath = basePath;
    this.upstreamUrl = upstreamUrl;
    this.state = ApiState.DRAFT;
    this.revision = 1;
    this.createdAt = now;
    this.updatedAt = now;
  }

  /** Replaces what an admin update may change; {@link #touch} bumps the revision. */
  public void redefine(String name, String version, String basePath, String upstreamUrl) {
    this.name = name;
    this.version = version;
    this.basePath = basePath;
    this.upstreamUrl = upstreamUrl;
  }

  /** Marks a change: a new revision makes every replica rebuild this API's cached policy chain. */
  public void touch(Instant now) {
    this.revision++;
    this.updatedAt = now;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }

  public void addStep(int position, String policyId, String configJson) {
    steps.add(new PolicyStepEntity(this, position, policyId, configJson));
  }

  public Long getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public String getVersion() {
    return version;
  }

  public String getBasePath() {
    return basePath;
  }

  public String getUpstreamUrl() {
    return upstreamUrl;
  }

  public String getAudience() {
    return audience;
  }

  public void setAudience(String audience) {
    this.audience = audience;
  }

  public ApiState getState() {
    return state;
  }

  public void setState(ApiState state) {
    this.state = state;
  }

  public String getMeshJson() {
    return meshJson;
  }

  public void setMeshJson(String meshJson) {
    this.meshJson = meshJson;
  }

  public Integer getConnectTimeoutMs() {
    return connectTimeoutMs;
  }

  public void setConnectTimeoutMs(Integer ms) {
    this.connectTimeoutMs = ms;
  }

  public Integer getReadTimeoutMs() {
    return readTimeoutMs;
  }

  public void setReadTimeoutMs(Integer ms) {
    this.readTimeoutMs = ms;
  }

  public long getRevision() {
    return revision;
  }

  public List<PolicyStepEntity> getSteps() {
    return steps;
  }
}
