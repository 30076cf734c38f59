package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.meshgate.testing.Executables;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.OnManagedGateway;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real Prometheus (Debian's {@code prometheus} package) scrapes the admin port of a fresh replica
 * while calls are sent as each demo plan, refusals included; PromQL then answers the exact counts
 * per plan and per errorKey. Without the binary the test is skipped, under {@code CI=true} it
 * fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusScrapeIT extends OnManagedGateway {
  private static LibertyServer replica;
  private static Process prometheus;
  private static int prometheusPort;
  private static Path work;

  @BeforeAll
  static void start() throws IOException {
    Optional<Path> binary = Executables.onPath("prometheus");
    if (binary.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true: Debian's prometheus package is required");
    }
    assumeThat(binary).as("prometheus on PATH").isPresent();
    // This replica also writes its access log to standard output (console.log under `server
    // start`).
    replica =
        Gateways.get().newReplica("prometheus", Map.of("MESHGATE_ACCESS_LOG", "stdout")).start();
    work = Files.createTempDirectory("meshgate-prometheus");
    Path config = work.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: meshgate
            metrics_path: /metrics
            static_configs:
              - targets: ["127.0.0.1:%d"]
        """
            .formatted(replica.adminPort()));
    prometheusPort = LibertyServer.freePort();
    prometheus =
        new ProcessBuilder(
                binary.get().toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + work.resolve("data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("prometheus.log").toFile())
            .start();
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.destroy();
    }
    if (replica != null) {
      replica.stop();
    }
  }

  @Test
  @Order(2) // after the exact counts of the PromQL test: this call would add to them
  void withMeshgateAccessLogStdoutEachCallIsOneJsonLineOnStandardOutputAndNoFileIsWritten() {
    String traceId = UUID.randomUUID().toString().replace("-", "");
    HttpResponse<String> r =
        Http.get(
            replica.uri("/echo/reviews/stdout"),
            "X-API-Key",
            "free-demo-key",
            "traceparent",
            "00-" + traceId + "-00f067aa0ba902b7-01");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    java.util.List<String> lines = replica.awaitLogLines("console.log", traceId);
    assertThat(lines).as("console.log lines of trace " + traceId).hasSize(1);
    JsonObject line = Json.createReader(new StringReader(lines.get(0))).readObject();
    assertThat(line.getString("plan")).isEqualTo("free");
    assertThat(line.getInt("status")).isEqualTo(200);
    assertThat(replica.logFile().resolveSibling("access.log")).doesNotExist();
    assertThat(replica.messages()).doesNotContain(traceId);
  }

  @Test
  @Order(1)
  void promQlCountsEveryCallPerPlanAndEveryRefusalPerErrorKey() {
    Map<String, Long> perPlan = new TreeMap<>();
    Map<String, Long> perErrorKey = new TreeMap<>();
    Map<String, Integer> calls = Map.of("free", 3, "premium", 4, "beta", 5);
    calls.forEach(
        (plan, n) -> {
          for (int i = 0; i < n; i++) {
            HttpResponse<String> r =
                Http.get(replica.uri("/echo/reviews/" + i), "X-API-Key", plan + "-demo-key");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            perPlan.merge(plan, 1L, Long::sum);
          }
        });
    for (int i = 0; i < 2; i++) {
      tally(
          perErrorKey,
          Http.get(replica.uri("/echo/reviews/x"), "X-API-Key", "unknown-" + UUID.randomUUID()));
    }
    tally(perErrorKey, Http.get(replica.uri("/echo/reviews/x")));
    tally(perErrorKey, Http.get(replica.uri("/no-such-api/x"), "X-API-Key", "free-demo-key"));
    assertThat(perErrorKey.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4);

    Map<String, Long> planCounts =
        await(
            "sum by (plan) (meshgate_requests_total{api=\"echo\",status_class=\"2xx\"})",
            "plan",
            perPlan);
    assertThat(planCounts).isEqualTo(perPlan);
    Map<String, Long> errorCounts =
        await(
            "sum by (error_key) (meshgate_requests_total{error_key!=\"\"})",
            "error_key",
            perErrorKey);
    assertThat(errorCounts).isEqualTo(perErrorKey);
    Map<String, Long> refused =
        query("sum by (error_key) (meshgate_refusals_total{policy=\"client-auth\"})", "error_key");
    assertThat(refused.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);

    // The rest of the contract the dashboard and alerts rely on is there too.
    Map<String, Long> names =
        query("count by (__name__) ({__name__=~\"meshgate_.+\"})", "__name__");
    assertThat(names.keySet())
        .contains(
            "meshgate_request_duration_seconds_bucket",
            "meshgate_upstream_duration_seconds_bucket",
            "meshgate_token_cache_total",
            "meshgate_token_signatures_total",
            "meshgate_limiter_decisions_total",
            "meshgate_upstream_connections",
            "meshgate_catalog_sync_lag_seconds",
            "meshgate_signing_keys",
            "meshgate_signing_key_active_age_seconds",
            "meshgate_access_log_dropped_total");
  }

  private static void tally(Map<String, Long> perErrorKey, HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
    JsonObject problem = Json.createReader(new StringReader(r.body())).readObject();
    perErrorKey.merge(problem.getString("errorKey"), 1L, Long::sum);
  }

  /** Queries until the answer equals {@code expected} or 60 s passed; answers the last result. */
  private static Map<String, Long> await(String promQl, String label, Map<String, Long> expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Map<String, Long> last = Map.of();
    while (System.nanoTime() < deadline) {
      try {
        last = query(promQl, label);
      } catch (RuntimeException e) {
        last = Map.of("<no answer>", -1L); // Prometheus still starting
      }
      if (last.equals(expected)) {
        return last;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return last;
  }

  private static Map<String, Long> query(String promQl, String label) {
    URI uri =
        URI.create(
            "http://127.0.0.1:"
                + prometheusPort
                + "/api/v1/query?query="
                + URLEncoder.encode(promQl, StandardCharsets.UTF_8));
    HttpResponse<String> r = Http.get(uri);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("Prometheus answered " + r.statusCode() + ": " + r.body());
    }
    JsonObject body = Json.createReader(new StringReader(r.body())).readObject();
    Map<String, Long> out = new TreeMap<>();
    for (JsonValue v : body.getJsonObject("data").getJsonArray("result")) {
      JsonObject series = v.asJsonObject();
      String key = series.getJsonObject("metric").getString(label, "");
      out.put(key, Math.round(Double.parseDouble(series.getJsonArray("value").getString(1))));
    }
    return out;
  }
}
