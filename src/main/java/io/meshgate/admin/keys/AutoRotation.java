package io.meshgate.admin.keys;

import io.meshgate.token.KeySettings;
import io.meshgate.token.SigningKeys;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rotates the signing key every {@code meshgate.keys.rotation-period} (90 days by default; {@code
 * off} disables it). Every replica checks its loaded keys on each key reload tick (no database
 * access while nothing is due); when the active key has signed for the period and no rotation is
 * pending, it schedules one under the key lock, where the check is repeated: racing replicas create
 * one key.
 */
@ApplicationScoped
public class AutoRotation {
  private static final Logger LOG = Logger.getLogger(AutoRotation.class.getName());

  @Resource ManagedScheduledExecutorService scheduler;

  @Inject KeyAdmin admin;
  @Inject SigningKeys keys;
  @Inject KeySettings settings;
  @Inject Clock clock;

  private final java.util.concurrent.atomic.AtomicBoolean failing =
      new java.util.concurrent.atomic.AtomicBoolean();
  private ScheduledFuture<?> ticker;

  public synchronized void start() {
    Optional<Duration> period = settings.rotationPeriod();
    if (ticker != null) {
      return;
    }
    if (period.isEmpty()) {
      LOG.info("MESHGATE-KEYS: automatic key rotation is off");
      return;
    }
    long millis = Math.max(1, settings.reloadInterval().toMillis());
    ticker =
        scheduler.scheduleWithFixedDelay(
            () -> check(period.get()), millis, millis, TimeUnit.MILLISECONDS);
    LOG.info("MESHGATE-KEYS: the signing key is rotated automatically every " + period.get());
  }

  private void check(Duration period) {
    try {
      if (!keys.rotationDue(period, clock.instant())) {
        return;
      }
      admin
          .rotateIfDue(period)
          .ifPresent(
              k ->
                  LOG.info(
                      "MESHGATE-KEYS: automatic rotation: published key "
                          + k.kid()
                          + ", it signs from "
                          + k.activatesAt()));
      keys.reload();
      failing.set(false);
    } catch (RuntimeException e) {
      if (failing.compareAndSet(false, true)) {
        LOG.log(Level.WARNING, "MESHGATE-KEYS: automatic rotation failed; will retry", e);
      }
    }
  }

  @PreDestroy
  void stop() {
    if (ticker != null) {
      ticker.cancel(false);
    }
  }
}
