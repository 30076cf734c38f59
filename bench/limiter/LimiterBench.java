import com.sun.management.OperatingSystemMXBean;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.meshgate.catalog.runtime.PlanLimits;
import io.meshgate.limit.Decision;
import io.meshgate.limit.LimitCheck;
import io.meshgate.limit.LocalCounters;
import io.meshgate.limit.RedisCounters;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cost of one rate-limit decision, as the gateway makes it: a plan with a burst limit, a rate limit
 * and a daily quota (3 counters), spread over many subscriptions. Prints one Markdown row per store
 * and thread count: decisions/s, latency percentiles, JVM CPU and Redis CPU per decision.
 *
 * <p>Usage: bench/limiter/run.sh [--seconds 10] [--subscriptions 10000] [--threads 1,16]
 */
public class LimiterBench {
  public static void main(String[] args) throws Exception {
    int seconds = 10;
    int subscriptions = 10_000;
    int[] threadCounts = {1, 16};
    String url = "redis://127.0.0.1:6379";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--subscriptions" -> subscriptions = Integer.parseInt(args[++i]);
        case "--threads" ->
            threadCounts = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--redis" -> url = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    // Generous limits: the bench measures the decision, not refusals.
    PlanLimits limits =
        new PlanLimits(
            new PlanLimits.Window(1_000_000, 100),
            new PlanLimits.Window(1_000_000, 1_000),
            new PlanLimits.Quota(1_000_000_000L, PlanLimits.QuotaPeriod.DAY, null, true),
            true);
    System.out.println(
        "| store | threads | decisions/s | p50 µs | p99 µs | p99.9 µs | JVM CPU µs/decision | Redis CPU µs/decision |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    LocalCounters local = new LocalCounters(1_000_000);
    RedisCounters redis = new RedisCounters(url, "bench-" + java.util.UUID.randomUUID());
    redis.connect();
    RedisClient infoClient = RedisClient.create(url);
    try (StatefulRedisConnection<String, String> info = infoClient.connect()) {
      for (int threads : threadCounts) {
        run("local", threads, seconds, subscriptions, limits, check -> local.decide(check, true), null);
        run(
            "redis",
            threads,
            seconds,
            subscriptions,
            limits,
            check -> redis.decide(check, true, 1_000),
            info);
      }
    } finally {
      redis.close();
      infoClient.shutdown();
    }
  }

  interface Decider {
    Decision decide(LimitCheck check) throws Exception;
  }

  static void run(
      String store,
      int threads,
      int seconds,
      int subscriptions,
      PlanLimits limits,
      Decider decider,
      StatefulRedisConnection<String, String> info)
      throws Exception {
    // Warm-up: JIT and connections, not measured.
    measure(threads, 2, subscriptions, limits, decider, new long[1 << 16]);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    double redisCpuBefore = info == null ? 0 : redisCpu(info);
    long cpuBefore = os.getProcessCpuTime();
    long[] latencies = new long[1 << 22];
    long start = System.nanoTime();
    long n = measure(threads, seconds, subscriptions, limits, decider, latencies);
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpuUs = (os.getProcessCpuTime() - cpuBefore) / 1e3 / n;
    double redisUs = info == null ? 0 : (redisCpu(info) - redisCpuBefore) * 1e6 / n;
    int kept = (int) Math.min(n, latencies.length);
    long[] sorted = Arrays.copyOf(latencies, kept);
    Arrays.sort(sorted);
    System.out.printf(
        "| %s | %d | %,.0f | %.1f | %.1f | %.1f | %.1f | %s |%n",
        store,
        threads,
        n / elapsed,
        sorted[kept / 2] / 1e3,
        sorted[(int) (kept * 0.99)] / 1e3,
        sorted[(int) (kept * 0.999)] / 1e3,
        cpuUs,
        info == null ? "–" : String.format("%.1f", redisUs));
  }

  /** Runs decisions for {@code seconds}; keeps a sample of latencies (ns); returns the count. */
  static long measure(
      int threads, int seconds, int subscriptions, PlanLimits limits, Decider decider, long[] out)
      throws Exception {
    AtomicLong count = new AtomicLong();
    AtomicLong slot = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    CountDownLatch done = new CountDownLatch(threads);
    List<Throwable> errors = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  long i = offset;
                  while (System.nanoTime() < end) {
                    LimitCheck check =
                        LimitCheck.of(
                            8_000_000_000L + (i++ * 7919) % subscriptions,
                            limits,
                            List.of(),
                            Instant.now());
                    long s = System.nanoTime();
                    Decision d = decider.decide(check);
                    long took = System.nanoTime() - s;
                    if (!d.admitted()) {
                      throw new IllegalStateException("refused: " + d);
                    }
                    long k = slot.getAndIncrement();
                    if (k < out.length) {
                      out[(int) k] = took;
                    }
                    count.incrementAndGet();
                  }
                } catch (Throwable e) {
                  synchronized (errors) {
                    errors.add(e);
                  }
                } finally {
                  done.countDown();
                }
              });
      thread.start();
    }
    done.await();
    if (!errors.isEmpty()) {
      throw new IllegalStateException("bench failed", errors.get(0));
    }
    return count.get();
  }

  /** Redis's own CPU seconds (user + system), from INFO cpu. */
  static double redisCpu(StatefulRedisConnection<String, String> info) {
    double total = 0;
    for (String line : info.sync().info("cpu").split("\r?\n")) {
      if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
        total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return total;
  }
}
