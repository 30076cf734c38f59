package io.meshgate.limit;

import io.meshgate.metrics.GatewayMetrics;
import io.meshgate.support.Settings;
import io.meshgate.telemetry.Telemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Makes rate-limit decisions: in Redis when {@code REDIS_URL} is set (exact across replicas), else
 * in this replica's memory, at the plan's limits divided by {@code meshgate.limiter.replicas}
 * (default 1) so that the replicas together stay within the plan.
 *
 * <p>When Redis fails (an error, or no answer within {@code meshgate.limiter.redis-timeout-ms},
 * default 50 ms), a circuit breaker opens: for {@code meshgate.limiter.breaker-open-ms} (default
 * 500 ms) no call waits for Redis, then one call probes it. Meanwhile fail-open plans count on this
 * replica at their limits divided by {@code meshgate.limiter.replicas} (their quota is counted and
 * added to Redis when it returns, but not enforced), and fail-closed plans are refused. One WARN
 * marks the start of an outage and one INFO its end; {@code meshgate_limiter_fallback_total} and
 * {@code meshgate_limiter_unavailable_total} count the calls decided without Redis.
 */
@ApplicationScoped
public class Limiter {
  private static final Logger LOG = Logger.getLogger(Limiter.class.getName());

  @Inject
  @ConfigProperty(name = "redis.url")
  Optional<String> redisUrl;

  @Inject
  @ConfigProperty(name = "meshgate.limiter.redis-timeout-ms", defaultValue = "50")
  long timeoutMs;

  @Inject
  @ConfigProperty(name = "meshgate.limiter.breaker-open-ms", defaultValue = "500")
  long breakerOpenMs;

  @Inject
  @ConfigProperty(name = "meshgate.limiter.replicas", defaultValue = "1")
  int replicas;

  @Inject
  @ConfigProperty(name = "meshgate.limiter.max-local-subscriptions", defaultValue = "1000000")
  long maxLocalSubscriptions;

  @Inject GatewayMetrics metrics;
  @Inject Telemetry telemetry;

  private static final AttributeKey<String> DECISION = AttributeKey.stringKey("decision");
  private static final AttributeKey<String> STORE = AttributeKey.stringKey("store");
  private static final Attributes ALLOW_REDIS = Attributes.of(DECISION, "allow", STORE, "redis");
  private static final Attributes ALLOW_LOCAL = Attributes.of(DECISION, "allow", STORE, "local");
  private static final Attributes DENY_REDIS = Attributes.of(DECISION, "deny", STORE, "redis");
  private static final Attributes DENY_LOCAL = Attributes.of(DECISION, "deny", STORE, "local");
  private LongCounter decisions;
  private DoubleHistogram redisLatency;

  @Resource ManagedScheduledExecutorService scheduler;

  private LocalCounters local;
  private LocalCounters fallback;
  private RedisCounters redis;
  private final AtomicBoolean outage = new AtomicBoolean();
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile long closedAfterNanos;
  private volatile String outageReason;
  private ScheduledFuture<?> connector;

  @PostConstruct
  void init() {
    if (telemetry != null) {
      Meter meter = telemetry.meter();
      decisions =
          meter
              .counterBuilder("meshgate.limiter.decisions")
              .setDescription(
                  "Rate-limit and quota decisions on calls, by decision and where they were counted")
              .setUnit("{decision}")
              .build();
      redisLatency =
          meter
              .histogramBuilder("meshgate.limiter.redis.duration")
              .setDescription("Time of one limiter decision in Redis")
              .setUnit("s")
              .setExplicitBucketBoundariesAdvice(
                  java.util.List.of(
                      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                      1.0))
              .build();
    }
    if (replicas < 1) {
      throw new IllegalArgumentException(
          "meshgate.limiter.replicas must be at least 1 (was " + replicas + ")");
    }
    maxLocalSubscriptions =
        Settings.atLeast(
            "MESHGATE_LIMITER_MAX_LOCAL_SUBSCRIPTIONS", maxLocalSubscriptions, 1, 1_000_000);
    local = new LocalCounters(maxLocalSubscriptions);
    fallback = new LocalCounters(maxLocalSubscriptions);
  }

  /**
   * Connects to Redis when configured; until it answers, decisions take the failure path.
   *
   * @param installation the installation's id: every Redis key of this installation carries it
   */
  public void start(String installation) {
    String url = redisUrl.filter(s -> !s.isBlank()).orElse(null);
    if (redis != null) {
      return; // a retried start-up
    }
    if (url == null) {
      LOG.info(
          "MESHGATE-LIMITER: no REDIS_URL; rate limits and quotas are counted on each replica");
      return;
    }
    redis = new RedisCounters(url, installation);
    if (!tryConnect()) {
      connector =
          scheduler.scheduleWithFixedDelay(
              () -> {
                if (tryConnect()) {
                  connector.cancel(false);
                }
              },
              breakerOpenMs,
              breakerOpenMs,
              TimeUnit.MILLISECONDS);
    }
  }

