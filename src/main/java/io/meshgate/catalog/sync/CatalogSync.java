package io.meshgate.catalog.sync;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Makes a catalog change made on one replica visible on every other within the bound (2 s by
 * default). Every replica polls the catalog revision (one indexed row, default every second); with
 * {@code REDIS_URL} set, the writing replica also publishes the change on a Redis channel so the
 * others drop their caches at once. Pub/sub is fire-and-forget, so polling stays on as the
 * guarantee; Redis only makes it faster.
 */
@ApplicationScoped
public class CatalogSync {
  private static final Logger LOG = Logger.getLogger(CatalogSync.class.getName());
  static final String CHANNEL = "meshgate:catalog-changed";

  @Resource(lookup = "jdbc/meshgate")
  DataSource dataSource;

  @Resource ManagedScheduledExecutorService scheduler;

  @Inject CatalogChanges changes;

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
  private ScheduledFuture<?> poller;
  private RedisClient redis;
  private StatefulRedisPubSubConnection<String, String> subscription;
  private StatefulRedisConnection<String, String> publisher;

  /** Starts polling and, when configured, the Redis subscription. */
  public void start() {
    seenRevision = readRevision();
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
        .publish(CHANNEL, replicaId)
        .whenComplete(
            (receivers, error) -> {
              if (error != null && redisFailing.compareAndSet(false, true)) {
                LOG.warning("MESHGATE-SYNC: Redis publish failed, relying on polling: " + error);
              } else if (error == null) {
                redisFailing.set(false);
              }
            });
  }

  private void poll() {
    try {
      long revision = readRevision();
      if (pollFailing.compareAndSet(true, false)) {
        LOG.info("MESHGATE-SYNC: catalog revision readable again");
      }
      if (revision != seenRevision) {
        seenRevision = revision;
        changes.dropCaches("catalog revision " + revision);
      }
    } catch (RuntimeException e) {
      if (pollFailing.compareAndSet(false, true)) {
        LOG.log(Level.WARNING, "MESHGATE-SYNC: cannot read the catalog revision; will retry", e);
      }
    }
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
                changes.dropCaches("Redis message from replica " + sender);
              }
            }
          });
      subscription.sync().subscribe(CHANNEL);
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
