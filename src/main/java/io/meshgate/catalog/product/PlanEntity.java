package io.meshgate.catalog.product;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/**
 * A plan of a product. Its {@code name} is what the mesh routes on ({@code x-client-plan}), so it
 * is stable once apps subscribe.
 */
@Entity
@Table(name = "plan")
public class PlanEntity {
  /** Default lifetime of a gateway token minted for this plan. */
  public static final int DEFAULT_TOKEN_TTL_SECONDS = 300;

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "product_id")
  private ProductEntity product;

  private String name;
  private String title;

  @Column(name = "approval_required")
  private boolean approvalRequired;

  /** Space-separated scope names, as in an OAuth {@code scope} claim. */
  private String scopes = "";

  @Column(name = "token_ttl_seconds")
  private int tokenTtlSeconds = DEFAULT_TOKEN_TTL_SECONDS;

  // Limits (enforced by the rate-limit policy). Null means "no such limit".

  @Column(name = "rate_limit")
  private Long rateLimit;

  /** {@code second}, {@code minute} or {@code hour}. */
  @Column(name = "rate_limit_per")
  private String rateLimitPer;

  @Column(name = "burst_limit")
  private Long burstLimit;

  @Column(name = "burst_window_ms")
  private Long burstWindowMs;

  @Column(name = "quota_limit")
  private Long quotaLimit;

  /** {@code day} or {@code month}. */
  @Column(name = "quota_per")
  private String quotaPer;

  /** {@code hard} (refuse beyond the quota) or {@code soft} (count and report only). */
  @Column(name = "quota_enforcement")
  private String quotaEnforcement;

  /** IANA zone id where the quota's day or month starts; null means UTC. */
  @Column(name = "quota_time_zone")
  private String quotaTimeZone;

  /** {@code fail-open} or {@code fail-closed}: what the limiter does when its store fails. */
  @Column(name = "on_limiter_error")
  private String onLimiterError;

  protected PlanEntity() {}

  PlanEntity(ProductEntity product, String name, String title) {
    this.product = product;
    this.name = name;
    this.title = title;
  }

  public void rename(String name, String title) {
    this.name = name;
    this.title = title;
  }

  /** Sets every limit at once; nulls clear them. */
  public void setLimits(
      Long rateLimit,
      String rateLimitPer,
      Long burstLimit,
      Long burstWindowMs,
      Long quotaLimit,
      String quotaPer,
      String quotaEnforcement,
      String quotaTimeZone,
      String onLimiterError) {
    this.rateLimit = rateLimit;
    this.rateLimitPer = rateLimitPer;
    this.burstLimit = burstLimit;
    this.burstWindowMs = burstWindowMs;
    this.quotaLimit = quotaLimit;
    this.quotaPer = quotaPer;
    this.quotaEnforcement = quotaEnforcement;
    this.quotaTimeZone = quotaTimeZone;
    this.onLimiterError = onLimiterError;
  }

  public Long getRateLimit() {
    return rateLimit;
  }

  public String getRateLimitPer() {
    return rateLimitPer;
  }

  public Long getBurstLimit() {
    return burstLimit;
  }

  public Long getBurstWindowMs() {
    return burstWindowMs;
  }

  public Long getQuotaLimit() {
    return quotaLimit;
  }

  public String getQuotaPer() {
    return quotaPer;
  }

  public String getQuotaEnforcement() {
    return quotaEnforcement;
  }

  public String getQuotaTimeZone() {
    return quotaTimeZone;
  }

  public String getOnLimiterError() {
    return onLimiterError;
  }

  public Long getId() {
    return id;
  }

  public ProductEntity getProduct() {
    return product;
  }

  public String getName() {
    return name;
  }

  public String getTitle() {
    return title;
  }

  public boolean isApprovalRequired() {
    return approvalRequired;
  }

  public void setApprovalRequired(boolean approvalRequired) {
    this.approvalRequired = approvalRequired;
  }

  public String getScopes() {
    return scopes;
  }

  public void setScopes(String scopes) {
    this.scopes = scopes;
  }

  public int getTokenTtlSeconds() {
    return tokenTtlSeconds;
  }

  public void setTokenTtlSeconds(int tokenTtlSeconds) {
    this.tokenTtlSeconds = tokenTtlSeconds;
  }
}
