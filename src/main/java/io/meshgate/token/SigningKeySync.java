package io.meshgate.token;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Re-reads the signing keys every {@code meshgate.keys.reload-interval} (2 s by default), apart
 * from the catalog poll: a key published on one replica is in every replica's JWKS within that
 * interval, far inside the activation margin. Activation and retirement need no reload: they happen
 * at stored instants that every replica already holds.
 */
@ApplicationScoped
public class SigningKeySync {
  private static final Logger LOG = Logger.getLogger(SigningKeySync.class.getName());

  @Resource ManagedScheduledExecutorService scheduler;

  @Inject SigningKeys keys;
  @Inject KeySettings settings;

  private final AtomicBoolean failing = new AtomicBoolean();
  private ScheduledFuture<?> poller;

  /** Starts the periodic reload (once). */
  public synchronized void start() {
    if (poller != null) {
      return;
    }
    long millis = Math.max(1, settings.reloadInterval().toMillis());
    poller = scheduler.scheduleWithFixedDelay(this::reload, millis, millis, TimeUnit.MILLISECONDS);
    LOG.info(
        "MESHGATE-KEYS: signing keys are re-read every "
            + millis
            + " ms; a new key signs no earlier than "
            + settings.lifecycle().publishLead()
            + " after it was published; a replaced key stays in the JWKS for "
            + settings.lifecycle().retention());
  }

  private void reload() {
    try {
      keys.reload();
      if (failing.compareAndSet(true, false)) {
        LOG.info("MESHGATE-KEYS: signing keys readable again");
      }
    } catch (RuntimeException e) {
      if (failing.compareAndSet(false, true)) {
        LOG.log(Level.WARNING, "MESHGATE-KEYS: cannot re-read the signing keys; will retry", e);
      }
    }
  }

  @PreDestroy
  void stop() {
    if (poller != null) {
      poller.cancel(false);
    }
  }
}
