package io.meshgate.catalog.product;

import io.meshgate.catalog.api.ApiEntity;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A product bundles APIs and offers them through plans. */
@Entity
@Table(name = "product")
public class ProductEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private String name;
  private String title;

  @Column(name = "created_at")
  private Instant createdAt;

  @ManyToMany
  @JoinTable(
      name = "product_api",
      joinColumns = @JoinColumn(name = "product_id"),
      inverseJoinColumns = @JoinColumn(name = "api_id"))
  private Set<ApiEntity> apis = new LinkedHashSet<>();

  @OneToMany(mappedBy = "product", cascade = CascadeType.ALL, orphanRemoval = true)
  private List<PlanEntity> plans = new ArrayList<>();

  protected ProductEntity() {}

  public ProductEntity(String name, String title, Instant now) {
    this.name = name;
    this.title = title;
    this.createdAt = now;
  }

  public PlanEntity addPlan(String planName, String planTitle) {
    PlanEntity plan = new PlanEntity(this, planName, planTitle);
    plans.add(plan);
    return plan;
  }

  public void rename(String name, String title) {
    this.name = name;
    this.title = title;
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

  public String getTitle() {
    return title;
  }

  public Set<ApiEntity> getApis() {
    return apis;
  }

  public List<PlanEntity> getPlans() {
    return plans;
  }
}
