package io.meshgate.admin.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One admin write: who, when, what, and the entity before and after (never a secret). */
@Entity
@Table(name = "audit_event")
public class AuditEventEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private Instant at;
  private String actor;
  private String operation;

  @Column(name = "entity_type")
  private String entityType;

  @Column(name = "entity_id")
  private String entityId;

  @Column(name = "before_json")
  private String beforeJson;

  @Column(name = "after_json")
  private String afterJson;

  protected AuditEventEntity() {}

  public AuditEventEntity(
      Instant at,
      String actor,
      String operation,
      String entityType,
      String entityId,
      String beforeJson,
      String afterJson) {
    this.at = at;
    this.actor = actor;
    this.operation = operation;
    this.entityType = entityType;
    this.entityId = entityId;
    this.beforeJson = beforeJson;
    this.afterJson = afterJson;
  }

  public Long getId() {
    return id;
  }

  public Instant getAt() {
    return at;
  }

  public String getActor() {
    return actor;
  }

  public String getOperation() {
    return operation;
  }

  public String getEntityType() {
    return entityType;
  }

  public String getEntityId() {
    return entityId;
  }

  public String getBeforeJson() {
    return beforeJson;
  }

  public String getAfterJson() {
    return afterJson;
  }
}
