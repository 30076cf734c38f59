package io.meshgate.catalog.api;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** One policy of an API's chain: the policy id (stored, so never renamed) and its JSON config. */
@Entity
@Table(name = "api_policy_step")
public class PolicyStepEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "api_id")
  private ApiEntity api;

  private int position;

  @Column(name = "policy_id")
  private String policyId;

  @Column(name = "config_json")
  private String configJson;

  protected PolicyStepEntity() {}

  PolicyStepEntity(ApiEntity api, int position, String policyId, String configJson) {
    this.api = api;
    this.position = position;
    this.policyId = policyId;
    this.configJson = configJson;
  }

  public Long getId() {
    return id;
  }

  public int getPosition() {
    return position;
  }

  public String getPolicyId() {
    return policyId;
  }

  public String getConfigJson() {
    return configJson;
  }
}
