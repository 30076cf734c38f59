package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.OtlpReceiver;
import it.io.meshgate.support.ServedApi;
import it.io.meshgate.support.StubUpstream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Traces and the access log of API calls, on a replica that exports over OTLP to a receiver in this
 * test: a server span per call with the call's attributes and an upstream child span; the upstream
 * receives a {@code traceparent} of the same trace, parented by that child span; a client's trace
 * context (W3C or B3) is continued, not replaced; problem bodies and the access log carry the trace
 * id; no credential or token reaches any log line.
 */
class TelemetryIT extends OnManagedGateway {
  private static OtlpReceiver receiver;
  private static LibertyServer replica;

  @BeforeAll
  static void start() {
    receiver = new OtlpReceiver();
    replica =
        Gateways.get()
            .newReplica(
                "telemetry",
                Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                    "OTEL_BSP_SCHEDULE_DELAY", "100",
                    "OTEL_METRIC_EXPORT_INTERVAL", "1000"))
            .start();
  }

  @AfterAll
  static void stop() {
    if (replica != null) {
      replica.stop();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void aCallHasAServerSpanWithItsAttributesAndAnUpstreamChildWhoseContextTheUpstreamReceives() {
    String marker = UUID.randomUUID().toString();
    HttpResponse<String> response =
        Http.get(replica.uri("/echo/reviews/" + marker), "X-API-Key", "premium-demo-key");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    Traceparent sent = Traceparent.of(upstreamHeader(marker, "traceparent"));
    List<OtlpReceiver.Received> spans =
        receiver.trace(sent.traceId(), 5, SpanKind.SPAN_KIND_SERVER);
    OtlpReceiver.Received server = only(spans, SpanKind.SPAN_KIND_SERVER);
    assertThat(server.parentSpanId()).isEmpty(); // a new trace: the client sent none
    assertThat(server.serviceName()).isEqualTo("meshgate");
    assertThat(server.name()).isEqualTo("GET /echo/*");
    assertThat(server.attributes())
        .containsEntry("api", "echo")
        .containsEntry("plan", "premium")
        .containsEntry("app", "premium-demo-app")
        .containsEntry("http.request.method", "GET")
        .containsEntry("http.route", "/echo/*")
        .containsEntry("http.response.status_code", "200")
        .containsEntry("status_class", "2xx")
        .doesNotContainKey("error_key");

    OtlpReceiver.Received upstream = only(spans, SpanKind.SPAN_KIND_CLIENT);
    assertThat(upstream.parentSpanId()).isEqualTo(server.spanId());
    assertThat(upstream.attributes()).containsEntry("http.response.status_code", "200");
    assertThat(sent.parentId()).isEqualTo(upstream.spanId());
    assertThat(sent.sampled()).isTrue();

    assertThat(spans)
        .filteredOn(s -> s.kind() == SpanKind.SPAN_KIND_INTERNAL)
        .allSatisfy(s -> assertThat(s.parentSpanId()).isEqualTo(server.spanId()))
        .extracting(OtlpReceiver.Received::name)
        .contains("credential lookup", "limiter", "signing");

    JsonObject line = accessLogLine(server.traceId());
    assertThat(line.getString("spanId")).isEqualTo(server.spanId());
    assertThat(line.getString("requestId")).isEqualTo(upstreamHeader(marker, "x-request-id"));
  }

  @Test
  void aClientsW3cTraceIsContinuedNotReplaced() {
    String marker = UUID.randomUUID().toString();
    String traceId = randomHex(16);
    String parent = randomHex(8);
    HttpResponse<String> response =
        Http.get(
            replica.uri("/echo/reviews/" + marker),
            "X-API-Key",
            "free-demo-key",
            "traceparent",
            "00-" + traceId + "-" + parent + "-01",
            "tracestate",
            "vendor=opaque");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    Traceparent sent = Traceparent.of(upstreamHeader(marker, "traceparent"));
    assertThat(sent.traceId()).isEqualTo(traceId);
    assertThat(sent.parentId()).isNotEqualTo(parent);
    assertThat(upstreamHeader(marker, "tracestate")).isEqualTo("vendor=opaque");
    OtlpReceiver.Received server =
        only(receiver.trace(traceId, 2, SpanKind.SPAN_KIND_SERVER), SpanKind.SPAN_KIND_SERVER);
    assertThat(server.parentSpanId()).isEqualTo(parent);
    assertThat(server.attributes()).containsEntry("plan", "free");
  }

  @Test
  void aClientsB3TraceIsContinuedAndTheUpstreamGetsItInBothForms() {
    String marker = UUID.randomUUID().toString();
    String traceId = randomHex(16);
    String parent = randomHex(8);
    HttpResponse<String> response =
        Http.get(
            replica.uri("/echo/reviews/" + marker),
            "X-API-Key",
            "beta-demo-key",
            "b3",
            traceId + "-" + parent + "-1");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    assertThat(Traceparent.of(upstreamHeader(marker, "traceparent")).traceId()).isEqualTo(traceId);
    String b3 = upstreamHeader(marker, "b3");
    assertThat(b3).startsWith(traceId + "-").doesNotContain(parent);
    OtlpReceiver.Received server =
        only(receiver.trace(traceId, 2, SpanKind.SPAN_KIND_SERVER), SpanKind.SPAN_KIND_SERVER);
    assertThat(server.parentSpanId()).isEqualTo(parent);
  }

  @Test
  void aRefusalCarriesItsTraceIdInTheProblemTheSpanAndTheAccessLog() {
    String traceId = randomHex(16);
    HttpResponse<String> response =
        Http.get(
            replica.uri("/echo/reviews/refused"),
            "X-API-Key",
            "no-such-key-" + UUID.randomUUID(),
            "traceparent",
            "00-" + traceId + "-" + randomHex(8) + "-01");
    assertThat(response.statusCode()).isEqualTo(401);
    JsonObject problem = Json.createReader(new StringReader(response.body())).readObject();
    assertThat(problem.getString("traceId")).isEqualTo(traceId);
    String errorKey = problem.getString("errorKey");

    OtlpReceiver.Received server =
        only(receiver.trace(traceId, 1, SpanKind.SPAN_KIND_SERVER), SpanKind.SPAN_KIND_SERVER);
    assertThat(server.attributes())
        .containsEntry("error_key", errorKey)
        .containsEntry("policy", "client-auth")
        .containsEntry("status_class", "4xx")
        .doesNotContainKey("plan");
    JsonObject line = accessLogLine(traceId);
    assertThat(line.getString("errorKey")).isEqualTo(errorKey);
    assertThat(line.getString("refusedBy")).isEqualTo("client-auth");
    assertThat(line.isNull("plan")).isTrue();
    assertThat(line.isNull("upstreamMs")).isTrue();
  }

  @Test
  void everyCallHasOneAccessLogLineWithEveryFieldAndNoLogLineHoldsACredentialOrToken() {
    // Fresh canaries: an app's API key and its client secret, created for this test.
    ServedApi api = ServedApi.create(Gateways.get(), "canary", true);
    HttpResponse<String> created =
        AdminClient.send(
            "POST", "/admin/v1/apps", "{\"name\":\"canary-" + UUID.randomUUID() + "\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject app = Json.createReader(new StringReader(created.body())).readObject();
    String clientId = app.getString("clientId");
    String canarySecret = app.getString("clientSecret");
    HttpResponse<String> subscribed =
        AdminClient.send(
            "POST",
            "/admin/v1/subscriptions",
            "{\"appId\":" + app.getJsonNumber("id") + ",\"planId\":" + api.planId() + "}");
    assertThat(subscribed.statusCode()).as(subscribed.body()).isBetween(200, 299);
    String canaryKey = api.key();
    String body = "{\"canary\":\"" + UUID.randomUUID() + "\"}";
    String sensitiveQuery = "card=" + UUID.randomUUID();
    String[] traceIds = new String[3];
    String[] markers = new String[3];
    for (int i = 0; i < 3; i++) {
      traceIds[i] = randomHex(16);
      markers[i] = UUID.randomUUID().toString();
    }
    String basic =
        java.util.Base64.getEncoder()
            .encodeToString((clientId + ":" + canarySecret).getBytes(StandardCharsets.UTF_8));
    String path = api.basePath() + "/items/";
    awaitServed(replica.uri(path + "ready"), canaryKey);
    assertThat(
            Http.send(
                    java.net.http.HttpRequest.newBuilder(
                            replica.uri(path + markers[0] + "?" + sensitiveQuery))
                        .header("X-API-Key", canaryKey)
                        .header("traceparent", "00-" + traceIds[0] + "-" + randomHex(8) + "-01")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            Http.get(
                    replica.uri(path + markers[1]),
                    "Authorization",
                    "Basic " + basic,
                    "traceparent",
                    "00-" + traceIds[1] + "-" + randomHex(8) + "-01")
                .statusCode())
        .isEqualTo(200);
    String token = tokenFor(markers[1]);
    assertThat(
            Http.get(
                    replica.uri(path + markers[2]),
                    "Authorization",
                    "Bearer " + token,
                    "traceparent",
                    "00-" + traceIds[2] + "-" + randomHex(8) + "-01")
                .statusCode())
        .isEqualTo(401); // a gateway token is not a client credential of this API

    String apiName = api.basePath().substring(1);
    JsonObject post = accessLogLine(traceIds[0]);
    assertThat(post.keySet())
        .containsExactlyInAnyOrder(
            "time",
            "requestId",
            "traceId",
            "spanId",
            "clientAddress",
            "api",
            "apiVersion",
            "plan",
            "app",
            "clientId",
            "method",
            "pathTemplate",
            "status",
            "errorKey",
            "refusedBy",
            "bytesIn",
            "bytesOut",
            "durationMs",
            "upstreamMs");
    assertThat(post.getString("api")).isEqualTo(apiName);
    assertThat(post.getString("apiVersion")).isEqualTo("v1");
    assertThat(post.getString("plan")).isEqualTo("plan-" + apiName);
    assertThat(post.getString("app")).isEqualTo(apiName);
    assertThat(post.getString("clientId")).isNotBlank();
    assertThat(post.getString("method")).isEqualTo("POST");
    assertThat(post.getString("pathTemplate")).isEqualTo(api.basePath() + "/*");
    assertThat(post.getString("clientAddress")).isEqualTo("127.0.0.1");
    assertThat(post.getInt("status")).isEqualTo(200);
    assertThat(post.isNull("errorKey")).isTrue();
    assertThat(post.isNull("refusedBy")).isTrue();
    assertThat(post.getString("requestId")).isNotBlank();
    assertThat(post.getString("time")).isNotBlank();
    assertThat(post.getJsonNumber("bytesIn").longValue()).isEqualTo(body.length());
    assertThat(post.getJsonNumber("bytesOut").longValue()).isPositive();
    assertThat(post.getJsonNumber("durationMs").doubleValue())
        .isGreaterThanOrEqualTo(post.getJsonNumber("upstreamMs").doubleValue())
        .isPositive();
    assertThat(accessLogLine(traceIds[1]).getString("clientId")).isEqualTo(clientId);
    assertThat(accessLogLine(traceIds[2]).getInt("status")).isEqualTo(401);

    // Written once: in access.log, not again in messages.log or on the console.
    String all = allLogs();
    for (String traceId : traceIds) {
      assertThat(all.split(traceId, -1)).as("log lines with " + traceId).hasSize(2);
    }
    assertThat(replica.messages()).doesNotContain(traceIds[0]);
    assertThat(all)
        .doesNotContain(canarySecret)
        .doesNotContain(canaryKey)
        .doesNotContain(basic)
        .doesNotContain(token)
        .doesNotContain(sensitiveQuery)
        .doesNotContain(markers[0]);
  }

  /**
   * Waits until the replica serves an API just created through the other server: without Redis it
   * learns of the change by polling the catalog revision (1 s).
   */
  private static void awaitServed(java.net.URI uri, String key) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    int status;
    do {
      status = Http.get(uri, "X-API-Key", key).statusCode();
    } while (status == 404 && System.nanoTime() < deadline && pause());
    assertThat(status).as("the replica serves the new API").isEqualTo(200);
  }

  /** The gateway token the upstream received for the call with this marker. */
  private static String tokenFor(String marker) {
    return upstreamHeader(marker, "authorization").substring("Bearer ".length());
  }

  private static String upstreamHeader(String marker, String name) {
    StubUpstream.Received received = ManagedGateway.upstream().only(marker);
    List<String> values = received.header(name);
    assertThat(values).as(name).hasSize(1);
    return values.get(0);
  }

  private static OtlpReceiver.Received only(List<OtlpReceiver.Received> spans, SpanKind kind) {
    List<OtlpReceiver.Received> found = spans.stream().filter(s -> s.kind() == kind).toList();
    assertThat(found).as(kind + " spans in " + spans).hasSize(1);
    return found.get(0);
  }

  /** The access log line of a trace; exactly one. Waits for the background writer. */
  private static JsonObject accessLogLine(String traceId) {
    List<String> lines = replica.awaitLogLines("access.log", "\"traceId\":\"" + traceId + "\"");
    assertThat(lines).as("access.log lines of " + traceId).hasSize(1);
    return Json.createReader(new StringReader(lines.get(0))).readObject();
  }

  private static boolean pause() {
    try {
      Thread.sleep(50);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Every log file the replica wrote (messages.log, console.log, ...). */
  private static String allLogs() {
    Path logs = replica.logFile().getParent();
    try (Stream<Path> files = Files.walk(logs)) {
      StringBuilder all = new StringBuilder();
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.append(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1));
      }
      return all.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] |= 1; // never all zero
    return HexFormat.of().formatHex(b);
  }

  record Traceparent(String traceId, String parentId, boolean sampled) {
    static Traceparent of(String header) {
      String[] parts = header.split("-");
      assertThat(parts).as(header).hasSize(4);
      assertThat(parts[0]).isEqualTo("00");
      // Bit 0 is "sampled"; W3C Trace Context level 2 may set bit 1 ("random") too.
      return new Traceparent(parts[1], parts[2], (Integer.parseInt(parts[3], 16) & 1) == 1);
    }
  }
}
