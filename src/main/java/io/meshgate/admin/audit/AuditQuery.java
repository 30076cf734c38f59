package io.meshgate.admin.audit;

import io.meshgate.admin.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Lists audit events, newest first, filtered by time range, actor and entity. */
@ApplicationScoped
@Transactional
public class AuditQuery {
  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  /** Filters; every one is optional. {@code from} inclusive, {@code to} exclusive. */
  public record Filter(
      Instant from, Instant to, String actor, String entityType, String entityId) {}

  public Page<AuditEventView> list(Filter f, Page.Request page) {
    StringBuilder where = new StringBuilder(" where 1 = 1");
    Map<String, Object> params = new HashMap<>();
    if (f.from() != null) {
      where.append(" and e.at >= :from");
      params.put("from", f.from());
    }
    if (f.to() != null) {
      where.append(" and e.at < :to");
      params.put("to", f.to());
    }
    if (f.actor() != null) {
      where.append(" and e.actor = :actor");
      params.put("actor", f.actor());
    }
    if (f.entityType() != null) {
      where.append(" and e.entityType = :type");
      params.put("type", f.entityType());
    }
    if (f.entityId() != null) {
      where.append(" and e.entityId = :eid");
      params.put("eid", f.entityId());
    }
    TypedQuery<Long> count =
        em.createQuery("select count(e) from AuditEventEntity e" + where, Long.class);
    TypedQuery<AuditEventEntity> select =
        em.createQuery(
            "select e from AuditEventEntity e" + where + " order by e.id desc",
            AuditEventEntity.class);
    params.forEach(
        (k, v) -> {
          count.setParameter(k, v);
          select.setParameter(k, v);
        });
    return new Page<>(
        select
            .setFirstResult(page.offset())
            .setMaxResults(page.size())
            .getResultStream()
            .map(AuditQuery::view)
            .toList(),
        page.page(),
        page.size(),
        count.getSingleResult());
  }

  private static AuditEventView view(AuditEventEntity e) {
    return new AuditEventView(
        e.getId(),
        e.getAt(),
        e.getActor(),
        e.getOperation(),
        e.getEntityType(),
        e.getEntityId(),
        json(e.getBeforeJson()),
        json(e.getAfterJson()));
  }

  private static JsonValue json(String text) {
    if (text == null) {
      return JsonValue.NULL;
    }
    try (var reader = Json.createReader(new StringReader(text))) {
      return reader.readValue();
    }
  }
}
