package it.io.meshgate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.FaultyUpstream;
import it.io.meshgate.support.FaultyUpstream.Mode;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.LimitedApi;
import it.io.meshgate.support.OnManagedGateway;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The upstream half of the fault suite: the upstream down, slow, resetting and answering garbage.
 * Each scenario runs three times (the suite's rule); each time the client gets the documented
 * answer (README, "Policies and error keys") well within its bound, never a hang, and once the
 * upstream is healthy again the same API and every other API serve normally.
 */
class UpstreamFaultsIT extends OnManagedGateway {
  /** The API's own upstream read timeout: a slow upstream must cost a client about this long. */
  private static final int READ_TIMEOUT_MS = 1_000;

  /** The longest any faulty call may take: the read timeout plus generous scheduling slack. */
  private static final Duration BOUND = Duration.ofSeconds(5);

  private static FaultyUpstream upstream;
  private static String basePath;

  @BeforeAll
  static void publishAnApiOnTheFaultyUpstream() {
    upstream = new FaultyUpstream();
    basePath = "/faulty-" + UUID.randomUUID().toString().substring(0, 8);
    LimitedApi.admin(
        "POST",
        "/admin/v1/apis",
        """
        {"name":"%1$s","version":"v1","basePath":"%2$s","upstreamUrl":"%3$s/svc",
         "readTimeoutMs":%4$d,"state":"published","steps":[{"policy":"client-auth"}]}
        """
            .formatted(basePath.substring(1), basePath, upstream.baseUrl(), READ_TIMEOUT_MS));
    awaitHealthy();
  }

  @AfterAll
  static void stop() {
    if (upstream != null) {
      upstream.close();
    }
  }

  @RepeatedTest(3)
  void upstreamDownIs502Unavailable() {
    assertFault(Mode.DOWN, "GET", 502, "UPSTREAM_UNAVAILABLE");
  }

  @RepeatedTest(3)
  void upstreamSlowerThanTheReadTimeoutIs504Timeout() {
    Duration took = assertFault(Mode.SLOW, "GET", 504, "UPSTREAM_TIMEOUT");
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(READ_TIMEOUT_MS));
  }

  @RepeatedTest(3)
  void upstreamResettingTheConnectionIs502Unavailable() {
    assertFault(Mode.RESET, "POST", 502, "UPSTREAM_UNAVAILABLE");
    assertFault(Mode.RESET, "GET", 502, "UPSTREAM_UNAVAILABLE");
  }

  @RepeatedTest(3)
  void upstreamAnsweringGarbageIs502Unavailable() {
    assertFault(Mode.GARBAGE, "GET", 502, "UPSTREAM_UNAVAILABLE");
  }

  /**
   * Puts the upstream in {@code mode}, calls the API and checks the problem and that it came within
   * {@link #BOUND}; then heals the upstream and checks both this API and another serve again.
   */
  private static Duration assertFault(Mode mode, String method, int status, String errorKey) {
    upstream.mode(mode);
    long t0 = System.nanoTime();
    HttpResponse<String> r = call(method);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonObject problem = Json.createReader(new StringReader(r.body())).readObject();
    assertThat(problem.getString("errorKey")).isEqualTo(errorKey);
    assertThat(took).as("answered without hanging").isLessThan(BOUND);

    upstream.mode(Mode.HEALTHY);
    awaitHealthy();
    assertThat(
            Http.get(
                    Gateways.get().server().uri("/orders/after-fault"), "X-API-Key", "orders-key-1")
                .statusCode())
        .isEqualTo(200);
    return took;
  }

  private static HttpResponse<String> call(String method) {
    return Http.send(
        HttpRequest.newBuilder(Gateways.get().server().uri(basePath + "/x"))
            .header("X-API-Key", "orders-key-1")
            .method(method, HttpRequest.BodyPublishers.noBody()));
  }

  /** The very next call gets the healthy upstream's answer: no fault outlives its cause. */
  private static void awaitHealthy() {
    HttpResponse<String> r = call("GET");
    assertThat(r.statusCode())
        .as("first call after the upstream healed: " + r.body())
        .isEqualTo(200);
    assertThat(r.body()).isEqualTo("healthy");
  }
}
