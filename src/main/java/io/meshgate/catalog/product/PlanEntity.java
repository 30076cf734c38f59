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

  protected PlanEntity() {}

  PlanEntity(ProductEntity product, String name, String title) {
    this.product = product;
    this.name = name;
    this.title = title;
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
