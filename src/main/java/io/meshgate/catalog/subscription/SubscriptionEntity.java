package io.meshgate.catalog.subscription;

import io.meshgate.catalog.app.AppEntity;
import io.meshgate.catalog.product.PlanEntity;
import io.meshgate.catalog.product.ProductEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

/** An app's subscription to one plan of a product. */
@Entity
@Table(name = "subscription")
public class SubscriptionEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "app_id")
  private AppEntity app;

  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "plan_id")
  private PlanEntity plan;

  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "product_id")
  private ProductEntity product;

  @Enumerated(EnumType.STRING)
  private SubscriptionState state;

  @Column(name = "created_at")
  private Instant createdAt;

  @Column(name = "updated_at")
  private Instant updatedAt;

  protected SubscriptionEntity() {}

  public SubscriptionEntity(AppEntity app, PlanEntity plan, SubscriptionState state, Instant now) {
    this.app = app;
    this.plan = plan;
    this.product = plan.getProduct();
    this.state = state;
    this.createdAt = now;
    this.updatedAt = now;
  }

  /** Moves the subscription to another state (the admin use case checks the transition). */
  public void changeState(SubscriptionState state, Instant now) {
    this.state = state;
    this.updatedAt = now;
  }

  /** Moves the subscription to another plan of the same product. */
  public void changePlan(PlanEntity plan, Instant now) {
    if (!plan.getProduct().getId().equals(product.getId())) {
      throw new IllegalArgumentException("plan " + plan.getId() + " is of another product");
    }
    this.plan = plan;
    this.updatedAt = now;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }

  public Long getId() {
    return id;
  }

  public AppEntity getApp() {
    return app;
  }

  public PlanEntity getPlan() {
    return plan;
  }

  public ProductEntity getProduct() {
    return product;
  }

  public SubscriptionState getState() {
    return state;
  }
}
