package io.meshgate.catalog.sync;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.meshgate.metrics.GatewayMetrics;
import io.meshgate.telemetry.Telemetry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Makes a catalog change made on one replica visible on every other within the bound (2 s by
 * default). Every replica polls the catalog revision (one indexed row, default every second) and,
 * when it moved, reads what the new revisions changed ({@code catalog_change}) and evicts only
 * that; with {@code REDIS_URL} set, the writing replica also publishes a message on a Redis channel
 * of its installation so the others catch up at once. Pub/sub is fire-and-forget, so polling stays
 * on as the guarantee; Redis only makes it faster. A replica that cannot tell what changed (a
 * revision without its row) drops everything, so a missed message or a long outage still converges.
 */
@ApplicationScoped
public class CatalogSync {
  private static final Logger LOG = Logger.getLogger(CatalogSync.class.getName());

  /** Followed by the installation's id, so installations sharing a Redis do not hear each other. */
  static final String CHANNEL = "meshgate:catalog-changed:";

  @Resource(lookup = "jdbc/meshgate")
  DataSource dataSource;

  @Inject Telemetry telemetry;
  @Resource ManagedScheduledExecutorService scheduler;

  @Inject CatalogChanges changes;
  @Inject GatewayMetrics metrics;

  @Inject
  @ConfigProperty(name = "meshgate.catalog.poll-interval-ms", defaultValue = "1000")
  long pollIntervalMs;

  @Inject
  @ConfigProperty(name = "redis.url")
  Optional<String> redisUrl;

  private final String replicaId = UUID.randomUUID().toString();
  private final AtomicBoolean pollFailing = new AtomicBoolean();
  private final AtomicBoolean redisFailing = new AtomicBoolean();
  private volatile long seenRevision = -1;

  /** Revisions this replica wrote and evicted for itself, not yet passed by polling. */
  private final NavigableSet<Long> appliedHere = new ConcurrentSkipListSet<>();

  private String channel = CHANNEL;
  private volatile long caughtUpNanos = System.nanoTime();
  private ScheduledFuture<?> poller;
  private RedisClient redis;
  private StatefulRedisPubSubConnection<String, String> subscription;
  private StatefulRedisConnection<String, String> publisher;

  @PostConstruct
  void init() {
    metrics.catalogRevision(() -> seenRevision);
    if (telemetry != null) {
      telemetry
          .meter()
          .gaugeBuilder("meshgate.catalog.sync.lag")
          .setDescription(
              "Seconds since this replica last confirmed its caches reflect the database's catalog"
                  + " revision: how far behind it may be")
          .setUnit("s")
          .buildWithCallback(m -> m.record((System.nanoTime() - caughtUpNanos) / 1e9));
    }
  }

  /**
   * Starts polling and, when configured, the Redis subscription.
   *
   * @param installation the installation's id: names the Redis channel
   */
  public void start(String installation) {
    channel = CHANNEL + installation;
    seenRevision = readRevision();
    caughtUpNanos = System.nanoTime();
    poller =
        scheduler.scheduleWithFixedDelay(
            this::poll, pollIntervalMs, pollIntervalMs, TimeUnit.MILLISECONDS);
    redisUrl.filter(s -> !s.isBlank()).ifPresent(this::connectRedis);
    LOG.info(
        "MESHGATE-SYNC: catalog changes propagate by polling every "
            + pollIntervalMs
            + " ms"
            + (redis != null ? " and Redis pub/sub" : ""));
  }

  /** Tells the other replicas, after this replica committed a change. */
  void publish() {
    StatefulRedisConnection<String, String> p = publisher;
    if (p == null) {
      return;
    }
    p.async()
        .publish(channel, replicaId)
        .whenComplete(
            (receivers, error) -> {
              if (error != null && redisFailing.compareAndSet(false, true)) {
                LOG.warning("MESHGATE-SYNC: Redis publish failed, relying on polling: " + error);
              } else if (error == null) {
                redisFailing.set(false);
              }
            });
  }

  /** Revisions this replica wrote, after it evicted for them itself: polling skips them. */
  void appliedHere(Collection<Long> revisions) {
    appliedHere.addAll(revisions);
  }

  private void poll() {
    catchUp("catalog revision");
  }

  /**
   * Reads the revision and, when it moved, what changed since the one this replica has seen, and
   * evicts that. Serialised: polling and Redis messages may ask at the same time.
   */
  private synchronized void catchUp(String why) {
    try {
      long revision = readRevision();
      if (pollFailing.compareAndSet(true, false)) {
        LOG.info("MESHGATE-SYNC: catalog revision readable again");
      }
      long seen = seenRevision;
      if (revision != seen) {
        List<CatalogChange> stale =
            ChangeLog.toApply(
                seen,
                revision,
                revision > seen ? readChanges(seen, revision) : List.of(),
                appliedHere);
        changes.evict(stale, why + " " + seen + " -> " + revision);
        seenRevision = revision;
      }
      appliedHere.headSet(Math.max(revision, seen), true).clear();
      caughtUpNanos = System.nanoTime();
    } catch (RuntimeException e) {
      if (pollFailing.compareAndSet(false, true)) {
        LOG.log(Level.WARNING, "MESHGATE-SYNC: cannot read the catalog revision; will retry", e);
      }
    }
  }

  private List<ChangeLog.Entry> readChanges(long after, long upTo) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "select revision, kind, entity_id, app_id, client_id from catalog_change"
                    + " where revision > ? and revision <= ? order by revision")) {
      s.setLong(1, after);
      s.setLong(2, upTo);
      List<ChangeLog.Entry> entries = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          entries.add(new ChangeLog.Entry(rs.getLong(1), change(rs)));
        }
      }
      return entries;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read catalog changes: " + e.getMessage(), e);
    }
  }

  /** A stored change; a kind this version does not know means "cannot tell": everything. */
  private static CatalogChange change(ResultSet rs) throws SQLException {
    CatalogChange.Kind kind;
    try {
      kind = CatalogChange.Kind.valueOf(rs.getString(2));
    } catch (IllegalArgumentException unknown) {
      return CatalogChange.everything();
    }
    CatalogChange change = new CatalogChange(kind, rs.getString(3), rs.getLong(4), rs.getString(5));
    return change.wellFormed() ? change : CatalogChange.everything();
  }

  private long readRevision() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select revision from catalog_revision where id = 1")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read catalog revision: " + e.getMessage(), e);
    }
  }

  private void connectRedis(String url) {
    try {
      RedisURI uri = RedisURI.create(url);
      uri.setTimeout(Duration.ofSeconds(2));
      redis = RedisClient.create(uri);
      subscription = redis.connectPubSub();
      subscription.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String sender) {
              if (!replicaId.equals(sender)) {
                // Off Redis' I/O thread: catching up reads the database.
                scheduler.execute(() -> catchUp("Redis message from replica " + sender));
              }
            }
          });
      subscription.sync().subscribe(channel);
      publisher = redis.connect();
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "MESHGATE-SYNC: cannot connect to Redis at "
              + RedisURI.create(url).getHost()
              + "; catalog changes propagate by polling only",
          e);
    }
  }

  @PreDestroy
  void stop() {
    if (poller != null) {
      poller.cancel(false);
    }
    if (redis != null) {
      redis.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
