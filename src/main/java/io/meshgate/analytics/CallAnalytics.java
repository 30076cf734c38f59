package io.meshgate.analytics;

import io.meshgate.support.Settings;
import io.meshgate.support.Startup;
import io.meshgate.telemetry.CallRecord;
import io.meshgate.telemetry.CallSink;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The analytics of API calls on this replica: counts every call into its minute ({@link
 * CallAggregator}, lock-free, on the request thread) and, every {@code
 * MESHGATE_ANALYTICS_FLUSH_SECONDS}, writes the minutes that have ended to the database under this
 * replica's id ({@link RollupFlusher}); at a clean stop the current minute too. Every hour it also
 * deletes rows older than {@code MESHGATE_ANALYTICS_RETENTION_DAYS} (any replica may: deleting is
 * idempotent). Nothing here reaches the request path but {@link #accept}, which never throws.
 */
@ApplicationScoped
public class CallAnalytics implements CallSink {
  private static final Logger LOG = Logger.getLogger(CallAnalytics.class.getName());
  private static final Duration PRUNE_INTERVAL = Duration.ofHours(1);

  /** How many minutes' worth of rows may wait for the database, at the most distinct per minute. */
  static final int PENDING_MINUTES = 10;

  @Resource(lookup = "jdbc/meshgate")
  DataSource dataSource;

  @Resource ManagedScheduledExecutorService scheduler;

  @Inject Startup startup;
  @Inject Clock clock;

  @Inject
  @ConfigProperty(name = "meshgate.analytics.flush-seconds", defaultValue = "10")
  long flushSeconds;

  @Inject
  @ConfigProperty(name = "meshgate.analytics.retention-days", defaultValue = "30")
  long retentionDays;

  @Inject
  @ConfigProperty(name = "meshgate.analytics.max-rows-per-minute", defaultValue = "100000")
  int maxRowsPerMinute;

  private final String replica = replicaId();
  private final AtomicBoolean acceptFailed = new AtomicBoolean();
  private CallAggregator aggregator;
  private RollupFlusher flusher;
  private AnalyticsStore store;
  private ScheduledFuture<?> ticker;
  private volatile boolean schemaReady;
  private Instant nextPrune = Instant.MIN;

  @PostConstruct
  void init() {
    flushSeconds = Settings.atLeast("MESHGATE_ANALYTICS_FLUSH_SECONDS", flushSeconds, 1, 10);
    retentionDays = Settings.atLeast("MESHGATE_ANALYTICS_RETENTION_DAYS", retentionDays, 1, 30);
    maxRowsPerMinute =
        (int)
            Settings.atLeast(
                "MESHGATE_ANALYTICS_MAX_ROWS_PER_MINUTE", maxRowsPerMinute, 1, 100_000);
    aggregator = new CallAggregator(maxRowsPerMinute);
    store = new AnalyticsStore(dataSource);
    flusher =
        new RollupFlusher(aggregator, store, replica, (long) PENDING_MINUTES * maxRowsPerMinute);
  }

  void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    ticker =
        scheduler.scheduleWithFixedDelay(this::tick, flushSeconds, flushSeconds, TimeUnit.SECONDS);
    LOG.info(
        "MESHGATE-ANALYTICS: replica "
            + replica
            + " writes per-minute roll-ups every "
            + flushSeconds
            + " s, kept "
            + retentionDays
            + " days");
  }

  @Override
  public void accept(CallRecord call) {
    try {
      aggregator.add(call);
    } catch (RuntimeException e) {
      // Never into the request path; a bug here must not cost a call its answer.
      if (acceptFailed.compareAndSet(false, true)) {
        LOG.log(Level.SEVERE, "MESHGATE-ANALYTICS: cannot count a call (logged once)", e);
      }
    }
  }

  private void tick() {
    try {
      if (!schemaReady && startup.state() == Startup.State.STARTED) {
        schemaReady = true;
      }
      Instant now = clock.instant();
      flusher.flush(now, false, schemaReady);
      if (schemaReady && !now.isBefore(nextPrune)) {
        nextPrune = now.plus(PRUNE_INTERVAL);
        prune(now);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "MESHGATE-ANALYTICS: flush failed; will retry", e);
    }
  }

  private void prune(Instant now) {
    try {
      int deleted = store.deleteBefore(now.minus(Duration.ofDays(retentionDays)));
      if (deleted > 0) {
        LOG.info("MESHGATE-ANALYTICS: deleted " + deleted + " rows past the retention");
      }
    } catch (SQLException e) {
      LOG.log(Level.FINE, "MESHGATE-ANALYTICS: retention delete failed; will retry", e);
      nextPrune = now.plus(Duration.ofSeconds(flushSeconds));
    }
  }

  /** At a clean stop: the current minute too, so no counted call is lost. */
  @PreDestroy
  void stop() {
    if (ticker != null) {
      ticker.cancel(false);
    }
    if (flusher == null) {
      return;
    }
    int left = flusher.flush(clock.instant(), true, schemaReady);
    if (left > 0) {
      LOG.warning(
          "MESHGATE-ANALYTICS: stopping with "
              + flusher.pendingRows()
              + " roll-up rows not written (the database was unavailable)");
    }
  }

  /** The host name (a pod's name) for people, and a random part: a new id per process start. */
  static String replicaId() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "replica";
      }
    }
    if (host.length() > 80) {
      host = host.substring(0, 80);
    }
    return host + "-" + UUID.randomUUID().toString().substring(24);
  }
}
