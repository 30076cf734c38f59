package io.meshgate.catalog.sync;

import io.meshgate.catalog.runtime.CatalogCache;
import io.meshgate.chain.PolicyChainFactory;
import io.meshgate.token.TokenService;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.logging.Logger;

/**
 * How a catalog write becomes visible: {@link #recordChange()} is called inside the writing
 * transaction; it bumps the catalog revision in the same transaction, and once the transaction
 * commits this replica drops its cached snapshots (so the very next request sees the change) and
 * the other replicas learn of it (Redis message or revision polling).
 */
@ApplicationScoped
public class CatalogChanges {
  private static final Logger LOG = Logger.getLogger(CatalogChanges.class.getName());

  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  @Resource TransactionSynchronizationRegistry transactions;

  @Inject CatalogCache catalog;
  @Inject PolicyChainFactory chains;
  @Inject TokenService tokens;
  @Inject CatalogSync sync;

  /** Must run inside the transaction that changes the catalog. */
  public void recordChange() {
    em.createNativeQuery("update catalog_revision set revision = revision + 1 where id = 1")
        .executeUpdate();
    Object key = CatalogChanges.class;
    if (transactions.getResource(key) == null) {
      transactions.putResource(key, Boolean.TRUE);
      transactions.registerInterposedSynchronization(
          new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
              if (status == Status.STATUS_COMMITTED) {
                dropCaches("local write");
                sync.publish();
              }
            }
          });
    }
  }

  /** Drops every cached snapshot, chain and token of this replica. */
  public void dropCaches(String why) {
    catalog.invalidateAll();
    chains.invalidateAll();
    tokens.invalidateAll();
    LOG.fine(() -> "Catalog caches dropped: " + why);
  }
}
