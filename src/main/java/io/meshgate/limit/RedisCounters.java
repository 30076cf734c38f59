package io.meshgate.limit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Counters in Redis, shared by every replica. One decision is one script call ({@code decide.lua}),
 * so concurrent decisions on any number of replicas never lose or double a count. Keys of one
 * subscription share a hash tag, so the script is also valid on a Redis Cluster.
 */
public final class RedisCounters implements AutoCloseable {
  static final String KEY_PREFIX = "meshgate:rl:";
  static final String SCRIPT = script();
  private static final long DAY_MS = 86_400_000L;

  private final RedisURI uri;
  private final String keyPrefix;
  private final ClientResources resources;
  private final RedisClient client;
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile String sha;

  /**
   * @param installation namespaces the keys: replicas of one installation (one database) share
   *     counters, other installations on the same Redis never see them
   */
  public RedisCounters(String url, String installation) {
    keyPrefix = KEY_PREFIX + installation + ":";
    uri = RedisURI.create(url);
    // Reconnect quickly once Redis is back: counting goes back to shared within ~0.5 s.
    resources =
        ClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(10), Duration.ofMillis(500), 2, TimeUnit.MILLISECONDS))
            .build();
    client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // While disconnected, fail at once instead of queueing: the caller falls back.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build())
            // A backstop for commands the caller stopped waiting for; callers wait far less.
            .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
            .build());
  }

  /** Where Redis is, without credentials, for log messages. */
  String location() {
    return uri.getHost() + ":" + uri.getPort();
  }

  boolean connected() {
    StatefulRedisConnection<String, String> c = connection;
    return c != null && c.isOpen();
  }

  /**
   * Connects, loads the script and runs a few read-only decisions, so that the first real one does
   * not pay for class loading and a cold code path (over 50 ms in a fresh JVM). Blocking, so never
   * called on a request thread.
   *
   * @throws RuntimeException when Redis cannot be reached or does not answer
   */
  public synchronized void connect() {
    if (connection == null) {
      connection = client.connect();
    }
    sha = connection.sync().scriptLoad(SCRIPT);
    LimitCheck warmUp =
        new LimitCheck(
            -1,
            List.of(new LimitCheck.WindowCheck("warm-up", "w1000", 1, 1000)),
            null,
            System.currentTimeMillis());
    for (int i = 0; i < 3; i++) {
      try {
        decide(warmUp, false, 5_000);
      } catch (StoreException e) {
        throw new IllegalStateException("Redis does not run the limiter script: " + e.getMessage());
      }
    }
  }

  /**
   * Runs one decision.
   *
   * @throws StoreException when Redis did not answer within {@code timeoutMs} or failed
   */
  public Decision decide(LimitCheck check, boolean take, long timeoutMs) throws StoreException {
    StatefulRedisConnection<String, String> c = connection;
    if (c == null) {
      throw new StoreException("not connected");
    }
    String tag = keyPrefix + "{" + check.subscriptionId() + "}:";
    int n = check.windows().size();
    String[] keys = new String[n + 2];
    String[] args = new String[4 + n * 3 + 3];
    args[0] = Long.toString(check.nowMs());
    args[1] = Integer.toString(n);
    args[2] = check.quota() == null ? "0" : "1";
    args[3] = take ? "take" : "peek";
    for (int i = 0; i < n; i++) {
      LimitCheck.WindowCheck w = check.windows().get(i);
      keys[i] = tag + w.id();
      args[4 + i * 3] = Long.toString(w.limit());
      args[5 + i * 3] = Long.toString(w.windowMs());
      args[6 + i * 3] = Long.toString(RollingWindow.bucketMs(w.windowMs()));
    }
    LimitCheck.QuotaCheck q = check.quota();
    keys[n] = tag + (q == null ? "q:none" : q.id());
    keys[n + 1] = tag + "keys";
    int qb = 4 + n * 3;
    args[qb] = q == null ? "0" : Long.toString(q.limit());
    args[qb + 1] = q != null && q.hard() ? "1" : "0";
    // Kept a day past the period, so usage of the period just ended can still be read. Relative,
    // so that a gateway clock that differs from Redis's cannot expire a counter early.
    args[qb + 2] = q == null ? "0" : Long.toString(q.periodEndMs() - check.nowMs() + DAY_MS);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    List<Object> result = run(c, keys, args, deadline);
    long[] sums = new long[n];
    long[] retries = new long[n];
    long[] oldest = new long[n];
    for (int i = 0; i < n; i++) {
      sums[i] = (Long) result.get(2 + i * 3);
      retries[i] = (Long) result.get(3 + i * 3);
      oldest[i] = (Long) result.get(4 + i * 3);
    }
    boolean counted = take && (Long) result.get(0) == 1L;
    return Tally.decision(check, sums, retries, oldest, (Long) result.get(1), counted, true);
  }

  private List<Object> run(
      StatefulRedisConnection<String, String> c, String[] keys, String[] args, long deadline)
      throws StoreException {
    try {
      try {
        return await(c.async().evalsha(sha, ScriptOutputType.MULTI, keys, args), deadline);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RedisNoScriptException)) {
          throw e;
        }
        // Redis restarted and lost its script cache: EVAL sends the script and caches it again.
        return await(c.async().eval(SCRIPT, ScriptOutputType.MULTI, keys, args), deadline);
      }
    } catch (ExecutionException e) {
      throw new StoreException(String.valueOf(e.getCause()));
    } catch (TimeoutException e) {
      throw new StoreException("no answer in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted");
    } catch (RuntimeException e) {
      throw new StoreException(e.toString());
    }
  }

  private static <T> T await(RedisFuture<T> future, long deadline)
      throws ExecutionException, TimeoutException, InterruptedException {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw e;
    }
  }

  /** Deletes every counter of a subscription. */
  void reset(long subscriptionId, long timeoutMs) throws StoreException {
    String index = keyPrefix + "{" + subscriptionId + "}:keys";
    eval(
        "local ks = redis.call('SMEMBERS', KEYS[1]) "
            + "for _, k in ipairs(ks) do redis.call('DEL', k) end "
            + "redis.call('DEL', KEYS[1]) return #ks",
        new String[] {index},
        new String[0],
        timeoutMs);
  }

  /** Adds calls counted elsewhere (on a replica, during an outage) to a shared quota counter. */
  void addQuota(LocalCounters.QuotaUse use, long timeoutMs) throws StoreException {
    String tag = keyPrefix + "{" + use.subscriptionId() + "}:";
    eval(
        "redis.call('INCRBY', KEYS[1], ARGV[1]) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[2]) "
            + "redis.call('SADD', KEYS[2], KEYS[1]) "
            + "redis.call('PEXPIRE', KEYS[2], 2851200000) return 1",
        new String[] {tag + use.id(), tag + "keys"},
        new String[] {
          Long.toString(use.count()),
          Long.toString(Math.max(1, use.periodEndMs() - System.currentTimeMillis() + DAY_MS))
        },
        timeoutMs);
  }

  private void eval(String script, String[] keys, String[] args, long timeoutMs)
      throws StoreException {
    StatefulRedisConnection<String, String> c = connection;
    if (c == null) {
      throw new StoreException("not connected");
    }
    try {
      await(
          c.async().eval(script, ScriptOutputType.INTEGER, keys, args),
          System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs));
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new StoreException(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted");
    }
  }

  @Override
  public void close() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private static String script() {
    try (InputStream in = RedisCounters.class.getResourceAsStream("decide.lua")) {
      if (in == null) {
        throw new IllegalStateException("Missing resource decide.lua");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Redis did not answer in time or failed; the caller applies the plan's failure mode. */
  public static final class StoreException extends Exception {
    StoreException(String message) {
      super(message, null, false, false);
    }
  }
}
