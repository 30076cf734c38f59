package io.meshgate.admin.audit;

import io.meshgate.admin.AdminJson;
import io.meshgate.catalog.sync.CatalogChange;
import io.meshgate.catalog.sync.CatalogChanges;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;

/**
 * Records an admin write. Must run in the writing transaction ({@code MANDATORY}): the entity and
 * its audit row commit together or not at all. It also records the catalog change it names, so
 * every write that is audited is also propagated to the data plane.
 *
 * <p>{@code before} and {@code after} are the admin API's response views of the entity; they carry
 * credential prefixes and metadata but never a secret, a key or a digest.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class AuditLog {
  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  @Inject CatalogChanges changes;
  @Inject Clock clock;

  /**
   * An admin action that changes no catalog entry but must be on record (such as a conformance run,
   * which signs tokens): audited in a transaction of its own, nothing propagated.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void action(
      String actor, String operation, String entityType, Object entityId, Object after) {
    em.persist(
        new AuditEventEntity(
            clock.instant(),
            actor,
            operation,
            entityType,
            entityId == null ? null : String.valueOf(entityId),
            null,
            after == null ? null : AdminJson.JSONB.toJson(after)));
  }

  /**
   * A catalog write: audited and propagated.
   *
   * @param change what the write touched, so replicas evict only that from their caches
   */
  public void write(
      String actor,
      String operation,
      String entityType,
      Object entityId,
      Object before,
      Object after,
      CatalogChange change) {
    em.persist(
        new AuditEventEntity(
            clock.instant(),
            actor,
            operation,
            entityType,
            entityId == null ? null : String.valueOf(entityId),
            before == null ? null : AdminJson.JSONB.toJson(before),
            after == null ? null : AdminJson.JSONB.toJson(after)));
    changes.recordChange(change);
  }
}
