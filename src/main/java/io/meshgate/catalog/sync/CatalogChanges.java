package io.meshgate.catalog.sync;

import io.meshgate.catalog.runtime.CatalogCache;
import io.meshgate.chain.PolicyChainFactory;
import io.meshgate.metrics.GatewayMetrics;
import io.meshgate.token.TokenService;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * How a catalog write becomes visible: {@link #recordChange(CatalogChange)} is called inside the
 * writing transaction; it bumps the catalog revision and stores what the revision changed ({@code
 * catalog_change}) in the same transaction. Once the transaction commits, this replica evicts the
 * cached snapshots and tokens of the entity named (so its very next request sees the change) and
 * the other replicas learn of it (Redis message or revision polling) and evict the same. Nothing
 * else is evicted: other apps keep their cached tokens.
 */
@ApplicationScoped
public class CatalogChanges {
  private static final Logger LOG = Logger.getLogger(CatalogChanges.class.getName());

  /**
   * Rows of {@code catalog_change} kept. A replica further behind than this (it could not read the
   * database for that many writes) cannot tell what changed and drops everything.
   */
  static final long KEPT_CHANGES = 10_000;

  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  @Resource TransactionSynchronizationRegistry transactions;

  @Inject CatalogCache catalog;
  @Inject PolicyChainFactory chains;
  @Inject TokenService tokens;
  @Inject CatalogSync sync;
  @Inject GatewayMetrics metrics;

  /** Must run inside the transaction that changes the catalog; {@code change} names what. */
  public void recordChange(CatalogChange change) {
    em.createNativeQuery("update catalog_revision set revision = revision + 1 where id = 1")
        .executeUpdate();
    // The update holds the row lock until commit, so revisions commit in order and this read
    // sees exactly this transaction's bump.
    long revision =
        ((Number)
                em.createNativeQuery("select revision from catalog_revision where id = 1")
                    .getSingleResult())
            .longValue();
    // Columns without a value are left out rather than bound to null: a typeless null parameter
    // is not portable between the two databases.
    boolean ofApp = change.appId() != 0 && change.clientId() != null;
    var insert =
        em.createNativeQuery(
                ofApp
                    ? "insert into catalog_change (revision, kind, entity_id, app_id, client_id)"
                        + " values (?1, ?2, ?3, ?4, ?5)"
                    : "insert into catalog_change (revision, kind, entity_id) values (?1, ?2, ?3)")
            .setParameter(1, revision)
            .setParameter(2, change.kind().name())
            .setParameter(3, change.entityId());
    if (ofApp) {
      insert.setParameter(4, change.appId()).setParameter(5, change.clientId());
    }
    insert.executeUpdate();
    em.createNativeQuery("delete from catalog_change where revision <= ?1")
        .setParameter(1, revision - KEPT_CHANGES)
        .executeUpdate();
    Written written = (Written) transactions.getResource(CatalogChanges.class);
    if (written == null) {
      Written fresh = new Written();
      written = fresh;
      transactions.putResource(CatalogChanges.class, fresh);
      transactions.registerInterposedSynchronization(
          new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
              if (status == Status.STATUS_COMMITTED) {
                sync.appliedHere(fresh.revisions);
                evict(fresh.changes, "local write");
                sync.publish();
              }
            }
          });
    }
    written.revisions.add(revision);
    written.changes.add(change);
  }

  /** Evicts what these changes made stale on this replica, and nothing else. */
  public void evict(List<CatalogChange> changes, String why) {
    for (CatalogChange change : changes) {
      switch (change.kind()) {
        case APP, CREDENTIAL, SUBSCRIPTION -> {
          catalog.evictApp(change.appId(), change.clientId());
          tokens.evictApp(change.appId());
        }
        case PLAN -> {
          catalog.evictPlan(change.numericId());
          tokens.evictPlan(change.numericId());
        }
        case PRODUCT -> {
          catalog.evictApis();
          catalog.evictProduct(change.numericId());
          tokens.evictProduct(change.numericId());
        }
        case API -> {
          catalog.evictApis();
          chains.evict(change.numericId());
          tokens.evictApi(change.numericId());
        }
        case SIGNING_KEY -> {
          // Nothing cached depends on a key write: a cached token is used only while its kid is
          // the active one, checked on every call, and replicas re-read the keys on their own.
        }
        case EVERYTHING -> {
          dropCaches(why);
          return;
        }
      }
      LOG.fine(() -> "Catalog caches evicted for " + change + ": " + why);
    }
  }

  /** Drops every cached snapshot, chain and token of this replica: when it cannot tell what. */
  public void dropCaches(String why) {
    catalog.invalidateAll();
    chains.invalidateAll();
    tokens.invalidateAll();
    metrics.catalogCacheDrops().inc();
    LOG.fine(() -> "Catalog caches dropped: " + why);
  }

  /** What one transaction wrote. */
  private static final class Written {
    final List<Long> revisions = new ArrayList<>();
    final List<CatalogChange> changes = new ArrayList<>();
  }
}