  private boolean tryConnect() {
    try {
      redis.connect();
      LOG.info("MESHGATE-LIMITER: counting rate limits and quotas in Redis at " + redis.location());
      if (outage.get()) {
        closedAfterNanos = 0; // let the next call probe at once
      }
      return true;
    } catch (RuntimeException e) {
      failed("cannot connect: " + e.getMessage());
      return false;
    }
  }

  /** Whether decisions are shared across replicas (Redis configured). */
  public boolean shared() {
    return redis != null;
  }

  /** Decides on one call and counts it when admitted. */
  public Decision decide(LimitCheck check, boolean failOpen) {
    Decision decision = run(check, failOpen, true);
    if (decisions != null) {
      decisions.add(
          1,
          decision.admitted()
              ? (decision.shared() ? ALLOW_REDIS : ALLOW_LOCAL)
              : (decision.shared() ? DENY_REDIS : DENY_LOCAL));
    }
    return decision;
  }

  /** What {@link #decide} would say now, counting nothing: the usage view. */
  public Decision peek(LimitCheck check) {
    return run(check, true, false);
  }

  /** Forgets every count of a subscription, shared and local. */
  public void reset(long subscriptionId) {
    local.reset(subscriptionId);
    fallback.reset(subscriptionId);
    if (redis != null) {
      try {
        redis.reset(subscriptionId, Math.max(timeoutMs, 2_000));
      } catch (RedisCounters.StoreException e) {
        throw new IllegalStateException(
            "Could not reset the usage in Redis at " + redis.location() + ": " + e.getMessage());
      }
    }
  }

  private Decision run(LimitCheck check, boolean failOpen, boolean take) {
    if (redis == null) {
      return local.decide(replicas == 1 ? check : check.forOneOf(replicas, false), take);
    }
    boolean probe = false;
    if (outage.get()) {
      if (System.nanoTime() < closedAfterNanos || !probing.compareAndSet(false, true)) {
        return withoutRedis(check, failOpen, take);
      }
      probe = true;
    }
    long start = System.nanoTime();
    try {
      Decision decision = redis.decide(check, take, timeoutMs);
      if (redisLatency != null) {
        redisLatency.record((System.nanoTime() - start) / 1e9);
      }
      if (probe) {
        recovered();
      }
      return decision;
    } catch (RedisCounters.StoreException e) {
      metrics.limiterStoreErrors().inc();
      failed(e.getMessage());
      return withoutRedis(check, failOpen, take);
    } finally {
      if (probe) {
        probing.set(false);
      }
    }
  }

  private Decision withoutRedis(LimitCheck check, boolean failOpen, boolean take) {
    if (!take) {
      return fallback.decide(check.forOneOf(replicas, true), false);
    }
    if (!failOpen) {
      metrics.limiterUnavailable().inc();
      return Decision.unavailable();
    }
    metrics.limiterFallback().inc();
    return fallback.decide(check.forOneOf(replicas, true), true);
  }

  private void failed(String reason) {
    closedAfterNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(breakerOpenMs);
    if (outage.compareAndSet(false, true)) {
      outageReason = reason;
      LOG.warning(
          "MESHGATE-LIMITER: Redis at "
              + redis.location()
              + " is unavailable ("
              + reason
              + "); until it answers again, fail-open plans count on this replica at 1/"
              + replicas
              + " of their limits and fail-closed plans answer 503");
    }
  }

  private void recovered() {
    if (!outage.compareAndSet(true, false)) {
      return;
    }
    // Adding back the quota counted during the outage takes a Redis call per counter: never on
    // the request thread that found Redis back.
    scheduler.execute(this::addBackQuotas);
  }

  private void addBackQuotas() {
    List<LocalCounters.QuotaUse> counted = fallback.drainQuotas();
    int lost = 0;
    for (LocalCounters.QuotaUse use : counted) {
      try {
        redis.addQuota(use, Math.max(timeoutMs, 500));
      } catch (RedisCounters.StoreException e) {
        lost++;
      }
    }
    LOG.info(
        "MESHGATE-LIMITER: Redis at "
            + redis.location()
            + " answers again; counting is shared again (outage: "
            + outageReason
            + "; "
            + (counted.size() - lost)
            + " quota counters from this replica added"
            + (lost > 0 ? ", " + lost + " could not be added" : "")
            + ")");
  }

  @PreDestroy
  void stop() {
    if (connector != null) {
      connector.cancel(false);
    }
    if (redis != null) {
      try {
        redis.close();
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "Closing the Redis client failed", e);
      }
    }
  }
}
